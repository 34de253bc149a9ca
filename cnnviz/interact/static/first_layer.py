"""A network's first convolution, explored: filter size and stride against output size, parameters, memory
and multiply-adds (the AlexNet and ZFNet chapters' kernel-free figure).

The first layer's settings are read from the zoo's own network (built on the meta device: shapes only), so
the figure starts at the paper's choice; every slider position is counted by
:func:`cnnviz.analysis.ops.conv_cost` with the network's padding, input size and number of filters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cnnviz.analysis.ops import ConvCost, conv_cost
from cnnviz.format import si_count
from cnnviz.interact.static.base import (
    GREY,
    StaticFigure,
    on_slider_grid,
    readout_lines,
    slider_grid,
    slider_param,
    static_figure,
)
from cnnviz.render import theme

__all__ = ["FirstLayer", "first_layer", "first_layer_cost", "first_layer_figure", "first_layer_rows"]

KERNELS = (3, 5, 7, 9, 11)  # the filter sizes the sliders offer (odd, up to AlexNet's 11)
STRIDES = (1, 2, 3, 4)
BYTES_PER_VALUE = 4  # float32


@dataclass(frozen=True)
class FirstLayer:
    """A network's first convolution as the zoo builds it."""

    model: str  # registry name
    label: str  # "AlexNet"
    in_hw: int
    in_channels: int
    filters: int
    kernel: int
    stride: int
    padding: int


def first_layer(model: str, label: str = "") -> FirstLayer:
    """The first convolution of registry network ``model`` (its ``features.conv1``), with its input size."""
    from torch import nn

    from cnnviz import models
    from cnnviz.analysis.resolve import build

    net = build(model, meta=True)
    conv = next((m for m in net.modules() if isinstance(m, nn.Conv2d)), None)
    if conv is None:
        raise ValueError(f"first_layer: {model!r} has no convolution")
    size = models.info(model).input_size
    return FirstLayer(
        model=model, label=label or models.info(model).family, in_hw=size[1], in_channels=conv.in_channels,
        filters=conv.out_channels, kernel=conv.kernel_size[0], stride=conv.stride[0], padding=conv.padding[0],
    )  # fmt: skip


def first_layer_cost(layer: FirstLayer, kernel: int | None = None, stride: int | None = None) -> ConvCost:
    """The cost of ``layer`` with another filter size and stride (default: its own), biases included."""
    return conv_cost(layer.in_hw, layer.in_channels, layer.filters, kernel or layer.kernel,
                     stride or layer.stride, layer.padding, bias=True)  # fmt: skip


def _values(cost: ConvCost) -> int:
    return cost.out_hw[0] * cost.out_hw[1] * cost.out_channels


def first_layer_rows(
    layer: FirstLayer, kernels: Sequence[int] = KERNELS, strides: Sequence[int] = STRIDES
) -> list[dict[str, Any]]:
    """One row per (filter size, stride): output side, output values per image (memory), MB in float32,
    parameters and multiply-adds, and the readout's text (formatted here, not in the browser)."""
    rows = []
    for k in kernels:
        for s in strides:
            cost = first_layer_cost(layer, k, s)
            values = _values(cost)
            rows.append({
                "kernel": k, "stride": s, "out": cost.out_hw[0], "values": values, "params": cost.params,
                "macs": cost.macs,
                "line1": (f"output {cost.out_hw[0]}×{cost.out_hw[1]}×{cost.out_channels} = {values:,} values per "
                          f"image ({values * BYTES_PER_VALUE / 1e6:.2f} MB in float32)"),
                "line2": f"{cost.params:,} parameters, {cost.macs:,} multiply-adds",
            })  # fmt: skip
    return rows


def _summary(layer: FirstLayer) -> str:
    cost = first_layer_cost(layer)
    return (
        f"{layer.label}: {layer.kernel}×{layer.kernel}/{layer.stride} on {layer.in_hw}×{layer.in_hw} → "
        f"{cost.out_hw[0]}×{cost.out_hw[1]}×{layer.filters}, {cost.params:,} parameters, "
        f"{si_count(cost.macs)} multiply-adds"
    )


def first_layer_figure(
    layer: FirstLayer,
    kernel: int | None = None,
    stride: int | None = None,
    *,
    compare: Sequence[FirstLayer] = (),
) -> StaticFigure:
    """Two sliders, ``kernel`` (3 to 11) and ``stride`` (1 to 4), on ``layer``'s input: a readout of the output
    volume, parameters and multiply-adds, and both counts against the stride for the chosen filter size
    (the network's own filter size dashed). ``compare`` adds a readout line per other network's conv1 at
    its own input (e.g. AlexNet's 11×11/4 beside ZFNet's 7×7/2)."""
    import altair as alt

    func = "first_layer_figure"
    kernel = layer.kernel if kernel is None else kernel
    stride = layer.stride if stride is None else stride
    on_slider_grid(func, "kernel", kernel, list(KERNELS))
    on_slider_grid(func, "stride", stride, list(STRIDES))
    slider_grid(func, "kernel", KERNELS[0], KERNELS[-1], 2)
    params = [
        slider_param(alt, "kernel", kernel, list(KERNELS), "filter size F"),
        slider_param(alt, "stride", stride, list(STRIDES), "stride S"),
    ]
    base = alt.Chart(alt.Data(name=f"first_layer_{layer.model}"))
    current = base.transform_filter("datum.kernel == kernel && datum.stride == stride")
    x = alt.X("stride:O", title="stride S", axis=alt.Axis(labelAngle=0))

    def panel(field: str, title: str) -> alt.LayerChart:
        y = alt.Y(f"{field}:Q", title=title, axis=alt.Axis(format="~s"))
        own = base.transform_filter(f"datum.kernel == {layer.kernel}").mark_line(
            strokeDash=[4, 4], color=GREY).encode(x=x, y=y)  # fmt: skip
        line = base.transform_filter("datum.kernel == kernel").mark_line(
            point=True, color=theme.OKABE_ITO["blue"]).encode(
            x=x, y=y, tooltip=["kernel:O", "stride:O", alt.Tooltip(f"{field}:Q", format=",")])  # fmt: skip
        now = current.mark_point(size=160, filled=True, color=theme.OKABE_ITO["vermillion"]).encode(x=x, y=y)
        return alt.layer(own, line, now).properties(width=250, height=180)

    lines = [
        ("readout_layer", "'conv1: ' + datum.kernel + '×' + datum.kernel + ' filters at stride ' + datum.stride"
                          f" + ', padding {layer.padding}, on {layer.in_hw}×{layer.in_hw}×{layer.in_channels}'"),
        ("readout_output", "datum.line1"),
        ("readout_cost", "datum.line2"),
    ]
    n_lines = len(lines) + len(compare)
    readouts = [
        readout_lines(alt, current.transform_calculate(line=str(i), text=text), n_lines, 520, name)
        for i, (name, text) in enumerate(lines)
    ]
    for j, other in enumerate(compare):
        text = _summary(other)
        readouts.append(readout_lines(
            alt, current.transform_calculate(line=str(len(lines) + j), text=repr(text)), n_lines, 520,
            f"readout_{other.model}"))  # fmt: skip
    chart = alt.vconcat(
        alt.layer(*readouts),
        alt.hconcat(panel("values", "output values per image (memory)"), panel("macs", "multiply-adds")),
        spacing=14,
    ).add_params(*params).properties(
        title=alt.Title(
            f"{layer.label}'s first layer: filter size and stride",
            subtitle=f"Blue: the chosen filter size; dashed: {layer.kernel}×{layer.kernel}; orange: the sliders.",
        ),
        datasets={f"first_layer_{layer.model}": first_layer_rows(layer)},
    )
    cost = first_layer_cost(layer, kernel, stride)
    fallback = (
        f"{layer.label}'s conv1 with {kernel}×{kernel} filters at stride {stride}: output {cost.out_hw[0]}×"
        f"{cost.out_hw[1]}×{layer.filters}, {cost.params:,} parameters, {cost.macs:,} multiply-adds."
    )
    alt_text = (f"Readout and two line charts of {layer.label}'s first convolution: output values and "
                "multiply-adds against the stride, with sliders for the filter size and the stride")
    return static_figure(chart, alt_text, fallback, ["kernel", "stride"])
