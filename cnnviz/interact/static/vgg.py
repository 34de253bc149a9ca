"""Kernel-free figure of the VGG chapter: a stack of 3×3 convolutions against one large filter."""

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
from cnnviz.models.lecture import STACK_VS_LARGE
from cnnviz.render import theme

__all__ = ["stack_vs_large_figure", "stack_vs_large_rows"]


def stack_vs_large_rows(channels: Sequence[int], depths: Sequence[int]) -> list[dict[str, Any]]:
    """Two rows per (C, n): the stack of n 3×3 convs and the single (2n+1)×(2n+1) conv."""
    rows = []
    for c in channels:
        for n in depths:
            s = ops.stack_vs_large(c, 3, n)
            common = {"C": c, "n": n, "rf": s.receptive_field, "ratio": round(s.params_ratio, 6)}
            label = f"{n} stacked 3×3 conv" + ("s" if n > 1 else "")
            rows.append({**common, "design": "stack", "label": label,
                         "coef": 9 * n, "params": s.params_stack, "relus": s.nonlinearities_stack})
            rows.append({**common, "design": "large", "label": f"one {s.k_large}×{s.k_large} conv",
                         "coef": s.k_large**2, "params": s.params_large, "relus": s.nonlinearities_large})
    return rows


def stack_vs_large_figure(
    C: int = STACK_VS_LARGE.C,
    n: int = STACK_VS_LARGE.n,
    *,
    channels: Sequence[int] = tuple(range(16, 513, 16)),
    max_n: int = 5,
) -> StaticFigure:
    """n stacked 3×3 convolutions vs one (2n+1)×(2n+1) convolution, C channels in and out.

    Sliders: ``C`` (channels, the values of ``channels``) and ``n`` (1 to ``max_n``). Parameters n·9C²
    vs (2n+1)²C² (no biases; also the multiply-adds per output position), the common receptive field
    2n+1 and the ratio, from :func:`cnnviz.analysis.ops.stack_vs_large`. Defaults: VGG's three 3×3 vs one 7×7.
    """
    import altair as alt

    func = "stack_vs_large_figure"
    channels = list(channels)
    if not channels or any(isinstance(c, bool) or not isinstance(c, int) or c <= 0 for c in channels):
        raise ValueError(f"{func}: channels must be positive integers, got {channels!r}")
    steps = {b - a for a, b in zip(channels, channels[1:], strict=False)}
    if len(steps) > 1 or (steps and min(steps) <= 0):
        raise ValueError(f"{func}: channels must be evenly spaced and increasing (a slider): {channels!r}")
    depths = slider_grid(func, "n", 1, max_n, 1)
    on_slider_grid(func, "C", C, channels)
    on_slider_grid(func, "n", n, depths)
    params = [slider_param(alt, "C", C, channels, "channels C"), slider_param(alt, "n", n, depths, "stack depth n")]

    data = alt.Data(name="stack_vs_large")
    base = alt.Chart(data).transform_filter("datum.C == C && datum.n == n")
    colour = alt.Color(
        "design:N",
        scale=alt.Scale(
            domain=["stack", "large"], range=[theme.OKABE_ITO["blue"], theme.OKABE_ITO["vermillion"]]
        ),
        legend=None,
    )
    y = alt.Y("label:N", sort=alt.EncodingSortField("coef", op="min"), title=None,
              axis=alt.Axis(labelFontSize=12))
    bars = base.mark_bar().encode(
        y=y, x=alt.X("params:Q", title="parameters (weights, no biases)", axis=alt.Axis(format="~s")),
        color=colour, tooltip=["label:N", alt.Tooltip("params:Q", format=","), "rf:Q"],
    )
    labels = base.transform_calculate(text="datum.coef + 'C² = ' + format(datum.params, ',')").mark_text(
        align="left", dx=4
    ).encode(y=y, x="params:Q", text="text:N")
    stack = base.transform_filter("datum.design == 'stack'")
    readout = readout_lines(
        alt,
        stack.transform_calculate(
            line="0",
            text=(
                "'receptive field ' + datum.rf + '×' + datum.rf + ' for both; the stack has '"
                " + format(datum.ratio, '.3f') + '× the parameters and '"
                " + datum.relus + ' ReLUs instead of 1'"
            ),
        ),
        1,
        460,
        "readout",
    )
    ratio_curve = (
        alt.Chart(data)
        .transform_filter("datum.C == C && datum.design == 'stack'")
        .mark_line(point=True, color=GREY)
        .encode(
            x=alt.X("n:O", title="stack depth n", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("ratio:Q", title="stack / large parameters", scale=alt.Scale(domain=[0, 1])),
        )
    )
    ratio_now = stack.mark_point(size=120, filled=True, color=theme.OKABE_ITO["vermillion"]).encode(
        x="n:O", y="ratio:Q"
    )
    chart = alt.vconcat(
        readout,
        alt.layer(bars, labels).properties(width=460, height=70),
        alt.layer(ratio_curve, ratio_now).properties(width=220, height=120, title="n·9 / (2n+1)², for any C"),
        spacing=14,
    ).add_params(*params).properties(
        title=alt.Title(
            "A stack of 3×3 convolutions vs one large convolution with the same receptive field",
            subtitle="Move the sliders: every number is precomputed by cnnviz.analysis.ops.",
        ),
        datasets={"stack_vs_large": stack_vs_large_rows(channels, depths)},
    )
    s = ops.stack_vs_large(C, 3, n)
    fallback = (
        f"{n} stacked 3×3 convolutions of {C} channels: {s.params_stack:,} parameters ({9 * n}C²); one "
        f"{s.k_large}×{s.k_large} convolution: {s.params_large:,} ({s.k_large**2}C²); same receptive field "
        f"{s.receptive_field}."
    )
    alt_text = "Bar chart of the parameters of a stack of 3×3 convolutions and of one large convolution"
    return static_figure(chart, alt_text, fallback, ["C", "n"])
