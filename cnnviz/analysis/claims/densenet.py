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
* feature reuse: a claim about trained networks. The paper's evidence is its Fig. 5 (the average weight a
  trained DenseNet-40's layers put on each earlier layer's maps); no network has been trained here for it,
  so the verdict is not testable here, with what would test it. The structure reuse relies on (narrow layers
  that read every earlier map) is computed beside it.

The paper's CIFAR results, :data:`TABLE2`, are typed once here with their protocol (:data:`TABLE2_SOURCE`):
the explorer and the chapter read them from here.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.fx
from torch import nn

from cnnviz.analysis.claims import COMPUTED, Bullet, Claim, Verdict
from cnnviz.analysis.claims.make import not_testable

__all__ = [
    "PREACT_RESNET_1001",
    "TABLE2",
    "TABLE2_SOURCE",
    "Table2Row",
    "claims",
    "measured_connectivity",
    "network_connectivity",
    "table2_row",
    "weight_layer_paths",
]

# The notes' two bullets on DenseNet, as they write them ("feature use": their word for reuse).
CONNECTED = Bullet(
    "densenet.connected",
    "Dense blocks where each layer is connected to every other layer in feed forward fashion.",
)
ADVANTAGES = Bullet(
    "densenet.advantages", "Alleviates vanishing grads, strengthens feature prop, encourages feature use."
)


# --- the paper's CIFAR results (Table 2) -------------------------------------------------------------


@dataclass(frozen=True)
class Table2Row:
    """One DenseNet row of the paper's Table 2: test error (%) on CIFAR-10 and CIFAR-100, without ("C10",
    "C100") and with ("C10+", "C100+") standard augmentation; None where the table has a dash."""

    bottleneck: bool  # DenseNet-BC (bottleneck and θ = 0.5) or the basic DenseNet (θ = 1)
    depth: int  # L
    growth_rate: int  # k
    params: str  # the parameter count as the table prints it ("0.8M")
    c10: float | None
    c10_plus: float
    c100: float | None
    c100_plus: float

    @property
    def compression(self) -> float:
        """θ: 0.5 for DenseNet-BC, 1 for the basic DenseNet (the paper's Sec. 3)."""
        return 0.5 if self.bottleneck else 1.0

    @property
    def layers_per_block(self) -> int:
        """n of the three dense blocks: L = 6n + 4 with the bottleneck, 3n + 4 without (two or one
        convolutions per layer, plus the first convolution, two transitions and the classifier)."""
        return (self.depth - 4) // (6 if self.bottleneck else 3)

    @property
    def name(self) -> str:
        """As the paper names it in its text: "DenseNet-BC (L = 100, k = 12)"."""
        return f"DenseNet{'-BC' if self.bottleneck else ''} (L = {self.depth}, k = {self.growth_rate})"


# Huang et al. 2017, Table 2, the DenseNet rows. Checked against the paper's Sec. 4.3, which quotes C10+
# 5.24 / 4.10 / 3.74 (1.0M, 7.0M, 27.2M), C10 5.77 -> 5.83 (k = 12 -> 24), 4.51 / 22.27 (DenseNet-BC-100,
# 0.8M), 3.46 / 17.18 (L = 190, k = 40), 15.3M (L = 250) and the best C10 / C100 5.19 / 19.64, and, for
# every figure, against the authors' README table (github.com/liuzhuang13/DenseNet). The SVHN column is
# left out: no copy of it beyond a transcription of the table was reached.
TABLE2: tuple[Table2Row, ...] = (
    Table2Row(False, 40, 12, "1.0M", 7.00, 5.24, 27.55, 24.42),
    Table2Row(False, 100, 12, "7.0M", 5.77, 4.10, 23.79, 20.20),
    Table2Row(False, 100, 24, "27.2M", 5.83, 3.74, 23.42, 19.25),
    Table2Row(True, 100, 12, "0.8M", 5.92, 4.51, 24.15, 22.27),
    Table2Row(True, 250, 24, "15.3M", 5.19, 3.62, 19.64, 17.60),
    Table2Row(True, 190, 40, "25.6M", None, 3.46, None, 17.18),
)
TABLE2_SOURCE = (
    "huang2017densely, Table 2: test error (%) on the CIFAR test sets after training on all 50,000 training "
    "images, each evaluated once; C10+ and C100+ with standard augmentation (translation and mirroring), "
    "C10 and C100 without, with dropout 0.2"
)
# The same table's 1001-layer pre-activation ResNet (He et al. 2016b's figures), which Sec. 4.3 sets beside
# DenseNet-BC-100: "4.51% vs 4.62% error on C10+, 22.27% vs 22.71% error on C100+ ... using 90% fewer
# parameters"; Fig. 4 (right) gives its 10.2M parameters.
PREACT_RESNET_1001 = {"params": "10.2M", "c10_plus": 4.62, "c100_plus": 22.71}


def table2_row(
    growth_rate: int, layers_per_block: int, bottleneck: bool, compression: float
) -> Table2Row | None:
    """The Table 2 row of the CIFAR DenseNet with these settings, or None where the paper reports none."""
    for row in TABLE2:
        if (row.growth_rate, row.layers_per_block, row.bottleneck, row.compression) == (
            growth_rate, layers_per_block, bottleneck, compression
        ):  # fmt: skip
            return row
    return None


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
            part = received[:, start : start + width]
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
        _claim(
            "densenet.connected",
            "Dense blocks where each layer is connected to every other layer in feed "
            "forward fashion (DenseNet-121, every pair of layers within a dense block)",
            "every",
            expected,
            found,
            f"{found:,} of {expected:,} pairs, none backwards",
            "network_connectivity('densenet121'): torch.equal of each layer's output and the slice of every "
            "later layer's input where the concatenation puts it",
            found == expected and above == 0,
            "Every layer receives the block input and the output of every earlier layer of its block, "
            "unchanged; between blocks, the transitions (1×1 convolution, pooling) connect consecutive "
            'blocks only, so "every other layer" holds within a block.',
            CONNECTED,
        ),
        not_testable(
            "densenet.vanishing_gradients",
            "densenet",
            "Alleviates vanishing gradients",
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
        _claim(
            "densenet.feature_propagation",
            "Strengthens feature propagation (evidence: does every layer's "
            "output reach the end of its block unchanged? DenseNet-121)",
            "every",
            layers,
            reach_end,
            f"{reach_end} of {layers} feature maps (block inputs and layer outputs)",
            "network_connectivity('densenet121'): the last row, the block's output",
            reach_end == layers,
            "Measured: each block's output holds every map computed in the block, unchanged; in a ResNet a "
            "block's output is a sum, and a layer's features reach later layers only mixed with others.",
            ADVANTAGES,
        ),
        not_testable(
            "densenet.feature_reuse",
            "densenet",
            "Encourages feature reuse",
            "a DenseNet-40 (k = 12) trained here on C10+, several seeds, its layers' weights on each earlier "
            "layer's maps read as in the paper's Fig. 5 (none trained here yet)",
            "huang2017densely, Sec. 5 and Fig. 5: in its trained DenseNet-40, every layer spreads its weights "
            "over many earlier layers of its block; the paper's figure, not a measurement here",
            f"A claim about what training does with the connections: no measurement here answers it. What "
            f"reuse relies on is structural, and computed: each layer of DenseNet-121 adds k = {k} maps while "
            f"reading every earlier one (the last layer of block 3 reads {widest:,}), and the network has "
            f"{dense.total_params:,} parameters against ResNet-50's {res.total_params:,}.",
            bullet=ADVANTAGES,
            actual="not measured: needs a trained DenseNet",
        ),
    ]
