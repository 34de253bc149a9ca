"""Kernel-free figure of the SqueezeNet chapter: the paper's design space (its Section 5), what a setting of the
squeeze ratio SR and the share of 3×3 filters pct3x3 costs, and what the paper reports it buys.

Cost is counted on the zoo's SqueezeNet 1.0 (:func:`cnnviz.analysis.fire_modules.design_cost`): parameters,
multiply-adds, model size. What it buys is the ImageNet top-5 accuracy of the paper's Figure 3
(:data:`cnnviz.analysis.fire_modules.DESIGN_ACCURACY`): Fig. 3a sweeps SR at pct3x3 = 50%, Fig. 3b sweeps
pct3x3 at SR = 0.5. A value the figure prints is shown as printed; one read off its plot says so, with the
reading precision. A setting where the paper trained no network says that instead: nothing is interpolated.

The figure fits a phone's column: every view is :data:`PANEL_WIDTH` wide and no readout, title or subtitle
line is longer than :data:`READOUT_CHARS` characters.
"""

from __future__ import annotations

from typing import Any

from cnnviz.analysis.fire_modules import (
    DEEP_COMPRESSION,
    READ_OFF_PRECISION,
    TEXT_3B_PLATEAU,
    design_accuracy,
    design_cost,
)
from cnnviz.interact.static import readout
from cnnviz.interact.static.base import (
    GREY,
    PHONE_PANEL_WIDTH,
    PHONE_READOUT_CHARS,
    StaticFigure,
    static_figure,
)
from cnnviz.models.squeezenet import SQUEEZENET_DESIGN
from cnnviz.render import theme

__all__ = [
    "PCT3X3", "READOUT_NAMES", "SQUEEZE_RATIOS",
    "squeezenet_figure", "squeezenet_row", "squeezenet_rows",
]  # fmt: skip

# The slider is in eighths from 0.125 to 1, so that every squeeze layer of the design space has a whole
# number of filters; Fig. 3a's points (0.125, 0.25, 0.5, 0.75, 1) are among them.
SQUEEZE_RATIOS = tuple(i / 8 for i in range(1, 9))
# The shares of Fig. 3b, in percent: 1%, then eighths, then 99% (the paper's own points, its Sec. 5.3).
PCT3X3 = (1.0, *(12.5 * i for i in range(1, 8)), 99.0)
PANEL_WIDTH = PHONE_PANEL_WIDTH  # every view, so that the figure fits a phone's column
READOUT_CHARS = PHONE_READOUT_CHARS
READOUT_NAMES = ("readout_setting", "readout_fires", "readout_params", "readout_macs", "readout_paper",
                 "readout_paper_note")  # fmt: skip
ACCURACY_DOMAIN = (74, 88)  # % top-5: every point of Fig. 3 lies inside
READOUT_PRECISION_TEXT = f"{READ_OFF_PRECISION:g}"


def _on_grid(func: str, name: str, value: object, grid: tuple[float, ...]) -> float:
    if isinstance(value, bool) or value not in grid:
        raise ValueError(
            f"{func}: {name}={value!r} is not a slider position; valid: {', '.join(f'{v:g}' for v in grid)}"
        )
    return float(value)  # type: ignore[arg-type]


def _paper_lines(sr: float, pct3x3: float) -> tuple[str, str, dict[str, Any]]:
    """The readout's two lines on what the paper reports at this setting, and the row's accuracy fields."""
    points = design_accuracy(sr, pct3x3 / 100)
    fields: dict[str, Any] = {}
    for p in points:
        fields[f"top5_{p.panel}"] = p.top5
        fields[f"printed_{p.panel}"] = p.printed
    if not points:
        return (
            "Paper: reports no network at this setting",
            "(its points: 3×3 share 50%, or SR = 0.5)",
            fields,
        )
    first = points[0]
    panels = " and ".join(f"{p.panel}" for p in points)
    if first.printed:
        line = f"Paper: {first.top5:.1f}% top-5 (Fig. {panels}, printed)"
    else:
        line = f"Paper: about {first.top5:.1f}% top-5 (read off Fig. {panels})"
    if (sr, pct3x3 / 100) == (SQUEEZENET_DESIGN.squeeze_ratio, SQUEEZENET_DESIGN.pct3x3):
        (table2,) = [r for r in DEEP_COMPRESSION if (r.model, r.bits) == ("squeezenet1_0", "32")]
        note = f"SqueezeNet itself: top-1 {table2.top1_accuracy:.1%} (Table 2)"
    elif not first.printed:
        note = f"read to ±{READOUT_PRECISION_TEXT} points; Fig. 3 has no top-1"
    elif len(points) > 1:
        note = f"the paper's text gives {TEXT_3B_PLATEAU[2]:.1f}% here; no top-1"
    else:
        note = "Fig. 3 plots top-5 only, no top-1"
    return line, note, fields


def squeezenet_row(sr: float, pct3x3: float) -> dict[str, Any]:
    """One setting (``pct3x3`` in percent), counted by :func:`cnnviz.analysis.fire_modules.design_cost`, with
    the paper's Fig. 3 accuracy where it has a point there and the readout lines (``text_*``)."""
    cost = design_cost(sr, pct3x3 / 100)
    fire2, fire9 = cost.fires[0].spec, cost.fires[-1].spec
    paper, paper_note, accuracy = _paper_lines(sr, pct3x3)
    row: dict[str, Any] = {
        "sr": sr, "pct3x3": pct3x3, "params": cost.params, "macs": cost.macs,
        "size_mib": round(cost.size_bytes(32) / 2**20, 3), **accuracy,
        "text_setting": f"SR = {sr:g}, 3×3 share {pct3x3:g}%",
        "text_fires": f"fire2 {fire2.s1x1} → {fire2.e1x1} + {fire2.e3x3}; fire9 {fire9.s1x1} → "
                      f"{fire9.e1x1} + {fire9.e3x3}",
        "text_params": f"{cost.params:,} parameters, {cost.size_bytes(32) / 2**20:.2f} MiB",
        "text_macs": f"{cost.macs:,} multiply-adds per image",
        "text_paper": paper,
        "text_paper_note": paper_note,
    }  # fmt: skip
    return row


def readout_text(row: dict[str, Any]) -> list[str]:
    """The readout lines of ``row`` (one of :func:`squeezenet_rows`), in order."""
    return [row[f"text_{name.removeprefix('readout_')}"] for name in READOUT_NAMES]


def squeezenet_rows() -> list[dict[str, Any]]:
    return [squeezenet_row(sr, pct) for sr in SQUEEZE_RATIOS for pct in PCT3X3]


def squeezenet_figure(
    sr: float = SQUEEZENET_DESIGN.squeeze_ratio, pct3x3: float = 100 * SQUEEZENET_DESIGN.pct3x3
) -> StaticFigure:
    """What one setting of SqueezeNet 1.0's design space costs and buys: a slider ``sr`` (0.125 to 1 in
    eighths) and a menu ``pct3x3`` (the paper's shares: 1%, 12.5% to 87.5% in eighths, 99%).

    The readout gives the Fire modules' filter counts (fire2 and fire9: squeeze → expand 1×1 + 3×3), the
    parameters, float32 size and multiply-adds at 224×224, and the paper's top-5 accuracy at that setting
    (Fig. 3a or 3b) or that it trained none there. Three panels: the parameters against SR (blue: the chosen
    share; grey: the others, on one fixed scale), then Fig. 3a and Fig. 3b as the paper reports them (filled
    points printed on the figure, open points read off it), the chosen setting in orange where it is one of
    them."""
    import altair as alt

    func = "squeezenet_figure"
    _on_grid(func, "sr", sr, SQUEEZE_RATIOS)
    _on_grid(func, "pct3x3", pct3x3, PCT3X3)
    params = [
        alt.param(name="sr", value=sr, bind=alt.binding_range(min=SQUEEZE_RATIOS[0], max=SQUEEZE_RATIOS[-1],
                                                              step=0.125, name="squeeze ratio SR ")),
        alt.param(name="pct3x3", value=pct3x3, bind=alt.binding_select(
            options=list(PCT3X3), labels=[f"{p:g}%" for p in PCT3X3], name="3×3 share ")),
    ]  # fmt: skip
    rows = squeezenet_rows()
    base = alt.Chart(alt.Data(name="squeezenet_design"))
    current = base.transform_filter("datum.sr == sr && datum.pct3x3 == pct3x3")
    vermillion, blue = theme.OKABE_ITO["vermillion"], theme.OKABE_ITO["blue"]

    lines = [f"datum.text_{name.removeprefix('readout_')}" for name in READOUT_NAMES]
    numbers = readout.layer(alt, current, lines, PANEL_WIDTH, READOUT_NAMES)

    sr_x = alt.X("sr:Q", title="squeeze ratio SR", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(tickCount=4))
    top = max(r["params"] for r in rows)
    y_params = alt.Y("params:Q", title=None, scale=alt.Scale(domain=[0, top]),
                     axis=alt.Axis(format="~s", tickCount=4))  # fmt: skip
    cost_tip = [alt.Tooltip("sr:Q", title="SR"), alt.Tooltip("pct3x3:Q", title="3×3 share (%)"),
                alt.Tooltip("params:Q", title="parameters", format=","),
                alt.Tooltip("macs:Q", title="multiply-adds", format=",")]  # fmt: skip
    cost = alt.layer(
        base.transform_filter("datum.pct3x3 != pct3x3").mark_line(color=GREY, strokeWidth=1, opacity=0.35).encode(
            x=sr_x, y=y_params, detail="pct3x3:N"),
        base.transform_filter("datum.pct3x3 == pct3x3").mark_line(color=blue, point=True).encode(
            x=sr_x, y=y_params, tooltip=cost_tip),
        current.mark_point(size=160, filled=True, color=vermillion, opacity=1).encode(x=sr_x, y=y_params),
    ).properties(width=PANEL_WIDTH, height=130, title=alt.Title(
        "Cost: parameters against SR", subtitle=["blue: your 3×3 share; grey: the other", "shares, on one scale"]))  # fmt: skip

    acc_y = alt.Y("top5:Q", title=None, scale=alt.Scale(domain=list(ACCURACY_DOMAIN)),
                  axis=alt.Axis(tickCount=4, format="d"))  # fmt: skip

    def buys(panel: str, x: Any, swept: str, fixed: str) -> Any:
        on = base.transform_filter(f"isValid(datum.top5_{panel})").transform_calculate(
            top5=f"datum.top5_{panel}"
        )
        tip = [alt.Tooltip("sr:Q", title="SR"), alt.Tooltip("pct3x3:Q", title="3×3 share (%)"),
               alt.Tooltip("top5:Q", title="top-5 accuracy (%)", format=".1f")]  # fmt: skip
        return alt.layer(
            on.mark_line(color=GREY).encode(x=x, y=acc_y),
            on.transform_filter(f"datum.printed_{panel}").mark_point(filled=True, size=50, color=GREY, opacity=1)
            .encode(x=x, y=acc_y, tooltip=tip),
            on.transform_filter(f"!datum.printed_{panel}").mark_point(filled=False, size=50, color=GREY, opacity=1,
                                                                       strokeWidth=1.5).encode(x=x, y=acc_y, tooltip=tip),
            on.transform_filter("datum.sr == sr && datum.pct3x3 == pct3x3").mark_point(
                size=160, filled=True, color=vermillion, opacity=1).encode(x=x, y=acc_y),
        ).properties(width=PANEL_WIDTH, height=110, title=alt.Title(
            f"Buys: top-5 accuracy, {swept}", subtitle=[f"the paper's Fig. {panel}, {fixed}",
                                                        f"filled: printed; open: read off (±{READOUT_PRECISION_TEXT} pt)"]))  # fmt: skip

    pct_x = alt.X(
        "pct3x3:Q", title="3×3 share (%)", scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(tickCount=4)
    )
    chart = (
        alt.vconcat(numbers, cost, buys("3a", sr_x, "SR swept", "3×3 share 50%"),
                    buys("3b", pct_x, "3×3 share swept", "SR = 0.5"), spacing=16)
        .add_params(*params)
        .properties(
            title=alt.Title(
                "SqueezeNet 1.0's design space",
                subtitle=["What a setting costs (counted here) and what", "the paper reports it buys (its Fig. 3).",
                          "Orange: your setting."],
            ),
            datasets={"squeezenet_design": rows},
        )
    )  # fmt: skip
    (row,) = [r for r in rows if (r["sr"], r["pct3x3"]) == (sr, pct3x3)]
    fallback = "; ".join(readout_text(row))
    alt_text = (
        "SqueezeNet's design space: its parameters against the squeeze ratio for each share of 3×3 filters, and "
        "the ImageNet top-5 accuracy the paper reports in its Fig. 3a and 3b, with a slider and a menu"
    )
    return static_figure(chart, alt_text, fallback, ["sr", "pct3x3"])
