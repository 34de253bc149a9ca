"""Exercises of the Wide ResNet chapter: answers computed from the zoo's WRN-d-k and cnnviz.analysis."""

from __future__ import annotations

import torch

from cnnviz.analysis import ops
from cnnviz.interact.exercises import REASONING, TASK, Exercise


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
        id="wide_resnet.wrn_params",
        question="How many parameters (convolutions, batch norms and the 10-way classifier) has "
        "WRN-{depth}-{k}?",
        answer=_params,
        params={"depth": 22, "k": 8},
        variants=({"depth": 16, "k": 6}, {"depth": 34, "k": 3}),
        hint="n = (d − 4) / 6 blocks per group of widths 16k, 32k, 64k. Each block: two 3×3 convolutions "
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
    Exercise(
        id="wide_resnet.wide_vs_deep",
        kind=REASONING,
        question="WRN-28-10 has about 36 million parameters and beats the 1,001-layer pre-activation ResNet on "
        "CIFAR while training faster. Give two reasons why widening can be better than "
        "deepening at a similar parameter budget.",
        hint="Think of what a GPU does well, of the diminishing feature reuse in very deep residual networks, "
        "and of the number of sequential layers.",
        solution="(1) **Computation**: a wide layer is a few large matrix products that a GPU runs in parallel "
        "efficiently; a very deep thin network is many small sequential layers, so at equal parameters and "
        "even more FLOPs the wide network trains faster. (2) **Diminishing feature reuse**: in very deep "
        "residual networks many blocks contribute little (the gradient can go through the shortcuts, so a "
        "block may learn almost nothing); the paper argues that the power of residual networks is in the "
        "blocks, and making each block wider makes each one useful. (3) Fewer sequential layers also mean "
        "shorter paths for the signal. Widening has costs too: parameters grow with k², so wide networks "
        "need dropout between the convolutions (the paper's) or more data to avoid overfitting.",
    ),
    Exercise(
        id="wide_resnet.dropout_where",
        kind=REASONING,
        question="The paper puts dropout **between** the two convolutions of a wide block, not on the shortcut "
        "or after the addition. Why there, and why did earlier residual networks not need it?",
        hint="What grows when k grows, and what would dropout on the identity path do?",
        solution="Widening multiplies each block's parameters by about k², so wide blocks can overfit; dropout "
        "inside the residual branch regularises the block's own computation (the paper: after the first "
        "convolution's ReLU, before the second convolution). On the shortcut or after the addition it would "
        "also drop the **identity** signal, corrupting what later blocks and the gradient rely on. Thin, deep "
        "residual networks had few parameters per block and batch norm as the main regulariser; the paper "
        "reports that dropout in the wide block improves results consistently on CIFAR and SVHN.",
    ),
    Exercise(
        id="wide_resnet.wrn_16_4_c100",
        kind=TASK,
        question="Change the network: write `build()` returning WRN-16-4 for **CIFAR-100** with dropout 0.3 "
        "between the convolutions, using the zoo's `wide_resnet`.",
        hint="`wide_resnet(depth, k, dropout=..., num_classes=...)` from `cnnviz.models.wide_resnet`.",
        solution='''from torch import nn

from cnnviz.models.wide_resnet import wide_resnet


def build() -> nn.Module:
    return wide_resnet(16, 4, dropout=0.3, num_classes=100)
''',
        input_size=(3, 32, 32),
    ),
]
