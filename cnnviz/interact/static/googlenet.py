"""Kernel-free figure of the GoogLeNet chapter: the cost of an Inception module, naive vs reduced."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cnnviz.analysis import ops
from cnnviz.interact.static.base import (
    StaticFigure,
    on_slider_grid,
    readout_lines,
    slider_grid,
    slider_param,
    static_figure,
)
from cnnviz.models.lecture import INCEPTION
from cnnviz.render import theme

__all__ = ["inception_cost_figure", "inception_rows"]

BRANCH_COLOURS = {  # Okabe–Ito
    "1x1": theme.OKABE_ITO["sky_blue"],
    "3x3": theme.OKABE_ITO["blue"],
    "5x5": theme.OKABE_ITO["vermillion"],
    "pool": theme.OKABE_ITO["bluish_green"],
}

# Bars this wide, with the module names beside them and the totals after them, keep the whole figure
# (readout, legend, three panels) inside the book's 688 px column; the legend sits on top.
PANEL_WIDTH = 360

_INCEPTION_LABELS = {
    "c1x1": "1×1 filters",
    "c3x3": "3×3 filters",
    "c5x5": "5×5 filters",
    "reduce3x3": "3×3 reduce (1×1)",
    "reduce5x5": "5×5 reduce (1×1)",
    "pool_proj": "pool proj (1×1)",
}



def _branch_rows(cost: ops.InceptionCost, knobs: Mapping[str, Mapping[str, int]]) -> list[dict[str, Any]]:
    return [
        {"module": cost.kind, "branch": b.name, **knobs[b.name], "macs": b.macs, "params": b.params,
         "depth": b.out_channels}
        for b in cost.branches
    ]  # fmt: skip


def inception_rows(
    in_hw: int = INCEPTION.in_hw,
    in_channels: int = INCEPTION.in_channels,
    filters: Sequence[int] = tuple(range(16, 385, 16)),
) -> list[dict[str, Any]]:
    """One row per (module, branch, knob values of that branch): MACs, params and output depth.

    A module's cost is the sum of its branches, and each branch depends only on its own knobs (the 1×1
    branch on ``c1x1``; the reduced 3×3 branch on ``reduce3x3`` and ``c3x3``; ...), so this table holds
    every slider position with ~1,300 rows instead of the 24^6 of a full grid. Knobs a branch does not
    depend on are absent from its rows.
    """
    rows: list[dict[str, Any]] = []
    f0 = filters[0]
    for c in filters:  # the branch's knob c, the others at an arbitrary f0; only that branch is kept
        naive = ops.inception_naive_cost(in_hw, in_channels, c, c, c)
        reduced = ops.inception_reduced_cost(in_hw, in_channels, c, c, c, f0, f0, c)
        knobs = {"1x1": {"c1x1": c}, "3x3": {"c3x3": c}, "5x5": {"c5x5": c}, "pool": {}}
        rows += [r for r in _branch_rows(naive, knobs) if r["branch"] != "pool" or c == f0]
        knobs = {"1x1": {"c1x1": c}, "3x3": {}, "5x5": {}, "pool": {"pool_proj": c}}
        rows += [r for r in _branch_rows(reduced, knobs) if r["branch"] in ("1x1", "pool")]
    for r in filters:  # the reduced 3x3 and 5x5 branches depend on two knobs each
        for c in filters:
            reduced = ops.inception_reduced_cost(in_hw, in_channels, f0, c, c, r, r, f0)
            knobs = {"1x1": {}, "3x3": {"reduce3x3": r, "c3x3": c}, "5x5": {"reduce5x5": r, "c5x5": c},
                     "pool": {}}  # fmt: skip
            rows += [row for row in _branch_rows(reduced, knobs) if row["branch"] in ("3x3", "5x5")]
    order = {"naive": 0, "reduced": 1}
    branch = {"1x1": 0, "3x3": 1, "5x5": 2, "pool": 3}
    rows.sort(
        key=lambda r: (order[r["module"]], branch[r["branch"]], *(r.get(k, 0) for k in INCEPTION.filters))
    )
    return rows


def inception_cost_figure(
    in_hw: int = INCEPTION.in_hw,
    in_channels: int = INCEPTION.in_channels,
    *,
    minimum: int = 16,
    maximum: int = 384,
    step: int = 16,
    **defaults: int,
) -> StaticFigure:
    """Naive vs dimension-reduced Inception module: multiply-adds, parameters and output depth.

    Six sliders (params ``c1x1``, ``c3x3``, ``c5x5``, ``reduce3x3``, ``reduce5x5``, ``pool_proj``), each
    from ``minimum`` to ``maximum`` in steps of ``step`` filters, all live at once: the precomputed table
    (see :func:`inception_rows`) holds every branch at every position of its own knobs, and the browser sums
    the branches of the current position. ``defaults`` set the starting positions (by default the lecture's
    example, :data:`cnnviz.models.lecture.INCEPTION`: naive ops on 28×28×256 854,196,224).
    """
    import altair as alt

    func = "inception_cost_figure"
    for key in defaults:
        if key not in INCEPTION.filters:
            valid = ", ".join(INCEPTION.filters)
            raise ValueError(f"{func}: unknown slider {key!r}; valid sliders: {valid}")
    grid = slider_grid(func, "filter", minimum, maximum, step)
    values = {k: on_slider_grid(func, k, v, grid) for k, v in (INCEPTION.filters | defaults).items()}
    ops.inception_naive_cost(in_hw, in_channels, 1, 1, 1)  # validates in_hw and in_channels
    hw = in_hw if isinstance(in_hw, int) else in_hw[0]
    params = [slider_param(alt, k, v, grid, _INCEPTION_LABELS[k]) for k, v in values.items()]

    current = " && ".join(f"(!isValid(datum.{k}) || datum.{k} == {k})" for k in INCEPTION.filters)
    base = alt.Chart(alt.Data(name="inception")).transform_filter(current)
    module_axis = alt.Axis(
        title=None, labelExpr="datum.value == 'naive' ? 'naive' : 'with 1×1 reductions'", labelFontSize=12
    )
    colour = alt.Color(
        "branch:N",
        scale=alt.Scale(domain=list(BRANCH_COLOURS), range=list(BRANCH_COLOURS.values())),
        legend=alt.Legend(title="branch", orient="top", direction="horizontal"),
    )

    def panel(measure: str, title: str) -> alt.LayerChart:
        bars = base.mark_bar().encode(
            y=alt.Y("module:N", sort=["naive", "reduced"], axis=module_axis),
            x=alt.X(f"sum({measure}):Q", title=title, axis=alt.Axis(format="~s")),
            color=colour,
            tooltip=["module:N", "branch:N", alt.Tooltip(f"{measure}:Q", format=",")],
        )
        totals = (
            # distinct field names per panel: Vega-Lite merges look-alike transforms across views
            base.transform_aggregate(**{f"total_{measure}": f"sum({measure})"}, groupby=["module"])
            .transform_calculate(**{f"label_{measure}": f"format(datum.total_{measure}, '.3~s')"})
            .mark_text(align="left", dx=4)
            .encode(
                y=alt.Y("module:N", sort=["naive", "reduced"]),
                x=f"total_{measure}:Q",
                text=f"label_{measure}:N",
            )
        )
        return alt.layer(bars, totals).properties(width=PANEL_WIDTH, height=56)

    per_module = (
        base.transform_aggregate(
            macs="sum(macs)", params="sum(params)", depth="sum(depth)", groupby=["module"]
        ).transform_calculate(
            line="datum.module == 'naive' ? 0 : 1",
            text=(
                "(datum.module == 'naive' ? 'naive: ' : 'with 1×1 reductions: ') + format(datum.macs, ',')"
                " + ' multiply-adds, ' + format(datum.params, ',') + ' parameters'"  # the depth: third panel
            ),
        )
    )
    ratio = base.transform_calculate(
        naive="datum.module == 'naive' ? datum.macs : 0", reduced="datum.module == 'reduced' ? datum.macs : 0"
    ).transform_aggregate(naive="sum(naive)", reduced="sum(reduced)").transform_calculate(
        line="2",
        text="'the 1×1 reductions need ' + format(datum.naive / datum.reduced, '.2f')"
        " + '× fewer multiply-adds'",
    )
    readout = alt.layer(
        readout_lines(alt, per_module, 3, PANEL_WIDTH, "readout_modules"),
        readout_lines(alt, ratio, 3, PANEL_WIDTH, "readout_ratio"),
    )

    naive = ops.inception_naive_cost(in_hw, in_channels, values["c1x1"], values["c3x3"], values["c5x5"])
    reduced = ops.inception_reduced_cost(in_hw, in_channels, values["c1x1"], values["c3x3"], values["c5x5"],
                                         values["reduce3x3"], values["reduce5x5"], values["pool_proj"])
    shape = f"{hw}×{hw}×{in_channels}"
    chart = alt.vconcat(
        readout,
        panel("macs", "multiply-adds per image"),
        panel("params", "parameters (weights, no biases)"),
        panel("depth", "output depth (channels)"),
        spacing=14,
    ).add_params(*params).properties(
        title=alt.Title(
            f"Inception module on a {shape} input: naive vs 1×1 dimension reductions",
            subtitle="Move the sliders: every number is precomputed by cnnviz.analysis.ops.",
        ),
        datasets={"inception": inception_rows(in_hw, in_channels, grid)},
    )
    fallback = (
        f"Inception module on {shape}: naive {naive.macs:,} multiply-adds and {naive.params:,} parameters "
        f"(output depth {naive.output_depth}); with 1×1 reductions {reduced.macs:,} multiply-adds and "
        f"{reduced.params:,} parameters (output depth {reduced.output_depth})."
    )
    alt_text = f"Bar charts of the cost of a naive and a dimension-reduced Inception module, {shape} input"
    return static_figure(chart, alt_text, fallback, list(values))
