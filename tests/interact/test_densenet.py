"""The DenseNet chapter's code: the dense-block counts against the zoo, connectivity, the explorers, the
exercises and the claims."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnviz.analysis import dense_blocks
from cnnviz.analysis.claims.densenet import measured_connectivity, weight_layer_paths
from cnnviz.analysis.ledger import ledger
from cnnviz.interact.static.densenet import COMPRESSIONS, GROWTH_RATES, LAYERS, densenet_figure, densenet_row
from cnnviz.interact.widgets import densenet_widget, render_densenet
from cnnviz.models.densenet import DenseBlock, DenseNet
from cnnviz.render.connectivity import plot_connectivity


@pytest.mark.parametrize(("k0", "k", "layers", "hw", "bottleneck"),
                         [(64, 32, 6, 14, True), (24, 12, 5, 8, True), (16, 12, 4, 8, False), (7, 3, 1, 5, False)])
def test_dense_block_cost_equals_the_ledger_and_the_forward(k0, k, layers, hw, bottleneck) -> None:
    cost = dense_blocks.dense_block_cost(k0, k, layers, hw, bottleneck=bottleneck)
    block = DenseBlock(k0, layers, k, bottleneck)
    counted = ledger(block, (k0, hw, hw))
    assert (cost.params, cost.macs) == (counted.total_params, counted.total_macs)
    assert cost.leaf_elements == sum(r.activations for r in counted.leaves())
    assert cost.layer_inputs == tuple(k0 + k * (i - 1) for i in range(1, layers + 1))
    made = []  # the concatenations the zoo's forward makes, counted on the real tensors
    real_cat = torch.cat

    def cat(tensors, dim=0):
        out = real_cat(tensors, dim=dim)
        made.append(out[0].numel())
        return out

    torch.cat = cat
    try:
        with torch.no_grad():
            out = block(torch.randn(1, k0, hw, hw))
    finally:
        torch.cat = real_cat
    assert sum(made) == cost.concat_elements and len(made) == layers + 1
    assert out.shape[1] == cost.out_channels and cost.shared_elements == out[0].numel()


def test_materialised_memory_grows_quadratically_and_shared_linearly() -> None:
    def mem(n: int) -> tuple[int, int]:
        cost = dense_blocks.dense_block_cost(64, 32, n, 8, bottleneck=True)
        return cost.materialised_elements, cost.shared_elements

    (m1, s1), (m2, s2), (m4, s4) = mem(8), mem(16), mem(32)
    assert (m4 - m2) / (m2 - m1) > 3  # second differences grow: quadratic
    assert s4 - s2 == 2 * (s2 - s1)  # linear


def test_densenet121_body_matches_its_ledger_rows() -> None:
    counted = {r.name: r for r in ledger("densenet121").rows}
    body = dense_blocks.densenet_blocks_cost(64, (6, 12, 24, 16), 32, 56)
    for i, block in enumerate(body.blocks, start=1):
        assert block.params == counted[f"features.denseblock{i}"].params
        assert block.macs == counted[f"features.denseblock{i}"].macs
    for i, trans in enumerate(body.transitions, start=1):
        assert (trans.params, trans.macs) == (counted[f"features.transition{i}"].params,
                                              counted[f"features.transition{i}"].macs)
    with pytest.raises(ValueError, match="compression θ must be in"):
        dense_blocks.transition_cost(10, 4, 1.5)


def test_connectivity_is_lower_triangular_and_full() -> None:
    torch.manual_seed(0)
    block = DenseBlock(8, 5, 4, bottleneck=True).eval()
    matrix = measured_connectivity(block, torch.randn(1, 8, 6, 6))
    assert matrix.shape == (6, 6)
    assert np.array_equal(matrix, np.tril(np.ones((6, 6), dtype=bool)))
    figure = plot_connectivity(matrix, [8, 4, 4, 4, 4, 4])
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels[0] == "layer 1 (8)" and labels[-1] == "output (28)"


def test_shortest_and_longest_weight_paths() -> None:
    assert weight_layer_paths("densenet121") == (5, 121)
    assert weight_layer_paths("densenet_bc_100_12") == (4, 100)


def test_figure_rows_match_the_zoo_and_the_readout() -> None:
    figure = densenet_figure()
    assert figure.sliders == ("k", "layers", "bottleneck", "compression")
    rows = figure.datasets()["densenet_body"]
    assert len(rows) == len(GROWTH_RATES) * len(LAYERS) * 2 * len(COMPRESSIONS)
    row = densenet_row(12, 16, True, 50)
    assert row["text_network"] in figure.fallback
    counted = ledger("densenet_bc_100_12")
    stem_and_head = counted.total_params - row["params"]
    assert stem_and_head == 3 * 3 * 3 * 24 + 2 * 342 + 342 * 10 + 10  # conv0, the last BN, the classifier
    with pytest.raises(ValueError, match="layers=5 is not a slider position"):
        densenet_figure(layers=5)


def test_live_view_matches_the_figure_and_the_widget_wires_it() -> None:
    view = render_densenet(12, 16, True, 0.5)
    assert view.numbers["params"] == ledger("densenet_bc_100_12").total_params
    row = densenet_row(24, 8, False, 75)
    view = render_densenet(24, 8, False, 0.75)
    assert (view.numbers["body_params"], view.numbers["body_macs"]) == (row["params"], row["macs"])
    with torch.device("meta"):
        net = DenseNet("x", (8, 8, 8), 24, False, 0.75, 48, "cifar", 10, 3)
    assert view.numbers["params"] == ledger(net, (3, 32, 32)).total_params
    assert render_densenet(0, 4).error.startswith("Not a valid setting")
    box = densenet_widget()
    assert box.explorer.controls["k"].value == 12
    box.explorer.controls["bottleneck"].value = 0
    assert box.explorer.view.title.startswith("DenseNet body, k = 12, 16 basic layers")


def test_claims_and_exercises() -> None:
    from cnnviz.analysis.claims import Verdict, for_chapter
    from cnnviz.interact.exercises import for_chapter as exercises

    verdicts = {c.id: c.verdict for c in for_chapter("densenet")}
    assert verdicts == {"densenet.connected": Verdict.HOLDS, "densenet.vanishing_gradients": Verdict.NOT_TESTABLE,
                        "densenet.feature_propagation": Verdict.HOLDS, "densenet.feature_reuse": Verdict.HOLDS}
    answers = {e.id: e.expected() for e in exercises("densenet") if e.kind == "computed"}
    assert answers["densenet.layer_inputs"] == 256 + 32 * 36  # DenseNet-201: 256 into block 3, layer 37
    assert answers["densenet.transition_out"] == 640
