"""Sphinx glue for a self-contained, error-free site.

- Drops the second copy of sphinx-thebe's inline ``const THEBE_JS_URL`` script: Sphinx 7.4 + sphinx-thebe
  emit it twice on every page, which is a JavaScript error ("Identifier 'THEBE_JS_URL' has already been
  declared").
- Adds the book's own scripts from ``book/_assets`` (the MathJax 2 shim for ipywidgets, the loader of the
  kernel-free interactive figures). They are added here rather than from a top-level ``_static`` folder,
  because jupyter-book would then add every vendored ``.js`` file to every page.
"""

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


def setup(app: Sphinx) -> dict:
    # Before MathJax (priority 500 by default) so that the shim's configuration is read by MathJax 3.
    app.add_js_file("mathjax2-shim.js", priority=100)
    app.add_js_file("cnnviz-figures.js", priority=600)
    app.add_css_file("cnnviz.css")
    app.connect("html-page-context", _drop_duplicate_inline_scripts, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
