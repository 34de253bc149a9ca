"""The DenseNet chapter on the built site: the diagrams, the claims, and the explorer (k and the layers per block
on sliders, the bottleneck and the compression as boxes) with the paper's Table 2 errors.

Expected numbers are computed here with cnnviz, never typed: each setting must show the readout that
:func:`cnnviz.interact.static.densenet.readout_text` writes for it, which the unit tests check against the
zoo's ledger and the paper's table.
"""

from __future__ import annotations

from cnnviz.analysis.ledger import ledger
from cnnviz.interact.static.densenet import densenet_row, readout_text
from tests.browser.pages import chapter_page, diagram_titles, move_slider, page_text, wait_for_text

FIGURE = "div.cnnviz-vega"


def _tick(page, name: str, checked: bool) -> None:
    """Set the figure's checkbox ``name`` and fire its events."""
    box = page.locator(f'{FIGURE} input[type="checkbox"][name="{name}"]')
    assert box.count() == 1, f"expected one box named {name!r}, found {box.count()}"
    box.evaluate(
        """(el, v) => { el.checked = v;
                        el.dispatchEvent(new Event('input', {bubbles: true}));
                        el.dispatchEvent(new Event('change', {bubbles: true})); }""",
        checked,
    )


def test_densenet_page_shows_blocks_network_and_claims(open_page):
    page, _problems = open_page(chapter_page("densenet"))
    titles = diagram_titles(page)
    assert any("dense_block" in t for t in titles) and any("transition" in t for t in titles), titles
    assert any("densenet121_network" in t for t in titles), titles  # stage by stage, not block by block
    assert not any("densenet121_block" in t for t in titles)
    body = page_text(page)
    assert "class DenseBlock" in body and "class Transition" in body  # the code being taught, folded
    assert f"{ledger('densenet121').total_params:,}" in body
    assert "each layer is connected to every other layer" in body
    assert "not testable here (yet)" in body and "the paper's figure" in body
    assert "References" in body and "Memory-Efficient Implementation of DenseNets" in body


def test_the_explorer_responds_without_a_kernel_and_gives_table2(open_page):
    page, _problems = open_page(chapter_page("densenet"))
    page.wait_for_selector(f'{FIGURE} input[type="range"][name="layers"]', timeout=15_000)
    for line in readout_text(densenet_row(12, 16, True, True)):  # the default: DenseNet-BC (L = 100, k = 12)
        wait_for_text(page, FIGURE, line)
    # the basic DenseNet (L = 40, k = 12), a DenseNet-BC of Table 2 (L = 250, k = 24), and settings it lacks
    for k, layers, bottleneck, compression in (
        (12, 12, False, False),
        (24, 41, True, True),
        (4, 1, True, False),
        (48, 48, False, True),
    ):
        move_slider(page, "k", k, FIGURE)
        move_slider(page, "layers", layers, FIGURE)
        _tick(page, "bottleneck", bottleneck)
        _tick(page, "compression", compression)
        for line in readout_text(densenet_row(k, layers, bottleneck, compression)):
            wait_for_text(page, FIGURE, line)


def test_no_graded_value_is_on_the_built_page(open_page):
    """The review: a variant's answer (256) was in the stage table and in a revealed working. Every variant an
    assignment asks is looked for in the page's text, every fold (the revealed answers too) opened."""
    import re

    from cnnviz.interact.exercises import for_chapter

    page, _problems = open_page(chapter_page("densenet"))
    body = page_text(page)
    for exercise in for_chapter("densenet"):
        if exercise.kind != "computed":
            continue
        assert f"{exercise.expected():,}" in body, exercise.id  # the page's own question is revealed
        for variant in range(1, len(exercise.variants) + 1):
            value = exercise.expected(variant)
            for form in {f"{value:,}", str(value)}:
                assert not re.search(rf"(?<![\d,.]){re.escape(form)}(?![\d,]|\.\d)", body), (exercise.id, value)


def test_the_memory_table_and_the_claims_fit_a_phone(open_page):
    """The review: at 390 px the memory table's last column and the claims table's last column were off the
    screen. Neither may be wider than the column it sits in."""
    page, _problems = open_page(chapter_page("densenet"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    widths = page.evaluate(
        """() => {
            const memory = [...document.querySelectorAll('main table')]
                .find(t => t.innerText.includes('what autograd keeps, measured'));
            const claims = document.querySelector('main div.cnnviz-claims');
            const column = document.querySelector('article.bd-article').clientWidth;
            return {column, memory: memory && memory.scrollWidth, claims: claims && claims.scrollWidth};
        }"""
    )
    assert widths["memory"] and widths["claims"], widths
    assert widths["memory"] <= widths["column"] and widths["claims"] <= widths["column"], widths
