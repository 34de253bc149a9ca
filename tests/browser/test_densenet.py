"""The DenseNet chapter on the built site: the diagrams, the claims, and the k/L/bottleneck/θ sliders.

Expected numbers are computed here with cnnviz, never typed: each slider setting must show what
:func:`cnnviz.analysis.dense_blocks.densenet_blocks_cost` gives, and the tests check that against the zoo's ledger.
"""

from __future__ import annotations

from cnnviz.analysis.ledger import ledger
from cnnviz.interact.static.densenet import densenet_row
from tests.browser.pages import chapter_page, diagram_titles, move_slider, page_text, wait_for_text


def _expected(k: int, layers: int, bottleneck: bool, compression: int) -> tuple[str, str, str]:
    row = densenet_row(k, layers, bottleneck, compression)
    return row["text_network"], row["text_memory"], row["text_channels"]


def test_densenet_page_shows_blocks_network_and_claims(open_page):
    page, _problems = open_page(chapter_page("densenet"))
    titles = diagram_titles(page)
    assert any("dense_block" in t for t in titles) and any("transition" in t for t in titles), titles
    assert any("densenet121_block" in t for t in titles)
    body = page_text(page)
    assert "class DenseBlock" in body and "class Transition" in body  # the code being taught
    assert f"{ledger('densenet121').total_params:,}" in body
    assert "each layer is connected to every other layer" in body


def test_densenet_sliders_respond_without_a_kernel(open_page):
    page, _problems = open_page(chapter_page("densenet"))
    figure = "div.cnnviz-vega"
    page.wait_for_selector(f'{figure} input[type="range"][name="compression"]', timeout=15_000)
    for line in _expected(12, 16, True, 50):
        wait_for_text(page, figure, line)
    for k, layers, bottleneck, compression in ((32, 24, True, 50), (4, 4, False, 100), (48, 48, True, 25),
                                               (12, 12, False, 75)):
        move_slider(page, "k", k)
        move_slider(page, "layers", layers)
        move_slider(page, "bottleneck", int(bottleneck))
        move_slider(page, "compression", compression)
        for line in _expected(k, layers, bottleneck, compression):
            wait_for_text(page, figure, line)
