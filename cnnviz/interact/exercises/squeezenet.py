"""Exercises of the SqueezeNet chapter: answers computed from the zoo's Fire module and SqueezeNets."""

from __future__ import annotations

import torch

from cnnviz.interact.exercises import REASONING, TASK, Exercise
from cnnviz.interact.exercises.zoo import meta, params


def _fire_params(fire: tuple[int, int, int, int]) -> int:
    from cnnviz.models.squeezenet import Fire

    with torch.device("meta"):
        return params(Fire(*fire))


def _params_for(classes: int) -> int:
    return params(meta("squeezenet1_0", num_classes=classes))


EXERCISES = [
    Exercise(
        id="squeezenet.fire_params",
        question="A Fire module gets a {fire[0]}-channel input, squeezes it with s1x1 = {fire[1]} filters and "
        "expands with e1x1 = {fire[2]} and e3x3 = {fire[3]} filters. How many parameters (weights and biases) "
        "has it?",
        answer=lambda fire: _fire_params(fire),
        params={"fire": (256, 32, 96, 160)},
        variants=({"fire": (384, 48, 128, 256)}, {"fire": (512, 64, 320, 192)}),
        hint="Three convolutions: the squeeze 1×1 on the input, the expand 1×1 and the expand 3×3 on the "
        "squeeze's s1x1 maps; one bias per filter.",
    ),
    Exercise(
        id="squeezenet.params_for_classes",
        question="How many parameters has SqueezeNet 1.0 built for **{classes}** classes "
        "(`models.get(\"squeezenet1_0\", num_classes={classes})`)?",
        answer=_params_for,
        params={"classes": 100},
        variants=({"classes": 200}, {"classes": 10}),
        hint="Only conv10 depends on the classes: a 1×1 convolution from 512 maps, 512 weights and one bias "
        "per class.",
    ),
    Exercise(
        id="squeezenet.three_strategies",
        kind=REASONING,
        question="The paper gives three design strategies for a small network. Name them, say which part of "
        "the Fire module or of the network carries each, and which two save parameters and which one aims "
        "at accuracy.",
        hint="1×1 instead of 3×3; fewer channels into the 3×3 filters; where the pools are.",
        solution="(1) **Replace 3×3 filters with 1×1 filters** (9× fewer parameters each): the expand layer "
        "is half 1×1 filters. (2) **Decrease the number of input channels to the 3×3 filters**: the squeeze "
        "layer (s1x1 smaller than e1x1 + e3x3) feeds the expand layer few channels. Both save parameters. "
        "(3) **Downsample late** so that convolutional layers have large activation maps: SqueezeNet puts "
        "its max pools after conv1, fire4 and fire8, so most Fire modules work on large maps; this aims at "
        "accuracy within the parameter budget (at a cost in computation).",
    ),
    Exercise(
        id="squeezenet.bypass",
        kind=REASONING,
        question="The paper adds a *simple bypass* (an identity shortcut) around fire3, fire5, fire7 and fire9 "
        "only. Why only those, what would a bypass around the others need, and why can a bypass help a "
        "network built from squeeze layers?",
        hint="Compare each Fire module's input and output channels; what passes through a squeeze layer?",
        solution="An identity shortcut adds the input to the output, so both must have the same number of "
        "channels: that holds for fire3, 5, 7 and 9 (same widths as the module before them), not for the "
        "modules that change the width. Those would need a *complex bypass* with a 1×1 convolution to match "
        "the channels, which adds parameters. A bypass helps because the squeeze layer is a bottleneck: "
        "all information must pass through s1x1 channels; the shortcut lets the input's information pass "
        "around it (and gives the gradient a short path, as in ResNet). The paper reports better accuracy "
        "with the simple bypass than with the complex one or none, at no added parameters.",
    ),
    Exercise(
        id="squeezenet.cifar",
        kind=TASK,
        question="Change the network: write `build()` returning SqueezeNet 1.1 for **CIFAR-10** (32×32 images, "
        "10 classes) whose conv1 (64 filters of 3×3) has **stride 1** and padding 1, so that small images "
        "are not shrunk at once.",
        hint="`squeezenet(version=\"1_1\", num_classes=10)` from `cnnviz.models.squeezenet`; conv1 is "
        "`net.features[0]`.",
        solution='''from torch import nn

from cnnviz.models.squeezenet import squeezenet


def build() -> nn.Module:
    net = squeezenet(version="1_1", num_classes=10)
    net.features[0] = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1)
    return net
''',
        input_size=(3, 32, 32),
    ),
]
