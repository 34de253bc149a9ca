"""Training curves of the degradation experiment, drawn as He et al. 2016 draw their Fig. 6.

Two panels share the error axis: plain networks on the left, residual networks on the right; one colour per
depth, training error dashed and test error solid (the paper's thin and bold lines). The learning-rate drops
of the run are marked where its log records them. A curve is any record with ``model``, ``iterations``,
``train_error``, ``test_error`` and ``meta`` (``cnnviz.experiments.logs.RunLog`` is one): render does not
import the experiments layer below it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from cnnviz.format import percent
from cnnviz.render.plots import paper_figure, style_axes
from cnnviz.render.theme import MUTED, OKABE_ITO

__all__ = ["Curve", "curve_label", "family_and_depth", "final_errors_table", "plot_degradation"]

# One colour per depth of the paper's figure, in the order 20, 32, 44, 56 (then 110).
DEPTH_COLOURS = (OKABE_ITO["orange"], OKABE_ITO["sky_blue"], OKABE_ITO["bluish_green"],
                 OKABE_ITO["vermillion"], OKABE_ITO["reddish_purple"], OKABE_ITO["blue"])
FAMILY_TITLES = {"plain": "plain networks", "resnet": "residual networks (ResNet)"}


class Curve(Protocol):
    model: str
    iterations: Sequence[int]
    train_error: Sequence[float]
    test_error: Sequence[float]
    meta: Mapping[str, Any]


def family_and_depth(model: str) -> tuple[str, int]:
    """``plain56`` → ``("plain", 56)``, ``resnet20`` → ``("resnet", 20)``; ValueError for other names."""
    match = re.fullmatch(r"(plain|resnet)(\d+)", model)
    if not match:
        raise ValueError(
            f"model {model!r} is not a plain or residual CIFAR network "
            "(expected names like plain20 or resnet56)"
        )
    return match[1], int(match[2])


def curve_label(model: str) -> str:
    """``plain56`` → ``plain-56``, ``resnet20`` → ``ResNet-20`` (the paper's names)."""
    family, depth = family_and_depth(model)
    return f"{'plain' if family == 'plain' else 'ResNet'}-{depth}"


def _milestones(curves: Iterable[Curve]) -> tuple[int, ...]:
    found = {tuple(c.meta.get("config", {}).get("milestones", ())) for c in curves}
    return found.pop() if len(found) == 1 else ()  # runs with different schedules: mark none


def plot_degradation(curves: Mapping[str, Curve] | Sequence[Curve], *, title: str | None = None) -> Figure:
    """The error curves of plain and residual networks side by side (percent, per iteration)."""
    curves = list(curves.values()) if isinstance(curves, Mapping) else list(curves)
    if not curves:
        raise ValueError("plot_degradation: no curves to draw")
    by_family: dict[str, list[tuple[int, Curve]]] = {"plain": [], "resnet": []}
    for curve in curves:
        family, depth = family_and_depth(curve.model)
        by_family[family].append((depth, curve))
    depths = sorted({depth for pairs in by_family.values() for depth, _ in pairs})
    colour = {depth: DEPTH_COLOURS[i % len(DEPTH_COLOURS)] for i, depth in enumerate(depths)}
    families = [f for f in ("plain", "resnet") if by_family[f]]

    fig = paper_figure((4.6 * len(families), 3.6))
    axes = fig.subplots(1, len(families), sharey=True, squeeze=False)[0]
    milestones = _milestones(curves)
    top = max(max(max(c.train_error), max(c.test_error)) for c in curves) * 100
    for ax, family in zip(axes, families, strict=True):
        for depth, curve in sorted(by_family[family], key=lambda pair: pair[0]):
            label = curve_label(curve.model)
            ax.plot(curve.iterations, [100 * e for e in curve.train_error], color=colour[depth],
                    linestyle="--", linewidth=1.1, label=f"{label} training")
            ax.plot(curve.iterations, [100 * e for e in curve.test_error], color=colour[depth],
                    linestyle="-", linewidth=2.0, label=f"{label} test")
        for m in milestones:
            ax.axvline(m, color=MUTED, linewidth=0.8, linestyle=":")
        ax.set_title(FAMILY_TITLES[family])
        ax.set_xlabel("iteration")
        ax.set_ylim(0, min(100.0, top * 1.05))
        ax.grid(axis="y", color=MUTED, alpha=0.25, linewidth=0.6)
        style_axes(ax)
    axes[0].set_ylabel("error (%)")
    handles = [Line2D([], [], color=colour[d], linewidth=2.0, label=f"{d} layers") for d in depths]
    handles += [Line2D([], [], color=MUTED, linestyle="--", linewidth=1.1, label="training error"),
                Line2D([], [], color=MUTED, linestyle="-", linewidth=2.0, label="test error")]
    if milestones:
        handles.append(Line2D([], [], color=MUTED, linestyle=":", linewidth=0.8, label="learning rate ÷ 10"))
    legend = fig.legend(handles=handles, loc="outside right center", frameon=False, fontsize=9)
    for text in legend.get_texts():
        text.set_color(MUTED)
    if title:
        fig.suptitle(title, color=MUTED, fontsize=10)
    return fig


def final_errors_table(finals: Iterable[Any], reported: Mapping[str, float] | None = None,
                       reported_title: str = "paper") -> str:
    """Markdown: each network's last logged training and test error (records with ``model``, ``iterations``,
    ``train_error`` and ``test_error``, e.g. ``cnnviz.experiments.logs.summarize``), and the error the paper
    reports for it where ``reported`` has one."""
    reported = reported or {}
    lines = [f"| network | iterations | training error | test error | {reported_title} |", "|:---|---:|---:|---:|---:|"]
    for row in finals:
        paper = percent(reported[row.model], 2) if row.model in reported else "–"
        lines.append(f"| {curve_label(row.model)} | {row.iterations:,} | {percent(row.train_error, 1)} "
                     f"| {percent(row.test_error, 1)} | {paper} |")
    return "\n".join(lines) + "\n"
