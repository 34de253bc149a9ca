"""Diagrams of the zoo's networks, of their building blocks and of what changed between two networks:
graph records from :mod:`cnnviz.analysis` drawn with graphviz. Nothing here builds, traces or runs a model.

* :func:`draw_network` draws a :class:`~cnnviz.analysis.graph.NetworkGraph`; :func:`network_diagram` is
  ``draw_network(network_graph(model, level, ...))`` (levels ``"network"``, ``"block"``, ``"layer"``).
* :func:`module_diagram` — one building block of the lecture (inception, residual, ResNeXt, dense, fire,
  mlpconv, fractal, stochastic depth, 3×3 stack vs one large filter): the zoo's own block at the
  lecture's sizes (:mod:`cnnviz.models.figures`), its graphs from :func:`cnnviz.analysis.graph.module_graphs`.
* :func:`diff_diagram` — two networks side by side with exactly the layers that differ highlighted
  (:func:`cnnviz.analysis.diff.network_diff`; the changes as data: :func:`cnnviz.analysis.diff.layer_diff`).

Every diagram's caption says what its drawing call did, worded here from the graph's records
(:func:`caption_facts`): which blocks were drawn as one node and why, or that none were; what its dashed
arrows and boxes are; what is dimmed. The same words are the diagram's ``caption`` attribute, for the
page's own caption. The caption and colour key are one table at the bottom of the drawing.

All in the one theme of :mod:`cnnviz.render.theme`. The DOT source is deterministic: node names are
qualified layer names (``layer1.0.conv1``), which also become the ``<title>`` and ``id`` of each node in
the SVG. Graphviz does the layout (we only describe the graph).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import graphviz

from cnnviz.analysis.diff import network_diff
from cnnviz.analysis.graph import (
    DEFAULT_MAX_NODES,
    DEFAULT_MAX_REPEATS,
    Collapsed,
    GraphEdge,
    GraphNode,
    NetworkGraph,
    module_graphs,
    network_graph,
)
from cnnviz.analysis.resolve import resolve_model
from cnnviz.format import compact_count, hwc
from cnnviz.models.figures import MODULE_KINDS
from cnnviz.render import theme

if TYPE_CHECKING:
    from torch import nn

__all__ = [
    "MODULE_KINDS",
    "Diagram",
    "caption_facts",
    "GraphvizNotFoundError",
    "diff_diagram",
    "draw_network",
    "merged_graph",
    "module_diagram",
    "network_diagram",
    "save_svg",
]

RANKDIRS = ("TB", "LR", "BT", "RL")

INSTALL_HINT = (
    "Graphviz's 'dot' program is needed to draw diagrams and was not found on PATH. Install Graphviz: "
    "'sudo apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' (macOS) or "
    "'conda install -c conda-forge graphviz'; on Binder it comes from apt.txt. "
    "The DOT source is still available as diagram.source."
)


# --- display and saving ---------------------------------------------------------------------------


class GraphvizNotFoundError(RuntimeError):
    """The Graphviz ``dot`` executable is missing; the message says how to install it."""


class Diagram(graphviz.Digraph):
    """A ``graphviz.Digraph`` (shown inline by Jupyter) whose rendering explains a missing Graphviz.

    ``caption``: what the drawing call did (:func:`caption_facts` joined with "; ", no final full stop), for
    a page to cite under the figure; the drawing carries the same words above its colour key. Setting the
    graph's label to a plain string (``diagram.attr(label="...")``) replaces the caption's title line only:
    what the call did and the colour key stay, so no chapter can drop them by retitling a diagram.
    """

    caption: str = ""
    _kinds: tuple[str, ...] = ()
    _facts: tuple[str, ...] = ()
    _keyed: bool = False

    def attr(self, kw: str | None = None, _attributes=None, **attrs) -> None:  # type: ignore[override]
        label = attrs.get("label")
        if self._keyed and kw in (None, "graph") and isinstance(label, str) and not label.startswith("<"):
            lines = label.replace("\n", "\\n").split("\\n")
            attrs["label"] = colour_key(self._kinds, "\\n".join([*lines, *self._facts]))
        super().attr(kw, _attributes=_attributes, **attrs)

    def pipe(self, *args, **kwargs):  # type: ignore[override]
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotFoundError(INSTALL_HINT) from None

    def render(self, *args, **kwargs):  # type: ignore[override]
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotFoundError(INSTALL_HINT) from None


def save_svg(diagram: graphviz.Digraph, path: str | Path) -> Path:
    """Render ``diagram`` with Graphviz ``dot`` and write it as SVG to ``path``; returns the path."""
    path = Path(path)
    try:
        svg = diagram.pipe(format="svg")
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFoundError(INSTALL_HINT) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(svg)
    return path


# --- captions: what the drawing call did ----------------------------------------------------------

_WHY = {
    "max_repeats": "stages of more than {limit} blocks keep only their first and last apart",
    "max_nodes": "to stay under {limit} blocks and layers",
    "requested": "",
}


def _unit(c: Collapsed) -> str:
    """What the collapsed children of ``c`` are, in the plural: "paths" when they are the paths of one block
    (their container is named ``paths``, or they are ``...Path`` modules, as in ResNeXt's Fig. 3a), else
    "blocks" (the blocks of a stage)."""
    return "paths" if c.stage.rpartition(".")[2] == "paths" or c.block.endswith("Path") else "blocks"


def _blocks(c: Collapsed) -> str:
    return f"{_unit(c)} {c.start + 1}–{c.stop} of {c.of}"  # 1-based, as a reader counts blocks or paths


def _where(c: Collapsed) -> str:
    """The collapsed children with their container ("layer3: blocks 2–22 of 23"), the container left out
    where its name is the children's ("paths 2–31 of 32", not "paths: paths 2–31 of 32")."""
    return _blocks(c) if c.stage.rpartition(".")[2] == _unit(c) else f"{c.stage}: {_blocks(c)}"


# The colour key's entry for a node that stands for collapsed paths of one block (drawn like a stage).
COLLAPSED_PATHS = "collapsed paths"
_KEY_FILL = {COLLAPSED_PATHS: "stage"}  # key entries that are not node kinds: the kind whose colour they use


def key_kinds(g: NetworkGraph) -> set[str]:
    """The colour key's entries for a drawing of ``g``: the kinds of its nodes, with "stage" named
    :data:`COLLAPSED_PATHS` when every node drawn as a stage stands for collapsed paths of a block."""
    kinds = {n.kind for n in g.nodes}
    paths = {c.node for c in g.collapsed if _unit(c) == "paths"}
    stages = {n.name for n in g.nodes if n.kind == "stage"}
    if paths and stages and stages <= paths:
        kinds = (kinds - {"stage"}) | {COLLAPSED_PATHS}
    return kinds


def _collapse_facts(g: NetworkGraph) -> list[str]:
    whole = [c for c in g.collapsed if c.why == "level"]
    facts = []
    if whole:
        stages = ", ".join(f"{c.stage} ({c.of} blocks)" for c in whole)
        facts.append(f"each stage drawn as one node: {stages}")
    parts = [c for c in g.collapsed if c.why != "level"]
    for why in dict.fromkeys(c.why for c in parts):
        same = [c for c in parts if c.why == why]
        if len(same) == 1:
            text = f"{_where(same[0])} drawn as one node"
        else:
            text = "drawn as one node each: " + ", ".join(_where(c).replace(": ", " ", 1) for c in same)
        reason = _WHY.get(why, why).format(limit=same[0].limit)
        facts.append(text + (f" ({reason})" if reason else ""))
    if not g.collapsed:
        unit = "layer" if g.level == "layer" else "block"
        facts.append(
            "no stage of repeated blocks (none collapsed)"
            if g.level == "network"
            else f"every {unit} drawn (none collapsed)"
        )
    return facts


def caption_facts(g: NetworkGraph, *, clusters: bool = True, dimmed: bool = False) -> list[str]:
    """What a drawing of ``g`` did, worded from its records, one fact per line: which blocks are drawn as
    one node and why (``g.collapsed``, checked against the nodes when ``g`` was built), or that none are;
    what the dashed arrows are (shortcuts, when ``g`` has any) and, with ``clusters``, the dashed boxes;
    the running concatenation; with ``dimmed``, what the dimmed parts are."""
    facts = _collapse_facts(g)
    if any(e.skip for e in g.edges):
        projected = any(n.detail.startswith("shortcut") for n in g.nodes)
        facts.append(
            "dashed orange arrows: shortcuts (a block's input, carried to its add)"
            + ("; a projection on a shortcut is its own node beside the block" if projected else "")
        )
    if g.running_concat:
        facts.append(
            "each concat drawn from the previous concat and the newest output (the same tensor as "
            "joining every earlier output, drawn with fewer arrows)"
        )
    if clusters and any(n.clusters for n in g.nodes):
        facts.append("dashed boxes: the stages and modules their nodes belong to")
    if dimmed:
        facts.append("grey, dashed: the layers and arrows this sample drops")
    return facts


def _sentence(facts: list[str]) -> str:
    """The facts as one clause for a page's caption ("every block drawn (none collapsed); dashed ...")."""
    return "; ".join(facts)


# --- drawing --------------------------------------------------------------------------------------


def _label(node: GraphNode, *, show_macs: bool, show_rf: bool, show_names: bool, wrap: int = 34) -> str:
    """The node's text: what it is (named, at the top level), then its numbers; numbers much wider than the
    description go on lines of their own, so wide networks (an Inception module's four branches) stay
    narrow enough to be read at the column's width."""
    head = node.detail
    if show_names and node.name != "input" and not node.clusters:  # inside a cluster, the cluster names it
        head = (
            node.name  # a node of merged layers (merged_graph): its name says it, the caption says what it holds
            if not node.detail
            else f"{node.name}: {node.detail}"
            if len(node.name) + len(node.detail) <= wrap
            else f"{node.name}\\n{node.detail}"
        )
    numbers = [hwc(node.output_shape, "×")]
    if node.params:
        numbers.append(f"{compact_count(node.params)} params")
    if show_macs and node.macs:
        numbers.append(f"{compact_count(node.macs)} MACs")
    if show_rf and node.rf is not None:
        numbers.append(f"RF {node.rf}")
    tail = " · ".join(x for x in numbers if x)
    width = max(len(line) for line in head.split("\\n"))
    if len(tail) > width and len(numbers) > 1:
        tail = numbers[0] + "\\n" + " · ".join(numbers[1:])
    return f"{head}\\n{tail}" if tail else head


KEY_COLUMNS = 4  # colour-key cells per row: a narrow diagram keeps its width
CAPTION_WIDTH = 72  # characters per caption line: a long fact must not widen the drawing


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrap(line: str, width: int = CAPTION_WIDTH) -> list[str]:
    """``line`` in lines of at most ``width`` characters, broken after its " · " and "; " separators where
    it can ("25.6M params" stays on one line), elsewhere at spaces."""
    pieces = [p for p in re.split(r"(?<= · )|(?<=; )", line) if p]
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + len(piece.rstrip()) <= width:
            lines[-1] += piece
        else:
            lines.extend(textwrap.wrap(piece, width) or [piece])
            if piece.endswith(" "):
                lines[-1] += " "
    return [x.rstrip() for x in lines]


def colour_key(kinds: Collection[str], caption: str = "") -> str:
    """The diagram's caption and its colour key as a Graphviz HTML-like label: the caption's lines (wrapped at
    :data:`CAPTION_WIDTH` characters), then one cell per node kind drawn (in
    :data:`cnnviz.render.theme.KIND_NAMES` order), filled with that kind's colour. The table is painted in
    the paper's colour, so that its box is the first shape of the drawing after the background (the book's
    site finds the key there, to keep it in view below a diagram that scrolls)."""
    order = [x for k in theme.KIND_NAMES for x in (k, *(e for e, f in _KEY_FILL.items() if f == k))]
    ordered = [k for k in order if k in kinds] + sorted(set(kinds) - set(order))
    cells = [
        f'<TD BGCOLOR="{theme.fill(_KEY_FILL.get(k, k))}"><FONT COLOR="{theme.TEXT}">'
        f"{_html(theme.KIND_NAMES.get(k, k))}</FONT></TD>"
        for k in ordered
    ]
    rows = ["<TR>" + "".join(cells[i : i + KEY_COLUMNS]) + "</TR>" for i in range(0, len(cells), KEY_COLUMNS)]
    wrapped = [part for line in caption.split("\\n") if line for part in _wrap(line)]
    lines = [f'<TR><TD COLSPAN="{KEY_COLUMNS}" BORDER="0">{_html(line)}</TD></TR>' for line in wrapped]
    key = f'<TR><TD COLSPAN="{KEY_COLUMNS}" BORDER="0" ALIGN="LEFT">colour key:</TD></TR>' if cells else ""
    body = "".join(lines) + key + "".join(rows)
    return (
        f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="3" COLOR="{theme.OUTLINE}" '
        f'BGCOLOR="{theme.PAPER}">{body}</TABLE>>'
    )


def _new_digraph(
    name: str, rankdir: str, caption: str, kinds: Collection[str] = (), facts: list[str] | None = None
) -> Diagram:
    """A themed digraph whose label is ``caption``, then ``facts`` (one line each), then the colour key."""
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    facts = facts or []
    caption = "\\n".join(x for x in (caption, *facts) if x)
    dot = Diagram(name=name, graph_attr={**theme.GRAPH_ATTR, "rankdir": rankdir})
    dot.caption = _sentence(facts)
    dot.attr("node", **theme.NODE_ATTR)
    dot.attr("edge", **theme.EDGE_ATTR)
    if caption or kinds:
        dot.attr(label=colour_key(kinds, caption), labelloc="b", fontcolor=theme.INK)
        dot._kinds, dot._facts, dot._keyed = tuple(kinds), tuple(facts), True
    return dot


def _emit(
    dot: graphviz.Digraph,
    g: NetworkGraph,
    *,
    prefix: str = "",
    show_macs: bool = False,
    show_rf: bool = False,
    show_names: bool = True,
    clusters: bool = True,
    highlight: Mapping[str, str] | None = None,
    extra_clusters: tuple[str, ...] = (),
    surviving: tuple[Collection[str], Collection[tuple[str, str]]] | None = None,
    loose: Collection[str] = (),
    wrap: int = 34,
) -> None:
    """Add ``g``'s nodes (in nested clusters) and edges to ``dot``; node ids are ``prefix + name``.

    ``loose`` (node names): the arrows into them do not rank them below their source (a new column).
    ``wrap``: a node's name and description longer than this together go on two lines.

    ``surviving`` (node names, (tail, head) edges): a sub-network of ``g``; everything else is drawn dashed.
    """
    highlight = highlight or {}
    tree: dict[tuple[str, ...], list[GraphNode]] = {}
    for node in g.nodes:
        path = extra_clusters + (node.clusters if clusters else ())
        tree.setdefault(path, []).append(node)

    def node_attrs(node: GraphNode) -> dict[str, str]:
        label = _label(node, show_macs=show_macs, show_rf=show_rf, show_names=show_names, wrap=wrap)
        attrs = {
            "label": label,
            "fillcolor": theme.fill(node.kind),
            "id": prefix + node.name,
            "tooltip": f"{node.name} ({node.detail})",
        }
        if node.kind == "stage":
            attrs["peripheries"] = "2"
        if node.kind == "merge" and node.detail.split(" ")[0] in ("add", "concat"):
            attrs["shape"] = "box"
        if node.name in highlight:
            attrs.update(theme.HIGHLIGHT_ATTR)
            attrs["label"] = f"{highlight[node.name]} {label}"
        if surviving is not None and node.name not in surviving[0] and node.name != "input":
            attrs.update(theme.DIMMED_NODE_ATTR)
        return attrs

    def emit_at(graph: graphviz.Digraph, path: tuple[str, ...]) -> None:
        for node in tree.get(path, []):
            graph.node(prefix + node.name, **node_attrs(node))
        children = []
        for p in tree:
            if len(p) > len(path) and p[: len(path)] == path and p[: len(path) + 1] not in children:
                children.append(p[: len(path) + 1])
        for child in children:
            cluster = child[-1]
            with graph.subgraph(name=f"cluster_{prefix}{cluster}") as sub:
                label = cluster if cluster in extra_clusters else g.cluster_labels.get(cluster, cluster)
                sub.attr(label=label, id=f"cluster_{prefix}{cluster}", **theme.CLUSTER_ATTR)
                emit_at(sub, child)

    emit_at(dot, ())
    for e in g.edges:
        attrs = theme.SKIP_EDGE_ATTR if e.skip else {}
        if surviving is not None and not e.skip and (e.src, e.dst) not in surviving[1]:
            attrs = theme.DIMMED_EDGE_ATTR
        if e.dst in loose:
            attrs = {**attrs, "constraint": "false"}
        dot.edge(prefix + e.src, prefix + e.dst, **attrs)


def network_diagram(
    model: str | nn.Module,
    level: str = "network",
    input_size: tuple[int, int, int] | None = None,
    rankdir: str = "TB",
    *,
    show_macs: bool = False,
    show_rf: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    max_repeats: int | None = DEFAULT_MAX_REPEATS,
    fold_activations: bool | None = None,
    merge: Mapping[str, Sequence[str]] | None = None,
    heads: Mapping[str, str] | None = None,
    columns: Collection[str] = (),
    **model_kwargs: object,
) -> Diagram:
    """Draw ``model`` (a registry name or an nn.Module) at ``level``: "network", "block" or "layer".

    Each node shows its output shape (H×W×C) and parameters, optionally its MACs and receptive field;
    every number comes from the ledger. Returns a ``graphviz.Digraph`` (shown inline in Jupyter; see
    :func:`save_svg`). See :func:`cnnviz.analysis.graph.network_graph` for ``max_repeats``, ``max_nodes``
    and ``fold_activations``. The caption (and ``Diagram.caption``) says what was drawn as one node.

    ``merge`` (node name -> module paths) draws each group as one node (:func:`merged_graph`): a whole
    network on one screen, e.g. ``{"stem": ("conv1", ..., "maxpool2"), "inception3a": ("inception3a",)}``.
    ``heads`` (module path -> the node it reads) draws submodules that only training runs (GoogLeNet's
    auxiliary classifiers) beside the node they read, dashed, measured on that node's output. The caption
    says what was merged and what the dashed heads are. ``columns`` (node names) starts a new column of the
    drawing at each of them, beside the previous one (a long chain on one screen); the arrow into it
    crosses over from the bottom of the previous column.
    """
    module = model
    if heads:  # the heads are measured on the module itself: build it once, for the graph and for them
        module, _, size = resolve_model(model, input_size, dict(model_kwargs), where="network_diagram")
        input_size, model_kwargs = size, {}
    g = network_graph(
        module,
        level,
        input_size,
        max_nodes=max_nodes,
        max_repeats=max_repeats,
        fold_activations=fold_activations,
        show_rf=show_rf,
        where="network_diagram",
        **model_kwargs,
    )
    if not merge and not heads and not columns:
        return draw_network(g, rankdir, show_macs=show_macs, show_rf=show_rf)
    facts = caption_facts(g)
    if merge:
        merged = merged_graph(g, merge, where="network_diagram")
        facts = [f for f in caption_facts(merged) if not f.startswith("no stage of repeated blocks")]
        facts = _merge_facts(g, merge) + facts
        g = merged
    drawn_heads = _heads(module, g, heads or {}) if heads else []  # type: ignore[arg-type]
    if drawn_heads:
        facts.append(_heads_fact(module, g, drawn_heads))  # type: ignore[arg-type]
    if isinstance(columns, str) or any(c not in {n.name for n in g.nodes} for c in columns):
        top = ", ".join(n.name for n in g.nodes if "." not in n.name)
        raise ValueError(f"network_diagram: columns must be node names of the drawing, got {columns!r}; nodes: {top}")
    name = f"{g.model}_{g.level}" + ("_merged" if merge else "")
    dot = _draw(g, rankdir, show_macs=show_macs, show_rf=show_rf, facts=facts, name=name, columns=columns)
    for node, target in drawn_heads:
        label = _label(node, show_macs=show_macs, show_rf=False, show_names=True, wrap=0 if columns else 34)
        dot.node(node.name, label=label, fillcolor=theme.fill(node.kind), id=node.name,
                 tooltip=f"{node.name} ({node.detail})", style="filled,rounded,dashed")  # fmt: skip
        dot.edge(target, node.name, **theme.DIMMED_EDGE_ATTR)
    return dot


def merged_graph(g: NetworkGraph, merge: Mapping[str, Sequence[str]], *, where: str = "merged_graph") -> NetworkGraph:
    """``g`` with each group of ``merge`` (node name -> module paths) drawn as one node: every node that is
    one of the paths or lies inside one (by its name or its boxes) joins the group's node, which sums their
    parameters and MACs and has the output shape of the last of them; arrows inside a group are dropped.
    A group of one module whose box ``g`` draws (an Inception module) is described by its class."""
    if not isinstance(merge, Mapping):
        raise ValueError(f"{where}: merge must map a node name to the module paths it stands for, got {merge!r}")

    def inside(node: GraphNode, path: str) -> bool:
        return node.name == path or node.name.startswith(path + ".") or path in node.clusters

    names = {n.name for n in g.nodes}
    owner: dict[str, str] = {}
    for name, paths in merge.items():
        if not isinstance(name, str) or not name or isinstance(paths, str) or not paths:
            raise ValueError(f"{where}: merge[{name!r}] must be a non-empty sequence of module paths, got {paths!r}")
        mine = set()
        for path in paths:
            hit = [n.name for n in g.nodes if n.name != "input" and isinstance(path, str) and inside(n, path)]
            if not hit:
                top = ", ".join(n.name for n in g.nodes if "." not in n.name and n.name != "input")
                raise ValueError(f"{where}: merge[{name!r}]: no node of {g.model} is {path!r} or inside it; "
                                 f"its top-level nodes: {top}")  # fmt: skip
            for h in hit:
                if owner.get(h, name) != name:
                    raise ValueError(f"{where}: node {h!r} is in two groups of merge, {owner[h]!r} and {name!r}")
                owner[h] = name
                mine.add(h)
        if name in names and name not in mine:
            raise ValueError(f"{where}: merge[{name!r}]: {g.model} already has a node {name!r} outside the group")
    nodes: list[GraphNode] = []
    for node in g.nodes:
        group = owner.get(node.name)
        if group is None:
            nodes.append(node)
            continue
        if any(n.name == group for n in nodes):
            continue
        parts = [n for n in g.nodes if owner.get(n.name) == group]
        paths = merge[group]
        label = g.cluster_labels.get(paths[0], "") if len(paths) == 1 else ""
        # a node of several layers is named by its group (the caption says what the group holds); one layer
        # merged alone keeps its own description
        detail = "" if len(parts) > 1 or label else parts[0].detail
        clusters = tuple(
            c for c in parts[0].clusters
            if all(c in p.clusters for p in parts) and not any(c == q or c.startswith(q + ".") for q in paths)
        )  # fmt: skip
        members = tuple(dict.fromkeys(m for p in parts for m in p.members))
        # the kind of its one layer with weights (a classifier after its dropout), else a block
        weighted = [p for p in parts if p.params]
        kind = weighted[0].kind if len(weighted) == 1 and not label else "block" if len(parts) > 1 or label else parts[0].kind
        nodes.append(GraphNode(group, kind, detail,
                               parts[-1].output_shape, sum(p.params for p in parts), sum(p.macs for p in parts),
                               members, clusters, parts[-1].rf))  # fmt: skip
    edges: list[GraphEdge] = []
    for e in g.edges:
        edge = GraphEdge(owner.get(e.src, e.src), owner.get(e.dst, e.dst), e.skip)
        if edge.src != edge.dst and all((x.src, x.dst) != (edge.src, edge.dst) for x in edges):
            edges.append(edge)
    used = {c for n in nodes for c in n.clusters}
    return replace(
        g,
        nodes=tuple(nodes),
        edges=tuple(edges),
        cluster_labels={c: v for c, v in g.cluster_labels.items() if c in used},
        collapsed=tuple(c for c in g.collapsed if c.node not in owner),
    )


def _merge_facts(g: NetworkGraph, merge: Mapping[str, Sequence[str]]) -> list[str]:
    """The caption's words for ``merge``: each module drawn as one node, by class, and each other group."""
    by_class: dict[str, list[str]] = {}
    facts = []
    for name, paths in merge.items():
        label = g.cluster_labels.get(paths[0], "") if len(paths) == 1 else ""
        if label and name == paths[0]:
            by_class.setdefault(label.partition(": ")[2] or label, []).append(name)
        elif len(paths) > 1:
            facts.append(f"{name}: {paths[0]} to {paths[-1]} drawn as one node")
        else:
            facts.append(f"{name}: {paths[0]} drawn as one node")
    for cls, names in by_class.items():
        listed = f"{len(names)}, {names[0]} to {names[-1]}" if len(names) > 2 else " and ".join(names)
        facts.insert(0, f"each {cls} drawn as one node ({listed}), its layers not shown")
    return facts


def _heads(module: nn.Module, g: NetworkGraph, heads: Mapping[str, str]) -> list[tuple[GraphNode, str]]:
    """Each head (module path -> the node it reads) measured with the ledger on that node's output."""
    from cnnviz.analysis.ledger import ledger

    drawn = []
    for path, target in heads.items():
        try:
            sub = module.get_submodule(path)
        except AttributeError:
            raise ValueError(f"network_diagram: heads: {g.model} has no submodule {path!r}") from None
        if not any(n.name == target for n in g.nodes):
            top = ", ".join(n.name for n in g.nodes if "." not in n.name)
            raise ValueError(f"network_diagram: heads[{path!r}]: no node {target!r} to read; nodes: {top}")
        shape = g.node(target).output_shape
        if shape is None or len(shape) != 3:
            raise ValueError(f"network_diagram: heads[{path!r}]: node {target!r} has no C×H×W output ({shape})")
        t = ledger(sub, tuple(shape))  # type: ignore[arg-type]
        out = next((tuple(r.output_shape) for r in reversed(t.rows) if r.output_shape), None)
        node = GraphNode(path, "block", type(sub).__name__, out, t.total_params, t.total_macs, (path,))
        drawn.append((node, target))
    return drawn


def _heads_fact(module: nn.Module, g: NetworkGraph, drawn: list[tuple[GraphNode, str]]) -> str:
    """What the dashed heads are, and whether the totals above count them (worded from the numbers)."""
    listed = " and ".join(f"{n.name} (reads {t})" for n, t in drawn)
    counted = g.total_params == sum(p.numel() for p in module.parameters())
    # the drawn nodes never hold a head: the total counts the heads' MACs only if it exceeds theirs by as much
    macs_in = g.total_macs - sum(n.macs for n in g.nodes) >= sum(n.macs for n, _ in drawn) > 0
    return (f"dashed: {listed}, run in training only: the MACs above {'count' if macs_in else 'leave'} them"
            f"{'' if macs_in else ' out'}, the params above {'count' if counted else 'leave'} them"
            f"{'' if counted else ' out'}")  # fmt: skip


def draw_network(
    g: NetworkGraph, rankdir: str = "TB", *, show_macs: bool = False, show_rf: bool = False
) -> Diagram:
    """Draw a :class:`NetworkGraph` (what :func:`network_diagram` does after building the graph)."""
    return _draw(g, rankdir, show_macs=show_macs, show_rf=show_rf, facts=caption_facts(g),
                 name=f"{g.model}_{g.level}")  # fmt: skip


def _draw(
    g: NetworkGraph, rankdir: str, *, show_macs: bool, show_rf: bool, facts: list[str], name: str,
    columns: Collection[str] = (),
) -> Diagram:
    level = g.level
    h, w = g.input_size[1:]
    caption = (
        f"{g.model} · {level} level · input {h}×{w}×{g.input_size[0]} · "
        f"{compact_count(g.total_params)} params · {compact_count(g.total_macs)} MACs"
    )
    dot = _new_digraph(name, rankdir, caption, key_kinds(g), facts)
    # a drawing in columns is meant to be narrow: each node's name above its description
    _emit(dot, g, show_macs=show_macs, show_rf=show_rf, loose=columns, wrap=0 if columns else 34)
    return dot


# --- differences between two networks ---------------------------------------------------------------

_MARK = {"changed": "Δ", "added": "+", "removed": "−"}


def diff_diagram(
    a: str | nn.Module,
    b: str | nn.Module,
    level: str = "block",
    input_size: tuple[int, int, int] | None = None,
    rankdir: str = "TB",
    *,
    a_kwargs: Mapping[str, object] | None = None,
    b_kwargs: Mapping[str, object] | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> Diagram:
    """Networks ``a`` and ``b`` side by side at ``level``; nodes holding a changed layer are outlined.

    The highlighted layers are exactly those :func:`cnnviz.analysis.diff.layer_diff` lists: "Δ" changed,
    "+" only in b, "−" only in a. At the block and network levels a node is highlighted if any layer
    inside differs.
    """
    diff = network_diff(
        a,
        b,
        level,
        input_size,
        a_kwargs=a_kwargs,
        b_kwargs=b_kwargs,
        max_nodes=max_nodes,
        where="diff_diagram",
    )
    ga, gb = diff.a, diff.b
    caption = (
        f"{ga.model} → {gb.model} · {level} level · {diff.count('changed')} changed (Δ), "
        f"{diff.count('added')} added (+), {diff.count('removed')} removed (−) layers"
    )
    facts = _diff_facts(ga, gb)
    kinds = key_kinds(ga) | key_kinds(gb)
    dot = _new_digraph(f"{ga.model}_vs_{gb.model}", rankdir, caption, kinds, facts)
    for prefix, g, marks in (("a/", ga, diff.marks_a), ("b/", gb, diff.marks_b)):
        title = f"{g.model} · {compact_count(g.total_params)} params"
        with dot.subgraph(name=f"cluster_{prefix}") as sub:
            sub.attr(label=title, id=f"cluster_{prefix}", **theme.CLUSTER_ATTR)
            _emit(sub, g, prefix=prefix, highlight={node: _MARK[c] for node, c in marks.items()})
    return dot


def _diff_facts(ga: NetworkGraph, gb: NetworkGraph) -> list[str]:
    """The caption facts of two networks side by side: shared facts once, the others per network."""
    a, b = caption_facts(ga), caption_facts(gb)
    facts = [f for f in a if f in b]
    facts += [f"{ga.model}: {f}" for f in a if f not in b] + [f"{gb.model}: {f}" for f in b if f not in a]
    return facts


# --- module diagrams: the lecture's building blocks --------------------------------------------------


def module_diagram(
    kind: str,
    rankdir: str = "TB",
    *,
    show_macs: bool = True,
    surviving: tuple[Collection[str], Collection[tuple[str, str]]] | None = None,
    title: str = "",
    note: str = "",
    part_titles: tuple[str, ...] | None = None,
    **spec: object,
) -> Diagram:
    """Draw one building block of the lecture; ``spec`` overrides its sizes (see ``MODULE_KINDS`` and
    :mod:`cnnviz.models.figures`). ``surviving`` (node names, edges) draws the rest of the block dashed: the
    sub-network a drop-path sample keeps (:func:`cnnviz.analysis.fractal_paths.drop_path_sample`).
    ``title`` replaces the caption's first line, ``note`` adds a line after what the call did: a chapter's
    own words go into the caption this way, wrapped, above the colour key, instead of replacing the label
    (``diagram.attr(label=...)`` would drop the key and the facts, and one long line widens the drawing).
    ``part_titles`` replaces the headers of a figure of several parts (one string per part), for headers
    short enough for a phone.

    The block is the zoo's own module, measured with the ledger, so every filter count, output depth,
    parameter count and MAC count on the drawing is computed, never typed. Defaults are the lecture's
    examples (e.g. ``inception_naive``: 28×28×256 in, 1×1 128, 3×3 192, 5×5 96, pool → 672). Where the
    paper counts parameters differently (ResNeXt's Table 2: convolution weights only), the caption
    gives both numbers.
    """
    figures = module_graphs(kind, where="module_diagram", **spec)
    if part_titles is not None and len(figures) == 1:
        raise ValueError(f"module_diagram({kind!r}): part_titles is for figures of several parts; "
                         f"{kind!r} has one (use title)")  # fmt: skip
    if len(figures) == 1:
        (f,) = figures
        g = f.graph
        out = next((n.output_shape for n in reversed(g.nodes)), None)
        caption = (
            f"{f.title} · {hwc(g.input_size, '×')} → {hwc(out, '×')} · "
            f"{compact_count(g.total_params)} params · {compact_count(g.total_macs)} MACs"
        )
        if f.paper_count:
            caption += f"\\n{f.paper_count}: {f.conv_weights:,} of the {g.total_params:,}"
        facts = caption_facts(g, clusters=False, dimmed=surviving is not None) + ([note] if note else [])
        dot = _new_digraph(kind, rankdir, title or caption, key_kinds(g), facts)
        _emit(dot, g, show_macs=show_macs, show_rf=f.show_rf, show_names=False, clusters=False,
              surviving=surviving)
        return dot
    facts = [x for f in figures for x in caption_facts(f.graph, clusters=False)]
    facts = [*dict.fromkeys(facts), "dashed boxes: the drawings compared"] + ([note] if note else [])
    dot = _new_digraph(kind, rankdir, title, {k for f in figures for k in key_kinds(f.graph)}, facts)
    if part_titles is not None and (
        len(part_titles) != len(figures) or not all(isinstance(t, str) and t for t in part_titles)
    ):
        raise ValueError(f"module_diagram({kind!r}): part_titles must be {len(figures)} non-empty strings, "
                         f"one per part, got {part_titles!r}")  # fmt: skip
    for i, f in enumerate(figures):
        title = f"{f.title} = {f.graph.total_params:,} · {compact_count(f.graph.total_macs)} MACs"
        if part_titles is not None:
            title = part_titles[i]
        with dot.subgraph(name=f"cluster_{i}") as sub:
            sub.attr(label=title, id=f"cluster_part{i}", **theme.CLUSTER_ATTR)
            _emit(
                sub,
                f.graph,
                prefix=f"{i}/",
                show_macs=show_macs,
                show_rf=f.show_rf,
                show_names=False,
                clusters=False,
            )
    return dot
