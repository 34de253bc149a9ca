"""Kernel-free figure of the DenseNet chapter: what a CIFAR DenseNet's growth rate k, layers per block, bottleneck
(DenseNet-B) and compression (DenseNet-C, θ = 0.5) cost (parameters, multiply-adds, what training keeps of the
dense blocks counted three ways, the channels between blocks), and what the paper reports they buy (Table 2).

The network at each setting is the zoo's ``cifar_densenet``: three dense blocks on 32×32, 16×16 and 8×8 maps,
16 channels into the first block, or 2k with the bottleneck, as the paper builds them (the count comes from
the zoo's own network, not retyped here). Its costs are
:func:`cnnviz.analysis.dense_blocks.cifar_densenet_cost`, which the tests check against the ledger.

The figure fits a phone's column: every view is :data:`PANEL_WIDTH` wide and no readout line is longer
than :data:`READOUT_CHARS` characters. The readout is one spec of parts (:data:`LINES`), rendered in Python
(:func:`readout_text`: the fallback and the tests) and as Vega expressions (the page).

What the knobs buy is the paper's, never interpolated: where the sliders build a network of the paper's
Table 2 (:data:`cnnviz.analysis.claims.densenet.TABLE2`), the readout gives its errors, and elsewhere says
that the paper reports none.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

from cnnviz.analysis import dense_blocks
from cnnviz.analysis.claims.densenet import TABLE2, Table2Row, table2_row
from cnnviz.interact.static import readout
from cnnviz.interact.static.base import (
    INK,
    PHONE_PANEL_WIDTH,
    PHONE_READOUT_CHARS,
    StaticFigure,
    on_slider_grid,
    slider_param,
    static_figure,
)
from cnnviz.interact.static.readout import Either, Field, When, optional, plural
from cnnviz.models.lecture import DENSENET_EXAMPLE as EX
from cnnviz.render import theme

# Public names are unique across the figure modules (tests/interact/test_widgets.py); the readout's helpers
# (readout_text, PANEL_WIDTH, READOUT_CHARS, LINES, ...) are importable but not exported.
__all__ = [
    "GROWTH_RATES",
    "LAYERS",
    "THETA",
    "densenet_figure",
    "densenet_network",
    "densenet_row",
    "densenet_rows",
]

GROWTH_RATES = tuple(range(4, 49, 4))  # k: 12, 24 and 40 are Table 2's
LAYERS = tuple(
    range(1, 49)
)  # layers per dense block: every count, so that Table 2's 12, 16, 31, 32 and 41 are on it
THETA = EX.compression  # the compression box: θ = 0.5 (DenseNet-C, the paper's only θ < 1) or θ = 1
BYTES = 4  # float32
HW = EX.hw
PANEL_WIDTH = PHONE_PANEL_WIDTH
READOUT_CHARS = PHONE_READOUT_CHARS
PAPER_HEAD = "The paper's test error (Table 2):"
READOUT_NAMES = tuple(f"readout_{word}" for word in ("name", "layers", "params", "macs", "memory_head", "kept",
                                                      "efficient", "once", "channels", "paper_head", "paper_a",
                                                      "paper_b"))  # fmt: skip
# No trailing digits in the names: altair renumbers those inside a concat.
MEMORY = (  # field, colour, what the line is: the chapter's ways of counting what training keeps of a block
    ("kept_mb", "vermillion", "what autograd keeps"),  # dense_blocks.autograd_saved_elements: grows with L²
    ("efficient_mb", "sky_blue", "memory-efficient"),  # dense_blocks.memory_efficient_elements: linear in L
    ("once_mb", "bluish_green", "each map stored once"),  # the floor, shared_elements
)


# --- the network at a setting, and what the paper reports for it -------------------------------------------


@functools.cache
def _init_channels(k: int, bottleneck: bool) -> int:
    """The channels the zoo's CIFAR DenseNet puts into its first block (16, or 2k with the bottleneck),
    read from the zoo's network (one layer per block, on the meta device)."""
    import torch

    from cnnviz.models.densenet import cifar_densenet

    with torch.device("meta"):
        net = cifar_densenet(
            depth=10 if bottleneck else 7, growth_rate=k, bottleneck=bottleneck, compression=1.0
        )
    return net.channels[0].in_channels


def densenet_network(
    k: int, layers: int, bottleneck: bool, compression: bool
) -> dense_blocks.CifarDenseNetCost:
    """The zoo's CIFAR DenseNet at one setting, counted (``compression``: θ = :data:`THETA`, else 1)."""
    theta = THETA if compression else 1.0
    return dense_blocks.cifar_densenet_cost(_init_channels(k, bottleneck), layers, k, bottleneck=bottleneck,
                                            compression=theta, hw=HW)  # fmt: skip


def _pct(x: float | None) -> str:
    return "not reported" if x is None else f"{x:.2f}%"


def paper_lines(row: Table2Row) -> tuple[str, str]:
    """The readout's two lines under :data:`PAPER_HEAD` for a Table 2 network."""
    if row.c10 is None and row.c100 is None:
        unaugmented = "C10, C100 (no augmentation): not reported"
    else:  # the paper trains the networks without augmentation with dropout 0.2
        unaugmented = f"no augm., dropout 0.2: C10 {_pct(row.c10)}, C100 {_pct(row.c100)}"
    return f"{row.params} parameters; C10+ {_pct(row.c10_plus)}, C100+ {_pct(row.c100_plus)}", unaugmented


# --- the readout: one spec of parts, rendered in Python and as Vega expressions --------------------------

_B = ("datum.bottleneck == 1", lambda row: row["bottleneck"] == 1)
_C = ("datum.compression == 1", lambda row: row["compression"] == 1)


def _when(test: tuple, then: tuple, other: tuple = ()) -> When:
    vega, python = test
    return When(python, vega, then, other)


NAME = (
    "DenseNet",
    When(
        lambda row: row["bottleneck"] == 1 or row["compression"] == 1,
        "datum.bottleneck == 1 || datum.compression == 1",
        ("-",),
    ),  # fmt: skip
    _when(_B, ("B",)),
    _when(_C, ("C",)),
)
NONE = ("none: Table 2 has no such network",)
LINES: tuple[tuple[Any, ...], ...] = (
    (*NAME, ", L = ", Field("depth"), ", k = ", Field("k"), ", θ = ", _when(_C, (f"{THETA:g}",), ("1",))),
    (
        Field("layers"),
        _when(_B, (" bottleneck",), (" basic",)),
        plural("layers", " layer", " layers"),
        " per dense block",
    ),
    (Field("params", ","), " parameters, the whole network"),
    (Field("macs", ","), f" multiply-adds per {HW}×{HW} image"),
    ("Dense blocks, activations kept per image:",),
    (Field("kept_mb", ",.1f"), " MB what autograd keeps"),
    (Field("efficient_mb", ",.1f"), " MB memory-efficient (Pleiss et al.)"),
    (Field("once_mb", ",.1f"), " MB each map stored once (the floor)"),
    ("channels: ", Field("channels")),
    (PAPER_HEAD,),
    (Either("paper_a", NONE),),
    (optional("paper_b"),),
)
assert len(LINES) == len(READOUT_NAMES)


def readout_text(row: dict[str, Any]) -> tuple[str, ...]:
    """The readout's lines for one row of :func:`densenet_rows`, as the page writes them (empty lines left out)."""
    return tuple(line for line in (readout.text(parts, row) for parts in LINES) if line)


def _mb(elements: int) -> float:
    """Elements as float32 megabytes, rounded as the readout prints them (so Python and Vega format the same
    number)."""
    return round(elements * BYTES / 1e6, 1)


def _memory(body: dense_blocks.DenseNetBlocksCost) -> tuple[int, int, int]:
    """The dense blocks' activations in the order of :data:`MEMORY`, elements per image."""
    return (sum(dense_blocks.autograd_saved_elements(b) for b in body.blocks),
            sum(dense_blocks.memory_efficient_elements(b) for b in body.blocks), body.shared_elements)  # fmt: skip


def densenet_row(k: int, layers: int, bottleneck: bool, compression: bool) -> dict[str, Any]:
    """One setting: the whole network's counts, what training keeps of its dense blocks three ways (what
    autograd keeps of the zoo's blocks; a memory-efficient implementation; each map stored once, the floor),
    the channels out of each block and transition, and the paper's lines where Table 2 has the network."""
    net = densenet_network(k, layers, bottleneck, compression)
    body = net.body
    channels = []
    for block, trans in zip(body.blocks, (*body.transitions, None), strict=True):
        channels.append(str(block.out_channels))
        if trans is not None:
            channels.append(str(trans.out_channels))
    row: dict[str, Any] = {
        "k": k, "layers": layers, "bottleneck": int(bottleneck), "compression": int(compression),
        "depth": net.depth, "params": net.params, "macs": net.macs,
        "channels": " → ".join(channels),
    }  # fmt: skip
    for (field, _, _), elements in zip(MEMORY, _memory(body), strict=True):
        row[field] = _mb(elements)
        row[f"{field}_plot"] = float(f"{elements * BYTES / 1e6:.3g}")  # the panel's line: no rounding steps
    paper = table2_row(k, layers, bottleneck, THETA if compression else 1.0)
    if paper is not None:
        row["paper_a"], row["paper_b"] = paper_lines(paper)
    return row


def densenet_rows() -> list[dict[str, Any]]:
    return [densenet_row(k, n, b, c) for k in GROWTH_RATES for n in LAYERS for b in (False, True)
            for c in (False, True)]  # fmt: skip


def paper_points() -> list[dict[str, Any]]:
    """The error panel's points: Table 2's DenseNets, each at the zoo's parameter count of that network."""
    points = []
    for row in TABLE2:
        net = densenet_network(row.growth_rate, row.layers_per_block, row.bottleneck, row.compression < 1)
        assert net.depth == row.depth, f"{row.name}: the zoo's network has depth {net.depth}"
        points.append({
            "network": row.name, "variant": "DenseNet-BC" if row.bottleneck else "DenseNet", "params": net.params,
            "paper_params": row.params, "c10_plus": row.c10_plus, "c100_plus": row.c100_plus,
            "k": row.growth_rate, "layers": row.layers_per_block, "bottleneck": int(row.bottleneck),
            "compression": int(row.compression < 1),
        })  # fmt: skip
    return points


# --- the figure ------------------------------------------------------------------------------------------


def _decades(low: float, high: float) -> list[float]:
    """The powers of ten from below ``low`` to above ``high``: a log axis's ticks, one per decade."""
    return [10.0**e for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)]


CURRENT = "datum.k == k && datum.layers == layers && datum.bottleneck == (bottleneck ? 1 : 0) && " \
          "datum.compression == (compression ? 1 : 0)"  # fmt: skip
SAME_KNOBS = (
    "datum.k == k && datum.bottleneck == (bottleneck ? 1 : 0) && datum.compression == (compression ? 1 : 0)"
)


def _memory_panel(alt: Any, base: Any, rows: Sequence[dict[str, Any]]) -> Any:
    values = [r[f"{field}_plot"] for r in rows for field, _, _ in MEMORY]
    ticks = _decades(min(values), max(values))
    x = alt.X("layers:Q", title="layers per dense block (log scale)",
              scale=alt.Scale(type="log", domain=[1, LAYERS[-1]]),
              axis=alt.Axis(values=[1, 2, 4, 8, 16, 32, 48], format="d", grid=False))  # fmt: skip
    y_axis = alt.Axis(values=ticks, format="~g", title="MB per image (log scale)")
    same = base.transform_filter(SAME_KNOBS)
    marks = []
    for field, colour, label in MEMORY:
        marks.append(same.mark_line(color=theme.OKABE_ITO[colour], strokeWidth=2.5).encode(
            x=x, y=alt.Y(f"{field}_plot:Q", scale=alt.Scale(type="log", domain=[ticks[0], ticks[-1]]), axis=y_axis),
            tooltip=[alt.Tooltip("layers:Q"), alt.Tooltip(f"{field}:Q", title=f"MB, {label}")],
        ))  # fmt: skip
    current = base.transform_filter(CURRENT)
    for field, colour, _ in MEMORY:
        marks.append(current.mark_point(size=110, filled=True, color=theme.OKABE_ITO[colour], opacity=1,
                                        stroke=INK, strokeWidth=1).encode(x=x, y=alt.Y(f"{field}_plot:Q")))  # fmt: skip
    title = alt.Title("Cost: what training keeps of the blocks", subtitle=[
        "orange: what autograd keeps (grows with L²);", "blue: memory-efficient; green: each map",
        "stored once. Dots: the sliders' setting."])  # fmt: skip
    return alt.layer(*marks).properties(width=PANEL_WIDTH, height=170, title=title)


def _error_panel(alt: Any, points: list[dict[str, Any]]) -> Any:
    base = alt.Chart(alt.Data(name="densenet_paper"))
    ticks = _decades(min(p["params"] for p in points), max(p["params"] for p in points))
    errors = [p["c10_plus"] for p in points]
    x = alt.X("params:Q", title="parameters (log scale)", scale=alt.Scale(type="log", domain=[ticks[0], ticks[-1]]),
              axis=alt.Axis(format="~s", values=ticks))  # fmt: skip
    y = alt.Y("c10_plus:Q", title="C10+ test error (%)",
              scale=alt.Scale(domain=[math.floor(min(errors)) - 0.5, math.ceil(max(errors)) + 0.5], zero=False),
              axis=alt.Axis(tickCount=5))  # fmt: skip
    tip = [alt.Tooltip("network:N"), alt.Tooltip("params:Q", format=",", title="parameters (the zoo's)"),
           alt.Tooltip("paper_params:N", title="parameters (Table 2)"),
           alt.Tooltip("c10_plus:Q", title="C10+ error (%)"), alt.Tooltip("c100_plus:Q", title="C100+ error (%)")]  # fmt: skip
    colours = alt.Scale(domain=["DenseNet", "DenseNet-BC"],
                        range=[theme.OKABE_ITO["sky_blue"], theme.OKABE_ITO["bluish_green"]])  # fmt: skip
    dots = base.mark_point(size=70, filled=True, opacity=1).encode(
        x=x, y=y, color=alt.Color("variant:N", scale=colours, legend=None), tooltip=tip)  # fmt: skip
    current = base.transform_filter(CURRENT)
    ring = current.mark_point(size=300, filled=False, color=theme.OKABE_ITO["vermillion"], strokeWidth=2.5,
                              opacity=1).encode(x=x, y=y, tooltip=tip)  # fmt: skip
    label = current.mark_text(align="left", dx=12, dy=-10, fontSize=12, fontWeight="bold", color=INK).encode(
        x=x, y=y, text="network:N")  # fmt: skip
    title = alt.Title("Buys: the paper's C10+ test error", subtitle=[
        "Table 2: blue, DenseNet; green, DenseNet-BC.", "Orange ring: the sliders' network, where the",
        "paper trained it (elsewhere: no figure)."])  # fmt: skip
    return alt.layer(dots, ring, label).properties(width=PANEL_WIDTH, height=150, title=title)


def densenet_figure(
    k: int = EX.growth_rate, layers: int = EX.layers, bottleneck: bool = EX.bottleneck,
    compression: bool = EX.compression < 1,
) -> StaticFigure:  # fmt: skip
    """A CIFAR DenseNet's cost and what the paper reports it buys, with sliders ``k`` (4 to 48 in steps of 4)
    and ``layers`` per dense block (1 to 48), and boxes ``bottleneck`` (DenseNet-B) and ``compression``
    (DenseNet-C: θ = 0.5). The readout gives the network's name as the paper writes it, its parameters and
    multiply-adds, its dense blocks' activation memory three ways, the channels between blocks, and the
    errors of Table 2 where the paper trained that network. Two panels: the memory against the layers per
    block on log–log axes (what autograd keeps grows with L²; memory-efficient and stored once, with L), and
    Table 2's errors against parameters."""
    import altair as alt

    func = "densenet_figure"
    on_slider_grid(func, "k", k, list(GROWTH_RATES))
    on_slider_grid(func, "layers", layers, list(LAYERS))
    for name, value in (("bottleneck", bottleneck), ("compression", compression)):
        if not isinstance(value, bool):
            raise ValueError(f"{func}: {name} must be True or False (a box on the page), got {value!r}")
    params = [
        slider_param(alt, "k", k, list(GROWTH_RATES), "growth rate k"),
        slider_param(alt, "layers", layers, list(LAYERS), "layers per block"),
        alt.param(name="bottleneck", value=bottleneck, bind=alt.binding_checkbox(name="bottleneck (B) ")),
        alt.param(name="compression", value=compression,
                  bind=alt.binding_checkbox(name=f"compression θ = {THETA:g} (C) ")),
    ]  # fmt: skip
    rows = densenet_rows()
    points = paper_points()
    base = alt.Chart(alt.Data(name="densenet"))
    current = base.transform_filter(CURRENT)
    numbers = readout.layer(
        alt, current, [readout.expr(parts) for parts in LINES], PANEL_WIDTH, READOUT_NAMES
    )
    # The readout last, right above the sliders (drawn under the chart), so that the sliders and the numbers
    # they move are in view together
    chart = alt.vconcat(
        _memory_panel(alt, base, rows),
        _error_panel(alt, points),
        numbers,
        spacing=12,
    ).add_params(*params).properties(
        title=alt.Title(
            ["A CIFAR DenseNet (32×32): what k, the", "layers, B and C cost, and what they buy"],
            subtitle=["Move the sliders (below); the readout under", "the panels gives cost and the paper's errors."],
        ),
        datasets={"densenet": rows, "densenet_paper": points},
    )  # fmt: skip
    row = next(r for r in rows if (r["k"], r["layers"], r["bottleneck"], r["compression"])
               == (k, layers, int(bottleneck), int(compression)))  # fmt: skip
    fallback = " ".join(readout_text(row))
    alt_text = (
        "A CIFAR DenseNet's parameters, multiply-adds, the dense blocks' activations kept for training (three "
        "ways) and channels "
        "for a growth rate, layers per block, bottleneck and compression, with the test errors of the paper's "
        "Table 2 where it trained that network; a log–log chart of the memory against the layers per block, "
        "and a chart of Table 2's errors against parameters"
    )
    return static_figure(chart, alt_text, fallback, ["k", "layers", "bottleneck", "compression"])
