"""Matplotlib figures of analysis records: the effective receptive field and its growth with depth, where a
network's memory and parameters live, and a count against depth.

Figures are built with the object API (``matplotlib.figure.Figure``), never pyplot: nothing global
changes (no current figure, no rcParams) and nothing is shown. Every figure is drawn on the theme's opaque
paper with dark text, ticks and spines (:mod:`cnnviz.render.theme`), so its contrast is the same on the
book's light and dark pages; legends sit in an opaque box (never straight on a heat map); the heat map uses
"viridis" (perceptually uniform, colour-blind safe). :func:`svg` writes text as SVG text, not glyph paths,
so the page can be searched and its contrast measured.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Rectangle

from cnnviz.analysis.erf import ERFResult, map_moments
from cnnviz.analysis.ledger import LayerRecord
from cnnviz.render.theme import INK, MUTED, OKABE_ITO, PAPER

__all__ = ["legend", "new_figure", "paper_figure", "plot_erf", "plot_erf_profile", "plot_erf_side_by_side", "plot_memory_and_params", "plot_counts", "style_axes", "svg"]

RF_COLOUR = OKABE_ITO["orange"]  # the theoretical receptive field
SD_COLOUR = OKABE_ITO["vermillion"]  # the 1-sd circle of the Gaussian fit
R95_COLOUR = OKABE_ITO["sky_blue"]


def style_axes(ax: Axes) -> None:
    """Dark grey ticks, spines and labels, dark titles, on the figure's paper."""
    ax.set_facecolor("none")  # the figure's opaque paper shows through
    ax.tick_params(colors=MUTED, labelcolor=MUTED)
    for spine in ax.spines.values():
        spine.set_color(MUTED)
    ax.xaxis.label.set_color(MUTED)
    ax.yaxis.label.set_color(MUTED)
    ax.title.set_color(INK)


def legend(ax: Axes, **kwargs: object):
    """``ax.legend(**kwargs)`` in an opaque paper box with dark text: legible over a heat map or lines."""
    box = ax.legend(framealpha=1.0, facecolor=PAPER, edgecolor=MUTED, labelcolor=INK, **kwargs)
    return box


def paper_figure(size: tuple[float, float]) -> Figure:
    """A constrained-layout figure on the theme's opaque paper."""
    return Figure(figsize=size, layout="constrained", facecolor=PAPER)


def svg(fig: Figure, alt: str = ""):
    """``fig`` as an inline SVG for a notebook: object-API figures have no notebook display of their own
    (that belongs to pyplot's inline backend, which cnnviz does not touch). The background is the figure's
    opaque paper; text stays text (``svg.fonttype`` "none", set for this save only).

    ``alt`` describes the figure for a screen reader: it becomes the SVG's ``<title>`` and ``aria-label``
    (the book's build turns it into the image's alt text).
    """
    import html
    import io

    import matplotlib
    from IPython.display import SVG

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", facecolor=PAPER)
    text = buffer.getvalue()
    if alt:
        label = html.escape(alt, quote=True)
        start = text.index("<svg")
        end = text.index(">", start)
        text = f'{text[:end]} role="img" aria-label="{label}"><title>{label}</title>{text[end + 1:]}'
    return SVG(text)


def new_figure(size: tuple[float, float]) -> tuple[Figure, Axes]:
    fig = paper_figure(size)
    return fig, fig.add_subplot()


def plot_erf(result: ERFResult, ax: Axes | None = None) -> Figure:
    """Heat map of ``result.grad_map`` with the theoretical receptive field (square) and the 1-sd circle.

    With ``ax`` the plot goes into that axes (and its figure is returned); otherwise a new figure.
    """
    if ax is None:
        fig, ax = new_figure((5.2, 4.3))
    else:
        fig = ax.get_figure()  # type: ignore[assignment]
    grad_map = np.asarray(result.grad_map)
    height, width = grad_map.shape
    image = ax.imshow(grad_map, cmap="viridis", vmin=0.0, vmax=1.0, interpolation="nearest")
    cy, cx, _sd = map_moments(grad_map)

    # the theoretical field of the chosen unit: pixels first..last span first-0.5 .. last+0.5
    rf = result.theoretical_rf
    centre = result.rf_centre if result.rf_centre is not None else (cy, cx)
    ax.add_patch(
        Rectangle(
            (centre[1] - rf / 2, centre[0] - rf / 2), rf, rf, fill=False, edgecolor=RF_COLOUR, linewidth=1.8,
            linestyle="--", label=f"theoretical RF {rf}px",
        )
    )  # fmt: skip
    ax.add_patch(
        Circle((cx, cy), result.radius_1sd, fill=False, edgecolor=SD_COLOUR, linewidth=1.8,
               label=f"1 sd radius {result.radius_1sd:.1f}px")
    )  # fmt: skip
    ax.add_patch(
        Circle((cx, cy), result.radius_95, fill=False, edgecolor=R95_COLOUR, linewidth=1.2, linestyle=":",
               label=f"95% radius {result.radius_95:.1f}px")
    )  # fmt: skip
    ax.set_xlim(-0.5, width - 0.5)
    ax.set_ylim(height - 0.5, -0.5)
    ax.set_xlabel("input x (pixels)")
    ax.set_ylabel("input y (pixels)")
    ax.set_title(
        f"{result.model} · {result.layer}\n"
        f"ERF: 1 sd {result.radius_1sd:.1f}px, 95% {result.radius_95:.1f}px; theoretical RF {rf}px",
        fontsize=10,
    )
    legend(ax, loc="lower right", fontsize=8)
    colorbar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    colorbar.set_label("|∂y/∂x|, normalised", color=MUTED)
    colorbar.ax.tick_params(colors=MUTED, labelcolor=MUTED)
    colorbar.outline.set_edgecolor(MUTED)  # type: ignore[operator]
    style_axes(ax)
    return fig


def plot_erf_side_by_side(results: Sequence[ERFResult]) -> Figure:
    """One :func:`plot_erf` panel per result, in a row (e.g. a plain and a residual network)."""
    if not results:
        raise ValueError("plot_erf_side_by_side: no results to draw")
    fig = paper_figure((5.0 * len(results), 4.3))
    for result, ax in zip(results, fig.subplots(1, len(results), squeeze=False)[0], strict=True):
        plot_erf(result, ax)
    return fig


def plot_erf_profile(results: Sequence[ERFResult], ax: Axes | None = None) -> Figure:
    """Effective radii (1 sd and 95% mass) and the theoretical half-width against depth.

    ``results`` are ERFs of successive layers of one network, in order of depth; the x axis is their
    position, labelled with the layer names.
    """
    results = list(results)
    if not results:
        raise ValueError("plot_erf_profile: results is empty; pass ERFResults of successive layers")
    if ax is None:
        fig, ax = new_figure((max(4.5, 0.6 * len(results) + 2.5), 3.6))
    else:
        fig = ax.get_figure()  # type: ignore[assignment]
    depth = np.arange(1, len(results) + 1)
    half_rf = [r.theoretical_rf / 2 for r in results]
    ax.plot(depth, half_rf, "s--", color=RF_COLOUR, label="theoretical RF / 2")
    ax.plot(depth, [r.radius_95 for r in results], "^:", color=R95_COLOUR, label="ERF 95% radius")
    ax.plot(depth, [r.radius_1sd for r in results], "o-", color=SD_COLOUR, label="ERF 1 sd radius")
    ax.set_xticks(depth, [r.layer for r in results], rotation=45 if len(results) > 4 else 0, ha="right"
                  if len(results) > 4 else "center")  # fmt: skip
    ax.set_xlabel("layer (depth →)")
    ax.set_ylabel("radius (input pixels)")
    models = sorted({r.model for r in results})
    ax.set_title(f"Effective vs theoretical receptive field: {', '.join(models)}", fontsize=10)
    ax.set_ylim(bottom=0)
    legend(ax, fontsize=8)
    ax.grid(True, color=MUTED, alpha=0.25)
    style_axes(ax)
    return fig


def _unit(values: Sequence[int]) -> tuple[float, str]:
    """Thousands or millions, whichever keeps the largest bar readable."""
    return (1e6, "millions") if max(values, default=0) >= 1e6 else (1e3, "thousands")


def plot_memory_and_params(
    rows: Sequence[LayerRecord],
    labels: Sequence[str] | None = None,
    *,
    weights_only: bool = False,
    titles: tuple[str, str] | None = None,
    size: tuple[float, float] | None = None,
) -> Figure:
    """Two horizontal bar charts sharing the layer axis: each row's output values per image (memory, left)
    and its parameters (right; ``weights_only``: weights without biases, the lecture's count).

    ``labels`` name the rows (default: the last part of each layer's name); ``titles`` head the two panels.
    """
    rows = list(rows)
    if not rows:
        raise ValueError("plot_memory_and_params: rows is empty; pass ledger rows, e.g. ledger.leaves()")
    labels = [r.name.split(".")[-1] for r in rows] if labels is None else list(labels)
    if len(labels) != len(rows):
        raise ValueError(f"plot_memory_and_params: {len(labels)} labels for {len(rows)} rows")
    memory = [r.activations for r in rows]
    params = [r.weights if weights_only else r.params for r in rows]
    (m_scale, m_unit), (p_scale, p_unit) = _unit(memory), _unit(params)
    fig = paper_figure(size or (8, max(3.4, 0.27 * len(rows) + 0.8)))
    ax_m, ax_p = fig.subplots(1, 2, sharey=True)
    positions = range(len(rows))
    ax_m.barh(positions, [v / m_scale for v in memory], color=OKABE_ITO["sky_blue"], edgecolor=MUTED)
    ax_p.barh(positions, [v / p_scale for v in params], color=OKABE_ITO["vermillion"], edgecolor=MUTED)
    ax_m.set_xlabel(f"memory: output values per image ({m_unit})")
    ax_p.set_xlabel(f"parameters{': weights' if weights_only else ''} ({p_unit})")
    ax_m.set_yticks(list(positions), labels)
    ax_m.invert_yaxis()
    for ax, title in zip((ax_m, ax_p), titles or ("", ""), strict=True):
        if title:
            ax.set_title(title, fontsize=10)
        ax.grid(True, axis="x", color=MUTED, alpha=0.25)
        style_axes(ax)
    return fig


def plot_counts(
    x: Sequence[int], counts: Sequence[int], *, xlabel: str, ylabel: str, title: str = ""
) -> Figure:
    """A count (parameters, multiply-adds) against ``x`` (e.g. depth), in millions, as a line with markers."""
    if len(x) != len(counts) or not x:
        raise ValueError(f"plot_counts: x and counts must be non-empty and of one length, got {len(x)} and {len(counts)}")
    fig, ax = new_figure((6, 3.2))
    ax.plot(list(x), [c / 1e6 for c in counts], marker="o", color=OKABE_ITO["blue"])
    ax.set(xlabel=xlabel, ylabel=f"{ylabel} (millions)", title=title)
    style_axes(ax)
    return fig
