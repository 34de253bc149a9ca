"""The one visual theme of every cnnviz diagram: colours by layer kind, fonts, edges.

Colours are the Okabe–Ito palette (safe for the common colour-vision deficiencies). Nodes are filled with
mid-tone colours and carry dark text, edges and cluster labels are mid-grey and the background is
transparent, so a figure reads the same on the book's light and dark pages. Every fill below has a contrast
ratio of at least 4.5:1 against the node text colour (pinned by a test).
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

# Fill colour of a node by its kind (how a layer gets its kind: cnnviz.analysis.graph_nodes.describe).
FILL = {
    "conv": OKABE_ITO["sky_blue"],
    "pool": OKABE_ITO["bluish_green"],
    "norm": OKABE_ITO["yellow"],
    "activation": OKABE_ITO["reddish_purple"],
    "fc": OKABE_ITO["vermillion"],
    "merge": OKABE_ITO["orange"],  # add, concatenation, join
    "dropout": "#BBBBBB",
    "block": "#8FC7EA",  # a whole building block: a lighter sky blue (blocks are mostly convolutions)
    "stage": "#8FC7EA",  # a stage of repeated blocks; drawn with a double outline
    "input": "#DDDDDD",
    "other": "#BBBBBB",
}

TEXT = "#111111"  # node text: dark, on mid-tone fills
MUTED = "#808080"  # mid-grey: edges, cluster outlines and labels, captions (legible on white and on black)
OUTLINE = "#555555"
HIGHLIGHT = OKABE_ITO["vermillion"]  # outline of a changed layer in a diff diagram
SKIP = OKABE_ITO["orange"]  # shortcut edges (the input of a block carried to its add node)
FONT = "Helvetica,Arial,sans-serif"

GRAPH_ATTR = {
    "bgcolor": "transparent",
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
DIMMED = "#888888"  # parts of a block that a sampled sub-network drops (drop-path), drawn dashed
DIMMED_NODE_ATTR = {"fillcolor": "transparent", "color": DIMMED, "fontcolor": DIMMED, "style": "dashed,rounded"}
DIMMED_EDGE_ATTR = {"color": DIMMED, "style": "dashed", "penwidth": "0.8"}
SKIP_EDGE_ATTR = {"color": SKIP, "style": "dashed", "penwidth": "1.6"}
HIGHLIGHT_ATTR = {"color": HIGHLIGHT, "penwidth": "3.5"}


def fill(kind: str) -> str:
    """The fill colour of a node of ``kind``; unknown kinds get the neutral grey."""
    return FILL.get(kind, FILL["other"])


def contrast_ratio(colour_a: str, colour_b: str) -> float:
    """WCAG 2 contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(colour_a), luminance(colour_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
