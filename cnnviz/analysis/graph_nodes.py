"""Which parts of a network become the nodes of its graph, and what each node is called and drawn as.

* The module tree decides what one node stands for at each level (:func:`plan`): at ``"network"`` level a
  stage of repeated blocks is one node (``layer2: Bottleneck ×4``), at ``"block"`` level each block, at
  ``"layer"`` level each layer. A stage is >= 2 children of one non-leaf class; long stages may have their
  middle blocks collapsed into one node.
* Function nodes of the fx graph (adds, concatenations, pools written as functions) are drawn or
  see-through (:func:`function_kind`): ``flatten``, ``getitem`` and the like carry edges through.
* Every leaf layer gets a theme kind and the lecture's description (:func:`describe`): ``"3×3 conv, 64, /2"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import torch.fx as fx
from torch import nn

from cnnviz.analysis.tracing import module_path

# --- the module tree: what becomes a node at each level ----------------------------------------------

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
    simple = [simple_block(c) for _, c in kids]
    if all(simple) and len({d for _, d in simple}) > 1:  # type: ignore[misc]
        return None  # e.g. an Inception branch: a 1×1 reduction then a 3×3, not two repeats of one block
    return kids


def simple_block(module: nn.Module) -> tuple[str, str] | None:
    """(kind, description) of a small block that is one weight layer with its norm and activation, e.g.
    GoogLeNet's ``ConvReLU`` -> ("conv", "1×1 conv, 64 + ReLU"); None for anything else. Such a block is
    drawn as the layer it wraps, never by its class name."""
    leaves = [m for m in module.modules() if _is_leaf(m)]
    if not 1 <= len(leaves) <= 3:
        return None
    kinds = [describe(m) for m in leaves]
    weights = [k for k, _ in kinds if k in ("conv", "fc")]
    if len(weights) != 1 or any(k not in ("conv", "fc", "norm", "activation") for k, _ in kinds):
        return None
    return weights[0], " + ".join(d for _, d in kinds)


@dataclass
class Unit:
    """What one node of the graph stands for (a working record of :func:`plan_nodes`)."""

    name: str  # the display node's name
    kind: str  # "layer" | "block" | "stage" | "group"
    modules: tuple[str, ...]  # qualified module names it covers
    cls: str  # class name of its (first) module
    repeat: int = 1
    opaque: bool = False  # traced as a single call (its inside is not looked at)
    anchor: str = ""  # module path whose clusters enclose it (inclusive)


@dataclass(frozen=True)
class Collapsed:
    """What a drawing drew as one node instead of block by block: blocks ``start`` to ``stop - 1`` (0-based
    positions among the ``of`` children of ``stage``) became the node ``node``. ``why``: ``"level"`` (a
    network-level drawing draws each stage as one node), ``"max_repeats"`` (the stage is longer than the
    call's ``max_repeats``), ``"max_nodes"`` (to stay under the call's ``max_nodes``) or ``"requested"``
    (the call's ``collapse``); ``limit`` is that call's number, where there is one."""

    stage: str  # module path of the stage ("layer3")
    start: int
    stop: int
    of: int  # how many blocks the stage has
    block: str  # their class name ("Bottleneck")
    node: str  # the node drawn for them ("layer3.1..21", or "layer3" at network level)
    blocks: tuple[str, ...]  # the module paths of the blocks it stands for
    why: str
    limit: int | None = None

    @property
    def count(self) -> int:
        return self.stop - self.start

    @property
    def whole_stage(self) -> bool:
        return self.start == 0 and self.stop == self.of


COLLAPSE_REASONS = ("level", "max_repeats", "max_nodes", "requested")


@dataclass
class Plan:
    """Which unit each module belongs to, the stages, the cluster labels and what was collapsed."""

    units: dict[str, Unit]  # module qualified name -> unit
    stages: list[tuple[str, list[str]]]  # stage path, its block paths
    labels: dict[str, str]  # cluster labels
    collapsed: list[Collapsed] = field(default_factory=list)  # in the order they were decided


def plan_nodes(
    model: nn.Module,
    level: str,
    max_nodes: int | None,
    collapse: Mapping[str, tuple[int, int]],
    max_repeats: int | None = None,
) -> Plan:
    """The units of ``model`` at ``level``; ``collapse`` (stage -> (start, stop)) draws blocks[start:stop]
    of a stage as one node; so do ``max_repeats`` (a stage of more blocks keeps its first and last) and
    ``max_nodes`` (the longest stages, until the drawing holds no more units). Each collapse is recorded
    in ``Plan.collapsed``: the facts a caption states."""
    plan = Plan(units={}, stages=[], labels={})

    def add(unit: Unit) -> None:
        for m in unit.modules:
            plan.units[m] = unit

    def walk(module: nn.Module, prefix: str, ancestors: tuple[type, ...]) -> None:
        for name, child in module.named_children():
            path = f"{prefix}{name}"
            cls = type(child).__name__
            inner = (*ancestors, type(child))
            if _is_leaf(child):
                add(Unit(path, "layer", (path,), cls, anchor=prefix.rstrip(".")))
                continue
            blocks = _stage_blocks(child, ancestors)
            if blocks is not None:
                block_cls = type(blocks[0][1]).__name__
                plan.labels[path] = f"{path}: {block_cls} ×{len(blocks)}"
                if level == "network":
                    add(Unit(path, "stage", (path,), block_cls, len(blocks), True, prefix.rstrip(".")))
                    paths = tuple(f"{path}.{b}" for b, _ in blocks)
                    whole = Collapsed(path, 0, len(blocks), len(blocks), block_cls, path, paths, "level")
                    plan.collapsed.append(whole)
                    continue
                plan.stages.append((path, [f"{path}.{b}" for b, _ in blocks]))
                for b, block in blocks:
                    bpath = f"{path}.{b}"
                    plan.labels[bpath] = f"{bpath}: {block_cls}"
                    if level == "block":
                        add(Unit(bpath, "block", (bpath,), block_cls, anchor=path))
                    else:
                        walk(block, bpath + ".", (*inner, type(block)))
                continue
            if not _is_branch(child):  # a branch is drawn as its chain of layers, with no box of its own
                plan.labels[path] = path if type(child) in _PLAIN else f"{path}: {cls}"
            if type(child) in _PLAIN or level == "layer" or _contains_stage(child, inner):
                walk(child, path + ".", inner)
            else:
                add(Unit(path, "block", (path,), cls, opaque=level == "network", anchor=prefix.rstrip(".")))

    walk(model, "", (type(model),))

    def count() -> int:
        return len({id(u) for u in plan.units.values()})

    done: set[str] = set()

    def collapse_stage(stage: str, blocks: list[str], start: int, stop: int, why: str, limit: int | None) -> None:
        record = _collapse(model, plan, stage, blocks, start, stop, why, limit)
        if record is not None:
            plan.collapsed.append(record)
            done.add(stage)

    for stage, (start, stop) in collapse.items():
        kids = [f"{stage}.{n}" for n, _ in submodule(model, stage).named_children()]
        collapse_stage(stage, kids, start, stop, "requested", None)
    if level != "network" and max_repeats is not None:
        for stage, blocks in plan.stages:
            if stage not in done and len(blocks) > max_repeats:
                collapse_stage(stage, blocks, 1, len(blocks) - 1, "max_repeats", max_repeats)
    if level != "network" and max_nodes is not None and count() > max_nodes:
        for stage, blocks in sorted(plan.stages, key=lambda sb: -len(sb[1])):
            if count() <= max_nodes or len(blocks) < 4:
                break
            if stage not in done:
                collapse_stage(stage, blocks, 1, len(blocks) - 1, "max_nodes", max_nodes)
    return plan


def _collapse(
    model: nn.Module,
    plan: Plan,
    stage: str,
    blocks: list[str],
    start: int,
    stop: int,
    why: str,
    limit: int | None,
) -> Collapsed | None:
    """Draw blocks[start:stop] of ``stage`` as one node; the record of it (None: fewer than two blocks,
    nothing collapsed)."""
    middle = blocks[start:stop]
    if len(middle) < 2:
        return None
    cls = type(submodule(model, middle[0])).__name__
    name = f"{middle[0]}..{middle[-1].rpartition('.')[2]}"
    unit = Unit(name, "group", tuple(middle), cls, len(middle), True, stage)
    for path in list(plan.units):
        if any(path == m or path.startswith(m + ".") for m in middle):
            del plan.units[path]
    for m in middle:
        plan.units[m] = unit
    return Collapsed(stage, start, start + len(middle), len(blocks), cls, name, tuple(middle), why, limit)


def _contains_stage(module: nn.Module, ancestors: tuple[type, ...]) -> bool:
    """Whether ``module`` holds a stage of repeated blocks or a branch (a chain of different small
    blocks, like an Inception branch): such a module is drawn opened, so its structure shows."""
    for child in module.children():
        if not _is_leaf(child) and (
            _stage_blocks(child, ancestors) is not None
            or _is_branch(child)
            or _contains_stage(child, (*ancestors, type(child)))
        ):
            return True
    return False


def _is_branch(module: nn.Module) -> bool:
    kids = list(module.children())
    return (
        type(module) in _PLAIN and len(kids) >= 2 and all(simple_block(k) or _is_leaf(k) for k in kids)
        and any(not _is_leaf(k) for k in kids)
    )


def submodule(model: nn.Module, path: str) -> nn.Module:
    return model.get_submodule(path) if path else model


def unit_of(plan: Plan, path: str) -> Unit | None:
    while path:
        if path in plan.units:
            return plan.units[path]
        path = path.rpartition(".")[0]
    return None


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


def op_name(node: fx.Node) -> str:
    target = node.target
    name = target if isinstance(target, str) else getattr(target, "__name__", str(target))
    return name.strip("_")


def tensor_inputs(node: fx.Node) -> list[fx.Node]:
    return [n for n in node.all_input_nodes if n.op != "get_attr"]


def function_kind(node: fx.Node) -> tuple[str, str] | None:
    """(theme kind, label) of a drawn function node; None for a see-through one (flatten, getitem...)."""
    name = op_name(node)
    if name in _TRANSPARENT:
        return None
    inputs = tensor_inputs(node)
    if name == "cat" or (name in _MERGES and len(inputs) >= 2):
        return "merge", _MERGES[name]
    if name in ("mean", "sum") and len(inputs) == 1 and op_name(inputs[0]) == "stack":
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


def function_names(graph: fx.Graph) -> dict[fx.Node, str]:
    """Stable names for function nodes: owner path + op, numbered per owner ("layer1.0.add")."""
    counts: dict[tuple[str, str], int] = {}
    names: dict[fx.Node, str] = {}
    for node in graph.nodes:
        if node.op not in ("call_function", "call_method"):
            continue
        owner, op = module_path(node), op_name(node)
        k = counts.get((owner, op), 0)
        counts[(owner, op)] = k + 1
        base = f"{owner}.{op}" if owner else op
        names[node] = base if k == 0 else f"{base}_{k}"
    return names


# --- describing a layer -----------------------------------------------------------------------------


def _px(value: object) -> int:
    return value if isinstance(value, int) else int(value[0])  # type: ignore[index]


def describe(module: nn.Module) -> tuple[str, str]:
    """(theme kind, lecture-style description) of a leaf module, e.g. ("conv", "3×3 conv, 64, /2")."""
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


def describe_container(model: nn.Module, path: str) -> str:
    """A short description of a small container drawn as one node (a projection shortcut)."""
    module = submodule(model, path)
    leaves = [m for m in module.modules() if _is_leaf(m)]
    if type(module) not in _PLAIN or not leaves or len(leaves) > 3:
        return type(module).__name__  # a module with its own forward: its class name says what it does
    return " + ".join(describe(m)[1] for m in leaves)
