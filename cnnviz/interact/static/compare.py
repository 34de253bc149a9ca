"""Kernel-free figures of the comparison chapter: the networks of the book as points, with the axes chosen
by the reader and every number in the tooltip; and the depth of the networks year by year.

The rows are :func:`cnnviz.render.compare.comparison_records` of a
:class:`~cnnviz.analysis.compare.Comparison`: nothing is computed here but unit changes (bytes to MB,
fractions to percent).
"""

from __future__ import annotations

from typing import Any

from cnnviz.analysis.compare import Comparison
from cnnviz.interact.static.base import StaticFigure, static_figure
from cnnviz.render import theme
from cnnviz.render.compare import comparison_records

__all__ = ["AXES", "DATASETS", "compare_rows", "compare_figure", "depth_timeline_figure"]

# The quantities a reader may put on an axis: field -> axis title. All positive, so every axis is logarithmic.
# Each title fits a phone's readout line after "x: " (base.PHONE_READOUT_CHARS; tests/interact checks it).
AXES: dict[str, str] = {
    "macs": "multiply-adds per image",
    "params": "parameters",
    "top1": "top-1 error (%)",
    "top5": "top-5 error (%)",
    "forward_mb": "forward activations per image (MB)",
    "saved_mb": "saved for backward per image (MB)",
    "training_mb": "training total at batch 1 (MB)",
    "depth": "weight layers on the longest path",
    "receptive_field": "theoretical receptive field (px)",
    "time_ratio": "CPU time per image (× AlexNet)",
    "epoch_min": "minutes per CPU training epoch",
}


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 2)


def compare_rows(comp: Comparison) -> list[dict[str, Any]]:
    """The plotted rows: the comparison's records in the figure's units."""
    rows = []
    for r in comparison_records(comp):
        rows.append({
            "network": r["network"], "year": r["year"], "dataset": r["dataset"] or "your network",
            "macs": r["macs"], "params": r["params"], "top1": _percent(r["top1_error"]),
            "top5": _percent(r["top5_error"]), "forward_mb": round(r["forward_bytes"] / 1e6, 2),
            "saved_mb": round(r["saved_bytes"] / 1e6, 2), "training_mb": round(r["training_bytes"] / 1e6, 2),
            "depth": r["depth"], "receptive_field": r["receptive_field"],
            "time_ratio": None if r["time_ratio"] is None else round(r["time_ratio"], 2),
            "epoch_min": None if r["epoch_minutes"] is None else round(r["epoch_minutes"], 1),
            "protocol": r["protocol"], "source": r["source"],
        })  # fmt: skip
    return rows


def _check_axis(func: str, name: str, value: object) -> str:
    if value not in AXES:
        raise ValueError(f"{func}: {name} must be one of {', '.join(map(repr, AXES))}, got {value!r}")
    return value  # type: ignore[return-value]


DATASETS = ("ImageNet", "CIFAR-10", "all")


def compare_figure(
    comp: Comparison, x: str = "macs", y: str = "top1", dataset: str = "ImageNet", title: str | None = None
) -> StaticFigure:
    """The networks as points at (``x``, ``y``), marker area proportional to the parameters, colour by dataset,
    with menus (params ``xaxis``, ``yaxis`` and ``dataset``: errors on ImageNet and on CIFAR-10 are not
    comparable) and a tooltip with every number and the source of the errors. A reader's own network is
    shown with every dataset. A network without a value on a chosen axis (an error a paper does not report,
    a time not measured) is left out of that view."""
    import altair as alt

    func = "compare_figure"
    _check_axis(func, "x", x)
    _check_axis(func, "y", y)
    options = list(AXES)
    labels = [AXES[a] for a in options]
    xaxis = alt.param(name="xaxis", value=x, bind=alt.binding_select(options=options, labels=labels, name="x axis "))
    yaxis = alt.param(name="yaxis", value=y, bind=alt.binding_select(options=options, labels=labels, name="y axis "))
    if dataset not in DATASETS:
        raise ValueError(f"{func}: dataset must be one of {', '.join(map(repr, DATASETS))}, got {dataset!r}")
    chosen = alt.param(name="dataset", value=dataset, bind=alt.binding_select(options=list(DATASETS), name="networks "))
    rows = compare_rows(comp)
    max_params = max(r["params"] for r in rows)
    base = (
        alt.Chart(alt.Data(name="networks"))
        .transform_calculate(xv="datum[xaxis]", yv="datum[yaxis]")
        .transform_filter("isValid(datum.xv) && isValid(datum.yv) && datum.xv > 0 && datum.yv > 0")
        .transform_filter("dataset == 'all' || datum.dataset == dataset || datum.dataset == 'your network'")
    )
    log = alt.Scale(type="log", nice=False, padding=20)
    enc_x = alt.X("xv:Q", title="x: the quantity chosen above (log scale)", scale=log, axis=alt.Axis(format="~s"))
    enc_y = alt.Y("yv:Q", title="y: the quantity chosen above (log scale)", scale=log, axis=alt.Axis(format="~s"))
    tooltip = [
        alt.Tooltip("network:N"), alt.Tooltip("year:O"), alt.Tooltip("dataset:N"),
        alt.Tooltip("top1:Q", title="top-1 error (%)"), alt.Tooltip("top5:Q", title="top-5 error (%)"),
        alt.Tooltip("params:Q", title="parameters", format=","), alt.Tooltip("macs:Q", title="multiply-adds", format=","),
        alt.Tooltip("forward_mb:Q", title="forward MB"), alt.Tooltip("saved_mb:Q", title="saved for backward MB"),
        alt.Tooltip("training_mb:Q", title="training total MB"),
        alt.Tooltip("depth:Q"), alt.Tooltip("receptive_field:Q", title="receptive field"),
        alt.Tooltip("time_ratio:Q", title="time × AlexNet"), alt.Tooltip("epoch_min:Q", title="minutes per epoch"),
        alt.Tooltip("protocol:N"), alt.Tooltip("source:N"),
    ]  # fmt: skip
    colours = [theme.OKABE_ITO["sky_blue"], theme.OKABE_ITO["orange"], theme.OKABE_ITO["bluish_green"]]
    points = base.mark_circle(opacity=0.6, stroke=theme.OKABE_ITO["blue"], strokeWidth=1).encode(
        x=enc_x, y=enc_y,
        size=alt.Size("params:Q", title="parameters", scale=alt.Scale(type="linear", domain=[0, max_params],
                                                                      range=[0, 2500], zero=True),
                      legend=alt.Legend(format="~s", orient="top", direction="vertical",
                                        values=[1_000_000, 10_000_000, 50_000_000, 100_000_000])),
        # legends on top, stacked vertically: in view at phone width, where the chart scrolls sideways
        color=alt.Color("dataset:N", scale=alt.Scale(range=colours), legend=alt.Legend(orient="top", direction="vertical")),
        tooltip=tooltip,
    )  # fmt: skip
    names = base.mark_text(align="left", dx=8, dy=-6, fontSize=11).encode(x=enc_x, y=enc_y, text="network:N")
    # the readout: one line per axis, each short enough for a phone's column
    axes_text = (
        alt.Chart(alt.Data(values=[{"line": "x", "row": 0}, {"line": "y", "row": 1}]))
        .transform_calculate(text=f"datum.line == 'x' ? 'x: ' + {_lookup('xaxis')} : 'y: ' + {_lookup('yaxis')}")
        .mark_text(align="left", baseline="top", fontSize=13)
        .encode(x=alt.value(0), y=alt.Y("row:O", axis=None), text="text:N")
        .properties(width=470, height=36, name="readout_axes")
    )
    chart = alt.vconcat(axes_text, alt.layer(points, names).properties(width=470, height=360), spacing=8)
    chart = chart.add_params(xaxis, yaxis, chosen).properties(
        title=alt.Title(
            title or "The networks of the book: choose the axes, hover for the numbers",
            subtitle=["Marker area ∝ parameters. Errors as the papers report them (protocols differ: see the",
                      "table); a network without a value on an axis is left out."],
        ),  # fmt: skip
        datasets={"networks": rows},
    )
    alt_text = f"Scatter chart of the book's networks, {AXES[y]} against {AXES[x]}, marker area by parameters"
    fallback = "; ".join(f"{r['network']}: {AXES[x]} {r[x]}, {AXES[y]} {r[y]}" for r in rows
                         if r[x] is not None and r[y] is not None and dataset in ("all", r["dataset"]))  # fmt: skip
    return static_figure(chart, alt_text, fallback, ["xaxis", "yaxis", "dataset"])


def _lookup(param: str) -> str:
    """A Vega expression giving the axis title of the field the param holds."""
    pairs = ", ".join(f"'{k}': '{v}'" for k, v in AXES.items())
    return f"({{{pairs}}})[{param}]"


def depth_timeline_figure(comp: Comparison) -> StaticFigure:
    """Depth (weight layers on the longest path, log scale) against the year of the paper, one labelled point
    per network; the tooltip has the numbers."""
    import altair as alt

    rows = compare_rows(comp)
    base = alt.Chart(alt.Data(name="timeline")).transform_filter("isValid(datum.year)")
    x = alt.X("year:Q", title="year of the paper", scale=alt.Scale(domain=[2011.5, 2017.5]),
              axis=alt.Axis(format="d", tickMinStep=1))
    y = alt.Y("depth:Q", title="weight layers on the longest path (log scale)", scale=alt.Scale(type="log"))
    tooltip = ["network:N", "year:Q", "depth:Q", alt.Tooltip("params:Q", format=","), "dataset:N"]
    colours = [theme.OKABE_ITO["sky_blue"], theme.OKABE_ITO["orange"], theme.OKABE_ITO["bluish_green"]]
    points = base.mark_circle(size=90, opacity=0.8).encode(
        x=x, y=y, color=alt.Color("dataset:N", scale=alt.Scale(range=colours), legend=alt.Legend(orient="top")),
        tooltip=tooltip)
    names = base.mark_text(align="left", dx=7, fontSize=10).encode(x=x, y=y, text="network:N")
    chart = alt.layer(points, names).properties(
        width=470, height=320,
        title=alt.Title("Depth, year by year", subtitle=["Weight layers on the longest input-to-output path, counted "
                                                        "on the zoo's networks."]),
        datasets={"timeline": rows},
    )  # fmt: skip
    alt_text = "Scatter chart of network depth against the year of the paper, log scale"
    fallback = "; ".join(f"{r['network']} ({r['year']}): {r['depth']} layers" for r in rows if r["year"])
    return static_figure(chart, alt_text, fallback, [])
