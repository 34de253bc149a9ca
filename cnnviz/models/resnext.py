"""ResNeXt: Xie et al., "Aggregated Residual Transformations for Deep Neural Networks" (2017).

A ResNeXt block splits the bottleneck into ``C`` parallel paths ("cardinality"), each a small bottleneck of
width ``d`` (1x1 reduce to d, 3x3 d->d, 1x1 expand), and sums their outputs; the network is otherwise a
ResNet. "ResNeXt-50 (32x4d)" means C = 32 paths of width d = 4 in conv2_x (block width C*d = 128), doubled
at each later stage like every ResNet width.

Two equivalent forms (Fig. 3 of the paper), both built here:

* ``form="paths"`` (Fig. 3a): C explicit paths, each with its own 1x1 reduction, 3x3 and 1x1 expansion,
  summed. BN and ReLU follow each conv of a path; the BN of the expansion is applied once, after the sum
  (the paper: the forms are "strictly equivalent, when BN and ReLU are appropriately addressed").
* ``form="grouped"`` (Fig. 3c, the default, how the paper trains it): the C reductions stacked into one
  1x1 conv to C*d channels, the C 3x3 convs as one grouped conv (``groups=C``), the C expansions as one
  1x1 conv from C*d channels (a sum of convs over channel slices is one conv over their concatenation).

:func:`convert_form` rewrites a model from one form into the other with the same weights, so both give the
same output. The grouped form is :class:`cnnviz.models.resnet.Bottleneck` with ``groups=C``.

Downsampling stride sits in the 3x3 conv ("as suggested in [fb.resnet.torch]", sec. 4), as in torchvision.
ImageNet models reuse :func:`cnnviz.models.resnet.resnet`; the CIFAR ResNeXt-29 (3 stages x 3 bottleneck
blocks, 64-channel 3x3 stem, outputs 256/512/1024, widths C*d, 2C*d, 4C*d) is :class:`CifarResNeXt`.
Parameters: ResNeXt-50 (32x4d) 25,028,904 (paper 25.0M, torchvision's count); ResNeXt-101 (32x4d) 44,177,704
(timm's count); ResNeXt-29 8x64d 34,426,698 (paper 34.4M) and 16x64d 68,155,210 (paper 68.1M: 68.16M
truncated rather than rounded; the layout follows the authors' code, whose count it is).
Initialisation: He (MSRA) normal for convs, BN weight 1 / bias 0, fc at PyTorch's default.
"""

from __future__ import annotations

import copy
from functools import partial

import torch
from torch import nn

from cnnviz.models.base import ConvNet
from cnnviz.models.registry import Paper, register, register_torchvision
from cnnviz.models.resnet import (
    Bottleneck,
    ResNet,
    conv1x1,
    conv3x3,
    divisors,
    init_he,
    make_shortcut,
    make_stage,
)
from cnnviz.validate import one_of, positive_int

XIE2017 = Paper(
    title="Aggregated Residual Transformations for Deep Neural Networks",
    authors="Saining Xie, Ross Girshick, Piotr Dollár, Zhuowen Tu, Kaiming He",
    year=2017,
    arxiv="1611.05431",
    bibkey="xie2017aggregated",
)

FORMS = ("grouped", "paths")
CIFAR_STEM_CHANNELS = 64
CIFAR_STAGE_CHANNELS = (256, 512, 1024)


class ResNeXtPath(nn.Module):
    """One path of Fig. 3a: 1x1 to d, BN, ReLU, 3x3 d->d, BN, ReLU, 1x1 to the block's output channels."""

    def __init__(self, in_channels: int, d: int, out_channels: int, stride_1x1: int, stride_3x3: int) -> None:
        super().__init__()
        self.conv1 = conv1x1(in_channels, d, stride_1x1)
        self.bn1 = nn.BatchNorm2d(d)
        self.relu1 = nn.ReLU()
        self.conv2 = conv3x3(d, d, stride_3x3)
        self.bn2 = nn.BatchNorm2d(d)
        self.relu2 = nn.ReLU()
        self.conv3 = conv1x1(d, out_channels)  # its BN comes after the sum over paths

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu1(self.bn1(self.conv1(x)))  # (N, d, H, W)
        x = self.relu2(self.bn2(self.conv2(x)))  # (N, d, H/s, W/s)
        return self.conv3(x)  # (N, C_out, H/s, W/s)


class AggregatedBottleneck(nn.Module):
    """Fig. 3a: ``groups`` = C explicit paths of width ``width // C``, summed, BN, + shortcut, ReLU.

    Same constructor as :class:`~cnnviz.models.resnet.Bottleneck`, so the ResNet builders take either.
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
            raise ValueError(f"AggregatedBottleneck: width {width} is not divisible by groups={groups}")
        strides = (1, stride) if stride_in_3x3 else (stride, 1)
        d = width // groups
        self.paths = nn.ModuleList(ResNeXtPath(in_channels, d, out_channels, *strides) for _ in range(groups))
        self.bn3 = nn.BatchNorm2d(out_channels)
        self.downsample = make_shortcut("B", in_channels, out_channels, stride)
        self.relu3 = nn.ReLU()  # after the addition

    def residual_branch(self, x: torch.Tensor) -> torch.Tensor:
        out = self.paths[0](x)  # (N, C_out, H/s, W/s)
        for path in self.paths[1:]:
            out = out + path(x)  # sum of the C transformations
        return self.bn3(out)

    def shortcut(self, x: torch.Tensor) -> torch.Tensor:
        return x if self.downsample is None else self.downsample(x)  # (N, C_out, H/s, W/s)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu3(self.residual_branch(x) + self.shortcut(x))


# --- converting between the two forms ------------------------------------------------------------

_PER_PATH = ("conv1", "bn1", "conv2", "bn2")  # split along output channels (rows)


def _config(block: nn.Module) -> dict:
    first = block.conv1 if isinstance(block, Bottleneck) else block.paths[0].conv1
    middle = block.conv2 if isinstance(block, Bottleneck) else block.paths[0].conv2
    in_channels, out_channels = first.in_channels, block.bn3.num_features
    groups = block.conv2.groups if isinstance(block, Bottleneck) else len(block.paths)
    width = block.conv1.out_channels if isinstance(block, Bottleneck) else groups * first.out_channels
    stride_1x1, stride_3x3 = first.stride[0], middle.stride[0]
    return dict(in_channels=in_channels, out_channels=out_channels, stride=max(stride_1x1, stride_3x3),
                width=width, groups=groups, stride_in_3x3=stride_3x3 > 1)


def to_paths(block: Bottleneck) -> AggregatedBottleneck:
    """The explicit-paths block (Fig. 3a) computing the same function as a grouped ``Bottleneck``."""
    cfg = _config(block)
    new = AggregatedBottleneck(**cfg)
    d = cfg["width"] // cfg["groups"]
    state = block.state_dict()
    out = {k: v for k, v in state.items() if k.startswith(("bn3.", "downsample."))}
    for i in range(cfg["groups"]):
        rows = slice(i * d, (i + 1) * d)
        for key, value in state.items():
            module = key.split(".")[0]
            if module in _PER_PATH:
                out[f"paths.{i}.{key}"] = value if value.dim() == 0 else value[rows]  # num_batches_tracked
        out[f"paths.{i}.conv3.weight"] = state["conv3.weight"][:, rows]  # the columns path i feeds
    new.load_state_dict(out)
    return new.train(block.training)


def to_grouped(block: AggregatedBottleneck) -> Bottleneck:
    """The grouped-convolution block (Fig. 3c) computing the same function as an explicit-paths block."""
    cfg = _config(block)
    new = Bottleneck(**cfg)
    state = block.state_dict()
    out = {k: v for k, v in state.items() if k.startswith(("bn3.", "downsample."))}
    groups = range(cfg["groups"])
    for key in new.state_dict():
        module = key.split(".")[0]
        if module in _PER_PATH:
            parts = [state[f"paths.{i}.{key}"] for i in groups]
            out[key] = parts[0] if parts[0].dim() == 0 else torch.cat(parts, dim=0)
    out["conv3.weight"] = torch.cat([state[f"paths.{i}.conv3.weight"] for i in groups], dim=1)
    new.load_state_dict(out)
    return new.train(block.training)


def convert_form(model: nn.Module, form: str) -> nn.Module:
    """A copy of ``model`` with every ResNeXt block rewritten into ``form`` ("grouped" or "paths").

    The weights are carried over, so the copy computes the same function (same output in eval mode).
    """
    one_of("convert_form", "form", form, FORMS)
    source, convert = (AggregatedBottleneck, to_grouped) if form == "grouped" else (Bottleneck, to_paths)
    model = copy.deepcopy(model)
    for stage in model.modules():
        if isinstance(stage, nn.Sequential):
            for i, block in enumerate(stage):
                if isinstance(block, source):
                    stage[i] = convert(block)
    model.form = form
    return model


# --- networks ------------------------------------------------------------------------------------


def _check(name: str, cardinality: int, bottleneck_width: int | None, width: int | None, form: str) -> int:
    """Validate the ResNeXt knobs; return d (the width of one path in the first stage)."""
    positive_int(name, "cardinality", cardinality)
    one_of(name, "form", form, FORMS)
    if (bottleneck_width is None) == (width is None):
        raise ValueError(f"{name}: give exactly one of bottleneck_width (d) and width (C*d)")
    if width is None:
        return positive_int(name, "bottleneck_width", bottleneck_width)
    positive_int(name, "width", width)
    if width % cardinality:
        valid = ", ".join(map(str, divisors(width)))
        raise ValueError(
            f"{name}(cardinality={cardinality}): width {width} is not divisible by {cardinality}; "
            f"valid cardinalities: {valid}"
        )
    return width // cardinality


def resnext(
    depth: int,
    cardinality: int = 32,
    bottleneck_width: int | None = None,
    *,
    width: int | None = None,
    form: str = "grouped",
    num_classes: int = 1000,
    in_channels: int = 3,
) -> nn.Module:
    """ImageNet ResNeXt-``depth`` (50, 101, 152) with C = ``cardinality`` paths of width d.

    Give d as ``bottleneck_width``, or the block width C*d of conv2_x as ``width`` (then d = width / C:
    the same block split into more, thinner paths).
    """
    d = _check("resnext", cardinality, bottleneck_width, width, form)
    if depth not in (50, 101, 152):
        raise ValueError(f"resnext: depth must be 50, 101 or 152 (bottleneck ResNets), got {depth!r}")
    name = f"resnext{depth}_{cardinality}x{d}d"
    block = Bottleneck if form == "grouped" else AggregatedBottleneck
    model = ResNet(
        name, depth, width=cardinality * d, groups=cardinality, stride_in_3x3=True, block=block,
        num_classes=num_classes, in_channels=in_channels,
    )
    model.form = form
    return model


class CifarResNeXt(ConvNet):
    """ResNeXt for CIFAR (sec. 5.3): 3x3 conv 64, three stages of bottleneck blocks, global pool, fc."""

    def __init__(
        self,
        name: str,
        blocks: int,
        cardinality: int,
        d: int,
        *,
        form: str = "grouped",
        num_classes: int = 10,
        in_channels: int = 3,
    ) -> None:
        super().__init__(name, in_channels)
        positive_int(name, "num_classes", num_classes)
        self.form = form
        self.cardinality, self.bottleneck_width = cardinality, d
        self.widths = tuple(cardinality * d * 2**i for i in range(len(CIFAR_STAGE_CHANNELS)))
        block_cls = Bottleneck if form == "grouped" else AggregatedBottleneck
        self.conv1 = conv3x3(in_channels, CIFAR_STEM_CHANNELS)
        self.bn1 = nn.BatchNorm2d(CIFAR_STEM_CHANNELS)
        self.relu = nn.ReLU()
        channels = CIFAR_STEM_CHANNELS
        for i, (width, out_channels) in enumerate(zip(self.widths, CIFAR_STAGE_CHANNELS, strict=True)):
            block = partial(block_cls, width=width, groups=cardinality, stride_in_3x3=True)
            stride = 1 if i == 0 else 2
            self.add_module(f"layer{i + 1}", make_stage(block, channels, out_channels, blocks, stride))
            channels = out_channels
        self.avgpool = nn.AdaptiveAvgPool2d(1)  # global average pool (8x8 at 32x32 input)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(channels, num_classes)
        init_he(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        x = self.relu(self.bn1(self.conv1(x)))  # (N, 64, 32, 32)
        x = self.layer1(x)  # (N, 256, 32, 32)
        x = self.layer2(x)  # (N, 512, 16, 16)
        x = self.layer3(x)  # (N, 1024, 8, 8)
        x = self.flatten(self.avgpool(x))  # (N, 1024)
        return self.fc(x)  # (N, num_classes)


def cifar_resnext(
    depth: int = 29,
    cardinality: int = 8,
    bottleneck_width: int | None = None,
    *,
    width: int | None = None,
    form: str = "grouped",
    num_classes: int = 10,
    in_channels: int = 3,
) -> CifarResNeXt:
    """CIFAR ResNeXt-``depth`` (9n+2 layers: 3 stages of n bottleneck blocks), C paths of width d."""
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 11 or (depth - 2) % 9:
        raise ValueError(
            f"cifar_resnext: depth must be 9n+2 with n >= 1 (11, 20, 29, 38, ...), got {depth!r}"
        )
    d = _check("cifar_resnext", cardinality, bottleneck_width, width, form)
    name = f"resnext{depth}_{cardinality}x{d}d"
    return CifarResNeXt(name, (depth - 2) // 9, cardinality, d, form=form, num_classes=num_classes,
                        in_channels=in_channels)


# --- registered names: one-line builders with the paper's C and d as defaults ---------------------


def resnext50_32x4d(*, cardinality: int = 32, bottleneck_width: int = 4, form: str = "grouped",
                    num_classes: int = 1000, in_channels: int = 3) -> nn.Module:
    """ResNeXt-50 (32x4d) for ImageNet: ResNet-50 with 32 paths of width 4 in conv2_x."""
    return resnext(50, cardinality, bottleneck_width, form=form, num_classes=num_classes,
                   in_channels=in_channels)


def resnext101_32x4d(*, cardinality: int = 32, bottleneck_width: int = 4, form: str = "grouped",
                     num_classes: int = 1000, in_channels: int = 3) -> nn.Module:
    """ResNeXt-101 (32x4d) for ImageNet: ResNet-101 with 32 paths of width 4 in conv2_x."""
    return resnext(101, cardinality, bottleneck_width, form=form, num_classes=num_classes,
                   in_channels=in_channels)


def resnext29_8x64d(*, cardinality: int = 8, bottleneck_width: int = 64, form: str = "grouped",
                    num_classes: int = 10, in_channels: int = 3) -> CifarResNeXt:
    """ResNeXt-29 (8x64d) for CIFAR: 3 stages x 3 bottleneck blocks, 8 paths of width 64 in stage 1."""
    return cifar_resnext(29, cardinality, bottleneck_width, form=form, num_classes=num_classes,
                         in_channels=in_channels)


def resnext29_16x64d(*, cardinality: int = 16, bottleneck_width: int = 64, form: str = "grouped",
                     num_classes: int = 10, in_channels: int = 3) -> CifarResNeXt:
    """ResNeXt-29 (16x64d) for CIFAR: 3 stages x 3 bottleneck blocks, 16 paths of width 64 in stage 1."""
    return cifar_resnext(29, cardinality, bottleneck_width, form=form, num_classes=num_classes,
                         in_channels=in_channels)


_IMAGENET = dict(family="ResNeXt", paper=XIE2017, input_size=(3, 224, 224), dataset="ImageNet",
                 error_metric="ImageNet val top-1 error (224x224 single crop, Table 3)")
_CIFAR = dict(family="ResNeXt", paper=XIE2017, input_size=(3, 32, 32), dataset="CIFAR-10",
              error_metric="CIFAR-10 test error (Table 7)")
register("resnext50_32x4d", resnext50_32x4d, **_IMAGENET, reported_error=0.222)
register("resnext101_32x4d", resnext101_32x4d, **_IMAGENET, reported_error=0.212)
register("resnext29_8x64d", resnext29_8x64d, **_CIFAR, reported_error=0.0365)
register("resnext29_16x64d", resnext29_16x64d, **_CIFAR, reported_error=0.0358)
register_torchvision("resnext50_32x4d", resnext50_32x4d)
