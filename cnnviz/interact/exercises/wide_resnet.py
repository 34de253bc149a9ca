"""Exercises of the Wide ResNet chapter: answers computed from the zoo's WRN-d-k and cnnviz.analysis."""

from __future__ import annotations

import torch

from cnnviz.analysis import ops
from cnnviz.interact.exercises import Exercise


def _params(depth: int, k: int) -> int:
    from cnnviz.models.wide_resnet import wide_resnet

    with torch.device("meta"):  # parameter counts only: no weights needed
        return sum(p.numel() for p in wide_resnet(depth, k).parameters())


def _conv3_first_block_macs() -> int:
    # WRN-28-10, the first block of group conv3: 160 -> 320 channels, stride 2, with its 1×1 projection
    return ops.basic_block_cost(32, 160, 320, stride=2).macs


def _k_to_match_resnet1202() -> int:
    from cnnviz.analysis.resolve import build

    budget = sum(p.numel() for p in build("resnet1202", meta=True).parameters())
    k = 1
    while _params(16, k) < budget:
        k += 1
    return k


def _sequential_layers_wrn34_2() -> int:
    from cnnviz.analysis.depth import weight_layer_depth
    from cnnviz.models.wide_resnet import wide_resnet

    with torch.device("meta"):
        return weight_layer_depth(wide_resnet(34, 2))


EXERCISES = [
    Exercise(
        id="wide_resnet.wrn22_8_params",
        question="How many parameters (convolutions, batch norms and the 10-way classifier) has WRN-22-8?",
        answer=lambda: _params(22, 8),
        hint="n = (22 − 4) / 6 = 3 blocks per group of widths 128, 256, 512. Each block: two 3×3 convolutions "
        "and two batch norms (2 parameters per channel of their input); the first block of each group also a "
        "1×1 shortcut. Add the 3×3 stem (3 → 16), the last batch norm and the classifier.",
    ),
    Exercise(
        id="wide_resnet.conv3_first_block_macs",
        question="How many multiply-adds (convolution weights only) does the first block of WRN-28-10's group "
        "conv3 need per image? It takes the 32×32×160 output of conv2 and halves the size (stride 2).",
        answer=_conv3_first_block_macs,
        hint="Three convolutions, all producing 16×16 maps: a 3×3 from 160 to 320 channels (stride 2), a 3×3 "
        "from 320 to 320, and the 1×1 shortcut projection from 160 to 320 (stride 2). Each costs "
        "H_out·W_out·k²·C_in·C_out.",
    ),
    Exercise(
        id="wide_resnet.k_to_match_resnet1202",
        question="What is the smallest width factor k for which WRN-16-k has at least as many parameters as the "
        "CIFAR ResNet-1202 (`models.get(\"resnet1202\")`)?",
        answer=_k_to_match_resnet1202,
        hint="Count ResNet-1202 with the ledger, then WRN-16-k for k = 1, 2, ...: the count grows about with k².",
    ),
    Exercise(
        id="wide_resnet.wrn34_2_layers",
        question="How many weight layers lie on the longest input-to-output path of WRN-34-2 (the COCO "
        "network of the paper, here its CIFAR form)?",
        answer=_sequential_layers_wrn34_2,
        hint="The paper's d counts every convolution, the three 1×1 shortcuts included. Which of them lie on "
        "the longest path, and what about the classifier?",
    ),
]
