"""DenseNet's dense blocks and transitions, counted: the channels each layer receives, parameters,
multiply-adds and the activation memory of the concatenations."""

from __future__ import annotations

from dataclasses import dataclass

from cnnviz.validate import positive_int

__all__ = ['DenseBlockCost', 'TransitionCost', 'DenseNetBlocksCost', 'CifarDenseNetCost', 'dense_layer_inputs', 'dense_block_cost', 'transition_cost', 'densenet_blocks_cost', 'cifar_densenet_cost',
           'autograd_saved_elements', 'memory_efficient_elements', 'concat_input_elements', 'full_width_elements']  # fmt: skip


@dataclass(frozen=True)
class DenseBlockCost:
    """One dense block of ``layers`` layers on ``hw``×``hw`` maps, counted as the ledger counts the zoo's
    :class:`cnnviz.models.densenet.DenseBlock` (parameters: convolutions and batch norms; MACs: convolutions).

    Activation memory, elements per image:

    * ``leaf_elements``: the outputs of the block's layers (batch norms, ReLUs, convolutions), what the
      ledger lists. The concatenations are not modules, so the ledger does not see them; but each layer's
      first batch norm and ReLU already act on the whole concatenated input, so this grows quadratically too.
    * ``concat_elements``: the concatenations the zoo's forward makes, each a new tensor: the input of every
      layer (k₀ + k·(ℓ − 1) channels) and the block's output (k₀ + k·L).
    * ``materialised_elements``: both, every tensor kept: what a naive implementation holds for backward.
    * ``shared_elements``: the block's feature maps stored once (k₀ + k·L channels), the floor a
      memory-efficient implementation (shared storage, recomputed concatenations) comes close to.
    """

    in_channels: int  # k₀
    growth_rate: int  # k
    layers: int  # L
    hw: int
    bottleneck: bool
    layer_inputs: tuple[int, ...]  # k₀ + k·(ℓ − 1) for ℓ = 1 … L
    params: int
    macs: int
    leaf_elements: int
    concat_elements: int

    @property
    def out_channels(self) -> int:
        return self.in_channels + self.growth_rate * self.layers

    @property
    def materialised_elements(self) -> int:
        return self.leaf_elements + self.concat_elements

    @property
    def shared_elements(self) -> int:
        return self.out_channels * self.hw * self.hw


def dense_layer_inputs(in_channels: int, growth_rate: int, layers: int) -> tuple[int, ...]:
    """Input channels of layers 1 … L of a dense block: k₀ + k·(ℓ − 1)."""
    positive_int("dense_layer_inputs", "in_channels", in_channels)
    positive_int("dense_layer_inputs", "growth_rate", growth_rate)
    positive_int("dense_layer_inputs", "layers", layers)
    return tuple(in_channels + growth_rate * (i - 1) for i in range(1, layers + 1))


def dense_block_cost(
    in_channels: int, growth_rate: int, layers: int, hw: int, *, bottleneck: bool = True
) -> DenseBlockCost:
    """Parameters, multiply-adds and activation memory of a dense block (see :class:`DenseBlockCost`).

    A basic layer is BN-ReLU-Conv3×3(k); with ``bottleneck`` it is BN-ReLU-Conv1×1(4k)-BN-ReLU-Conv3×3(k).
    The tests check every field against the ledger of the zoo's block and the tensors its forward makes.
    """
    positive_int("dense_block_cost", "hw", hw)
    if not isinstance(bottleneck, bool):
        raise ValueError(f"dense_block_cost: bottleneck must be True or False, got {bottleneck!r}")
    k, area = growth_rate, hw * hw
    inputs = dense_layer_inputs(in_channels, growth_rate, layers)
    params = macs = leaf = 0
    for c in inputs:
        if bottleneck:
            width = 4 * k
            params += 2 * c + c * width + 2 * width + 9 * width * k
            macs += area * (c * width + 9 * width * k)
            leaf += area * (2 * c + width + 2 * width + k)  # norm1, relu1; conv1; norm2, relu2; conv2
        else:
            params += 2 * c + 9 * c * k
            macs += area * 9 * c * k
            leaf += area * (2 * c + k)  # norm, relu, conv
    concat = area * (sum(inputs) + in_channels + k * layers)
    return DenseBlockCost(in_channels, k, layers, hw, bottleneck, inputs, params, macs, leaf, concat)


@dataclass(frozen=True)
class TransitionCost:
    """BN-ReLU-Conv1×1-AvgPool2×2 from m to ⌊θ·m⌋ channels on ``hw``×``hw`` maps (pooled to ``hw // 2``)."""

    in_channels: int
    out_channels: int
    hw: int
    params: int  # batch norm and the 1×1 convolution
    macs: int  # the 1×1 convolution, before the pooling


def transition_cost(in_channels: int, hw: int, compression: float) -> TransitionCost:
    """The transition after a dense block: keeps ⌊θ·m⌋ of its m channels (as the zoo's ``dense_channels``)."""
    import math

    positive_int("transition_cost", "in_channels", in_channels)
    positive_int("transition_cost", "hw", hw)
    if isinstance(compression, bool) or not isinstance(compression, int | float) or not 0 < compression <= 1:
        raise ValueError(f"transition_cost: compression θ must be in (0, 1], got {compression!r}")
    out = math.floor(compression * in_channels + 1e-9)
    if out < 1:
        raise ValueError(f"transition_cost: θ = {compression} keeps ⌊θ·{in_channels}⌋ = 0 channels; use a larger θ")
    return TransitionCost(in_channels, out, hw, 2 * in_channels + in_channels * out, hw * hw * in_channels * out)


@dataclass(frozen=True)
class DenseNetBlocksCost:
    """Dense blocks and transitions of a DenseNet body (stem and classifier left out)."""

    blocks: tuple[DenseBlockCost, ...]
    transitions: tuple[TransitionCost, ...]

    @property
    def params(self) -> int:
        return sum(b.params for b in self.blocks) + sum(t.params for t in self.transitions)

    @property
    def macs(self) -> int:
        return sum(b.macs for b in self.blocks) + sum(t.macs for t in self.transitions)

    @property
    def materialised_elements(self) -> int:
        return sum(b.materialised_elements for b in self.blocks)

    @property
    def leaf_elements(self) -> int:
        return sum(b.leaf_elements for b in self.blocks)

    @property
    def shared_elements(self) -> int:
        return sum(b.shared_elements for b in self.blocks)


def densenet_blocks_cost(
    in_channels: int, block_config: tuple[int, ...], growth_rate: int, hw: int, *,
    bottleneck: bool = True, compression: float = 0.5,
) -> DenseNetBlocksCost:  # fmt: skip
    """Every dense block and transition of a DenseNet body whose first block sees ``in_channels`` maps of
    ``hw``×``hw`` (DenseNet-121: 64 channels at 56×56; CIFAR: 2k or 16 channels at 32×32); each transition
    halves the size."""
    blocks, transitions = [], []
    channels, size = in_channels, hw
    for i, layers in enumerate(block_config):
        block = dense_block_cost(channels, growth_rate, layers, size, bottleneck=bottleneck)
        blocks.append(block)
        if i < len(block_config) - 1:
            trans = transition_cost(block.out_channels, size, compression)
            transitions.append(trans)
            channels, size = trans.out_channels, size // 2
    return DenseNetBlocksCost(tuple(blocks), tuple(transitions))


@dataclass(frozen=True)
class CifarDenseNetCost:
    """A whole CIFAR DenseNet (the zoo's ``cifar_densenet``): a 3×3 convolution from the image to
    ``init_channels`` maps, the body (:class:`DenseNetBlocksCost`), a last batch norm and the classifier,
    counted as the ledger counts the zoo's network (batch norms and pooling cost no multiply-adds)."""

    init_channels: int
    body: DenseNetBlocksCost
    num_classes: int
    hw: int
    in_channels: int = 3

    @property
    def out_channels(self) -> int:
        return self.body.blocks[-1].out_channels

    @property
    def depth(self) -> int:
        """Weight layers on the longest path, the paper's L: the first convolution, every layer's one or two
        convolutions, the transitions' and the classifier (3n + 4 basic, 6n + 4 with the bottleneck)."""
        per_layer = 2 if self.body.blocks[0].bottleneck else 1
        return 1 + sum(per_layer * b.layers for b in self.body.blocks) + len(self.body.transitions) + 1

    @property
    def params(self) -> int:
        stem = 9 * self.in_channels * self.init_channels
        head = 2 * self.out_channels + self.out_channels * self.num_classes + self.num_classes
        return stem + self.body.params + head

    @property
    def macs(self) -> int:
        stem = self.hw * self.hw * 9 * self.in_channels * self.init_channels
        return stem + self.body.macs + self.out_channels * self.num_classes


def cifar_densenet_cost(
    init_channels: int, layers: int, growth_rate: int, *, bottleneck: bool, compression: float,
    num_classes: int = 10, hw: int = 32,
) -> CifarDenseNetCost:  # fmt: skip
    """A CIFAR DenseNet of three dense blocks of ``layers`` layers on ``hw``×``hw`` maps (halved by each
    transition), ``init_channels`` maps into the first block: what the zoo's ``cifar_densenet`` builds (it
    takes 16 channels, or 2k with the bottleneck, as the paper does; the caller reads them from the zoo)."""
    positive_int("cifar_densenet_cost", "init_channels", init_channels)
    positive_int("cifar_densenet_cost", "num_classes", num_classes)
    body = densenet_blocks_cost(init_channels, (layers,) * 3, growth_rate, hw, bottleneck=bottleneck,
                                compression=compression)  # fmt: skip
    return CifarDenseNetCost(init_channels, body, num_classes, hw)


# --- what a training step keeps of a dense block ---------------------------------------------------


def concat_input_elements(block: DenseBlockCost) -> int:
    """The layers' concatenated inputs together, elements per image: Σ (k₀ + k·(ℓ − 1))·hw², which is
    k₀·L + k·L(L − 1)/2 channels, the second term growing with L²."""
    return sum(block.layer_inputs) * block.hw * block.hw


def full_width_elements(block: DenseBlockCost) -> int:
    """The outputs of each layer's first batch norm and ReLU, which act on the whole concatenated input:
    2·Σ (k₀ + k·(ℓ − 1))·hw² elements per image, the part of ``leaf_elements`` that grows with L²."""
    return 2 * concat_input_elements(block)


def autograd_saved_elements(block: DenseBlockCost) -> int:
    """What PyTorch keeps for the backward pass of the zoo's :class:`cnnviz.models.densenet.DenseBlock` in
    training, activation elements per image (the tests check it against
    :func:`cnnviz.analysis.memory.saved_for_backward` on the zoo's blocks).

    Per layer: its concatenated input (the first batch norm keeps its input) and the first ReLU's output
    (kept by the ReLU and by the convolution that reads it, one tensor), 2·(k₀ + k·(ℓ − 1)) channels; with
    the bottleneck also the 1×1's output (the second batch norm keeps it) and the second ReLU's output, 4k
    each. Not kept: the batch norms' outputs, the 3×3's k new maps (their values live on in the later
    concatenations) and the block's output concatenation.
    """
    from cnnviz.models.densenet import BOTTLENECK_WIDTH

    per_layer = 2 * BOTTLENECK_WIDTH * block.growth_rate if block.bottleneck else 0
    return full_width_elements(block) + block.layers * per_layer * block.hw * block.hw


def memory_efficient_elements(block: DenseBlockCost) -> int:
    """What a memory-efficient implementation keeps of a dense block (Pleiss et al. 2017; torchvision's
    ``memory_efficient=True`` does the same with checkpointing), activation elements per image.

    The concatenations and the first batch norm's outputs are not kept: they go into shared storage and are
    recomputed in the backward pass. What stays is linear in L: the block's maps, each stored once
    (``shared_elements``, k₀ + k·L channels), and with the bottleneck each layer's 1×1 output and second
    ReLU output (4k channels each). The tests check it against a checkpointed forward of the zoo's block.
    """
    from cnnviz.models.densenet import BOTTLENECK_WIDTH

    per_layer = 2 * BOTTLENECK_WIDTH * block.growth_rate if block.bottleneck else 0
    return block.shared_elements + block.layers * per_layer * block.hw * block.hw
