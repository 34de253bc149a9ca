"""Exercises of the Wide ResNet chapter: answers computed from the zoo's WRN-d-k and ResNets and cnnviz.analysis.

None of the graded values is on the chapter's page or its explorer: the explorer gives whole networks
(parameters, multiply-adds, layers in sequence) for every d and k of its sliders, so the questions ask for
one group of a network, one block, and a bottleneck width that no slider moves.
"""

from __future__ import annotations

import functools
import math

import torch
from torch import nn

from cnnviz.analysis import ops
from cnnviz.interact.exercises import REASONING, TASK, Exercise

# WRN-28-10, the first block of group conv3: 32×32×160 in (conv2's output), 160 -> 320 channels, stride 2. (The
# page draws the first block of conv2, with its multiply-adds; the first block of conv4 costs exactly as much as
# conv3's: a quarter of the pixels, four times the weights.)
_CONV3_FIRST = {"in_hw": 32, "in_channels": 160, "channels": 320, "stride": 2}


def _wrn(depth: int, k: int):
    from cnnviz.models.wide_resnet import wide_resnet

    with torch.device("meta"):  # parameter counts only: no weights drawn
        return wide_resnet(depth, k)


def _count(module: nn.Module) -> tuple[int, int]:
    """A module's parameters as (convolution weights, batch-norm scales and shifts)."""
    norm = sum(p.numel() for m in module.modules() if isinstance(m, nn.BatchNorm2d) for p in m.parameters())
    return sum(p.numel() for p in module.parameters()) - norm, norm


def _group_params(depth: int, k: int) -> int:
    return sum(_count(_wrn(depth, k).conv3))


def _group_working(depth: int, k: int) -> str:
    group = _wrn(depth, k).conv3
    first, *rest = list(group)
    c_in, c_out = first.conv1.in_channels, first.conv1.out_channels
    n = len(group)
    lines = [f"WRN-{depth}-{k} has n = ({depth} − 4)/6 = {n} blocks per group; conv3 widens {c_in} → {c_out} "
             f"channels (32·k with k = {k}). Each 3×3 convolution has 9 · in · out weights, each batch norm 2 "
             "parameters per channel it normalises:", ""]  # fmt: skip
    conv1, conv2, short = (
        first.conv1.weight.numel(),
        first.conv2.weight.numel(),
        first.shortcut.weight.numel(),
    )
    bn = sum(_count(first)[1:])
    assert (conv1, conv2, short) == (9 * c_in * c_out, 9 * c_out * c_out, c_in * c_out), (
        "the formulas are the block's"
    )
    assert bn == 2 * (c_in + c_out), "bn1 normalises the block's input, bn2 the first convolution's output"
    first_total = sum(_count(first))
    lines.append(f"- first block: 3×3 {c_in} → {c_out}: 9·{c_in}·{c_out} = {conv1:,}; 3×3 {c_out} → {c_out}: "
                 f"9·{c_out}·{c_out} = {conv2:,}; 1×1 projection shortcut {c_in} → {c_out}: {short:,}; batch norms "
                 f"2·({c_in} + {c_out}) = {bn:,}; in all {first_total:,}")  # fmt: skip
    total = first_total
    if rest:
        one = sum(_count(rest[0]))
        assert all(sum(_count(b)) == one for b in rest) and one == 2 * 9 * c_out * c_out + 4 * c_out
        lines.append(f"- each of the other {len(rest)}: 2 · 9·{c_out}·{c_out} + 2·2·{c_out} = {one:,}, "
                     f"{len(rest)} × {one:,} = {len(rest) * one:,}")  # fmt: skip
        total += len(rest) * one
    assert total == _group_params(depth, k), "the working adds up to the answer"
    return "\n".join(lines) + f"\n\nIn all: **{total:,}**."


def _conv3_first_block() -> ops.BlockCost:
    return ops.basic_block_cost(**_CONV3_FIRST)


def _conv3_first_block_macs() -> int:
    return _conv3_first_block().macs


def _conv3_first_block_working() -> str:
    block = _conv3_first_block()
    convs = [
        ("first 3×3", block.layers[0]),
        ("second 3×3", block.layers[1]),
        ("1×1 projection", block.shortcut),
    ]
    lines, parts = [], []
    for name, conv in convs:
        (oh, ow), (kh, kw) = conv.out_hw, conv.kernel
        assert oh * ow * kh * kw * conv.in_channels * conv.out_channels == conv.macs
        lines.append(f"- {name} ({conv.in_channels} → {conv.out_channels}, stride {conv.stride}, output {oh}×{ow}): "
                     f"{oh}·{ow} · {kh}·{kw} · {conv.in_channels} · {conv.out_channels} = {conv.macs:,}")  # fmt: skip
        parts.append(conv.macs)
    assert sum(parts) == block.macs, "the working adds up to the answer"
    return ("Each convolution costs its output pixels times its weights; all three output 16×16 maps:\n\n"
            + "\n".join(lines) + f"\n\nIn all: {' + '.join(f'{m:,}' for m in parts)} = **{block.macs:,}**.")  # fmt: skip


@functools.cache
def _resnet_params(depth: int, width: int = 64) -> int:
    from cnnviz.models.resnet import resnet

    with torch.device("meta"):
        return sum(p.numel() for p in resnet(depth, width=width).parameters())


@functools.cache
def _quadratic(depth: int = 50) -> tuple[int, int, int]:
    """ResNet-``depth``'s parameters as a·w² + b·w + c in its conv2_x bottleneck width w, from three builds."""
    p1, p2, p3 = (_resnet_params(depth, w) for w in (1, 2, 3))
    a2 = p3 - 2 * p2 + p1  # the second difference is 2a
    assert a2 % 2 == 0
    a = a2 // 2
    b = p2 - p1 - 3 * a
    c = p1 - a - b
    for w in (64, 128):
        assert a * w * w + b * w + c == _resnet_params(depth, w), "the count is exactly quadratic in w"
    return a, b, c


def _root(depth: int) -> float:
    """Where ResNet-50's count, a·w² + b·w + c, reaches ResNet-``depth``'s."""
    a, b, c = _quadratic()
    target = _resnet_params(depth)
    return (-b + math.sqrt(b * b - 4 * a * (c - target))) / (2 * a)


def _match_width(depth: int) -> int:
    w = math.ceil(_root(depth))
    target = _resnet_params(depth)
    assert _resnet_params(50, w - 1) < target <= _resnet_params(50, w), "the built networks bracket the root"
    return w


def _match_width_working(depth: int) -> str:
    target = _resnet_params(depth)
    a, b, c = _quadratic()
    root = _root(depth)
    w = _match_width(depth)
    below, at = _resnet_params(50, w - 1), _resnet_params(50, w)
    lo, hi = _resnet_params(50, 64), _resnet_params(50, 128)
    straight = 64 + 64 * (target - lo) / (hi - lo)
    return (
        "The inner widths are w, 2w, 4w and 8w in the four stages and the block outputs stay 256 to 2048, so "
        "each 3×3 convolution (inner to inner) grows as w², the 1×1 convolutions into and out of it and the "
        "batch norms on the inner channels as w, and the rest (stem, projections, classifier) not at all. "
        f"Counting ResNet-50 at w = 1, 2, 3 gives P(w) = {a:,}·w² + {b:,}·w + {c:,} "
        f"(exact: P(64) = {lo:,} and P(128) = {hi:,}, as built). ResNet-{depth} has {target:,}. Solving "
        f"P(w) = {target:,} gives w = {root:.2f}, so the smallest whole width is **{w}**: P({w - 1}) = {below:,} "
        f"falls short, P({w}) = {at:,} does not. A straight line through w = 64 and w = 128 would say "
        f"{straight:.1f}: the count is not linear in w."
    )


EXERCISES = [
    Exercise(
        id="wide_resnet.group_params",
        question="How many parameters (convolution weights and batch-norm scales and shifts) has group conv3 of "
        "WRN-{depth}-{k}: all its blocks, the first one with its 1×1 projection shortcut?",
        answer=_group_params,
        working=_group_working,
        params={"depth": 22, "k": 8},
        variants=({"depth": 16, "k": 6}, {"depth": 34, "k": 3}),
        hint="n = (d − 4)/6 blocks, 32k channels wide. A block is BN, ReLU, 3×3 conv, BN, ReLU, (dropout), 3×3 "
        "conv, with no convolution biases; a batch norm has 2 parameters per channel of its input. Only the "
        "first block changes the width (16k → 32k) and halves the map, so only it has a projection.",
    ),
    Exercise(
        id="wide_resnet.conv3_first_block_macs",
        question="The page draws the first block of WRN-28-10's group conv2. How many multiply-adds (convolution "
        "weights only) does the first block of group **conv3** need per image? It takes the 32×32×160 output of "
        "conv2 and halves the size (stride 2).",
        answer=_conv3_first_block_macs,
        working=_conv3_first_block_working,
        hint="Three convolutions, all producing 16×16 maps: a 3×3 from 160 to 320 channels (stride 2), a 3×3 "
        "from 320 to 320, and the 1×1 shortcut projection from 160 to 320 (stride 2). Each costs "
        "H_out·W_out·k²·C_in·C_out.",
    ),
    Exercise(
        id="wide_resnet.match_width",
        question="WRN-50-2 is ResNet-50 with its bottlenecks' inner width doubled: w = 128 instead of 64 in "
        "conv2_x (and 256, 512, 1024 in the later stages), the block outputs unchanged. What is the smallest "
        "whole w for which ResNet-50 with inner width w has at least as many parameters as ResNet-{depth} "
        '(`models.get("resnet{depth}")`)?',
        answer=_match_width,
        working=_match_width_working,
        params={"depth": 152},
        variants=({"depth": 101},),
        hint="`resnet(50, width=w)` from `cnnviz.models.resnet` builds the network; or count it: which "
        "layers grow as w² and which as w? Two counts do not pin down a quadratic.",
    ),
    Exercise(
        id="wide_resnet.wide_vs_deep",
        kind=REASONING,
        question="WRN-40-4 has fewer parameters than the 1,001-layer pre-activation ResNet and a lower "
        "CIFAR-10 error, while training faster. Give two reasons why widening can be better than "
        "deepening at a similar parameter budget, and say which of them this page measures and which it takes "
        "from the paper.",
        hint="Think of what a GPU does well, of the diminishing feature reuse in very deep residual networks, "
        "and of the number of sequential layers.",
        solution="(1) **Computation**: the layers on the longest path run one after another, and what a layer "
        "does inside runs in parallel. A wide layer is a few large convolutions that fill a GPU; a very deep "
        "thin network is many small sequential layers, each paying a fixed cost. The page *measures* the "
        "structure (layers in sequence, multiply-adds per layer); the speed-up is the *paper's* measurement "
        "(Fig. 4: WRN-40-4 8 times faster than ResNet-1001 on a Titan X). (2) **Diminishing feature "
        "reuse**: in a very deep residual network the gradient can flow through the shortcuts, so many blocks "
        "may learn little; wider, fewer blocks make each one count. This is the *authors' argument*, not a "
        "measurement of the page (testing it takes trained networks). (3) The accuracy itself is the "
        "paper's: Table 5 (mean/std preprocessing, median of 5 runs). Widening has costs: parameters grow with "
        "k², so wide networks need regularisation (the paper's dropout between the convolutions) or more data.",
    ),
    Exercise(
        id="wide_resnet.dropout_where",
        kind=REASONING,
        question="The paper puts dropout **between** the two convolutions of a wide block, not on the shortcut "
        "or after the addition. Why there? And is it a fix for wide networks only: what does the paper's "
        "Table 6 report for the thin WRN-52-1?",
        hint="What grows when k grows, and what would dropout on the identity path do? Then read Table 6 of "
        "the paper, thin and wide rows.",
        solution="Widening multiplies each block's parameters by about k², so wide blocks can overfit; dropout "
        "inside the residual branch regularises the block's own computation (the paper's Fig. 1d: after the "
        "second batch norm and ReLU, before the second convolution). On the shortcut or after the addition it "
        "would also drop the **identity** signal that later blocks and the gradient rely on; He et al. found "
        "dropout on the identity harmful. It is not a fix for wide networks only: in Table 6 (median of 5 "
        "runs) dropout lowers the CIFAR-10 and CIFAR-100 errors of the thin WRN-52-1 as well as those of "
        "WRN-28-10, and the paper reports 'significant improvements from using dropout on both thin and wide "
        "networks'. Earlier residual networks were trained without it (batch norm was their only "
        "regulariser), not because it could not help. It does not help every network: WRN-16-4 on CIFAR-10 "
        "gets slightly worse, which the authors put down to its few parameters.",
    ),
    Exercise(
        id="wide_resnet.wrn_16_4_c100",
        kind=TASK,
        question="Change the network: write `build()` returning WRN-16-4 for **CIFAR-100** with dropout 0.3 "
        "between the convolutions, using the zoo's `wide_resnet`.",
        hint="`wide_resnet(depth, k, dropout=..., num_classes=...)` from `cnnviz.models.wide_resnet`.",
        solution="""from torch import nn

from cnnviz.models.wide_resnet import wide_resnet


def build() -> nn.Module:
    return wide_resnet(16, 4, dropout=0.3, num_classes=100)
""",
        input_size=(3, 32, 32),
    ),
]
