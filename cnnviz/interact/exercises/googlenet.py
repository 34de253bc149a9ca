"""Exercises of the GoogLeNet chapter: answers computed from cnnviz.analysis.ops and the zoo's GoogLeNet."""

from __future__ import annotations

from torch import nn

from cnnviz.analysis import ops
from cnnviz.interact.exercises import REASONING, TASK, Exercise
from cnnviz.interact.exercises.zoo import meta, output_hw, params
from cnnviz.models.lecture import INCEPTION


def _naive_depth(in_channels: int) -> int:
    return ops.inception_naive_cost(**(INCEPTION.naive | {"in_channels": in_channels})).output_depth


def _reduced_5x5_macs(reduce: int) -> int:
    return ops.conv_cost(INCEPTION.in_hw, reduce, INCEPTION.c5x5, 5).macs


def _module_params(spec: tuple[int, ...]) -> int:
    import torch

    from cnnviz.models.googlenet import InceptionModule, InceptionSpec

    with torch.device("meta"):
        return params(InceptionModule(InceptionSpec(*spec)))


def _smallest_input() -> int:
    """The smallest square input on which the zoo's GoogLeNet runs: try sizes upwards on meta tensors."""
    trunk = _trunk(meta("googlenet").eval())
    size = 1
    while True:
        try:
            output_hw(trunk, size)
            return size
        except (RuntimeError, ValueError):
            size += 1


def _trunk(net: nn.Module) -> nn.Sequential:
    """GoogLeNet's layers up to inception5b, in the order its forward runs them."""
    names = [n for n, _ in net.named_children()]
    return nn.Sequential(*[getattr(net, n) for n in names[: names.index("inception5b") + 1]])


EXERCISES = [
    Exercise(
        id="googlenet.naive_depth",
        question=(
            f"A naive Inception module (1×1 conv {INCEPTION.c1x1}, 3×3 conv {INCEPTION.c3x3}, 5×5 conv "
            f"{INCEPTION.c5x5} and a 3×3 max pool, concatenated) gets a {INCEPTION.in_hw}×{INCEPTION.in_hw}×"
            "**{in_channels}** input. What is its output depth?"
        ),
        answer=_naive_depth,
        params={"in_channels": 480},
        variants=({"in_channels": 832}, {"in_channels": 320}),
        hint="The pooling branch passes every input channel through.",
    ),
    Exercise(
        id="googlenet.reduced_5x5_macs",
        question=(
            f"In the module with dimension reduction, the 5×5 convolution ({INCEPTION.c5x5} filters) runs on the "
            f"{INCEPTION.in_hw}×{INCEPTION.in_hw} output of its 1×1 reduction. Give that reduction **{{reduce}}** "
            "filters: how many multiply-adds does the 5×5 convolution need (no biases)?"
        ),
        answer=_reduced_5x5_macs,
        params={"reduce": 48},
        variants=({"reduce": 32}, {"reduce": 24}),
        hint="Output H × W × C_out, times 5 × 5 × C_in per output value.",
    ),
    Exercise(
        id="googlenet.module_params",
        question="Design your own Inception module (with dimension reduction, as in GoogLeNet) for a "
        "{spec[0]}-channel input: #1×1 {spec[1]}, #3×3 reduce {spec[2]}, #3×3 {spec[3]}, #5×5 reduce {spec[4]}, "
        "#5×5 {spec[5]}, pool proj {spec[6]}. How many parameters (weights **and** biases) has it?",
        answer=lambda spec: _module_params(spec),
        params={"spec": (320, 96, 64, 160, 24, 48, 64)},
        variants=({"spec": (640, 192, 128, 256, 32, 96, 96)}, {"spec": (256, 64, 48, 96, 8, 24, 32)}),
        hint="Six convolutions: three 1×1 on the module's input, the 3×3 and the 5×5 on their reductions, the "
        "pool projection on the input; each has one bias per filter.",
    ),
    Exercise(
        id="googlenet.smallest_input",
        unit="px",
        question="What is the **smallest** square input (in pixels, one side) on which the zoo's GoogLeNet runs "
        "up to inception5b? (The global average pool then works on whatever is left.)",
        answer=_smallest_input,
        hint="Walk backwards: each max pool (3×3/2, ceil mode) and the 7×7/2 stem need an input at least as "
        "large as their window; the Inception modules keep the size. Try it: `net(torch.empty(1, 3, s, s, "
        "device=\"meta\"))`.",
    ),
    Exercise(
        id="googlenet.why_1x1",
        kind=REASONING,
        question="Explain why the Inception module with dimension reduction puts 1×1 convolutions **before** the "
        "3×3 and 5×5 convolutions and **after** the pool. What would happen to the depth and the cost of a "
        "stack of naive modules?",
        hint="What is the output depth of a naive module compared with its input, and what does a 5×5 "
        "convolution cost on a deep input?",
        solution="A convolution's cost is H·W·k²·C_in·C_out: the 5×5 (and 3×3) branches are expensive "
        "because they read all input channels. A 1×1 convolution first **reduces** the depth (e.g. 192 → 16 "
        "before the 5×5), cutting that cost by the same factor, and adds a ReLU. The pooling branch keeps "
        "every input channel, so a naive module's output is deeper than its input (input depth + all filters); "
        "stacked, the depth and with it the cost of every later convolution grow module after module. The 1×1 "
        "**projection after the pool** fixes the pooled branch's depth, so the output depth is a design "
        "choice. Together these let GoogLeNet stack nine modules at a budget (the paper aimed at 1.5 billion "
        "multiply-adds at inference).",
    ),
    Exercise(
        id="googlenet.redesign_28",
        kind=REASONING,
        question="Redesign GoogLeNet for **28×28** grey-scale inputs (like Fashion-MNIST, 10 classes). Which "
        "layers do you change or remove, and why? Say what the network looks like before inception3a.",
        hint="How much does the stem (conv1 through maxpool2) shrink the image, and what is left for the "
        "Inception stages and their pools?",
        solution="The stem shrinks the input 8× (7×7/2 conv, two 3×3/2 pools) before inception3a, and "
        "maxpool3 and maxpool4 another 4×: 28×28 would reach inception5b at 1×1 or fail. Changes: (1) a "
        "1-channel input; (2) replace the stem by one or two 3×3 convolutions at stride 1 (64 → 192 "
        "channels), keeping 28×28 into inception3a (or one pool, 14×14); (3) keep the Inception stages and at "
        "most two of their pools, so inception5b works on about 7×7 or 3×3 maps; (4) keep the global "
        "average pool, which adapts to any size, and end with 1024 → 10. LRN can go (batch norm if anything). "
        "A good answer follows the map size through the network and justifies each removal by it.",
    ),
    Exercise(
        id="googlenet.cifar_stem",
        kind=TASK,
        question="Change the network: write `build()` returning GoogLeNet for **CIFAR-10** (32×32, 10 classes) "
        "whose stem — everything before inception3a — is **one** 3×3 convolution from 3 to 192 channels "
        "(padding 1) followed by a ReLU, so that inception3a sees 32×32×192 maps.",
        hint="Start from `googlenet(num_classes=10)`; replace `conv1` and make `maxpool1`, `lrn1`, `conv2`, "
        "`conv3`, `lrn2` and `maxpool2` do nothing (`nn.Identity()`).",
        solution='''from torch import nn

from cnnviz.models.googlenet import googlenet


def build() -> nn.Module:
    net = googlenet(num_classes=10)
    net.conv1 = nn.Sequential(nn.Conv2d(3, 192, kernel_size=3, padding=1), nn.ReLU())
    for name in ("maxpool1", "lrn1", "conv2", "conv3", "lrn2", "maxpool2"):
        setattr(net, name, nn.Identity())
    return net
''',
        input_size=(3, 32, 32),
    ),
]
