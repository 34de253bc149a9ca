"""The CIFAR-10 ResNets and their plain twins: He et al. 2016, section 4.2.

    output map   32x32   16x16   8x8
    layers       1+2n    2n      2n       (+ global average pool, 10-way fc: 6n+2 weighted layers)
    filters      16      32      64

A 3x3 conv with 16 filters, then three stages of ``n`` basic blocks (two 3x3 convs each) with 16, 32 and 64
filters on 32x32, 16x16 and 8x8 maps; the first block of stages 2 and 3 has stride 2. Shortcuts are
identities everywhere; where the shape changes they are option A: subsample with stride 2 and pad the new
channels with zeros, so a ResNet has exactly the parameters of its plain twin (same network, no shortcuts).
The blocks are :class:`cnnviz.models.resnet.BasicBlock` (``shortcut="A"``, or ``None`` for plain).

Parameters (exact; the paper's Table 6 rounds): ResNet-20 269,722 (0.27M); -32 464,154 (0.46M);
-44 658,586 (0.66M); -56 853,018 (0.85M); -110 1,727,962 (1.7M); -1202 19,421,274 (19.4M).

``width`` (default 16, the paper's) sets the stages' filters to width, 2 width, 4 width. It is not a setting
of the paper: the CPU-scale degradation experiment uses it as a lever on cost (a conv's cost grows with the
square of its width), and every run that changes it records so in its log.

``batch_norm=False`` (default True) builds the network with every batch norm replaced by an identity, for
the book's BatchNorm ablation. It is the one place the zoo removes a norm layer (the design guide's "no
norm-layer injection" has this exception, for the CIFAR networks only); the convolutions stay without bias,
as in the paper's network, so the ablation removes BN's scale and shift and nothing else changes.

Initialisation: He (MSRA) normal for convs, BN weight 1 / bias 0, fc at PyTorch's default (the paper:
"We adopt the weight initialization in [13] and BN"). The lecture says Xavier; the paper uses He.
"""

from __future__ import annotations

from functools import partial

import torch
from torch import nn

from cnnviz.models.base import ConvNet
from cnnviz.models.registry import register
from cnnviz.models.resnet import HE2016, BasicBlock, BlockFactory, init_he, make_stage
from cnnviz.validate import positive_int

__all__ = ["BasicBlock", "CifarResNet", "blocks_per_stage", "cifar_resnet", "deepened"]

STAGE_CHANNELS = (16, 32, 64)

# Table 6 of the paper: CIFAR-10 test error (best of 5 runs for 110; single runs otherwise).
REPORTED_ERROR = {20: 0.0875, 32: 0.0751, 44: 0.0717, 56: 0.0697, 110: 0.0643, 1202: 0.0793}


def blocks_per_stage(depth: int, *, model: str = "cifar_resnet") -> int:
    """``n`` for a 6n+2-layer network; ValueError naming the nearest valid depths otherwise."""
    if isinstance(depth, bool) or not isinstance(depth, int):
        raise ValueError(
            f"{model}: depth must be an integer of the form 6n+2 (8, 14, 20, ...), got {depth!r}"
        )
    if depth < 8 or (depth - 2) % 6:
        below = max(8, depth - (depth - 2) % 6)
        above = below + 6 if depth > below else below
        nearest = f"depth: {below}" if below == above else f"depths: {below} and {above}"
        raise ValueError(
            f"{model}: depth must be 6n+2 with n >= 1 (8, 14, 20, 26, 32, ...), got {depth}; "
            f"nearest valid {nearest}"
        )
    return (depth - 2) // 6


class CifarResNet(ConvNet):
    """6n+2 layers: 3x3 conv 16, three stages of ``n`` blocks (16, 32, 64 filters), global pool, fc.

    ``block`` builds each block from (in_channels, out_channels, stride); stochastic depth passes its own.
    """

    def __init__(
        self, name: str, n: int, block: BlockFactory, *, num_classes: int = 10, in_channels: int = 3,
        width: int = STAGE_CHANNELS[0],
    ) -> None:
        super().__init__(name, in_channels)
        positive_int(name, "num_classes", num_classes)
        positive_int(name, "width", width)
        self.n = n
        stage_channels = tuple(width * 2**i for i in range(len(STAGE_CHANNELS)))  # (16, 32, 64) by default
        self.conv1 = nn.Conv2d(in_channels, stage_channels[0], 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(stage_channels[0])
        self.relu = nn.ReLU()
        channels = stage_channels[0]
        for i, out_channels in enumerate(stage_channels):
            stride = 1 if i == 0 else 2
            self.add_module(f"layer{i + 1}", make_stage(block, channels, out_channels, n, stride))
            channels = out_channels
        self.avgpool = nn.AdaptiveAvgPool2d(1)  # global average pool (8x8 at 32x32 input)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(channels, num_classes)
        init_he(self)

    def blocks(self) -> list[nn.Module]:
        """The 3n blocks, in forward order."""
        return [*self.layer1, *self.layer2, *self.layer3]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        x = self.relu(self.bn1(self.conv1(x)))  # (N, 16, 32, 32)
        x = self.layer1(x)  # (N, 16, 32, 32)
        x = self.layer2(x)  # (N, 32, 16, 16)
        x = self.layer3(x)  # (N, 64, 8, 8)
        x = self.flatten(self.avgpool(x))  # (N, 64)
        return self.fc(x)  # (N, num_classes)


def cifar_resnet(
    depth: int, residual: bool = True, *, num_classes: int = 10, in_channels: int = 3, width: int = 16,
    batch_norm: bool = True,
) -> CifarResNet:
    """CIFAR-10 ResNet-``depth`` (6n+2 layers, option A shortcuts), or its plain twin if not ``residual``.

    ``width``: the first stage's filters (the paper's 16; the later stages double it); ``batch_norm=False``:
    the BatchNorm ablation (every BN an identity). See the module notes.
    """
    n = blocks_per_stage(depth)
    if not isinstance(batch_norm, bool):
        raise ValueError(f"cifar_resnet: batch_norm must be True or False, got {batch_norm!r}")
    block = partial(BasicBlock, shortcut="A" if residual else None)
    name = f"resnet{depth}" if residual else f"plain{depth}"
    net = CifarResNet(name, n, block, num_classes=num_classes, in_channels=in_channels, width=width)
    if not batch_norm:
        _remove_batch_norm(net)
        net.model_name = f"{name}_nobn"
    return net


def _remove_batch_norm(net: nn.Module) -> None:
    """Replace every ``nn.BatchNorm2d`` of ``net`` by an identity, in place (the BatchNorm ablation)."""
    for parent in list(net.modules()):
        for child_name, child in list(parent.named_children()):
            if isinstance(child, nn.BatchNorm2d):
                setattr(parent, child_name, nn.Identity())


def _make_identity(block: BasicBlock) -> None:
    """Set ``block`` (stride 1, C -> C channels, eval mode) to compute the identity on its non-negative input.

    Residual: zero the last batch norm's scale and shift, so F(x) = 0 and ReLU(0 + x) = x. Plain: each 3x3
    kernel is a Dirac delta (filter i copies channel i), each batch norm passes its input unchanged, and
    ReLU(x) = x for x >= 0 (a block's input comes out of a ReLU).
    """
    if not block.residual:
        for conv in (block.conv1, block.conv2):
            nn.init.dirac_(conv.weight)
    for bn in (block.bn1, block.bn2):
        nn.init.zeros_(bn.running_mean)
        nn.init.ones_(bn.running_var)
        nn.init.zeros_(bn.bias)
        # eval mode computes x / sqrt(var + eps) * weight: this weight makes the factor exactly 1
        bn.weight.copy_(torch.sqrt(bn.running_var + bn.eps))
    if block.residual:
        nn.init.zeros_(block.bn2.weight)


@torch.no_grad()
def deepened(shallow: CifarResNet, depth: int) -> CifarResNet:
    """A ``depth``-layer twin of ``shallow`` (plain or residual, like it) that computes the same function.

    The paper's "solution by construction" (He et al. 2016, section 1): copy the shallower network and add
    identity layers. Each stage keeps ``shallow``'s blocks and appends blocks set to the identity, so in eval
    mode the outputs agree (up to float rounding). In a residual network the identity is all-zero weights in
    the last batch norm; in a plain network it is a precise non-zero pattern (Dirac kernels), which is what
    makes it hard to find by SGD.
    """
    residual = shallow.blocks()[0].residual
    n = blocks_per_stage(depth, model="deepened")
    if n < shallow.n:
        raise ValueError(
            f"deepened: depth must be at least the shallow network's {6 * shallow.n + 2} layers, got {depth}"
        )
    deep = cifar_resnet(depth, residual, num_classes=shallow.fc.out_features, in_channels=shallow.in_channels,
                        width=shallow.conv1.out_channels)
    deep.load_state_dict(shallow.state_dict(), strict=False)  # stem, fc and the first n blocks of each stage
    for stage in (deep.layer1, deep.layer2, deep.layer3):
        for block in list(stage)[shallow.n:]:
            _make_identity(block)
    return deep.eval()


# --- registered names ----------------------------------------------------------------------------------

_CIFAR = dict(family="ResNet (CIFAR)", paper=HE2016, input_size=(3, 32, 32), dataset="CIFAR-10")
for _depth in (20, 32, 44, 56, 110, 1202):
    register(
        f"resnet{_depth}", cifar_resnet, **_CIFAR, reported_error=REPORTED_ERROR[_depth],
        error_metric="CIFAR-10 test error (Table 6)",
        description=f"ResNet-{_depth} for CIFAR-10: 6n+2 layers with n = {(_depth - 2) // 6}, option A shortcuts",
        kwargs={"depth": _depth, "residual": True},
    )
# The plain nets appear only as training curves (Fig. 6), without a table of errors.
for _depth in (20, 32, 44, 56, 110):
    register(
        f"plain{_depth}", cifar_resnet, **_CIFAR,
        description=f"Plain-{_depth} for CIFAR-10: ResNet-{_depth} without its shortcuts",
        kwargs={"depth": _depth, "residual": False},
    )
