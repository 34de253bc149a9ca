"""Kernel-free figure of the GoogLeNet chapter: the cost of an Inception module, naive against reduced.

:func:`inception_cost_figure` has six sliders (the 1×1, 3×3 and 5×5 filters of both modules, and the three 1×1
reductions of the reduced one) and three panels (multiply-adds, weights, output depth), each a bar per module
stacked by branch. Every view fits a phone's column (at most :data:`PANEL_WIDTH` wide, lines of at most
:data:`READOUT_CHARS` characters), and the readout is the figure's last view, right above the sliders, so that
a phone shows the two together. The readout is one spec (:data:`READOUT_LINES`) rendered twice, as text in
Python (:func:`inception_readout`: the tests, and the chapter) and as Vega expressions (the page), so the two
cannot drift apart. Besides both modules' totals it gives the widest 1×1 reduction that still saves work in
front of the current 3×3 and 5×5 filters (:func:`widest_saving_reduction`): narrower than the input is not
enough.

What the knobs buy, the paper does not report: it gives no error for any filter count of a module, and says
that "the influence of the exact architectural parameters is relatively minor" (Szegedy et al. 2015, Sec. 5).
The figure says so under its panels (:data:`PAPER_LINES`) instead of showing an accuracy it would have to invent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cnnviz.analysis import ops
from cnnviz.interact.static import readout
from cnnviz.interact.static.base import (
    PHONE_PANEL_WIDTH,
    PHONE_READOUT_CHARS,
    StaticFigure,
    on_slider_grid,
    readout_lines,
    slider_grid,
    slider_param,
    static_figure,
)
from cnnviz.interact.static.readout import Field, When
from cnnviz.models.lecture import INCEPTION
from cnnviz.render import theme

__all__ = ["FILTER_GRID", "PAPER_LINES", "READOUT_LINES", "inception_cost_figure", "inception_readout", "inception_rows",
           "readout_row", "widest_saving_reduction"]  # fmt: skip

BRANCH_COLOURS = {  # Okabe–Ito
    "1x1": theme.OKABE_ITO["sky_blue"],
    "3x3": theme.OKABE_ITO["blue"],
    "5x5": theme.OKABE_ITO["vermillion"],
    "pool": theme.OKABE_ITO["bluish_green"],
}
PANEL_WIDTH = PHONE_PANEL_WIDTH  # every view, so that the figure fits a phone's column
READOUT_CHARS = PHONE_READOUT_CHARS
MODULE_NAMES = {"naive": "naive", "reduced": "with 1×1 reductions"}
FILTER_GRID = (16, 384, 16)  # every slider: first position, last position, step (filters)

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
    filters: Sequence[int] = tuple(range(FILTER_GRID[0], FILTER_GRID[1] + 1, FILTER_GRID[2])),
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


# --- the readout: one spec, rendered as text and as Vega expressions ---------------------------------


def widest_saving_reduction(in_channels: int, out_channels: int, kernel: int) -> int:
    """The widest 1×1 reduction (in channels) in front of a ``kernel``×``kernel`` convolution from
    ``in_channels`` to ``out_channels`` that still saves multiply-adds: the largest integer below
    :func:`cnnviz.analysis.ops.reduction_break_even`, in integers, ``(k²·C_out·C_in − 1) // (C_in + k²·C_out)``
    (the figure computes the same in the browser). 0 where no width saves work."""
    ops.reduction_break_even(in_channels, out_channels, kernel)  # validates the arguments
    window = kernel * kernel * out_channels
    return (window * in_channels - 1) // (in_channels + window)


def _widest_vega(in_channels: int, kernel: int, field: str) -> str:
    """:func:`widest_saving_reduction` as a Vega expression over ``datum[field]`` (the filters)."""
    window = f"({kernel * kernel} * datum.{field})"
    return f"floor(({window} * {in_channels} - 1) / ({in_channels} + {window}))"


def readout_row(
    in_hw: int = INCEPTION.in_hw, in_channels: int = INCEPTION.in_channels, **filters: int
) -> dict[str, Any]:
    """The fields the readout reads, for one slider position (``filters``: the six knobs, by default the
    lecture's example), from :mod:`cnnviz.analysis.ops`: each module's ``*_macs``, ``*_params`` (weights, no
    biases) and ``*_depth``, ``ratio`` (naive over reduced multiply-adds) and ``inverse`` (reduced over
    naive), and ``pays3`` and ``pays5``, the widest 3×3 and 5×5 reductions that still save work
    (:func:`widest_saving_reduction`). The figure computes the same fields in the browser from the
    precomputed branch rows."""
    v = INCEPTION.filters | filters
    naive = ops.inception_naive_cost(in_hw, in_channels, v["c1x1"], v["c3x3"], v["c5x5"])
    reduced = ops.inception_reduced_cost(in_hw, in_channels, v["c1x1"], v["c3x3"], v["c5x5"], v["reduce3x3"],
                                         v["reduce5x5"], v["pool_proj"])  # fmt: skip
    return {
        "naive_macs": naive.macs, "naive_params": naive.params, "naive_depth": naive.output_depth,
        "reduced_macs": reduced.macs, "reduced_params": reduced.params, "reduced_depth": reduced.output_depth,
        "ratio": naive.macs / reduced.macs, "inverse": reduced.macs / naive.macs,
        "pays3": widest_saving_reduction(in_channels, v["c3x3"], 3),
        "pays5": widest_saving_reduction(in_channels, v["c5x5"], 5),
    }  # fmt: skip


def _cheaper(row: dict[str, Any]) -> bool:
    return row["ratio"] >= 1


READOUT_LINES: tuple[tuple[Any, ...], ...] = (
    ("naive: ", Field("naive_macs", ","), " multiply-adds,"),
    (Field("naive_params", ","), " weights, output depth ", Field("naive_depth")),
    ("reduced: ", Field("reduced_macs", ","), " multiply-adds,"),
    (Field("reduced_params", ","), " weights, output depth ", Field("reduced_depth")),
    (When(_cheaper, "datum.ratio >= 1",
          ("1×1 reductions: ", Field("ratio", ".2f"), "× fewer multiply-adds"),
          ("reduced needs ", Field("inverse", ".2f"), "× the naive multiply-adds")),),
    ("a 1×1 reduce pays up to ", Field("pays3"), " (3×3), ", Field("pays5"), " (5×5)"),
)  # fmt: skip


def inception_readout(row: dict[str, Any]) -> list[str]:
    """The readout lines of :func:`inception_cost_figure` for ``row`` (one of :func:`readout_row`)."""
    return [readout.text(parts, row) for parts in READOUT_LINES]


# What the knobs buy: the paper reports no error per filter count (its Sec. 5), in lines of at most READOUT_CHARS.
PAPER_LINES = (
    "What the filter counts buy, the paper does",
    "not report: it gives no error for them, and",
    "calls the influence of the exact",
    'architectural parameters "relatively minor"',
    "(its Sec. 5).",
)


def inception_cost_figure(
    in_hw: int = INCEPTION.in_hw,
    in_channels: int = INCEPTION.in_channels,
    *,
    minimum: int = FILTER_GRID[0],
    maximum: int = FILTER_GRID[1],
    step: int = FILTER_GRID[2],
    **defaults: int,
) -> StaticFigure:
    """Naive vs dimension-reduced Inception module: multiply-adds, weights and output depth.

    Six sliders (params ``c1x1``, ``c3x3``, ``c5x5``, ``reduce3x3``, ``reduce5x5``, ``pool_proj``), each
    from ``minimum`` to ``maximum`` in steps of ``step`` filters, all live at once: the precomputed table
    (see :func:`inception_rows`) holds every branch at every position of its own knobs, and the browser sums
    the branches of the current position. ``defaults`` set the starting positions (by default the lecture's
    example, :data:`cnnviz.models.lecture.INCEPTION`). The readout (:data:`READOUT_LINES`) gives both modules'
    totals, how many times the reductions cut (or add) the work, and the widest 3×3 and 5×5 reductions that
    still save work; it is the last view, right above the sliders. Under the panels, what the paper reports
    for these knobs (:data:`PAPER_LINES`).
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
    colour = alt.Color(
        "branch:N",
        scale=alt.Scale(domain=list(BRANCH_COLOURS), range=list(BRANCH_COLOURS.values())),
        legend=alt.Legend(title="branch", orient="top", direction="horizontal",
                          labelExpr="replace(datum.label, 'x', '×')"),
    )  # fmt: skip
    # no axis labels at the left (they would push the figure past a phone's column): each bar's name and
    # total above it
    y = alt.Y(
        "module:N", sort=list(MODULE_NAMES), axis=None, scale=alt.Scale(paddingInner=0.6, paddingOuter=0.5)
    )
    names = " : ".join(f"datum.module == '{k}' ? '{v}'" for k, v in MODULE_NAMES.items()) + " : ''"

    def panel(measure: str, title: str, fmt: str) -> alt.LayerChart:
        bars = base.mark_bar().encode(
            y=y,
            x=alt.X(
                f"sum({measure}):Q",
                title=title,
                axis=alt.Axis(format="~s", tickCount=4, labelExpr="datum.value == 0 ? '0' : datum.label"),
            ),
            color=colour,
            tooltip=["module:N", "branch:N", alt.Tooltip(f"{measure}:Q", format=",")],
        )
        labels = (
            # distinct field names per panel: Vega-Lite merges look-alike transforms across views
            base.transform_aggregate(**{f"total_{measure}": f"sum({measure})"}, groupby=["module"])
            .transform_calculate(
                **{f"label_{measure}": f"({names}) + ': ' + format(datum.total_{measure}, '{fmt}')"}
            )
            .mark_text(align="left", baseline="bottom", dy=-9, fontSize=12)
            .encode(y=y, x=alt.value(0), text=f"label_{measure}:N")
        )
        return alt.layer(bars, labels).properties(width=PANEL_WIDTH, height=92)

    sums = {f"{m}_{k}": f"sum({m}_{k})" for m in MODULE_NAMES for k in ("macs", "params", "depth")}
    split = {
        f"{m}_{k}": f"datum.module == '{m}' ? datum.{k} : 0"
        for m in MODULE_NAMES
        for k in ("macs", "params", "depth")
    }
    # the current 3×3 and 5×5 filters, from the naive module's rows of those branches
    for k in ("c3x3", "c5x5"):
        split[f"now_{k}"] = f"datum.module == 'naive' && isValid(datum.{k}) ? datum.{k} : 0"
        sums[f"now_{k}"] = f"sum(now_{k})"
    now = (
        base.transform_calculate(**split)
        .transform_aggregate(**sums)
        .transform_calculate(ratio="datum.naive_macs / datum.reduced_macs",
                             inverse="datum.reduced_macs / datum.naive_macs",
                             pays3=_widest_vega(in_channels, 3, "now_c3x3"),
                             pays5=_widest_vega(in_channels, 5, "now_c5x5"))
    )  # fmt: skip
    names_ = [f"readout_{'abcdefghij'[i]}" for i in range(len(READOUT_LINES))]
    lines = readout.layer(alt, now, [readout.expr(parts) for parts in READOUT_LINES], PANEL_WIDTH, names_)
    paper = readout_lines(
        alt, alt.Chart(alt.Data(values=[{"line": i, "text": t} for i, t in enumerate(PAPER_LINES)])),
        len(PAPER_LINES), PANEL_WIDTH, "readout_paper",
    )  # fmt: skip

    shape = f"{hw}×{hw}×{in_channels}"
    chart = alt.vconcat(  # the readout last: right above the sliders, on a phone's screen with them
        panel("macs", "multiply-adds per image", ".3~s"),
        panel("params", "weights (no biases)", ".3~s"),
        panel("depth", "output depth (channels)", "d"),
        paper,
        lines,
        spacing=14,
    ).add_params(*params).properties(
        title=alt.Title(
            [f"An Inception module on {shape}:", "naive against 1×1 reductions"],
            subtitle=["Move the sliders under the readout: every", "number was computed when the page was built."],
        ),
        datasets={"inception": inception_rows(in_hw, in_channels, grid)},
    )  # fmt: skip
    row = readout_row(in_hw, in_channels, **values)
    fallback = (
        f"Inception module on {shape}: naive {row['naive_macs']:,} multiply-adds and {row['naive_params']:,} "
        f"weights (output depth {row['naive_depth']}); with 1×1 reductions {row['reduced_macs']:,} multiply-adds "
        f"and {row['reduced_params']:,} weights (output depth {row['reduced_depth']}). "
        + " ".join(PAPER_LINES)
    )
    alt_text = f"Bar charts of the cost of a naive and a dimension-reduced Inception module, {shape} input"
    return static_figure(chart, alt_text, fallback, list(values))
