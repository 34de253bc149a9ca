"""Kernel-free figures of the VGG chapter: what a stack of 3×3 convolutions costs against one large filter,
and what depth costs and buys across the paper's configurations A to E.

Two explorers, both narrow enough for a phone's column (views at most :data:`PANEL_WIDTH` wide, readout
lines of at most :data:`READOUT_CHARS` characters):

- :func:`stack_vs_large_figure`: sliders C (channels) and n (stack depth); the weights of n stacked 3×3
  convolutions against the one (2n+1)×(2n+1) convolution with the same receptive field, the ratio for every
  n, and what the paper measured for n = 2 (its Sec. 4.1: net B with each pair of 3×3 layers as one 5×5);
- :func:`configuration_figure`: a radio over Table 1's configurations; each one's weight layers, parameters
  and multiply-adds (measured on the zoo's network) beside the ImageNet errors the paper reports for it
  (Table 3, one test scale; Table 4, three test scales), like with like: training scale S = 256 in both.

Each readout is one spec rendered twice, as text in Python (:func:`stack_readout`, :func:`configuration_readout`:
the tests and the fallback) and as Vega expressions (the page), so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cnnviz.analysis import ops
from cnnviz.interact.static import readout
from cnnviz.interact.static.base import (
    GREY,
    PHONE_PANEL_WIDTH,
    PHONE_READOUT_CHARS,
    StaticFigure,
    on_slider_grid,
    readout_lines,
    slider_grid,
    slider_param,
    static_figure,
)
from cnnviz.interact.static.readout import Field, When
from cnnviz.models.lecture import STACK_VS_LARGE
from cnnviz.render import theme

__all__ = [
    "configuration_figure", "configuration_readout", "configuration_rows", "stack_readout", "stack_vs_large_figure",
    "stack_vs_large_rows",
]  # fmt: skip

PANEL_WIDTH = PHONE_PANEL_WIDTH  # every view, so that the figure fits a phone's column
READOUT_CHARS = PHONE_READOUT_CHARS
# The rows of the paper's Tables 3 and 4 the configuration figure shows: training scale S = 256, the one
# protocol at which Table 3 tests every configuration (Table 4 tests B to E at it).
SINGLE_SCALE = ("256", "256")  # (S, Q) of Table 3
MULTI_SCALE = ("256", "224,256,288")  # (S, Q) of Table 4
CITE = "Simonyan & Zisserman 2015"  # the alt text's source


def _readout(alt: Any, current: Any, lines: Sequence[Sequence[Any]], name: str) -> Any:
    names = [f"{name}_{'abcdefghij'[i]}" for i in range(len(lines))]
    return readout.layer(alt, current, [readout.expr(parts) for parts in lines], PANEL_WIDTH, names)


# --- a. a stack of 3×3 convolutions against one large filter ------------------------------------------


def stack_vs_large_rows(channels: Sequence[int], depths: Sequence[int]) -> list[dict[str, Any]]:
    """Two rows per (C, n): the stack of n 3×3 convolutions (``design`` "stack") and the one
    (2n+1)×(2n+1) convolution ("large"), each with its own ``params``, ``coef`` (the multiple of C²) and
    ``relus``, and both with the pair's numbers the readout reads (``k``, ``params_stack``,
    ``params_large``, ``coef_stack``, ``coef_large``, ``ratio``, ``rf``), from
    :func:`cnnviz.analysis.ops.stack_vs_large`."""
    rows = []
    for c in channels:
        for n in depths:
            s = ops.stack_vs_large(c, 3, n)
            common = {"C": c, "n": n, "k": s.k_large, "rf": s.receptive_field, "ratio": round(s.params_ratio, 6),
                      "params_stack": s.params_stack, "params_large": s.params_large,
                      "coef_stack": 9 * n, "coef_large": s.k_large**2}  # fmt: skip
            label = f"{n} stacked 3×3 conv" + ("s" if n > 1 else "")
            rows.append(
                {
                    **common,
                    "design": "stack",
                    "label": label,
                    "coef": 9 * n,
                    "params": s.params_stack,
                    "relus": s.nonlinearities_stack,
                }
            )
            rows.append(
                {
                    **common,
                    "design": "large",
                    "label": f"one {s.k_large}×{s.k_large} conv",
                    "coef": s.k_large**2,
                    "params": s.params_large,
                    "relus": s.nonlinearities_large,
                }
            )
    return rows


def _one(row: dict[str, Any]) -> bool:
    return row["n"] == 1


_STACK_LINES: tuple[tuple[Any, ...], ...] = (
    ("C = ", Field("C"), " channels in and out of every layer"),
    ("receptive field ", Field("rf"), "×", Field("rf"), " for both"),
    (Field("n"), "-layer stack: ", Field("coef_stack"), "C² = ", Field("params_stack", ","), " weights"),
    ("one ", Field("k"), "×", Field("k"), ": ", Field("coef_large"), "C² = ", Field("params_large", ","),
     " weights"),
    (When(_one, "datum.n == 1", ("n = 1: the same 3×3 layer on both sides",),
         ("the stack needs ", Field("ratio", ".3f"), "× the weights",)),),
    (When(_one, "datum.n == 1", ("(nothing saved, no ReLU gained)",),
         ("ReLUs: ", Field("n"), " in the stack, 1 in the ", Field("k"), "×", Field("k"))),),
)  # fmt: skip


def stack_readout(row: dict[str, Any]) -> list[str]:
    """The readout lines of :func:`stack_vs_large_figure` for ``row`` (one of :func:`stack_vs_large_rows`)."""
    return [readout.text(parts, row) for parts in _STACK_LINES]


def _paper_lines() -> tuple[str, ...]:
    """What the paper measured for n = 2 (its Sec. 4.1), in lines of at most READOUT_CHARS."""
    from cnnviz.models.vgg import SHALLOW_5X5_TOP1_HIGHER

    return (
        "The paper's test of n = 2 (its Sec. 4.1):",
        "net B with each pair of 3×3 layers made",
        f"one 5×5 had a top-1 error {SHALLOW_5X5_TOP1_HIGHER}% higher",
        "than B's (one centre crop).",
    )


def stack_vs_large_figure(
    C: int = STACK_VS_LARGE.C,
    n: int = STACK_VS_LARGE.n,
    *,
    channels: Sequence[int] = tuple(range(16, 513, 16)),
    max_n: int = 5,
) -> StaticFigure:
    """n stacked 3×3 convolutions vs one (2n+1)×(2n+1) convolution, C channels in and out.

    Sliders: ``C`` (channels, the values of ``channels``) and ``n`` (1 to ``max_n``). Weights n·9C² vs
    (2n+1)²C² (no biases; also the multiply-adds per output position), the common receptive field 2n+1 and
    their ratio, from :func:`cnnviz.analysis.ops.stack_vs_large`; the ratio for every n (it does not depend
    on C), and what the paper measured at n = 2. Defaults: three 3×3 vs one 7×7, C = 64.
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
    params = [
        slider_param(alt, "C", C, channels, "channels C"),
        slider_param(alt, "n", n, depths, "stack depth n"),
    ]
    rows = stack_vs_large_rows(channels, depths)

    data = alt.Data(name="stack_vs_large")
    base = alt.Chart(data).transform_filter("datum.C == C && datum.n == n")
    stack = base.transform_filter("datum.design == 'stack'")
    blue, vermillion = theme.OKABE_ITO["blue"], theme.OKABE_ITO["vermillion"]
    colour = alt.Color(
        "design:N", scale=alt.Scale(domain=["stack", "large"], range=[blue, vermillion]), legend=None
    )
    # no axis labels at the left (they would push every view of the figure right): each bar's name above it
    y = alt.Y(
        "label:N",
        sort=alt.EncodingSortField("coef", op="min"),
        title=None,
        axis=None,
        scale=alt.Scale(paddingInner=0.55, paddingOuter=0.45),
    )
    bars = alt.layer(
        base.mark_bar().encode(
            y=y, x=alt.X("params:Q", title="weights (no biases)", axis=alt.Axis(format="~s", tickCount=4)),
            color=colour, tooltip=["label:N", alt.Tooltip("params:Q", format=","), "rf:Q"]),
        base.mark_text(align="left", baseline="bottom", dy=-10, fontSize=12).encode(
            y=y, x=alt.value(0), text="label:N"),
    ).properties(width=PANEL_WIDTH - 40, height=96, title=alt.Title(
        "Weights of the two designs", subtitle=["blue: the stack; orange: one large filter"]))  # fmt: skip

    curve = alt.Chart(data).transform_filter("datum.C == C && datum.design == 'stack'")
    ratio_curve = curve.mark_line(point=True, color=GREY).encode(
        x=alt.X("n:O", title="stack depth n", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("ratio:Q", title=None, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(tickCount=3)),
        tooltip=["n:O", alt.Tooltip("ratio:Q", format=".3f", title="stack / large")],
    )
    ratio_now = stack.mark_point(size=140, filled=True, color=vermillion, opacity=1).encode(
        x="n:O", y="ratio:Q"
    )
    paper_mark = curve.transform_filter("datum.n == 2").mark_text(dy=-12, fontSize=11).encode(
        x="n:O", y="ratio:Q", text=alt.value("paper"))  # fmt: skip
    ratio = alt.layer(ratio_curve, ratio_now, paper_mark).properties(
        width=PANEL_WIDTH - 40,
        height=110,
        title=alt.Title("Stack over large, in weights", subtitle=["n·9 / (2n+1)²: the same for every C"]),
    )
    paper = readout_lines(
        alt, alt.Chart(alt.Data(values=[{"line": i, "text": t} for i, t in enumerate(_paper_lines())])),
        len(_paper_lines()), PANEL_WIDTH, "readout_paper",
    )  # fmt: skip
    chart = alt.vconcat(
        _readout(alt, stack, _STACK_LINES, "readout_stack"), bars, ratio, paper, spacing=14
    ).add_params(*params).properties(
        title=alt.Title(
            ["A stack of 3×3 convolutions", "against one large filter"],
            subtitle=["Same receptive field. Move C: the counts", "change, the ratio does not."],
        ),
        datasets={"stack_vs_large": rows},
    )  # fmt: skip
    (now,) = [r for r in rows if r["C"] == C and r["n"] == n and r["design"] == "stack"]
    fallback = "; ".join(stack_readout(now)) + ". " + " ".join(_paper_lines())
    alt_text = (
        "Bar chart of the weights of a stack of 3×3 convolutions and of one large convolution with the same "
        "receptive field, the ratio for every stack depth, and the paper's result for two 3×3 against one 5×5"
    )
    return static_figure(chart, alt_text, fallback, ["C", "n"])


# --- b. the configurations A to E: what depth costs, and what it bought --------------------------------


def configuration_rows() -> list[dict[str, Any]]:
    """One row per configuration of Table 1, in its order: ``config`` ("D"), ``name`` ("vgg16"),
    ``layers`` (weight layers), ``params`` and ``macs`` (multiply-adds per 224×224 image), measured on the
    zoo's network (the ledger, on the meta device), and the paper's ImageNet validation errors (%) at
    training scale S = 256: ``top1``/``top5`` at one test scale (Table 3, Q = 256) and, where Table 4 tests
    the configuration, ``top1_multi``/``top5_multi`` at three (Q = 224, 256, 288)."""
    from cnnviz.analysis.ledger import ledger
    from cnnviz.models import vgg

    names = {letter: name for name, letter in vgg.NAMES.items()}
    rows = []
    for letter in vgg.CONFIGS:
        led = ledger(names[letter])
        top1, top5 = vgg.SINGLE_SCALE_ERRORS[(letter, *SINGLE_SCALE)]
        row = {"config": letter, "name": names[letter], "layers": vgg.weight_layers(letter),
               "params": led.total_params, "macs": led.total_macs, "top1": top1, "top5": top5}  # fmt: skip
        multi = vgg.MULTI_SCALE_ERRORS.get((letter, *MULTI_SCALE))
        if multi is not None:
            row["top1_multi"], row["top5_multi"] = multi
        rows.append(row)
    return rows


def _multi(row: dict[str, Any]) -> bool:
    return "top1_multi" in row


_CONFIG_LINES: tuple[tuple[Any, ...], ...] = (
    ("config ", Field("config"), " (", Field("name"), "): ", Field("layers"), " weight layers"),
    (Field("params", ","), " parameters"),
    (Field("macs", ","), " multiply-adds per image"),
    ("Table 3, one test scale (S = Q = 256):",),
    ("top-1 ", Field("top1", ".1f"), "%, top-5 ", Field("top5", ".1f"), "% val. error"),
    ("Table 4, three test scales (S = 256):",),
    (When(_multi, "isValid(datum.top1_multi)",
         ("top-1 ", Field("top1_multi", ".1f"), "%, top-5 ", Field("top5_multi", ".1f"), "% val. error"),
         ("not in Table 4 (it tests B to E)",)),),
)  # fmt: skip


def configuration_readout(row: dict[str, Any]) -> list[str]:
    """The readout lines of :func:`configuration_figure` for ``row`` (one of :func:`configuration_rows`)."""
    return [readout.text(parts, row) for parts in _CONFIG_LINES]


def configuration_figure(config: str = "D") -> StaticFigure:
    """The paper's configurations (Table 1) side by side: pick one with the radio ``config``.

    Two panels over A, A-LRN, B, C, D, E: the cost, multiply-adds per 224×224 image (measured on the zoo's
    networks), and what it bought, the top-1 validation error the paper reports at training scale S = 256,
    at one test scale (Table 3) and at three (Table 4). The readout gives the chosen configuration's weight
    layers, parameters and multiply-adds, and its top-1 and top-5 errors in both tables.
    """
    import altair as alt

    func = "configuration_figure"
    rows = configuration_rows()
    letters = [r["config"] for r in rows]
    if config not in letters or not isinstance(config, str):
        raise ValueError(
            f"{func}: config={config!r} is not a configuration of Table 1; valid: {', '.join(letters)}"
        )
    param = alt.param(name="config", value=config,
                      bind=alt.binding_radio(options=letters, name="configuration "))  # fmt: skip
    data = alt.Data(name="vgg_configs")
    base = alt.Chart(data)
    current = base.transform_filter("datum.config == config")
    blue, vermillion = theme.OKABE_ITO["blue"], theme.OKABE_ITO["vermillion"]
    x = alt.X("config:N", sort=letters, title=None, axis=alt.Axis(labelAngle=0, labelFontSize=11))
    macs = alt.Y("macs:Q", title=None, axis=alt.Axis(format="~s", tickCount=4), scale=alt.Scale(zero=True))
    cost = alt.layer(
        base.mark_line(point=True, color=GREY).encode(
            x=x, y=macs, tooltip=["config:N", "layers:Q", alt.Tooltip("macs:Q", format=",")]),
        current.mark_point(size=150, filled=True, color=vermillion, opacity=1).encode(x=x, y=macs),
    ).properties(width=PANEL_WIDTH - 40, height=120, title=alt.Title(
        "Cost: multiply-adds per 224×224 image", subtitle=["measured on the zoo's networks"]))  # fmt: skip
    errors = [r[k] for r in rows for k in ("top1", "top1_multi") if k in r]
    e_scale = alt.Scale(domain=[int(min(errors)) - 1, int(max(errors)) + 1], zero=False)
    single = alt.Y("top1:Q", title=None, scale=e_scale, axis=alt.Axis(tickCount=4, format=".0f"))
    multi = alt.Y("top1_multi:Q", scale=e_scale)
    tested = base.transform_filter("isValid(datum.top1_multi)")
    buys = alt.layer(
        base.mark_line(point=True, color=blue).encode(
            x=x, y=single, tooltip=["config:N", alt.Tooltip("top1:Q", title="top-1 error, Table 3 (%)")]),
        tested.mark_line(point=True, color=GREY, strokeDash=[4, 3]).encode(
            x=x, y=multi, tooltip=["config:N", alt.Tooltip("top1_multi:Q", title="top-1 error, Table 4 (%)")]),
        current.mark_point(size=150, filled=True, color=vermillion, opacity=1).encode(x=x, y=single),
    ).properties(width=PANEL_WIDTH - 40, height=130, title=alt.Title(
        "Buys: top-1 validation error (%)",
        subtitle=["blue: one test scale (Table 3);", "grey, dashed: three test scales (Table 4)"]))  # fmt: skip
    chart = alt.vconcat(
        _readout(alt, current, _CONFIG_LINES, "readout_config"), cost, buys, spacing=16
    ).add_params(param).properties(
        title=alt.Title(
            ["VGG's configurations: what depth", "costs and what it bought"],
            subtitle=["ImageNet errors as the paper reports", "them, training scale S = 256.",
                      "Orange: your pick."],
        ),
        datasets={"vgg_configs": rows},
    )  # fmt: skip
    (now,) = [r for r in rows if r["config"] == config]
    fallback = "; ".join(configuration_readout(now)) + "."
    alt_text = (
        "Charts of the multiply-adds of VGG's configurations A to E and the top-1 error the paper reports for "
        f"each ({CITE}, Tables 3 and 4)"
    )
    return static_figure(chart, alt_text, fallback, ["config"])
