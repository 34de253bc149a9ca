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

__all__ = ["cardinality_figure", "cardinality_rows"]

# --- c. ResNeXt: cardinality at a fixed budget ----------------------------------------------------


def cardinality_rows(
    cardinalities: Sequence[int],
    widths: Sequence[int],
    in_hw: int = RESNEXT_BLOCK.in_hw,
    channels: int = RESNEXT_BLOCK.channels,
) -> list[dict[str, Any]]:
    """One row per (C, d): the ResNeXt block (``channels`` in and out, C paths of width d) as a grouped
    bottleneck, convolution weights only, from :func:`cnnviz.analysis.ops.bottleneck_block_cost`."""
    budget = ops.bottleneck_block_cost(in_hw, channels, RESNEXT_BLOCK.resnet_width, out_channels=channels).params
    table2 = set(RESNEXT_TABLE2)
    rows = []
    for c in cardinalities:
        for d in widths:
            cost = ops.bottleneck_block_cost(in_hw, channels, c * d, groups=c, out_channels=channels)
            row = {"C": c, "d": d, "width": c * d, "params": cost.params, "macs": cost.macs,
                   "vs_resnet": round(cost.params / budget, 4)}
            if (c, d) in table2:
                row["table2"] = f"{c}×{d}d"
            rows.append(row)
    return rows


def cardinality_figure(
    cardinality: int = RESNEXT_BLOCK.cardinality,
    bottleneck_width: int = RESNEXT_BLOCK.bottleneck_width,
    *,
    max_cardinality: int = 32,
    max_width: int = 64,
    in_hw: int = RESNEXT_BLOCK.in_hw,
    channels: int = RESNEXT_BLOCK.channels,
) -> StaticFigure:
    """Parameters and multiply-adds of one ResNeXt block (conv2 stage: 256-d in and out, 56×56) vs C and d.

    Sliders: ``cardinality`` (C, 1 to ``max_cardinality``) and ``bottleneck_width`` (d, 1 to ``max_width``),
    the names of the ResNeXt builders' keyword arguments. The paper's Table 2 configurations (1×64d,
    2×40d, 4×24d, 8×14d, 32×4d) are marked: all near the ResNet-50 bottleneck's 69,632 parameters. Counts
    are convolution weights (batch norm not counted, as in the paper's "~70k"), from
    :func:`cnnviz.analysis.ops.bottleneck_block_cost` (the tests check them against the built block).
    """
    import altair as alt

    func = "cardinality_figure"
    cards = slider_grid(func, "cardinality", 1, max_cardinality, 1)
    widths = slider_grid(func, "bottleneck_width", 1, max_width, 1)
    on_slider_grid(func, "cardinality", cardinality, cards)
    on_slider_grid(func, "bottleneck_width", bottleneck_width, widths)
    params = [
        slider_param(alt, "cardinality", cardinality, cards, "cardinality C"),
        slider_param(alt, "bottleneck_width", bottleneck_width, widths, "path width d"),
    ]
    rows = cardinality_rows(cards, widths, in_hw, channels)
    resnet = (1, RESNEXT_BLOCK.resnet_width)
    budget = next(r["params"] for r in rows if (r["C"], r["d"]) == resnet) if max_width >= resnet[1] else None

    data = alt.Data(name="resnext_block")
    base = alt.Chart(data)
    x = alt.X(
        "C:Q",
        title="cardinality C (paths)",
        scale=alt.Scale(type="log", base=2, domain=[0.8, max_cardinality * 1.25]),
        axis=alt.Axis(values=[c for c in (1, 2, 4, 8, 16, 32, 64) if c <= max_cardinality], format="d"),
    )
    y = alt.Y("params:Q", title="parameters per block", scale=alt.Scale(type="log"),
              axis=alt.Axis(format="~s"))  # fmt: skip
    same_d = (
        base.transform_filter("datum.d == bottleneck_width")
        .mark_line(color=theme.OKABE_ITO["sky_blue"])
        .encode(x=x, y=y)
    )
    table2 = base.transform_filter("isValid(datum.table2)")
    paper_points = table2.mark_point(size=70, filled=True, color=GREY).encode(
        x=x, y=y, tooltip=["table2:N", alt.Tooltip("params:Q", format=",")]
    )
    paper_labels = table2.mark_text(dy=-10, fontSize=11).encode(x=x, y=y, text="table2:N")
    current = base.transform_filter("datum.C == cardinality && datum.d == bottleneck_width")
    now = current.mark_point(size=160, filled=True, color=theme.OKABE_ITO["vermillion"]).encode(x=x, y=y)
    layers = [same_d, paper_points, paper_labels, now]
    if budget is not None:
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
    chart = alt.vconcat(
        alt.layer(readout, readout2),
        alt.layer(*layers).properties(width=460, height=240),
        spacing=14,
    ).add_params(*params).properties(
        title=alt.Title(
            f"ResNeXt block ({channels}-d in and out, {in_hw}×{in_hw}): cardinality vs width",
            subtitle=(
                "Grey: the paper's Table 2 (dashed: the ResNet-50 bottleneck, 1×64d), all about the same "
                "budget; blue: this d at every C; orange: the sliders' block."
            ),
        ),
        datasets={"resnext_block": rows},
    )
    cost = ops.bottleneck_block_cost(in_hw, channels, cardinality * bottleneck_width, groups=cardinality,
                                     out_channels=channels)
    fallback = (
        f"ResNeXt block with C = {cardinality} paths of width d = {bottleneck_width}: {cost.params:,} "
        f"parameters and {cost.macs:,} multiply-adds; the paper's Table 2 keeps about 70k parameters "
        "with 1×64d, 2×40d, 4×24d, 8×14d and 32×4d."
    )
    alt_text = "Chart of ResNeXt block parameters against cardinality, with the paper's Table 2 points"
    return static_figure(chart, alt_text, fallback, ["cardinality", "bottleneck_width"])
