"""Sphinx glue for a self-contained, error-free site.

- Drops the second copy of sphinx-thebe's inline ``const THEBE_JS_URL`` script: Sphinx 7.4 + sphinx-thebe
  emit it twice on every page, which is a JavaScript error ("Identifier 'THEBE_JS_URL' has already been
  declared").
- Gives each Graphviz diagram output its graph label as alt text (cell outputs carry none), and marks where
  in the drawing its caption and colour key lie (a hidden ``span.cnnviz-diagram-keybox`` after the image),
  so that the book's script can keep them in view below a diagram that scrolls in its own box.
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


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def key_box(svg: str) -> tuple[float, float, float, float] | None:
    """Where a Graphviz diagram's caption and colour key lie, as fractions (left, top, width, height) of
    the drawing; None if it has no such table.

    ``cnnviz.render.diagrams.colour_key`` draws them as one table painted in the paper's colour, so its box
    is the first shape after the background in the graph's own label (drawn before the first node, edge or
    cluster: Graphviz writes each of those as a ``<g id=...>`` group, nodes and edges after a
    ``<!-- name -->`` comment; a graph tooltip wraps the whole drawing in a ``<g id="a_graph0">`` link), and
    holds every other shape and text of that label."""
    view = re.search(r'<svg[^>]*\sviewBox="([^"]*)"', svg)
    graph = re.search(r'<g id="graph0"[^>]*\stransform="([^"]*)"', svg)
    if not view or not graph:
        return None
    vx, vy, vw, vh = _numbers(view.group(1))
    scale = re.search(r"scale\(([^)]*)\)", graph.group(1))
    shift = re.search(r"translate\(([^)]*)\)", graph.group(1))
    sx, sy = (_numbers(scale.group(1)) * 2)[:2] if scale else (1.0, 1.0)
    tx, ty = (_numbers(shift.group(1)) + [0.0, 0.0])[:2] if shift else (0.0, 0.0)
    inner = svg.find(">", graph.end()) + 1
    first = re.compile(r'<!--|<g id="(?!a_graph0")').search(svg, inner)  # the first node, edge or cluster
    head = svg[inner : first.start() if first else len(svg)]
    shapes = []
    for points in re.findall(r'<polygon[^>]*\spoints="([^"]*)"', head):
        xy = _numbers(points)
        xs, ys = xy[0::2], xy[1::2]
        shapes.append((min(xs), min(ys), max(xs), max(ys)))
    texts = [(float(x), float(y)) for x, y in re.findall(r'<text[^>]*\sx="([^"]*)" y="([^"]*)"', head)]
    if len(shapes) < 2 or vw <= 0 or vh <= 0:
        return None
    left, top, right, bottom = shapes[1]  # shapes[0] is the background
    tolerance = 0.5
    for a, b, c, d in shapes[2:]:  # every cell of the label inside the table's box
        if a < left - tolerance or b < top - tolerance or c > right + tolerance or d > bottom + tolerance:
            return None
    if not all(left <= x <= right and top <= y <= bottom for x, y in texts):
        return None

    def fx(x: float) -> float:
        return (sx * (x + tx) - vx) / vw

    def fy(y: float) -> float:
        return (sy * (y + ty) - vy) / vh

    return fx(left), fy(top), fx(right) - fx(left), fy(bottom) - fy(top)


def _describe_diagrams(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give an SVG output its description as alt text: a figure's own ``aria-label``, or a Graphviz
    diagram's graph label; without one, the page would announce the image's file name. After a Graphviz
    diagram with a caption-and-key table, a hidden marker says where that table lies (:func:`key_box`)."""
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
            box = key_box(text)
            if box is not None and image.parent is not None:
                marker = '<span class="cnnviz-diagram-keybox" hidden data-key="{}"></span>'.format(
                    " ".join(f"{v:.5f}" for v in box)
                )
                image.parent.insert(image.parent.index(image) + 1, nodes.raw("", marker, format="html"))


def setup(app: Sphinx) -> dict:
    # Before MathJax (priority 500 by default) so that the shim's configuration is read by MathJax 3.
    app.add_js_file("mathjax2-shim.js", priority=100)
    app.add_js_file("cnnviz-figures.js", priority=600)
    app.add_js_file("cnnviz-exercises.js", priority=600)
    app.add_css_file("cnnviz.css")
    app.connect("html-page-context", _drop_duplicate_inline_scripts, priority=100)
    app.connect("doctree-resolved", _describe_diagrams)
    # sphinx_external_toc loads sphinx_multitoc_numbering, which does not declare whether it is safe for
    # parallel builds, so Sphinx would read serially (make site reads with two processes). It is safe: all it
    # does is replace the section numbering, which Sphinx runs once, in the main process, after reading.
    multitoc = app.extensions.get("sphinx_multitoc_numbering")
    if multitoc is not None:
        multitoc.parallel_read_safe = multitoc.parallel_write_safe = True
    return {"parallel_read_safe": True, "parallel_write_safe": True}

