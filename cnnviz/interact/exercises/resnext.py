"""Exercises of the ResNeXt chapter: answers computed from the zoo's ResNeXt blocks and cnnviz.analysis."""

from __future__ import annotations

from cnnviz.analysis import ops
from cnnviz.interact.exercises import Exercise


def _grouped_3x3_weights() -> int:
    # ResNeXt-50 (32×4d) conv3_x: the grouped 3×3 convolution has 256 channels in and out, 32 groups
    return ops.conv_cost(28, 256, 256, 3, groups=32).weights


def _matched_width_64() -> int:
    return ops.matched_cardinality_width(64)


def _resnext29_params() -> int:
    import torch

    from cnnviz import models

    with torch.device("meta"):  # parameter counts only: no weights drawn
        return sum(p.numel() for p in models.get("resnext29_8x64d", cardinality=4).parameters())


def _conv3_first_block_macs() -> int:
    # ResNeXt-50 (32×4d), first block of conv3_x: 56×56×256 in, width C·d = 256, stride 2 in the grouped 3×3,
    # 28×28×512 out, a strided 1×1 projection shortcut
    return ops.bottleneck_block_cost(56, 256, 256, stride=2, groups=32, out_channels=512).macs


EXERCISES = [
    Exercise(
        id="resnext.grouped_3x3_weights",
        question="ResNeXt-50 (32×4d) doubles its widths at each stage, so in conv3_x the block width is "
        "C·d = 256 with C = 32. How many weights has that block's grouped 3×3 convolution (no bias)?",
        answer=_grouped_3x3_weights,
        hint="Each of the 32 groups is a 3×3 convolution from 256/32 channels to 256/32 channels.",
    ),
    Exercise(
        id="resnext.matched_width_64",
        question="Table 2 of the paper stops at C = 32. Which path width d keeps a block with C = 64 paths "
        "(256-d in and out) closest to the 69,632 convolution weights of the ResNet-50 bottleneck?",
        answer=_matched_width_64,
        hint="One path has 256·d + 9·d² + d·256 weights; solve 64·(512·d + 9·d²) ≈ 69,632 and round to the "
        "nearer whole d.",
    ),
    Exercise(
        id="resnext.conv3_first_block_macs",
        question="How many multiply-adds (convolution weights only, shortcut included) does the first block of "
        "ResNeXt-50 (32×4d)'s conv3_x need per image? It takes the 56×56×256 output of conv2_x to 28×28×512, "
        "with the stride in the grouped 3×3 and a 1×1 projection shortcut of stride 2.",
        answer=_conv3_first_block_macs,
        hint="Block width C·d = 256 in conv3_x. The 1×1 reduction (256 → 256) runs at 56×56; the grouped 3×3 "
        "(32 groups of 8 channels) outputs 28×28; the 1×1 expansion (256 → 512) and the projection "
        "(256 → 512) run at 28×28.",
    ),
    Exercise(
        id="resnext.resnext29_params",
        question="How many parameters (weights, batch-norm scales and shifts, the classifier) has a CIFAR "
        "ResNeXt-29 with C = 4 paths of width d = 64 (4×64d, half the cardinality of the paper's 8×64d)?",
        answer=_resnext29_params,
        rel_tol=0.001,
        hint="Three stages of three blocks with widths 256, 512 and 1024 (C·d doubled per stage) and outputs "
        "256, 512 and 1024; the first block of each stage has a 1×1 projection shortcut. Within 0.1% counts.",
    ),
]
