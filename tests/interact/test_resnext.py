"""The ResNeXt chapter's code: the matched width, the claims, the exercises, the figure's matched mode and the
live widget's matched checkbox. Expected figures are computed from the zoo's blocks or the paper's Table 2."""

from __future__ import annotations

import pytest
from torch import nn

from cnnviz.analysis import ops
from cnnviz.analysis.claims import for_chapter
from cnnviz.analysis.claims.resnext import TABLE3_TOP1_ERROR, branch_topologies
from cnnviz.interact import widgets
from cnnviz.interact.exercises import check, get
from cnnviz.interact.exercises import for_chapter as exercises_for
from cnnviz.interact.static.resnext import cardinality_figure, matched_rows
from cnnviz.models.lecture import RESNEXT_TABLE2
from cnnviz.models.resnet import Bottleneck


def _conv_weights(block: nn.Module) -> int:
    return sum(m.weight.numel() for m in block.modules() if isinstance(m, nn.Conv2d))


@pytest.mark.parametrize(("C", "d"), RESNEXT_TABLE2)
def test_matched_width_reproduces_table2(C: int, d: int) -> None:
    assert ops.matched_cardinality_width(C) == d


@pytest.mark.parametrize("C", [1, 2, 3, 4, 5, 8, 16, 32, 64])
def test_matched_width_is_the_nearest_budget(C: int) -> None:
    budget = _conv_weights(Bottleneck(256, 256, width=64))
    d = ops.matched_cardinality_width(C)
    def gap(w: int) -> int:
        return abs(_conv_weights(Bottleneck(256, 256, width=C * w, groups=C)) - budget)
    assert gap(d) <= gap(d + 1) and (d == 1 or gap(d) <= gap(d - 1))


def test_matched_width_other_stage_and_errors() -> None:
    assert ops.matched_cardinality_width(32, 1024, 256) == 16  # conv4_x: 32×16d = 4 × 32×4d
    with pytest.raises(ValueError, match="cardinality"):
        ops.matched_cardinality_width(0)


def test_claims_all_hold_and_are_computed_from_the_zoo() -> None:
    claims = {c.id: c for c in for_chapter("resnext")}
    assert set(claims) == {"resnext.cardinality", "resnext.wider", "resnext.inception_spirit",
                           "resnext.identical_paths"}  # fmt: skip
    assert all(c.holds for c in claims.values())
    assert claims["resnext.cardinality"].actual_value == 32
    assert (claims["resnext.wider"].actual_value, claims["resnext.wider"].stated_value) == (128, 64)
    assert (claims["resnext.identical_paths"].actual_value, claims["resnext.identical_paths"].stated_value) == (1, 4)


def test_branch_topologies() -> None:
    same = [Bottleneck(64, 64, width=16) for _ in range(3)]
    assert branch_topologies(same) == 1
    assert branch_topologies([*same, Bottleneck(64, 64, width=16, groups=4)]) == 2


def test_table3_errors_fall_with_cardinality() -> None:
    for depth in (50, 101):
        errors = [TABLE3_TOP1_ERROR[(depth, C, d)] for C, d in RESNEXT_TABLE2]
        assert errors == sorted(errors, reverse=True)


def test_exercises_answer_from_the_zoo() -> None:
    answers = {e.id: e.expected() for e in exercises_for("resnext") if e.kind == "computed"}
    assert answers["resnext.grouped_3x3_weights"] == 9 * 256 * 256 // 32
    assert answers["resnext.matched_width_64"] == 2
    assert check("resnext.conv3_first_block_macs", answers["resnext.conv3_first_block_macs"]).correct


def test_every_computed_exercise_shows_its_working() -> None:
    """Principle 20: a revealed answer shows the working, generated from the computation, ending in the answer."""
    from cnnviz.interact.exercises.page import answer_html

    for exercise in exercises_for("resnext"):
        if exercise.kind != "computed":
            continue
        for variant in range(len(exercise.variants) + 1):
            working = exercise.worked(variant)
            assert working and f"**{exercise.expected(variant):,}**" in working.replace("d = ", ""), exercise.id
        assert "Working:" in answer_html(exercise)
        feedback = check(exercise.id, exercise.expected())
        assert feedback.correct and feedback.working == exercise.worked()
        assert "Working:" in feedback._repr_html_() and "Working:" in feedback._repr_markdown_()
    macs = get("resnext.conv3_first_block_macs").worked()
    assert "205,520,896 + 14,450,688 + 102,760,448 + 102,760,448 = **425,492,480**" in macs
    assert "32 · 3·3 · 8 · 8 = **18,432**" in get("resnext.grouped_3x3_weights").worked()
    width = get("resnext.matched_width_64").worked()
    assert "d = 2: 64 · (256·2 + 9·2² + 2·256) = 67,840" in width and "103,488" in width
    params = get("resnext.resnext29_params").worked()
    assert params.count("\n- ") == 4 and "layer3" in params and "batch norm" in params


def _cifar_params(C: int, d: int) -> int:
    import torch

    from cnnviz import models

    with torch.device("meta"):
        return sum(p.numel() for p in models.get("resnext29_8x64d", cardinality=C, bottleneck_width=d).parameters())


def test_resnext29_params_is_not_on_the_line_through_the_printed_rows() -> None:
    """The page prints 8×64d and 16×64d; at d = 64 the count is linear in C, so the exercise varies d: its
    answers lie off that line, whether a reader reads the line by C or by the block width C·d."""
    from cnnviz.interact.exercises import get

    exercise = get("resnext.resnext29_params")
    c8, c16 = _cifar_params(8, 64), _cifar_params(16, 64)

    def on_line(C: float) -> float:
        return c8 + (C - 8) * (c16 - c8) / 8

    for variant in range(len(exercise.variants) + 1):
        params = exercise.variants[variant - 1] if variant else exercise.params
        C, d = params["cardinality"], params["width"]
        assert d != 64
        answer = exercise.expected(variant)
        assert answer == _cifar_params(C, d)
        for guess in (on_line(C), on_line(C * d / 64)):
            assert abs(answer - guess) / answer > 0.05, (params, guess)


def test_the_reasoning_answers_label_the_hypothesis_and_compute_their_table() -> None:
    from cnnviz.interact.exercises import get

    solution = get("resnext.cardinality_vs_width").solution
    assert "their hypothesis" in solution and "not testable" in solution
    for C, d in ((1, 100), (2, 64), (64, 4)):
        cost = ops.bottleneck_block_cost(1, 256, C * d, groups=C, out_channels=256)
        assert f"| {C}×{d}d | {C * d} | {d} channels | {cost.params:,} |" in solution
    assert "basic block of width C·d" in get("resnext.three_forms").solution


# --- the kernel-free figure, matched mode ---------------------------------------------------------


@pytest.fixture(scope="module")
def matched():
    return cardinality_figure(matched=True)


def test_matched_figure_has_one_control_and_d_follows_c(matched) -> None:
    assert matched.sliders == ("cardinality",)
    assert [p["name"] for p in matched.spec["params"]] == ["cardinality"]
    rows = matched.datasets()["resnext_matched"]
    assert [(r["C"], r["d"]) for r in rows] == list(RESNEXT_TABLE2)  # Table 2's templates, nothing between
    for row in rows:
        C, d = row["C"], row["d"]
        assert d == ops.matched_cardinality_width(C) and row["table2"] == f"{C}×{d}d"
        block = Bottleneck(256, 256, width=C * d, groups=C, stride_in_3x3=True)
        assert row["weights"] == _conv_weights(block) and row["macs"] == 56 * 56 * row["weights"]


def test_matched_figure_sketch_uses_the_matched_widths(matched) -> None:
    import json

    spec = json.dumps(matched.spec)
    widths = ",".join(str(r["d"]) for r in matched_rows())
    assert f"[{widths}][indexof([1,2,4,8,32], toNumber(cardinality))]" in spec
    assert "block_sketch" in spec and "readout_weights" in spec


def test_matched_figure_fallback_and_validation() -> None:
    figure = cardinality_figure(8, matched=True)
    assert "C = 8 paths of width d = 14 (C·d = 112); 71,456 convolution weights per block" in figure.fallback
    with pytest.raises(ValueError, match="matched"):
        cardinality_figure(matched="yes")
    with pytest.raises(ValueError, match=r"cardinality=3 is not one of Table 2's templates; valid: 1, 2, 4, 8"):
        cardinality_figure(3, matched=True)


def test_free_figure_keeps_its_two_sliders_and_sketch() -> None:
    figure = cardinality_figure()
    assert figure.sliders == ("cardinality", "bottleneck_width")
    assert len(figure.spec["vconcat"]) == 3  # readout, chart, block sketch


# --- the live widget, matched mode ----------------------------------------------------------------


def test_render_cardinality_matched_ignores_d() -> None:
    view = widgets.render_cardinality(8, 99, matched=True, diagram=False)
    assert view.rows[0][2] == 14 and view.numbers["width"] == 8 * 14 and view.numbers["conv_params"] == 71_456
    assert "matched complexity" in view.title


def test_cardinality_widget_matched_checkbox_moves_d() -> None:
    box = widgets.cardinality_widget(diagram=False)
    controls = box.explorer.controls
    assert controls["matched"].value is False and not controls["bottleneck_width"].disabled
    controls["matched"].value = True
    assert controls["bottleneck_width"].disabled
    for C, d in RESNEXT_TABLE2:
        controls["cardinality"].value = C
        assert controls["bottleneck_width"].value == d
        assert box.explorer.view.numbers["width"] == C * d
    controls["matched"].value = False
    controls["bottleneck_width"].value = 64
    assert box.explorer.view.numbers["width"] == 32 * 64
