"""DenseNet: Huang, Liu, van der Maaten, Weinberger, "Densely Connected Convolutional Networks" (2017).

Inside a dense block, layer ℓ receives the concatenation of the block input and the outputs of all ℓ-1
earlier layers and adds ``k`` (the growth rate) new feature maps, so the channel count grows
``c0, c0+k, c0+2k, ...`` along the block (:func:`dense_channels` lists it). Transition layers between
blocks (BN-ReLU-1×1 conv-2×2 average pool) shrink the channels by the compression factor θ.

* DenseNet-B: each layer is BN-ReLU-Conv1×1(4k)-BN-ReLU-Conv3×3(k) (the bottleneck);
  DenseNet-C: θ < 1; DenseNet-BC: both. The ImageNet models are all DenseNet-BC with θ = 0.5.
* ImageNet (Table 1): 7×7/2 conv with 2k channels, BN-ReLU, 3×3/2 max pool, four dense blocks,
  global average pool, 1000-way fully connected. DenseNet-121/169/201/264 use k = 32;
  DenseNet-161 (k = 48, 96 initial channels) is the authors' released model, not in the paper's table.
  Module names are torchvision's (``features.denseblock1.denselayer1.conv1``, ``features.transition1.conv``,
  ``features.norm5``, ``classifier``), so torchvision weights load 1:1 (:func:`from_torchvision`).
  The final ReLU and pooling are modules here (torchvision calls them functionally): no parameters differ.
* CIFAR (Section 3): 3×3 conv, three dense blocks of n layers on 32×32, 16×16, 8×8 maps, depth
  L = 3n + 4 (basic) or 6n + 4 (bottleneck). The first conv has 16 channels for the basic DenseNet and
  2k for DenseNet-BC.

Parameters: densenet121 7,978,856; densenet169 14,149,480; densenet201 20,013,928; densenet161 28,681,000
(all equal to torchvision); densenet264 33,337,704 (the paper's table does not list counts).
Counting conv and fully connected layers, DenseNet-121/169/201 have 2·Σblocks + 5 = 121/169/201 layers,
but "DenseNet-264" (6, 12, 64, 48) has 2·130 + 5 = 265: the paper's name is one off.
CIFAR: densenet40_12 1,019,722 and densenet_bc_100_12 769,162 with 10 classes (the paper's Table 2:
1.0M and 0.8M).
Dropout (rate 0.2 after each conv) is used in the paper only on CIFAR *without* data augmentation;
it is left out here.
Initialisation as the authors' Torch code (which follows fb.resnet.torch): He normal with fan-out for
convolutions, BN weight 1 and bias 0, classifier bias 0 (its weight keeps PyTorch's default).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from cnnviz.models.base import ConvNet
from cnnviz.models.registry import Paper, register, register_torchvision
from cnnviz.validate import boolean, positive_int, probability

PAPER = Paper(
    title="Densely Connected Convolutional Networks",
    authors="Gao Huang, Zhuang Liu, Laurens van der Maaten, Kilian Q. Weinberger",
    year=2017,
    arxiv="1608.06993",
    bibkey="huang2017densely",
)

# ImageNet DenseNet-BC: layers per dense block (the paper's Table 1; 161 is the authors' k=48 release).
BLOCK_CONFIGS: dict[int, tuple[int, int, int, int]] = {
    121: (6, 12, 24, 16),
    161: (6, 12, 36, 24),
    169: (6, 12, 32, 32),
    201: (6, 12, 48, 32),
    264: (6, 12, 64, 48),
}
BOTTLENECK_WIDTH = 4  # the 1×1 conv of DenseNet-B produces 4k feature maps


# --- the architecture as data: channels along the network ----------------------------------------

@dataclass(frozen=True)
class DenseBlockChannels:
    """Channel counts of one dense block: what each layer receives, what the block and transition emit."""

    in_channels: int
    layer_inputs: tuple[int, ...]  # input channels of layer 1, 2, ...: in_channels + (ℓ-1)·k
    out_channels: int  # in_channels + n·k, the concatenation of everything
    transition_out: int | None  # ⌊θ·out_channels⌋ after the following transition; None after the last block


def dense_channels(
    num_init_features: int, block_config: Sequence[int], growth_rate: int, compression: float
) -> tuple[DenseBlockChannels, ...]:
    """The per-layer channel growth of every dense block (what the book draws as widening blocks)."""
    blocks = []
    channels = num_init_features
    for i, num_layers in enumerate(block_config):
        inputs = tuple(channels + j * growth_rate for j in range(num_layers))
        out = channels + num_layers * growth_rate
        last = i == len(block_config) - 1
        # ⌊θ·m⌋ as in the paper; the epsilon guards products like 0.57·100 = 56.999...
        transition = None if last else math.floor(compression * out + 1e-9)
        blocks.append(DenseBlockChannels(channels, inputs, out, transition))
        channels = out if last else transition
    return tuple(blocks)


# --- blocks ---------------------------------------------------------------------------------------

class DenseLayer(nn.Module):
    """Basic composite function H_ℓ: BN-ReLU-Conv3×3 producing ``growth_rate`` maps."""

    def __init__(self, in_channels: int, growth_rate: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(in_channels)
        self.relu = nn.ReLU(inplace=False)
        self.conv = nn.Conv2d(in_channels, growth_rate, kernel_size=3, padding=1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(self.relu(self.norm(x)))  # (N, k, H, W)


class BottleneckLayer(nn.Module):
    """DenseNet-B layer: BN-ReLU-Conv1×1(4k)-BN-ReLU-Conv3×3(k); torchvision's ``_DenseLayer`` names."""

    def __init__(self, in_channels: int, growth_rate: int) -> None:
        super().__init__()
        width = BOTTLENECK_WIDTH * growth_rate
        self.norm1 = nn.BatchNorm2d(in_channels)
        self.relu1 = nn.ReLU(inplace=False)
        self.conv1 = nn.Conv2d(in_channels, width, kernel_size=1, bias=False)
        self.norm2 = nn.BatchNorm2d(width)
        self.relu2 = nn.ReLU(inplace=False)
        self.conv2 = nn.Conv2d(width, growth_rate, kernel_size=3, padding=1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(self.relu1(self.norm1(x)))  # (N, 4k, H, W)
        return self.conv2(self.relu2(self.norm2(x)))  # (N, k, H, W)


class DenseBlock(nn.ModuleDict):
    """``num_layers`` layers, each fed the concatenation of the block input and all earlier outputs."""

    def __init__(self, in_channels: int, num_layers: int, growth_rate: int, bottleneck: bool) -> None:
        layer = BottleneckLayer if bottleneck else DenseLayer
        super().__init__(
            {
                f"denselayer{i + 1}": layer(in_channels + i * growth_rate, growth_rate)
                for i in range(num_layers)
            }
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = [x]  # (N, c0, H, W)
        for layer in self.values():
            features.append(layer(torch.cat(features, dim=1)))  # each adds (N, k, H, W)
        return torch.cat(features, dim=1)  # (N, c0 + n·k, H, W)


class Transition(nn.Sequential):
    """BN-ReLU-Conv1×1-AvgPool2×2 between dense blocks; the conv keeps ⌊θ·m⌋ of the m channels."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(in_channels)
        self.relu = nn.ReLU(inplace=False)
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


# --- the network ----------------------------------------------------------------------------------

class DenseNet(ConvNet):
    """A DenseNet: stem, dense blocks with transitions, BN-ReLU, global average pool, classifier."""

    def __init__(
        self,
        name: str,
        block_config: Sequence[int],
        growth_rate: int,
        bottleneck: bool,
        compression: float,
        num_init_features: int,
        stem: str,
        num_classes: int,
        in_channels: int,
    ) -> None:
        super().__init__(name, in_channels)
        self.growth_rate = growth_rate
        self.bottleneck = bottleneck
        self.compression = compression
        self.block_config = tuple(block_config)
        self.channels = dense_channels(num_init_features, block_config, growth_rate, compression)

        self.features = nn.Sequential()
        if stem == "imagenet":
            self.features.add_module(
                "conv0", nn.Conv2d(in_channels, num_init_features, 7, stride=2, padding=3, bias=False)
            )
            self.features.add_module("norm0", nn.BatchNorm2d(num_init_features))
            self.features.add_module("relu0", nn.ReLU(inplace=False))
            self.features.add_module("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        else:  # CIFAR: one 3×3 conv; its BN-ReLU is the first layer's
            self.features.add_module(
                "conv0", nn.Conv2d(in_channels, num_init_features, 3, padding=1, bias=False)
            )
        for i, block in enumerate(self.channels):
            self.features.add_module(
                f"denseblock{i + 1}",
                DenseBlock(block.in_channels, len(block.layer_inputs), growth_rate, bottleneck),
            )
            if block.transition_out is not None:
                self.features.add_module(
                    f"transition{i + 1}", Transition(block.out_channels, block.transition_out)
                )
        final = self.channels[-1].out_channels
        self.features.add_module(f"norm{len(self.channels) + 1}", nn.BatchNorm2d(final))
        self.relu = nn.ReLU(inplace=False)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)
        self.classifier = nn.Linear(final, num_classes)

        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)
        nn.init.zeros_(self.classifier.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        x = self.features(x)  # ImageNet 224: (N, 1024, 7, 7) for DenseNet-121; CIFAR 32: (N, C, 8, 8)
        x = self.avgpool(self.relu(x))  # (N, C, 1, 1)
        return self.classifier(self.flatten(x))  # (N, num_classes)


# --- builders -------------------------------------------------------------------------------------

def _validate(
    model: str, block_config: object, growth_rate: object, bottleneck: object, compression: object
) -> tuple[int, ...]:
    positive_int(model, "growth_rate", growth_rate)
    boolean(model, "bottleneck", bottleneck)
    probability(model, "compression", compression, allow_zero=False)
    if (
        isinstance(block_config, str | bytes)
        or not isinstance(block_config, Sequence)
        or len(block_config) == 0
        or any(isinstance(n, bool) or not isinstance(n, int) or n <= 0 for n in block_config)
    ):
        raise ValueError(
            f"{model}: block_config must be a non-empty sequence of positive layer counts per dense block, "
            f"e.g. (6, 12, 24, 16); got {block_config!r}"
        )
    return tuple(block_config)


def densenet(
    *,
    block_config: Sequence[int] = (6, 12, 24, 16),
    growth_rate: int = 32,
    bottleneck: bool = True,
    compression: float = 0.5,
    num_init_features: int | None = None,
    num_classes: int = 1000,
    in_channels: int = 3,
) -> DenseNet:
    """ImageNet-style DenseNet (7×7/2 stem and max pool); ``num_init_features`` defaults to 2k."""
    blocks = _validate("densenet", block_config, growth_rate, bottleneck, compression)
    init = 2 * growth_rate if num_init_features is None else num_init_features
    positive_int("densenet", "num_init_features", init)
    positive_int("densenet", "num_classes", num_classes)
    _check_transitions("densenet", init, blocks, growth_rate, compression)
    known = {config: f"densenet{depth}" for depth, config in BLOCK_CONFIGS.items()}
    name = known.get(blocks, "densenet") if bottleneck else "densenet"
    return DenseNet(
        name, blocks, growth_rate, bottleneck, compression, init, "imagenet", num_classes, in_channels
    )


def cifar_densenet(
    *,
    depth: int = 100,
    growth_rate: int = 12,
    bottleneck: bool = True,
    compression: float = 0.5,
    num_classes: int = 10,
    in_channels: int = 3,
) -> DenseNet:
    """CIFAR DenseNet of depth L: three dense blocks of (L-4)/3 basic or (L-4)/6 bottleneck layers."""
    name = "cifar_densenet"
    _validate(name, (1,), growth_rate, bottleneck, compression)
    positive_int(name, "depth", depth)
    per_layer = 6 if bottleneck else 3  # conv layers per dense layer, times the 3 blocks
    if depth <= 4 or (depth - 4) % per_layer:
        kind = "DenseNet-BC (bottleneck=True)" if bottleneck else "a DenseNet without bottleneck"
        valid = ", ".join(str(per_layer * n + 4) for n in range(1, 5))
        raise ValueError(
            f"{name}(depth={depth}): for {kind} the depth must be {per_layer}n+4 (n layers per dense "
            f"block, n ≥ 1), e.g. {valid}, ...; got {depth}"
        )
    n = (depth - 4) // per_layer
    positive_int(name, "num_classes", num_classes)
    init = 2 * growth_rate if bottleneck else 16  # the paper: 16 for the basic DenseNet, 2k for BC
    _check_transitions(name, init, (n, n, n), growth_rate, compression)
    variant = "B" * bottleneck + "C" * (compression < 1)  # DenseNet, DenseNet-B, -C or -BC
    prefix = f"densenet_{variant.lower()}_" if variant else "densenet"
    model = f"{prefix}{depth}_{growth_rate}"  # densenet40_12, densenet_bc_100_12
    return DenseNet(
        model, (n, n, n), growth_rate, bottleneck, compression, init, "cifar", num_classes, in_channels
    )


def _check_transitions(
    model: str, init: int, blocks: Sequence[int], growth_rate: int, compression: float
) -> None:
    for i, block in enumerate(dense_channels(init, blocks, growth_rate, compression)):
        if block.transition_out == 0:
            raise ValueError(
                f"{model}: compression={compression} leaves ⌊θ·{block.out_channels}⌋ = 0 channels after "
                f"dense block {i + 1}; use a larger compression (θ in (0, 1])"
            )


def densenet_k32(
    *,
    block_config: Sequence[int],
    growth_rate: int = 32,
    bottleneck: bool = True,
    compression: float = 0.5,
    num_classes: int = 1000,
    in_channels: int = 3,
) -> DenseNet:
    """DenseNet-BC for ImageNet with growth rate k = 32 (the paper's Table 1)."""
    return densenet(
        block_config=block_config, growth_rate=growth_rate, bottleneck=bottleneck,
        compression=compression, num_classes=num_classes, in_channels=in_channels,
    )


def densenet_k48(
    *,
    block_config: Sequence[int],
    growth_rate: int = 48,
    bottleneck: bool = True,
    compression: float = 0.5,
    num_classes: int = 1000,
    in_channels: int = 3,
) -> DenseNet:
    """DenseNet-BC-161 with growth rate k = 48 (the authors' released ImageNet model, not in Table 1)."""
    return densenet(
        block_config=block_config, growth_rate=growth_rate, bottleneck=bottleneck,
        compression=compression, num_classes=num_classes, in_channels=in_channels,
    )


def densenet_cifar_k12(
    *,
    depth: int,
    bottleneck: bool,
    compression: float,
    growth_rate: int = 12,
    num_classes: int = 10,
    in_channels: int = 3,
) -> DenseNet:
    """CIFAR DenseNet with growth rate k = 12: basic L=40 (1.0M) or DenseNet-BC L=100 (0.8M)."""
    return cifar_densenet(
        depth=depth, growth_rate=growth_rate, bottleneck=bottleneck, compression=compression,
        num_classes=num_classes, in_channels=in_channels,
    )


# --- registered names -----------------------------------------------------------------------------

_IMAGENET = dict(
    family="DenseNet", paper=PAPER, input_size=(3, 224, 224), dataset="ImageNet",
    error_metric="ILSVRC top-1 error (single crop)",
)
for _depth, _error in ((121, 0.2502), (169, 0.2380), (201, 0.2258), (264, 0.2215)):
    register(
        f"densenet{_depth}", densenet_k32, **_IMAGENET, reported_error=_error,
        kwargs={"block_config": BLOCK_CONFIGS[_depth]},
    )
# 22.2% is the authors' README (DenseNet-161 is not in the paper's Table 3).
register(
    "densenet161", densenet_k48, **_IMAGENET, reported_error=0.222, kwargs={"block_config": BLOCK_CONFIGS[161]}
)

_CIFAR = dict(
    family="DenseNet", paper=PAPER, input_size=(3, 32, 32), dataset="CIFAR-10",
    error_metric="CIFAR-10+ error (standard augmentation)",
)
register(
    "densenet40_12", densenet_cifar_k12, **_CIFAR, reported_error=0.0524,
    kwargs={"depth": 40, "bottleneck": False, "compression": 1.0},
)
register(
    "densenet_bc_100_12", densenet_cifar_k12, **_CIFAR, reported_error=0.0451,
    kwargs={"depth": 100, "bottleneck": True, "compression": 0.5},
)

# torchvision's pre-2019 checkpoints name layer modules "norm.1", "conv.2"; today's state_dict() says "norm1".
_OLD_KEY = re.compile(r"^(.*denselayer\d+\.(?:norm|relu|conv))\.([12])\.(.+)$")


def _rename_torchvision_key(key: str) -> str:
    return _OLD_KEY.sub(r"\1\2.\3", key)


for _depth in (121, 161, 169, 201):
    register_torchvision(
        f"densenet{_depth}",
        lambda _d=_depth: densenet(
            block_config=BLOCK_CONFIGS[_d], growth_rate=48 if _d == 161 else 32
        ),
        _rename_torchvision_key,
    )
del _depth
