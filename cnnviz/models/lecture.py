"""The lecture's worked examples, each defined once, as frozen records: :data:`INCEPTION` (the lecture's
Inception module on 28×28×256), :data:`STACK_VS_LARGE` (VGG's three 3×3 against one 7×7) and
:data:`RESNEXT_BLOCK` with :data:`RESNEXT_TABLE2` (the ResNeXt paper's equal-budget configurations).

They are architecture data, so they live with the models: the module diagrams (:mod:`cnnviz.models.figures`)
draw them, and the chapters, the claims, the explorers and the exercises compute them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from cnnviz.models.nin import CIFAR_BLOCKS

__all__ = [
    "DENSENET_EXAMPLE",
    "DenseNetExample",
    "INCEPTION",
    "MLPCONV_EXAMPLE",
    "MlpconvExample",
    "RESNEXT_BLOCK",
    "RESNEXT_TABLE2",
    "STACK_VS_LARGE",
    "InceptionExample",
    "ResNeXtExample",
    "StackVsLargeExample",
]

@dataclass(frozen=True)
class InceptionExample:
    """An Inception module's input and filter counts, in the names of ``ops.inception_*_cost``."""

    in_hw: int
    in_channels: int
    c1x1: int
    c3x3: int
    c5x5: int
    reduce3x3: int
    reduce5x5: int
    pool_proj: int

    @property
    def naive(self) -> dict[str, int]:
        """The arguments of ``ops.inception_naive_cost`` (no reductions)."""
        return {k: v for k, v in asdict(self).items() if k not in ("reduce3x3", "reduce5x5", "pool_proj")}

    @property
    def reduced(self) -> dict[str, int]:
        """The arguments of ``ops.inception_reduced_cost``."""
        return asdict(self)

    @property
    def filters(self) -> dict[str, int]:
        """The six filter counts (the explorers' sliders), without the input."""
        return {k: v for k, v in asdict(self).items() if k not in ("in_hw", "in_channels")}


# The lecture's example: a 28×28×256 input; 1×1 128, 3×3 192, 5×5 96 (+ a 3×3 max pool); the reduced
# module puts 64-filter 1×1 convolutions before the 3×3 and the 5×5 and after the pool.
INCEPTION = InceptionExample(
    in_hw=28, in_channels=256, c1x1=128, c3x3=192, c5x5=96, reduce3x3=64, reduce5x5=64, pool_proj=64
)


@dataclass(frozen=True)
class StackVsLargeExample:
    """``n`` stacked ``k_small`` convolutions of ``C`` channels against one with the same receptive field."""

    C: int
    n: int
    k_small: int = 3


# VGG's case at its first stage's width: three 3×3 convolutions (27C²) against one 7×7 (49C²).
STACK_VS_LARGE = StackVsLargeExample(C=64, n=3)


@dataclass(frozen=True)
class ResNeXtExample:
    """One ResNeXt block: ``channels`` in and out at ``in_hw``, C paths of width d; ``resnet_width`` is the
    ResNet-50 bottleneck (1×64d) with the same budget."""

    channels: int
    in_hw: int
    cardinality: int
    bottleneck_width: int
    resnet_width: int


# The ResNeXt paper's conv2 block (256-d in and out, 56×56): ResNeXt-50's 32×4d against ResNet-50's 1×64d.
RESNEXT_BLOCK = ResNeXtExample(channels=256, in_hw=56, cardinality=32, bottleneck_width=4, resnet_width=64)

# ResNeXt paper, Table 2: (cardinality C, bottleneck width d) with about the same complexity as the
# ResNet-50 conv2 bottleneck (~70k parameters).
RESNEXT_TABLE2 = ((1, 64), (2, 40), (4, 24), (8, 14), (32, 4))


@dataclass(frozen=True)
class MlpconvExample:
    """The block the explorers start from: where it sits in the CIFAR NiN, and its micro-network."""

    in_channels: int  # the previous block's output depth
    hw: int  # the input's side (32 halved by the 3×3/2 max pool, Caffe's ceil rounding)
    kernel: int
    conv_filters: int  # the k×k convolution's filters
    cccp_layers: int  # 1×1 convolutions after it
    cccp_width: int  # their filters


MLPCONV_EXAMPLE = MlpconvExample(
    in_channels=CIFAR_BLOCKS[0].channels[-1], hw=16, kernel=CIFAR_BLOCKS[1].kernel, conv_filters=CIFAR_BLOCKS[1].channels[0],
    cccp_layers=len(CIFAR_BLOCKS[1].channels) - 1, cccp_width=CIFAR_BLOCKS[1].channels[1],
)  # fmt: skip


# --- DenseNet: the explorer's starting point ------------------------------------------------------


@dataclass(frozen=True)
class DenseNetExample:
    """A CIFAR DenseNet-BC body: three dense blocks of ``layers`` layers on 32×32, 16×16 and 8×8 maps,
    ``2k`` channels into the first block, transitions with compression θ (DenseNet-BC-100: k = 12, 16, 0.5)."""

    growth_rate: int = 12
    layers: int = 16
    bottleneck: bool = True
    compression: float = 0.5
    blocks: int = 3
    hw: int = 32


DENSENET_EXAMPLE = DenseNetExample()
