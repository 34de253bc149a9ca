"""Exercises of the ResNeXt chapter: answers computed from the zoo's ResNeXt blocks and cnnviz.analysis."""

from __future__ import annotations

from cnnviz.analysis import ops
from cnnviz.interact.exercises import REASONING, TASK, Exercise


def _grouped_3x3_weights() -> int:
    # ResNeXt-50 (32×4d) conv3_x: the grouped 3×3 convolution has 256 channels in and out, 32 groups
    return ops.conv_cost(28, 256, 256, 3, groups=32).weights


def _matched_width_64() -> int:
    return ops.matched_cardinality_width(64)


def _resnext29_params(cardinality: int) -> int:
    import torch

    from cnnviz import models

    with torch.device("meta"):  # parameter counts only: no weights drawn
        return sum(p.numel() for p in models.get("resnext29_8x64d", cardinality=cardinality).parameters())


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
        "ResNeXt-29 with C = {cardinality} paths of width d = 64 ({cardinality}×64d; the paper's are 8×64d "
        "and 16×64d)?",
        answer=_resnext29_params,
        params={"cardinality": 4},
        variants=({"cardinality": 2}, {"cardinality": 12}),
        rel_tol=0.001,
        hint="Three stages of three blocks with widths 256, 512 and 1024 (C·d doubled per stage) and outputs "
        "256, 512 and 1024; the first block of each stage has a 1×1 projection shortcut. Within 0.1% counts.",
    ),
    Exercise(
        id="resnext.cardinality_vs_width",
        kind=REASONING,
        question="ResNeXt's Table 3 compares networks of the same budget: more paths (C) of smaller width (d), "
        "against ResNet-50. What did the paper find, and why can more paths help at the same number of "
        "parameters and multiply-adds?",
        hint="Aggregated transformations: each path is a low-dimensional embedding; the split-transform-merge "
        "of Inception, with one topology repeated.",
        solution="At equal complexity, increasing the cardinality C (32×4d) gave lower error than ResNet-50's "
        "one wide path (1×64d), and increasing C was more effective than going deeper or wider at the same "
        "added cost (ResNeXt-101 32×4d beats ResNet-200 at about half its cost in the paper). Reasoning: the "
        "block splits its input into C low-dimensional embeddings, transforms each and sums them "
        "(split-transform-merge, as in Inception but with one repeated topology, so there are no per-branch "
        "hyper-parameters). Grouped convolutions keep the cost of each path small (the 3×3 has 1/C of a dense "
        "layer's weights), so at the same budget the paths can be wider in total; the sum of many "
        "transformations is a richer function than one transformation of the same size.",
    ),
    Exercise(
        id="resnext.three_forms",
        kind=REASONING,
        question="The paper shows three equivalent forms of the ResNeXt block (its Fig. 3 a, b, c). Explain why "
        "they compute the same function and which one you would implement, and why.",
        hint="Sum of per-path 1×1 outputs versus concatenation then one 1×1; C separate 3×3 convolutions "
        "versus one grouped convolution.",
        solution="(a) C paths, each 1×1 → 3×3 → 1×1, **summed**. (b) The paths' last 1×1 convolutions "
        "followed by a sum equal one 1×1 convolution over the **concatenation** of the paths' 3×3 outputs "
        "(a sum of linear maps of disjoint inputs is one linear map of the concatenated input). (c) The C "
        "first 1×1 convolutions are one 1×1 convolution to C·d channels, and the C separate 3×3 "
        "convolutions on disjoint channel groups are one **grouped** convolution with C groups. Form (c) is "
        "what one implements: three ordinary layers, fast on GPUs, and the same number of parameters and "
        "multiply-adds; (a) is useful to explain the idea and to test equivalence.",
    ),
    Exercise(
        id="resnext.resnext29_c100",
        kind=TASK,
        question="Change the network: write `build()` returning a CIFAR ResNeXt-29 for **CIFAR-100** with "
        "C = 16 paths of width d = 32 (16×32d), using the zoo's `cifar_resnext`.",
        hint="`cifar_resnext(depth, cardinality, bottleneck_width, num_classes=...)` from `cnnviz.models.resnext`.",
        solution='''from torch import nn

from cnnviz.models.resnext import cifar_resnext


def build() -> nn.Module:
    return cifar_resnext(29, cardinality=16, bottleneck_width=32, num_classes=100)
''',
        input_size=(3, 32, 32),
    ),
]
