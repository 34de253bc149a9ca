"""The shared fx helper: eval mode that gives every submodule its own mode back, tracing, module paths."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.analysis.erf import effective_receptive_field
from cnnviz.analysis.graph import network_graph
from cnnviz.analysis.ledger import ledger
from cnnviz.analysis.receptive_field import receptive_field
from cnnviz.analysis.tracing import eval_mode, module_calls, module_path, module_paths, trace

SIZE = (3, 16, 16)


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(8, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.bn(self.conv(x)) + x)


def mixed() -> nn.Sequential:
    """A network in training mode with a frozen (eval-mode) block and one eval-mode layer elsewhere."""
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), Block(), Block(), nn.Dropout(0.5))
    net.train()
    net[1].eval()  # a frozen block: its BN keeps its running statistics
    net[2].bn.eval()
    return net


def modes(net: nn.Module) -> dict[str, bool]:
    return {name: m.training for name, m in net.named_modules()}


def test_eval_mode_restores_every_submodules_own_mode():
    net = mixed()
    before = modes(net)
    assert len(set(before.values())) == 2  # really mixed
    with eval_mode(net) as inside:
        assert inside is net and not any(modes(net).values())
    assert modes(net) == before
    with pytest.raises(RuntimeError, match="boom"), eval_mode(net):
        raise RuntimeError("boom")
    assert modes(net) == before  # restored on the way out of an error too


@pytest.mark.parametrize(
    "walk",
    [
        lambda net: ledger(net, SIZE),
        lambda net: receptive_field(net, SIZE),
        lambda net: weight_layer_depth(net),
        lambda net: network_graph(net, "layer", SIZE),
        lambda net: effective_receptive_field(net, "2", SIZE, n_inputs=2),
    ],
    ids=["ledger", "receptive_field", "depth", "graph", "erf"],
)
def test_every_walker_gives_a_mixed_mode_model_back_exactly(walk):
    net = mixed()
    before = modes(net)
    walk(net)
    assert modes(net) == before


def test_trace_in_eval_mode_with_module_paths_and_calls():
    class TrainingOnly(nn.Module):  # like GoogLeNet's auxiliary heads: used in training mode only
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.neg(x) if self.training else x

    traced = trace(TrainingOnly().train(), where="test", label="t")
    assert [n.op for n in traced.nodes] == ["placeholder", "output"]
    net = mixed()
    graph = trace(net, where="test", label="mixed")
    add = next(n for n in graph.nodes if n.op == "call_function" and n.target.__name__ == "add")
    assert (module_paths(add), module_path(add)) == (("1",), "1")
    calls = module_calls(graph)
    assert [n.name for n in calls["1"]] == ["relu"]  # the block's call ends with its ReLU
    childless = trace(net, where="test", label="mixed", childless_leaves=True, opaque={"2"})
    called = [str(n.target) for n in childless.nodes if n.op == "call_module"]
    assert called == ["0", "1.conv", "1.bn", "2", "3"]


def test_a_model_fx_cannot_trace_is_named():
    class DataDependent(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x if x.sum() > 0 else -x

    with pytest.raises(NotImplementedError, match=r"receptive_field\(DataDependent\): torch.fx cannot trace"):
        receptive_field(DataDependent(), SIZE)
