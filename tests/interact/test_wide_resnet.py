"""The Wide ResNet chapter's code: the cost model against the zoo, the explorers, the exercises and claims."""

from __future__ import annotations

import pytest
import torch

from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.analysis.ledger import ledger
from cnnviz.analysis.ops import thin_twin, wide_resnet_cost
from cnnviz.interact.static.wide_resnet import (
    DEPTHS,
    WIDTHS,
    readout_text,
    wide_resnet_figure,
    wide_resnet_rows,
)
from cnnviz.interact.widgets import render_wide_resnet, wide_resnet_widget
from cnnviz.models.wide_resnet import wide_resnet


def _built(depth: int, k: int):
    with torch.device("meta"):
        return wide_resnet(depth, k)


@pytest.mark.parametrize(("depth", "k"), [(10, 1), (16, 8), (28, 10), (40, 4), (22, 3), (100, 16)])
def test_cost_model_equals_the_ledger_and_the_traced_depth(depth, k) -> None:
    cost = wide_resnet_cost(depth, k)
    net = _built(depth, k)
    counted = ledger(net, (3, 32, 32))
    assert (cost.params, cost.macs) == (counted.total_params, counted.total_macs)
    assert cost.weight_layers == weight_layer_depth(net) == depth - 2


def test_cost_model_rejects_what_the_builder_rejects() -> None:
    with pytest.raises(ValueError, match=r"depth must be 6n\+4 .*got 15"):
        wide_resnet_cost(15, 2)
    with pytest.raises(ValueError, match="k must be a positive integer"):
        wide_resnet_cost(16, 0)


def test_thin_twin_is_the_shallowest_thin_network_with_the_budget() -> None:
    budget = wide_resnet_cost(28, 10).params
    twin = thin_twin(budget)
    assert twin.k == 1 and twin.params >= budget
    assert wide_resnet_cost(twin.depth - 6, 1).params < budget
    assert thin_twin(1).depth == 10


def test_rows_cover_the_slider_grid() -> None:
    rows = wide_resnet_rows()
    assert len(rows) == len(DEPTHS) * len(WIDTHS)
    row = next(r for r in rows if (r["d"], r["k"]) == (16, 8))
    assert row["params"] == 10_961_370 and row["layers"] == 14  # the zoo's WRN-16-8 (tests/models)


def test_figure_has_both_sliders_and_the_default_readout() -> None:
    figure = wide_resnet_figure()
    assert figure.sliders == ("depth", "k")
    names = {p["name"]: p for p in figure.spec["params"]}
    assert names["depth"]["bind"]["step"] == 6 and names["depth"]["value"] == 28
    assert names["k"]["bind"]["max"] == WIDTHS[-1] and names["k"]["value"] == 10
    row = next(r for r in figure.datasets()["wide_resnet"] if (r["d"], r["k"]) == (28, 10))
    assert readout_text(row)[0] in figure.fallback
    with pytest.raises(ValueError, match="depth=15 is not a slider position"):
        wide_resnet_figure(depth=15)


def test_live_view_matches_the_figure_rows_and_the_widget_wires_it() -> None:
    view = render_wide_resnet(40, 4)
    row = next(r for r in wide_resnet_rows([40], [4]))
    assert view.numbers["params"] == row["params"] and view.numbers["macs"] == row["macs"]
    assert view.numbers["layers"] == row["layers"] and view.numbers["twin_depth"] == row["twin_d"]
    assert render_wide_resnet(15, 2).error.startswith("Not a valid setting: wide_resnet: depth must be 6n+4")
    box = wide_resnet_widget()
    assert box.explorer.controls["depth"].value == 28 and box.explorer.controls["k"].step == 1
    box.explorer.controls["k"].value = 2
    assert box.explorer.view.title == "WRN-28-2 on CIFAR (32×32)"


def test_exercises_have_computed_answers() -> None:
    from cnnviz.interact.exercises import check, for_chapter

    exercises = {e.id: e for e in for_chapter("wide_resnet")}
    assert exercises["wide_resnet.wrn_params"].expected() == wide_resnet_cost(22, 8).params
    assert exercises["wide_resnet.wrn34_2_layers"].expected() == 32
    k = exercises["wide_resnet.k_to_match_resnet1202"].expected()
    budget = ledger("resnet1202").total_params
    assert wide_resnet_cost(16, k).params >= budget > wide_resnet_cost(16, k - 1).params
    assert check("wide_resnet.conv3_first_block_macs", 16 * 16 * 9 * 160 * 320 + 16 * 16 * 9 * 320 * 320
                 + 16 * 16 * 160 * 320).correct


def test_claims_hold_with_their_sources() -> None:
    from cnnviz.analysis.claims import for_chapter
    from cnnviz.analysis.claims.wide_resnet import reported

    by_id = {c.id: c for c in for_chapter("wide_resnet")}
    assert set(by_id) == {"wrn.residuals_not_depth", "wrn.width_factor", "wrn.width_factor_imagenet",
                          "wrn.depth50", "wrn.depth152", "wrn.outperforms", "wrn.outperforms_top5"}
    assert all(c.holds for c in by_id.values())
    assert by_id["wrn.width_factor"].actual_value == 10 and by_id["wrn.width_factor_imagenet"].actual_value == 2
    assert by_id["wrn.depth50"].actual_value == 50 and by_id["wrn.depth152"].actual_value == 152
    assert "Table 8" in by_id["wrn.outperforms"].source and "single crop" in by_id["wrn.outperforms"].source
    assert reported("WRN-50-2-bottleneck").error < reported("ResNet-152").error
    with pytest.raises(KeyError, match="no record 'ResNet-9'"):
        reported("ResNet-9")
