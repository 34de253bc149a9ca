"""Live widget of the AlexNet and ZFNet chapters: a network's first convolution with another filter size,
stride or number of filters, counted beside the paper's own (needs a kernel; the page has the kernel-free
figure of :mod:`cnnviz.interact.static.first_layer`).

Thin like the others in :mod:`cnnviz.interact.widgets`: :func:`render_first_layer` computes a
:class:`~cnnviz.interact.widgets.View` from plain arguments, :func:`first_layer_widget` only wires sliders.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from cnnviz.interact.static.first_layer import (
    BYTES_PER_VALUE,
    KERNELS,
    STRIDES,
    first_layer,
    first_layer_cost,
)
from cnnviz.interact.widgets import View, _slider, _wire
from cnnviz.validate import one_of, positive_int

if TYPE_CHECKING:
    import ipywidgets

__all__ = ["render_first_layer", "first_layer_widget"]


def render_first_layer(model: str = "alexnet", kernel: int = 11, stride: int = 4, filters: int = 96) -> View:
    """conv1 of ``model`` (a registry name, e.g. "alexnet" or "zfnet") with ``kernel``×``kernel`` filters at
    ``stride`` and ``filters`` filters, beside the network's own conv1: output volume, values per image,
    parameters and multiply-adds."""
    func = "render_first_layer"
    positive_int(func, "kernel", kernel)
    positive_int(func, "stride", stride)
    positive_int(func, "filters", filters)
    own = first_layer(model)
    try:
        chosen = first_layer_cost(replace(own, filters=filters), kernel, stride)
    except ValueError as error:
        return View(f"{model} conv1", (), (), {}, error=f"Not a valid setting: {error}")
    paper = first_layer_cost(own)
    header = ("conv1", "output", "values per image", "MB (float32)", "parameters", "multiply-adds")

    def row(label: str, cost) -> tuple[object, ...]:
        values = cost.out_hw[0] * cost.out_hw[1] * cost.out_channels
        return (label, f"{cost.out_hw[0]}×{cost.out_hw[1]}×{cost.out_channels}", values,
                f"{values * BYTES_PER_VALUE / 1e6:.2f}", cost.params, cost.macs)  # fmt: skip

    rows = (
        row(f"chosen: {filters} of {kernel}×{kernel}, stride {stride}", chosen),
        row(f"paper: {own.filters} of {own.kernel}×{own.kernel}, stride {own.stride}", paper),
    )
    numbers = {"out": chosen.out_hw[0], "params": chosen.params, "macs": chosen.macs,
               "values": chosen.out_hw[0] * chosen.out_hw[1] * chosen.out_channels}  # fmt: skip
    note = f"Input {own.in_hw}×{own.in_hw}×{own.in_channels}, padding {own.padding} (as in the zoo's {model})."
    return View(f"{model}: the first convolution", header, rows, numbers, note)


def first_layer_widget(model: str = "alexnet") -> ipywidgets.VBox:
    """Sliders for conv1's filter size, stride and number of filters, starting at ``model``'s own, wired to
    :func:`render_first_layer`."""
    one_of("first_layer_widget", "model", model, ("alexnet", "zfnet"))
    own = first_layer(model)
    controls = {
        "kernel": _slider("kernel", own.kernel, KERNELS[0], KERNELS[-1], 2, "filter size F"),
        "stride": _slider("stride", own.stride, STRIDES[0], STRIDES[-1], 1, "stride S"),
        "filters": _slider("filters", own.filters, 16, 256, 16, "filters"),
    }
    return _wire(render_first_layer, controls, {"model": model})
