"""Live explorer of the SqueezeNet chapter: the paper's design space (squeeze ratio SR, share of 3×3 filters)
on the zoo's network, counted by the ledger. Thin like :mod:`cnnviz.interact.widgets`: :func:`render_squeezenet`
computes a :class:`~cnnviz.interact.widgets.View`, :func:`squeezenet_widget` only wires sliders to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnnviz.interact.widgets import View, _slider, _wire

if TYPE_CHECKING:
    import ipywidgets

__all__ = ["paper_accuracy", "render_squeezenet", "squeezenet_widget"]


def render_squeezenet(
    sr_percent: int = 12, pct3x3: int = 50, version: str = "1_0", *, diagram: bool = False
) -> View:
    """Build SqueezeNet ``version`` with squeeze ratio ``sr_percent``/100 and ``pct3x3`` percent 3×3 expand
    filters (on the meta device: shapes only), count it with the ledger: one row per Fire module, the
    totals, the model size at 32, 8 and 6 bits against AlexNet's float32, and the paper's top-5 accuracy
    where its Figure 3 has a network at this setting (:func:`paper_accuracy`). ``diagram`` adds the Fire
    module diagram of fire2. An invalid setting gives a View whose ``error`` says why. (SR = 0.125 is
    SqueezeNet itself; the slider's 12% rounds each squeeze layer to the same whole filter counts.)"""
    import torch

    from cnnviz.analysis.fire_modules import PRECISIONS, model_bytes
    from cnnviz.analysis.ledger import ledger
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
        + ", ".join(f"{sizes[b] / 2**20:.2f} MiB at {b} bits ({alexnet / sizes[b]:.1f}× smaller than AlexNet in "
                    "float32)" for b in PRECISIONS)
        + "."
    )  # fmt: skip
    note += " " + paper_accuracy(sr, pct3x3)
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


def paper_accuracy(sr: float, pct3x3: float) -> str:
    """What the paper reports at SR ``sr`` and ``pct3x3`` percent 3×3 filters: the top-5 accuracy of its
    Figure 3 (as printed, or read off the plot), or that it reports no network there (never interpolated)."""
    from cnnviz.analysis.fire_modules import READ_OFF_PRECISION, design_accuracy

    points = design_accuracy(sr, pct3x3 / 100)
    if not points:
        return ("The paper reports no network at this setting (its Fig. 3 sweeps SR at 50% 3×3 filters, and the "
                "share of 3×3 filters at SR = 0.5).")  # fmt: skip
    p = points[0]
    panels = " and ".join(f"Fig. {q.panel}" for q in points)
    how = (
        f"printed on its {panels}"
        if p.printed
        else f"read off its {panels}, to ±{READ_OFF_PRECISION:g} points"
    )
    return f"The paper reports {p.top5:.1f}% ImageNet top-5 accuracy here ({how}; no top-1)."


def squeezenet_widget(*, diagram: bool = False) -> ipywidgets.VBox:
    """Sliders for SR (percent, 1 to 100; 12 is the paper's 0.125), the share of 3×3 filters (1% to 99%)
    and the version (0 = 1.0, 1 = 1.1), wired to :func:`render_squeezenet`."""
    controls = {
        "sr_percent": _slider("sr_percent", 12, 1, 100, 1, "squeeze ratio SR (%)"),
        "pct3x3": _slider("pct3x3", 50, 1, 99, 1, "3×3 share of the expand filters (%)"),
        "version": _slider("version", 0, 0, 1, 1, "version (0 = 1.0, 1 = 1.1)"),
    }

    def render(sr_percent: int, pct3x3: int, version: int, diagram: bool) -> View:
        return render_squeezenet(sr_percent, pct3x3, ("1_0", "1_1")[version], diagram=diagram)

    box = _wire(render, controls, {"diagram": diagram})
    box.explorer.render = render_squeezenet
    return box
