"""What the browser tests do on a chapter's page: find it, read its diagrams, move a figure's sliders, wait for
a figure's readout. One home for these, so every chapter's test drives the page the same way."""

from __future__ import annotations

import re

from tests.browser.site import SITE

FIGURE = "div.cnnviz-vega"  # a kernel-free figure (the book's script embeds it with Vega)


def chapter_page(name: str) -> str:
    """The built page of chapter ``name`` (``book/<name>.html``); fails if the build lacks it."""
    path = f"book/{name}.html"
    assert (SITE / path).is_file(), f"{path} is missing from the build at {SITE}"
    return path


def diagram_titles(page) -> list[set[str]]:
    """The <title> texts of every diagram on the page (graphviz SVGs shown as <img>)."""
    sources = page.eval_on_selector_all(
        "img", "imgs => imgs.map(i => i.src).filter(s => s.endsWith('.svg') && s.includes('/_images/'))"
    )
    titles = []
    for src in sources:
        response = page.request.get(src)
        assert response.ok, f"{src}: HTTP {response.status}"
        text = response.text().replace("&#45;&gt;", "->")
        titles.append(set(re.findall(r"<title>([^<]*)</title>", text)))
    return titles


def nth_figure(page, index: int) -> str:
    """A CSS selector for the index-th kernel-free figure of the page, once it is drawn."""
    page.wait_for_function(
        "n => document.querySelectorAll('div.cnnviz-vega[data-rendered]').length > n", arg=index, timeout=15_000
    )
    page.evaluate("n => document.querySelectorAll('div.cnnviz-vega')[n].setAttribute('data-test-figure', n)",
                  index)  # fmt: skip
    return f'{FIGURE}[data-test-figure="{index}"]'


def move_slider(page, name: str, value: int, within: str = "") -> None:
    """Set the range input ``name`` (inside the selector ``within``, if given) and fire its events."""
    slider = page.locator(f'{within} input[type="range"][name="{name}"]'.strip())
    where = f" in {within}" if within else ""
    assert slider.count() == 1, f"expected one slider named {name!r}{where}, found {slider.count()}"
    slider.evaluate(
        """(el, v) => { el.value = String(v);
                        el.dispatchEvent(new Event('input', {bubbles: true}));
                        el.dispatchEvent(new Event('change', {bubbles: true})); }""",
        value,
    )


def wait_for_text(page, figure: str, text: str) -> None:
    """Wait until the figure (Vega's SVG renderer) shows ``text`` in one of its text marks."""
    page.wait_for_function(
        "([sel, t]) => [...document.querySelectorAll(sel + ' text')].some(e => e.textContent.includes(t))",
        arg=[figure, text],
        timeout=10_000,
    )


def vega_texts(page, figure: str) -> list[str]:
    """Every text mark the figure shows now."""
    return page.eval_on_selector_all(f"{figure} text", "ts => ts.map(t => t.textContent)")


def choose_option(page, name: str, value: str, within: str = "") -> None:
    """Choose ``value`` in the select menu ``name`` (a Vega param bound to a menu) and fire its events."""
    menu = page.locator(f"{within} select[name=\"{name}\"]".strip())
    where = f" in {within}" if within else ""
    assert menu.count() == 1, f"expected one menu named {name!r}{where}, found {menu.count()}"
    menu.select_option(value)
    menu.dispatch_event("change")


def page_text(page) -> str:
    """The text a reader can get to on the page: every folded ``<details>`` (e.g. the claims that hold)
    opened first, then the main column's rendered text."""
    page.eval_on_selector_all("main details", "ds => ds.forEach(d => { d.open = true; })")
    return page.inner_text("main")
