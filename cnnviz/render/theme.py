"""The one visual theme of every cnnviz figure: diagrams (Graphviz), plots (matplotlib), the kernel-free
figures (Vega-Lite) and the colours of the book's stylesheet. Every colour a figure uses is named here.

The book's site follows the reader's light or dark setting, but a figure is an image (an SVG ``<img>`` or a
Vega chart) whose text colours are fixed when it is drawn. So every figure is drawn on an opaque light
"paper" (:data:`PAPER`) with dark text (:data:`INK`, :data:`MUTED`): its contrast is the same in both modes,
in JupyterLab's dark theme and on Colab. Colours are the Okabe–Ito palette (safe for the common
colour-vision deficiencies); node fills are light tints of it. Every text colour has a contrast ratio of at
least 4.5:1 (WCAG AA for small text) against everything it is drawn on (pinned by tests).
"""

from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design": the eight colours, by name.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}



def tint(colour: str, amount: float) -> str:
    """``colour`` (``#RRGGBB``) mixed with ``amount`` (0 to 1) of white."""
    if not 0 <= amount <= 1:
        raise ValueError(f"tint: amount must be between 0 and 1, got {amount!r}")
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02X}" for c in channels)


PAPER = "#FFFFFF"  # the opaque background of every figure, in both of the site's modes
INK = "#1A1A1A"  # text on PAPER and on the node fills
MUTED = "#595959"  # secondary text, ticks, edges and cluster labels: 7.0:1 on PAPER

# Fill colour of a node by its kind (how a layer gets its kind: cnnviz.analysis.graph_nodes.describe).
# Dark colours (bluish green, vermillion, reddish purple) are tinted so that dark text on them stays
# well above 4.5:1 and reads as text on a light box, not black on a dark one.
FILL = {
    "conv": OKABE_ITO["sky_blue"],
    "pool": tint(OKABE_ITO["bluish_green"], 0.35),
    "norm": OKABE_ITO["yellow"],
    "activation": tint(OKABE_ITO["reddish_purple"], 0.35),
    "fc": tint(OKABE_ITO["vermillion"], 0.35),
    "merge": OKABE_ITO["orange"],  # add, concatenation, join
    "dropout": "#BBBBBB",
    "block": "#8FC7EA",  # a whole building block: a lighter sky blue (blocks are mostly convolutions)
    "stage": "#8FC7EA",  # a stage of repeated blocks; drawn with a double outline
    "input": "#DDDDDD",
    "other": "#BBBBBB",
}
# The colour key's words for each kind, in the order the key lists them.
KIND_NAMES = {
    "input": "input",
    "conv": "convolution",
    "block": "block",
    "stage": "stage (repeated blocks)",
    "norm": "normalisation",
    "activation": "activation",
    "pool": "pooling",
    "merge": "merge (add / concat)",
    "dropout": "dropout",
    "fc": "fully connected",
    "other": "other",
}

TEXT = INK  # node text
OUTLINE = "#555555"
HIGHLIGHT = OKABE_ITO["vermillion"]  # outline of a changed layer in a diff diagram
SKIP = OKABE_ITO["orange"]  # shortcut edges (the input of a block carried to its add node)
FONT = "Helvetica,Arial,sans-serif"

GRAPH_ATTR = {
    "bgcolor": PAPER,
    "pad": "0.15",
    "fontname": FONT,
    "fontsize": "11",
    "fontcolor": MUTED,
    "nodesep": "0.25",
    "ranksep": "0.3",
}
NODE_ATTR = {
    "shape": "box",
    "style": "filled,rounded",
    "fontname": FONT,
    "fontsize": "10",
    "fontcolor": TEXT,
    "color": OUTLINE,
    "penwidth": "1",
    "margin": "0.12,0.04",
}
EDGE_ATTR = {"color": MUTED, "arrowsize": "0.6", "penwidth": "1.2", "fontname": FONT, "fontcolor": MUTED}
CLUSTER_ATTR = {
    "style": "rounded,dashed",
    "color": MUTED,
    "fontcolor": MUTED,
    "fontname": FONT,
    "fontsize": "10",
    "labeljust": "l",
    "labelloc": "t",
}
DIMMED = "#6E6E6E"  # parts of a block that a sampled sub-network drops (drop-path), drawn dashed
DIMMED_NODE_ATTR = {"fillcolor": "transparent", "color": DIMMED, "fontcolor": DIMMED, "style": "dashed,rounded"}
DIMMED_EDGE_ATTR = {"color": DIMMED, "style": "dashed", "penwidth": "0.8"}
SKIP_EDGE_ATTR = {"color": SKIP, "style": "dashed", "penwidth": "1.6"}
HIGHLIGHT_ATTR = {"color": HIGHLIGHT, "penwidth": "3.5"}


def fill(kind: str) -> str:
    """The fill colour of a node of ``kind``; unknown kinds get the neutral grey."""
    return FILL.get(kind, FILL["other"])


# Verdict colours of the claims tables on PAPER (the site's stylesheet sets lighter ones for dark mode).
HOLDS = "#00704F"  # a darkened bluish green: 6.1:1 on white
OFF = "#B34700"  # a darkened vermillion: 5.5:1 on white
# The site's dark page (pydata-sphinx-theme's dark background) and the verdict colours on it.
DARK_PAGE = "#121212"
HOLDS_ON_DARK = "#4CD3A5"
OFF_ON_DARK = "#FF9F66"


def contrast_ratio(colour_a: str, colour_b: str) -> float:
    """WCAG 2 contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(colour_a), luminance(colour_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
