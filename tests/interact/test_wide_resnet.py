"""The Wide ResNet chapter's code: the cost model against the zoo, the explorers (what d and k cost, and the
paper's errors for what they buy), the exercises and the claims."""

from __future__ import annotations

import pytest
import torch

from cnnviz.analysis.claims.wide_resnet import CIFAR_RESULTS, CIFAR_TABLES
from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.analysis.ledger import ledger
from cnnviz.analysis.ops import thin_twin, wide_resnet_cost
from cnnviz.interact.static.wide_resnet import (
    DEPTHS,
    PANEL_WIDTH,
    PAPER_HEAD,
    READOUT_CHARS,
    WIDTHS,
    paper_lines,
    paper_or_none,
    paper_points,
    readout_text,
    wide_resnet_figure,
    wide_resnet_rows,
)
from cnnviz.interact.widgets import render_wide_resnet, wide_resnet_widget
from cnnviz.models.wide_resnet import wide_resnet
from tests.interact.specs import widths


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
    counted = ledger(_built(16, 8), (3, 32, 32))
    assert (row["params"], row["macs"], row["layers"]) == (counted.total_params, counted.total_macs, 14)
    assert row["k2_guide"] == wide_resnet_cost(16, 1).params * 64


def test_figure_has_both_sliders_and_the_default_readout() -> None:
    figure = wide_resnet_figure()
    assert figure.sliders == ("depth", "k")
    names = {p["name"]: p for p in figure.spec["params"]}
    assert names["depth"]["bind"]["step"] == 6 and names["depth"]["value"] == 28
    assert names["k"]["bind"]["max"] == WIDTHS[-1] and names["k"]["value"] == 10
    row = next(r for r in figure.datasets()["wide_resnet"] if (r["d"], r["k"]) == (28, 10))
    assert " ".join(readout_text(row)) == figure.fallback
    with pytest.raises(ValueError, match="depth=15 is not a slider position"):
        wide_resnet_figure(depth=15)
    with pytest.raises(ValueError, match="k=17 is not a slider position; valid: 1 to 16"):
        wide_resnet_figure(k=17)


def test_the_figure_fits_a_phone() -> None:
    """The review: the readout's third line was cut off at 1280 px and the chart at 390 px."""
    figure = wide_resnet_figure()
    assert widths(figure.spec) and max(widths(figure.spec)) <= PANEL_WIDTH
    for row in wide_resnet_rows():
        assert all(len(line) <= READOUT_CHARS for line in readout_text(row)), row
    title = figure.spec["title"]
    assert all(len(line) <= READOUT_CHARS for line in [*title["text"], *title["subtitle"]])


def test_the_readout_gives_the_papers_errors_or_says_there_are_none() -> None:
    """The other axis: every CIFAR-10 error the paper reports for a WRN-d-k is on the readout of that
    setting, with its table; a setting the paper did not report says so."""
    rows = {(r["d"], r["k"]): r for r in wide_resnet_rows()}
    for result in CIFAR_RESULTS:
        assert (result.depth, result.k) in rows, result  # every reported network is on the sliders' grid
        lines = readout_text(rows[(result.depth, result.k)])
        decimals = CIFAR_TABLES[result.table].decimals
        shown = [line for line in lines if line.endswith(f": {result.cifar10:.{decimals}f}%")]
        assert shown and any(str(result.table) in line for line in shown), (result, lines)
        assert any(("dropout" in line) == result.dropout for line in shown)
    assert readout_text(rows[(28, 10)])[-3:] == (
        "Tables 5, 6 (mean/std, median of 5): 4.00%",
        "Table 4 (ZCA): 4.17%",
        "Table 6, dropout: 3.89%",
    )
    assert readout_text(rows[(34, 3)])[-2:] == (PAPER_HEAD, "none: the paper reports no WRN-34-3")
    assert paper_or_none(34, 3) == ("none: the paper reports no WRN-34-3",) and paper_lines(34, 3) == ()


def test_the_error_panel_plots_the_networks_the_sliders_build() -> None:
    points = paper_points()
    assert {(p["d"], p["k"]) for p in points} == {(r.depth, r.k) for r in CIFAR_RESULTS if not r.dropout}
    for point in points:
        assert point["params"] == wide_resnet_cost(point["d"], point["k"]).params
    wrn28 = [p for p in points if (p["d"], p["k"]) == (28, 10)]
    assert sorted(p["tables"] for p in wrn28) == ["Table 4", "Tables 5, 6"]  # one point per figure


def test_live_view_matches_the_figure_rows_and_the_widget_wires_it() -> None:
    view = render_wide_resnet(40, 4)
    row = next(r for r in wide_resnet_rows([40], [4]))
    assert view.numbers["params"] == row["params"] and view.numbers["macs"] == row["macs"]
    assert view.numbers["layers"] == row["layers"] and view.numbers["twin_depth"] == row["twin_d"]
    assert all(line in view.note for line in paper_lines(40, 4))
    assert "none: the paper reports no WRN-34-3" in render_wide_resnet(34, 3).note
    assert render_wide_resnet(15, 2).error.startswith("Not a valid setting: wide_resnet: depth must be 6n+4")
    box = wide_resnet_widget()
    assert box.explorer.controls["depth"].value == 28 and box.explorer.controls["k"].step == 1
    box.explorer.controls["k"].value = 2
    assert box.explorer.view.title == "WRN-28-2 on CIFAR (32×32)"


def test_exercises_have_computed_answers_and_show_their_working() -> None:
    from cnnviz.interact.exercises import check, for_chapter
    from cnnviz.models.resnet import resnet

    exercises = {e.id: e for e in for_chapter("wide_resnet")}
    group = next(r for r in ledger(_built(22, 8), (3, 32, 32)).at_depth(1) if r.name == "conv3")
    assert exercises["wide_resnet.group_params"].expected() == group.params
    block = next(r for r in ledger("wrn28_10").at_depth(2) if r.name == "conv3.0")  # the traced block
    assert exercises["wide_resnet.conv3_first_block_macs"].expected() == block.macs
    assert check("wide_resnet.conv3_first_block_macs", 16 * 16 * 9 * 160 * 320 + 16 * 16 * 9 * 320 * 320
                 + 16 * 16 * 160 * 320).correct  # fmt: skip

    def params(depth: int, width: int = 64) -> int:
        with torch.device("meta"):
            return sum(p.numel() for p in resnet(depth, width=width).parameters())

    match = exercises["wide_resnet.match_width"]
    for variant, depth in enumerate((152, 101)):
        w = match.expected(variant)
        assert params(50, w - 1) < params(depth) <= params(50, w)
    for exercise in exercises.values():
        if exercise.kind == "computed":
            for variant in range(len(exercise.variants) + 1):
                assert f"**{exercise.expected(variant):,}**" in exercise.worked(variant), exercise.id


def test_no_graded_value_is_on_the_explorer() -> None:
    """Principle 20 (the review's first finding): the readout printed wrn_params and wrn34_2_layers, and made
    k_to_match a sweep. No computed answer is a value, or a readout's number, of any slider setting."""
    from cnnviz.interact.exercises import for_chapter

    rows = wide_resnet_rows()
    values = {v for row in rows for v in row.values() if isinstance(v, int)}
    text = " ".join(line for row in rows for line in readout_text(row))
    for exercise in for_chapter("wide_resnet"):
        if exercise.kind == "computed":
            for variant in range(len(exercise.variants) + 1):
                answer = exercise.expected(variant)
                if answer >= 1000:  # small answers (a width of 118) are digits everywhere
                    assert answer not in values and f"{answer:,}" not in text, exercise.id


def test_claims_hold_with_their_sources() -> None:
    from cnnviz.analysis.claims import for_chapter
    from cnnviz.analysis.claims.wide_resnet import reported

    by_id = {c.id: c for c in for_chapter("wide_resnet")}
    assert set(by_id) == {
        "wrn.residuals_not_depth",
        "wrn.width_factor",
        "wrn.width_factor_imagenet",
        "wrn.depth50",
        "wrn.depth152",
        "wrn.outperforms",
        "wrn.outperforms_top5",
    }
    assert all(c.holds for c in by_id.values())
    assert (
        by_id["wrn.width_factor"].actual_value == 10 and by_id["wrn.width_factor_imagenet"].actual_value == 2
    )
    assert by_id["wrn.depth50"].actual_value == 50 and by_id["wrn.depth152"].actual_value == 152
    assert "Table 8" in by_id["wrn.outperforms"].source and "single crop" in by_id["wrn.outperforms"].source
    assert reported("WRN-50-2-bottleneck").error < reported("ResNet-152").error
    with pytest.raises(KeyError, match="no record 'ResNet-9'"):
        reported("ResNet-9")
