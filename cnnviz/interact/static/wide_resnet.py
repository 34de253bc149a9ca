"""Kernel-free figure of the Wide ResNet chapter: WRN-d-k's parameters, multiply-adds and sequential depth
against the depth d and the width factor k, with the thin (k = 1) network of the same parameter budget."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cnnviz.analysis.ops import thin_twin, wide_resnet_cost
from cnnviz.interact.static.base import (
    GREY,
    StaticFigure,
    on_slider_grid,
    readout_lines,
    slider_param,
    static_figure,
)
from cnnviz.render import theme

__all__ = ["DEPTHS", "WIDTHS", "wide_resnet_figure", "wide_resnet_rows"]

DEPTHS = tuple(range(10, 101, 6))  # d = 6n + 4: 10, 16, ..., 100
WIDTHS = tuple(range(1, 17))  # k = 1 ... 16
def wide_resnet_rows(depths: Sequence[int] = DEPTHS, widths: Sequence[int] = WIDTHS) -> list[dict[str, Any]]:
    """One row per (d, k): the network's counts and those of its thin twin (:func:`thin_twin`)."""
    rows = []
    for d in depths:
        for k in widths:
            cost = wide_resnet_cost(d, k)
            twin = thin_twin(cost.params)
            rows.append({
                "d": d, "k": k, "params": cost.params, "macs": cost.macs, "layers": cost.weight_layers,
                "per_layer": round(cost.macs_per_layer), "twin_d": twin.depth, "twin_params": twin.params,
                "twin_macs": twin.macs, "twin_layers": twin.weight_layers,
                "twin_per_layer": round(twin.macs_per_layer),
            })  # fmt: skip
    return rows


def readout_text(row: dict[str, Any]) -> tuple[str, str, str]:
    """The figure's three readout lines for one row, as the page writes them (the browser test's reference)."""
    return (
        f"WRN-{row['d']}-{row['k']}: {row['params']:,} parameters, {row['macs']:,} multiply-adds, "
        f"{row['layers']} layers in sequence",
        f"{row['per_layer']:,} multiply-adds per sequential layer",
        f"Same budget, thin (k = 1): WRN-{row['twin_d']}-1, {row['twin_params']:,} parameters, "
        f"{row['twin_layers']} layers in sequence, {row['twin_per_layer']:,} multiply-adds per layer",
    )


def wide_resnet_figure(depth: int = 28, k: int = 10) -> StaticFigure:
    """Parameters of WRN-d-k against k (one line per slider depth, log scale), with sliders ``depth``
    (10 to 100 in steps of 6) and ``k`` (1 to 16). The readout gives parameters, multiply-adds, layers in
    sequence and multiply-adds per sequential layer, and the thin network with the same parameters."""
    import altair as alt

    func = "wide_resnet_figure"
    on_slider_grid(func, "depth", depth, list(DEPTHS))
    on_slider_grid(func, "k", k, list(WIDTHS))
    params = [
        slider_param(alt, "depth", depth, list(DEPTHS), "depth d"),
        slider_param(alt, "k", k, list(WIDTHS), "width factor k"),
    ]
    rows = wide_resnet_rows()
    data = alt.Data(name="wide_resnet")
    base = alt.Chart(data)
    x = alt.X("k:Q", title="width factor k", scale=alt.Scale(domain=[1, WIDTHS[-1]]))
    y = alt.Y("params:Q", title="parameters", scale=alt.Scale(type="log"), axis=alt.Axis(format="~s"))
    every = base.mark_line(color=GREY, strokeWidth=1, opacity=0.35).encode(x=x, y=y, detail="d:O")
    same_d = base.transform_filter("datum.d == depth").mark_line(
        color=theme.OKABE_ITO["sky_blue"], strokeWidth=2.5).encode(x=x, y=y)
    current = base.transform_filter("datum.d == depth && datum.k == k")
    now = current.mark_point(size=160, filled=True, color=theme.OKABE_ITO["vermillion"]).encode(
        x=x, y=y, tooltip=[alt.Tooltip("params:Q", format=","), alt.Tooltip("macs:Q", format=",")])
    texts = [
        "'WRN-' + datum.d + '-' + datum.k + ': ' + format(datum.params, ',') + ' parameters, '"
        " + format(datum.macs, ',') + ' multiply-adds, ' + datum.layers + ' layers in sequence'",
        "format(datum.per_layer, ',') + ' multiply-adds per sequential layer'",
        "'Same budget, thin (k = 1): WRN-' + datum.twin_d + '-1, ' + format(datum.twin_params, ',')"
        " + ' parameters, ' + datum.twin_layers + ' layers in sequence, ' + format(datum.twin_per_layer, ',')"
        " + ' multiply-adds per layer'",
    ]
    readouts = [
        # names like "readout_0" clash with the names Vega-Lite gives the layers' own data sets
        readout_lines(alt, current.transform_calculate(line=str(i), text=text), 3, 480, name)
        for i, (text, name) in enumerate(zip(texts, ("readout_network", "readout_work", "readout_twin"), strict=True))
    ]
    chart = alt.vconcat(
        alt.layer(*readouts),
        alt.layer(every, same_d, now).properties(width=480, height=240),
        spacing=12,
    ).add_params(*params).properties(
        title=alt.Title(
            "WRN-d-k on CIFAR (32×32): depth or width?",
            subtitle="Grey: every depth; blue: the slider's depth d; orange: WRN-d-k. Parameters grow with k².",
        ),
        datasets={"wide_resnet": rows},
    )
    row = next(r for r in rows if r["d"] == depth and r["k"] == k)
    fallback = "; ".join(readout_text(row))
    alt_text = "Line chart of WRN-d-k parameters against the width factor k, one line per depth d"
    return static_figure(chart, alt_text, fallback, ["depth", "k"])
