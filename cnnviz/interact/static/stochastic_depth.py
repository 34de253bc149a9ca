"""Kernel-free figures of the Stochastic Depth chapter: the survival probability of every block of ResNet-110
against p_L and the rule (linear or uniform), with the expected depth and saving; and seeded samples of the
network that one training step runs."""

from __future__ import annotations

from typing import Any

from cnnviz.analysis.stochastic_depth import network_cost, sample_dropped
from cnnviz.format import percent
from cnnviz.interact.static.base import (
    GREY,
    StaticFigure,
    on_slider_grid,
    readout_lines,
    slider_param,
    static_figure,
)
from cnnviz.render import theme
from cnnviz.validate import one_of

__all__ = ["P_LAST_PERCENTS", "RULES", "SAMPLES", "survival_rows", "survival_figure", "sample_rows", "sample_figure",
           "survival_readout", "sample_readout"]  # fmt: skip

P_LAST_PERCENTS = tuple(range(0, 101, 5))  # p_L in percent: 0, 5, ..., 100
RULES = ("linear", "uniform")
SAMPLES = tuple(range(1, 21))  # sample #1 .. #20: torch.manual_seed(sample)


def survival_readout(p_percent: int, rule: str) -> tuple[str, str]:
    """The survival figure's two readout lines for p_L = ``p_percent``/100 and ``rule`` (the browser test's
    reference): the expected number of active blocks and the expected saving."""
    cost = network_cost(p_percent / 100, rule)
    return (
        f"p_L = {p_percent / 100:.2f}, {rule} rule: {cost.expected_blocks:.2f} of {cost.num_blocks} blocks "
        f"run on average in training ({cost.expected_dropped:.2f} dropped)",
        f"expected saving: {percent(cost.block_saving, 1)} of the blocks' multiply-adds, "
        f"{percent(cost.saving, 1)} of the network's",
    )


def survival_rows() -> list[dict[str, Any]]:
    """One row per (p_L, rule, block): p_l; the first block's row of each setting carries the readout texts."""
    rows = []
    for p in P_LAST_PERCENTS:
        for rule in RULES:
            cost = network_cost(p / 100, rule)
            texts = survival_readout(p, rule)
            for block, survival in enumerate(cost.survival, start=1):
                row = {"p": p, "rule": rule, "block": block, "survival": round(survival, 4)}
                if block == 1:
                    row["expected_text"], row["saving_text"] = texts
                rows.append(row)
    return rows


def survival_figure(p_last_percent: int = 50, rule: str = "linear") -> StaticFigure:
    """Survival probability p_l of each of ResNet-110's 54 blocks, with a slider ``p_last`` (p_L in percent,
    0 to 100 in steps of 5) and radio buttons ``rule`` (linear decay or uniform). The readout gives the
    expected number of active blocks and the expected training saving, from
    :func:`cnnviz.analysis.stochastic_depth.network_cost` (multiply-adds of each block from the ledger)."""
    import altair as alt

    func = "survival_figure"
    on_slider_grid(func, "p_last_percent", p_last_percent, list(P_LAST_PERCENTS))
    one_of(func, "rule", rule, RULES)
    params = [
        slider_param(alt, "p_last", p_last_percent, list(P_LAST_PERCENTS), "p_L (%)"),
        alt.param(name="rule", value=rule, bind=alt.binding_radio(options=list(RULES), name="rule ")),
    ]
    rows = survival_rows()
    base = alt.Chart(alt.Data(name="survival")).transform_filter("datum.p == p_last && datum.rule == rule")
    bars = base.mark_bar(color=theme.OKABE_ITO["sky_blue"]).encode(
        x=alt.X("block:O", title="residual block l (forward order)", axis=alt.Axis(values=[1, 10, 19, 28, 37, 46, 54])),
        y=alt.Y("survival:Q", title="survival probability p_l", scale=alt.Scale(domain=[0, 1])),
        tooltip=["block:O", alt.Tooltip("survival:Q", format=".3f")],
    ).properties(width=480, height=220)
    first = base.transform_filter("datum.block == 1")
    readouts = [
        readout_lines(alt, first.transform_calculate(line=str(i), text=f"datum.{field}"), 2, 480, name)
        for i, (field, name) in enumerate((("expected_text", "readout_expected"), ("saving_text", "readout_saving")))
    ]
    chart = alt.vconcat(alt.layer(*readouts), bars, spacing=12).add_params(*params).properties(
        title=alt.Title("Stochastic depth on ResNet-110: which blocks survive a training step?",
                        subtitle="Bars: p_l of each of the 54 residual blocks. Move p_L, pick the rule."),
        datasets={"survival": rows},
    )
    fallback = "; ".join(survival_readout(p_last_percent, rule))
    alt_text = "Bar chart of the survival probability of each of ResNet-110's 54 residual blocks"
    return static_figure(chart, alt_text, fallback, ["p_last", "rule"])


def sample_readout(sample: int, p_last: float = 0.5) -> str:
    """The sample figure's readout for sample #``sample`` (seed = sample), linear rule."""
    cost = network_cost(p_last)
    dropped = sample_dropped(cost.survival, sample)
    active = cost.num_blocks - len(dropped)
    return (f"sample #{sample}: {active} of {cost.num_blocks} blocks run, {2 * active + 2} weight layers in "
            f"sequence (of {2 * cost.num_blocks + 2})")


def sample_rows(p_last: float = 0.5) -> list[dict[str, Any]]:
    """One row per (sample, block): whether the block runs in that seeded training step."""
    cost = network_cost(p_last)
    rows = []
    for sample in SAMPLES:
        dropped = set(sample_dropped(cost.survival, sample))
        for block in range(1, cost.num_blocks + 1):
            row = {"sample": sample, "block": block, "state": "dropped" if block - 1 in dropped else "runs",
                   "survival": round(cost.survival[block - 1], 4)}  # fmt: skip
            if block == 1:
                row["readout"] = sample_readout(sample, p_last)
            rows.append(row)
    return rows


def sample_figure(sample: int = 1, p_last: float = 0.5) -> StaticFigure:
    """Sample a network, kernel-free: a slider ``sample`` (1 to 20) picks one of twenty seeded training steps
    of ResNet-110 (linear rule, p_L = ``p_last``); each block is drawn as running or dropped, with the
    sampled depth in the readout. The draws are those of the zoo's network after ``torch.manual_seed(sample)``
    (:func:`cnnviz.analysis.stochastic_depth.sample_dropped`)."""
    import altair as alt

    on_slider_grid("sample_figure", "sample", sample, list(SAMPLES))
    params = [slider_param(alt, "sample", sample, list(SAMPLES), "sample #")]
    rows = sample_rows(p_last)
    base = alt.Chart(alt.Data(name="samples")).transform_filter("datum.sample == sample")
    colour = alt.Color("state:N", title=None, scale=alt.Scale(
        domain=["runs", "dropped"], range=[theme.OKABE_ITO["bluish_green"], GREY]))
    cells = base.mark_rect(stroke=GREY, strokeWidth=0.5).encode(
        x=alt.X("block:O", title="residual block l", axis=alt.Axis(values=[1, 10, 19, 28, 37, 46, 54])),
        color=colour, opacity=alt.condition("datum.state == 'dropped'", alt.value(0.35), alt.value(1)),
        tooltip=["block:O", "state:N", alt.Tooltip("survival:Q", title="p_l", format=".3f")],
    ).properties(width=480, height=36)
    readout = readout_lines(alt, base.transform_filter("datum.block == 1").transform_calculate(
        line="0", text="datum.readout"), 1, 480, "readout_sample")
    chart = alt.vconcat(readout, cells, spacing=8).add_params(*params).properties(
        title=alt.Title("Sample a network: the blocks one training step runs",
                        subtitle=f"ResNet-110, linear rule, p_L = {p_last:.2f}; each sample is a seeded step."),
        datasets={"samples": rows},
    )
    alt_text = "One row of 54 cells, one per residual block, coloured by whether the sampled step runs it"
    return static_figure(chart, alt_text, sample_readout(sample, p_last), ["sample"])
