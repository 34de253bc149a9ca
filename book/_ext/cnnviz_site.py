"""Sphinx glue for a self-contained, error-free site.

- Drops the second copy of sphinx-thebe's inline ``const THEBE_JS_URL`` script: Sphinx 7.4 + sphinx-thebe
  emit it twice on every page, which is a JavaScript error ("Identifier 'THEBE_JS_URL' has already been
  declared").
- Gives each Graphviz diagram output its graph label as alt text (cell outputs carry none).
- Adds the book's own scripts from ``book/_assets`` (the MathJax 2 shim for ipywidgets, the loader of the
  kernel-free interactive figures, the exercises' answer boxes). They are added here rather than from a top-level ``_static`` folder,
  because jupyter-book would then add every vendored ``.js`` file to every page.
"""

import html
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx


def _drop_duplicate_inline_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in scripts:
        # Inline scripts have no file name: None from one extension, "" from another.
        key = (str(getattr(script, "filename", script) or ""), getattr(script, "attributes", {}).get("body", ""))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    scripts[:] = unique  # in place: it is the builder's own list, which later handlers (MathJax) extend


def _graph_label(svg: str) -> str:
    """The graph-level label and tooltip of a Graphviz SVG: the first text drawn before its first node,
    edge or cluster (Graphviz writes a ``<!-- name -->`` comment before each of those)."""
    start = svg.find('<g id="graph0"')
    if start < 0:
        return ""
    end = svg.find("<!--", start)
    head = svg[start : end if end > 0 else len(svg)]
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", head, flags=re.S)][:1]
    tooltip = re.search(r'xlink:title="([^"]*)"', head)
    if tooltip and html.unescape(tooltip.group(1)) not in texts:
        texts.append(html.unescape(tooltip.group(1)))
    return ". ".join(t.strip() for t in texts if t.strip())


def _describe_diagrams(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give an SVG output its description as alt text: a figure's own ``aria-label``, or a Graphviz
    diagram's graph label; without one, the page would announce the image's file name."""
    for image in doctree.findall(nodes.image):
        uri = image.get("uri", "")
        if image.get("alt") or not uri.endswith(".svg"):
            continue
        path = Path(app.srcdir, uri)
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            described = re.search(r'<svg[^>]*\saria-label="([^"]*)"', text)
            if described:  # a figure that describes itself (cnnviz.render.plots.svg(fig, alt=...))
                image["alt"] = html.unescape(described.group(1))
                continue
            label = _graph_label(text)
            if label:
                image["alt"] = f"Diagram: {label}"


def setup(app: Sphinx) -> dict:
    # Before MathJax (priority 500 by default) so that the shim's configuration is read by MathJax 3.
    app.add_js_file("mathjax2-shim.js", priority=100)
    app.add_js_file("cnnviz-figures.js", priority=600)
    app.add_js_file("cnnviz-exercises.js", priority=600)
    app.add_css_file("cnnviz.css")
    app.connect("html-page-context", _drop_duplicate_inline_scripts, priority=100)
    app.connect("doctree-resolved", _describe_diagrams)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

