"""Kernel-free figure of the DenseNet chapter: a CIFAR DenseNet body against the growth rate k, the layers
per block, the bottleneck and the compression θ: parameters, multiply-adds, activation memory, channels."""

from __future__ import annotations

from typing import Any

from cnnviz.analysis import dense_blocks
from cnnviz.format import count, megabytes
from cnnviz.interact.static.base import (
    StaticFigure,
    on_slider_grid,
    readout_lines,
    slider_param,
    static_figure,
)
from cnnviz.models.lecture import DENSENET_EXAMPLE as EX
from cnnviz.render import theme

__all__ = ["GROWTH_RATES", "LAYERS", "COMPRESSIONS", "densenet_row", "densenet_rows", "densenet_readout",
           "densenet_figure"]  # fmt: skip

GROWTH_RATES = tuple(range(4, 49, 4))  # k
LAYERS = tuple(range(4, 49, 4))  # layers per dense block
COMPRESSIONS = tuple(range(25, 101, 25))  # θ in percent (the slider is an integer)
BYTES = 4  # float32


def densenet_row(k: int, layers: int, bottleneck: bool, compression: int) -> dict[str, Any]:
    """One slider setting: the three dense blocks and two transitions of the CIFAR body (2k channels into
    the first block, 32×32 maps), from :func:`cnnviz.analysis.dense_blocks.densenet_blocks_cost`, with its readout."""
    cost = dense_blocks.densenet_blocks_cost(
        2 * k, (layers,) * EX.blocks, k, EX.hw, bottleneck=bottleneck, compression=compression / 100
    )
    row = {
        "k": k, "layers": layers, "bottleneck": int(bottleneck), "compression": compression,
        "params": cost.params, "macs": cost.macs,
        "materialised_mb": round(cost.materialised_elements * BYTES / 1e6, 3),
        "leaf_mb": round(cost.leaf_elements * BYTES / 1e6, 3),
        "shared_mb": round(cost.shared_elements * BYTES / 1e6, 3),
        "channels": " → ".join(
            f"{b.out_channels}" + (f" (θ: {t.out_channels})" if t else "")
            for b, t in zip(cost.blocks, (*cost.transitions, None), strict=True)
        ),
    }  # fmt: skip
    row["text_network"], row["text_memory"], row["text_channels"] = densenet_readout(row, cost)
    return row


def densenet_readout(row: dict[str, Any], cost: dense_blocks.DenseNetBlocksCost) -> tuple[str, str, str]:
    """The figure's three readout lines for one setting, as the page writes them."""
    kind = "bottleneck" if row["bottleneck"] else "basic"
    return (
        f"k = {row['k']}, {row['layers']} {kind} layers per block, θ = {row['compression'] / 100:g}: "
        f"{count(cost.params)} parameters, {count(cost.macs)} multiply-adds",
        f"activations per image: {megabytes(cost.materialised_elements * BYTES)} every concatenation kept, "
        f"{megabytes(cost.leaf_elements * BYTES)} the ledger's layers, "
        f"{megabytes(cost.shared_elements * BYTES)} features stored once",
        f"channels out of each block: {row['channels']}",
    )


def densenet_rows() -> list[dict[str, Any]]:
    return [densenet_row(k, n, b, c) for k in GROWTH_RATES for n in LAYERS for b in (False, True)
            for c in COMPRESSIONS]  # fmt: skip


def densenet_figure(
    k: int = EX.growth_rate, layers: int = EX.layers, bottleneck: bool = EX.bottleneck,
    compression: int = round(EX.compression * 100),
) -> StaticFigure:  # fmt: skip
    """Activation memory of the CIFAR DenseNet body against the layers per block (materialised concatenations:
    quadratic; features stored once: linear), with sliders ``k`` (4 to 48), ``layers`` (4 to 48),
    ``bottleneck`` (0 or 1) and ``compression`` (θ in percent, 25 to 100). The readout gives parameters,
    multiply-adds, the three memory figures and the channels out of each block and transition."""
    import altair as alt

    func = "densenet_figure"
    on_slider_grid(func, "k", k, list(GROWTH_RATES))
    on_slider_grid(func, "layers", layers, list(LAYERS))
    if not isinstance(bottleneck, bool):
        raise ValueError(f"{func}: bottleneck must be True or False, got {bottleneck!r}")
    on_slider_grid(func, "compression", compression, list(COMPRESSIONS))
    params = [
        slider_param(alt, "k", k, list(GROWTH_RATES), "growth rate k"),
        slider_param(alt, "layers", layers, list(LAYERS), "layers per block"),
        slider_param(alt, "bottleneck", int(bottleneck), [0, 1], "bottleneck (1 = on)"),
        slider_param(alt, "compression", compression, list(COMPRESSIONS), "compression θ (%)"),
    ]
    rows = densenet_rows()
    base = alt.Chart(alt.Data(name="densenet_body"))
    same = base.transform_filter(
        "datum.k == k && datum.bottleneck == bottleneck && datum.compression == compression"
    )
    x = alt.X("layers:Q", title="layers per dense block", scale=alt.Scale(domain=[0, LAYERS[-1]]))
    y_title = "activation memory per image (MB, float32)"
    lines = []
    for field, colour, label in (("materialised_mb", "vermillion", "every concatenation kept"),
                                 ("leaf_mb", "sky_blue", "the ledger's layers"),
                                 ("shared_mb", "bluish_green", "features stored once")):  # fmt: skip
        lines.append(same.mark_line(color=theme.OKABE_ITO[colour], point=True).encode(
            x=x, y=alt.Y(f"{field}:Q", title=y_title),
            tooltip=["layers:Q", alt.Tooltip(f"{field}:Q", title=label)],
        ))
    current = base.transform_filter(
        "datum.k == k && datum.layers == layers && datum.bottleneck == bottleneck && datum.compression == compression"
    )
    now = current.mark_point(size=160, filled=True, color=theme.OKABE_ITO["vermillion"]).encode(
        x=x, y="materialised_mb:Q")
    readouts = [
        readout_lines(alt, current.transform_calculate(line=str(i), text=f"datum.{field}"), 3, 560, name)
        for i, (field, name) in enumerate((("text_network", "readout_network"), ("text_memory", "readout_memory"),
                                           ("text_channels", "readout_channels")))
    ]  # fmt: skip
    chart = alt.vconcat(
        alt.layer(*readouts),
        alt.layer(*lines, now).properties(width=480, height=240),
        spacing=12,
    ).add_params(*params).properties(
        title=alt.Title(
            "A CIFAR DenseNet body (three dense blocks, 32×32 input): what k, L, the bottleneck and θ cost",
            subtitle=["Orange: every concatenation kept (grows with L²); blue: the layers' outputs the ledger "
                      "lists; green: each feature map stored once (grows with L)."],
        ),  # fmt: skip
        datasets={"densenet_body": rows},
    )
    row = next(r for r in rows if (r["k"], r["layers"], r["bottleneck"], r["compression"])
               == (k, layers, int(bottleneck), compression))  # fmt: skip
    fallback = "; ".join((row["text_network"], row["text_memory"], row["text_channels"]))
    alt_text = "Line chart of a DenseNet body's activation memory against the layers per block, three accountings"
    return static_figure(chart, alt_text, fallback, ["k", "layers", "bottleneck", "compression"])
