"""Exercises of the ZFNet chapter: answers computed from the zoo's ZFNet and AlexNet (meta device)."""

from __future__ import annotations

from torch import nn

from cnnviz.interact.exercises import REASONING, TASK, Exercise
from cnnviz.interact.exercises.zoo import meta, output_hw, until


def _conv1_size(size: int) -> int:
    return output_hw(meta("zfnet").features.conv1, size)


def _pool2_size(size: int) -> int:
    return output_hw(until(meta("zfnet").features, "pool2"), size)


def _pool2_size_floor(size: int) -> int:
    features = until(meta("zfnet").features, "pool2")
    for layer in features:
        if isinstance(layer, nn.MaxPool2d):
            layer.ceil_mode = False  # PyTorch's default rounding, instead of the paper's (Caffe's) ceil
    return output_hw(features, size)


EXERCISES = [
    Exercise(
        id="zfnet.conv1_size",
        unit="px",
        question="ZFNet's conv1 has 96 filters of 7×7 at stride 2 with padding 1. Feed it a **{size}×{size}** "
        "image: what is the height (= width) of its output?",
        answer=_conv1_size,
        params={"size": 256},
        variants=({"size": 200}, {"size": 240}),
        hint="A convolution rounds down: ⌊(W − F + 2P)/S⌋ + 1.",
    ),
    Exercise(
        id="zfnet.ceil_pool2",
        unit="px",
        question="ZFNet pools with **ceil mode** (Caffe's rounding): a 3×3 max pool at stride 2 turns W into "
        "⌈(W − 3)/2⌉ + 1, which is how the paper gets 110 → 55 and 26 → 13. Feed ZFNet a **{size}×{size}** "
        "image: what is the height of pool2's output?",
        answer=_pool2_size,
        params={"size": 256},
        variants=({"size": 240}, {"size": 200}),
        hint="Convolutions round down, the pools round up: conv1 ⌊(W − 7 + 2)/2⌋ + 1, pool1 ⌈(W − 3)/2⌉ + 1, "
        "conv2 (5×5/2, no padding) ⌊(W − 5)/2⌋ + 1, pool2 ⌈(W − 3)/2⌉ + 1.",
    ),
    Exercise(
        id="zfnet.floor_pool2",
        unit="px",
        question="Now build the same layers with PyTorch's default pooling (`ceil_mode=False`, rounding down). "
        "What height has pool2's output for a **{size}×{size}** image?",
        answer=_pool2_size_floor,
        params={"size": 224},
        variants=({"size": 256},),
        hint="The same chain as with ceil mode, but every pool now rounds down: ⌊(W − 3)/2⌋ + 1. A difference "
        "at pool1 also changes conv2's output.",
    ),
    Exercise(
        id="zfnet.why_smaller_first_layer",
        kind=REASONING,
        question="ZFNet changed AlexNet's first layer from 11×11 filters at stride 4 to 7×7 at stride 2. What did "
        "the paper's visualisations show was wrong with the old layer, why does the change help, and what "
        "does it cost?",
        hint="Look at what the paper says about the first- and second-layer features of AlexNet (its Fig. 6).",
        solution="The visualisations showed AlexNet's first-layer filters to be a mix of extremely high- and "
        "low-frequency filters with little in the mid frequencies (and some dead filters), and the "
        "second-layer features to show **aliasing** artefacts caused by the large stride of 4. A smaller "
        "filter (7×7) and stride (2) sample the image more densely, so the first two layers keep more "
        "information and learn cleaner, more distinctive features; the paper reports better accuracy.\n\n"
        "The cost: conv1's output is about twice as large in each direction (110×110 instead of 55×55), so "
        "conv1 computes and stores about four times as many values, and the following layers must shrink the "
        "maps (conv2 at stride 2) to reach the same 13×13 size at conv3.",
    ),
    Exercise(
        id="zfnet.ceil_mode",
        kind=REASONING,
        question="The zoo builds ZFNet's pools with `ceil_mode=True`. Explain what ceil mode does, why the zoo "
        "needs it to reproduce the paper's sizes (110 → 55, 26 → 13), and what would go wrong further on "
        "with PyTorch's default.",
        hint="Compare ⌈(110 − 3)/2⌉ + 1 with ⌊(110 − 3)/2⌋ + 1, then follow the smaller map to fc6.",
        solution="A pooling window that would run past the edge is dropped when the output size is rounded "
        "**down** (PyTorch's default) and kept, on the partial window, when it is rounded **up** (ceil mode, "
        "Caffe's rule, which the paper's network used). With a 3×3 window at stride 2, (110 − 3)/2 = 53.5: "
        "rounding up gives 55, rounding down 54; likewise 26 → 13 with ceil and 12 without. With floor "
        "rounding the maps stay smaller all the way to pool5, so pool5's output is no longer 6×6×256 and "
        "fc6, whose 9,216 inputs are fixed by the paper's sizes, no longer fits: the network fails on a "
        "shape mismatch (or, with a re-sized fc6, is a different network). Ceil mode reproduces the paper; "
        "a padding of 1 in the pools would be another, not equivalent, fix.",
    ),
    Exercise(
        id="zfnet.alexnet_first_layer",
        kind=TASK,
        question="Change the network: write `build()` returning ZFNet with **AlexNet's first layer** (96 "
        "filters of 11×11 at stride 4, no padding) and everything else as in ZFNet, so that it runs on a "
        "224×224 image. Which other layer has to change, and to what size?",
        hint="Follow the sizes with the rules of the exercises above (convolutions round down, ZFNet's pools "
        "round up) down to pool5; fc6 must take pool5's H·W·256 values.",
        solution='''from torch import nn

from cnnviz.models.zfnet import zfnet


def build() -> nn.Module:
    net = zfnet()
    net.features.conv1 = nn.Conv2d(3, 96, kernel_size=11, stride=4)
    # 224 -> conv1 54 -> pool1 27 -> conv2 12 -> pool2 6 -> conv3..5 6 -> pool5 3 (ceil mode)
    net.classifier.fc6 = nn.Linear(256 * 3 * 3, 4096)
    return net
''',
        input_size=(3, 224, 224),
    ),
]
