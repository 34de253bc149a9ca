"""Wide Residual Networks: Zagoruyko & Komodakis, "Wide Residual Networks" (2016).

The argument: the residual connection matters more than extreme depth, so widen the blocks (k times more
filters) and make the network shallower. WRN-d-k on CIFAR (Table 1 of the paper):

    group   output   block
    conv1   32x32    3x3, 16
    conv2   32x32    [3x3, 16k; 3x3, 16k] x n
    conv3   16x16    [3x3, 32k; 3x3, 32k] x n
    conv4   8x8      [3x3, 64k; 3x3, 64k] x n
            1x1      BN-ReLU, global average pool, fc          with n = (d - 4) / 6

Blocks are *pre-activation* (He et al. 2016b): BN-ReLU-conv3x3-[dropout]-BN-ReLU-conv3x3, + shortcut.
Where the shape changes the shortcut is a 1x1 conv applied, as in the authors' code, to the block's
pre-activated input. Dropout between the convs is the paper's "WRN-d-k-dropout" (they use 0.3).

ImageNet: ``wide_resnet50_2`` is ResNet-50 with every bottleneck twice as wide (the paper's
WRN-50-2-bottleneck); it reuses :mod:`cnnviz.models.resnet` with ``width=128`` and, like the authors'
fb.resnet.torch code and torchvision, puts the downsampling stride in the 3x3 conv.

Parameters: WRN-16-8 10,961,370 (paper 11.0M); WRN-28-10 36,479,194 (36.5M); WRN-40-4 8,949,210 (8.9M);
WRN-50-2 68,883,240 (68.9M; torchvision's count). The paper's d counts every conv, including the three 1x1
shortcut convs, but not the fc: d = 1 + 6n + 3.

Initialisation: He (MSRA) normal for convs, BN weight 1 / bias 0, fc at PyTorch's default.
"""

from __future__ import annotations

import torch
from torch import nn

from cnnviz.models.base import ConvNet
from cnnviz.models.registry import Paper, register, register_torchvision
from cnnviz.models.resnet import ResNet, conv1x1, conv3x3, init_he, make_stage
from cnnviz.validate import positive_int, probability

ZAGORUYKO2016 = Paper(
    title="Wide Residual Networks",
    authors="Sergey Zagoruyko, Nikos Komodakis",
    year=2016,
    arxiv="1605.07146",
    bibkey="zagoruyko2016wide",
)

GROUP_CHANNELS = (16, 32, 64)  # times k
STEM_CHANNELS = 16


class WideBasicBlock(nn.Module):
    """Pre-activation block: BN-ReLU-conv3x3-[dropout]-BN-ReLU-conv3x3, + shortcut (no ReLU after)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1, *, dropout: float = 0.0) -> None:
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.relu1 = nn.ReLU()
        self.conv1 = conv3x3(in_channels, out_channels, stride)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.relu2 = nn.ReLU()
        self.dropout = nn.Dropout(dropout)
        self.conv2 = conv3x3(out_channels, out_channels)
        needs_projection = stride != 1 or in_channels != out_channels
        self.shortcut = conv1x1(in_channels, out_channels, stride) if needs_projection else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pre = self.relu1(self.bn1(x))  # (N, C_in, H, W)
        out = self.conv1(pre)  # (N, C_out, H/s, W/s)
        out = self.conv2(self.dropout(self.relu2(self.bn2(out))))  # (N, C_out, H/s, W/s)
        identity = x if self.shortcut is None else self.shortcut(pre)  # (N, C_out, H/s, W/s)
        return out + identity


class WideResNet(ConvNet):
    """WRN-d-k for CIFAR: conv1, groups conv2..conv4 of n pre-activation blocks, BN-ReLU, pool, fc."""

    def __init__(
        self, name: str, n: int, k: int, *, dropout: float = 0.0, num_classes: int = 10, in_channels: int = 3
    ) -> None:
        super().__init__(name, in_channels)
        positive_int(name, "num_classes", num_classes)
        self.n, self.k = n, k
        self.conv1 = conv3x3(in_channels, STEM_CHANNELS)  # no BN-ReLU here: the first block pre-activates
        channels = STEM_CHANNELS
        for i, width in enumerate(GROUP_CHANNELS):
            stride = 1 if i == 0 else 2

            def block(c_in: int, c_out: int, s: int) -> nn.Module:
                return WideBasicBlock(c_in, c_out, s, dropout=dropout)

            self.add_module(f"conv{i + 2}", make_stage(block, channels, width * k, n, stride))
            channels = width * k
        self.bn = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU()
        self.avgpool = nn.AdaptiveAvgPool2d(1)  # global average pool (8x8 at 32x32 input)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(channels, num_classes)
        init_he(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        x = self.conv1(x)  # (N, 16, 32, 32)
        x = self.conv2(x)  # (N, 16k, 32, 32)
        x = self.conv3(x)  # (N, 32k, 16, 16)
        x = self.conv4(x)  # (N, 64k, 8, 8)
        x = self.relu(self.bn(x))  # (N, 64k, 8, 8)
        x = self.flatten(self.avgpool(x))  # (N, 64k)
        return self.fc(x)  # (N, num_classes)


def wide_resnet(
    depth: int, k: int, dropout: float = 0.0, num_classes: int = 10, in_channels: int = 3
) -> WideResNet:
    """WRN-``depth``-``k`` for CIFAR (Zagoruyko & Komodakis 2016): depth 6n+4, width factor k."""
    name = f"wrn{depth}_{k}"
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 10 or (depth - 4) % 6:
        raise ValueError(
            f"wide_resnet: depth must be 6n+4 with n >= 1 (10, 16, 22, 28, 34, 40, ...), got {depth!r}"
        )
    positive_int("wide_resnet", "k", k)
    dropout = probability(name, "dropout", dropout, allow_one=False)
    n = (depth - 4) // 6
    return WideResNet(name, n, k, dropout=dropout, num_classes=num_classes, in_channels=in_channels)


def wide_resnet50_2(*, stride_in_3x3: bool = True, num_classes: int = 1000, in_channels: int = 3) -> ResNet:
    """WRN-50-2-bottleneck for ImageNet: ResNet-50 with bottlenecks twice as wide (width 128 in conv2_x)."""
    return ResNet(
        "wide_resnet50_2", 50, width=128, stride_in_3x3=stride_in_3x3, num_classes=num_classes,
        in_channels=in_channels,
    )


# --- registered names ----------------------------------------------------------------------------------

# CIFAR-10 test errors of Table 5 (the paper's "36.5M" etc. are rounded parameter counts).
_CIFAR_ERRORS = {(16, 8): 0.0427, (28, 10): 0.0400, (40, 4): 0.0453}
for (_depth, _k), _error in _CIFAR_ERRORS.items():
    _widths = "/".join(str(w * _k) for w in GROUP_CHANNELS)
    register(
        f"wrn{_depth}_{_k}", wide_resnet, family="Wide ResNet", paper=ZAGORUYKO2016, input_size=(3, 32, 32),
        dataset="CIFAR-10", reported_error=_error, error_metric="CIFAR-10 test error (Table 5)",
        description=f"WRN-{_depth}-{_k} for CIFAR: {(_depth - 4) // 6} pre-activation blocks per group, "
        f"widths {_widths}",
        kwargs={"depth": _depth, "k": _k},
    )
register(
    "wide_resnet50_2", wide_resnet50_2, family="Wide ResNet", paper=ZAGORUYKO2016, input_size=(3, 224, 224),
    dataset="ImageNet", reported_error=0.219, error_metric="ImageNet val top-1 error (single crop)",
)
register_torchvision("wide_resnet50_2", wide_resnet50_2)
