"""The building blocks the lecture draws, as modules: the zoo's own blocks at the lecture's sizes, and the
two figures no paper network contains.

Every module diagram of the book (:func:`cnnviz.render.diagrams.module_diagram`) draws one of these, so
a figure is always the block the book measures: an Inception module is :class:`InceptionModule`, a
ResNeXt block :class:`AggregatedBottleneck` (Fig. 3a) or the grouped :class:`Bottleneck` (Fig. 3c).
Only two modules are defined here, because no network of the zoo contains them:

* :class:`NaiveInception`: GoogLeNet's Figure 2(a), the module *without* 1×1 reductions;
* :class:`ConvStack`: n stacked k×k convolutions, VGG's argument (three 3×3 see what one 7×7 sees).

:data:`FIGURES` maps each kind to a function of the lecture's sizes that returns the parts to draw
(one block, or two side by side); :func:`figure_parts` checks the sizes and builds them.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import torch
from torch import nn

from cnnviz.models.densenet import DenseBlock, Transition
from cnnviz.models.fractalnet import FractalBlock
from cnnviz.models.googlenet import ConvReLU, InceptionModule, InceptionSpec
from cnnviz.models.lecture import INCEPTION, RESNEXT_BLOCK, STACK_VS_LARGE
from cnnviz.models.nin import Mlpconv, MlpconvSpec
from cnnviz.models.resnet import BasicBlock, Bottleneck
from cnnviz.models.resnext import AggregatedBottleneck
from cnnviz.models.squeezenet import Fire
from cnnviz.models.stochastic_depth import StochasticDepthBlock
from cnnviz.validate import bad_parameter, boolean, integer, positive_int, probability

__all__ = ["FIGURES", "MODULE_KINDS", "ConvStack", "FigurePart", "NaiveInception", "figure_parts"]


# --- the two figure-only modules ----------------------------------------------------------------------


class NaiveInception(nn.Module):
    """Szegedy et al.'s Figure 2(a): 1×1, 3×3 and 5×5 convolutions and a 3×3 max pool side by side,
    concatenated by depth. The pool passes all its input channels on, so the depth can only grow from
    module to module: the reason GoogLeNet uses the reduced module (:class:`InceptionModule`) instead."""

    def __init__(self, in_channels: int, n1x1: int, n3x3: int, n5x5: int) -> None:
        super().__init__()
        self.branch1 = ConvReLU(in_channels, n1x1, 1)
        self.branch2 = ConvReLU(in_channels, n3x3, 3, padding=1)
        self.branch3 = ConvReLU(in_channels, n5x5, 5, padding=2)
        self.branch4 = nn.MaxPool2d(3, stride=1, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # (N, in, H, W) → (N, n1x1 + n3x3 + n5x5 + in, H, W)
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], dim=1)


class ConvStack(nn.Sequential):
    """``n`` k×k convolutions of ``channels`` channels, "same" padding, no bias: n·k²·C² weights and a
    receptive field of n·(k - 1) + 1 (three 3×3: 7, like one 7×7 with 49C² instead of 27C²)."""

    def __init__(self, channels: int, n: int, kernel: int = 3) -> None:
        super().__init__(
            *(nn.Conv2d(channels, channels, kernel, padding=kernel // 2, bias=False) for _ in range(n))
        )


# --- the figures ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigurePart:
    """One block to draw: its title, the module, its input size and how to draw it."""

    title: str
    module: nn.Module
    input_size: tuple[int, int, int]
    collapse: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # stage -> blocks drawn as one
    show_rf: bool = False  # label each layer with its receptive field
    paper_count: str = ""  # what the paper's own count of parameters leaves out, if it differs


_NO_BN_IN_PAPER = "the paper's Table 2 counts the convolution weights only, without batch norm"


def _inception_naive(
    in_channels: int = INCEPTION.in_channels,
    hw: int = INCEPTION.in_hw,
    c1x1: int = INCEPTION.c1x1,
    c3x3: int = INCEPTION.c3x3,
    c5x5: int = INCEPTION.c5x5,
) -> list[FigurePart]:
    """The naive inception module (the lecture's 28×28×256 → 28×28×672 example)."""
    module = NaiveInception(in_channels, c1x1, c3x3, c5x5)
    return [FigurePart("Naive inception module", module, (in_channels, hw, hw))]


def _inception_reduced(
    in_channels: int = INCEPTION.in_channels,
    hw: int = INCEPTION.in_hw,
    c1x1: int = INCEPTION.c1x1,
    c3x3_reduce: int = INCEPTION.reduce3x3,
    c3x3: int = INCEPTION.c3x3,
    c5x5_reduce: int = INCEPTION.reduce5x5,
    c5x5: int = INCEPTION.c5x5,
    pool_proj: int = INCEPTION.pool_proj,
) -> list[FigurePart]:
    """GoogLeNet's inception module with 1×1 dimension reductions (the lecture's numbers: → 28×28×480)."""
    spec = InceptionSpec(in_channels, c1x1, c3x3_reduce, c3x3, c5x5_reduce, c5x5, pool_proj)
    module = InceptionModule(spec)
    return [FigurePart("Inception module with dimension reduction", module, (in_channels, hw, hw))]


def _basic_block(
    channels: int = 64, hw: int = 56, stride: int = 1, in_channels: int | None = None
) -> list[FigurePart]:
    """ResNet basic block: 3×3, 3×3, + shortcut (a 1×1 projection where the shape changes)."""
    cin = in_channels or (channels if stride == 1 else channels // 2)
    return [FigurePart("Residual basic block", BasicBlock(cin, channels, stride), (cin, hw, hw))]


def _bottleneck(
    in_channels: int = 256, width: int = 64, out_channels: int = 256, hw: int = 56, stride: int = 1
) -> list[FigurePart]:
    """ResNet bottleneck block: 1×1 reduce, 3×3, 1×1 expand, + shortcut."""
    module = Bottleneck(in_channels, out_channels, stride, width=width)
    return [FigurePart("Residual bottleneck block", module, (in_channels, hw, hw))]


def _resnext_paths(
    in_channels: int = RESNEXT_BLOCK.channels,
    cardinality: int = RESNEXT_BLOCK.cardinality,
    width: int = RESNEXT_BLOCK.bottleneck_width,
    hw: int = RESNEXT_BLOCK.in_hw,
    max_paths: int = 4,
) -> list[FigurePart]:
    """ResNeXt block as C parallel paths of width d (Fig. 3a), summed; paths beyond ``max_paths`` drawn
    as one node."""
    module = AggregatedBottleneck(in_channels, in_channels, width=cardinality * width, groups=cardinality)
    collapse = {"paths": (max_paths - 1, cardinality - 1)} if cardinality > max_paths else {}
    title = f"ResNeXt block, {cardinality} paths of width {width}"
    return [FigurePart(title, module, (in_channels, hw, hw), collapse, paper_count=_NO_BN_IN_PAPER)]


def _resnext_grouped(
    in_channels: int = RESNEXT_BLOCK.channels,
    cardinality: int = RESNEXT_BLOCK.cardinality,
    width: int = RESNEXT_BLOCK.bottleneck_width,
    hw: int = RESNEXT_BLOCK.in_hw,
) -> list[FigurePart]:
    """ResNeXt block with a grouped 3×3 convolution (Fig. 3c): the same function and parameters as 3a."""
    module = Bottleneck(in_channels, in_channels, width=cardinality * width, groups=cardinality)
    title = f"ResNeXt block, grouped convolution ({cardinality} groups of width {width})"
    return [FigurePart(title, module, (in_channels, hw, hw), paper_count=_NO_BN_IN_PAPER)]


def _dense_block(
    k0: int = 64, k: int = 32, layers: int = 4, hw: int = 56, bottleneck: bool = False
) -> list[FigurePart]:
    """A dense block: layer i sees k0 + i·k channels and adds k more."""
    module = DenseBlock(k0, layers, k, bottleneck)
    return [FigurePart(f"Dense block, growth rate k = {k}", module, (k0, hw, hw))]


def _transition(in_channels: int = 256, hw: int = 56, theta: float = 0.5) -> list[FigurePart]:
    """DenseNet transition: BN, ReLU, 1×1 conv to ⌊θ·m⌋ channels, 2×2 average pool."""
    out = math.floor(theta * in_channels + 1e-9)  # ⌊θ·m⌋, as densenet.dense_channels
    module = Transition(in_channels, out)
    return [FigurePart(f"Transition layer, compression θ = {theta:g}", module, (in_channels, hw, hw))]


def _fire(
    in_channels: int = 96, hw: int = 55, s1x1: int = 16, e1x1: int = 64, e3x3: int = 64
) -> list[FigurePart]:
    """SqueezeNet fire module (fire2 by default): squeeze 1×1, then expand 1×1 and 3×3, concatenated."""
    return [FigurePart("Fire module", Fire(in_channels, s1x1, e1x1, e3x3), (in_channels, hw, hw))]


def _mlpconv(
    in_channels: int = 3, hw: int = 32, kernel: int = 5, channels: tuple[int, ...] = (192, 160, 96)
) -> list[FigurePart]:
    """NiN mlpconv layer: a k×k conv followed by 1×1 convs (a small MLP at every position); CIFAR-10 NiN."""
    module = Mlpconv(in_channels, MlpconvSpec(tuple(channels), kernel, padding=kernel // 2))
    return [FigurePart("mlpconv layer (Network in Network)", module, (in_channels, hw, hw))]


def _fractal(columns: int = 4, channels: int = 64, hw: int = 32) -> list[FigurePart]:
    """A fractal block f_C: f_1 = conv, f_{C+1}(z) = join(f_C ∘ f_C (z), conv(z)); each conv is a
    Conv3×3-BN-ReLU unit (drop-path and dropout act only in training)."""
    module = FractalBlock(channels, channels, columns, local_drop=0.0, dropout=0.0)
    return [FigurePart(f"Fractal block, C = {columns} columns", module, (channels, hw, hw))]


def _stochastic_depth_block(channels: int = 16, hw: int = 32, survival: float = 0.5) -> list[FigurePart]:
    """A residual block with stochastic depth, as used at test time: ReLU(p·f(x) + x)."""
    module = StochasticDepthBlock(channels, channels, survival_prob=survival)
    title = (
        f"Stochastic depth block at test time, survival probability p = {survival:g} "
        "(in training the branch is kept with probability p, else skipped)"
    )
    return [FigurePart(title, module, (channels, hw, hw))]


def _stack_vs_large(n: int = STACK_VS_LARGE.n, channels: int = STACK_VS_LARGE.C, hw: int = 56) -> list[FigurePart]:
    """n stacked 3×3 convs beside one (2n+1)×(2n+1) conv: the same receptive field,
    n·9C² vs (2n+1)²C² parameters."""
    k = 2 * n + 1
    size = (channels, hw, hw)
    return [
        FigurePart(f"{n} × 3×3 conv: {9 * n}C² params", ConvStack(channels, n), size, show_rf=True),
        FigurePart(f"one {k}×{k} conv: {k * k}C² params", ConvStack(channels, 1, k), size, show_rf=True),
    ]


FIGURES: dict[str, Callable[..., list[FigurePart]]] = {
    "inception_naive": _inception_naive,
    "inception_reduced": _inception_reduced,
    "basic_block": _basic_block,
    "bottleneck": _bottleneck,
    "resnext_paths": _resnext_paths,
    "resnext_grouped": _resnext_grouped,
    "dense_block": _dense_block,
    "transition": _transition,
    "fire": _fire,
    "mlpconv": _mlpconv,
    "fractal": _fractal,
    "stochastic_depth_block": _stochastic_depth_block,
    "stack_vs_large": _stack_vs_large,
}
MODULE_KINDS = tuple(FIGURES)


def figure_parts(kind: str, where: str = "module_diagram", **spec: object) -> tuple[FigurePart, ...]:
    """The parts of figure ``kind`` with ``spec`` overriding its sizes; errors name ``where`` (the
    reader's call), the parameter, its value and what is valid."""
    if kind not in FIGURES:
        raise ValueError(f"{where}: unknown kind {kind!r}; valid kinds: {', '.join(FIGURES)}")
    _check_spec(kind, spec, f"{where}({kind!r})")
    return tuple(FIGURES[kind](**spec))


def _check_spec(kind: str, spec: Mapping[str, object], where: str) -> None:
    params = inspect.signature(FIGURES[kind]).parameters
    for key, value in spec.items():
        if key not in params:
            raise ValueError(f"{where}: unknown parameter {key!r}; valid parameters: {', '.join(params)}")
        if key in ("survival", "theta"):
            probability(where, key, value, allow_zero=False)
        elif key == "bottleneck":
            boolean(where, key, value)
        elif key == "channels" and isinstance(params[key].default, tuple):
            values = value if isinstance(value, tuple | list) else ()
            if not values or any(isinstance(v, bool) or not isinstance(v, int) or v <= 0 for v in values):
                raise bad_parameter(where, key, "a non-empty sequence of positive integers", value)
        else:
            positive_int(where, key, value)
        if key == "columns" and not 1 <= value <= 6:  # type: ignore[operator]
            raise bad_parameter(where, key, "an integer from 1 to 6 (2^C - 1 convolutions)", value)
        if key == "max_paths":
            integer(where, key, value, minimum=2)
    merged: dict = {k: p.default for k, p in params.items()} | dict(spec)
    if kind == "transition" and math.floor(merged["theta"] * merged["in_channels"] + 1e-9) < 1:
        raise ValueError(
            f"{where}: theta × in_channels must be at least 1 (the transition keeps ⌊θ·m⌋ channels), "
            f"got theta={merged['theta']!r}, in_channels={merged['in_channels']!r}"
        )
