"""A kernel-free figure as a notebook front end shows it: its output's HTML, scripts run, no site around it.

JupyterLab, Notebook 7 and VS Code insert an output's HTML and re-create its ``<script>`` elements so that
they run; the page may have an AMD loader (``define``, as require.js sets it in classic front ends). Needs
no built site: a blank page, the network cut off, the renderer coming only from the output itself.
"""

from __future__ import annotations

import pytest

from cnnviz.interact.static.base import BOOK_ENV
from cnnviz.interact.static.googlenet import inception_cost_figure
from cnnviz.interact.static.vgg import stack_vs_large_figure

# What the front ends do with an output's HTML: innerHTML, then each script replaced by a live copy.
INSERT = """(html) => {
    const output = document.createElement("div");
    output.className = "output";
    output.innerHTML = html;
    document.body.appendChild(output);
    for (const old of output.querySelectorAll("script")) {
        const script = document.createElement("script");
        for (const attribute of old.attributes) script.setAttribute(attribute.name, attribute.value);
        script.textContent = old.textContent;
        old.replaceWith(script);
    }
}"""
AMD_PAGE = """<!doctype html><html><head><script>
window.define = function () { throw new Error("an anonymous AMD define reached require.js"); };
window.define.amd = {};
</script></head><body></body></html>"""


@pytest.mark.parametrize("amd", [False, True], ids=["plain page", "page with an AMD loader"])
def test_two_figures_draw_offline_from_their_own_output(browser, amd: bool, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(BOOK_ENV, raising=False)
    outputs = [f._repr_mimebundle_()["text/html"] for f in (inception_cost_figure(), stack_vs_large_figure())]
    context = browser.new_context()
    try:
        page = context.new_page()
        requests: list[str] = []
        page.route("**/*", lambda route: (requests.append(route.request.url), route.abort()))
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_content(AMD_PAGE if amd else "<!doctype html><html><body></body></html>")
        for html in outputs:
            page.evaluate(INSERT, html)
        page.wait_for_function(
            "document.querySelectorAll('div.cnnviz-vega[data-rendered=\"true\"] svg').length === 2", timeout=30_000
        )
        assert page.locator("div.cnnviz-vega input[type='range']").count() == 6 + 2  # both figures' sliders
        assert errors == [] and requests == []
        if amd:  # the loader is back in place once the bundles have set their globals
            assert page.evaluate("typeof window.define === 'function' && typeof window.vegaEmbed === 'function'")
    finally:
        context.close()
