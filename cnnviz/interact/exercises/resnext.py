"""Exercises of the ResNeXt chapter: answers computed from the zoo's ResNeXt blocks and cnnviz.analysis."""

from __future__ import annotations

from cnnviz.analysis import ops
from cnnviz.interact.exercises import REASONING, TASK, Exercise


def _grouped_3x3_weights() -> int:
    # ResNeXt-50 (32×4d) conv3_x: the grouped 3×3 convolution has 256 channels in and out, 32 groups
    return ops.conv_cost(28, 256, 256, 3, groups=32).weights


def _matched_width_64() -> int:
    return ops.matched_cardinality_width(64)


def _resnext29_params(cardinality: int, width: int) -> int:
    import torch

    from cnnviz import models

    with torch.device("meta"):  # parameter counts only: no weights drawn
        net = models.get("resnext29_8x64d", cardinality=cardinality, bottleneck_width=width)
        return sum(p.numel() for p in net.parameters())


def _conv3_first_block_macs() -> int:
    # ResNeXt-50 (32×4d), first block of conv3_x: 56×56×256 in, width C·d = 256, stride 2 in the grouped 3×3,
    # 28×28×512 out, a strided 1×1 projection shortcut
    return ops.bottleneck_block_cost(56, 256, 256, stride=2, groups=32, out_channels=512).macs


# Table 4 of the paper: the conv2_x blocks (256-d in and out) of the wider ResNet-101 and of the two
# ResNeXt-101 that spend twice ResNet-101's complexity, as (C, d).
_TABLE4_BLOCKS = ((1, 100), (2, 64), (64, 4))


def _table4_blocks() -> str:
    """The model answer's table for ``cardinality_vs_width``: each Table 4 block's inner width, what one
    3×3 filter reads, its convolution weights and the 3×3's share of them, computed by ``ops``."""
    lines = ["| block | inner width C·d | one 3×3 filter reads | conv weights | in the 3×3 |", "|---|---:|---:|---:|---:|"]
    for C, d in _TABLE4_BLOCKS:
        cost = ops.bottleneck_block_cost(1, 256, C * d, groups=C, out_channels=256)
        middle = cost.layers[1].weights
        lines.append(f"| {C}×{d}d | {C * d} | {d} channels | {cost.params:,} | {middle / cost.params:.0%} |")
    return "\n".join(lines)


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
        "ResNeXt-29 with C = {cardinality} paths of width d = {width} ({cardinality}×{width}d)? The page "
        "measures the paper's two, 8×64d and 16×64d.",
        answer=_resnext29_params,
        params={"cardinality": 8, "width": 32},
        variants=({"cardinality": 4, "width": 48}, {"cardinality": 16, "width": 24}),
        rel_tol=0.001,
        hint="A 3×3 stem with 64 filters, then three stages of three bottleneck blocks on 32×32, 16×16 and 8×8 "
        "maps, with block widths C·d, 2·C·d and 4·C·d and outputs 256, 512 and 1024; batch norm after every "
        "convolution, no convolution biases; the first block of each stage has a 1×1 projection shortcut "
        "(with batch norm); the classifier maps 1024 features to 10 classes. The 3×3 convolution has C "
        "groups, so its weights grow as C·d², not as (C·d)². Try your count on 8×64d first: the page "
        "gives it. Within 0.1% counts.",
    ),
    Exercise(
        id="resnext.cardinality_vs_width",
        kind=REASONING,
        question="Table 4 of the paper (on this page) spends twice ResNet-101's complexity three ways, and "
        "the networks with more paths end with the lowest errors. Take the conv2_x blocks (256-d in and out) "
        "of three of them: the wider ResNet's 1×100d and ResNeXt's 2×64d and 64×4d. For each, work out the "
        "inner width C·d, how many channels one 3×3 filter reads, and the share of the block's convolution "
        "weights in its 3×3. Which of these changes go with the lower error? Does Table 4 show that they "
        "are its *cause*?",
        hint="A grouped 3×3 filter reads its own group of d channels. A block of C paths of width d has "
        "C·(256·d + 9·d² + d·256) convolution weights, 9·C·d² of them in the 3×3.",
        solution="The three blocks cost about the same:\n\n" + _table4_blocks() + "\n\n"
        "From one wide path to many narrow ones, the inner width grows, each 3×3 filter reads fewer "
        "channels, and the budget moves out of the 3×3 into the 1×1 convolutions; the errors of Table 4 "
        "fall in the same order. **What Table 4 shows** (ImageNet-1K validation, one crop): at equal cost, "
        "spending the extra budget on paths gave a lower error than spending it on width or depth. **What it "
        "does not show** is which change causes the gain, since they all change together. The authors' "
        "explanation, that each path is a small network so that C counts complex transformations where "
        "width counts simple ones (their \"Network-in-Neuron\"), is **their hypothesis**; that the gain is "
        "not regularisation they argue from the training error, lower too (Fig. 5). Telling the causes "
        "apart takes networks that change one thing at a time, trained on ImageNet: not testable on this "
        "page.",
    ),
    Exercise(
        id="resnext.three_forms",
        kind=REASONING,
        question="The page shows why the three forms of a ResNeXt block (its Fig. 3 a, b, c) compute one "
        "function. Apply the same argument to a block whose paths have **two** layers: each path is a 3×3 "
        "convolution from 64 channels to d, batch norm and ReLU, then a 3×3 convolution from d back to 64; "
        "the C paths are summed (batch norm after the sum) and added to the input, like ResNet's basic block "
        "split into paths. Which single block is this, and what does it tell you about when cardinality is "
        "more than width?",
        hint="Which layers read the same input? Which outputs are summed? Does the argument for form (b) "
        "depend on the kernel size?",
        solution="The first layers of all paths read the same input, so they stack into **one 3×3 "
        "convolution from 64 to C·d channels** (batch norm and ReLU act channel by channel, so they stack "
        "too). The second layers' outputs are summed, and a sum of convolutions over disjoint groups of "
        "channels is one convolution over their concatenation, whatever the kernel size (the argument of "
        "form b): **one 3×3 convolution from C·d to 64**. So the block is a plain basic block of width C·d: "
        "dense, no groups left, and C is just width. Cardinality differs from width only when a layer sits "
        "between the one that splits and the one that merges and reads its own path alone: blocks of three "
        "or more layers, like the bottleneck, whose middle 3×3 becomes a grouped convolution. (The paper "
        "draws this case in its Fig. 4: aggregating transformations of depth 2 gives a block that is "
        "trivially wider.)",
    ),
    Exercise(
        id="resnext.resnext29_c100",
        kind=TASK,
        question="Change the network: write `build()` returning the paper's CIFAR ResNeXt-29 (16×64d: C = 16 "
        "paths of width d = 64) for **CIFAR-100** instead of CIFAR-10, using the zoo's `cifar_resnext`.",
        hint="`cifar_resnext(depth, cardinality, bottleneck_width, num_classes=...)` from `cnnviz.models.resnext`.",
        solution='''from torch import nn

from cnnviz.models.resnext import cifar_resnext


def build() -> nn.Module:
    return cifar_resnext(29, cardinality=16, bottleneck_width=64, num_classes=100)
''',
        input_size=(3, 32, 32),
    ),
]
