"""The graph of a network, as records: nodes (with their ledger numbers), edges, clusters, at one of three
levels. :mod:`cnnviz.render.diagrams` draws these records; nothing here draws.

* ``"network"``: repeated blocks collapsed (``layer2: Bottleneck ×4``);
* ``"block"``: each block a node; a residual block is its branch, its add node and the shortcut edge,
  with the projection on it;
* ``"layer"``: every layer, in clusters per block, with the add and concatenation nodes explicit.

Structure comes from the module tree (:mod:`cnnviz.analysis.graph_nodes`) and the data flow from
``torch.fx`` (:mod:`cnnviz.analysis.tracing`); every number from :func:`cnnviz.analysis.ledger.ledger`,
so a diagram can never disagree with the table. Node names are qualified layer names
(``layer1.0.conv1``), function nodes their module's path and op (``layer1.0.add``).

:func:`module_graphs` builds the graphs of the lecture's building blocks (the zoo's own blocks, see
:mod:`cnnviz.models.figures`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import torch
import torch.fx as fx
from torch import nn
from torch.fx.passes.shape_prop import ShapeProp

from cnnviz.analysis.graph_nodes import (
    COLLAPSE_REASONS,
    Collapsed,
    Unit,
    describe,
    describe_container,
    function_kind,
    function_names,
    op_name,
    plan_nodes,
    simple_block,
    submodule,
    tensor_inputs,
    unit_of,
)
from cnnviz.analysis.ledger import LayerRecord, Ledger, ledger
from cnnviz.analysis.resolve import resolve_model
from cnnviz.analysis.tracing import eval_mode, module_path, trace

__all__ = [
    "DEFAULT_MAX_NODES",
    "DEFAULT_MAX_REPEATS",
    "Collapsed",
    "LEVELS",
    "FigureGraph",
    "GraphEdge",
    "GraphNode",
    "NetworkGraph",
    "build_graph",
    "module_graphs",
    "network_graph",
]

LEVELS = ("network", "block", "layer")
DEFAULT_MAX_NODES = 400
# A stage of more blocks than this is drawn as its first block, one node for the middle ones, its last block:
# its repeats add no new structure, only height (DenseNet-121's 24-layer block, ResNet-101's 23 blocks).
DEFAULT_MAX_REPEATS = 8

# --- graph data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphNode:
    name: str  # qualified layer name ("layer1.0.conv1"), a function node ("layer1.0.add") or "input"
    kind: str  # theme kind: conv, pool, norm, activation, fc, merge, dropout, block, stage, input, other
    detail: str  # what it is, e.g. "3×3 conv, 64, /2", "Bottleneck ×4", "add + ReLU"
    output_shape: tuple[int, ...] | None  # per image, (C, H, W) or (F,)
    params: int
    macs: int
    members: tuple[str, ...]  # the modules (qualified names) and function nodes it stands for
    clusters: tuple[str, ...] = ()  # enclosing module paths, outermost first ("layer1", "layer1.0")
    rf: int | None = None


@dataclass(frozen=True)
class GraphEdge:
    src: str
    dst: str
    skip: bool = False  # a shortcut: the input of a block carried to its add node


@dataclass(frozen=True)
class NetworkGraph:
    model: str
    level: str
    input_size: tuple[int, int, int]
    nodes: tuple[GraphNode, ...]  # in forward order
    edges: tuple[GraphEdge, ...]
    cluster_labels: Mapping[str, str]  # module path -> "layer1: Bottleneck ×3"
    total_params: int
    total_macs: int
    # What the drawing call did, as facts for its caption (cnnviz.render.diagrams words them): the blocks
    # drawn as one node, and whether concatenations are drawn as a running concatenation.
    collapsed: tuple[Collapsed, ...] = ()
    running_concat: bool = False

    def __post_init__(self) -> None:
        problems = collapse_problems(self)
        if problems:
            raise ValueError(f"{self.model} ({self.level} level): " + "; ".join(problems))

    def node(self, name: str) -> GraphNode:
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(f"no node {name!r} in the {self.level}-level graph of {self.model}")

    def owner(self, member: str) -> str | None:
        """The node that stands for ``member`` (a layer name), or the one holding its nearest ancestor."""
        index = {m: n.name for n in self.nodes for m in n.members}
        path = member
        while path:
            if path in index:
                return index[path]
            path = path.rpartition(".")[0]
        return None


def collapse_problems(g: NetworkGraph) -> list[str]:
    """Where ``g.collapsed`` and ``g``'s nodes disagree: a recorded collapse without its node, a node that
    stands for repeated blocks without a record, a record whose node holds another number of blocks. A
    caption worded from the records can then never say "collapsed" of a drawing that collapsed nothing,
    nor miss a collapse the drawing made."""
    problems = []
    stage_nodes = {n.name: n for n in g.nodes if n.kind == "stage"}
    recorded: set[str] = set()
    for c in g.collapsed:
        where = f"{c.stage} blocks {c.start}..{c.stop - 1} recorded as node {c.node!r}"
        if c.why not in COLLAPSE_REASONS:
            problems.append(f"{where}: unknown reason {c.why!r}")
        if (c.why == "level") != (g.level == "network"):
            problems.append(f"{where}: reason {c.why!r} at {g.level} level")
        if not 0 <= c.start < c.stop <= c.of or c.count < 2 and not c.whole_stage:
            problems.append(f"{where}: not a range of two or more of the stage's {c.of} blocks")
        node = stage_nodes.get(c.node)
        if node is None:
            problems.append(f"{where}, but the graph has no such collapsed node")
            continue
        recorded.add(c.node)
        if c.why == "level":
            held = c.of if c.stage in node.members else 0
        else:
            held = sum(b in node.members for b in c.blocks)
        if len(c.blocks) != c.count or held != c.count or f"×{c.count}" not in node.detail:
            problems.append(f"{where} ({c.count} blocks), but the node holds {held} ({node.detail!r})")
    for name in sorted(set(stage_nodes) - recorded):
        detail = stage_nodes[name].detail
        problems.append(f"node {name!r} ({detail}) stands for collapsed blocks, but no record says so")
    return problems


# --- shapes ----------------------------------------------------------------------------------------


class _Shapes:
    """Per-image output shapes of fx nodes: module calls from the ledger, adds and concatenations from
    their inputs; anything else from one ``ShapeProp`` pass over the graph, run only if needed."""

    def __init__(
        self, model: nn.Module, graph: fx.Graph, rows: Mapping[fx.Node, LayerRecord], size: tuple
    ) -> None:
        self.model, self.graph, self.rows, self.size = model, graph, rows, size
        self.known: dict[fx.Node, tuple[int, ...] | None] = {}
        self.propagated = False

    def __call__(self, node: fx.Node) -> tuple[int, ...] | None:
        if node not in self.known:
            self.known[node] = self._infer(node)
        return self.known[node]

    def _infer(self, node: fx.Node) -> tuple[int, ...] | None:
        if node.op == "placeholder":
            return tuple(self.size)
        row = self.rows.get(node)
        if row is not None and row.output_shape:
            return tuple(row.output_shape)
        name = op_name(node) if node.op in ("call_function", "call_method") else ""
        if name == "pad" and isinstance(node.args[1], tuple | list) and self(node.args[0]) is not None:
            out = list(self(node.args[0]))  # type: ignore[arg-type]
            widths = node.args[1]
            for i in range(len(widths) // 2):  # pairs pad the last dimension first
                out[-1 - i] += int(widths[2 * i]) + int(widths[2 * i + 1])
            return tuple(out)
        inputs = (
            [self(n) for n in tensor_inputs(node)] if name in ("add", "iadd", "sub", "mul", "cat") else []
        )
        if inputs and all(shape is not None for shape in inputs):
            if name != "cat":
                # broadcasting: the larger operand's shape
                return max(inputs, key=lambda shape: (len(shape), shape))  # type: ignore[arg-type]
            dim = node.kwargs.get("dim", node.args[1] if len(node.args) > 1 else 0)
            if isinstance(dim, int) and len({len(s) for s in inputs}) == 1:  # type: ignore[arg-type]
                axis = dim - 1 if dim > 0 else dim + len(inputs[0])  # type: ignore[arg-type]
                out = list(inputs[0])  # type: ignore[arg-type]
                out[axis] = sum(s[axis] for s in inputs)  # type: ignore[index]
                return tuple(out)
        return self._propagated(node)

    def _propagated(self, node: fx.Node) -> tuple[int, ...] | None:
        if not self.propagated:
            self.propagated = True
            with eval_mode(self.model), torch.no_grad(), torch.random.fork_rng(devices=[]):
                # on the module's device: a network built on the meta device propagates shapes only
                device = next((p.device for p in self.model.parameters()), torch.device("cpu"))
                ShapeProp(fx.GraphModule(self.model, self.graph)).propagate(torch.zeros(1, *self.size, device=device))
        meta = node.meta.get("tensor_meta")
        return tuple(meta.shape[1:]) if meta is not None and hasattr(meta, "shape") else None


# --- building the graph ----------------------------------------------------------------------------


def network_graph(
    model: str | nn.Module,
    level: str = "network",
    input_size: tuple[int, int, int] | None = None,
    *,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    max_repeats: int | None = DEFAULT_MAX_REPEATS,
    fold_activations: bool | None = None,
    show_rf: bool = False,
    collapse: Mapping[str, tuple[int, int]] | None = None,
    where: str = "network_graph",
    **model_kwargs: object,
) -> NetworkGraph:
    """The graph of ``model`` (a registry name or an nn.Module) at ``level``: nodes with their ledger
    numbers, and edges.

    Block and layer levels: a stage of more than ``max_repeats`` blocks is drawn as its first block, one
    node for the middle ones and its last block; ``max_nodes``: when the drawing would still hold more
    blocks and layers, the longest stages are collapsed the same way. ``collapse`` (stage path -> (start,
    stop)) collapses blocks[start:stop] of a stage in any case. ``None`` never collapses. What was
    collapsed, and why, is recorded in ``NetworkGraph.collapsed`` (the network level draws every stage as
    one node, and records that too). ``fold_activations`` (default: on except at
    layer level) draws a ReLU that directly follows a layer inside that layer's node ("+ ReLU").
    ``show_rf`` adds each node's receptive field. Errors name ``where`` (the reader's call).
    """
    if level not in LEVELS:
        raise ValueError(f"{where}: level must be one of {', '.join(LEVELS)}, got {level!r}")
    for key, value in (("max_nodes", max_nodes), ("max_repeats", max_repeats)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ValueError(f"{where}: {key} must be a positive integer or None, got {value!r}")
    module, label, size = resolve_model(model, input_size, dict(model_kwargs), where=where)
    graph, _ = build_graph(
        module,
        label,
        size,
        level,
        max_nodes=max_nodes,
        max_repeats=max_repeats,
        fold_activations=fold_activations,
        show_rf=show_rf,
        collapse=collapse,
    )
    return graph


def build_graph(
    module: nn.Module,
    label: str,
    size: tuple[int, int, int],
    level: str,
    *,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    max_repeats: int | None = DEFAULT_MAX_REPEATS,
    fold_activations: bool | None = None,
    show_rf: bool = False,
    collapse: Mapping[str, tuple[int, int]] | None = None,
    table: Ledger | None = None,
) -> tuple[NetworkGraph, Ledger]:
    """The graph of a built module at ``level`` (see :func:`network_graph`), and the ledger it was
    counted with (``table``: one already computed for this module and size)."""
    table = table if table is not None else ledger(module, size)
    plan = plan_nodes(module, level, max_nodes, collapse or {}, max_repeats)
    opaque = {m for u in plan.units.values() if u.opaque for m in u.modules}
    graph = trace(module, where="network_graph", label=label, opaque=opaque, childless_leaves=True)
    fn_names = function_names(graph)
    rows: dict[str, list[LayerRecord]] = {}
    for row in table.rows:
        rows.setdefault(row.name, []).append(row)

    # 1. Which drawn node each fx node belongs to (None: see-through).
    assign: dict[fx.Node, str | None] = {}
    units: dict[str, Unit] = {}
    extra: dict[str, tuple[str, str, str]] = {}  # function / split node -> (kind, detail, anchor)
    placeholder_seen = False
    called: dict[str, int] = {}
    for node in graph.nodes:
        if node.op == "placeholder":
            assign[node] = None if placeholder_seen else "input"
            placeholder_seen = True
        elif node.op in ("get_attr", "output"):
            assign[node] = None
        elif node.op == "call_module":
            unit = unit_of(plan, str(node.target))
            if unit is None:  # a module reached in an unexpected way: draw it on its own
                unit = Unit(
                    str(node.target),
                    "layer",
                    (str(node.target),),
                    type(submodule(module, str(node.target))).__name__,
                )
                plan.units[str(node.target)] = unit
            if unit.kind == "layer":  # a layer called again (a shared ReLU) is drawn once per call
                k = called.get(unit.name, 0)
                called[unit.name] = k + 1
                if k:
                    unit = replace(unit, name=f"{unit.name}_{k}")
            units[unit.name] = unit
            assign[node] = unit.name
        else:
            owner = module_path(node)
            unit = unit_of(plan, owner) if owner else None
            if unit is not None and unit.kind != "layer":
                units[unit.name] = unit
                assign[node] = unit.name
                continue
            described = function_kind(node)
            running = _running_sum(node, assign, extra)
            if described is None:
                assign[node] = None
            elif running is not None:  # x0 + x1 + ... + xn: one n-way sum node (ResNeXt's paths)
                assign[node] = running
                extra[running] = ("merge", "sum", owner)
            else:
                assign[node] = fn_names[node]
                extra[fn_names[node]] = (*described, owner)

    _absorb_into_groups(graph, assign, units)

    # 2. Block level: a residual block becomes its branch, the shortcut branch and the add node.
    if level == "block":
        _split_residuals(graph, assign, units, extra, fn_names, module)

    # 3. Edges between drawn nodes, through see-through nodes.
    sources: dict[fx.Node, tuple[str, ...]] = {}

    def sources_of(node: fx.Node) -> tuple[str, ...]:
        if node not in sources:
            if assign.get(node) is not None:
                sources[node] = (assign[node],)  # type: ignore[assignment]
            else:
                found: list[str] = []
                for parent in node.all_input_nodes:
                    for s in sources_of(parent):
                        if s not in found:
                            found.append(s)
                sources[node] = tuple(found)
        return sources[node]

    order: list[str] = []
    members: dict[str, list[fx.Node]] = {}
    edges: list[tuple[str, str]] = []
    for node in graph.nodes:
        target = assign.get(node)
        if target is None:
            continue
        if target not in members:
            order.append(target)
            members[target] = []
        members[target].append(node)
        for parent in node.all_input_nodes:
            for s in sources_of(parent):
                if s != target and (s, target) not in edges:
                    edges.append((s, target))

    # 4. Numbers: each module call is matched with its ledger row (k-th call = k-th row of that name).
    calls: dict[str, int] = {}
    row_of: dict[fx.Node, LayerRecord] = {}
    for node in graph.nodes:
        if node.op == "call_module":
            name = str(node.target)
            k = calls.get(name, 0)
            calls[name] = k + 1
            if name in rows and k < len(rows[name]):
                row_of[node] = rows[name][k]

    shapes = _Shapes(module, graph, row_of, size)
    rf_of: dict[str, int] = {}
    if show_rf:
        from cnnviz.analysis.receptive_field import receptive_field

        report = receptive_field(module, size)
        rf_of = {r.name: r.rf for r in report.rows}

    nodes: list[GraphNode] = []
    for name in order:
        fx_nodes = members[name]
        last = fx_nodes[-1]
        if name == "input":
            nodes.append(GraphNode("input", "input", "input", size, 0, 0, ("input",)))
            continue
        params = sum(row_of[n].params for n in fx_nodes if n in row_of)
        macs = sum(row_of[n].macs for n in fx_nodes if n in row_of)
        shape = shapes(last)
        mods = [str(n.target) for n in fx_nodes if n.op == "call_module"]
        fns = [fn_names[n] for n in fx_nodes if n in fn_names]
        rf = None
        for n in reversed(fx_nodes):
            key = str(n.target) if n.op == "call_module" else n.name
            if key in rf_of:
                rf = rf_of[key]
                break
        if name in units:
            unit = units[name]
            member_names = tuple(dict.fromkeys([*unit.modules, *mods, *fns]))
            if unit.kind == "layer":
                kind, detail = describe(submodule(module, unit.modules[0]))
                anchor, inclusive = unit.anchor, True
            elif unit.kind == "stage":
                kind, detail, anchor, inclusive = "stage", f"{unit.cls} ×{unit.repeat}", unit.anchor, True
            elif unit.kind == "group":
                kind, detail = "stage", f"{unit.cls} ×{unit.repeat} (collapsed)"
                anchor, inclusive = unit.anchor, True
            else:
                kind, detail = simple_block(submodule(module, unit.modules[0])) or ("block", unit.cls)
                anchor, inclusive = unit.anchor, True
        else:
            member_names = tuple(dict.fromkeys([*mods, *fns]))
            kind, detail, anchor = extra[name]
            inclusive = True
        clusters = _clusters(anchor, inclusive, plan.labels) if level != "network" or anchor else ()
        nodes.append(GraphNode(name, kind, detail, shape, params, macs, member_names, clusters, rf))

    running = max_nodes is not None and len(edges) > 2 * max_nodes
    if running:
        edges = _running_concat(edges, nodes)
    result_edges = _mark_skips([GraphEdge(s, d) for s, d in edges], nodes)
    fold = level != "layer" if fold_activations is None else fold_activations
    if fold:
        nodes, result_edges = _fold_activations(nodes, result_edges)
    used = {c for n in nodes for c in n.clusters}
    return (
        NetworkGraph(
            model=label,
            level=level,
            input_size=size,
            nodes=tuple(nodes),
            edges=tuple(result_edges),
            cluster_labels={c: plan.labels.get(c, c) for c in sorted(used)},
            total_params=table.total_params,
            total_macs=table.total_macs,
            collapsed=tuple(plan.collapsed),
            running_concat=running,
        ),
        table,
    )


def _absorb_into_groups(
    graph: fx.Graph, assign: dict[fx.Node, str | None], units: Mapping[str, Unit]
) -> None:
    """A function node of a stage's own forward whose result only the collapsed blocks of that stage use
    (DenseNet's concatenations between the layers drawn as one node) belongs to that node."""
    groups = {name: u for name, u in units.items() if u.kind == "group"}
    if not groups:
        return

    def consumers(node: fx.Node) -> set[str | None]:
        found: set[str | None] = set()
        for user in node.users:
            target = assign.get(user)
            if target is None and user.op in ("call_function", "call_method"):
                found |= consumers(user) or {None}  # see-through: look further
            else:
                found.add(target)
        return found

    for node in reversed(graph.nodes):  # users before the nodes they use
        if node.op not in ("call_function", "call_method") or assign.get(node) in units:
            continue
        into = consumers(node)
        if len(into) != 1:
            continue
        (group,) = into
        owner = module_path(node)
        stage = groups[group].anchor if group in groups else None
        if stage is not None and (owner == stage or owner.startswith(stage + ".")):
            assign[node] = group


def _running_sum(
    node: fx.Node, assign: Mapping[fx.Node, str | None], extra: Mapping[str, tuple[str, str, str]]
) -> str | None:
    """The drawn add node that ``node`` continues, if ``node`` adds a tensor to the result of an add of
    the same module that nothing else uses (``out = out + path(x)``, one path at a time); else None."""
    adds = ("add", "iadd")
    if node.op not in ("call_function", "call_method") or op_name(node) not in adds:
        return None
    inputs = tensor_inputs(node)
    first = inputs[0] if len(inputs) >= 2 else None
    if first is None or first.op not in ("call_function", "call_method") or op_name(first) not in adds:
        return None
    if len(first.users) != 1 or module_path(first) != module_path(node):
        return None
    name = assign.get(first)
    return name if name in extra else None


def _clusters(anchor: str, inclusive: bool, labels: Mapping[str, str]) -> tuple[str, ...]:
    if not anchor:
        return ()
    parts = anchor.split(".")
    paths = [".".join(parts[: i + 1]) for i in range(len(parts) if inclusive else len(parts) - 1)]
    return tuple(p for p in paths if p in labels)


def _split_residuals(
    graph: fx.Graph,
    assign: dict[fx.Node, str | None],
    units: dict[str, Unit],
    extra: dict[str, tuple[str, str, str]],
    fn_names: dict[fx.Node, str],
    model: nn.Module,
) -> None:
    """Block level: take the last add of each block's own forward out of the block node, and the shortcut
    branch beside it. Layers that both branches use (a pre-activation block's BN-ReLU, which feeds the
    convolutions and the projection) become a node of their own ahead of both, so that the projection is
    drawn beside the block, not after it."""
    by_unit: dict[str, list[fx.Node]] = {}
    for node in graph.nodes:
        if assign.get(node) in units and units[assign[node]].kind == "block":  # type: ignore[index]
            by_unit.setdefault(assign[node], []).append(node)  # type: ignore[arg-type]
    for name, fx_nodes in by_unit.items():
        unit = units[name]
        inside = set(fx_nodes)
        adds = [
            n
            for n in fx_nodes
            if n.op in ("call_function", "call_method")
            and op_name(n) in ("add", "iadd")
            and len(tensor_inputs(n)) >= 2
            and module_path(n) == unit.name
        ]
        if not adds:
            continue
        join = adds[-1]
        after = {join}
        for n in fx_nodes:  # fx order is topological
            if n is not join and any(p in after for p in n.all_input_nodes):
                after.add(n)
        post = [n for n in fx_nodes if n in after and n is not join and n.op == "call_module"]
        post_text = "".join(f" + {describe(submodule(model, str(n.target)))[1]}" for n in post)
        add_name = fn_names[join]
        extra[add_name] = ("merge", "add" + post_text, unit.anchor)
        for n in after:
            assign[n] = add_name

        branches = [_ancestors(a, inside - after) for a in tensor_inputs(join)]
        main = max(branches, key=len) if branches else []
        position = {n: i for i, n in enumerate(fx_nodes)}
        shared = sorted(
            (n for n in main if assign[n] == name and any(n in b for b in branches if b is not main)),
            key=position.__getitem__,
        )
        shared_modules = [n for n in shared if n.op == "call_module"]
        if shared_modules:
            described = [describe(submodule(model, str(n.target))) for n in shared_modules]
            pre_name = f"{unit.name}.preact"
            detail = "pre-activation: " + " + ".join(d for _, d in described)
            extra[pre_name] = (described[0][0], detail, unit.anchor)
            for n in shared:
                assign[n] = pre_name
        for branch in branches:
            rest = [n for n in branch if n not in main and assign[n] == name]
            if not rest:
                continue
            mods = [str(n.target) for n in rest if n.op == "call_module"]
            prefix = _common_path([str(n.target) if n.op == "call_module" else module_path(n) for n in rest])
            if prefix and prefix != unit.name and prefix.startswith(unit.name + "."):
                branch_name = prefix
                inner = submodule(model, prefix)
                leaf = next(inner.children(), None) is None  # a bare 1×1 conv (WRN) or a container
                detail = "shortcut: " + (describe(inner)[1] if leaf else describe_container(model, prefix))
            else:
                branch_name, detail = f"{unit.name}.shortcut", "shortcut"
            kind = (
                "conv"
                if any(isinstance(submodule(model, m), nn.modules.conv._ConvNd) for m in mods)
                else "other"
            )
            extra[branch_name] = (kind, detail, unit.anchor)
            for n in rest:
                assign[n] = branch_name


def _ancestors(start: fx.Node, within: set[fx.Node]) -> list[fx.Node]:
    """``start`` and the nodes it depends on, as far as they lie ``within``."""
    seen: list[fx.Node] = []
    stack = [start]
    while stack:
        n = stack.pop()
        if n in within and n not in seen:
            seen.append(n)
            stack.extend(n.all_input_nodes)
    return seen


def _common_path(paths: Sequence[str]) -> str:
    if not paths:
        return ""
    split = [p.split(".") for p in paths]
    common: list[str] = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return ".".join(common)


def _running_concat(edges: list[tuple[str, str]], nodes: list[GraphNode]) -> list[tuple[str, str]]:
    """Draw dense connectivity with O(L) edges instead of O(L²): a concatenation whose inputs begin with
    exactly the inputs of an earlier concatenation takes that concatenation as input instead (the same
    tensor: ``cat(x0..xi) = cat(cat(x0..xi-1), xi)``)."""
    incoming: dict[str, list[str]] = {}
    for src, dst in edges:
        incoming.setdefault(dst, []).append(src)
    earlier: dict[tuple[str, ...], str] = {}
    replaced: dict[str, tuple[str, set[str]]] = {}  # concat -> (earlier concat, sources it stands for)
    for node in nodes:
        if node.kind != "merge" or not node.detail.startswith("concat"):
            continue
        sources = tuple(incoming.get(node.name, ()))
        for cut in range(len(sources) - 1, 1, -1):
            if sources[:cut] in earlier:
                replaced[node.name] = (earlier[sources[:cut]], set(sources[:cut]))
                break
        earlier[sources] = node.name
    out: list[tuple[str, str]] = []
    for src, dst in edges:
        if dst in replaced and src in replaced[dst][1]:
            if (replaced[dst][0], dst) not in out:
                out.append((replaced[dst][0], dst))
            continue
        out.append((src, dst))
    return out


def _mark_skips(edges: list[GraphEdge], nodes: list[GraphNode]) -> list[GraphEdge]:
    """Into an add node, every edge but the one from the deepest source is a shortcut (of two sources as
    deep, a block's projection node "shortcut: ..." is the shortcut)."""
    depth: dict[str, int] = {n.name: 0 for n in nodes}
    for e in edges:  # edges are in forward order of their destination
        depth[e.dst] = max(depth.get(e.dst, 0), depth.get(e.src, 0) + 1)
    kinds = {n.name: n for n in nodes}
    out = []
    for e in edges:
        dst = kinds.get(e.dst)
        incoming = [x.src for x in edges if x.dst == e.dst]
        is_add = dst is not None and dst.kind == "merge" and dst.detail.startswith("add")
        deepest = None
        if incoming:
            deepest = max(incoming, key=lambda s: (depth.get(s, 0), not _is_shortcut(kinds.get(s))))
        out.append(replace(e, skip=bool(is_add and len(incoming) > 1 and e.src != deepest)))
    return out


def _is_shortcut(node: GraphNode | None) -> bool:
    return node is not None and node.detail.startswith("shortcut")


def _fold_activations(
    nodes: list[GraphNode], edges: list[GraphEdge]
) -> tuple[list[GraphNode], list[GraphEdge]]:
    """Draw an activation inside the node it directly follows ("3×3 conv, 64 + ReLU")."""
    by_name = {n.name: n for n in nodes}
    for act in [n for n in nodes if n.kind == "activation"]:
        incoming = [e for e in edges if e.dst == act.name]
        if len(incoming) != 1:
            continue
        src = by_name[incoming[0].src]
        if src.kind == "input" or src.clusters != act.clusters:
            continue
        if [e for e in edges if e.src == src.name] != [incoming[0]]:
            continue
        by_name[src.name] = replace(
            src,
            detail=f"{src.detail} + {act.detail}",
            output_shape=act.output_shape or src.output_shape,
            members=src.members + act.members,
            macs=src.macs + act.macs,
            params=src.params + act.params,
            rf=act.rf if act.rf is not None else src.rf,
        )
        del by_name[act.name]
        edges = [replace(e, src=src.name) if e.src == act.name else e for e in edges if e.dst != act.name]
    kept = [by_name[n.name] for n in nodes if n.name in by_name]
    return kept, edges


# --- the lecture's building blocks ------------------------------------------------------------------


@dataclass(frozen=True)
class FigureGraph:
    """One block of a module figure: its title, its layer-level graph and what its numbers leave out."""

    title: str
    graph: NetworkGraph
    block_params: int  # sum(p.numel()) of the block: the graph's total, counted independently
    conv_weights: int  # the convolution weights alone (no biases, no batch norm)
    show_rf: bool  # the figure is about receptive fields
    paper_count: str = ""  # what the paper's own parameter count leaves out, if it differs


def module_graphs(kind: str, *, where: str = "module_graphs", **spec: object) -> tuple[FigureGraph, ...]:
    """The layer-level graphs of building block ``kind`` of :data:`cnnviz.models.figures.MODULE_KINDS`
    (the zoo's own block at the lecture's sizes; ``spec`` overrides them), one per part of the figure."""
    from cnnviz.models.figures import figure_parts  # the zoo is imported only when a figure is drawn

    figures = []
    for part in figure_parts(kind, where, **spec):
        graph, _ = build_graph(
            part.module,
            type(part.module).__name__,
            part.input_size,
            "layer",
            max_nodes=None,
            max_repeats=None,  # a figure draws its block whole, but for its own ``collapse``
            fold_activations=True,
            show_rf=part.show_rf,
            collapse=part.collapse,
        )
        convs = [m for m in part.module.modules() if isinstance(m, nn.modules.conv._ConvNd)]
        figures.append(
            FigureGraph(
                title=part.title,
                graph=graph,
                block_params=sum(p.numel() for p in part.module.parameters()),
                conv_weights=sum(c.weight.numel() for c in convs),
                show_rf=part.show_rf,
                paper_count=part.paper_count,
            )
        )
    return tuple(figures)
