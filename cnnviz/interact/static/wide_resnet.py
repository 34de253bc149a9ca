"""Kernel-free figure of the Wide ResNet chapter: what the depth d and the width factor k of WRN-d-k cost
(parameters, multiply-adds, layers in sequence, and the thin network of the same parameters), and what the
paper reports they buy (its CIFAR-10 test errors).

The figure fits a phone's column: every view is :data:`PANEL_WIDTH` wide and no readout line is longer
than :data:`READOUT_CHARS` characters. The readout is one spec of parts (:data:`LINES`), rendered in
Python (:func:`readout_text`: the fallback and the tests) and as Vega expressions (the page).

What the knob buys is the paper's, never interpolated: :func:`paper_lines` lists the CIFAR-10 errors that
Zagoruyko & Komodakis (2016) report for WRN-d-k (:data:`cnnviz.analysis.claims.wide_resnet.CIFAR_RESULTS`,
with each table's protocol), and says so where they report none.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from cnnviz.analysis.claims.wide_resnet import CIFAR_RESULTS, CIFAR_TABLES, CifarResult, cifar_results
from cnnviz.analysis.ops import thin_twin, wide_resnet_cost
from cnnviz.format import compact_count
from cnnviz.interact.static import readout
from cnnviz.interact.static.base import (
    GREY,
    INK,
    PHONE_PANEL_WIDTH,
    PHONE_READOUT_CHARS,
    StaticFigure,
    on_slider_grid,
    slider_param,
    static_figure,
)
from cnnviz.interact.static.readout import Either, Field, optional
from cnnviz.render import theme

# Public names are unique across the figure modules (tests/interact/test_widgets.py); the readout's helpers
# (readout_text, PANEL_WIDTH, READOUT_CHARS, LINES, ...) are importable but not exported.
__all__ = [
    "DEPTHS",
    "WIDTHS",
    "paper_lines",
    "paper_or_none",
    "paper_points",
    "wide_resnet_figure",
    "wide_resnet_rows",
]

DEPTHS = tuple(range(10, 101, 6))  # d = 6n + 4: 10, 16, ..., 100
WIDTHS = tuple(range(1, 17))  # k = 1 ... 16
PANEL_WIDTH = PHONE_PANEL_WIDTH  # every view, so that the figure fits a phone's column
READOUT_CHARS = PHONE_READOUT_CHARS
PAPER_LINES = 3  # at most this many lines of paper figures for one setting (WRN-28-10 has three)
PAPER_HEAD = "The paper's CIFAR-10 test error:"
READOUT_NAMES = tuple(f"readout_{word}" for word in ("name", "work", "per", "twin", "twin_layers", "paper_head",
                                                      "paper_a", "paper_b", "paper_c"))  # fmt: skip
# No trailing digits in the names: altair renumbers those inside a concat.


# --- what the knob buys: the paper's figures, as readout lines and as points ---------------------------


def _error(result: CifarResult) -> str:
    return f"{result.cifar10:.{CIFAR_TABLES[result.table].decimals}f}%"


def _grouped(results: Sequence[CifarResult]) -> list[tuple[tuple[int, ...], CifarResult]]:
    """The results with the same figure, protocol and dropout under one entry (Table 6 repeats Table 5's
    WRN-28-10): ((tables...), result), mean/std tables first, then ZCA, then with dropout."""
    groups: dict[tuple[bool, str, float], list[CifarResult]] = {}
    for r in results:
        groups.setdefault((r.dropout, CIFAR_TABLES[r.table].protocol, r.cifar10), []).append(r)
    ordered = sorted(groups.values(), key=lambda g: (g[0].dropout, CIFAR_TABLES[g[0].table].preprocessing != "mean/std",
                                                      g[0].table))  # fmt: skip
    return [(tuple(r.table for r in g), g[0]) for g in ordered]


def _tables(numbers: Sequence[int]) -> str:
    return f"Table {numbers[0]}" if len(numbers) == 1 else "Tables " + ", ".join(map(str, numbers))


def paper_lines(depth: int, k: int) -> tuple[str, ...]:
    """The readout's lines under :data:`PAPER_HEAD` for WRN-``depth``-``k``: one per figure the paper
    reports, with its table and protocol (a line whose tables an earlier line named gives only the table);
    empty where the paper reports none (the readout then says so, :data:`NONE`)."""
    lines, said = [], set()
    for tables, r in _grouped(cifar_results(depth, k)):
        label = _tables(tables)
        if not said.issuperset(tables):
            label += f" ({CIFAR_TABLES[tables[0]].short_protocol})"
            said.update(tables)
        lines.append(f"{label}{', dropout' if r.dropout else ''}: {_error(r)}")
    return tuple(lines)


def paper_points() -> list[dict[str, Any]]:
    """The error panel's points: one per network and table without dropout (the network the sliders
    build), with the zoo's parameter count of that WRN-d-k."""
    points = []
    for depth, k in dict.fromkeys((r.depth, r.k) for r in CIFAR_RESULTS):
        params = wide_resnet_cost(depth, k).params
        for tables, r in _grouped([r for r in cifar_results(depth, k) if not r.dropout]):
            table = CIFAR_TABLES[tables[0]]
            points.append({
                "d": depth, "k": k, "network": f"WRN-{depth}-{k}", "params": params, "cifar10": r.cifar10,
                "cifar100": r.cifar100 if r.cifar100 is not None else "not reported", "tables": _tables(tables),
                "protocol": table.protocol, "preprocessing": table.preprocessing,
                "table4_depth": depth if tables == (4,) else None,
            })  # fmt: skip
    return points


# --- what the knob costs, and the readout: one spec of parts, rendered in Python and as Vega expressions ---


NONE = ("none: the paper reports no WRN-", Field("d"), "-", Field("k"))
LINES: tuple[tuple[Any, ...], ...] = (
    ("WRN-", Field("d"), "-", Field("k"), ": ", Field("params", ","), " parameters,"),
    (Field("macs_short"), " multiply-adds, ", Field("layers"), " layers in sequence"),
    ("(", Field("per_layer_short"), " multiply-adds per layer)"),
    ("Thin, same parameters: WRN-", Field("twin_d"), "-1,"),
    (Field("twin_layers", ","), " layers (", Field("twin_per_layer_short"), " multiply-adds per layer)"),
    (PAPER_HEAD,),
    (Either("paper_a", NONE),),
    (optional("paper_b"),),
    (optional("paper_c"),),
)
PAPER_FIELDS = ("paper_a", "paper_b", "paper_c")
assert len(LINES) == len(READOUT_NAMES) and len(PAPER_FIELDS) == PAPER_LINES


def paper_or_none(depth: int, k: int) -> tuple[str, ...]:
    """:func:`paper_lines`, or the readout's line saying the paper reports nothing for WRN-``depth``-``k``."""
    return paper_lines(depth, k) or (readout.text(NONE, {"d": depth, "k": k}),)


def readout_text(row: dict[str, Any]) -> tuple[str, ...]:
    """The readout's lines for one row of :func:`wide_resnet_rows`, as the page writes them (empty lines
    left out)."""
    return tuple(line for line in (readout.text(parts, row) for parts in LINES) if line)


def wide_resnet_rows(depths: Sequence[int] = DEPTHS, widths: Sequence[int] = WIDTHS) -> list[dict[str, Any]]:
    """One row per (d, k): the network's counts, those of its thin twin (:func:`thin_twin`), the exact-k²
    guide (WRN-d-1's parameters times k²), and the paper's lines (``paper_a`` ..., where it reports any)."""
    rows = []
    for d in depths:
        thin = wide_resnet_cost(d, 1).params
        for k in widths:
            cost = wide_resnet_cost(d, k)
            twin = thin_twin(cost.params)
            row = {
                "d": d, "k": k, "params": cost.params, "macs": cost.macs, "layers": cost.weight_layers,
                "per_layer": round(cost.macs_per_layer), "twin_d": twin.depth, "twin_params": twin.params,
                "twin_layers": twin.weight_layers, "k2_guide": thin * k * k,
                "macs_short": compact_count(cost.macs), "per_layer_short": compact_count(round(cost.macs_per_layer)),
                "twin_per_layer_short": compact_count(round(twin.macs_per_layer)),
            }  # fmt: skip
            paper = paper_lines(d, k)
            if len(paper) > PAPER_LINES:
                raise AssertionError(
                    f"WRN-{d}-{k} has {len(paper)} paper lines; the readout has {PAPER_LINES}"
                )
            row.update(zip(PAPER_FIELDS, paper, strict=False))
            rows.append(row)
    return rows


# --- the figure ------------------------------------------------------------------------------------------


def _decades(low: float, high: float) -> list[int]:
    """The powers of ten from below ``low`` to above ``high``: a log axis's ticks and grid, one per decade."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    return [10**e for e in range(first, last + 1)]


def _cost_panel(alt: Any, base: Any, rows: list[dict[str, Any]]) -> Any:
    x = alt.X("k:Q", title="width factor k (log scale)",
              scale=alt.Scale(type="log", base=2, domain=[1, WIDTHS[-1]]),
              axis=alt.Axis(values=[1, 2, 4, 8, 16], format="d", grid=False))  # fmt: skip
    ticks = _decades(min(r["params"] for r in rows), max(r["k2_guide"] for r in rows))
    y = alt.Y("params:Q", title="parameters (log scale)", scale=alt.Scale(type="log", domain=[ticks[0], ticks[-1]]),
              axis=alt.Axis(format="~s", values=ticks))  # fmt: skip
    this_d = base.transform_filter("datum.d == depth")
    tip = [alt.Tooltip("k:Q"), alt.Tooltip("params:Q", format=",", title="parameters"),
           alt.Tooltip("k2_guide:Q", format=",", title="WRN-d-1 × k²")]  # fmt: skip
    line = this_d.mark_line(color=theme.OKABE_ITO["sky_blue"], strokeWidth=4).encode(x=x, y=y, tooltip=tip)
    guide = this_d.mark_line(color=INK, strokeDash=[3, 3], strokeWidth=1.2).encode(x=x, y=alt.Y("k2_guide:Q"))
    now = base.transform_filter("datum.d == depth && datum.k == k").mark_point(
        size=160, filled=True, color=theme.OKABE_ITO["vermillion"], opacity=1).encode(x=x, y=y)  # fmt: skip
    title = alt.Title("Cost: parameters against k", subtitle=[
        "blue: WRN-d-k at the slider's d; orange: its k;", "dashed: WRN-d-1 × k², growth exactly as k²"])  # fmt: skip
    return alt.layer(line, guide, now).properties(width=PANEL_WIDTH, height=170, title=title)


def _error_panel(alt: Any, points: list[dict[str, Any]]) -> Any:
    base = alt.Chart(alt.Data(name="wide_resnet_paper"))
    errors = [p["cifar10"] for p in points]
    ticks = _decades(min(p["params"] for p in points), max(p["params"] for p in points))
    x = alt.X("params:Q", title="parameters of WRN-d-k (log scale)",
              scale=alt.Scale(type="log", domain=[ticks[0], ticks[-1]]), axis=alt.Axis(format="~s", values=ticks))  # fmt: skip
    y = alt.Y("cifar10:Q", title="CIFAR-10 test error (%)",
              scale=alt.Scale(domain=[math.floor(min(errors)) - 0.5, math.ceil(max(errors))], zero=False),
              axis=alt.Axis(tickCount=5))  # fmt: skip
    tip = [alt.Tooltip("network:N"), alt.Tooltip("tables:N", title="table"), alt.Tooltip("protocol:N"),
           alt.Tooltip("cifar10:Q", title="CIFAR-10 error (%)"), alt.Tooltip("cifar100:N", title="CIFAR-100 error (%)"),
           alt.Tooltip("params:Q", format=",", title="parameters")]  # fmt: skip
    table4 = base.transform_filter("isValid(datum.table4_depth)").mark_line(
        color=GREY, strokeWidth=1, opacity=0.6).encode(x=x, y=y, detail="table4_depth:O")  # fmt: skip
    zca = base.transform_filter("datum.preprocessing == 'ZCA'").mark_point(
        size=55, filled=False, color=GREY, strokeWidth=1.5, opacity=1).encode(x=x, y=y, tooltip=tip)  # fmt: skip
    meanstd = base.transform_filter("datum.preprocessing == 'mean/std'").mark_point(
        size=55, filled=True, color=theme.OKABE_ITO["sky_blue"], opacity=1).encode(x=x, y=y, tooltip=tip)  # fmt: skip
    current = base.transform_filter("datum.d == depth && datum.k == k")
    now = current.mark_point(size=260, filled=False, color=theme.OKABE_ITO["vermillion"], strokeWidth=2.5,
                             opacity=1).encode(x=x, y=y, tooltip=tip)  # fmt: skip
    # one label per reported network, at its lowest error, to the left of the rings
    label = current.transform_aggregate(low="min(cifar10)", groupby=["network", "params"]).mark_text(
        align="right", dx=-12, fontSize=12, fontWeight="bold").encode(x=x, y=alt.Y("low:Q"), text="network:N")  # fmt: skip
    title = alt.Title("Buys: the paper's CIFAR-10 test error", subtitle=[
        "blue: mean/std, median of 5 runs (Tables 5, 6);", "grey rings: ZCA (Tables 2–4; lines: Table 4's",
        "depths); orange ring: WRN-d-k, where reported"])  # fmt: skip
    return alt.layer(table4, zca, meanstd, now, label).properties(width=PANEL_WIDTH, height=170, title=title)


def wide_resnet_figure(depth: int = 28, k: int = 10) -> StaticFigure:
    """WRN-d-k's cost and what the paper reports it buys, with sliders ``depth`` (10 to 100 in steps of 6)
    and ``k`` (1 to 16). The readout gives the parameters, multiply-adds, layers in sequence and work per
    layer, the thin network (k = 1) with the same parameters, and the CIFAR-10 test errors the paper reports
    for WRN-d-k (table and protocol), or that it reports none. Two panels: parameters against k on log–log
    axes, beside exact k² growth; the paper's errors against parameters."""
    import altair as alt

    func = "wide_resnet_figure"
    on_slider_grid(func, "depth", depth, list(DEPTHS))
    on_slider_grid(func, "k", k, list(WIDTHS))
    params = [
        slider_param(alt, "depth", depth, list(DEPTHS), "depth d"),
        slider_param(alt, "k", k, list(WIDTHS), "width factor k"),
    ]
    rows = wide_resnet_rows()
    points = paper_points()
    base = alt.Chart(alt.Data(name="wide_resnet"))
    current = base.transform_filter("datum.d == depth && datum.k == k")
    numbers = readout.layer(alt, current, [readout.expr(parts) for parts in LINES], PANEL_WIDTH, READOUT_NAMES)
    # The readout last, right above the sliders (drawn under the chart), so that the sliders and the numbers
    # they move are in view together
    chart = alt.vconcat(
        _cost_panel(alt, base, rows),
        _error_panel(alt, points),
        numbers,
        spacing=12,
    ).add_params(*params).properties(
        title=alt.Title(
            ["WRN-d-k on CIFAR (32×32)", "depth or width?"],
            subtitle=["Move d and k (sliders below); the readout", "under the panels gives cost and errors."],
        ),
        datasets={"wide_resnet": rows, "wide_resnet_paper": points},
    )  # fmt: skip
    row = next(r for r in rows if r["d"] == depth and r["k"] == k)
    fallback = " ".join(readout_text(row))
    alt_text = (
        "WRN-d-k on CIFAR: its parameters, multiply-adds and layers in sequence, the thin network with the same "
        "parameters, and the CIFAR-10 test errors the Wide ResNet paper reports; a chart of parameters against "
        "the width factor k on log–log axes beside exact k² growth, and a chart of the paper's errors against "
        "parameters"
    )
    return static_figure(chart, alt_text, fallback, ["depth", "k"])
