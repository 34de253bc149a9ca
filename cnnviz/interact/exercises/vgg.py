"""Exercises of the VGG chapter: answers computed from the zoo's VGG networks and cnnviz.analysis."""

from __future__ import annotations

import torch
from torch import nn

from cnnviz.analysis import ops
from cnnviz.interact.exercises import Exercise


def _meta(name: str) -> nn.Module:
    """The registry network built on the meta device: shapes and parameter counts, no weights drawn."""
    from cnnviz import models

    with torch.device("meta"):
        return models.get(name)


def _params(name: str) -> int:
    return sum(p.numel() for p in _meta(name).parameters())


def _conv3_2_weights() -> int:
    # VGG16's features: conv1_1, conv1_2, pool, conv2_1, conv2_2, pool, conv3_1, conv3_2 (index 12 with ReLUs)
    conv = _meta("vgg16").features[12]
    assert isinstance(conv, nn.Conv2d) and conv.out_channels == 256
    return conv.weight.numel()


def _rf_conv3_3() -> int:
    from cnnviz.analysis.receptive_field import receptive_field

    return receptive_field("vgg16").row("features.14").rf


def _fc6_share() -> float:
    fc6 = _meta("vgg16").classifier[0]
    return round(100 * sum(p.numel() for p in fc6.parameters()) / _params("vgg16"), 1)


EXERCISES = [
    Exercise(
        id="vgg.conv3_2_weights",
        question=(
            "How many **weights** (not counting biases) has the second convolution of VGG16's third stage "
            "(conv3_2: 3×3 filters, 256 channels in and out)?"
        ),
        answer=_conv3_2_weights,
        hint="A 3×3 filter sees all input channels: (3 × 3 × C_in) weights per filter, times C_out filters.",
    ),
    Exercise(
        id="vgg.rf_conv3_3",
        question=(
            "What is the receptive field (in input pixels, one side) of a unit of conv3_3, the last "
            "convolution of VGG16's third stage?"
        ),
        answer=_rf_conv3_3,
        hint="Each 3×3 conv adds 2 × (current jump); each 2×2/2 pool adds 1 × jump and doubles the jump. "
        "After pool2 the jump is 4.",
    ),
    Exercise(
        id="vgg.two_3x3_saving",
        question=(
            "Two stacked 3×3 convolutions see as much as one 5×5. With C = 256 channels in and out, how many "
            "weights does the stack **save** compared with the 5×5 (no biases)?"
        ),
        answer=lambda: ops.stack_vs_large(256, 3, 2).params_large - ops.stack_vs_large(256, 3, 2).params_stack,
        hint="Compare 2 × 9C² with 25C².",
    ),
    Exercise(
        id="vgg.fc6_share",
        question=(
            "What percentage of all VGG16 parameters (weights and biases) sits in FC6, the first "
            "fully-connected layer? Answer to one decimal place."
        ),
        answer=_fc6_share,
        hint="FC6 maps 7 × 7 × 512 inputs to 4096 outputs, plus 4096 biases; divide by 138,357,544.",
        rel_tol=0.002,
    ),
    Exercise(
        id="vgg.vgg19_extra_params",
        question=(
            "VGG19 (config E) adds one 3×3 convolution to each of stages 3, 4 and 5 of VGG16 (config D). How "
            "many more parameters (weights **and** biases) does it have?"
        ),
        answer=lambda: _params("vgg19") - _params("vgg16"),
        hint="One 256→256 and two 512→512 3×3 convolutions, each with one bias per output channel.",
    ),
]
