"""Exercises of the ResNet chapter: answers computed from the zoo's ResNets and cnnviz.analysis."""

from __future__ import annotations

import torch

from cnnviz.analysis import ops
from cnnviz.interact.exercises import Exercise


def _params(name: str) -> int:
    from cnnviz import models

    with torch.device("meta"):  # parameter counts only: no weights drawn
        return sum(p.numel() for p in models.get(name).parameters())


def _conv4_bottleneck_macs() -> int:
    # ResNet-50 conv4_x, a block after the first: 1024 channels in and out at 14×14, inner width 256
    return ops.bottleneck_block_cost(14, 1024, 256, out_channels=1024).macs


def _rf_resnet20_layer2() -> int:
    from cnnviz.analysis.receptive_field import receptive_field

    return receptive_field("resnet20").row("layer2.2:add").rf  # the last block of stage 2 (n = 3)


def _blocks_to_add() -> int:
    from cnnviz.models.cifar_resnet import blocks_per_stage

    return 3 * (blocks_per_stage(110) - blocks_per_stage(20))


EXERCISES = [
    Exercise(
        id="resnet.resnet32_params",
        question="How many parameters (weights, batch-norm scales and shifts, the classifier) has the CIFAR-10 ResNet-32?",
        answer=lambda: _params("resnet32"),
        hint="n = 5 basic blocks per stage. Count one stage's 3×3 convolutions (weights only, no biases) and their "
        "batch norms (2 parameters per channel), then the stem and the 64 × 10 + 10 classifier; option A "
        "shortcuts have no parameters.",
    ),
    Exercise(
        id="resnet.conv4_bottleneck_macs",
        question=(
            "How many multiply-adds (convolution weights only) does one bottleneck block of ResNet-50's conv4_x "
            "need per image, for a block that keeps its 14×14×1024 input size (inner width 256)?"
        ),
        answer=_conv4_bottleneck_macs,
        hint="Three convolutions at 14 × 14 positions: 1×1 from 1024 to 256, 3×3 from 256 to 256, 1×1 from 256 "
        "to 1024. Each costs H·W·k²·C_in·C_out.",
    ),
    Exercise(
        id="resnet.rf_resnet20_layer2",
        question="What is the theoretical receptive field (one side, in input pixels) of the output of ResNet-20's "
        "second stage (`layer2`)?",
        answer=_rf_resnet20_layer2,
        hint="The shortcuts do not widen the field: follow the longest path, all 3×3 convolutions. The stem and "
        "stage 1 (7 convolutions at stride 1) give 15; stage 2 starts with a stride-2 convolution.",
    ),
    Exercise(
        id="resnet.blocks_to_add",
        question="The construction argument turns ResNet-20 into ResNet-110 by appending identity blocks. How many "
        "blocks must be appended in all?",
        answer=_blocks_to_add,
        hint="Depth 6n + 2: find n for both networks; each of the three stages gets the difference.",
    ),
]
