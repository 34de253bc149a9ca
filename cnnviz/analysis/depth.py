"""The depth of a network as papers count it: weight layers on the longest input-to-output path.

"VGG16", "ResNet-152" and GoogLeNet's "22 layers" all count convolutional and fully-connected layers
along the deepest path (pooling, normalisation and activations are not counted; parallel branches count
once, by their deepest member). Computed from the traced data-flow graph, so a block diagram, a table
and this number cannot disagree.
"""

from __future__ import annotations

import torch.fx
from torch import nn

from cnnviz.analysis.resolve import build
from cnnviz.analysis.tracing import trace

WEIGHT_LAYERS = (nn.Conv2d, nn.Linear)


def weight_layer_depth(model: str | nn.Module, **model_kwargs: object) -> int:
    """Number of conv/linear layers on the longest path from the input to the output (eval mode)."""
    if isinstance(model, str):
        net = build(model, meta=True, **model_kwargs)  # tracing reads shapes only
    elif isinstance(model, nn.Module) and not model_kwargs:
        net = model
    else:
        raise TypeError("weight_layer_depth: pass a registry name (with its keyword arguments) or an nn.Module")
    graph = trace(net, where="weight_layer_depth", label=getattr(net, "model_name", type(net).__name__))
    modules = dict(net.named_modules())
    depth: dict[torch.fx.Node, int] = {}
    for node in graph.nodes:  # fx graphs are in topological order
        before = max((depth[n] for n in node.all_input_nodes), default=0)
        counts = node.op == "call_module" and isinstance(modules.get(str(node.target)), WEIGHT_LAYERS)
        depth[node] = before + int(counts)
    return max(depth[n] for n in graph.nodes if n.op == "output")
