"""Kernel-free figure of the Network in Network chapter: an mlpconv block's micro-network, deeper or wider.

The block is a k×k convolution followed by ``cccp_layers`` 1×1 convolutions of ``cccp_width`` filters each
(the names are the Caffe model's "cccp" layers). The default is the CIFAR NiN's second block
(:data:`cnnviz.models.nin.CIFAR_BLOCKS`): 96 channels in at 16×16, a 5×5 convolution with 192 filters, two
1×1 convolutions of 192.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cnnviz.analysis.ops import mlpconv_cost
from cnnviz.interact.static.base import (
    GREY,
    StaticFigure,
    on_slider_grid,
    readout_lines,
    slider_grid,
    slider_param,
    static_figure,
)
from cnnviz.models.lecture import MLPCONV_EXAMPLE, MlpconvExample
from cnnviz.render import theme

__all__ = ["mlpconv_figure", "mlpconv_rows"]


def mlpconv_rows(
    layer_counts: Sequence[int], widths: Sequence[int], example: MlpconvExample = MLPCONV_EXAMPLE
) -> list[dict[str, Any]]:
    """One row per (number of 1×1 layers, their width): parameters, multiply-adds, the 1×1 layers' share
    of the multiply-adds and the cost against the k×k convolution alone (as text, formatted here)."""
    fixed = {"in_channels": example.in_channels, "hw": example.hw, "kernel": example.kernel,
             "conv_filters": example.conv_filters}  # fmt: skip
    alone = mlpconv_cost(0, 1, **fixed)
    rows = []
    for n in layer_counts:
        for w in widths:
            cost = mlpconv_cost(n, w, **fixed)
            rows.append({
                "layers": n, "width": w, "depth": n + 1, "out": cost.out_channels, "params": cost.params,
                "macs": cost.macs, "share": f"{cost.cccp_macs / cost.macs:.1%}",
                "vs_conv": f"{cost.macs / alone.macs:.2f}",
            })  # fmt: skip
    return rows


def mlpconv_figure(
    cccp_layers: int = MLPCONV_EXAMPLE.cccp_layers,
    cccp_width: int = MLPCONV_EXAMPLE.cccp_width,
    *,
    max_layers: int = 4,
    max_width: int = 384,
    width_step: int = 16,
    example: MlpconvExample = MLPCONV_EXAMPLE,
) -> StaticFigure:
    """Multiply-adds of one mlpconv block against the number of its 1×1 layers, for the chosen width.

    Sliders: ``cccp_layers`` (0 to ``max_layers``; 0 is a plain k×k convolution) and ``cccp_width``
    (``width_step`` to ``max_width``). The readout gives the block's parameters, multiply-adds, weight layers
    per filter, output depth and the 1×1 layers' share of the work. Counts include biases, as in the zoo's
    :class:`cnnviz.models.nin.Mlpconv` (the tests check them against the built block).
    """
    import altair as alt

    func = "mlpconv_figure"
    counts = list(range(0, slider_grid(func, "cccp_layers", 1, max_layers, 1)[-1] + 1))
    widths = slider_grid(func, "cccp_width", width_step, max_width, width_step)
    on_slider_grid(func, "cccp_layers", cccp_layers, counts)
    on_slider_grid(func, "cccp_width", cccp_width, widths)
    params = [
        slider_param(alt, "cccp_layers", cccp_layers, counts, "1×1 layers"),
        slider_param(alt, "cccp_width", cccp_width, widths, "1×1 width"),
    ]
    rows = mlpconv_rows(counts, widths, example)
    k, c, hw = example.kernel, example.conv_filters, example.hw

    base = alt.Chart(alt.Data(name="mlpconv_block"))
    x = alt.X("layers:O", title="1×1 layers after the k×k convolution", axis=alt.Axis(labelAngle=0))
    y = alt.Y("macs:Q", title="multiply-adds per image", axis=alt.Axis(format="~s"))
    zoo = base.transform_filter(f"datum.width == {example.cccp_width}").mark_line(
        strokeDash=[4, 4], color=GREY
    ).encode(x=x, y=y)
    same_width = base.transform_filter("datum.width == cccp_width")
    line = same_width.mark_line(point=True, color=theme.OKABE_ITO["sky_blue"]).encode(
        x=x, y=y, tooltip=[alt.Tooltip("params:Q", format=","), alt.Tooltip("macs:Q", format=",")]
    )
    current = base.transform_filter("datum.layers == cccp_layers && datum.width == cccp_width")
    now = current.mark_point(size=160, filled=True, color=theme.OKABE_ITO["vermillion"]).encode(x=x, y=y)
    lines = (
        ("readout_cost", f"'{k}×{k} conv, {c} + ' + datum.layers + ' × 1×1 conv, ' + datum.width + ': '"
                         " + format(datum.params, ',') + ' parameters'"),
        ("readout_macs", "format(datum.macs, ',') + ' multiply-adds, ' + datum.vs_conv + '× the plain conv; '"
                         " + '1×1 layers: ' + datum.share"),
        ("readout_depth", "'weight layers per filter: ' + datum.depth + ', output depth ' + datum.out"),
    )
    readouts = [
        readout_lines(alt, current.transform_calculate(line=str(i), text=text), len(lines), 480, name)
        for i, (name, text) in enumerate(lines)
    ]
    chart = alt.vconcat(
        alt.layer(*readouts),
        alt.layer(zoo, line, now).properties(width=480, height=240),
        spacing=14,
    ).add_params(*params).properties(
        title=alt.Title(
            f"mlpconv block ({example.in_channels} channels in, {hw}×{hw}): a deeper or wider micro-network",
            subtitle=(
                f"Blue: this width at every depth; dashed grey: the zoo's width {example.cccp_width}; "
                "orange: the sliders' block."
            ),
        ),
        datasets={"mlpconv_block": rows},
    )
    cost = mlpconv_cost(cccp_layers, cccp_width, in_channels=example.in_channels, hw=hw, kernel=k, conv_filters=c)
    fallback = (
        f"mlpconv block: {k}×{k} conv with {c} filters then {cccp_layers} 1×1 convolutions of {cccp_width}: "
        f"{cost.params:,} parameters and {cost.macs:,} multiply-adds on a {hw}×{hw}×{example.in_channels} input."
    )
    alt_text = "Chart of an mlpconv block's multiply-adds against the number of its 1×1 layers, with sliders"
    return static_figure(chart, alt_text, fallback, ["cccp_layers", "cccp_width"])
