"""Diagrams of the zoo's networks, of their building blocks and of what changed between two networks.

Every figure is drawn from the modules themselves: structure from the module tree and ``torch.fx``,
numbers from :func:`cnnviz.analysis.ledger.ledger`, so a diagram can never disagree with the table.

* :func:`network_diagram` — a whole network at one of three levels: ``"network"`` (repeated blocks
  collapsed: ``layer2: Bottleneck ×4``), ``"block"`` (each block a node; a residual block is drawn as
  its branch, its add node and the shortcut edge, with the projection on it) and ``"layer"`` (every
  layer, in clusters per block, with the add and concatenation nodes explicit).
* :func:`module_diagram` — one building block of the lecture (inception, residual, ResNeXt, dense,
  fire, mlpconv, fractal, stochastic depth, 3×3 stack vs one large filter) at the lecture's sizes.
* :func:`layer_diff` (data) and :func:`diff_diagram` (drawing) — two networks side by side with
  exactly the layers that differ highlighted.

The graphs are plain data first (:class:`NetworkGraph`: nodes, edges, clusters), then drawn with
graphviz in the one theme of :mod:`cnnviz.render.theme`. The DOT source is deterministic: node names
are qualified layer names (``layer1.0.conv1``), which also become the ``<title>`` and ``id`` of each
node in the SVG. Graphviz does the layout (we only describe the graph); torch.fx gives the data flow.
"""

from __future__ import annotations

import contextlib
import difflib
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import graphviz
import torch
import torch.fx as fx
from torch import nn
from torch.fx.passes.shape_prop import ShapeProp

from cnnviz.analysis.ledger import LayerRecord, Ledger, ledger
from cnnviz.analysis.resolve import resolve_model
from cnnviz.render import theme

__all__ = [
    "LEVELS",
    "MODULE_KINDS",
    "Diagram",
    "DiagramEdge",
    "DiagramNode",
    "GraphvizNotFoundError",
    "LayerChange",
    "NetworkGraph",
    "diff_diagram",
    "draw_network",
    "layer_diff",
    "module_diagram",
    "network_diagram",
    "network_graph",
    "save_svg",
]

LEVELS = ("network", "block", "layer")
RANKDIRS = ("TB", "LR", "BT", "RL")
DEFAULT_MAX_NODES = 400

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
    """A ``graphviz.Digraph`` (shown inline by Jupyter) whose rendering explains a missing Graphviz."""

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


# --- graph data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiagramNode:
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
class DiagramEdge:
    src: str
    dst: str
    skip: bool = False  # a shortcut: the input of a block carried to its add node


@dataclass(frozen=True)
class NetworkGraph:
    model: str
    level: str
    input_size: tuple[int, int, int]
    nodes: tuple[DiagramNode, ...]  # in forward order
    edges: tuple[DiagramEdge, ...]
    cluster_labels: Mapping[str, str]  # module path -> "layer1: Bottleneck ×3"
    total_params: int
    total_macs: int
    note: str = ""  # e.g. what was collapsed to keep the drawing legible

    def node(self, name: str) -> DiagramNode:
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


# --- the module tree: what becomes a node at each level -------------------------------------------

_PLAIN = (nn.Sequential, nn.ModuleList, nn.ModuleDict)


def _is_leaf(module: nn.Module) -> bool:
    return next(module.children(), None) is None


def _stage_blocks(module: nn.Module, ancestors: tuple[type, ...]) -> list[tuple[str, nn.Module]] | None:
    """The blocks of a stage (>= 2 children of one non-leaf class, not a recursive copy of an ancestor)."""
    kids = list(module.named_children())
    if len(kids) < 2 or any(_is_leaf(c) for _, c in kids) or len({type(c) for _, c in kids}) != 1:
        return None
    if type(kids[0][1]) in ancestors:  # e.g. a fractal block holding smaller fractal blocks
        return None
    return kids


@dataclass
class _Unit:
    name: str  # the display node's name
    kind: str  # "layer" | "block" | "stage" | "group"
    modules: tuple[str, ...]  # qualified module names it covers
    cls: str  # class name of its (first) module
    repeat: int = 1
    opaque: bool = False  # traced as a single call (its inside is not looked at)
    anchor: str = ""  # module path whose clusters enclose it (inclusive)


@dataclass
class _Plan:
    units: dict[str, _Unit]  # module qualified name -> unit
    stages: list[tuple[str, list[str]]]  # stage path, its block paths
    labels: dict[str, str]  # cluster labels
    note: str = ""


def _plan(
    model: nn.Module, level: str, max_nodes: int | None, collapse: Mapping[str, tuple[int, int]]
) -> _Plan:
    plan = _Plan(units={}, stages=[], labels={})

    def add(unit: _Unit) -> None:
        for m in unit.modules:
            plan.units[m] = unit

    def walk(module: nn.Module, prefix: str, ancestors: tuple[type, ...]) -> None:
        for name, child in module.named_children():
            path = f"{prefix}{name}"
            cls = type(child).__name__
            inner = (*ancestors, type(child))
            if _is_leaf(child):
                add(_Unit(path, "layer", (path,), cls, anchor=prefix.rstrip(".")))
                continue
            blocks = _stage_blocks(child, ancestors)
            if blocks is not None:
                block_cls = type(blocks[0][1]).__name__
                plan.labels[path] = f"{path}: {block_cls} ×{len(blocks)}"
                if level == "network":
                    add(_Unit(path, "stage", (path,), block_cls, len(blocks), True, prefix.rstrip(".")))
                    continue
                plan.stages.append((path, [f"{path}.{b}" for b, _ in blocks]))
                for b, block in blocks:
                    bpath = f"{path}.{b}"
                    plan.labels[bpath] = f"{bpath}: {block_cls}"
                    if level == "block":
                        add(_Unit(bpath, "block", (bpath,), block_cls, anchor=path))
                    else:
                        walk(block, bpath + ".", (*inner, type(block)))
                continue
            plan.labels[path] = path if type(child) in _PLAIN else f"{path}: {cls}"
            if type(child) in _PLAIN or level == "layer" or _contains_stage(child, inner):
                walk(child, path + ".", inner)
            else:
                add(_Unit(path, "block", (path,), cls, opaque=level == "network", anchor=prefix.rstrip(".")))

    walk(model, "", (type(model),))

    def count() -> int:
        return len({id(u) for u in plan.units.values()})

    groups: list[tuple[str, int, int]] = [(s, *collapse[s]) for s in collapse]
    if level != "network" and max_nodes is not None and count() > max_nodes:
        for stage, blocks in sorted(plan.stages, key=lambda sb: -len(sb[1])):
            if count() <= max_nodes or len(blocks) < 4:
                break
            groups.append((stage, 1, len(blocks) - 1))
            _collapse(model, plan, stage, blocks, 1, len(blocks) - 1)
        if groups:
            shown = ", ".join(f"{s} (blocks {a}–{b - 1})" for s, a, b in groups)
            plan.note = f"collapsed to stay under {max_nodes} nodes: {shown}"
    for stage, start, stop in ((s, *collapse[s]) for s in collapse):
        kids = [f"{stage}.{n}" for n, _ in _get(model, stage).named_children()]
        _collapse(model, plan, stage, kids, start, stop)
    return plan


def _collapse(model: nn.Module, plan: _Plan, stage: str, blocks: list[str], start: int, stop: int) -> None:
    """Draw blocks[start:stop] of ``stage`` as one node."""
    middle = blocks[start:stop]
    if len(middle) < 2:
        return
    cls = type(_get(model, middle[0])).__name__
    name = f"{middle[0]}..{middle[-1].rpartition('.')[2]}"
    unit = _Unit(name, "group", tuple(middle), cls, len(middle), True, stage)
    for path in list(plan.units):
        if any(path == m or path.startswith(m + ".") for m in middle):
            del plan.units[path]
    for m in middle:
        plan.units[m] = unit


def _contains_stage(module: nn.Module, ancestors: tuple[type, ...]) -> bool:
    for child in module.children():
        if not _is_leaf(child) and (
            _stage_blocks(child, ancestors) is not None or _contains_stage(child, (*ancestors, type(child)))
        ):
            return True
    return False


def _get(model: nn.Module, path: str) -> nn.Module:
    return model.get_submodule(path) if path else model


def _unit_of(plan: _Plan, path: str) -> _Unit | None:
    while path:
        if path in plan.units:
            return plan.units[path]
        path = path.rpartition(".")[0]
    return None


# --- tracing --------------------------------------------------------------------------------------


class _Tracer(fx.Tracer):
    """Leaves are the modules without children and the modules drawn as one node (opaque units)."""

    def __init__(self, opaque: set[str]) -> None:
        super().__init__()
        self.opaque = opaque

    def is_leaf_module(self, m: nn.Module, module_qualified_name: str) -> bool:
        if _is_leaf(m):
            return True
        path = module_qualified_name
        while path:
            if path in self.opaque:
                return True
            path = path.rpartition(".")[0]
        return False


@contextlib.contextmanager
def _traceable(model: nn.Module) -> Iterator[None]:
    """Eval mode while tracing (the zoo's models are fx-traceable in eval mode); modes restored after."""
    modes = {m: m.training for m in model.modules()}
    model.eval()
    try:
        yield
    finally:
        for m, training in modes.items():
            m.training = training


def _trace(model: nn.Module, opaque: set[str]) -> fx.Graph:
    with _traceable(model):
        return _Tracer(opaque).trace(model)


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
        name = _op_name(node) if node.op in ("call_function", "call_method") else ""
        if name == "pad" and isinstance(node.args[1], tuple | list) and self(node.args[0]) is not None:
            out = list(self(node.args[0]))  # type: ignore[arg-type]
            widths = node.args[1]
            for i in range(len(widths) // 2):  # pairs pad the last dimension first
                out[-1 - i] += int(widths[2 * i]) + int(widths[2 * i + 1])
            return tuple(out)
        inputs = (
            [self(n) for n in _tensor_inputs(node)] if name in ("add", "iadd", "sub", "mul", "cat") else []
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
            with _traceable(self.model), torch.no_grad(), torch.random.fork_rng(devices=[]):
                ShapeProp(fx.GraphModule(self.model, self.graph)).propagate(torch.zeros(1, *self.size))
        meta = node.meta.get("tensor_meta")
        return tuple(meta.shape[1:]) if meta is not None and hasattr(meta, "shape") else None


# --- function nodes: which are drawn, which are see-through -----------------------------------------

_TRANSPARENT = {
    "flatten",
    "view",
    "reshape",
    "size",
    "getattr",
    "getitem",
    "contiguous",
    "squeeze",
    "unsqueeze",
    "dim",
    "type_as",
    "to",
    "float",
    "chunk",
    "split",
    "permute",
    "transpose",
    "clone",
    "detach",
    "stack",
}
_MERGES = {
    "add": "add",
    "iadd": "add",
    "sub": "subtract",
    "cat": "concat",
    "concat": "concat",
    "mul": "multiply",
}


def _op_name(node: fx.Node) -> str:
    target = node.target
    name = target if isinstance(target, str) else getattr(target, "__name__", str(target))
    return name.strip("_")


def _tensor_inputs(node: fx.Node) -> list[fx.Node]:
    return [n for n in node.all_input_nodes if n.op != "get_attr"]


def _function_kind(node: fx.Node) -> tuple[str, str] | None:
    """(theme kind, label) of a drawn function node; None for a see-through one (flatten, getitem...)."""
    name = _op_name(node)
    if name in _TRANSPARENT:
        return None
    inputs = _tensor_inputs(node)
    if name == "cat" or (name in _MERGES and len(inputs) >= 2):
        return "merge", _MERGES[name]
    if name in ("mean", "sum") and len(inputs) == 1 and _op_name(inputs[0]) == "stack":
        return "merge", "join (mean)" if name == "mean" else "sum"
    if name == "mul":
        scale = next((a for a in node.args if isinstance(a, int | float)), None)
        return "other", f"× {scale:g}" if scale is not None else "multiply"
    if "pool" in name or name == "mean":
        return "pool", name.replace("_", " ")
    if name in ("relu", "relu_", "sigmoid", "tanh", "gelu", "softmax", "leaky_relu"):
        return "activation", name
    if name.startswith("dropout"):
        return "dropout", name
    return "other", name


def _owner(node: fx.Node) -> str:
    stack = node.meta.get("nn_module_stack") or {}
    if not stack:
        return ""
    value = list(stack.values())[-1]
    return value[0] if isinstance(value, tuple) else str(value)


def _function_names(graph: fx.Graph) -> dict[fx.Node, str]:
    """Stable names for function nodes: owner path + op, numbered per owner ("layer1.0.add")."""
    counts: dict[tuple[str, str], int] = {}
    names: dict[fx.Node, str] = {}
    for node in graph.nodes:
        if node.op not in ("call_function", "call_method"):
            continue
        owner, op = _owner(node), _op_name(node)
        k = counts.get((owner, op), 0)
        counts[(owner, op)] = k + 1
        base = f"{owner}.{op}" if owner else op
        names[node] = base if k == 0 else f"{base}_{k}"
    return names


# --- describing a layer -----------------------------------------------------------------------------


def _px(value: object) -> int:
    return value if isinstance(value, int) else int(value[0])  # type: ignore[index]


def _describe(module: nn.Module) -> tuple[str, str]:
    """(theme kind, lecture-style description) of a leaf module, e.g. ("conv", "3×3 conv, 64, /2")."""
    label = getattr(module, "diagram_label", None)
    if isinstance(label, str):
        return getattr(module, "diagram_kind", "other"), label
    name = type(module).__name__
    if isinstance(module, nn.modules.conv._ConvNd):
        k = module.kernel_size
        text = f"{k[0]}×{k[-1]} conv, {module.out_channels}"
        if _px(module.stride) > 1:
            text += f", /{_px(module.stride)}"
        if module.groups > 1:
            text += f", groups {module.groups}"
        return "conv", text
    if isinstance(module, nn.Linear):
        return "fc", f"fc {module.out_features}"
    if isinstance(module, nn.modules.pooling._AdaptiveAvgPoolNd | nn.modules.pooling._AdaptiveMaxPoolNd):
        kind = "avg" if "Avg" in name else "max"
        size = module.output_size
        if size in (1, (1, 1)):
            return "pool", f"global {kind} pool"
        return "pool", f"adaptive {kind} pool → {size}"
    if isinstance(module, nn.modules.pooling._MaxPoolNd | nn.modules.pooling._AvgPoolNd):
        kind = "max" if isinstance(module, nn.modules.pooling._MaxPoolNd) else "avg"
        k, s = _px(module.kernel_size), _px(module.stride or module.kernel_size)
        return "pool", f"{k}×{k} {kind} pool" + (f", /{s}" if s > 1 else "")
    if isinstance(module, nn.modules.batchnorm._BatchNorm):
        return "norm", "batch norm"
    if isinstance(module, nn.LocalResponseNorm):
        return "norm", f"LRN (n={module.size})"
    if isinstance(module, nn.GroupNorm | nn.LayerNorm | nn.modules.instancenorm._InstanceNorm):
        return "norm", name
    if isinstance(module, nn.modules.dropout._DropoutNd):
        return "dropout", f"dropout {module.p:g}"
    if type(module).__module__.startswith("torch.nn.modules.activation"):
        return "activation", name
    if isinstance(module, nn.Flatten):
        return "other", "flatten"
    if "join" in name.lower():
        return "merge", "join (mean)"
    return "other", name


def _describe_container(model: nn.Module, path: str) -> str:
    """A short description of a small container drawn as one node (a projection shortcut)."""
    module = _get(model, path)
    leaves = [m for m in module.modules() if _is_leaf(m)]
    if type(module) not in _PLAIN or not leaves or len(leaves) > 3:
        return type(module).__name__  # a module with its own forward: its class name says what it does
    return " + ".join(_describe(m)[1] for m in leaves)


# --- building the graph ----------------------------------------------------------------------------


def network_graph(
    model: str | nn.Module,
    level: str = "network",
    input_size: tuple[int, int, int] | None = None,
    *,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    fold_activations: bool | None = None,
    show_rf: bool = False,
    collapse: Mapping[str, tuple[int, int]] | None = None,
    **model_kwargs: object,
) -> NetworkGraph:
    """The graph :func:`network_diagram` draws, as data: nodes with their ledger numbers, and edges.

    ``max_nodes`` (block and layer levels): when the drawing would hold more nodes, the middle blocks of
    the longest stages are collapsed into one node each (first and last block stay expanded), and
    ``NetworkGraph.note`` says so; ``None`` never collapses. ``fold_activations`` (default: on except at
    layer level) draws a ReLU that directly follows a layer inside that layer's node ("+ ReLU").
    """
    if level not in LEVELS:
        raise ValueError(f"network_diagram: level must be one of {', '.join(LEVELS)}, got {level!r}")
    if max_nodes is not None and (
        isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1
    ):
        raise ValueError(f"network_diagram: max_nodes must be a positive integer or None, got {max_nodes!r}")
    module, label, size = resolve_model(model, input_size, dict(model_kwargs), where="network_diagram")
    graph, _, _ = _build(
        module,
        label,
        size,
        level,
        max_nodes=max_nodes,
        fold_activations=fold_activations,
        show_rf=show_rf,
        collapse=collapse,
    )
    return graph


def _build(
    module: nn.Module,
    label: str,
    size: tuple[int, int, int],
    level: str,
    *,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    fold_activations: bool | None = None,
    show_rf: bool = False,
    collapse: Mapping[str, tuple[int, int]] | None = None,
    table: Ledger | None = None,
) -> tuple[NetworkGraph, dict[str, LayerRecord], Ledger]:
    """The graph of a built module, its ledger rows by name (first call) and the ledger itself."""
    table = table if table is not None else ledger(module, size)
    plan = _plan(module, level, max_nodes, collapse or {})
    opaque = {m for u in plan.units.values() if u.opaque for m in u.modules}
    graph = _trace(module, opaque)
    fn_names = _function_names(graph)
    rows: dict[str, list[LayerRecord]] = {}
    for row in table.rows:
        rows.setdefault(row.name, []).append(row)

    # 1. Which drawn node each fx node belongs to (None: see-through).
    assign: dict[fx.Node, str | None] = {}
    units: dict[str, _Unit] = {}
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
            unit = _unit_of(plan, str(node.target))
            if unit is None:  # a module reached in an unexpected way: draw it on its own
                unit = _Unit(
                    str(node.target),
                    "layer",
                    (str(node.target),),
                    type(_get(module, str(node.target))).__name__,
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
            owner = _owner(node)
            unit = _unit_of(plan, owner) if owner else None
            if unit is not None and unit.kind != "layer":
                units[unit.name] = unit
                assign[node] = unit.name
                continue
            described = _function_kind(node)
            if described is None:
                assign[node] = None
            else:
                assign[node] = fn_names[node]
                extra[fn_names[node]] = (*described, owner)

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

    nodes: list[DiagramNode] = []
    for name in order:
        fx_nodes = members[name]
        last = fx_nodes[-1]
        if name == "input":
            nodes.append(DiagramNode("input", "input", "input", size, 0, 0, ("input",)))
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
                kind, detail = _describe(_get(module, unit.modules[0]))
                anchor, inclusive = unit.anchor, True
            elif unit.kind == "stage":
                kind, detail, anchor, inclusive = "stage", f"{unit.cls} ×{unit.repeat}", unit.anchor, True
            elif unit.kind == "group":
                kind, detail = "stage", f"{unit.cls} ×{unit.repeat} (collapsed)"
                anchor, inclusive = unit.anchor, True
            else:
                kind, detail, anchor, inclusive = "block", unit.cls, unit.anchor, True
        else:
            member_names = tuple(dict.fromkeys([*mods, *fns]))
            kind, detail, anchor = extra[name]
            inclusive = True
        clusters = _clusters(anchor, inclusive, plan.labels) if level != "network" or anchor else ()
        nodes.append(DiagramNode(name, kind, detail, shape, params, macs, member_names, clusters, rf))

    note = plan.note
    if max_nodes is not None and len(edges) > 2 * max_nodes:
        edges = _running_concat(edges, nodes)
        note = "; ".join(x for x in (note, "concatenations drawn as a running concatenation") if x)
    result_edges = _mark_skips([DiagramEdge(s, d) for s, d in edges], nodes)
    fold = level != "layer" if fold_activations is None else fold_activations
    if fold:
        nodes, result_edges = _fold_activations(nodes, result_edges)
    used = {c for n in nodes for c in n.clusters}
    first_rows = {name: calls_of[0] for name, calls_of in rows.items()}
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
            note=note,
        ),
        first_rows,
        table,
    )


def _clusters(anchor: str, inclusive: bool, labels: Mapping[str, str]) -> tuple[str, ...]:
    if not anchor:
        return ()
    parts = anchor.split(".")
    paths = [".".join(parts[: i + 1]) for i in range(len(parts) if inclusive else len(parts) - 1)]
    return tuple(p for p in paths if p in labels)


def _split_residuals(
    graph: fx.Graph,
    assign: dict[fx.Node, str | None],
    units: dict[str, _Unit],
    extra: dict[str, tuple[str, str, str]],
    fn_names: dict[fx.Node, str],
    model: nn.Module,
) -> None:
    """Block level: take the last add of each block's own forward out of the block node."""
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
            and _op_name(n) in ("add", "iadd")
            and len(_tensor_inputs(n)) >= 2
            and _owner(n) == unit.name
        ]
        if not adds:
            continue
        join = adds[-1]
        after = {join}
        for n in fx_nodes:  # fx order is topological
            if n is not join and any(p in after for p in n.all_input_nodes):
                after.add(n)
        post = [n for n in fx_nodes if n in after and n is not join and n.op == "call_module"]
        post_text = "".join(f" + {_describe(_get(model, str(n.target)))[1]}" for n in post)
        add_name = fn_names[join]
        extra[add_name] = ("merge", "add" + post_text, unit.anchor)
        for n in after:
            assign[n] = add_name

        branches = [_ancestors(a, inside - after) for a in _tensor_inputs(join)]
        main = max(branches, key=len) if branches else []
        for branch in branches:
            rest = [n for n in branch if n not in main and assign[n] == name]
            if not rest:
                continue
            mods = [str(n.target) for n in rest if n.op == "call_module"]
            prefix = _common_path([str(n.target) if n.op == "call_module" else _owner(n) for n in rest])
            if prefix and prefix != unit.name and prefix.startswith(unit.name + "."):
                branch_name = prefix
                detail = "shortcut: " + _describe_container(model, prefix)
            else:
                branch_name, detail = f"{unit.name}.shortcut", "shortcut"
            kind = (
                "conv" if any(isinstance(_get(model, m), nn.modules.conv._ConvNd) for m in mods) else "other"
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


def _running_concat(edges: list[tuple[str, str]], nodes: list[DiagramNode]) -> list[tuple[str, str]]:
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


def _mark_skips(edges: list[DiagramEdge], nodes: list[DiagramNode]) -> list[DiagramEdge]:
    """Into an add node, every edge but the one from the deepest source is a shortcut."""
    depth: dict[str, int] = {n.name: 0 for n in nodes}
    for e in edges:  # edges are in forward order of their destination
        depth[e.dst] = max(depth.get(e.dst, 0), depth.get(e.src, 0) + 1)
    kinds = {n.name: n for n in nodes}
    out = []
    for e in edges:
        dst = kinds.get(e.dst)
        incoming = [x.src for x in edges if x.dst == e.dst]
        is_add = dst is not None and dst.kind == "merge" and dst.detail.startswith("add")
        deepest = max(incoming, key=lambda s: depth.get(s, 0)) if incoming else None
        out.append(replace(e, skip=bool(is_add and len(incoming) > 1 and e.src != deepest)))
    return out


def _fold_activations(
    nodes: list[DiagramNode], edges: list[DiagramEdge]
) -> tuple[list[DiagramNode], list[DiagramEdge]]:
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


# --- drawing --------------------------------------------------------------------------------------


def _count(n: int) -> str:
    if n < 10_000:
        return f"{n:,}"
    for suffix, div in (("G", 10**9), ("M", 10**6), ("K", 10**3)):
        if n >= div:
            return f"{n / div:.3g}{suffix}"
    return str(n)  # pragma: no cover


def _shape(shape: Sequence[int] | None) -> str:
    """(C, H, W) in the lecture's H×W×C order; a vector as its length."""
    if not shape:
        return ""
    if len(shape) == 3:
        c, h, w = shape
        return f"{h}×{w}×{c}"
    return "×".join(str(s) for s in shape)


def _label(node: DiagramNode, *, show_macs: bool, show_rf: bool, show_names: bool) -> str:
    head = node.detail
    if show_names and node.name != "input":
        head = (
            f"{node.name}: {node.detail}"
            if len(node.name) + len(node.detail) <= 34
            else f"{node.name}\\n{node.detail}"
        )
    numbers = [_shape(node.output_shape)]
    if node.params:
        numbers.append(f"{_count(node.params)} params")
    if show_macs and node.macs:
        numbers.append(f"{_count(node.macs)} MACs")
    if show_rf and node.rf is not None:
        numbers.append(f"RF {node.rf}")
    tail = " · ".join(x for x in numbers if x)
    return f"{head}\\n{tail}" if tail else head


def _new_digraph(name: str, rankdir: str, caption: str) -> Diagram:
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    dot = Diagram(name=name, graph_attr={**theme.GRAPH_ATTR, "rankdir": rankdir})
    dot.attr("node", **theme.NODE_ATTR)
    dot.attr("edge", **theme.EDGE_ATTR)
    if caption:
        dot.attr(label=caption, labelloc="b")
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
) -> None:
    """Add ``g``'s nodes (in nested clusters) and edges to ``dot``; node ids are ``prefix + name``."""
    highlight = highlight or {}
    tree: dict[tuple[str, ...], list[DiagramNode]] = {}
    for node in g.nodes:
        path = extra_clusters + (node.clusters if clusters else ())
        tree.setdefault(path, []).append(node)

    def node_attrs(node: DiagramNode) -> dict[str, str]:
        label = _label(node, show_macs=show_macs, show_rf=show_rf, show_names=show_names)
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
        dot.edge(prefix + e.src, prefix + e.dst, **(theme.SKIP_EDGE_ATTR if e.skip else {}))


def network_diagram(
    model: str | nn.Module,
    level: str = "network",
    input_size: tuple[int, int, int] | None = None,
    rankdir: str = "TB",
    *,
    show_macs: bool = False,
    show_rf: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    fold_activations: bool | None = None,
    **model_kwargs: object,
) -> Diagram:
    """Draw ``model`` (a registry name or an nn.Module) at ``level``: "network", "block" or "layer".

    Each node shows its output shape (H×W×C) and parameters, optionally its MACs and receptive field;
    every number comes from the ledger. Returns a ``graphviz.Digraph`` (shown inline in Jupyter; see
    :func:`save_svg`). See :func:`network_graph` for ``max_nodes`` and ``fold_activations``.
    """
    g = network_graph(
        model,
        level,
        input_size,
        max_nodes=max_nodes,
        fold_activations=fold_activations,
        show_rf=show_rf,
        **model_kwargs,
    )
    return draw_network(g, rankdir, show_macs=show_macs, show_rf=show_rf)


def draw_network(
    g: NetworkGraph, rankdir: str = "TB", *, show_macs: bool = False, show_rf: bool = False
) -> Diagram:
    """Draw a :class:`NetworkGraph` (what :func:`network_diagram` does after building the graph)."""
    level = g.level
    h, w = g.input_size[1:]
    caption = (
        f"{g.model} · {level} level · input {h}×{w}×{g.input_size[0]} · "
        f"{_count(g.total_params)} params · {_count(g.total_macs)} MACs"
    )
    if g.note:
        caption += f"\\n{g.note}"
    dot = _new_digraph(f"{g.model}_{level}", rankdir, caption)
    _emit(dot, g, show_macs=show_macs, show_rf=show_rf)
    return dot


# --- differences between two networks ---------------------------------------------------------------


@dataclass(frozen=True)
class LayerChange:
    """One layer that differs between network ``a`` and network ``b``."""

    change: str  # "changed" | "added" (only in b) | "removed" (only in a)
    a: str | None  # layer name in a (None if added)
    b: str | None  # layer name in b (None if removed)
    type: str  # layer type ("Conv2d", "add", ...)
    fields: tuple[tuple[str, object, object], ...] = ()  # (field, value in a, value in b) of a change

    def __str__(self) -> str:
        if self.change == "changed":
            what = ", ".join(f"{f} {x} → {y}" for f, x, y in self.fields)
            return f"changed {self.a} ({self.type}): {what}"
        return f"{self.change} {self.b if self.change == 'added' else self.a} ({self.type})"


_COMPARED = ("kernel", "stride", "padding", "groups", "out_channels", "params")


def _signature(node: DiagramNode, rows: Mapping[str, LayerRecord]) -> tuple[str, dict[str, object]]:
    """(type, compared fields) of a layer-level node."""
    row = rows.get(node.name)
    if row is None:  # a function node: add, concat, ...
        return node.detail.split(" ")[0], {}
    fields = {"kernel": row.kernel, "stride": row.stride, "padding": row.padding, "groups": row.groups}
    if row.params:
        fields["out_channels"] = row.output_shape[0] if row.output_shape else None
        fields["params"] = row.params
    return row.type, {k: v for k, v in fields.items() if v is not None}


def layer_diff(
    a: str | nn.Module,
    b: str | nn.Module,
    input_size: tuple[int, int, int] | None = None,
    *,
    a_kwargs: Mapping[str, object] | None = None,
    b_kwargs: Mapping[str, object] | None = None,
) -> tuple[LayerChange, ...]:
    """The layers that differ between ``a`` and ``b``, as data.

    Both networks are listed layer by layer in forward order (add and concatenation nodes included,
    so a new shortcut shows as an added ``add``), aligned by layer type (difflib's longest matching
    runs), and aligned layers are compared on kernel, stride, padding, groups, output channels and
    parameters. A layer whose only difference is the size of its input is unchanged; a layer that moved
    (ZFNet's pool before its norm) is removed at one place and added at the other. Among identical
    layers (VGG16 → VGG19's extra 3×3 convs) the alignment decides which copy counts as added.
    """
    (ma, la, sa), (mb, lb, sb) = _resolve_pair(a, b, input_size, a_kwargs, b_kwargs)
    return _diff(_build(ma, la, sa, "layer", max_nodes=None), _build(mb, lb, sb, "layer", max_nodes=None))


def _resolve_pair(
    a: str | nn.Module,
    b: str | nn.Module,
    input_size: tuple[int, int, int] | None,
    a_kwargs: Mapping[str, object] | None,
    b_kwargs: Mapping[str, object] | None,
) -> tuple[tuple[nn.Module, str, tuple[int, int, int]], ...]:
    return tuple(
        resolve_model(m, input_size, dict(kw or {}), where="diff") for m, kw in ((a, a_kwargs), (b, b_kwargs))
    )


def _diff(
    ga: tuple[NetworkGraph, dict[str, LayerRecord], Ledger],
    gb: tuple[NetworkGraph, dict[str, LayerRecord], Ledger],
) -> tuple[LayerChange, ...]:
    (graph_a, rows_a, _), (graph_b, rows_b, _) = ga, gb
    na = [n for n in graph_a.nodes if n.kind != "input"]
    nb = [n for n in graph_b.nodes if n.kind != "input"]
    sa = [_signature(n, rows_a) for n in na]
    sb = [_signature(n, rows_b) for n in nb]
    changes: list[LayerChange] = []
    matcher = difflib.SequenceMatcher(a=[t for t, _ in sa], b=[t for t, _ in sb], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                fa, fb = sa[i][1], sb[j][1]
                diff = tuple((f, fa.get(f), fb.get(f)) for f in _COMPARED if fa.get(f) != fb.get(f))
                if diff:
                    changes.append(LayerChange("changed", na[i].name, nb[j].name, sa[i][0], diff))
            continue
        changes += [LayerChange("removed", na[i].name, None, sa[i][0]) for i in range(i1, i2)]
        changes += [LayerChange("added", None, nb[j].name, sb[j][0]) for j in range(j1, j2)]
    return tuple(changes)


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

    The highlighted layers are exactly those :func:`layer_diff` lists: "Δ" changed, "+" only in b,
    "−" only in a. At the block and network levels a node is highlighted if any layer inside differs.
    """
    if level not in LEVELS:
        raise ValueError(f"diff_diagram: level must be one of {', '.join(LEVELS)}, got {level!r}")
    (ma, la, sa), (mb, lb, sb) = _resolve_pair(a, b, input_size, a_kwargs, b_kwargs)
    layer_a, layer_b = (
        _build(ma, la, sa, "layer", max_nodes=None),
        _build(mb, lb, sb, "layer", max_nodes=None),
    )
    changes = _diff(layer_a, layer_b)
    ga = (
        layer_a[0]
        if level == "layer"
        else _build(ma, la, sa, level, max_nodes=max_nodes, table=layer_a[2])[0]
    )
    gb = (
        layer_b[0]
        if level == "layer"
        else _build(mb, lb, sb, level, max_nodes=max_nodes, table=layer_b[2])[0]
    )
    marks_a: dict[str, str] = {}
    marks_b: dict[str, str] = {}
    for c in changes:
        for side, g, marks in ((c.a, ga, marks_a), (c.b, gb, marks_b)):
            owner = g.owner(side) if side else None
            if owner is not None:
                mark = _MARK[c.change]
                marks[owner] = mark if marks.get(owner, mark) == mark else "Δ"
    counts = {k: sum(c.change == k for c in changes) for k in _MARK}
    caption = (
        f"{ga.model} → {gb.model} · {level} level · {counts['changed']} changed (Δ), "
        f"{counts['added']} added (+), {counts['removed']} removed (−) layers"
    )
    dot = _new_digraph(f"{ga.model}_vs_{gb.model}", rankdir, caption)
    for prefix, g, marks in (("a/", ga, marks_a), ("b/", gb, marks_b)):
        title = f"{g.model} · {_count(g.total_params)} params"
        with dot.subgraph(name=f"cluster_{prefix}") as sub:
            sub.attr(label=title, id=f"cluster_{prefix}", **theme.CLUSTER_ATTR)
            _emit(sub, g, prefix=prefix, highlight=marks)
    return dot


# --- module diagrams: the lecture's building blocks --------------------------------------------------


class _Merge(nn.Module):
    """A drawing aid: several inputs combined into one node ("sum", "join (mean)")."""

    diagram_kind = "merge"

    def __init__(self, how: str) -> None:
        super().__init__()
        self.how = how
        self.diagram_label = {"sum": "sum", "mean": "join (mean)"}[how]

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        stacked = torch.stack(xs, dim=0)  # (paths, N, C, H, W)
        return stacked.sum(dim=0) if self.how == "sum" else stacked.mean(dim=0)


class _Scale(nn.Module):
    """Stochastic depth at test time: the residual branch scaled by its survival probability."""

    diagram_kind = "other"

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p
        self.diagram_label = f"× p = {p:g} (test time)"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.p * x


class _Parallel(nn.Module):
    """Branches applied to one input, then concatenated along channels (inception, fire)."""

    def __init__(self, stem: nn.Module | None, *branches: nn.Module) -> None:
        super().__init__()
        self.stem = stem
        self.branches = nn.ModuleList(branches)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stem is not None:
            x = self.stem(x)  # (N, s1x1, H, W): the fire module's squeeze
        return torch.cat([branch(x) for branch in self.branches], dim=1)  # (N, sum of branch C, H, W)


class _Residual(nn.Module):
    """``post(body(x) + shortcut(x))``; no shortcut module means the identity."""

    def __init__(
        self, body: nn.Module, shortcut: nn.Module | None = None, post: nn.Module | None = None
    ) -> None:
        super().__init__()
        self.body = body
        self.shortcut = shortcut
        self.post = post

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.shortcut is None else self.shortcut(x)
        out = self.body(x) + identity
        return out if self.post is None else self.post(out)


class ResNeXtPath(nn.Sequential):
    """One path of a ResNeXt block (its class name labels the collapsed paths)."""


class _Paths(nn.Module):
    """ResNeXt Fig. 3a: C paths summed, plus the identity, then ReLU."""

    def __init__(self, paths: Sequence[nn.Module]) -> None:
        super().__init__()
        self.paths = nn.ModuleList(paths)
        self.sum = _Merge("sum")
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.sum(*(p(x) for p in self.paths)) + x)


class _Dense(nn.Module):
    """A dense block: each layer sees the concatenation of the input and all earlier outputs."""

    def __init__(self, layers: Sequence[nn.Module]) -> None:
        super().__init__()
        self.layers = nn.ModuleList(layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = [x]
        for layer in self.layers:
            features.append(layer(torch.cat(features, dim=1) if len(features) > 1 else x))
        return torch.cat(features, dim=1)  # (N, k0 + L·k, H, W)


class _Fractal(nn.Module):
    """f_1(z) = conv(z); f_{C+1}(z) = join(f_C(f_C(z)), conv(z)), consecutive joins merged (Fig. 1)."""

    def __init__(self, columns: int, channels: int) -> None:
        super().__init__()
        self.columns = columns
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)
        if columns > 1:
            self.first = _Fractal(columns - 1, channels)
            self.second = _Fractal(columns - 1, channels)
            self.join = _Merge("mean")

    def outputs(self, z: torch.Tensor) -> list[torch.Tensor]:
        """The column outputs that the join at the end of f_C averages."""
        if self.columns == 1:
            return [self.conv(z)]
        y = self.first.outputs(z)
        y = y[0] if len(y) == 1 else self.first.join(*y)
        return [*self.second.outputs(y), self.conv(z)]

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.join(*self.outputs(z)) if self.columns > 1 else self.conv(z)


def _conv_bn_relu(cin: int, cout: int, k: int, stride: int = 1, relu: bool = True) -> list[nn.Module]:
    layers: list[nn.Module] = [
        nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False),
        nn.BatchNorm2d(cout),
    ]
    return [*layers, nn.ReLU()] if relu else layers


def _conv_relu(cin: int, cout: int, k: int, stride: int = 1, bias: bool = True) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=bias), nn.ReLU())


@dataclass(frozen=True)
class _Part:
    title: str
    module: nn.Module
    input_size: tuple[int, int, int]
    collapse: Mapping[str, tuple[int, int]] = field(default_factory=dict)


def _inception_naive(
    in_channels: int = 256, hw: int = 28, c1x1: int = 128, c3x3: int = 192, c5x5: int = 96
) -> list[_Part]:
    """The naive inception module (the lecture's 28×28×256 → 28×28×672 example)."""
    branches = (
        _conv_relu(in_channels, c1x1, 1),
        _conv_relu(in_channels, c3x3, 3),
        _conv_relu(in_channels, c5x5, 5),
        nn.MaxPool2d(3, stride=1, padding=1),
    )
    return [_Part("Naive inception module", _Parallel(None, *branches), (in_channels, hw, hw))]


def _inception_reduced(
    in_channels: int = 256,
    hw: int = 28,
    c1x1: int = 128,
    c3x3_reduce: int = 64,
    c3x3: int = 192,
    c5x5_reduce: int = 64,
    c5x5: int = 96,
    pool_proj: int = 64,
) -> list[_Part]:
    """The inception module with 1×1 dimension reductions (the lecture's numbers: → 28×28×480)."""
    branches = (
        _conv_relu(in_channels, c1x1, 1),
        nn.Sequential(*_conv_relu(in_channels, c3x3_reduce, 1), *_conv_relu(c3x3_reduce, c3x3, 3)),
        nn.Sequential(*_conv_relu(in_channels, c5x5_reduce, 1), *_conv_relu(c5x5_reduce, c5x5, 5)),
        nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1), *_conv_relu(in_channels, pool_proj, 1)),
    )
    return [
        _Part("Inception module with dimension reduction", _Parallel(None, *branches), (in_channels, hw, hw))
    ]


def _basic_block(
    channels: int = 64, hw: int = 56, stride: int = 1, in_channels: int | None = None
) -> list[_Part]:
    """ResNet basic block: 3×3, 3×3, + shortcut (a 1×1 projection where the shape changes)."""
    cin = in_channels or (channels if stride == 1 else channels // 2)
    body = nn.Sequential(
        *_conv_bn_relu(cin, channels, 3, stride), *_conv_bn_relu(channels, channels, 3, relu=False)
    )
    shortcut = (
        None
        if stride == 1 and cin == channels
        else nn.Sequential(*_conv_bn_relu(cin, channels, 1, stride, relu=False))
    )
    return [_Part("Residual basic block", _Residual(body, shortcut, nn.ReLU()), (cin, hw, hw))]


def _bottleneck(
    in_channels: int = 256, width: int = 64, out_channels: int = 256, hw: int = 56, stride: int = 1
) -> list[_Part]:
    """ResNet bottleneck block: 1×1 reduce, 3×3, 1×1 expand, + shortcut."""
    body = nn.Sequential(
        *_conv_bn_relu(in_channels, width, 1),
        *_conv_bn_relu(width, width, 3, stride),
        *_conv_bn_relu(width, out_channels, 1, relu=False),
    )
    same = stride == 1 and in_channels == out_channels
    shortcut = (
        None if same else nn.Sequential(*_conv_bn_relu(in_channels, out_channels, 1, stride, relu=False))
    )
    return [_Part("Residual bottleneck block", _Residual(body, shortcut, nn.ReLU()), (in_channels, hw, hw))]


def _resnext_paths(
    in_channels: int = 256, cardinality: int = 32, width: int = 4, hw: int = 56, max_paths: int = 4
) -> list[_Part]:
    """ResNeXt block as C parallel paths (Fig. 3a), summed; paths beyond ``max_paths`` drawn as one node."""
    paths = [
        ResNeXtPath(
            nn.Conv2d(in_channels, width, 1, bias=False),
            nn.ReLU(),
            nn.Conv2d(width, width, 3, padding=1, bias=False),
            nn.ReLU(),
            nn.Conv2d(width, in_channels, 1, bias=False),
        )
        for _ in range(cardinality)
    ]
    collapse = {"paths": (max_paths - 1, cardinality - 1)} if cardinality > max_paths else {}
    title = f"ResNeXt block, {cardinality} paths of width {width}"
    return [_Part(title, _Paths(paths), (in_channels, hw, hw), collapse)]


def _resnext_grouped(
    in_channels: int = 256, cardinality: int = 32, width: int = 4, hw: int = 56
) -> list[_Part]:
    """ResNeXt block with a grouped 3×3 convolution (Fig. 3c): the same function and parameters as 3a."""
    inner = cardinality * width
    body = nn.Sequential(
        nn.Conv2d(in_channels, inner, 1, bias=False),
        nn.ReLU(),
        nn.Conv2d(inner, inner, 3, padding=1, groups=cardinality, bias=False),
        nn.ReLU(),
        nn.Conv2d(inner, in_channels, 1, bias=False),
    )
    title = f"ResNeXt block, grouped convolution ({cardinality} groups of width {width})"
    return [_Part(title, _Residual(body, None, nn.ReLU()), (in_channels, hw, hw))]


def _dense_block(
    k0: int = 64, k: int = 32, layers: int = 4, hw: int = 56, bottleneck: bool = False
) -> list[_Part]:
    """A dense block: layer i sees k0 + i·k channels and adds k more."""

    def layer(cin: int) -> nn.Module:
        if bottleneck:
            return nn.Sequential(
                nn.BatchNorm2d(cin),
                nn.ReLU(),
                nn.Conv2d(cin, 4 * k, 1, bias=False),
                nn.BatchNorm2d(4 * k),
                nn.ReLU(),
                nn.Conv2d(4 * k, k, 3, padding=1, bias=False),
            )
        return nn.Sequential(nn.BatchNorm2d(cin), nn.ReLU(), nn.Conv2d(cin, k, 3, padding=1, bias=False))

    module = _Dense([layer(k0 + i * k) for i in range(layers)])
    return [_Part(f"Dense block, growth rate k = {k}", module, (k0, hw, hw))]


def _transition(in_channels: int = 256, hw: int = 56, theta: float = 0.5) -> list[_Part]:
    """DenseNet transition: BN, ReLU, 1×1 conv to ⌊θ·m⌋ channels, 2×2 average pool."""
    out = int(theta * in_channels)
    module = nn.Sequential(
        nn.BatchNorm2d(in_channels), nn.ReLU(), nn.Conv2d(in_channels, out, 1, bias=False), nn.AvgPool2d(2, 2)
    )
    return [_Part(f"Transition layer, compression θ = {theta:g}", module, (in_channels, hw, hw))]


def _fire(in_channels: int = 96, hw: int = 55, s1x1: int = 16, e1x1: int = 64, e3x3: int = 64) -> list[_Part]:
    """SqueezeNet fire module (fire2 by default): squeeze 1×1, then expand 1×1 and 3×3, concatenated."""
    module = _Parallel(_conv_relu(in_channels, s1x1, 1), _conv_relu(s1x1, e1x1, 1), _conv_relu(s1x1, e3x3, 3))
    return [_Part("Fire module", module, (in_channels, hw, hw))]


def _mlpconv(
    in_channels: int = 3, hw: int = 32, kernel: int = 5, channels: tuple[int, ...] = (192, 160, 96)
) -> list[_Part]:
    """NiN mlpconv layer: a k×k conv followed by 1×1 convs (a small MLP at every position); CIFAR-10 NiN."""
    layers: list[nn.Module] = []
    cin = in_channels
    for i, c in enumerate(channels):
        layers += [*_conv_relu(cin, c, kernel if i == 0 else 1)]
        cin = c
    return [_Part("mlpconv layer (Network in Network)", nn.Sequential(*layers), (in_channels, hw, hw))]


def _fractal(columns: int = 4, channels: int = 64, hw: int = 32) -> list[_Part]:
    """A fractal block f_C: f_1 = conv, f_{C+1}(z) = join(f_C ∘ f_C (z), conv(z)); each box is one conv."""
    return [_Part(f"Fractal block, C = {columns} columns", _Fractal(columns, channels), (channels, hw, hw))]


def _stochastic_depth_block(channels: int = 16, hw: int = 32, survival: float = 0.5) -> list[_Part]:
    """A residual block with stochastic depth, as used at test time: x + p·f(x)."""
    body = nn.Sequential(
        *_conv_bn_relu(channels, channels, 3),
        *_conv_bn_relu(channels, channels, 3, relu=False),
        _Scale(survival),
    )
    title = (
        f"Stochastic depth block at test time, survival probability p = {survival:g} "
        "(in training the branch is kept with probability p, else skipped)"
    )
    return [_Part(title, _Residual(body, None, nn.ReLU()), (channels, hw, hw))]


def _stack_vs_large(n: int = 3, channels: int = 64, hw: int = 56) -> list[_Part]:
    """n stacked 3×3 convs beside one (2n+1)×(2n+1) conv: the same receptive field,
    n·9C² vs (2n+1)²C² parameters."""
    k = 2 * n + 1
    stack = nn.Sequential(*(nn.Conv2d(channels, channels, 3, padding=1, bias=False) for _ in range(n)))
    large = nn.Sequential(nn.Conv2d(channels, channels, k, padding=n, bias=False))
    return [
        _Part(f"{n} × 3×3 conv: {9 * n}C² params", stack, (channels, hw, hw)),
        _Part(f"one {k}×{k} conv: {k * k}C² params", large, (channels, hw, hw)),
    ]


_KINDS: dict[str, Callable[..., list[_Part]]] = {
    "inception_naive": _inception_naive,
    "inception_reduced": _inception_reduced,
    "basic_block": _basic_block,
    "bottleneck": _bottleneck,
    "resnext_paths": _resnext_paths,
    "resnext_grouped": _resnext_grouped,
    "dense_block": _dense_block,
    "transition": _transition,
    "fire": _fire,
    "mlpconv": _mlpconv,
    "fractal": _fractal,
    "stochastic_depth_block": _stochastic_depth_block,
    "stack_vs_large": _stack_vs_large,
}
MODULE_KINDS = tuple(_KINDS)


def _check_spec(kind: str, spec: Mapping[str, object]) -> None:
    params = inspect.signature(_KINDS[kind]).parameters
    for key, value in spec.items():
        if key not in params:
            raise ValueError(
                f"module_diagram({kind!r}): unknown parameter {key!r}; valid parameters: {', '.join(params)}"
            )
        default = params[key].default
        if key == "survival" or key == "theta":
            ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1
            valid = "a number in (0, 1]"
        elif key == "bottleneck":
            ok, valid = isinstance(value, bool), "True or False"
        elif key == "channels" and isinstance(default, tuple):
            ok = (
                isinstance(value, tuple | list)
                and len(value) > 0
                and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
            )
            valid = "a non-empty sequence of positive integers"
        else:
            ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
            valid = "a positive integer"
        if key == "columns" and ok and not 1 <= value <= 6:  # type: ignore[operator]
            ok, valid = False, "an integer from 1 to 6 (2^C - 1 convolutions)"
        if key == "max_paths" and ok and value < 2:  # type: ignore[operator]
            ok, valid = False, "an integer >= 2"
        if not ok:
            raise ValueError(f"module_diagram({kind!r}): {key} must be {valid}, got {value!r}")
    merged = {k: p.default for k, p in params.items()} | dict(spec)
    if kind in ("resnext_paths", "resnext_grouped") and merged["cardinality"] * merged["width"] < 1:
        raise ValueError(f"module_diagram({kind!r}): cardinality × width must be positive")


def module_diagram(kind: str, rankdir: str = "TB", *, show_macs: bool = True, **spec: object) -> Diagram:
    """Draw one building block of the lecture; ``spec`` overrides its sizes (see ``MODULE_KINDS``).

    The block is built as a real module and measured with the ledger, so every filter count, output
    depth, parameter count and MAC count on the drawing is computed, never typed. Defaults are the
    lecture's examples (e.g. ``inception_naive``: 28×28×256 in, 1×1 128, 3×3 192, 5×5 96, pool → 672).
    """
    if kind not in _KINDS:
        raise ValueError(f"module_diagram: unknown kind {kind!r}; valid kinds: {', '.join(_KINDS)}")
    _check_spec(kind, spec)
    parts = _KINDS[kind](**spec)
    show_rf = kind == "stack_vs_large"  # the point of that figure: the same receptive field
    graphs = [
        network_graph(
            p.module,
            "layer",
            p.input_size,
            max_nodes=None,
            fold_activations=True,
            collapse=p.collapse,
            show_rf=show_rf,
        )
        for p in parts
    ]
    if len(parts) == 1:
        g = graphs[0]
        out = next((n.output_shape for n in reversed(g.nodes)), None)
        caption = (
            f"{parts[0].title} · {_shape(g.input_size)} → {_shape(out)} · "
            f"{_count(g.total_params)} params · {_count(g.total_macs)} MACs"
        )
        dot = _new_digraph(kind, rankdir, caption)
        _emit(dot, g, show_macs=show_macs, show_names=False, clusters=False)
        return dot
    dot = _new_digraph(kind, rankdir, "")
    for i, (part, g) in enumerate(zip(parts, graphs, strict=True)):
        title = f"{part.title} = {g.total_params:,} · {_count(g.total_macs)} MACs"
        with dot.subgraph(name=f"cluster_{i}") as sub:
            sub.attr(label=title, id=f"cluster_part{i}", **theme.CLUSTER_ATTR)
            _emit(
                sub, g, prefix=f"{i}/", show_macs=show_macs, show_rf=show_rf, show_names=False, clusters=False
            )
    return dot
