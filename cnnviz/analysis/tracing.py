"""What every walker of a network's data flow shares: eval mode that leaves no trace, an fx trace, and the
module a traced node belongs to.

The receptive field, the weight-layer depth and the network graph each walk a ``torch.fx`` graph; the
ledger and the effective receptive field run the model. All of them measure the network as it is used at
test time (eval mode: a stochastic-depth block keeps every branch, GoogLeNet drops its auxiliary heads)
and give the reader's model back exactly as it was.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator

import torch.fx as fx
from torch import nn

__all__ = ["eval_mode", "module_calls", "module_path", "module_paths", "trace"]


@contextlib.contextmanager
def eval_mode(model: nn.Module) -> Iterator[nn.Module]:
    """``model`` in eval mode inside the block; afterwards every submodule has its own mode back.

    ``model.train(was_training)`` would not do: it sets one mode on every submodule, so a network whose
    blocks were in different modes (a frozen, eval-mode backbone in a training model) would come back
    flattened.
    """
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        yield model
    finally:
        for m, training in modes:
            m.training = training


class _Tracer(fx.Tracer):
    """fx's tracer, optionally with every module without children as a leaf (``childless_leaves``), and
    with the modules under the paths in ``opaque`` traced as a single call each."""

    def __init__(self, opaque: Collection[str], childless_leaves: bool) -> None:
        super().__init__()
        self.opaque = set(opaque)
        self.childless_leaves = childless_leaves

    def is_leaf_module(self, m: nn.Module, module_qualified_name: str) -> bool:
        if self.childless_leaves and next(m.children(), None) is None:
            return True
        path = module_qualified_name
        while path:
            if path in self.opaque:
                return True
            path = path.rpartition(".")[0]
        return not self.childless_leaves and super().is_leaf_module(m, module_qualified_name)


def trace(
    model: nn.Module,
    *,
    where: str,
    label: str,
    opaque: Collection[str] = (),
    childless_leaves: bool = False,
) -> fx.Graph:
    """The fx graph of ``model``'s eval-mode forward pass (the zoo's models are traceable in eval mode).

    By default torch's own layers are the leaves (``call_module`` nodes) and the zoo's blocks are traced
    through; ``childless_leaves=True`` makes every module without children a leaf (a FractalNet join
    stays one call). Modules at or under a path in ``opaque`` are traced as one call each. A model fx
    cannot trace raises ``NotImplementedError`` naming ``where`` and ``label``.
    """
    with eval_mode(model):
        try:
            return _Tracer(opaque, childless_leaves).trace(model)
        except Exception as error:  # noqa: BLE001 - torch.fx raises many kinds; name the model
            raise NotImplementedError(
                f"{where}({label}): torch.fx cannot trace this model in eval mode "
                f"({type(error).__name__}: {error})"
            ) from error


def module_paths(node: fx.Node) -> tuple[str, ...]:
    """The qualified names of the modules whose forward ``node`` was traced in, outermost first."""
    stack = node.meta.get("nn_module_stack") or {}
    return tuple(str(v[0]) if isinstance(v, tuple) else str(v) for v in stack.values())


def module_path(node: fx.Node) -> str:
    """The qualified name of the innermost module ``node`` was traced in; "" for the root's own forward."""
    paths = module_paths(node)
    return paths[-1] if paths else ""


def module_calls(graph: fx.Graph) -> dict[str, list[fx.Node]]:
    """For every module name (leaf or container), the last node of each of its calls, in order.

    A call of a container is a run of consecutive nodes that have it on their module stack; every
    ``call_module`` node is a call of its leaf.
    """
    calls: dict[str, list[fx.Node]] = {}
    previous: set[str] = set()
    for node in graph.nodes:
        paths = set(module_paths(node))
        if node.op == "call_module":
            paths.add(str(node.target))
        for path in paths:
            if path in previous and not (node.op == "call_module" and path == str(node.target)):
                calls[path][-1] = node  # still inside the same call
            else:
                calls.setdefault(path, []).append(node)  # a new call starts
        previous = paths
    return calls
