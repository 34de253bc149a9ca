"""The ResNeXt chapter on the built site: the block diagrams, the networks and the cardinality sliders.

Expected numbers are computed here with cnnviz, never typed: a slider moved on the static page must show
what ``cnnviz.analysis.ops`` computes for that setting (matched complexity: d from
``ops.matched_cardinality_width``).
"""

from __future__ import annotations

from cnnviz.analysis import ops
from cnnviz.models.lecture import RESNEXT_BLOCK, RESNEXT_TABLE2
from tests.browser.pages import (
    chapter_page,
    diagram_titles,
    move_slider,
    nth_figure,
    page_text,
    wait_for_text,
)


def _readout(C: int, d: int) -> tuple[str, str]:
    """The two readout lines of the figure for C paths of width d (the 256-d conv2 block at 56×56)."""
    hw, channels = RESNEXT_BLOCK.in_hw, RESNEXT_BLOCK.channels
    cost = ops.bottleneck_block_cost(hw, channels, C * d, groups=C, out_channels=channels)
    budget = ops.bottleneck_block_cost(hw, channels, RESNEXT_BLOCK.resnet_width, out_channels=channels)
    return (
        f"C = {C} paths of width d = {d} (block width {C * d}): {cost.params:,} parameters",
        f"{cost.macs:,} multiply-adds at {hw}×{hw}; {round(cost.params / budget.params, 4):.2f}× the ResNet-50 "
        "bottleneck (1×64d)",
    )






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


def test_resnext_matched_slider_responds_without_a_kernel(open_page):
    page, _problems = open_page(chapter_page("resnext"))
    figure = nth_figure(page, 0)
    assert page.locator(f'{figure} input[type="range"][name="bottleneck_width"]').count() == 0  # d follows C
    for line in _readout(RESNEXT_BLOCK.cardinality, RESNEXT_BLOCK.bottleneck_width):
        wait_for_text(page, figure, line)
    for C in (1, 2, 4, 8, 32, 3, 16):
        move_slider(page, "cardinality", C, within=figure)
        d = ops.matched_cardinality_width(C, RESNEXT_BLOCK.channels, RESNEXT_BLOCK.resnet_width)
        for line in _readout(C, d):
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
