"""The Stochastic Depth chapter's code: survival rules and expectations, seeded samples against the network,
the gradient measurement, the explorers, the exercises and the claims."""

from __future__ import annotations

import math

import pytest
import torch

from cnnviz.analysis.ops import stochastic_depth_cost, survival_probabilities
from cnnviz.analysis.stochastic_depth import block_macs, gradient_norms, network_cost, sample_dropped
from cnnviz.interact.static.stochastic_depth import (
    P_LAST_PERCENTS,
    RULES,
    SAMPLES,
    sample_figure,
    sample_readout,
    sample_rows,
    survival_figure,
    survival_readout,
    survival_rows,
)
from cnnviz.interact.widgets import render_stochastic_depth, stochastic_depth_widget
from cnnviz.models.stochastic_depth import linear_decay, stochastic_depth_resnet


def test_linear_rule_by_hand_and_as_the_zoo_has_it() -> None:
    assert survival_probabilities(4, 0.5) == (0.875, 0.75, 0.625, 0.5)
    assert survival_probabilities(3, 0.2, "uniform") == (0.2, 0.2, 0.2)
    assert list(survival_probabilities(54, 0.5)) == linear_decay(54, 0.5)
    assert survival_probabilities(54, 1.0) == (1.0,) * 54


@pytest.mark.parametrize("num_blocks", [1, 4, 54, 333])
def test_expected_blocks_is_the_closed_form(num_blocks) -> None:
    cost = stochastic_depth_cost(num_blocks, 0.5)
    assert cost.expected_blocks == pytest.approx((3 * num_blocks - 1) / 4)
    assert cost.block_saving == pytest.approx(1 - (3 * num_blocks - 1) / (4 * num_blocks))
    assert stochastic_depth_cost(num_blocks, 0.3, "uniform").expected_blocks == pytest.approx(0.3 * num_blocks)


def test_invalid_settings_say_what_is_valid() -> None:
    with pytest.raises(ValueError, match="p_last"):
        survival_probabilities(54, 1.5)
    with pytest.raises(ValueError, match="rule"):
        survival_probabilities(54, 0.5, "cosine")
    with pytest.raises(ValueError, match="num_blocks"):
        survival_probabilities(0, 0.5)
    with pytest.raises(ValueError, match="block_macs"):
        stochastic_depth_cost(3, 0.5, block_macs=(1, 2))


def test_block_macs_come_from_the_ledger() -> None:
    blocks, other = block_macs()
    net = stochastic_depth_resnet(110, 0.5)
    from cnnviz.analysis.ledger import ledger

    led = ledger(net, (3, 32, 32))
    assert len(blocks) == 54 and sum(blocks) + other == led.total_macs
    assert blocks[0] == 2 * 32 * 32 * 9 * 16 * 16  # two 3×3 convolutions, 16 → 16 channels, 32×32
    cost = network_cost()
    assert cost.expected_blocks == pytest.approx(40.25)
    assert 0 < cost.saving < cost.block_saving < 0.5


@pytest.mark.parametrize("seed", [0, 1, 7, 20])
def test_sampled_drops_are_the_networks(seed) -> None:
    net = stochastic_depth_resnet(110, 0.5)
    net.train()
    state = torch.random.get_rng_state()
    predicted = sample_dropped(net.survival_probabilities(), seed)
    assert torch.equal(state, torch.random.get_rng_state())  # leaves no trace
    torch.manual_seed(seed)
    with torch.no_grad():
        net(torch.zeros(1, 3, 32, 32))
    assert tuple(net.dropped_blocks()) == predicted


def test_gradient_measurement_is_seeded_and_says_what_the_chapter_says() -> None:
    small = gradient_norms(0.5, trials=2, batch=2, seed=3)
    assert small == gradient_norms(0.5, trials=2, batch=2, seed=3)
    assert len(small.first_weights_drop) == len(small.active) == 2
    grads = gradient_norms()  # the chapter's measurement
    assert grads.weights_ratio < 1 and grads.growth_full > 1


def test_survival_rows_cover_the_grid_and_carry_the_readout() -> None:
    rows = survival_rows()
    assert len(rows) == len(P_LAST_PERCENTS) * len(RULES) * 54
    first = next(r for r in rows if r["p"] == 50 and r["rule"] == "linear" and r["block"] == 1)
    assert (first["expected_text"], first["saving_text"]) == survival_readout(50, "linear")
    assert "40.25 of 54 blocks" in first["expected_text"]
    last = next(r for r in rows if r["p"] == 50 and r["rule"] == "linear" and r["block"] == 54)
    assert last["survival"] == 0.5


def test_survival_figure_has_its_controls_and_rejects_off_grid_values() -> None:
    figure = survival_figure()
    assert figure.sliders == ("p_last", "rule")
    assert survival_readout(50, "linear")[0] in figure.fallback
    assert "survival" in figure.datasets()
    with pytest.raises(ValueError, match="p_last_percent"):
        survival_figure(p_last_percent=52)
    with pytest.raises(ValueError, match="rule"):
        survival_figure(rule="cosine")


def test_sample_figure_readouts_match_the_draws() -> None:
    figure = sample_figure()
    assert figure.sliders == ("sample",)
    rows = sample_rows()
    assert len(rows) == len(SAMPLES) * 54
    cost = network_cost()
    for sample in SAMPLES:
        dropped = sample_dropped(cost.survival, sample)
        states = [r["state"] for r in rows if r["sample"] == sample]
        assert [i for i, s in enumerate(states) if s == "dropped"] == list(dropped)
        assert f"{54 - len(dropped)} of 54 blocks run" in sample_readout(sample)
    with pytest.raises(ValueError, match="sample"):
        sample_figure(sample=21)


def test_render_runs_the_network_and_the_button_samples_anew() -> None:
    view = render_stochastic_depth(50, "linear", 3)
    dropped = sample_dropped(network_cost().survival, 3)
    assert view.numbers["active"] == 54 - len(dropped) and view.numbers["dropped"] == len(dropped)
    assert view.numbers["expected_blocks"] == pytest.approx(40.25)
    assert view.rows[-1][-1] == 54 - len(dropped)
    assert render_stochastic_depth(100, "uniform", 1).numbers["dropped"] == 0
    assert render_stochastic_depth(120).error is not None
    widget = stochastic_depth_widget()
    controls = widget.explorer.controls
    widget.sample_button.click()
    assert controls["sample"].value == 2
    controls["rule"].value = "uniform"
    assert widget.explorer.view.numbers["expected_blocks"] == pytest.approx(27)


def test_exercises_and_claims() -> None:
    from cnnviz.analysis.claims import Verdict
    from cnnviz.analysis.claims import for_chapter as claims_for
    from cnnviz.interact.exercises import for_chapter

    answers = {e.id: e.expected() for e in for_chapter("stochastic_depth") if e.kind == "computed"}
    assert answers["stochastic_depth.uniform_match"] == pytest.approx(40.25 / 54)
    assert answers["stochastic_depth.all_blocks_run"] == pytest.approx(math.prod(linear_decay(54, 0.5)))
    claims = claims_for("stochastic_depth")
    assert [c.id for c in claims if c.verdict is Verdict.NOT_TESTABLE] == ["sd.vanishing_gradients"]
    assert all(c.holds for c in claims if c.id != "sd.vanishing_gradients")
    assert all(c.chapter == "stochastic_depth" for c in claims)
