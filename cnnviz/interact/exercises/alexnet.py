"""Exercises of the AlexNet chapter: answers computed from the zoo's AlexNet (built on the meta device)."""

from __future__ import annotations

from cnnviz.interact.exercises import REASONING, TASK, Exercise
from cnnviz.interact.exercises.zoo import meta, output_hw, params, until


def _grouped_weights(layer: str, towers: int) -> int:
    return getattr(meta("alexnet", towers=towers).features, layer).weight.numel()


def _pool5_size(size: int) -> int:
    return output_hw(until(meta("alexnet").features, "pool5"), size)


def _params_for(classes: int) -> int:
    return params(meta("alexnet", num_classes=classes))


EXERCISES = [
    Exercise(
        id="alexnet.grouped_weights",
        question=(
            "AlexNet splits conv2, conv4 and conv5 over two towers (two GPUs): each tower's filters see only the "
            "maps of their own tower. Split it over **{towers} towers** instead (`alexnet(towers={towers})`): how "
            "many **weights** (not counting biases) has `{layer}`? Take the filter size and counts from the "
            "chapter's table."
        ),
        answer=_grouped_weights,
        params={"layer": "conv4", "towers": 4},
        variants=({"layer": "conv5", "towers": 8}, {"layer": "conv2", "towers": 4}),
        hint="One filter has k × k × (maps it sees) weights; with g towers (groups) a filter sees 1/g of the "
        "input maps.",
    ),
    Exercise(
        id="alexnet.pool5_size",
        unit="px",
        question=(
            "Feed AlexNet a {size}×{size} image instead of 227×227. What is the height (= width) of pool5's output, "
            "the maps fc6 would flatten?"
        ),
        answer=_pool5_size,
        params={"size": 259},
        variants=({"size": 323}, {"size": 195}),
        hint="Apply ⌊(W − F + 2P)/S⌋ + 1 layer by layer: conv1 11×11/4, pool 3×3/2, conv2 pads 2, pool, "
        "conv3–conv5 keep the size (3×3, pad 1), pool5.",
    ),
    Exercise(
        id="alexnet.params_for_classes",
        question="How many parameters (weights and biases) has AlexNet built for **{classes}** classes "
        "(`models.get(\"alexnet\", num_classes={classes})`)?",
        answer=_params_for,
        params={"classes": 100},
        variants=({"classes": 200}, {"classes": 10}),
        hint="Only fc8 depends on the classes: 4096 weights and one bias per class. Start from the chapter's total.",
    ),
    Exercise(
        id="alexnet.why_groups",
        kind=REASONING,
        question="The two-tower split was forced by 3 GB GPUs; today one GPU holds the dense network. Give one "
        "argument **for** keeping grouped convolutions (groups = 2) in conv2, conv4 and conv5 and one **against**, "
        "in terms of parameters, multiply-adds and what a filter can see.",
        hint="Compare a grouped and a dense convolution of the same size: weights, cost, and which input maps "
        "reach one filter.",
        solution="**For:** a grouped convolution with 2 groups has half the weights and half the multiply-adds of "
        "the dense one (each filter sees half the input maps), so the split network is cheaper and has fewer "
        "parameters to overfit with. The paper also saw the towers specialise (one tower's conv1 filters "
        "largely colour-agnostic, the other's colour-specific), a cheap form of structure.\n\n"
        "**Against:** a filter of conv2, conv4 or conv5 never sees the other tower's maps; information crosses "
        "between towers only at conv3 and in the fully-connected layers. A dense layer can combine any maps, "
        "so at equal width it is at least as expressive; the split also makes the network awkward to implement "
        "on one device, which is why torchvision's single-tower AlexNet dropped it.",
    ),
    Exercise(
        id="alexnet.memory_vs_params",
        kind=REASONING,
        question="Where does AlexNet hold most of its **activations**, and where most of its **parameters**? "
        "Explain both from the layer shapes, and say which part you would change first to fit the network "
        "on a small device, and how.",
        hint="Activations scale with H × W × C of each layer's output; parameters with the weights of each layer.",
        solution="Activations are largest in the first layers: conv1 produces 55×55×96 values per image (and "
        "the pooled, normalised copies of it), while the last convolutions work on 13×13 maps. Parameters sit "
        "in the fully-connected layers: fc6 alone connects 6·6·256 = 9,216 inputs to 4,096 units (about 38 "
        "million weights, the majority of the network), fc7 another 4096². To fit a small device, shrink the "
        "classifier first, e.g. replace fc6–fc8 with global average pooling and one small linear layer (as "
        "Network in Network and GoogLeNet do): that removes most parameters while keeping the convolutions "
        "that do the seeing. Activation memory is a training-time (batch) concern and is reduced by earlier "
        "downsampling, at a cost in accuracy.",
    ),
    Exercise(
        id="alexnet.narrow_classifier",
        kind=TASK,
        question="Change the network: write `build()` returning a **single-tower** (dense) AlexNet for **100** "
        "classes whose fc6 and fc7 have **2048** units instead of 4096. Keep the convolutions as they are.",
        hint="`alexnet(num_classes=100, towers=1)` gives the dense network; replace `net.classifier.fc6`, `fc7` "
        "and `fc8` with `nn.Linear` layers of the new sizes (fc6's input is pool5's 6·6·256 values).",
        solution='''from torch import nn

from cnnviz.models.alexnet import alexnet


def build() -> nn.Module:
    net = alexnet(num_classes=100, towers=1)
    net.classifier.fc6 = nn.Linear(256 * 6 * 6, 2048)
    net.classifier.fc7 = nn.Linear(2048, 2048)
    net.classifier.fc8 = nn.Linear(2048, 100)
    return net
''',
        input_size=(3, 227, 227),
    ),
]
