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


def _paper_names(config_net: str) -> dict[int, str]:
    """The index in ``features`` of every convolution and max pool -> its paper name (conv3_2, pool3)."""
    names, stage, conv = {}, 1, 0
    for index, layer in enumerate(meta(config_net).features):
        if isinstance(layer, nn.MaxPool2d):
            names[index] = f"pool{stage}"
            stage, conv = stage + 1, 0
        elif isinstance(layer, nn.Conv2d):
            conv += 1
            names[index] = f"conv{stage}_{conv}"
    return names


def _rf_working(layer: str) -> str:
    """The recurrence r ← r + (k − 1)·j, j ← j·s, layer by layer up to ``layer``, checked against the
    receptive field cnnviz computes for every step."""
    from cnnviz.analysis.receptive_field import receptive_field

    net, report = meta("vgg19"), receptive_field("vgg19")
    names = _paper_names("vgg19")
    r, j, lines = 1, 1, []
    for index, name in names.items():
        module = net.features[index]
        k = module.kernel_size if isinstance(module.kernel_size, int) else module.kernel_size[0]
        s = module.stride if isinstance(module.stride, int) else module.stride[0]
        before, r, j = r, r + (k - 1) * j, j * s
        assert report.row(f"features.{index}").rf == r, "the working's recurrence is cnnviz's receptive field"
        jump = f"; the jump becomes {j}" if s > 1 else ""
        lines.append(f"- {name} ({k}×{k}, stride {s}): {before} + {k - 1}·{j // s} = {r}{jump}")
        if name == layer:
            break
    return ("Start at 1 pixel with a jump of 1. Each layer adds (kernel − 1) × the jump of its input; a "
            "stride-2 pool doubles the jump:\n\n" + "\n".join(lines) + f"\n\nSo {layer} sees **{r}** pixels.")  # fmt: skip


def _fc6_inputs(size: int) -> int:
    from cnnviz.interact.exercises.zoo import output_hw

    return output_hw(meta("vgg16").features, size) ** 2 * 512


def _fc6_working(size: int) -> str:
    from cnnviz.interact.exercises.zoo import output_hw, until

    features = meta("vgg16").features
    pools = [str(i) for i, m in enumerate(features) if isinstance(m, nn.MaxPool2d)]
    sides = [size] + [output_hw(until(features, p), size) for p in pools]
    channels = [m for m in features if isinstance(m, nn.Conv2d)][-1].out_channels
    answer = sides[-1] ** 2 * channels
    assert answer == _fc6_inputs(size), "the working ends at the answer"
    chain = " → ".join(map(str, sides))
    return (f"The 3×3 convolutions (padding 1) keep the side; each of the {len(pools)} max pools (2×2, stride 2) "
            f"halves it: {chain}. The last pool outputs {sides[-1]}×{sides[-1]}×{channels}, so fc6 needs "
            f"{sides[-1]}·{sides[-1]}·{channels} = **{answer:,}** inputs.")  # fmt: skip


def _stack_saving(channels: int, n: int) -> int:
    cost = ops.stack_vs_large(channels, 3, n)
    return cost.params_large - cost.params_stack


def _stack_saving_working(channels: int, n: int) -> str:
    s = ops.stack_vs_large(channels, 3, n)
    saved = s.params_large - s.params_stack
    k, c2 = s.k_large, channels * channels
    assert (k * k - 9 * n) * c2 == saved, "the working's coefficients give the answer"
    return (f"{n} stacked 3×3 convolutions see 2·{n} + 1 = {k} pixels, like one {k}×{k}. With C = {channels}, "
            f"C² = {c2:,}:\n\n- one {k}×{k}: {k * k}·C² = {s.params_large:,} weights\n"
            f"- the stack: {n}·9·C² = {9 * n}·C² = {s.params_stack:,} weights\n\n"
            f"Saved: ({k * k} − {9 * n})·C² = {k * k - 9 * n}·{c2:,} = **{saved:,}**.")  # fmt: skip


_SEVEN = ops.stack_vs_large(1, 3, 3)  # three 3×3 against one 7×7, per C²


EXERCISES = [
    Exercise(
        id="vgg.rf_layer",
        question="VGG19 (config E) has four convolutions in each of stages 3, 4 and 5. What is the receptive field "
        "(in input pixels, one side) of a unit of VGG19's **{layer}**?",
        answer=_rf,
        params={"layer": "conv4_4"},
        variants=({"layer": "conv5_4"}, {"layer": "conv3_4"}),
        working=_rf_working,
        hint="Each 3×3 conv adds 2 × (current jump); each 2×2/2 pool adds 1 × jump and doubles the jump. "
        "The jump is 1 in stage 1, 2 in stage 2, 4 in stage 3, ... The page's table gives VGG16's layers; VGG19 "
        "has one more convolution in each of stages 3, 4 and 5.",
    ),
    Exercise(
        id="vgg.fc6_inputs",
        question="Keep VGG16's convolutional part as the paper has it (13 convolutions and 5 max pools; leave out "
        "the adaptive average pool that the book's VGG, like torchvision's, puts before the classifier) and feed it "
        "a **{size}×{size}** image. How many inputs would fc6 need to take the flattened output of the last pool?",
        answer=_fc6_inputs,
        working=_fc6_working,
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
        working=_stack_saving_working,
        # channel counts off the explorer's slider (16 to 512 in steps of 16), which prints both terms
        params={"channels": 100, "n": 2},
        variants=({"channels": 200, "n": 3}, {"channels": 72, "n": 4}),
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
        f"discriminative. (2) They have **fewer parameters**: 3·(3²C²) = {_SEVEN.params_stack}C² against "
        f"7²C² = {_SEVEN.params_large}C², so the 7×7 layer needs "
        f"{_SEVEN.params_large / _SEVEN.params_stack - 1:.0%} more; the paper reads this as a regularisation "
        "of the 7×7 filters, forcing them to decompose through 3×3 ones. The cost is depth: a 3×3 layer widens "
        "the receptive field by only 2 × the jump, so a network of them must be deep to see a whole object "
        "(VGG16 stacks 13 of them), with more layers whose activations are stored for the backward pass "
        "and that run one after another; the paper trained its deeper configurations starting from layers of "
        "the trained 11-layer net A.",
    ),
    Exercise(
        id="vgg.halve_params",
        kind=REASONING,
        question="Propose a change that cuts VGG16's parameters by more than half **without touching any "
        "convolution**, and say what it gives up. Use the page's VGG16 layer table to justify it.",
        hint="Which single layer holds the most parameters?",
        solution="Replace the first fully-connected layer: fc6 connects 7·7·512 = 25,088 inputs to 4,096 "
        "units, 25,088·4,096 = 102,760,448 weights, about three quarters of VGG16's parameters (the share the "
        "page's layer table gives). Global average "
        "pooling of the last 7×7×512 maps leaves 512 values, too few for fc7 as it is (it takes 4,096): "
        "follow it with one linear layer of 512 × 1000, or with a new fc6 of 512 × 4,096 before fc7 and fc8. "
        "Either removes almost all of fc6's weights, as Network in Network and GoogLeNet do. It gives up the "
        "spatial layout inside the 7×7 grid (fc6 can weigh each position differently; averaging cannot) and "
        "the pretrained fc6 weights; in exchange the network has far fewer weights to fit. (Accepting other "
        "input sizes is not a gain here: the adaptive pool before the book's classifier already allows it.)",
    ),
    Exercise(
        id="vgg.cifar_vgg16",
        kind=TASK,
        question="Change the network: write `build()` returning VGG16 for **CIFAR-10** (32×32 images, 10 classes): "
        "keep VGG16's 13 convolutions and 5 pools, and replace the three fully-connected layers by one linear "
        "layer from the flattened output of the last pool to 10 classes.",
        hint='`cnnviz.models.vgg.make_features("D", 3)` builds the convolutional part. What size is the output '
        "of the last pool for a 32×32 input?",
        solution="""from torch import nn

from cnnviz.models.vgg import make_features


def build() -> nn.Module:
    # 32 -> five 2×2/2 pools -> 1×1×512
    return nn.Sequential(make_features("D", 3), nn.Flatten(), nn.Linear(512, 10))
""",
        input_size=(3, 32, 32),
    ),
]
