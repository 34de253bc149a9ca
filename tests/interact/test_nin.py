"""The Network in Network chapter's code: the mlpconv explorer (kernel-free and live), its exercises and claims.

Expected numbers come from the zoo's built block measured with the ledger, never typed.
"""

from __future__ import annotations

import pytest
import torch

from cnnviz.analysis.ledger import ledger
from cnnviz.analysis.ops import mlpconv_cost
from cnnviz.interact.static.base import StaticFigure
from cnnviz.interact.static.nin import mlpconv_figure, mlpconv_rows
from cnnviz.models.lecture import MLPCONV_EXAMPLE
from cnnviz.models.nin import Mlpconv, MlpconvSpec


@pytest.fixture(scope="module")
def figure() -> StaticFigure:
    return mlpconv_figure()


def _built(layers: int, width: int, ex=MLPCONV_EXAMPLE):
    spec = MlpconvSpec((ex.conv_filters,) + (width,) * layers, ex.kernel, padding=ex.kernel // 2)
    with torch.device("meta"):
        block = Mlpconv(ex.in_channels, spec)
    return ledger(block, (ex.in_channels, ex.hw, ex.hw))


def test_the_example_is_the_cifar_nins_second_block():
    row = next(r for r in ledger("nin_cifar").rows if r.name == "features.mlpconv2")
    assert row.input_shape == (MLPCONV_EXAMPLE.in_channels, MLPCONV_EXAMPLE.hw, MLPCONV_EXAMPLE.hw)
    cost = mlpconv_cost()
    assert (cost.params, cost.macs, cost.out_channels) == (row.params, row.macs, row.output_shape[0])


@pytest.mark.parametrize(("layers", "width"), [(0, 16), (1, 64), (2, 192), (3, 384), (4, 32)])
def test_cost_matches_the_built_block(layers, width):
    cost, built = mlpconv_cost(layers, width), _built(layers, width)
    assert (cost.params, cost.macs) == (built.total_params, built.total_macs)
    assert cost.cccp_macs == sum(r.macs for r in built.leaves() if r.type == "Conv2d" and r.kernel == (1, 1))


def test_cost_rejects_bad_arguments():
    with pytest.raises(ValueError, match="cccp_layers must be a non-negative integer"):
        mlpconv_cost(-1, 192)
    with pytest.raises(ValueError, match="cccp_width"):
        mlpconv_cost(2, 0)


def test_figure_sliders_and_rows(figure):
    params = {p["name"]: p for p in figure.spec["params"] if "bind" in p}
    assert figure.sliders == ("cccp_layers", "cccp_width")
    assert params["cccp_layers"]["bind"]["min"] == 0 and params["cccp_layers"]["bind"]["max"] == 4
    assert params["cccp_width"]["bind"]["min"] == 16 and params["cccp_width"]["bind"]["max"] == 384
    assert params["cccp_width"]["bind"]["step"] == 16
    assert params["cccp_layers"]["value"] == MLPCONV_EXAMPLE.cccp_layers
    (rows,) = figure.datasets().values()
    assert len(rows) == 5 * 24
    for row in rows[::7]:
        cost = mlpconv_cost(row["layers"], row["width"])
        alone = mlpconv_cost(0, 1)
        assert (row["params"], row["macs"], row["depth"]) == (cost.params, cost.macs, row["layers"] + 1)
        assert row["share"] == f"{cost.cccp_macs / cost.macs:.1%}"
        assert row["vs_conv"] == f"{cost.macs / alone.macs:.2f}"


def test_figure_html_and_fallback(figure):
    html = figure.html()
    assert html.startswith('<div class="cnnviz-vega"') and len(html) < 40_000
    assert f"{mlpconv_cost().params:,} parameters" in figure.fallback


def test_figure_rejects_positions_off_the_grid():
    with pytest.raises(ValueError, match=r"cccp_width=100 is not a slider position"):
        mlpconv_figure(2, 100)
    with pytest.raises(ValueError, match=r"cccp_layers=5 is not a slider position"):
        mlpconv_figure(5, 192)


def test_rows_take_another_example():
    from dataclasses import replace

    other = replace(MLPCONV_EXAMPLE, in_channels=3, hw=32, conv_filters=192, kernel=5)
    (row,) = mlpconv_rows([2], [160], other)
    built = _built(2, 160, other)
    assert (row["params"], row["macs"]) == (built.total_params, built.total_macs)


def test_render_mlpconv_measures_the_zoo_block():
    from cnnviz.interact.widgets import render_mlpconv

    view = render_mlpconv(3, 96, diagram=False)
    built, cost = _built(3, 96), mlpconv_cost(3, 96)
    assert view.numbers["params"] == built.total_params == cost.params
    assert view.numbers["macs"] == built.total_macs == cost.macs
    assert view.numbers["depth"] == 4 and view.numbers["out_channels"] == 96
    assert view.numbers["conv_macs"] == mlpconv_cost(0, 1).macs
    with pytest.raises(ValueError, match="cccp_width"):
        render_mlpconv(2, 0, diagram=False)


def test_render_mlpconv_draws_the_block():
    from cnnviz.interact.widgets import render_mlpconv

    view = render_mlpconv(1, 64)
    assert "cccp1" in view.diagram.source and "cccp2" not in view.diagram.source


def test_mlpconv_widget_starts_at_the_example():
    pytest.importorskip("ipywidgets")
    from cnnviz.interact.widgets import mlpconv_widget

    box = mlpconv_widget(diagram=False)
    state = box.explorer
    assert set(state.controls) == {"cccp_layers", "cccp_width"}
    assert state.view is not None and state.view.numbers["params"] == mlpconv_cost().params
    state.controls["cccp_layers"].value = 4
    assert state.view.numbers["depth"] == 5 and state.view.numbers["macs"] == mlpconv_cost(4, 192).macs


def test_exercises_answer_from_the_zoo():
    from cnnviz.interact.exercises import check, for_chapter

    answers = {e.id: e.expected() for e in for_chapter("nin") if e.kind == "computed"}
    assert answers["nin.one_more_cccp_macs"] == MLPCONV_EXAMPLE.hw**2 * 192 * 192
    assert answers["nin.rf_cifar_mlpconv2"] == 15  # 5, then the 3×3/2 pool (7), then 5×5 at jump 2: 7 + 4·2
    assert answers["nin.cifar_params"] == ledger("nin_cifar").total_params + 90 * (192 + 1)
    assert check("nin.imagenet_fc6_params", 6 * 6 * 1024 * 4096 + 4096).correct


def test_claims_hold_and_leave_no_trace():
    from cnnviz.analysis.claims import for_chapter
    from cnnviz.analysis.claims.nin import gradient_rank, layers_per_filter, mlp_per_patch_difference

    state = torch.random.get_rng_state()
    claims = {c.id: c for c in for_chapter("nin")}
    assert torch.equal(torch.random.get_rng_state(), state)
    assert set(claims) == {"nin.convolves", "nin.hierarchical", "nin.more_complex"}
    assert all(c.holds for c in claims.values())
    assert layers_per_filter("nin_cifar") == [3, 3, 3] and layers_per_filter("nin_imagenet") == [3, 3, 3, 3]
    assert mlp_per_patch_difference() < 1e-4
    assert gradient_rank() == (75, 1)  # a 5×5×3 patch has 75 values; a linear filter sees one direction
