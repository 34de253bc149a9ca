"""The Network in Network chapter on the built site: the mlpconv diagram, the networks, and the micro-network
sliders.

(Console errors, 4xx and external requests of every page are checked by test_site.py.)

Expected numbers are computed here with cnnviz, never typed: a slider moved on the static page must show
what ``cnnviz.analysis.ops.mlpconv_cost`` (checked against the zoo's built block) computes.
"""

from __future__ import annotations

from cnnviz.analysis.ledger import ledger
from cnnviz.analysis.ops import mlpconv_cost
from cnnviz.models.lecture import MLPCONV_EXAMPLE
from tests.browser.pages import (
    chapter_page,
    diagram_titles,
    move_slider,
    page_text,
    vega_texts,
    wait_for_text,
)


def _readouts(layers: int, width: int) -> tuple[str, str, str]:
    ex = MLPCONV_EXAMPLE
    cost, alone = mlpconv_cost(layers, width), mlpconv_cost(0, 1)
    return (
        f"{ex.kernel}×{ex.kernel} conv, {ex.conv_filters} + {layers} × 1×1 conv, {width}: {cost.params:,} parameters",
        f"{cost.macs:,} multiply-adds, {cost.macs / alone.macs:.2f}× the plain conv; "
        f"1×1 layers: {cost.cccp_macs / cost.macs:.1%}",
        f"weight layers per filter: {layers + 1}, output depth {cost.out_channels}",
    )


def test_nin_page_shows_the_block_the_networks_and_the_claims(open_page):
    page, _problems = open_page(chapter_page("nin"))
    titles = diagram_titles(page)
    block = next((t for t in titles if "mlpconv" in t), None)
    assert block is not None, titles
    assert {"input", "conv", "cccp1", "cccp2", "input->conv", "conv->cccp1", "cccp1->cccp2"} <= block
    for name in ("nin_cifar", "nin_imagenet"):
        assert any(any(name in title for title in t) for t in titles), f"the {name} diagram is missing"
    body = page_text(page)
    assert "class Mlpconv" in body and "class MlpconvSpec" in body  # the code being taught
    for name in ("nin_cifar", "nin_imagenet"):
        assert f"{ledger(name).total_params:,}" in body
    assert "FC 4096, 4096, classes" in body  # the GAP-vs-FC table
    assert "75 directions" in body and "largest output difference" in body


def test_nin_micro_network_sliders_respond_without_a_kernel(open_page):
    page, _problems = open_page(chapter_page("nin"))
    figure = "div.cnnviz-vega"
    page.wait_for_selector(f'{figure} input[type="range"][name="cccp_width"]', timeout=15_000)
    for text in _readouts(MLPCONV_EXAMPLE.cccp_layers, MLPCONV_EXAMPLE.cccp_width):
        wait_for_text(page, figure, text)
    layers, width = MLPCONV_EXAMPLE.cccp_layers, MLPCONV_EXAMPLE.cccp_width
    for name, value in (("cccp_layers", 4), ("cccp_width", 384), ("cccp_layers", 0), ("cccp_width", 16),
                        ("cccp_layers", 1), ("cccp_width", 96)):  # fmt: skip
        move_slider(page, name, value)
        layers, width = (value, width) if name == "cccp_layers" else (layers, value)
        for text in _readouts(layers, width):
            wait_for_text(page, figure, text)
    texts = vega_texts(page, figure)
    default = _readouts(MLPCONV_EXAMPLE.cccp_layers, MLPCONV_EXAMPLE.cccp_width)[0]
    assert not any(default in t for t in texts), "the readout still shows the default setting"
