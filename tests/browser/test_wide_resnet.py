"""The Wide ResNet chapter on the built site: the block and network diagrams, the claims, and the d/k sliders.

Expected numbers are computed here with cnnviz, never typed: each slider setting must show what the ledger
and the traced depth of the zoo's WRN-d-k give, and the CIFAR-10 errors the paper reports for it (from
``cnnviz.analysis.claims.wide_resnet``), or that it reports none.
"""

from __future__ import annotations

import torch

from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.analysis.ledger import ledger
from cnnviz.analysis.ops import thin_twin
from cnnviz.format import compact_count
from cnnviz.interact.static.wide_resnet import PAPER_FIELDS, paper_lines, readout_text
from cnnviz.models.wide_resnet import wide_resnet
from tests.browser.pages import (
    chapter_page,
    diagram_titles,
    move_slider,
    nth_figure,
    page_text,
    wait_for_text,
)


def _expected(depth: int, k: int) -> tuple[str, ...]:
    with torch.device("meta"):
        net = wide_resnet(depth, k)
    counted = ledger(net, (3, 32, 32))
    layers = weight_layer_depth(net)
    twin = thin_twin(counted.total_params)
    row = {"d": depth, "k": k, "params": counted.total_params, "macs_short": compact_count(counted.total_macs),
           "layers": layers, "per_layer_short": compact_count(round(counted.total_macs / layers)),
           "twin_d": twin.depth, "twin_layers": twin.weight_layers,
           "twin_per_layer_short": compact_count(round(twin.macs_per_layer))}  # fmt: skip
    row.update(zip(PAPER_FIELDS, paper_lines(depth, k), strict=False))
    return readout_text(row)


def test_wide_resnet_page_shows_blocks_network_and_claims(open_page):
    page, _problems = open_page(chapter_page("wide_resnet"))
    titles = diagram_titles(page)
    block = next(t for t in titles if any("WideBasicBlock" in title for title in t))
    assert {"relu1->shortcut", "shortcut->add"} <= block, (
        block
    )  # the projection beside the block, not after it
    assert any("bottleneck" in " ".join(t) for t in titles) and any("wrn28_10_network" in t for t in titles)
    body = page_text(page)
    assert "class WideBasicBlock" in body  # the code being taught
    assert "bn1 → relu1 → conv1 → bn2 → relu2 → dropout → conv2" in body
    assert f"{ledger('wrn28_10').total_params:,}" in body
    assert "50 layer wide ResNet outperforms 152 layers original ResNet" in body


def test_wide_resnet_sliders_respond_without_a_kernel(open_page):
    page, _problems = open_page(chapter_page("wide_resnet"))
    figure = nth_figure(page, 0)
    for line in _expected(28, 10):
        wait_for_text(page, figure, line)
    # reported in Tables 4 and 5; in Table 6 with and without dropout; in Table 9 only; in none
    for depth, k in ((40, 4), (16, 4), (40, 10), (100, 1), (10, 16)):
        move_slider(page, "depth", depth, within=figure)
        move_slider(page, "k", k, within=figure)
        for line in _expected(depth, k):
            wait_for_text(page, figure, line)
