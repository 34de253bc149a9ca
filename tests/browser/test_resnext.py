"""The ResNeXt chapter on the built site: the block diagrams, the networks and the cardinality sliders.

Expected numbers are computed here with cnnviz, never typed: a control moved on the static page must show
the readout that ``cnnviz.interact.static.resnext.readout_text`` computes for that setting (matched
complexity: the paper's Table 2 templates, each with its Table 3 error).
"""

from __future__ import annotations

from cnnviz.interact.static.resnext import cardinality_rows, matched_rows, readout_text
from cnnviz.models.lecture import RESNEXT_BLOCK, RESNEXT_TABLE2
from tests.browser.pages import (
    chapter_page,
    diagram_titles,
    move_slider,
    nth_figure,
    page_text,
    wait_for_text,
)


def _readout(C: int, d: int) -> list[str]:
    """The readout lines of the figure for C paths of width d (the 256-d conv2 block at 56×56)."""
    return readout_text(cardinality_rows([C], [d])[0])


def test_resnext_page_shows_the_forms_and_the_networks(open_page):
    page, _problems = open_page(chapter_page("resnext"))
    titles = diagram_titles(page)
    assert any(any(t.startswith("paths.") for t in ts) for ts in titles), "the paths form diagram is missing"
    assert any("conv2" in ts and not any(t.startswith("paths.") for t in ts) for ts in titles)
    body = page_text(page)
    assert "class AggregatedBottleneck" in body  # the code being taught
    assert "largest difference" in body  # the forms agree, numerically
    for C, d in RESNEXT_TABLE2:
        assert f"{C}×{d}d" in body or f"| {C} | {d} | {d} |" in body


def test_resnext_matched_templates_respond_without_a_kernel(open_page):
    page, _problems = open_page(chapter_page("resnext"))
    figure = nth_figure(page, 0)
    assert page.locator(f'{figure} input[type="range"][name="bottleneck_width"]').count() == 0  # d follows C
    for line in _readout(RESNEXT_BLOCK.cardinality, RESNEXT_BLOCK.bottleneck_width):
        wait_for_text(page, figure, line)
    for row in matched_rows():  # the paper's Table 2 templates only, each with its Table 3 error
        page.locator(f'{figure} input[type="radio"][name="cardinality"][value="{row["C"]}"]').check()
        for line in readout_text(row):
            wait_for_text(page, figure, line)


def test_resnext_free_sliders_respond_without_a_kernel(open_page):
    page, _problems = open_page(chapter_page("resnext"))
    figure = nth_figure(page, 1)
    for line in _readout(RESNEXT_BLOCK.cardinality, RESNEXT_BLOCK.bottleneck_width):
        wait_for_text(page, figure, line)
    for C, d in ((8, 14), (1, 64), (32, 64), (5, 7), (1, 1)):
        move_slider(page, "cardinality", C, within=figure)
        move_slider(page, "bottleneck_width", d, within=figure)
        for line in _readout(C, d):
            wait_for_text(page, figure, line)
