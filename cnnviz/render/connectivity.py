"""The connectivity matrix of a dense block: which layer receives which earlier output (matplotlib)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from cnnviz.render.plots import new_figure, style_axes
from cnnviz.render.theme import MUTED, OKABE_ITO

__all__ = ["plot_connectivity"]


def plot_connectivity(matrix: np.ndarray, channels: Sequence[int], title: str = "") -> Figure:
    """Draw ``matrix`` (rows: layers 1 … L then the block output; columns: the block input, then layers
    1 … L; True = the receiver gets the source's output unchanged, as
    :func:`cnnviz.analysis.claims.densenet.measured_connectivity` measures it). ``channels`` gives the
    width of each source (k₀, then k for each layer); each row is labelled with what it receives."""
    matrix = np.asarray(matrix, dtype=bool)
    rows, cols = matrix.shape
    if len(channels) != cols:
        raise ValueError(f"plot_connectivity: {len(channels)} channel counts for {cols} sources")
    # wide enough for the row labels and the axis titles beside a small grid (they were clipped at 7 sources)
    fig, ax = new_figure((max(4.8, 1.8 + 0.42 * cols), 1.3 + 0.38 * rows))
    cmap = ListedColormap(["#00000000", OKABE_ITO["sky_blue"]])
    ax.imshow(matrix, cmap=cmap, vmin=0, vmax=1, interpolation="nearest", aspect="equal")
    ax.set_xticks(range(cols), ["input", *(str(i) for i in range(1, cols))], fontsize=8)
    received = [int(np.dot(matrix[j], channels)) for j in range(rows)]
    labels = [f"layer {j + 1} ({received[j]:,})" for j in range(rows - 1)] + [f"output ({received[-1]:,})"]
    ax.set_yticks(range(rows), labels, fontsize=8)
    ax.set_xticks(np.arange(-0.5, cols), minor=True)
    ax.set_yticks(np.arange(-0.5, rows), minor=True)
    ax.grid(which="minor", color=MUTED, linewidth=0.4, alpha=0.5)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("source: the block input, then layer ℓ's output")
    ax.set_ylabel("receiver (channels it receives)")
    style_axes(ax)
    ax.grid(which="major", visible=False)
    if title:
        ax.set_title(title, fontsize=10)
    return fig
