"""ResNet for ImageNet: He, Zhang, Ren, Sun, "Deep Residual Learning for Image Recognition" (2016).

A residual block learns F(x) = H(x) - x and outputs ReLU(F(x) + x). Table 1 of the paper:

    conv1    7x7, 64, stride 2                        112x112
    conv2_x  3x3 max pool, stride 2, then blocks       56x56    (``layer1``)
    conv3_x  blocks, first one with stride 2           28x28    (``layer2``)
    conv4_x  blocks, first one with stride 2           14x14    (``layer3``)
    conv5_x  blocks, first one with stride 2            7x7     (``layer4``)
             global average pool, 1000-d fc, softmax    1x1

ResNet-18/34 stack :class:`BasicBlock` (two 3x3 convs), ResNet-50/101/152 :class:`Bottleneck`
(1x1 reduce, 3x3, 1x1 expand x4). Shortcuts are the identity, except where the shape changes: there a
projection (1x1 conv + BN, the paper's option B) named ``downsample``.

Stride placement ("v1" vs "v1.5"). The paper puts the stride 2 of a downsampling bottleneck in its first
1x1 conv (``stride_in_3x3=False``, the default here). torchvision (following fb.resnet.torch) puts it in the
3x3 conv ("ResNet v1.5"), which samples every input pixel and is slightly more accurate; the weights have
the same shapes, so the parameter counts are identical. ``from_torchvision`` builds the v1.5 variant.

Width and groups. :class:`Bottleneck` takes its inner ``width`` and the ``groups`` of its 3x3 conv, so the
same network with a wider bottleneck is Wide ResNet-50-2 (:mod:`cnnviz.models.wide_resnet`) and with a
grouped 3x3 conv is ResNeXt (:mod:`cnnviz.models.resnext`).

Parameters: ResNet-18 11,689,512; -34 21,797,672; -50 25,557,032; -101 44,549,160; -152 60,192,808,
identical to torchvision's (the paper tabulates FLOPs, not parameters).

Initialisation as the paper ("We initialize the weights as in [13]", i.e. He et al. 2015): convolutions
He-normal (fan_out, gain for ReLU), BN weight 1 and bias 0, the fc layer PyTorch's default. The lecture notes
say "Xavier initialization"; the paper uses He (MSRA) initialisation. The lecture also says "No FC": there
is no fc *hidden* layer, but one 1000-way fc classifier remains after the global average pool.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

from cnnviz.models.base import ConvNet
from cnnviz.models.registry import Paper, register, register_torchvision
from cnnviz.validate import one_of, positive_int

HE2016 = Paper(
    title="Deep Residual Learning for Image Recognition",
    authors="Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun",
    year=2016,
    arxiv="1512.03385",
    bibkey="he2016deep",
)

# Table 1: blocks per stage (conv2_x .. conv5_x) and the block type, by depth.
DEPTHS: dict[int, tuple[str, tuple[int, int, int, int]]] = {
    18: ("basic", (2, 2, 2, 2)),
    34: ("basic", (3, 4, 6, 3)),
    50: ("bottleneck", (3, 4, 6, 3)),
    101: ("bottleneck", (3, 4, 23, 3)),
    152: ("bottleneck", (3, 8, 36, 3)),
}
STEM_CHANNELS = 64
BOTTLENECK_EXPANSION = 4  # a bottleneck block outputs 4x its inner width (64 -> 256 in conv2_x)


def conv3x3(in_channels: int, out_channels: int, stride: int = 1, groups: int = 1) -> nn.Conv2d:
    # No bias: every conv is followed by BN, whose shift makes a bias redundant.
    return nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, groups=groups, bias=False)


def conv1x1(in_channels: int, out_channels: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)


def projection(in_channels: int, out_channels: int, stride: int) -> nn.Sequential:
    """Option B shortcut: 1x1 conv (with the block's stride) + BN, used only where the shape changes."""
    return nn.Sequential(conv1x1(in_channels, out_channels, stride), nn.BatchNorm2d(out_channels))


class ZeroPadShortcut(nn.Module):
    """Option A shortcut (parameter-free): subsample by ``stride``, pad with zero channels.

    ``kernel_size=1`` keeps every ``stride``-th pixel (He et al.); ``kernel_size=stride`` averages each
    ``stride x stride`` window instead (the 2x2 average pooling of Huang et al.'s stochastic depth code).
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int, kernel_size: int = 1) -> None:
        super().__init__()
        if out_channels < in_channels:
            raise ValueError(f"ZeroPadShortcut: cannot pad {in_channels} channels down to {out_channels}")
        self.extra_channels = out_channels - in_channels
        self.pool = nn.AvgPool2d(kernel_size, stride=stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(x)  # (N, C_in, H/s, W/s)
        # F.pad pads the last dims first: (W left, W right, H top, H bottom, C front, C back).
        return F.pad(x, (0, 0, 0, 0, 0, self.extra_channels))  # (N, C_out, H/s, W/s)


def make_shortcut(option: str, in_channels: int, out_channels: int, stride: int) -> nn.Module | None:
    """The shortcut of a block whose shape may change: None (identity) where it does not change."""
    if stride == 1 and in_channels == out_channels:
        return None
    if option == "A":
        return ZeroPadShortcut(in_channels, out_channels, stride)
    if option == "B":
        return projection(in_channels, out_channels, stride)
    raise ValueError(f"shortcut option must be 'A' (zero-padding) or 'B' (projection), got {option!r}")


def divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


class BasicBlock(nn.Module):
    """Two 3x3 convs: conv-BN-ReLU-conv-BN, + shortcut, ReLU (ResNet-18/34 and the CIFAR ResNets).

    ``shortcut``: "B" projection where the shape changes (ImageNet), "A" zero-padding (CIFAR), or None
    for a *plain* block with no shortcut at all (the paper's plain baselines).
    """

    def __init__(
        self, in_channels: int, out_channels: int, stride: int = 1, *, shortcut: str | None = "B"
    ) -> None:
        super().__init__()
        self.conv1 = conv3x3(in_channels, out_channels, stride)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu1 = nn.ReLU()
        self.conv2 = conv3x3(out_channels, out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.residual = shortcut is not None
        self.downsample = make_shortcut(shortcut, in_channels, out_channels, stride) if shortcut else None
        self.relu2 = nn.ReLU()  # after the addition

    def residual_branch(self, x: torch.Tensor) -> torch.Tensor:
        """F(x): the two convolutions, without the shortcut and the final ReLU."""
        out = self.relu1(self.bn1(self.conv1(x)))  # (N, C_out, H/s, W/s)
        return self.bn2(self.conv2(out))  # (N, C_out, H/s, W/s)

    def shortcut(self, x: torch.Tensor) -> torch.Tensor:
        return x if self.downsample is None else self.downsample(x)  # (N, C_out, H/s, W/s)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.residual_branch(x)
        if self.residual:
            out = out + self.shortcut(x)  # H(x) = F(x) + x
        return self.relu2(out)


class Bottleneck(nn.Module):
    """1x1 reduce to ``width``, 3x3 (``groups``), 1x1 expand to ``out_channels``; + shortcut, ReLU.

    ``stride_in_3x3=False`` is the paper's placement of a downsampling stride (first 1x1 conv);
    ``True`` is torchvision's "v1.5" (the 3x3 conv). ``groups > 1`` makes it a ResNeXt block (Fig. 3c).
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        stride: int = 1,
        *,
        width: int,
        groups: int = 1,
        stride_in_3x3: bool = False,
    ) -> None:
        super().__init__()
        if width % groups:
            raise ValueError(f"Bottleneck: width {width} is not divisible by groups={groups}")
        stride_1x1, stride_3x3 = (1, stride) if stride_in_3x3 else (stride, 1)
        self.conv1 = conv1x1(in_channels, width, stride_1x1)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu1 = nn.ReLU()
        self.conv2 = conv3x3(width, width, stride_3x3, groups)
        self.bn2 = nn.BatchNorm2d(width)
        self.relu2 = nn.ReLU()
        self.conv3 = conv1x1(width, out_channels)
        self.bn3 = nn.BatchNorm2d(out_channels)
        self.downsample = make_shortcut("B", in_channels, out_channels, stride)
        self.relu3 = nn.ReLU()  # after the addition

    def residual_branch(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu1(self.bn1(self.conv1(x)))  # (N, width, H/s or H, W/s or W): v1 strides here
        out = self.relu2(self.bn2(self.conv2(out)))  # (N, width, H/s, W/s)
        return self.bn3(self.conv3(out))  # (N, C_out, H/s, W/s)

    def shortcut(self, x: torch.Tensor) -> torch.Tensor:
        return x if self.downsample is None else self.downsample(x)  # (N, C_out, H/s, W/s)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu3(self.residual_branch(x) + self.shortcut(x))


# A block factory: (in_channels, out_channels, stride) -> block.
BlockFactory = Callable[[int, int, int], nn.Module]


def make_stage(
    block: BlockFactory, in_channels: int, out_channels: int, blocks: int, stride: int
) -> nn.Sequential:
    """``blocks`` blocks; the first one changes the shape (stride, channels), the others keep it."""
    layers = [block(in_channels, out_channels, stride)]
    layers += [block(out_channels, out_channels, 1) for _ in range(blocks - 1)]
    return nn.Sequential(*layers)


def init_he(model: nn.Module) -> None:
    """He (MSRA) normal init for convs (fan_out, ReLU gain), BN weight 1 / bias 0; fc left at default."""
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.BatchNorm2d):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)


class ResNet(ConvNet):
    """The ImageNet ResNet of Table 1: a 7x7 stem, max pool, four stages of blocks, global pool, fc.

    ``depth``: 18, 34 (basic blocks), 50, 101, 152 (bottlenecks), with Table 1's blocks per stage;
    ``width``: the bottleneck inner width of conv2_x (doubled at each later stage); ``groups``: groups of
    the 3x3 convs; ``block``: the bottleneck class (ResNeXt swaps in its explicit-paths form). ``name``
    is what messages call the network (Wide ResNet and ResNeXt build this class under their own names).
    """

    def __init__(
        self,
        name: str,
        depth: int,
        *,
        width: int = 64,
        groups: int = 1,
        stride_in_3x3: bool = False,
        block: type[nn.Module] = Bottleneck,
        num_classes: int = 1000,
        in_channels: int = 3,
    ) -> None:
        super().__init__(name, in_channels)
        kind, depths = DEPTHS[one_of(name, "depth", depth, DEPTHS)]
        positive_int(name, "width", width)
        positive_int(name, "groups", groups)
        positive_int(name, "num_classes", num_classes)
        bottleneck = kind == "bottleneck"
        if not bottleneck and (width != 64 or groups != 1):
            raise ValueError(
                f"{name}: width and groups apply to bottleneck blocks (depth 50, 101, 152); "
                f"ResNet-{depth} has basic blocks, got width={width}, groups={groups}"
            )
        if width % groups:
            valid = ", ".join(map(str, divisors(width)))
            raise ValueError(
                f"{name}(groups={groups}): width {width} is not divisible by {groups}; valid groups: {valid}"
            )
        self.depths = depths
        self.widths = tuple(width * 2**i for i in range(len(self.depths)))  # bottleneck inner widths
        expansion = BOTTLENECK_EXPANSION if bottleneck else 1
        self.stage_channels = tuple(STEM_CHANNELS * expansion * 2**i for i in range(len(self.depths)))

        self.conv1 = nn.Conv2d(in_channels, STEM_CHANNELS, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(STEM_CHANNELS)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        channels = STEM_CHANNELS
        for i, (blocks, stage_width, out_channels) in enumerate(
            zip(self.depths, self.widths, self.stage_channels, strict=True)
        ):
            if bottleneck:
                factory: BlockFactory = partial(
                    block, width=stage_width, groups=groups, stride_in_3x3=stride_in_3x3
                )
            else:
                factory = BasicBlock
            stride = 1 if i == 0 else 2  # conv2_x is already downsampled by the max pool
            self.add_module(f"layer{i + 1}", make_stage(factory, channels, out_channels, blocks, stride))
            channels = out_channels
        self.avgpool = nn.AdaptiveAvgPool2d(1)  # global average pool (7x7 at 224x224 input)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(channels, num_classes)
        init_he(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        x = self.relu(self.bn1(self.conv1(x)))  # (N, 64, 112, 112)
        x = self.maxpool(x)  # (N, 64, 56, 56)
        x = self.layer1(x)  # (N, 256, 56, 56)   [64 for basic blocks]
        x = self.layer2(x)  # (N, 512, 28, 28)   [128]
        x = self.layer3(x)  # (N, 1024, 14, 14)  [256]
        x = self.layer4(x)  # (N, 2048, 7, 7)    [512]
        x = self.flatten(self.avgpool(x))  # (N, 2048)
        return self.fc(x)  # (N, num_classes)


def resnet(
    depth: int,
    *,
    stride_in_3x3: bool = False,
    width: int = 64,
    groups: int = 1,
    num_classes: int = 1000,
    in_channels: int = 3,
) -> ResNet:
    """ImageNet ResNet of He et al. 2016 (Table 1); stride on the first 1x1 conv unless stride_in_3x3.

    ``width`` (bottleneck width of conv2_x, 64 in the paper) and ``groups`` (of the 3x3 convs) apply to
    the bottleneck depths 50, 101 and 152.
    """
    return ResNet(
        f"resnet{depth}", depth, stride_in_3x3=stride_in_3x3, width=width, groups=groups,
        num_classes=num_classes, in_channels=in_channels,
    )


# --- registered names ----------------------------------------------------------------------------

_TOP5_10CROP = "ImageNet val top-5 error (10-crop, Table 3)"
_ERRORS = {  # Table 2 (ResNet-18, top-1), Table 3 (top-5, 10-crop); the lecture's 3.57% for ResNet-152
    18: (0.2788, "ImageNet val top-1 error (10-crop, Table 2)"),
    34: (0.0746, _TOP5_10CROP),
    50: (0.0671, _TOP5_10CROP),
    101: (0.0605, _TOP5_10CROP),
    # The ILSVRC 2015 winning entry: an ensemble of ResNets, top-5 on the test set (Table 5).
    152: (0.0357, "ILSVRC 2015 top-5 test error (ensemble, Table 5)"),
}
for _depth, (_kind, _blocks) in DEPTHS.items():
    register(
        f"resnet{_depth}", resnet, family="ResNet", paper=HE2016, input_size=(3, 224, 224), dataset="ImageNet",
        reported_error=_ERRORS[_depth][0], error_metric=_ERRORS[_depth][1],
        description=f"ResNet-{_depth} for ImageNet: {_kind} blocks {_blocks} (Table 1)", kwargs={"depth": _depth},
    )

# torchvision's ResNets are "v1.5" (stride in the 3x3 conv); module names are identical.
for _depth in DEPTHS:
    register_torchvision(f"resnet{_depth}", lambda d=_depth: resnet(d, stride_in_3x3=True))
