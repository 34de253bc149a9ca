"""Kernel-free figure of the SqueezeNet chapter: the paper's design space (Section 5), the squeeze ratio SR and
the share of 3×3 filters pct3x3 against SqueezeNet 1.0's parameters, multiply-adds and model size."""

from __future__ import annotations

from typing import Any

from cnnviz.analysis.fire_modules import PRECISIONS, design_cost, model_bytes
from cnnviz.analysis.ledger import ledger
from cnnviz.format import megabytes
from cnnviz.interact.static.base import StaticFigure, readout_lines, static_figure
from cnnviz.models.squeezenet import SQUEEZENET_DESIGN
from cnnviz.render import theme

__all__ = ["SQUEEZE_RATIOS", "PCT3X3", "squeezenet_row", "squeezenet_rows", "squeezenet_figure"]

# The paper's Figure 3(a) sweeps SR from 0.125 to 1; the grid is in eighths, so that every filter count of
# SqueezeNet's Fire modules (multiples of 128 expand filters) is whole.
SQUEEZE_RATIOS = tuple(i / 8 for i in range(1, 9))
PCT3X3 = tuple(12.5 * i for i in range(1, 8))  # percent of the expand filters that are 3×3


def _on_grid(func: str, name: str, value: object, grid: tuple[float, ...]) -> float:
    if isinstance(value, bool) or value not in grid:
        raise ValueError(f"{func}: {name}={value!r} is not a slider position; valid: {', '.join(f'{v:g}' for v in grid)}")
    return float(value)  # type: ignore[arg-type]


def squeezenet_row(sr: float, pct3x3: float, alexnet_params: int) -> dict[str, Any]:
    """One slider setting, counted by :func:`cnnviz.analysis.fire_modules.design_cost`, with its readout."""
    cost = design_cost(sr, pct3x3 / 100)
    fire2, fire9 = cost.fires[0].spec, cost.fires[-1].spec
    sizes = {bits: cost.size_bytes(bits) for bits in PRECISIONS}
    row: dict[str, Any] = {
        "sr": sr, "pct3x3": pct3x3, "params": cost.params, "macs": cost.macs,
        "size_mb": round(sizes[32] / 1e6, 3),
    }  # fmt: skip
    row["text_fires"] = (
        f"SR = {sr:g}, {pct3x3:g}% 3×3: fire2 {fire2.s1x1} → {fire2.e1x1} + {fire2.e3x3}, "
        f"fire9 {fire9.s1x1} → {fire9.e1x1} + {fire9.e3x3} (squeeze → 1×1 + 3×3)"
    )
    row["text_counts"] = f"{cost.params:,} parameters, {cost.macs:,} multiply-adds per image"
    row["text_size"] = "model size: " + ", ".join(f"{megabytes(sizes[b], 2)} ({b} bits)" for b in PRECISIONS)
    alexnet32 = model_bytes(alexnet_params, 32)
    row["text_ratio"] = "AlexNet in float32 ÷ size: " + ", ".join(f"{alexnet32 / sizes[b]:.0f}×" for b in PRECISIONS)
    return row


def squeezenet_rows() -> list[dict[str, Any]]:
    alexnet = ledger("alexnet").total_params
    return [squeezenet_row(sr, pct, alexnet) for sr in SQUEEZE_RATIOS for pct in PCT3X3]


def squeezenet_figure(
    sr: float = SQUEEZENET_DESIGN.squeeze_ratio, pct3x3: float = 100 * SQUEEZENET_DESIGN.pct3x3
) -> StaticFigure:
    """Parameters and multiply-adds of SqueezeNet 1.0 against SR, one line for the current share of 3×3
    filters, with sliders ``sr`` (0.125 to 1 in eighths) and ``pct3x3`` (12.5% to 87.5%). The readout gives
    the Fire modules' filter counts, the totals, the model size at 32, 8 and 6 bits and AlexNet's float32 size
    divided by each."""
    import altair as alt

    func = "squeezenet_figure"
    _on_grid(func, "sr", sr, SQUEEZE_RATIOS)
    _on_grid(func, "pct3x3", pct3x3, PCT3X3)
    params = [
        alt.param(name="sr", value=sr, bind=alt.binding_range(min=SQUEEZE_RATIOS[0], max=SQUEEZE_RATIOS[-1],
                                                              step=0.125, name="squeeze ratio SR ")),
        alt.param(name="pct3x3", value=pct3x3, bind=alt.binding_range(min=PCT3X3[0], max=PCT3X3[-1], step=12.5,
                                                                      name="3×3 share of the expand filters (%) ")),
    ]  # fmt: skip
    rows = squeezenet_rows()
    base = alt.Chart(alt.Data(name="squeezenet_design"))
    same_pct = base.transform_filter("datum.pct3x3 == pct3x3")
    current = base.transform_filter("datum.sr == sr && datum.pct3x3 == pct3x3")
    x = alt.X("sr:Q", title="squeeze ratio SR", scale=alt.Scale(domain=[0, 1]))
    panels = []
    for field, title, colour in (("params", "parameters", "sky_blue"), ("macs", "multiply-adds per image", "orange")):
        tip = [alt.Tooltip("sr:Q", title="SR"), alt.Tooltip("pct3x3:Q", title="3×3 (%)"),
               alt.Tooltip(f"{field}:Q", title=title, format=",")]  # fmt: skip
        line = same_pct.mark_line(color=theme.OKABE_ITO[colour], point=True).encode(
            x=x, y=alt.Y(f"{field}:Q", title=title, axis=alt.Axis(format="~s")), tooltip=tip)
        now = current.mark_point(size=160, filled=True, color=theme.OKABE_ITO["vermillion"]).encode(
            x=x, y=f"{field}:Q", tooltip=tip)
        panels.append(alt.layer(line, now).properties(width=230, height=190))
    readouts = [
        readout_lines(alt, current.transform_calculate(line=str(i), text=f"datum.{field}"), 4, 540, name)
        for i, (field, name) in enumerate((("text_fires", "readout_fires"), ("text_counts", "readout_counts"),
                                           ("text_size", "readout_size"), ("text_ratio", "readout_ratio")))
    ]  # fmt: skip
    chart = alt.vconcat(alt.layer(*readouts), alt.hconcat(*panels, spacing=30), spacing=12).add_params(
        *params
    ).properties(
        title=alt.Title(
            "SqueezeNet 1.0 in the paper's design space",
            subtitle=["Blue: parameters, orange: multiply-adds, against the squeeze ratio SR",
                      "for the chosen share of 3×3 filters; the red dot is the current setting."],
        ),  # fmt: skip
        datasets={"squeezenet_design": rows},
    )
    row = next(r for r in rows if (r["sr"], r["pct3x3"]) == (sr, pct3x3))
    fallback = "; ".join((row["text_fires"], row["text_counts"], row["text_size"], row["text_ratio"]))
    alt_text = "Two line charts of SqueezeNet's parameters and multiply-adds against the squeeze ratio, with sliders"
    return static_figure(chart, alt_text, fallback, ["sr", "pct3x3"])
