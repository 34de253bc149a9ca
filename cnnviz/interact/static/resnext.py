"""Kernel-free figure of the ResNeXt chapter: a block's parameters and multiply-adds against cardinality C and width d."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cnnviz.analysis import ops
from cnnviz.interact.static.base import (
    GREY,
    StaticFigure,
    on_slider_grid,
    readout_lines,
    slider_grid,
    slider_param,
    static_figure,
)
from cnnviz.models.lecture import RESNEXT_BLOCK, RESNEXT_TABLE2
from cnnviz.render import theme
from cnnviz.validate import boolean

__all__ = ["cardinality_figure", "cardinality_rows", "matched_rows"]


def _row(c: int, d: int, in_hw: int, channels: int, budget: int) -> dict[str, Any]:
    cost = ops.bottleneck_block_cost(in_hw, channels, c * d, groups=c, out_channels=channels)
    row = {"C": c, "d": d, "width": c * d, "params": cost.params, "macs": cost.macs,
           "vs_resnet": round(cost.params / budget, 4)}  # fmt: skip
    if (c, d) in set(RESNEXT_TABLE2):
        row["table2"] = f"{c}×{d}d"
    return row


def _budget(channels: int) -> int:
    return ops.bottleneck_block_cost(1, channels, RESNEXT_BLOCK.resnet_width, out_channels=channels).params


def cardinality_rows(
    cardinalities: Sequence[int],
    widths: Sequence[int],
    in_hw: int = RESNEXT_BLOCK.in_hw,
    channels: int = RESNEXT_BLOCK.channels,
) -> list[dict[str, Any]]:
    """One row per (C, d): the ResNeXt block (``channels`` in and out, C paths of width d) as a grouped
    bottleneck, convolution weights only, from :func:`cnnviz.analysis.ops.bottleneck_block_cost`."""
    budget = _budget(channels)
    return [_row(c, d, in_hw, channels, budget) for c in cardinalities for d in widths]


def matched_rows(
    cardinalities: Sequence[int],
    in_hw: int = RESNEXT_BLOCK.in_hw,
    channels: int = RESNEXT_BLOCK.channels,
) -> list[dict[str, Any]]:
    """One row per C in "matched complexity" mode: d follows C
    (:func:`cnnviz.analysis.ops.matched_cardinality_width`, the budget of the ResNet-50 bottleneck 1×64d),
    with the same fields as :func:`cardinality_rows`."""
    budget = _budget(channels)
    return [
        _row(c, ops.matched_cardinality_width(c, channels, RESNEXT_BLOCK.resnet_width), in_hw, channels, budget)
        for c in cardinalities
    ]


def _block_sketch(alt: Any, max_cardinality: int, width_expr: str, channels: int) -> Any:
    """The block of the sliders drawn kernel-free: the input, C columns (one per path; each box as wide as d,
    rows 1×1 reduce, 3×3, 1×1 expand), the sum. Geometry only: the numbers come from the readout's rows."""
    seq = alt.sequence(0, max_cardinality, as_="path")
    paths = (
        alt.Chart(seq)
        .transform_filter("datum.path < cardinality")
        .transform_calculate(D=width_expr)
        .transform_calculate(x0="datum.path * datum.D * 1.25", x1="datum.path * datum.D * 1.25 + datum.D")
    )
    x = alt.X("x0:Q", axis=None, scale=alt.Scale(zero=True, nice=False))
    layers = []
    for top, label in ((34, "1×1"), (62, "3×3"), (90, "1×1")):
        layers.append(paths.mark_rect(color=theme.OKABE_ITO["sky_blue"], stroke=GREY, strokeWidth=0.5).encode(
            x=x, x2="x1:Q", y=alt.value(top), y2=alt.value(top + 20),
            tooltip=[alt.Tooltip("path:Q", title="path"), alt.Tooltip("D:Q", title=f"{label} width d")],
        ))
    ends = alt.Chart(alt.Data(values=[
        {"y": 4, "text": f"input, {channels} channels (copied to every path)"},
        {"y": 118, "text": f"sum of the paths ({channels} channels) + input, ReLU"},
    ]))  # fmt: skip
    bars = ends.mark_rect(fill="transparent", stroke=GREY).encode(
        x=alt.value(0), x2=alt.value(460), y=alt.Y("y:Q", scale=None), y2="y2:Q",
    ).transform_calculate(y2="datum.y + 22")
    labels = ends.mark_text(fontSize=12, align="center", baseline="middle").encode(
        x=alt.value(230), y=alt.Y("ym:Q", scale=None), text="text:N",
    ).transform_calculate(ym="datum.y + 11")
    return alt.layer(*layers, bars, labels).properties(width=460, height=140, name="block_sketch")


def cardinality_figure(
    cardinality: int = RESNEXT_BLOCK.cardinality,
    bottleneck_width: int = RESNEXT_BLOCK.bottleneck_width,
    *,
    matched: bool = False,
    max_cardinality: int = 32,
    max_width: int = 64,
    in_hw: int = RESNEXT_BLOCK.in_hw,
    channels: int = RESNEXT_BLOCK.channels,
) -> StaticFigure:
    """Parameters and multiply-adds of one ResNeXt block (conv2 stage: 256-d in and out, 56×56) vs C and d.

    Sliders: ``cardinality`` (C, 1 to ``max_cardinality``) and ``bottleneck_width`` (d, 1 to ``max_width``),
    the names of the ResNeXt builders' keyword arguments. With ``matched=True`` ("matched complexity")
    there is one slider, C, and d follows it: the d of :func:`cnnviz.analysis.ops.matched_cardinality_width`
    that keeps the block at the ResNet-50 bottleneck's budget (``bottleneck_width`` is then ignored).
    The paper's Table 2 configurations (1×64d, 2×40d, 4×24d, 8×14d, 32×4d) are marked: all near the
    ResNet-50 bottleneck's 69,632 parameters. Counts are convolution weights (batch norm not counted, as in
    the paper's "~70k"), from :func:`cnnviz.analysis.ops.bottleneck_block_cost` (the tests check them
    against the built block). Below the chart, the block itself: its C paths, each box as wide as d.
    """
    import altair as alt

    func = "cardinality_figure"
    boolean(func, "matched", matched)
    cards = slider_grid(func, "cardinality", 1, max_cardinality, 1)
    on_slider_grid(func, "cardinality", cardinality, cards)
    params = [slider_param(alt, "cardinality", cardinality, cards, "cardinality C")]
    if matched:
        rows = matched_rows(cards, in_hw, channels)
        dataset = "resnext_matched"
        current_filter = "datum.C == cardinality"
        d_now = next(r["d"] for r in rows if r["C"] == cardinality)
        width_expr = "[" + ",".join(str(r["d"]) for r in rows) + "][cardinality - 1]"
        sliders = ["cardinality"]
    else:
        widths = slider_grid(func, "bottleneck_width", 1, max_width, 1)
        on_slider_grid(func, "bottleneck_width", bottleneck_width, widths)
        params.append(slider_param(alt, "bottleneck_width", bottleneck_width, widths, "path width d"))
        rows = cardinality_rows(cards, widths, in_hw, channels)
        dataset = "resnext_block"
        current_filter = "datum.C == cardinality && datum.d == bottleneck_width"
        d_now = bottleneck_width
        width_expr = "bottleneck_width"
        sliders = ["cardinality", "bottleneck_width"]
    budget = _budget(channels)

    data = alt.Data(name=dataset)
    base = alt.Chart(data)
    x = alt.X(
        "C:Q",
        title="cardinality C (paths)",
        scale=alt.Scale(type="log", base=2, domain=[0.8, max_cardinality * 1.25]),
        axis=alt.Axis(values=[c for c in (1, 2, 4, 8, 16, 32, 64) if c <= max_cardinality], format="d"),
    )
    if matched:
        y = alt.Y("params:Q", title="parameters per block", scale=alt.Scale(domain=[0, round(1.5 * budget)]),
                  axis=alt.Axis(format="~s"))  # fmt: skip
        line = base.mark_line(color=theme.OKABE_ITO["sky_blue"], point=True).encode(
            x=x, y=y, tooltip=["C:Q", "d:Q", alt.Tooltip("params:Q", format=",")]
        )
    else:
        y = alt.Y("params:Q", title="parameters per block", scale=alt.Scale(type="log"),
                  axis=alt.Axis(format="~s"))  # fmt: skip
        line = (
            base.transform_filter("datum.d == bottleneck_width")
            .mark_line(color=theme.OKABE_ITO["sky_blue"])
            .encode(x=x, y=y)
        )
    table2 = base.transform_filter("isValid(datum.table2)")
    paper_points = table2.mark_point(size=70, filled=True, color=GREY).encode(
        x=x, y=y, tooltip=["table2:N", alt.Tooltip("params:Q", format=",")]
    )
    paper_labels = table2.mark_text(dy=-10, fontSize=11).encode(x=x, y=y, text="table2:N")
    current = base.transform_filter(current_filter)
    now = current.mark_point(size=160, filled=True, color=theme.OKABE_ITO["vermillion"]).encode(x=x, y=y)
    layers = [line, paper_points, paper_labels, now]
    if matched or max_width >= RESNEXT_BLOCK.resnet_width:
        layers.insert(0, alt.Chart(alt.Data(values=[{"params": budget}])).mark_rule(
            strokeDash=[4, 4], color=GREY
        ).encode(y=alt.Y("params:Q")))
    readout = readout_lines(
        alt,
        current.transform_calculate(
            line="0",
            text=(
                "'C = ' + datum.C + ' paths of width d = ' + datum.d + ' (block width ' + datum.width + '): '"
                " + format(datum.params, ',') + ' parameters'"
            ),
        ),
        2,
        460,
        "readout_params",
    )
    readout2 = readout_lines(
        alt,
        current.transform_calculate(
            line="1",
            text=(
                f"format(datum.macs, ',') + ' multiply-adds at {in_hw}×{in_hw}; '"
                " + format(datum.vs_resnet, '.2f')"
                " + '× the ResNet-50 bottleneck (1×64d)'"
            ),
        ),
        2,
        460,
        "readout_macs",
    )
    if matched:
        title = f"ResNeXt block ({channels}-d in and out, {in_hw}×{in_hw}), matched complexity: d follows C"
        subtitle = ["Blue: for each C, the d that keeps the ResNet-50 bottleneck's budget (dashed);",
                    "grey: the paper's Table 2; orange: the slider's block, drawn below."]  # fmt: skip
    else:
        title = f"ResNeXt block ({channels}-d in and out, {in_hw}×{in_hw}): cardinality vs width"
        subtitle = ("Grey: the paper's Table 2 (dashed: the ResNet-50 bottleneck, 1×64d), all about the same "
                    "budget; blue: this d at every C; orange: the sliders' block.")  # fmt: skip
    chart = alt.vconcat(
        alt.layer(readout, readout2),
        alt.layer(*layers).properties(width=460, height=240),
        _block_sketch(alt, max_cardinality, width_expr, channels),
        spacing=14,
    ).add_params(*params).properties(
        title=alt.Title(title, subtitle=subtitle),
        datasets={dataset: rows},
    )
    cost = ops.bottleneck_block_cost(in_hw, channels, cardinality * d_now, groups=cardinality,
                                     out_channels=channels)
    fallback = (
        f"ResNeXt block with C = {cardinality} paths of width d = {d_now}: {cost.params:,} "
        f"parameters and {cost.macs:,} multiply-adds; the paper's Table 2 keeps about 70k parameters "
        "with 1×64d, 2×40d, 4×24d, 8×14d and 32×4d."
    )
    alt_text = "Chart of ResNeXt block parameters against cardinality, with the paper's Table 2 points"
    if matched:
        alt_text += ", d following C at a matched budget"
    alt_text += ", and a sketch of the block's parallel paths"
    return static_figure(chart, alt_text, fallback, sliders)
