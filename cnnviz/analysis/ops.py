"""Op counts worked out from filter numbers alone, the way the lecture does them on the slide.

Pure functions returning frozen records. Conventions as in the ledger: MACs are multiply-accumulates of
the weights (bias additions not counted), per image; params count weights, plus biases only where a
function says so. The tests check every function against ``ledger()`` of the real torch modules.

The lecture's GoogLeNet numbers, reproduced (its example is :data:`cnnviz.models.lecture.INCEPTION`):

* naive module on a 28x28x256 input, branches 1x1 128, 3x3 192, 5x5 96 and a 3x3 max pool: output depth
  128 + 192 + 96 + 256 = 672 and 854,196,224 MACs ("854M ops"), exactly.
* the module with 1x1 reductions of 64 (before the 3x3, before the 5x5, after the pool): output depth
  128 + 192 + 96 + 64 = 480. The six convolutions the lecture lists sum to 271,351,808 MACs, not the
  "358M ops" it states: 358,055,936 is that sum with the 3x3 term (28x28x192x3x3x64 = 86,704,128)
  counted twice, i.e. an arithmetic slip on the slide. The right total for the listed layers is 271M
  (still 3.1x fewer than the naive 854M).
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnviz.models.lecture import MLPCONV_EXAMPLE
from cnnviz.validate import integer, one_of, positive_int, probability

__all__ = [
    "ConvCost",
    "BranchCost",
    "InceptionCost",
    "StackVsLarge",
    "BlockCost",
    "conv_output_hw",
    "conv_params",
    "conv_macs",
    "conv_cost",
    "grouped_conv_cost",
    "inception_naive_cost",
    "inception_reduced_cost",
    "reduction_break_even",
    "stack_vs_large",
    "basic_block_cost",
    "bottleneck_block_cost",
    "matched_cardinality_width",
    "MlpconvCost",
    "mlpconv_cost",
    "WideCost",
    "wide_resnet_cost",
    "thin_twin",
    "SURVIVAL_RULES",
    "StochasticDepthCost",
    "survival_probabilities",
    "stochastic_depth_cost",
]


def _hw(func: str, name: str, value: object) -> tuple[int, int]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value, value)
    if not (isinstance(value, tuple | list) and len(value) == 2):
        raise ValueError(f"{func}: {name} must be a positive integer or an (H, W) pair, got {value!r}")
    return (positive_int(func, name, value[0]), positive_int(func, name, value[1]))


def _groups_ok(func: str, in_channels: int, out_channels: int, groups: int) -> None:
    positive_int(func, "groups", groups)
    if in_channels % groups or out_channels % groups:
        raise ValueError(
            f"{func}: groups={groups} must divide in_channels={in_channels} and out_channels={out_channels}"
        )


# --- one convolution ----------------------------------------------------------------------------


def conv_output_hw(
    in_hw: int | tuple[int, int], kernel: int | tuple[int, int], stride: int = 1, padding: int = 0
) -> tuple[int, int]:
    """``floor((H + 2p - k) / s) + 1`` per axis; ValueError if the kernel does not fit."""
    h, w = _hw("conv_output_hw", "in_hw", in_hw)
    kh, kw = _hw("conv_output_hw", "kernel", kernel)
    positive_int("conv_output_hw", "stride", stride)
    if isinstance(padding, bool) or not isinstance(padding, int) or padding < 0:
        raise ValueError(f"conv_output_hw: padding must be a non-negative integer, got {padding!r}")
    out = ((h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1)
    if min(h + 2 * padding - kh, w + 2 * padding - kw) < 0:
        raise ValueError(
            f"conv_output_hw: a {kh}x{kw} kernel does not fit a {h}x{w} input with padding {padding}"
        )
    return out


def pool_output_size(size: int, kernel: int, stride: int, padding: int = 0, ceil_mode: bool = False) -> int:
    """Output side of a pooling window: ``floor((W + 2P - F) / S) + 1``, or with ``ceil_mode`` (Caffe's
    rounding, which ZFNet's sizes need) ``ceil(...) + 1``, except that a last window starting beyond the
    input and its left padding is dropped (PyTorch's and Caffe's rule).

    pool_output_size(110, 3, 2) -> 54; pool_output_size(110, 3, 2, ceil_mode=True) -> 55.
    """
    for name, value in (("size", size), ("kernel", kernel), ("stride", stride)):
        positive_int("pool_output_size", name, value)
    if isinstance(padding, bool) or not isinstance(padding, int) or padding < 0:
        raise ValueError(f"pool_output_size: padding must be a non-negative integer, got {padding!r}")
    span = size + 2 * padding - kernel
    if span < 0:
        raise ValueError(f"pool_output_size: a {kernel}-wide window does not fit {size} with padding {padding}")
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def conv_params(
    in_channels: int, out_channels: int, kernel: int | tuple[int, int], groups: int = 1, bias: bool = False
) -> int:
    """``(kH * kW * in_C / groups) * out_C`` weights, plus ``out_C`` biases if ``bias``."""
    positive_int("conv_params", "in_channels", in_channels)
    positive_int("conv_params", "out_channels", out_channels)
    kh, kw = _hw("conv_params", "kernel", kernel)
    _groups_ok("conv_params", in_channels, out_channels, groups)
    return kh * kw * (in_channels // groups) * out_channels + (out_channels if bias else 0)


def conv_macs(
    in_channels: int,
    out_channels: int,
    kernel: int | tuple[int, int],
    out_hw: int | tuple[int, int],
    groups: int = 1,
) -> int:
    """``out_H * out_W * out_C * (in_C / groups) * kH * kW``: each output value is one dot product."""
    oh, ow = _hw("conv_macs", "out_hw", out_hw)
    return oh * ow * conv_params(in_channels, out_channels, kernel, groups)


@dataclass(frozen=True)
class ConvCost:
    label: str  # "3x3 conv, 192"
    in_channels: int
    out_channels: int
    kernel: tuple[int, int]
    stride: int
    padding: int
    groups: int
    in_hw: tuple[int, int]
    out_hw: tuple[int, int]
    weights: int
    biases: int
    macs: int

    @property
    def params(self) -> int:
        return self.weights + self.biases

    @property
    def expression(self) -> str:
        """The lecture's way of writing the MACs: ``28x28x192x3x3x64``."""
        cin = f"{self.in_channels}/{self.groups}" if self.groups > 1 else str(self.in_channels)
        oh, ow = self.out_hw
        kh, kw = self.kernel
        return f"{oh}x{ow}x{self.out_channels}x{kh}x{kw}x{cin}"


def conv_cost(
    in_hw: int | tuple[int, int],
    in_channels: int,
    out_channels: int,
    kernel: int | tuple[int, int],
    stride: int = 1,
    padding: int | None = None,
    groups: int = 1,
    bias: bool = False,
) -> ConvCost:
    """Params and MACs of one convolution; ``padding=None`` means "same" padding ``(k - 1) // 2``."""
    kh, kw = _hw("conv_cost", "kernel", kernel)
    pad = (max(kh, kw) - 1) // 2 if padding is None else padding
    hw = _hw("conv_cost", "in_hw", in_hw)
    out_hw = conv_output_hw(hw, (kh, kw), stride, pad)
    weights = conv_params(in_channels, out_channels, (kh, kw), groups)
    label = f"{kh}x{kw} conv, {out_channels}" + (f", groups {groups}" if groups > 1 else "")
    return ConvCost(
        label=label,
        in_channels=in_channels,
        out_channels=out_channels,
        kernel=(kh, kw),
        stride=stride,
        padding=pad,
        groups=groups,
        in_hw=hw,
        out_hw=out_hw,
        weights=weights,
        biases=out_channels if bias else 0,
        macs=out_hw[0] * out_hw[1] * weights,
    )


def grouped_conv_cost(
    in_hw: int | tuple[int, int],
    in_channels: int,
    out_channels: int,
    kernel: int | tuple[int, int],
    groups: int,
) -> ConvCost:
    """A grouped convolution ("same" padding, stride 1): params and MACs are 1/groups of the dense one."""
    return conv_cost(in_hw, in_channels, out_channels, kernel, groups=groups)


# --- Inception ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BranchCost:
    name: str  # "1x1", "3x3", "5x5", "pool"
    layers: tuple[ConvCost, ...]  # the convolutions of the branch, in order (none for the naive pool)
    out_channels: int

    @property
    def macs(self) -> int:
        return sum(layer.macs for layer in self.layers)

    @property
    def params(self) -> int:
        return sum(layer.params for layer in self.layers)


@dataclass(frozen=True)
class InceptionCost:
    kind: str  # "naive" or "reduced"
    in_hw: tuple[int, int]
    in_channels: int
    branches: tuple[BranchCost, ...]

    @property
    def output_depth(self) -> int:
        return sum(b.out_channels for b in self.branches)

    @property
    def macs(self) -> int:
        return sum(b.macs for b in self.branches)

    @property
    def params(self) -> int:
        return sum(b.params for b in self.branches)

    @property
    def output_shape(self) -> tuple[int, int, int]:
        """(H, W, C) as the lecture writes it: 28x28x672."""
        return (*self.in_hw, self.output_depth)


def inception_naive_cost(
    in_hw: int | tuple[int, int], in_channels: int, c1x1: int, c3x3: int, c5x5: int
) -> InceptionCost:
    """The naive Inception module: 1x1, 3x3, 5x5 convolutions and a 3x3 max pool (stride 1, padded)
    side by side on the input, concatenated. The pool keeps all ``in_channels``: that is the problem."""
    hw = _hw("inception_naive_cost", "in_hw", in_hw)
    for name, value in (("in_channels", in_channels), ("c1x1", c1x1), ("c3x3", c3x3), ("c5x5", c5x5)):
        positive_int("inception_naive_cost", name, value)
    return InceptionCost(
        kind="naive",
        in_hw=hw,
        in_channels=in_channels,
        branches=(
            BranchCost("1x1", (conv_cost(hw, in_channels, c1x1, 1),), c1x1),
            BranchCost("3x3", (conv_cost(hw, in_channels, c3x3, 3),), c3x3),
            BranchCost("5x5", (conv_cost(hw, in_channels, c5x5, 5),), c5x5),
            BranchCost("pool", (), in_channels),
        ),
    )


def inception_reduced_cost(
    in_hw: int | tuple[int, int],
    in_channels: int,
    c1x1: int,
    c3x3: int,
    c5x5: int,
    reduce3x3: int,
    reduce5x5: int,
    pool_proj: int,
) -> InceptionCost:
    """The Inception module with dimension reduction: 1x1 convolutions before the 3x3 and the 5x5 and
    after the pool (the lecture's example: ``inception_reduced_cost(**lecture.INCEPTION.reduced)``)."""
    func = "inception_reduced_cost"
    hw = _hw(func, "in_hw", in_hw)
    for name, value in (
        ("in_channels", in_channels), ("c1x1", c1x1), ("c3x3", c3x3), ("c5x5", c5x5),
        ("reduce3x3", reduce3x3), ("reduce5x5", reduce5x5), ("pool_proj", pool_proj),
    ):
        positive_int(func, name, value)
    return InceptionCost(
        kind="reduced",
        in_hw=hw,
        in_channels=in_channels,
        branches=(
            BranchCost("1x1", (conv_cost(hw, in_channels, c1x1, 1),), c1x1),
            BranchCost(
                "3x3", (conv_cost(hw, in_channels, reduce3x3, 1), conv_cost(hw, reduce3x3, c3x3, 3)), c3x3
            ),
            BranchCost(
                "5x5", (conv_cost(hw, in_channels, reduce5x5, 1), conv_cost(hw, reduce5x5, c5x5, 5)), c5x5
            ),
            BranchCost("pool", (conv_cost(hw, in_channels, pool_proj, 1),), pool_proj),
        ),
    )


def reduction_break_even(in_channels: int, out_channels: int, kernel: int) -> float:
    """The width ``r`` at which a 1×1 reduction to ``r`` channels in front of a ``kernel``×``kernel``
    convolution (``in_channels`` → ``out_channels``, stride 1, "same" padding) costs as much as the
    convolution alone: ``k²·C_out·C_in / (C_in + k²·C_out)``. The pair costs ``H·W·r·(C_in + k²·C_out)``
    multiply-adds against ``H·W·k²·C_out·C_in``, so the reduction saves work only for ``r`` below this
    width, whatever the map size; it is always below ``C_in``, so a reduction can be narrower than its input
    and still add work. Weights alike (biases not counted)."""
    func = "reduction_break_even"
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels), ("kernel", kernel)):
        positive_int(func, name, value)
    window = kernel * kernel * out_channels
    return window * in_channels / (in_channels + window)


# --- a stack of small filters against one large one ----------------------------------------------


@dataclass(frozen=True)
class StackVsLarge:
    channels: int
    k_small: int
    n: int
    k_large: int  # n * (k_small - 1) + 1: the single filter with the same receptive field
    receptive_field: int  # of the stack (stride 1), == k_large
    params_stack: int  # n * k_small^2 * C^2 (no biases)
    params_large: int  # k_large^2 * C^2
    macs_per_pixel_stack: int  # per output position, C in and C out channels: == params
    macs_per_pixel_large: int
    nonlinearities_stack: int  # one ReLU per conv: n against 1
    nonlinearities_large: int

    @property
    def params_ratio(self) -> float:
        return self.params_stack / self.params_large


def stack_vs_large(C: int, k_small: int = 3, n: int = 3) -> StackVsLarge:
    """``n`` stride-1 ``k_small`` convolutions of ``C`` channels against one with the same receptive field.

    The lecture's VGG case: three 3x3 (27C^2) against one 7x7 (49C^2), both with receptive field 7.
    """
    positive_int("stack_vs_large", "C", C)
    positive_int("stack_vs_large", "k_small", k_small)
    positive_int("stack_vs_large", "n", n)
    k_large = n * (k_small - 1) + 1
    stack = n * k_small * k_small * C * C
    large = k_large * k_large * C * C
    return StackVsLarge(
        channels=C,
        k_small=k_small,
        n=n,
        k_large=k_large,
        receptive_field=k_large,
        params_stack=stack,
        params_large=large,
        macs_per_pixel_stack=stack,
        macs_per_pixel_large=large,
        nonlinearities_stack=n,
        nonlinearities_large=1,
    )


# --- residual blocks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockCost:
    kind: str  # "basic" or "bottleneck"
    in_hw: tuple[int, int]
    in_channels: int
    out_channels: int
    layers: tuple[ConvCost, ...]  # residual branch convolutions, in order
    shortcut: ConvCost | None  # 1x1 projection when the shape changes, else None (identity)

    @property
    def macs(self) -> int:
        return sum(c.macs for c in self.layers) + (self.shortcut.macs if self.shortcut else 0)

    @property
    def params(self) -> int:
        return sum(c.params for c in self.layers) + (self.shortcut.params if self.shortcut else 0)


def _shortcut(hw: tuple[int, int], cin: int, cout: int, stride: int) -> ConvCost | None:
    if cin == cout and stride == 1:
        return None
    return conv_cost(hw, cin, cout, 1, stride=stride, padding=0)


def basic_block_cost(
    in_hw: int | tuple[int, int], in_channels: int, channels: int, stride: int = 1
) -> BlockCost:
    """ResNet's basic block: two 3x3 convolutions (the first may stride), convolutions only (batch
    norm and biases not counted), a 1x1 projection shortcut when the shape changes."""
    hw = _hw("basic_block_cost", "in_hw", in_hw)
    first = conv_cost(hw, in_channels, channels, 3, stride=stride)
    second = conv_cost(first.out_hw, channels, channels, 3)
    shortcut = _shortcut(hw, in_channels, channels, stride)
    return BlockCost("basic", hw, in_channels, channels, (first, second), shortcut)


def bottleneck_block_cost(
    in_hw: int | tuple[int, int],
    in_channels: int,
    width: int,
    stride: int = 1,
    expansion: int = 4,
    groups: int = 1,
    out_channels: int | None = None,
    stride_on_1x1: bool = False,
) -> BlockCost:
    """ResNet's bottleneck: 1x1 reduce to ``width``, 3x3 (``groups`` > 1: ResNeXt's cardinality), 1x1
    expand to ``width * expansion``. Convolutions only (batch norm and biases not counted).

    The stride sits on the 3x3 (torchvision's "ResNet v1.5"); ``stride_on_1x1=True`` puts it on the
    first 1x1, as the ResNet paper does, which makes the 3x3 cheaper.
    """
    hw = _hw("bottleneck_block_cost", "in_hw", in_hw)
    cout = width * expansion if out_channels is None else out_channels
    first_stride, middle_stride = (stride, 1) if stride_on_1x1 else (1, stride)
    reduce = conv_cost(hw, in_channels, width, 1, stride=first_stride, padding=0)
    middle = conv_cost(reduce.out_hw, width, width, 3, stride=middle_stride, groups=groups)
    expand = conv_cost(middle.out_hw, width, cout, 1)
    shortcut = _shortcut(hw, in_channels, cout, stride)
    return BlockCost("bottleneck", hw, in_channels, cout, (reduce, middle, expand), shortcut)


def matched_cardinality_width(cardinality: int, channels: int = 256, resnet_width: int = 64) -> int:
    """The path width d that keeps a ResNeXt block of C = ``cardinality`` paths at the budget of the ResNet
    bottleneck of width ``resnet_width`` (both ``channels`` in and out): the d whose convolution weights,
    C·(2·channels·d + 9·d²), are nearest to the bottleneck's (the smaller d on a tie). At stride 1 the
    multiply-adds are the weights times H·W, so they match too. The ResNeXt paper's Table 2 (256-d block,
    1×64d): C = 1, 2, 4, 8, 32 give d = 64, 40, 24, 14, 4.
    """
    func = "matched_cardinality_width"
    positive_int(func, "cardinality", cardinality)
    budget = bottleneck_block_cost(1, channels, positive_int(func, "resnet_width", resnet_width),
                                   out_channels=positive_int(func, "channels", channels)).params

    def weights(d: int) -> int:
        return bottleneck_block_cost(1, channels, cardinality * d, groups=cardinality, out_channels=channels).params

    d = 1
    while weights(d) < budget:
        d += 1
    return d - 1 if d > 1 and budget - weights(d - 1) <= weights(d) - budget else d


# --- Network in Network: an mlpconv block --------------------------------------------------------


@dataclass(frozen=True)
class MlpconvCost:
    layers: tuple[ConvCost, ...]  # the k×k convolution, then the 1×1 convolutions

    @property
    def params(self) -> int:
        return sum(layer.params for layer in self.layers)

    @property
    def macs(self) -> int:
        return sum(layer.macs for layer in self.layers)

    @property
    def cccp_macs(self) -> int:
        """Multiply-adds of the 1×1 convolutions (the micro-network's hidden and output layers)."""
        return sum(layer.macs for layer in self.layers[1:])

    @property
    def out_channels(self) -> int:
        return self.layers[-1].out_channels


def mlpconv_cost(
    cccp_layers: int = MLPCONV_EXAMPLE.cccp_layers,
    cccp_width: int = MLPCONV_EXAMPLE.cccp_width,
    *,
    in_channels: int = MLPCONV_EXAMPLE.in_channels,
    hw: int = MLPCONV_EXAMPLE.hw,
    kernel: int = MLPCONV_EXAMPLE.kernel,
    conv_filters: int = MLPCONV_EXAMPLE.conv_filters,
) -> MlpconvCost:
    """Parameters (weights and biases, as the zoo's block has them) and multiply-adds of an mlpconv block,
    layer by layer, from :func:`cnnviz.analysis.ops.conv_cost` ("same" padding, stride 1)."""
    integer("mlpconv_cost", "cccp_layers", cccp_layers, minimum=0)
    positive_int("mlpconv_cost", "cccp_width", cccp_width)
    layers = [conv_cost(hw, in_channels, conv_filters, kernel, bias=True)]
    for _ in range(cccp_layers):
        layers.append(conv_cost(hw, layers[-1].out_channels, cccp_width, 1, bias=True))
    return MlpconvCost(tuple(layers))


# --- Wide ResNet: WRN-d-k without building it ------------------------------------------------------


_GROUPS = ((16, 32, 1), (32, 16, 2), (64, 8, 2))  # (F, output size at 32×32 input, stride of the first block)
_STEM = 16


@dataclass(frozen=True)
class WideCost:
    """WRN-d-k for CIFAR at 32×32, counted as the ledger counts the zoo's network."""

    depth: int
    k: int
    params: int  # every parameter: convolutions, batch norms, the classifier
    macs: int  # multiply-adds of the convolutions and the classifier, per image
    weight_layers: int  # conv/linear layers on the longest input-to-output path

    @property
    def macs_per_layer(self) -> float:
        """Multiply-adds per sequential layer: the work one step of the longest path can spread out."""
        return self.macs / self.weight_layers


def wide_resnet_cost(depth: int, k: int, num_classes: int = 10) -> WideCost:
    """Parameters, multiply-adds and sequential depth of WRN-``depth``-``k`` without building it.

    Sums :func:`conv_cost` and :func:`basic_block_cost` over the
    stem and the 3n pre-activation blocks (two 3×3 convolutions, a 1×1 projection where the shape changes),
    adds the batch norms (2 parameters per channel: two per block and the last) and the classifier. The
    longest path runs through the stem, both convolutions of every block and the classifier. The tests check
    all three numbers against the ledger and :func:`cnnviz.analysis.depth.weight_layer_depth` of the zoo's
    :func:`cnnviz.models.wide_resnet.wide_resnet`.
    """
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 10 or (depth - 4) % 6:
        raise ValueError(f"wide_resnet_cost: depth must be 6n+4 with n >= 1 (10, 16, 22, ...), got {depth!r}")
    positive_int("wide_resnet_cost", "k", k)
    positive_int("wide_resnet_cost", "num_classes", num_classes)
    n = (depth - 4) // 6
    stem = conv_cost(32, 3, _STEM, 3)
    params, macs = stem.params, stem.macs
    channels, hw = _STEM, 32
    for width, _out, stride in _GROUPS:
        first = basic_block_cost(hw, channels, width * k, stride)  # may change the shape
        params += first.params + 2 * (channels + width * k)  # convolutions, bn1 and bn2
        macs += first.macs
        channels, hw = width * k, first.layers[-1].out_hw[0]
        rest = basic_block_cost(hw, channels, channels)  # the n - 1 identical blocks after it
        params += (n - 1) * (rest.params + 4 * channels)
        macs += (n - 1) * rest.macs
    params += 2 * channels + channels * num_classes + num_classes  # last batch norm, classifier
    macs += channels * num_classes
    return WideCost(depth, k, params, macs, 1 + 2 * 3 * n + 1)


def thin_twin(params: int, num_classes: int = 10) -> WideCost:
    """The shallowest thin network WRN-d'-1 with at least ``params`` parameters: the same budget, spent on depth."""
    positive_int("thin_twin", "params", params)
    one, two = wide_resnet_cost(10, 1, num_classes), wide_resnet_cost(16, 1, num_classes)
    per_n = two.params - one.params  # one more block in each group: the count is linear in n for k = 1
    n = max(1, -(-(params - one.params) // per_n) + 1)
    twin = wide_resnet_cost(6 * n + 4, 1, num_classes)
    while twin.params < params:  # guard the arithmetic above
        n += 1
        twin = wide_resnet_cost(6 * n + 4, 1, num_classes)
    return twin


# --- Stochastic depth: survival probabilities, expected depth, expected saving ---------------------------

SURVIVAL_RULES = ("linear", "uniform")


def survival_probabilities(num_blocks: int, p_last: float, rule: str = "linear") -> tuple[float, ...]:
    """p_l for the blocks l = 1 .. L of a stochastic-depth network (Huang et al. 2016, section 3).

    ``"linear"`` is the paper's linear decay rule p_l = 1 − (l/L)(1 − p_L), from nearly 1 for the first block
    to p_L for the last; ``"uniform"`` gives every block p_L. (The zoo's
    :func:`cnnviz.models.stochastic_depth.linear_decay` is the same rule; the tests check that they agree.)
    """
    positive_int("survival_probabilities", "num_blocks", num_blocks)
    p_last = probability("survival_probabilities", "p_last", p_last)
    one_of("survival_probabilities", "rule", rule, SURVIVAL_RULES)
    if rule == "uniform":
        return (float(p_last),) * num_blocks
    return tuple(1 - i / num_blocks * (1 - p_last) for i in range(1, num_blocks + 1))


@dataclass(frozen=True)
class StochasticDepthCost:
    """The expected size of a stochastic-depth network in training, for one rule and p_L.

    ``block_macs`` (one per block, multiply-adds per image) and ``other_macs`` (the stem and classifier,
    which always run) weigh the blocks by their work; without them every block weighs the same.
    """

    rule: str
    p_last: float
    survival: tuple[float, ...]  # p_l, l = 1 .. L
    block_macs: tuple[int, ...]  # multiply-adds of each block's residual branch (all 1 if not given)
    other_macs: int = 0  # multiply-adds outside the blocks (they always run)

    @property
    def num_blocks(self) -> int:
        return len(self.survival)

    @property
    def expected_blocks(self) -> float:
        """E[number of active blocks] = Σ p_l (linearity of expectation)."""
        return sum(self.survival)

    @property
    def expected_dropped(self) -> float:
        return self.num_blocks - self.expected_blocks

    @property
    def block_saving(self) -> float:
        """The expected fraction of the blocks' residual-branch work skipped: 1 − Σ p_l·w_l / Σ w_l."""
        total = sum(self.block_macs)
        return 1 - sum(p * w for p, w in zip(self.survival, self.block_macs, strict=True)) / total

    @property
    def expected_macs(self) -> float:
        """Expected multiply-adds of one training forward pass (a dropped block's branch is not computed)."""
        return self.other_macs + sum(p * w for p, w in zip(self.survival, self.block_macs, strict=True))

    @property
    def saving(self) -> float:
        """The expected fraction of the whole forward (and, as dropped blocks need no backward, backward)
        multiply-adds saved in training, against running every block."""
        return 1 - self.expected_macs / (self.other_macs + sum(self.block_macs))


def stochastic_depth_cost(
    num_blocks: int, p_last: float, rule: str = "linear", *, block_macs: tuple[int, ...] | None = None,
    other_macs: int = 0,
) -> StochasticDepthCost:  # fmt: skip
    """The survival probabilities of ``rule`` and the expected number of active blocks and work saved."""
    survival = survival_probabilities(num_blocks, p_last, rule)
    weights = (1,) * num_blocks if block_macs is None else tuple(int(w) for w in block_macs)
    if len(weights) != num_blocks:
        raise ValueError(f"stochastic_depth_cost: {len(weights)} block_macs for {num_blocks} blocks")
    integer("stochastic_depth_cost", "other_macs", other_macs, minimum=0)
    return StochasticDepthCost(rule, float(p_last), survival, weights, other_macs)
