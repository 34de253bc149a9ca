"""Network in Network: Lin, Chen, Yan, "Network In Network" (ICLR 2014).

An mlpconv layer slides a small multilayer perceptron over the image: a k×k convolution followed by
1×1 convolutions ("cascaded cross channel parametric pooling", cccp), each with a ReLU. It "convolves a
more complex hierarchical filter" than a linear filter. The last mlpconv emits one feature map per class,
and global average pooling replaces the fully connected classifier: there are no FC layers.

The paper gives the idea but not the layer sizes; the networks here are the authors' Caffe model-zoo
definitions (the ones behind the paper's numbers), described in :data:`CIFAR_BLOCKS` and
:data:`IMAGENET_BLOCKS`:

* ``nin_cifar`` (CIFAR-10, 32×32): three mlpconv blocks, 192-160-96 (5×5), 192-192-192 (5×5),
  192-192-10 (3×3); 3×3/2 max pool after the first, 3×3/2 average pool after the second, dropout 0.5
  after both, global average pooling after the third. 966,986 parameters (~0.97M). The paper reports
  10.41% CIFAR-10 error with dropout and no augmentation (8.81% with translation and flipping).
* ``nin_imagenet`` (ImageNet, 224×224): four mlpconv blocks, 96-96-96 (11×11/4), 256-256-256 (5×5),
  384-384-384 (3×3), 1024-1024-1000 (3×3); 3×3/2 max pool after the first three, dropout 0.5 before the
  fourth, global average pooling. 7,595,176 parameters (~7.6M). The paper has no ImageNet experiment.

Caffe rounds pooling output sizes up, so the pools use ``ceil_mode=True`` (CIFAR: 32 → 16 → 8;
ImageNet: 54 → 27 → 13 → 6). The global average pool is adaptive; at the nominal input it equals the
Caffe model's fixed 8×8 (CIFAR) or 6×6 (ImageNet) average pool. As in the Caffe files, a ReLU follows
every convolution, the class maps included. Initialisation: the paper does not state one (the Caffe
files use hand-set Gaussian scales); we use He normal (fan-in) weights and zero biases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from cnnviz.models.base import ConvNet
from cnnviz.models.registry import Paper, register
from cnnviz.validate import positive_int, probability

PAPER = Paper(
    title="Network In Network",
    authors="Min Lin, Qiang Chen, Shuicheng Yan",
    year=2014,
    arxiv="1312.4400",
    bibkey="lin2014network",
)


# --- the architecture as data ---------------------------------------------------------------------

@dataclass(frozen=True)
class MlpconvSpec:
    """One mlpconv block: a k×k conv then 1×1 convs (``channels[0]`` k×k filters, then the 1×1 widths)."""

    channels: tuple[int, ...]  # e.g. (192, 160, 96): conv 192, cccp 160, cccp 96
    kernel: int
    stride: int = 1
    padding: int = 0
    pool: str | None = None  # "max" or "avg" 3×3/2 pooling after the block; None: none ("global" at the end)
    dropout: bool = False  # dropout after the block (after its pooling)


# The last block's final width is the number of classes (10, 1000); builders replace it by num_classes.
CIFAR_BLOCKS = (
    MlpconvSpec((192, 160, 96), kernel=5, padding=2, pool="max", dropout=True),
    MlpconvSpec((192, 192, 192), kernel=5, padding=2, pool="avg", dropout=True),
    MlpconvSpec((192, 192, 10), kernel=3, padding=1),
)
IMAGENET_BLOCKS = (
    MlpconvSpec((96, 96, 96), kernel=11, stride=4, pool="max"),
    MlpconvSpec((256, 256, 256), kernel=5, padding=2, pool="max"),
    MlpconvSpec((384, 384, 384), kernel=3, padding=1, pool="max", dropout=True),
    MlpconvSpec((1024, 1024, 1000), kernel=3, padding=1),
)


# --- blocks ---------------------------------------------------------------------------------------

class Mlpconv(nn.Sequential):
    """k×k conv + ReLU, then 1×1 convs + ReLU (``conv``, ``cccp1``, ...): a micro-MLP slid over the image."""

    def __init__(self, in_channels: int, spec: MlpconvSpec) -> None:
        super().__init__()
        first, *rest = spec.channels
        self.conv = nn.Conv2d(in_channels, first, spec.kernel, stride=spec.stride, padding=spec.padding)
        self.relu = nn.ReLU(inplace=False)
        channels = first
        for i, width in enumerate(rest, start=1):
            self.add_module(f"cccp{i}", nn.Conv2d(channels, width, kernel_size=1))
            self.add_module(f"relu_cccp{i}", nn.ReLU(inplace=False))
            channels = width


# --- the network ----------------------------------------------------------------------------------

class NiN(ConvNet):
    """Mlpconv blocks (``mlpconv1``, ...) with pooling and dropout, then global average pooling."""

    def __init__(self, name: str, blocks: Sequence[MlpconvSpec], in_channels: int, dropout: float) -> None:
        super().__init__(name, in_channels)
        self.blocks = tuple(blocks)
        self.features = nn.Sequential()
        channels = in_channels
        for i, spec in enumerate(blocks, start=1):
            self.features.add_module(f"mlpconv{i}", Mlpconv(channels, spec))
            channels = spec.channels[-1]
            if spec.pool == "max":
                self.features.add_module(f"pool{i}", nn.MaxPool2d(3, stride=2, ceil_mode=True))
            elif spec.pool == "avg":
                self.features.add_module(f"pool{i}", nn.AvgPool2d(3, stride=2, ceil_mode=True))
            if spec.dropout:
                self.features.add_module(f"dropout{i}", nn.Dropout(p=dropout))
        self.global_pool = nn.AdaptiveAvgPool2d(1)  # one number per class map: the classifier
        self.flatten = nn.Flatten(1)

        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
                nn.init.zeros_(module.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        x = self.features(x)  # CIFAR: (N, 10, 8, 8); ImageNet: (N, 1000, 6, 6)
        return self.flatten(self.global_pool(x))  # (N, num_classes)


# --- builders -------------------------------------------------------------------------------------

def _build(
    name: str, blocks: Sequence[MlpconvSpec], num_classes: int, in_channels: int, dropout: float
) -> NiN:
    positive_int(name, "num_classes", num_classes)
    probability(name, "dropout", dropout)
    *head, last = blocks
    last = MlpconvSpec(
        last.channels[:-1] + (num_classes,), last.kernel, last.stride, last.padding, last.pool, last.dropout
    )
    return NiN(name, (*head, last), in_channels, dropout)


def nin_cifar(*, num_classes: int = 10, in_channels: int = 3, dropout: float = 0.5) -> NiN:
    """NiN for CIFAR-10: three mlpconv blocks (Caffe model zoo), global average pooling, no FC layer."""
    return _build("nin_cifar", CIFAR_BLOCKS, num_classes, in_channels, dropout)


def nin_imagenet(*, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> NiN:
    """NiN for ImageNet: four mlpconv blocks (Caffe model zoo), global average pooling, no FC layer."""
    return _build("nin_imagenet", IMAGENET_BLOCKS, num_classes, in_channels, dropout)


# --- registered names -----------------------------------------------------------------------------

register(
    "nin_cifar", nin_cifar, family="NiN", paper=PAPER, input_size=(3, 32, 32), dataset="CIFAR-10",
    reported_error=0.1041, error_metric="CIFAR-10 error (no augmentation)",
)
register("nin_imagenet", nin_imagenet, family="NiN", paper=PAPER, input_size=(3, 224, 224), dataset="ImageNet")
