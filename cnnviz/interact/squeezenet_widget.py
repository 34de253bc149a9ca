"""Live explorer of the SqueezeNet chapter: the paper's design space (squeeze ratio SR, share of 3×3 filters)
on the zoo's network, counted by the ledger. Thin like :mod:`cnnviz.interact.widgets`: :func:`render_squeezenet`
computes a :class:`~cnnviz.interact.widgets.View`, :func:`squeezenet_widget` only wires sliders to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnnviz.interact.widgets import View, _slider, _wire

if TYPE_CHECKING:
    import ipywidgets

__all__ = ["render_squeezenet", "squeezenet_widget"]


def render_squeezenet(
    sr_percent: int = 12, pct3x3: int = 50, version: str = "1_0", *, diagram: bool = False
) -> View:
    """Build SqueezeNet ``version`` with squeeze ratio ``sr_percent``/100 and ``pct3x3`` percent 3×3 expand
    filters (on the meta device: shapes only), count it with the ledger: one row per Fire module, the
    totals, and the model size at 32, 8 and 6 bits against AlexNet's float32. ``diagram`` adds the Fire
    module diagram of fire2. An invalid setting gives a View whose ``error`` says why. (SR = 0.125 is
    SqueezeNet itself; the slider's 12% rounds each squeeze layer to the same whole filter counts.)"""
    import torch

    from cnnviz.analysis.fire_modules import PRECISIONS, model_bytes
    from cnnviz.analysis.ledger import ledger
    from cnnviz.format import megabytes
    from cnnviz.models.squeezenet import Fire, squeezenet

    sr = 0.125 if sr_percent == 12 else sr_percent / 100
    title = f"SqueezeNet {version.replace('_', '.')} with SR = {sr:g} and {pct3x3}% 3×3 expand filters"
    try:
        if isinstance(pct3x3, bool) or not isinstance(pct3x3, int):
            raise ValueError(f"pct3x3 must be an integer percentage, got {pct3x3!r}")
        with torch.device("meta"):
            net = squeezenet(version=version, squeeze_ratio=sr, pct3x3=pct3x3 / 100)
    except ValueError as error:
        return View(title, (), (), {}, error=f"Not a valid setting: {error}")
    counted = ledger(net, (3, 224, 224))
    by_name = {r.name: r for r in counted.rows}
    fires = [(f"features.{i}", m) for i, m in enumerate(net.features) if isinstance(m, Fire)]
    header = ("Fire module", "squeeze 1×1", "expand 1×1", "expand 3×3", "map", "parameters", "multiply-adds")
    rows = []
    for (name, fire), spec in zip(fires, net.fire_specs, strict=True):
        record = by_name[name]
        hw = record.output_shape[1]
        rows.append((spec.name, fire.squeeze.out_channels, fire.expand1x1.out_channels,
                     fire.expand3x3.out_channels, f"{hw}×{hw}", record.params, record.macs))  # fmt: skip
    alexnet = model_bytes(ledger("alexnet").total_params, 32)
    sizes = {bits: model_bytes(counted.total_params, bits) for bits in PRECISIONS}
    note = (
        f"Whole network: {counted.total_params:,} parameters, {counted.total_macs:,} multiply-adds per 224×224 "
        "image. Model size: "
        + ", ".join(f"{megabytes(sizes[b], 2)} at {b} bits ({alexnet / sizes[b]:.0f}× smaller than AlexNet in "
                    "float32)" for b in PRECISIONS)
        + "."
    )  # fmt: skip
    numbers = {"params": counted.total_params, "macs": counted.total_macs,
               **{f"bytes{b}": sizes[b] for b in PRECISIONS}}  # fmt: skip
    drawing = None
    if diagram:
        from cnnviz.render.diagrams import module_diagram

        first = net.fire_specs[0]
        in_channels, hw = by_name[fires[0][0]].input_shape[:2]
        drawing = module_diagram("fire", in_channels=in_channels, hw=hw, s1x1=first.s1x1, e1x1=first.e1x1,
                                 e3x3=first.e3x3)  # fmt: skip
    return View(title, header, tuple(rows), numbers, note, drawing)


def squeezenet_widget(*, diagram: bool = False) -> ipywidgets.VBox:
    """Sliders for SR (percent, 5 to 100; 12 is the paper's 0.125), the share of 3×3 filters (1% to 99%)
    and the version (0 = 1.0, 1 = 1.1), wired to :func:`render_squeezenet`."""
    controls = {
        "sr_percent": _slider("sr_percent", 12, 4, 100, 4, "squeeze ratio SR (%)"),
        "pct3x3": _slider("pct3x3", 50, 1, 99, 1, "3×3 share of the expand filters (%)"),
        "version": _slider("version", 0, 0, 1, 1, "version (0 = 1.0, 1 = 1.1)"),
    }

    def render(sr_percent: int, pct3x3: int, version: int, diagram: bool) -> View:
        return render_squeezenet(sr_percent, pct3x3, ("1_0", "1_1")[version], diagram=diagram)

    box = _wire(render, controls, {"diagram": diagram})
    box.explorer.render = render_squeezenet
    return box
