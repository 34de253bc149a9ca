"""Exercises of the ResNeXt chapter: answers computed from the zoo's ResNeXt blocks and cnnviz.analysis."""

from __future__ import annotations

from cnnviz.analysis import ops
from cnnviz.interact.exercises import REASONING, TASK, Exercise

# ResNeXt-50 (32×4d) conv3_x: the grouped 3×3 convolution has 256 channels in and out, 32 groups
_CONV3_GROUPED = {"in_hw": 28, "in_channels": 256, "out_channels": 256, "kernel": 3, "groups": 32}


def _grouped_3x3_weights() -> int:
    return ops.conv_cost(**_CONV3_GROUPED).weights


def _grouped_3x3_working() -> str:
    conv = ops.conv_cost(**_CONV3_GROUPED)
    g, (kh, kw) = conv.groups, conv.kernel
    cin, cout = conv.in_channels // g, conv.out_channels // g
    assert g * kh * kw * cin * cout == conv.weights, "the working multiplies out to the answer"
    return (f"{g} groups, each a {kh}×{kw} convolution from {conv.in_channels}/{g} = {cin} channels to "
            f"{cout}: {g} · {kh}·{kw} · {cin} · {cout} = **{conv.weights:,}** weights (a dense {kh}×{kw} "
            f"convolution would have {g} times as many).")  # fmt: skip


def _matched_width_64() -> int:
    return ops.matched_cardinality_width(64)


def _matched_width_working(cardinality: int = 64, channels: int = 256, resnet_width: int = 64) -> str:
    budget = ops.bottleneck_block_cost(1, channels, resnet_width, out_channels=channels).params
    d = ops.matched_cardinality_width(cardinality, channels, resnet_width)
    lines = [f"The budget is the ResNet-50 bottleneck's {budget:,} convolution weights. With C = {cardinality}:", ""]
    for w in range(max(1, d - 1), d + 2):
        weights = ops.bottleneck_block_cost(1, channels, cardinality * w, groups=cardinality,
                                            out_channels=channels).params  # fmt: skip
        assert weights == cardinality * (2 * channels * w + 9 * w * w), "the working's formula is the block's"
        off = weights - budget
        lines.append(f"- d = {w}: {cardinality} · ({channels}·{w} + 9·{w}² + {w}·{channels}) = {weights:,}, "
                     f"{abs(off):,} {'over' if off > 0 else 'under'} the budget")  # fmt: skip
    lines += ["", f"The nearest is **d = {d}**."]
    return "\n".join(lines)


def _resnext29(cardinality: int, width: int):
    import torch

    from cnnviz import models

    with torch.device("meta"):  # parameter counts only: no weights drawn
        return models.get("resnext29_8x64d", cardinality=cardinality, bottleneck_width=width)


def _resnext29_params(cardinality: int, width: int) -> int:
    return sum(p.numel() for p in _resnext29(cardinality, width).parameters())


def _split(module) -> tuple[int, int]:
    """A module's parameters as (convolution and classifier weights and biases, batch-norm scales and shifts)."""
    from torch import nn

    norm = sum(p.numel() for m in module.modules() if isinstance(m, nn.BatchNorm2d) for p in m.parameters())
    return sum(p.numel() for p in module.parameters()) - norm, norm


def _resnext29_working(cardinality: int, width: int) -> str:
    """A per-stage breakdown of the network's parameters, each block split into convolutions and batch norm."""
    from torch import nn

    net = _resnext29(cardinality, width)
    lines, total = [], 0

    def block_text(block) -> str:
        conv, norm = _split(block)
        return f"{conv + norm:,} ({conv:,} in convolutions + {norm:,} in batch norm)"

    stem_total = sum(sum(_split(m)) for m in (net.conv1, net.bn1))
    (k, _), out = net.conv1.kernel_size, net.conv1.out_channels
    lines.append(f"- stem ({k}×{k} convolution to {out} channels, batch norm): {stem_total:,}")
    total += stem_total
    for name, stage in net.named_children():
        if not isinstance(stage, nn.Sequential):
            continue
        first, *rest = list(stage)
        stage_total = sum(sum(_split(b)) for b in stage)
        assert all(_split(b) == _split(rest[0]) for b in rest), "the text gives one count for the later blocks"
        lines.append(f"- {name}: first block, with its projection shortcut, {block_text(first)}"
                     + (f"; {len(rest)} × {block_text(rest[0])}" if rest else "") + f" = {stage_total:,}")  # fmt: skip
        total += stage_total
    fc = net.fc
    lines.append(f"- classifier: {fc.in_features:,} · {fc.out_features} weights + {fc.out_features} biases = "
                 f"{fc.weight.numel() + fc.bias.numel():,}")  # fmt: skip
    total += fc.weight.numel() + fc.bias.numel()
    assert total == _resnext29_params(cardinality, width), "the breakdown covers every parameter"
    return "\n".join(lines) + f"\n\nIn all: **{total:,}**."


def _conv3_first_block() -> ops.BlockCost:
    # ResNeXt-50 (32×4d), first block of conv3_x: 56×56×256 in, width C·d = 256, stride 2 in the grouped 3×3,
    # 28×28×512 out, a strided 1×1 projection shortcut
    return ops.bottleneck_block_cost(56, 256, 256, stride=2, groups=32, out_channels=512)


def _conv3_first_block_macs() -> int:
    return _conv3_first_block().macs


def _conv_line(name: str, conv: ops.ConvCost) -> tuple[str, int]:
    """One convolution's multiply-adds as output pixels times weights: the line of a working."""
    (oh, ow), (kh, kw), g = conv.out_hw, conv.kernel, conv.groups
    per_pixel = f"{kh}·{kw} · {conv.in_channels // g} · {conv.out_channels}" if g > 1 or kh > 1 else \
        f"{conv.in_channels} · {conv.out_channels}"  # fmt: skip
    grouped = f" in {g} groups" if g > 1 else ""
    assert oh * ow * conv.weights == conv.macs, "output pixels times weights is the convolution's MACs"
    return (f"- {name} ({kh}×{kw}, {conv.in_channels} → {conv.out_channels}{grouped}, stride {conv.stride}, "
            f"output {oh}×{ow}): {oh}·{ow} · {per_pixel} = {conv.macs:,}", conv.macs)  # fmt: skip


def _conv3_first_block_working() -> str:
    block = _conv3_first_block()
    names = ("reduction", "grouped convolution", "expansion")
    parts = [_conv_line(n, c) for n, c in zip(names, block.layers, strict=True)]
    if block.shortcut is not None:
        parts.append(_conv_line("projection shortcut", block.shortcut))
    assert sum(m for _, m in parts) == block.macs, "the working adds up to the answer"
    total = " + ".join(f"{m:,}" for _, m in parts)
    return ("Each convolution costs its output pixels times its weights:\n\n" + "\n".join(t for t, _ in parts)
            + f"\n\nIn all: {total} = **{block.macs:,}**.")  # fmt: skip


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
        working=_grouped_3x3_working,
        hint="Each of the 32 groups is a 3×3 convolution from 256/32 channels to 256/32 channels.",
    ),
    Exercise(
        id="resnext.matched_width_64",
        question="Table 2 of the paper stops at C = 32. Which path width d keeps a block with C = 64 paths "
        "(256-d in and out) closest to the 69,632 convolution weights of the ResNet-50 bottleneck?",
        answer=_matched_width_64,
        working=_matched_width_working,
        hint="One path has 256·d + 9·d² + d·256 weights; solve 64·(512·d + 9·d²) ≈ 69,632 and round to the "
        "nearer whole d.",
    ),
    Exercise(
        id="resnext.conv3_first_block_macs",
        question="How many multiply-adds (convolution weights only, shortcut included) does the first block of "
        "ResNeXt-50 (32×4d)'s conv3_x need per image? It takes the 56×56×256 output of conv2_x to 28×28×512, "
        "with the stride in the grouped 3×3 and a 1×1 projection shortcut of stride 2.",
        answer=_conv3_first_block_macs,
        working=_conv3_first_block_working,
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
        working=_resnext29_working,
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
