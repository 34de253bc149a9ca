"""Analytic op counts: hand values from the lecture and the papers, and ledger() of real torch modules."""

from __future__ import annotations

import re

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from cnnviz.analysis import ops
from cnnviz.analysis.ledger import ledger
from cnnviz.analysis.ops import (
    basic_block_cost,
    bottleneck_block_cost,
    conv_cost,
    conv_macs,
    conv_output_hw,
    conv_params,
    grouped_conv_cost,
    inception_naive_cost,
    inception_reduced_cost,
    stack_vs_large,
)
from cnnviz.models.lecture import INCEPTION


def _conv_rows(module: nn.Module, input_size: tuple[int, int, int]):
    return [r for r in ledger(module, input_size).leaves() if r.type == "Conv2d"]


# --- single convolutions ---------------------------------------------------------------------------


def test_lecture_conv_values() -> None:
    assert conv_params(3, 96, 11) == 34_848  # AlexNet CONV1: (11*11*3)*96 = 35K
    assert conv_params(3, 96, 11, bias=True) == 34_944
    assert conv_output_hw(227, 11, stride=4) == (55, 55)
    assert conv_macs(256, 128, 1, 28) == 28 * 28 * 128 * 256 == 25_690_112
    assert conv_params(64, 64, 3) == 36_864  # VGG16 conv1_2


def test_conv_cost_expression_and_same_padding() -> None:
    cost = conv_cost(28, 64, 192, 3)
    assert (cost.padding, cost.out_hw, cost.expression) == (1, (28, 28), "28x28x192x3x3x64")
    assert cost.macs == 86_704_128 and cost.label == "3x3 conv, 192"


@settings(max_examples=25, deadline=None)
@given(
    cin_g=st.integers(1, 4), cout_g=st.integers(1, 4), groups=st.integers(1, 3), k=st.integers(1, 4),
    stride=st.integers(1, 3), pad=st.integers(0, 2), hw=st.integers(5, 12), bias=st.booleans(),
)
def test_conv_cost_matches_ledger(cin_g, cout_g, groups, k, stride, pad, hw, bias) -> None:
    cin, cout = cin_g * groups, cout_g * groups
    cost = conv_cost(hw, cin, cout, k, stride=stride, padding=pad, groups=groups, bias=bias)
    conv = nn.Conv2d(cin, cout, k, stride, pad, groups=groups, bias=bias)
    (row,) = _conv_rows(nn.Sequential(conv), (cin, hw, hw))
    assert row.output_shape == (cout, *cost.out_hw)
    assert (row.weights, row.biases, row.macs) == (cost.weights, cost.biases, cost.macs)


def test_grouped_conv() -> None:
    dense = conv_cost(14, 128, 128, 3)
    grouped = grouped_conv_cost(14, 128, 128, 3, groups=32)
    assert grouped.weights * 32 == dense.weights == 147_456
    assert grouped.macs * 32 == dense.macs
    assert grouped.expression == "14x14x128x3x3x128/32"
    conv = nn.Conv2d(128, 128, 3, padding=1, groups=32, bias=False)
    (row,) = _conv_rows(nn.Sequential(conv), (128, 14, 14))
    assert (row.weights, row.macs, row.groups) == (grouped.weights, grouped.macs, 32)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: conv_params(3, 8, 3, groups=2), "groups=2 must divide in_channels=3 and out_channels=8"),
        (lambda: conv_params(0, 8, 3), "in_channels must be a positive integer, got 0"),
        (lambda: conv_output_hw(4, 7), "a 7x7 kernel does not fit a 4x4 input"),
        (lambda: conv_cost((3, 4, 5), 3, 8, 3), r"in_hw must be a positive integer or an \(H, W\) pair"),
        (lambda: stack_vs_large(64, n=0), "n must be a positive integer, got 0"),
    ],
)
def test_errors_name_the_parameter(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# --- Inception ------------------------------------------------------------------------------------


class InceptionNaive(nn.Module):
    def __init__(self, cin: int, c1: int, c3: int, c5: int) -> None:
        super().__init__()
        self.b1 = nn.Conv2d(cin, c1, 1, bias=False)
        self.b3 = nn.Conv2d(cin, c3, 3, padding=1, bias=False)
        self.b5 = nn.Conv2d(cin, c5, 5, padding=2, bias=False)
        self.pool = nn.MaxPool2d(3, stride=1, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.b1(x), self.b3(x), self.b5(x), self.pool(x)], 1)


class InceptionReduced(nn.Module):
    def __init__(self, cin: int, c1: int, c3: int, c5: int, r3: int, r5: int, pp: int) -> None:
        super().__init__()
        self.b1 = nn.Conv2d(cin, c1, 1, bias=False)
        self.b3 = nn.Sequential(nn.Conv2d(cin, r3, 1, bias=False), nn.Conv2d(r3, c3, 3, 1, 1, bias=False))
        self.b5 = nn.Sequential(nn.Conv2d(cin, r5, 1, bias=False), nn.Conv2d(r5, c5, 5, 1, 2, bias=False))
        self.pool = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1), nn.Conv2d(cin, pp, 1, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.b1(x), self.b3(x), self.b5(x), self.pool(x)], 1)


def test_lecture_naive_inception() -> None:
    cost = inception_naive_cost(**INCEPTION.naive)
    assert cost.output_depth == 672 and cost.output_shape == (28, 28, 672)
    assert [b.macs for b in cost.branches] == [25_690_112, 346_816_512, 481_689_600, 0]
    assert cost.macs == 28 * 28 * 128 * 256 + 28 * 28 * 192 * 9 * 256 + 28 * 28 * 96 * 25 * 256 == 854_196_224
    assert round(cost.macs / 1e6) == 854


def test_lecture_reduced_inception() -> None:
    cost = inception_reduced_cost(**INCEPTION.reduced)  # reductions of 64, as on the slide
    terms = [layer.macs for b in cost.branches for layer in b.layers]
    assert terms == [25_690_112, 12_845_056, 86_704_128, 12_845_056, 120_422_400, 12_845_056]
    assert cost.output_depth == 480
    assert cost.macs == sum(terms) == 271_351_808
    # The slide says 358M: that is its own six terms with the 3x3 term counted twice.
    assert cost.macs + 86_704_128 == 358_055_936
    assert cost.branches[2].layers[1].expression == "28x28x96x5x5x64"


@pytest.mark.parametrize("hw, cin, c1, c3, c5", [(28, 256, 128, 192, 96), (7, 32, 8, 12, 4), (5, 3, 1, 2, 3)])
def test_inception_matches_ledger(hw: int, cin: int, c1: int, c3: int, c5: int) -> None:
    naive = inception_naive_cost(hw, cin, c1, c3, c5)
    led = ledger(InceptionNaive(cin, c1, c3, c5), (cin, hw, hw))
    assert led.total_macs == naive.macs and led.total_params == naive.params
    assert led.rows[-1].output_shape == (cin, hw, hw)  # the pool keeps every input channel
    reduced = inception_reduced_cost(hw, cin, c1, c3, c5, reduce3x3=4, reduce5x5=2, pool_proj=3)
    led = ledger(InceptionReduced(cin, c1, c3, c5, 4, 2, 3), (cin, hw, hw))
    assert led.total_macs == reduced.macs and led.total_params == reduced.params
    assert reduced.output_depth == c1 + c3 + c5 + 3


# --- a 1×1 reduction in front of a convolution: where it stops saving ------------------------------


@pytest.mark.parametrize("in_channels", [1, 3, 16, 64, 256])
@pytest.mark.parametrize("out_channels", [1, 8, 96, 192, 384])
@pytest.mark.parametrize("kernel", [1, 3, 5])
def test_reduction_break_even_against_brute_force(in_channels: int, out_channels: int, kernel: int) -> None:
    """Every width r from 1 to twice the input's: a 1×1 reduction to r then the convolution costs less than
    the convolution alone exactly below the break-even, as much at it, more above; multiply-adds (any map size:
    it cancels) and weights alike. The break-even is always below the input's width."""
    hw = 7
    even = ops.reduction_break_even(in_channels, out_channels, kernel)
    assert 0 < even < in_channels
    alone = (conv_macs(in_channels, out_channels, kernel, hw), conv_params(in_channels, out_channels, kernel))
    for r in range(1, 2 * in_channels + 2):
        pair = (conv_macs(in_channels, r, 1, hw) + conv_macs(r, out_channels, kernel, hw),
                conv_params(in_channels, r, 1) + conv_params(r, out_channels, kernel))  # fmt: skip
        for cost, cost_alone in zip(pair, alone, strict=True):
            assert (cost < cost_alone) == (r < even) and (cost == cost_alone) == (r == even), (r, even)


@pytest.mark.parametrize("param", ["in_channels", "out_channels", "kernel"])
@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "3"])
def test_reduction_break_even_names_a_bad_parameter(param: str, bad: object) -> None:
    given = {"in_channels": 256, "out_channels": 192, "kernel": 3} | {param: bad}
    message = f"reduction_break_even: {param} must be a positive integer, got {bad!r}"
    with pytest.raises(ValueError, match=re.escape(message)):
        ops.reduction_break_even(**given)


# --- small stack against one large filter ----------------------------------------------------------


def test_stack_of_three_3x3_against_7x7() -> None:
    s = stack_vs_large(64)
    assert (s.k_large, s.receptive_field) == (7, 7)
    assert (s.params_stack, s.params_large) == (27 * 64**2, 49 * 64**2)
    assert s.params_ratio == pytest.approx(27 / 49)
    assert (s.nonlinearities_stack, s.nonlinearities_large) == (3, 1)
    assert stack_vs_large(10, k_small=3, n=2).k_large == 5
    assert stack_vs_large(10, k_small=5, n=2).k_large == 9


def test_stack_vs_large_against_ledger() -> None:
    C, hw = 8, 9
    s = stack_vs_large(C, 3, 3)
    stack = nn.Sequential(*[nn.Conv2d(C, C, 3, padding=1, bias=False) for _ in range(3)])
    large = nn.Sequential(nn.Conv2d(C, C, 7, padding=3, bias=False))
    led_stack, led_large = ledger(stack, (C, hw, hw)), ledger(large, (C, hw, hw))
    assert led_stack.total_params == s.params_stack and led_large.total_params == s.params_large
    assert led_stack.total_macs == s.macs_per_pixel_stack * hw * hw
    assert led_large.total_macs == s.macs_per_pixel_large * hw * hw


# --- residual blocks ------------------------------------------------------------------------------


def test_resnet_paper_blocks() -> None:
    """ResNet paper Fig. 5: the 256-d bottleneck costs about what the 64-d basic block does."""
    basic = basic_block_cost(56, 64, 64)
    bottleneck = bottleneck_block_cost(56, 256, 64)
    assert basic.params == 2 * 9 * 64 * 64 == 73_728 and basic.shortcut is None
    assert bottleneck.params == 256 * 64 + 9 * 64 * 64 + 64 * 256 == 69_632
    assert basic.macs == 56 * 56 * basic.params and bottleneck.macs == 56 * 56 * bottleneck.params


def test_resnext_block_params() -> None:
    """ResNeXt paper Table 1 / Fig. 3: 32x4d block on 256-d, C * (256*d + 3*3*d*d + d*256) = 70k."""
    block = bottleneck_block_cost(56, 256, 128, expansion=2, groups=32)
    assert block.params == 32 * (256 * 4 + 9 * 4 * 4 + 4 * 256) == 70_144


def _basic(cin: int, c: int, stride: int) -> nn.Module:
    class Basic(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(cin, c, 3, stride, 1, bias=False)
            self.conv2 = nn.Conv2d(c, c, 3, 1, 1, bias=False)
            changes = cin != c or stride != 1
            self.proj = nn.Conv2d(cin, c, 1, stride, bias=False) if changes else nn.Identity()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.conv2(torch.relu(self.conv1(x))) + self.proj(x)

    return Basic()


def _bottleneck(cin: int, width: int, cout: int, stride: int, groups: int, stride_on_1x1: bool) -> nn.Module:
    s1, s3 = (stride, 1) if stride_on_1x1 else (1, stride)

    class Bottleneck(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(cin, width, 1, s1, bias=False)
            self.conv2 = nn.Conv2d(width, width, 3, s3, 1, groups=groups, bias=False)
            self.conv3 = nn.Conv2d(width, cout, 1, bias=False)
            changes = cin != cout or stride != 1
            self.proj = nn.Conv2d(cin, cout, 1, stride, bias=False) if changes else nn.Identity()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.conv3(self.conv2(self.conv1(x))) + self.proj(x)

    return Bottleneck()


@pytest.mark.parametrize("cin, c, stride", [(16, 16, 1), (16, 32, 2), (8, 8, 2)])
def test_basic_block_matches_ledger(cin: int, c: int, stride: int) -> None:
    cost = basic_block_cost(12, cin, c, stride)
    led = ledger(_basic(cin, c, stride), (cin, 12, 12))
    assert (led.total_params, led.total_macs) == (cost.params, cost.macs)


@pytest.mark.parametrize(
    "cin, width, stride, groups, stride_on_1x1",
    [(64, 16, 1, 1, False), (32, 16, 2, 1, False), (32, 16, 2, 1, True), (64, 32, 2, 8, False)],
)
def test_bottleneck_matches_ledger(
    cin: int, width: int, stride: int, groups: int, stride_on_1x1: bool
) -> None:
    cost = bottleneck_block_cost(12, cin, width, stride, groups=groups, stride_on_1x1=stride_on_1x1)
    led = ledger(_bottleneck(cin, width, 4 * width, stride, groups, stride_on_1x1), (cin, 12, 12))
    assert (led.total_params, led.total_macs) == (cost.params, cost.macs)
    assert (cost.shortcut is None) == (cin == 4 * width and stride == 1)


def test_stride_on_1x1_is_cheaper() -> None:
    paper = bottleneck_block_cost(56, 256, 128, stride=2, stride_on_1x1=True)
    v15 = bottleneck_block_cost(56, 256, 128, stride=2)
    assert paper.params == v15.params
    assert v15.macs - paper.macs == (56 * 56 - 28 * 28) * 256 * 128


@pytest.mark.parametrize(("size", "kernel", "stride", "padding"), [(110, 3, 2, 0), (26, 3, 2, 0), (55, 3, 2, 0),
                                                                   (13, 3, 2, 0), (7, 2, 2, 1), (8, 3, 3, 1)])
@pytest.mark.parametrize("ceil_mode", [False, True])
def test_pool_output_size_matches_torch(size, kernel, stride, padding, ceil_mode):
    import torch

    pool = torch.nn.MaxPool2d(kernel, stride, padding, ceil_mode=ceil_mode)
    expected = pool(torch.zeros(1, 1, size, size)).shape[-1]
    assert ops.pool_output_size(size, kernel, stride, padding, ceil_mode) == expected


def test_pool_output_size_zfnet_needs_ceil_mode():
    assert (ops.pool_output_size(110, 3, 2), ops.pool_output_size(110, 3, 2, ceil_mode=True)) == (54, 55)
    assert (ops.pool_output_size(26, 3, 2), ops.pool_output_size(26, 3, 2, ceil_mode=True)) == (12, 13)
    with pytest.raises(ValueError, match="stride"):
        ops.pool_output_size(10, 3, 0)
