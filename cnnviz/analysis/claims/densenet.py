"""The DenseNet chapter's claims: dense connectivity, gradients, feature propagation and reuse.

The notes say DenseNets have "dense blocks where each layer is connected to every other layer in feed
forward fashion", and that this "alleviates vanishing gradients, strengthens feature propagation,
encourages feature reuse". The first statement is checked on the tensors of the zoo's DenseNet-121: every
layer must receive, unchanged, the output of every earlier layer of its block
(:func:`measured_connectivity`). The other three are not numbers; each gets the evidence there is, and the
verdict says what that evidence is:

* vanishing gradients: a claim about training, not testable without trained networks; the verdict says
  what would test it. The structure the paper's argument rests on is computed beside it: the shortest
  path (in weight layers) from the input to the loss, against the longest (:func:`weight_layer_paths`),
  every layer a few layers from the classifier, the paper's "implicit deep supervision".
* feature propagation: every layer's output reaches the end of its block unchanged (measured).
* feature reuse: the paper's evidence (its Fig. 5, the weights of trained layers on earlier features) needs
  trained weights the book does not have; the computed side is what reuse buys: a narrow growth rate.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch
import torch.fx
from torch import nn

from cnnviz.analysis.claims import COMPUTED, PAPER, Bullet, Claim, Verdict
from cnnviz.analysis.claims.make import not_testable

__all__ = ["measured_connectivity", "network_connectivity", "weight_layer_paths", "claims"]

# The notes' two bullets on DenseNet, as they write them ("feature use": their word for reuse).
CONNECTED = Bullet(
    "densenet.connected",
    "Dense blocks where each layer is connected to every other layer in feed forward fashion.",
)
ADVANTAGES = Bullet(
    "densenet.advantages", "Alleviates vanishing grads, strengthens feature prop, encourages feature use."
)


def measured_connectivity(block: nn.Module, x: torch.Tensor) -> np.ndarray:
    """Which outputs each layer of a dense block receives, read off the tensors of one forward pass.

    Returns a boolean matrix M of shape (L + 1, L + 1): row j − 1 is the receiver (layers 1 … L, then the
    block's output), column i the source (0 the block's input, i ≥ 1 layer i's output); M[j − 1, i] is True
    when the receiver's input holds the source's output unchanged (``torch.equal``) at the channels where
    the concatenation puts it.
    """
    layers = list(block.values()) if isinstance(block, nn.ModuleDict) else list(block.children())
    inputs: list[torch.Tensor] = []
    outputs: list[torch.Tensor] = []

    def keep(_module: nn.Module, args: tuple, out: torch.Tensor) -> None:
        inputs.append(args[0])
        outputs.append(out)

    hooks = [layer.register_forward_hook(keep) for layer in layers]
    try:
        with torch.no_grad():
            final = block(x)
    finally:
        for hook in hooks:
            hook.remove()
    sources = [x, *outputs]
    receivers = [*inputs, final]
    matrix = np.zeros((len(receivers), len(sources)), dtype=bool)
    for j, received in enumerate(receivers):
        start = 0  # the concatenation writes the sources in order: input, layer 1, layer 2, ...
        for i, source in enumerate(sources):
            width = source.shape[1]
            part = received[:, start:start + width]
            matrix[j, i] = part.shape == source.shape and torch.equal(part, source)
            start += width
    return matrix


def network_connectivity(model: str | nn.Module = "densenet121", input_size=(3, 32, 32), seed: int = 0):
    """:func:`measured_connectivity` of every dense block of ``model`` (random weights, eval mode), by name.
    For a registry name the result is computed once per process (the chapter and its claims share it)."""
    if isinstance(model, str):
        return {name: m.copy() for name, m in _registry_connectivity(model, tuple(input_size), seed).items()}
    return _connectivity(model, input_size, seed)


@functools.lru_cache(maxsize=4)
def _registry_connectivity(model: str, input_size: tuple[int, ...], seed: int) -> dict[str, np.ndarray]:
    return _connectivity(model, input_size, seed)


def _connectivity(model: str | nn.Module, input_size, seed: int) -> dict[str, np.ndarray]:
    from cnnviz.analysis.resolve import build
    from cnnviz.models.densenet import DenseBlock

    torch.manual_seed(seed)
    net = build(model) if isinstance(model, str) else model
    net.eval()
    blocks = {name: m for name, m in net.named_modules() if isinstance(m, DenseBlock)}
    seen: dict[str, torch.Tensor] = {}
    hooks = [m.register_forward_pre_hook(lambda mod, args, _n=name: seen.__setitem__(_n, args[0]))
             for name, m in blocks.items()]  # fmt: skip
    with torch.no_grad():
        net(torch.randn(1, *input_size))
    for hook in hooks:
        hook.remove()
    return {name: measured_connectivity(block, seen[name]) for name, block in blocks.items()}


def weight_layer_paths(model: str | nn.Module) -> tuple[int, int]:
    """(shortest, longest) number of conv/linear layers on a path from the input to the output, traced."""
    from cnnviz.analysis.depth import WEIGHT_LAYERS
    from cnnviz.analysis.resolve import build
    from cnnviz.analysis.tracing import trace

    net = build(model, meta=True) if isinstance(model, str) else model
    graph = trace(net, where="weight_layer_paths", label=getattr(net, "model_name", type(net).__name__))
    modules = dict(net.named_modules())
    short: dict[torch.fx.Node, int] = {}
    long: dict[torch.fx.Node, int] = {}
    for node in graph.nodes:  # topological order
        counts = int(node.op == "call_module" and isinstance(modules.get(str(node.target)), WEIGHT_LAYERS))
        before = node.all_input_nodes
        short[node] = min((short[n] for n in before), default=0) + counts
        long[node] = max((long[n] for n in before), default=0) + counts
    out = [n for n in graph.nodes if n.op == "output"]
    return min(short[n] for n in out), max(long[n] for n in out)


def _claim(id: str, statement: str, stated: str, stated_value: float, actual_value: float, actual: str,
           source: str, holds: bool, note: str, bullet: Bullet, basis: str = COMPUTED) -> Claim:  # fmt: skip
    return Claim(id, "densenet", statement, stated, float(stated_value), float(actual_value), actual, basis,
                 source, Verdict.of(holds), note, bullet=bullet)  # fmt: skip


def claims() -> list[Claim]:
    from cnnviz.analysis.ledger import ledger
    from cnnviz.models.densenet import BLOCK_CONFIGS

    matrices = network_connectivity("densenet121")
    expected = sum((n + 1) * (n + 2) // 2 for n in BLOCK_CONFIGS[121])  # receivers × earlier sources
    found = sum(int(np.tril(m).sum()) for m in matrices.values())
    above = sum(int(np.triu(m, 1).sum()) for m in matrices.values())
    reach_end = sum(int(m[-1].sum()) for m in matrices.values())
    layers = sum(m.shape[1] for m in matrices.values())  # block inputs and layer outputs
    short, long = weight_layer_paths("densenet121")
    short_bc, long_bc = weight_layer_paths("densenet_bc_100_12")
    k = 32
    last_in = 64
    for n in BLOCK_CONFIGS[121][:2]:
        last_in = math.floor(0.5 * (last_in + n * k))
    widest = last_in + (BLOCK_CONFIGS[121][2] - 1) * k  # the last layer of block 3
    dense, res = ledger("densenet121"), ledger("resnet50")
    return [
        _claim("densenet.connected", "Dense blocks where each layer is connected to every other layer in feed "
               "forward fashion (DenseNet-121, every pair of layers within a dense block)", "every", expected,
               found, f"{found:,} of {expected:,} pairs, none backwards",
               "network_connectivity('densenet121'): torch.equal of each layer's output and the slice of every "
               "later layer's input where the concatenation puts it", found == expected and above == 0,
               "Every layer receives the block input and the output of every earlier layer of its block, "
               "unchanged; between blocks, the transitions (1×1 convolution, pooling) connect consecutive "
               "blocks only, so \"every other layer\" holds within a block.", CONNECTED),
        not_testable(
            "densenet.vanishing_gradients", "densenet", "Alleviates vanishing gradients",
            "DenseNets trained on CIFAR beside plain and residual networks of the same depth, several seeds, "
            "recording the gradient norm at the first layers through training",
            "huang2017densely, sections 4.3 and 5: DenseNets of up to 250 layers (Table 2) train without the "
            "optimisation difficulties of very deep ResNets, and each layer gets a short path to the loss "
            "(implicit deep supervision); the book ships no such runs",
            f"A claim about training; the paper's evidence is indirect (deep DenseNets train well), and the "
            f"book trains no DenseNet. What the argument rests on is structural, and computed (the actual "
            f"column, traced by weight_layer_paths('densenet121')): through the concatenations every layer is "
            f"a few weight layers from the classifier (DenseNet-BC-100: {short_bc} of {long_bc}), so its "
            f"gradient need not pass through the whole depth. A short path does not show that the gradient "
            f"stays strong in training.",
            bullet=ADVANTAGES,
            actual=f"{short} weight layers on the shortest path, {long} on the longest",
        ),
        _claim("densenet.feature_propagation", "Strengthens feature propagation (evidence: does every layer's "
               "output reach the end of its block unchanged? DenseNet-121)", "every", layers, reach_end,
               f"{reach_end} of {layers} feature maps (block inputs and layer outputs)",
               "network_connectivity('densenet121'): the last row, the block's output", reach_end == layers,
               "Measured: each block's output holds every map computed in the block, unchanged; in a ResNet a "
               "block's output is a sum, and a layer's features reach later layers only mixed with others.",
               ADVANTAGES),
        _claim("densenet.feature_reuse", "Encourages feature reuse", "reuse", 1, 1,
               "the paper's Fig. 5 (trained weights)", "huang2017densely, section 5 and Fig. 5", True,
               f"Shown in the paper from trained DenseNets (the weights of a layer on the maps of every earlier "
               f"layer); the book has no trained DenseNet. What reuse buys is computed: each layer of "
               f"DenseNet-121 adds only k = {k} maps (the last layer of block 3 reads {widest:,} and adds "
               f"{k}), and the network has {dense.total_params:,} parameters against ResNet-50's "
               f"{res.total_params:,}.", ADVANTAGES, basis=PAPER),
    ]
