"""Exercises of the VGG chapter: answers computed from the zoo's VGG networks and cnnviz.analysis."""

from __future__ import annotations

from torch import nn

from cnnviz.analysis import ops
from cnnviz.interact.exercises import REASONING, TASK, Exercise
from cnnviz.interact.exercises.zoo import meta


def _layer_index(name: str, config_net: str = "vgg16") -> int:
    """The index in ``features`` of VGG's conv<stage>_<i> (the paper's names), counted on the built network."""
    stage, conv = 1, 0
    for index, layer in enumerate(meta(config_net).features):
        if isinstance(layer, nn.MaxPool2d):
            stage, conv = stage + 1, 0
        elif isinstance(layer, nn.Conv2d):
            conv += 1
            if name == f"conv{stage}_{conv}":
                return index
    raise KeyError(f"vgg exercises: {config_net} has no layer {name!r}")


def _rf(layer: str) -> int:
    from cnnviz.analysis.receptive_field import receptive_field

    return receptive_field("vgg19").row(f"features.{_layer_index(layer, 'vgg19')}").rf


def _fc6_inputs(size: int) -> int:
    from cnnviz.interact.exercises.zoo import output_hw

    return output_hw(meta("vgg16").features, size) ** 2 * 512


def _stack_saving(channels: int, n: int) -> int:
    cost = ops.stack_vs_large(channels, 3, n)
    return cost.params_large - cost.params_stack


EXERCISES = [
    Exercise(
        id="vgg.rf_layer",
        question="VGG19 (config E) has four convolutions in each of stages 3, 4 and 5. What is the receptive field "
        "(in input pixels, one side) of a unit of VGG19's **{layer}**?",
        answer=_rf,
        params={"layer": "conv4_4"},
        variants=({"layer": "conv5_4"}, {"layer": "conv3_4"}),
        hint="Each 3×3 conv adds 2 × (current jump); each 2×2/2 pool adds 1 × jump and doubles the jump. "
        "The jump is 1 in stage 1, 2 in stage 2, 4 in stage 3, ...",
    ),
    Exercise(
        id="vgg.fc6_inputs",
        question="Keep VGG16's convolutional part and feed it a **{size}×{size}** image. How many inputs would "
        "fc6 need to take the flattened output of the last pool?",
        answer=_fc6_inputs,
        params={"size": 320},
        variants=({"size": 352}, {"size": 288}),
        hint="The 3×3 convolutions keep the size (padding 1); each of the five 2×2/2 pools halves it. "
        "Then H × W × 512.",
    ),
    Exercise(
        id="vgg.stack_saving",
        question="A stack of {n} 3×3 convolutions (stride 1) sees as much as one larger convolution. With "
        "C = {channels} channels in and out, how many weights does the stack **save** compared with that one "
        "large convolution (no biases)?",
        answer=_stack_saving,
        params={"channels": 128, "n": 2},
        variants=({"channels": 512, "n": 3}, {"channels": 64, "n": 4}),
        hint="n stacked 3×3 convolutions have a receptive field of 2n + 1; compare n · 9C² with (2n + 1)²C².",
    ),
    Exercise(
        id="vgg.why_3x3",
        kind=REASONING,
        question="VGG replaces large filters with stacks of 3×3 convolutions. Give the paper's two reasons why "
        "three stacked 3×3 layers are better than one 7×7 layer, with the parameter counts for C channels in "
        "and out. Is there a cost?",
        hint="Receptive field, non-linearities, and 27C² against 49C².",
        solution="Three stacked 3×3 convolutions (stride 1) have the receptive field of one 7×7. (1) They "
        "put **three ReLUs** instead of one between input and output, which makes the decision function more "
        "discriminative. (2) They have **fewer parameters**: 3·(3²C²) = 27C² against 7²C² = 49C², 45% fewer; "
        "the paper reads this as a regularisation of the 7×7 filters (forcing them to decompose through 3×3 "
        "ones). The cost: three layers' activations to store and three layers of depth to train, which made "
        "VGG slower and harder to train than its parameter count suggests (the paper initialised the deeper "
        "configurations from the trained shallower one).",
    ),
    Exercise(
        id="vgg.halve_params",
        kind=REASONING,
        question="Propose a change that cuts VGG16's parameters by more than half **without touching any "
        "convolution**, and say what it gives up. Use the chapter's ledger to justify it.",
        hint="Which single layer holds the most parameters?",
        solution="Replace the first fully-connected layer: fc6 connects 7·7·512 = 25,088 inputs to 4,096 "
        "units, about 103 million weights, roughly three quarters of VGG16's 138 million. Global average "
        "pooling of the last 7×7×512 maps followed by fc7/fc8 (or one linear layer of 512 × 1000) removes "
        "almost all of them, as Network in Network and GoogLeNet do. It gives up the spatial layout inside "
        "the 7×7 grid (fc6 can weigh each position differently; averaging cannot) and the pretrained fc6 "
        "weights; in exchange the network accepts any input size and overfits less. A grade-worthy answer "
        "names fc6, cites the ledger's share and states the trade-off.",
    ),
    Exercise(
        id="vgg.cifar_vgg16",
        kind=TASK,
        question="Change the network: write `build()` returning VGG16 for **CIFAR-10** (32×32 images, 10 classes): "
        "keep VGG16's 13 convolutions and 5 pools, and replace the three fully-connected layers by one linear "
        "layer from the flattened output of the last pool to 10 classes.",
        hint="`cnnviz.models.vgg.make_features(\"D\", 3)` builds the convolutional part. What size is the output "
        "of the last pool for a 32×32 input?",
        solution='''from torch import nn

from cnnviz.models.vgg import make_features


def build() -> nn.Module:
    # 32 -> five 2×2/2 pools -> 1×1×512
    return nn.Sequential(make_features("D", 3), nn.Flatten(), nn.Linear(512, 10))
''',
        input_size=(3, 32, 32),
    ),
]
