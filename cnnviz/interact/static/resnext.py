"""Kernel-free figures of the ResNeXt chapter: one block's cost against cardinality C and width d, and, for the
paper's templates, what that cost buys (the paper's ImageNet error).

Two explorers, both narrow enough for a phone's column (views :data:`PANEL_WIDTH` wide, readout lines of at
most :data:`READOUT_CHARS` characters):

- "matched complexity" (``matched=True``): a radio over Table 2's templates only (1×64d, 2×40d, 4×24d, 8×14d,
  32×4d); the block's convolution weights beside ResNeXt-50's ImageNet top-1 error for that template
  (:data:`cnnviz.analysis.claims.resnext.TABLE3_TOP1_ERROR`, Xie et al. 2017, Table 3);
- free: C and d sliders; the block's convolution weights for this d at every C, and Table 2's templates.

Below each chart, the block drawn to scale: one box per path and convolution (rows 1×1, 3×3, 1×1), each box
as wide as d channels, on the same scale as the bars of the block's input and output (``channels`` wide).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cnnviz.analysis import ops
from cnnviz.analysis.claims.resnext import TABLE3_TOP1_ERROR
from cnnviz.interact.static import readout
from cnnviz.interact.static.base import (
    GREY,
    PHONE_PANEL_WIDTH,
    PHONE_READOUT_CHARS,
    StaticFigure,
    on_slider_grid,
    slider_grid,
    slider_param,
    static_figure,
)
from cnnviz.interact.static.readout import Field, When, plural
from cnnviz.models.lecture import RESNEXT_BLOCK, RESNEXT_TABLE2
from cnnviz.render import theme
from cnnviz.validate import boolean

__all__ = [
    "TABLE3_CITE", "cardinality_figure", "cardinality_rows", "matched_rows",
    "readout_text",
]  # fmt: skip

PANEL_WIDTH = PHONE_PANEL_WIDTH  # every view, so that the figure fits a phone's column
READOUT_CHARS = PHONE_READOUT_CHARS
TABLE3_CITE = "Xie et al. 2017, Table 3"
TABLE3_DEPTH = 50  # Table 3's ResNeXt-50 rows: the networks built from the conv2 block these figures draw
NO_ERROR = "not a Table 2 template: no error reported"
# the readout's views, one per line (no trailing digits: altair renumbers those inside a concat)
READOUT_NAMES = ("readout_paths", "readout_weights", "readout_budget", "readout_macs", "readout_error")
GAP = 0.25  # the sketch's gap between two paths, as a share of d


# --- the numbers ------------------------------------------------------------------------------------


def _row(c: int, d: int, in_hw: int, channels: int, budget: int) -> dict[str, Any]:
    cost = ops.bottleneck_block_cost(in_hw, channels, c * d, groups=c, out_channels=channels)
    row = {"C": c, "d": d, "width": c * d, "weights": cost.params, "macs": cost.macs,
           "vs_resnet": round(cost.params / budget, 4)}  # fmt: skip
    if (c, d) in set(RESNEXT_TABLE2):
        row["table2"] = f"{c}×{d}d"
        row["top1"] = TABLE3_TOP1_ERROR[(TABLE3_DEPTH, c, d)]
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
    bottleneck. ``weights`` counts its convolution weights only (batch norm not counted, the paper's "~70k"
    convention), from :func:`cnnviz.analysis.ops.bottleneck_block_cost`; ``macs`` its multiply-adds at
    ``in_hw``; ``vs_resnet`` the weights over the ResNet-50 bottleneck's (1×64d). Table 2's templates also
    carry ``table2`` ("32×4d") and ``top1``, ResNeXt-50's ImageNet top-1 error (%) in the paper's Table 3."""
    budget = _budget(channels)
    return [_row(c, d, in_hw, channels, budget) for c in cardinalities for d in widths]


def matched_rows(
    cardinalities: Sequence[int] = tuple(c for c, _ in RESNEXT_TABLE2),
    in_hw: int = RESNEXT_BLOCK.in_hw,
    channels: int = RESNEXT_BLOCK.channels,
) -> list[dict[str, Any]]:
    """One row per C in "matched complexity" mode: d follows C
    (:func:`cnnviz.analysis.ops.matched_cardinality_width`, the budget of the ResNet-50 bottleneck 1×64d),
    with the same fields as :func:`cardinality_rows`. By default Table 2's cardinalities, where the d found
    is the paper's."""
    budget = _budget(channels)
    return [
        _row(
            c, ops.matched_cardinality_width(c, channels, RESNEXT_BLOCK.resnet_width), in_hw, channels, budget
        )
        for c in cardinalities
    ]


# --- the readout: one spec, rendered in Python (tests, fallback) and as Vega expressions ------------------


def _line_parts(in_hw: int) -> tuple[tuple[Any, ...], ...]:
    return (
        ("C = ", Field("C"), plural("C", " path", " paths"), " of width d = ", Field("d"),
         " (C·d = ", Field("width"), ")"),
        (Field("weights", ","), " convolution weights per block"),
        (Field("vs_resnet", ".2f"), "× the ResNet-50 bottleneck (1×64d)"),
        (Field("macs", ","), f" multiply-adds at {in_hw}×{in_hw}"),
        # the paper's error, one decimal as in the paper, where the row is a Table 2 template
        (When(lambda row: "top1" in row, "isValid(datum.top1)",
              ("ResNeXt-50 top-1 error: ", Field("top1", ".1f"), "% (Table 3)"), (NO_ERROR,)),),
    )  # fmt: skip


def readout_text(row: dict[str, Any], in_hw: int = RESNEXT_BLOCK.in_hw) -> list[str]:
    """The readout lines the figures show for ``row`` (one of :func:`cardinality_rows`), as text."""
    return [readout.text(parts, row) for parts in _line_parts(in_hw)]


def _readout(alt: Any, current: Any, in_hw: int) -> Any:
    exprs = [readout.expr(parts) for parts in _line_parts(in_hw)]
    return readout.layer(alt, current, exprs, PANEL_WIDTH, READOUT_NAMES)


# --- the block, to scale ----------------------------------------------------------------------------


def _block_sketch(alt: Any, d_expr: str, c_expr: str, max_cardinality: int, channels: int) -> Any:
    """The block of the controls, drawn kernel-free and to scale: the input bar (``channels`` wide), C columns
    (one per path; each box d channels wide; rows 1×1, 3×3, 1×1), the bar of their sum. The scale follows the
    controls: the wider of the input and the paths (with gaps of :data:`GAP`·d) fills the view."""
    label_px = 34
    span = f"max({channels}, ({d_expr}) * ({c_expr}) + {GAP} * ({d_expr}) * (({c_expr}) - 1))"
    x = alt.X(
        "x0:Q",
        axis=None,
        scale=alt.Scale(
            domain={"expr": f"[-({span}) * {label_px} / {PANEL_WIDTH - label_px}, {span}]"},
            nice=False,
            zero=False,
        ),
    )
    paths = (
        alt.Chart(alt.sequence(0, max_cardinality, as_="path"))
        .transform_filter(f"datum.path < {c_expr}")
        .transform_calculate(D=d_expr)
        .transform_calculate(x0=f"datum.path * datum.D * {1 + GAP}", x1=f"datum.path * datum.D * {1 + GAP} + datum.D")
    )  # fmt: skip
    layers = []
    rows = ((40, "1×1"), (64, "3×3"), (88, "1×1"))
    for top, label in rows:
        layers.append(paths.mark_rect(color=theme.OKABE_ITO["sky_blue"]).encode(
            x=x, x2="x1:Q", y=alt.value(top), y2=alt.value(top + 18),
            tooltip=[alt.Tooltip("path:Q", title="path"), alt.Tooltip("D:Q", title=f"{label}: width d")],
        ))  # fmt: skip
    row_labels = (
        alt.Chart(alt.Data(values=[{"y": top + 9, "text": label} for top, label in rows]))
        .mark_text(align="left", baseline="middle", fontSize=12)
        .encode(x=alt.value(0), y=alt.Y("y:Q", scale=None), text="text:N")
    )
    bars = alt.Chart(
        alt.Data(values=[{"x0": 0, "x1": channels, "y": 20}, {"x0": 0, "x1": channels, "y": 112}])
    )
    ends = (
        bars.mark_rect(color=GREY)
        .encode(x=x, x2="x1:Q", y=alt.Y("y:Q", scale=None), y2="y2:Q")
        .transform_calculate(y2="datum.y + 12")
    )
    ends_text = alt.Chart(alt.Data(values=[
        {"y": 9, "text": f"input: {channels} channels, to every path"},
        {"y": 137, "text": f"sum of the paths ({channels}) + input, ReLU"},
    ])).mark_text(align="left", baseline="middle", fontSize=12).encode(
        x=alt.value(0), y=alt.Y("y:Q", scale=None), text="text:N")  # fmt: skip
    title = alt.Title(
        "The block, to scale",
        subtitle=["each box: one path, d channels wide;", f"grey bars: the {channels} channels in and out"],
    )
    return alt.layer(*layers, row_labels, ends, ends_text).properties(
        width=PANEL_WIDTH, height=146, name="block_sketch", title=title
    )


# --- the figure -------------------------------------------------------------------------------------


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
    """The convolution weights and multiply-adds of one ResNeXt block (conv2 stage: 256-d in and out, 56×56)
    against C and d, with the block drawn to scale below.

    Free (default): sliders ``cardinality`` (C, 1 to ``max_cardinality``) and ``bottleneck_width`` (d, 1 to
    ``max_width``), the names of the ResNeXt builders' keyword arguments; the chart shows the block's weights
    at this d for every C, and the paper's Table 2 templates (1×64d, 2×40d, 4×24d, 8×14d, 32×4d), all near the
    ResNet-50 bottleneck's 69,632 weights.

    ``matched=True`` ("matched complexity"): one control, ``cardinality``, over Table 2's templates only,
    d the one of :func:`cnnviz.analysis.ops.matched_cardinality_width` (the paper's; ``bottleneck_width``
    and the maxima are then ignored). Two panels: what the template costs (its weights, at the budget) and
    what it buys, ResNeXt-50's ImageNet top-1 error in the paper's Table 3.

    Counts are convolution weights (batch norm not counted, as in the paper's "~70k"), from
    :func:`cnnviz.analysis.ops.bottleneck_block_cost` (the tests check them against the built block).
    """
    import altair as alt

    func = "cardinality_figure"
    boolean(func, "matched", matched)
    budget = _budget(channels)
    if matched:
        cards = [c for c, _ in RESNEXT_TABLE2]
        if cardinality not in cards or isinstance(cardinality, bool):
            raise ValueError(f"{func}: cardinality={cardinality!r} is not one of Table 2's templates; valid: "
                             f"{', '.join(map(str, cards))}")  # fmt: skip
        rows = matched_rows(cards, in_hw, channels)
        params = [alt.param(name="cardinality", value=cardinality, bind=alt.binding_radio(
            options=cards, labels=[r["table2"] for r in rows], name="template C×d "))]  # fmt: skip
        dataset = "resnext_matched"
        current_filter = "datum.C == cardinality"
        d_expr = (
            "[" + ",".join(str(r["d"]) for r in rows) + "][indexof([" + ",".join(map(str, cards)) + "], "
            "toNumber(cardinality))]"
        )
        sliders = ["cardinality"]
    else:
        cards = slider_grid(func, "cardinality", 1, max_cardinality, 1)
        on_slider_grid(func, "cardinality", cardinality, cards)
        widths = slider_grid(func, "bottleneck_width", 1, max_width, 1)
        on_slider_grid(func, "bottleneck_width", bottleneck_width, widths)
        params = [slider_param(alt, "cardinality", cardinality, cards, "cardinality C"),
                  slider_param(alt, "bottleneck_width", bottleneck_width, widths, "path width d")]  # fmt: skip
        rows = cardinality_rows(cards, widths, in_hw, channels)
        dataset = "resnext_block"
        current_filter = "datum.C == cardinality && datum.d == bottleneck_width"
        d_expr = "toNumber(bottleneck_width)"
        sliders = ["cardinality", "bottleneck_width"]
    (now_row,) = [r for r in rows if r["C"] == cardinality and (matched or r["d"] == bottleneck_width)]

    base = alt.Chart(alt.Data(name=dataset))
    current = base.transform_filter(current_filter)
    x = alt.X(
        "C:Q",
        title="cardinality C (paths)",
        scale=alt.Scale(type="log", base=2, domain=[0.6, max(cards) * 1.6]),
        axis=alt.Axis(values=[c for c in (1, 2, 4, 8, 16, 32, 64, 128) if c <= max(cards)], format="d"),
    )
    budget_rule = alt.Chart(alt.Data(values=[{"weights": budget}])).mark_rule(strokeDash=[4, 4], color=GREY).encode(
        y=alt.Y("weights:Q"))  # fmt: skip
    weights_tip = [
        alt.Tooltip("C:Q"),
        alt.Tooltip("d:Q"),
        alt.Tooltip("weights:Q", format=",", title="convolution weights"),
    ]
    vermillion, blue = theme.OKABE_ITO["vermillion"], theme.OKABE_ITO["sky_blue"]
    if matched:
        y = alt.Y("weights:Q", title=None, scale=alt.Scale(domain=[0, round(1.5 * budget)]),
                  axis=alt.Axis(format="~s", tickCount=4))  # fmt: skip
        cost = alt.layer(
            budget_rule,
            base.mark_line(color=blue, point=True).encode(x=x, y=y, tooltip=weights_tip),
            base.mark_text(dy=-11, fontSize=11).encode(x=x, y=y, text="table2:N"),
            current.mark_point(size=160, filled=True, color=vermillion, opacity=1).encode(x=x, y=y),
        ).properties(width=PANEL_WIDTH, height=150, title=alt.Title(
            "Cost: the block's convolution weights", subtitle=["blue: each template; dashed: the ResNet-50",
                                                               "bottleneck (1×64d), the budget"]))  # fmt: skip
        errors = [r["top1"] for r in rows]
        e = alt.Y(
            "top1:Q",
            title=None,
            axis=alt.Axis(tickCount=4, format=".1f"),
            scale=alt.Scale(domain=[round(min(errors) - 0.6), round(max(errors) + 0.6)], zero=False),
        )
        error_tip = [
            alt.Tooltip("table2:N", title="template"),
            alt.Tooltip("top1:Q", title="top-1 error (%)"),
        ]
        buys = alt.layer(
            base.mark_line(color=GREY, point=True).encode(x=x, y=e, tooltip=error_tip),
            base.mark_text(dy=-11, fontSize=11).encode(x=x, y=e, text=alt.Text("top1:Q", format=".1f")),
            current.mark_point(size=160, filled=True, color=vermillion, opacity=1).encode(x=x, y=e),
        ).properties(width=PANEL_WIDTH, height=130, title=alt.Title(
            "Buys: ResNeXt-50's top-1 error (%)",
            subtitle=["ImageNet-1K val, 224×224 single crop;", f"{TABLE3_CITE}"]))  # fmt: skip
        panels = [cost, buys]
        title = ["ResNeXt block at a matched budget", f"({channels}-d in and out, {in_hw}×{in_hw})"]
        subtitle = ["Pick one of the paper's templates (Table 2):",
                    "d follows C. Orange: the chosen template."]  # fmt: skip
    else:
        y = alt.Y("weights:Q", title=None, scale=alt.Scale(type="log"), axis=alt.Axis(format="~s"))
        table2 = base.transform_filter("isValid(datum.table2)")
        layers = [
            base.transform_filter("datum.d == bottleneck_width").mark_line(color=blue).encode(
                x=x, y=y, tooltip=weights_tip),
            table2.mark_point(size=60, filled=True, color=GREY, opacity=1).encode(x=x, y=y, tooltip=weights_tip),
            table2.mark_text(dy=-10, fontSize=11).encode(x=x, y=y, text="table2:N"),
            current.mark_point(size=160, filled=True, color=vermillion, opacity=1).encode(x=x, y=y),
        ]  # fmt: skip
        if max_width >= RESNEXT_BLOCK.resnet_width:
            layers.insert(0, budget_rule)
        panels = [alt.layer(*layers).properties(width=PANEL_WIDTH, height=220, title=alt.Title(
            "The block's convolution weights", subtitle="log scale"))]  # fmt: skip
        title = ["ResNeXt block: cardinality and width", f"({channels}-d in and out, {in_hw}×{in_hw})"]
        subtitle = ["Blue: the block's convolution weights at this",
                    "d, for every C. Grey: the paper's Table 2",
                    "templates; dashed: the ResNet-50 bottleneck",
                    "(1×64d). Orange: the sliders' block."]  # fmt: skip
    chart = (
        alt.vconcat(
            _readout(alt, current, in_hw),
            *panels,
            _block_sketch(alt, d_expr, "toNumber(cardinality)", max(cards), channels),
            spacing=16,
        )
        .add_params(*params)
        .properties(title=alt.Title(title, subtitle=subtitle), datasets={dataset: rows})
    )
    lines = readout_text(now_row, in_hw)
    fallback = (
        "; ".join(lines) + ". The paper's Table 2 keeps about the budget of the ResNet-50 bottleneck with "
    )
    fallback += ", ".join(f"{c}×{d}d" for c, d in RESNEXT_TABLE2) + "."
    if matched:
        alt_text = (
            "Chart of a ResNeXt block's convolution weights for the paper's five matched templates, beside "
            f"ResNeXt-50's ImageNet top-1 error for each ({TABLE3_CITE})"
        )
    else:
        alt_text = (
            "Chart of ResNeXt block convolution weights against cardinality, with the paper's Table 2 points"
        )
    alt_text += ", and the block's parallel paths drawn to scale"
    return static_figure(chart, alt_text, fallback, sliders)
