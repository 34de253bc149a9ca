"""Exercises of the GoogLeNet chapter: answers computed from cnnviz.analysis.ops and the zoo's GoogLeNet."""

from __future__ import annotations

from torch import nn

from cnnviz.analysis import ops
from cnnviz.interact.exercises import REASONING, TASK, Exercise
from cnnviz.interact.exercises.zoo import meta, output_hw, params
from cnnviz.models.lecture import INCEPTION

# inception4a of Table 1 (14×14 maps): its 5×5 branch, whose reduction the exercise changes
_4A = "4a"
_4A_HW = 14


def _naive_depth(in_channels: int) -> int:
    return ops.inception_naive_cost(**(INCEPTION.naive | {"in_channels": in_channels})).output_depth


def _naive_depth_working(in_channels: int) -> str:
    cost = ops.inception_naive_cost(**(INCEPTION.naive | {"in_channels": in_channels}))
    parts = [b.out_channels for b in cost.branches]
    assert sum(parts) == cost.output_depth, "the working adds up to the answer"
    c1, c3, c5, pool = parts
    return (f"Every branch keeps the {INCEPTION.in_hw}×{INCEPTION.in_hw} size, so the depths add. The three "
            f"convolutions give {c1} + {c3} + {c5} channels, and the pool passes all {pool} input channels "
            f"through: {c1} + {c3} + {c5} + {pool} = **{cost.output_depth:,}**.")  # fmt: skip


def _spec_4a():
    from cnnviz.models.googlenet import INCEPTION_SPECS

    return INCEPTION_SPECS[_4A]


def _five_by_five(reduce: int) -> ops.ConvCost:
    return ops.conv_cost(_4A_HW, reduce, _spec_4a().n5x5, 5)


def _reduced_5x5_macs(reduce: int) -> int:
    return _five_by_five(reduce).macs


def _reduced_5x5_working(reduce: int) -> str:
    conv = _five_by_five(reduce)
    (oh, ow), (kh, kw) = conv.out_hw, conv.kernel
    assert oh * ow * conv.out_channels * kh * kw * conv.in_channels == conv.macs, "the working multiplies out"
    return (f"The 5×5 convolution (padding 2) keeps the {oh}×{ow} size and has {conv.out_channels} filters, so it "
            f"computes {oh}·{ow}·{conv.out_channels} values; each is a sum over a {kh}×{kw} window of the "
            f"{conv.in_channels} reduced channels, {kh}·{kw}·{conv.in_channels} multiply-adds: "
            f"{oh}·{ow}·{conv.out_channels} · {kh}·{kw}·{conv.in_channels} = **{conv.macs:,}**. The module's "
            f"{_spec_4a().in_channels} input channels do not enter: the 5×5 reads only the reduction's output.")  # fmt: skip


def _module(spec: tuple[int, ...]):
    import torch

    from cnnviz.models.googlenet import InceptionModule, InceptionSpec

    with torch.device("meta"):
        return InceptionModule(InceptionSpec(*spec))


def _module_params(spec: tuple[int, ...]) -> int:
    return params(_module(spec))


def _module_params_working(spec: tuple[int, ...]) -> str:
    from torch import nn

    module = _module(spec)
    names = {"branch1": "#1×1", "branch2.0": "#3×3 reduce", "branch2.1": "#3×3", "branch3.0": "#5×5 reduce",
             "branch3.1": "#5×5", "branch4.1": "pool proj"}  # fmt: skip
    lines, total = [], 0
    for name, conv_relu in module.named_modules():
        if name not in names:
            continue
        conv = conv_relu.conv
        assert isinstance(conv, nn.Conv2d)
        (k, _), cin, cout = conv.kernel_size, conv.in_channels, conv.out_channels
        n = conv.weight.numel() + conv.bias.numel()
        assert n == k * k * cin * cout + cout, "the working's formula is the layer's"
        window = f"{k}·{k}·" if k > 1 else ""
        lines.append(f"- {names[name]} ({k}×{k}, {cin} → {cout}): {window}{cin}·{cout} + {cout} = {n:,}")
        total += n
    assert total == _module_params(spec), "the six convolutions hold every parameter (the pool has none)"
    return ("Six convolutions, each with k·k·C_in·C_out weights and one bias per filter (the max pool has "
            "none):\n\n" + "\n".join(lines) + f"\n\nIn all: **{total:,}**.")  # fmt: skip


def _trunk(net: nn.Module, upto: str) -> nn.Sequential:
    """GoogLeNet's layers up to ``upto`` (an Inception module), in the order its forward runs them."""
    names = [n for n, _ in net.named_children()]
    return nn.Sequential(*[(getattr(net, n)) for n in names[: names.index(upto) + 1]])


def _sizes(upto: str, size: int) -> tuple[list[tuple[str, int]], str | None]:
    """The output side of each layer that changes the size, for a ``size``×``size`` input, up to ``upto``;
    and the layer that fails, if one does (None when the input is large enough)."""
    import torch

    net = meta("googlenet").eval()
    names = [n for n, _ in net.named_children()]
    x = torch.empty(1, 3, size, size, device="meta")
    out: list[tuple[str, int]] = []
    with torch.no_grad():
        for name in names[: names.index(upto) + 1]:
            try:
                y = getattr(net, name)(x)
            except (RuntimeError, ValueError):
                return out, name
            if y.shape[-1] != x.shape[-1]:
                out.append((name, int(y.shape[-1])))
            x = y
    return out, None


def _smallest_input(upto: str) -> int:
    """The smallest square input on which the zoo's GoogLeNet runs up to ``upto``: try sizes upwards on meta
    tensors."""
    trunk = _trunk(meta("googlenet").eval(), upto)
    size = 1
    while True:
        try:
            output_hw(trunk, size)
            return size
        except (RuntimeError, ValueError):
            size += 1


def _smallest_input_working(upto: str) -> str:
    s = _smallest_input(upto)
    runs, failed = _sizes(upto, s)
    assert failed is None, "the answer runs"
    below, failed_below = _sizes(upto, s - 1)
    assert failed_below is not None, "one pixel less does not"
    chain = " → ".join([str(s)] + [f"{size} ({name})" for name, size in runs])
    left = below[-1][1] if below else s - 1
    where = f"after {below[-1][0]}" if below else "at the input"
    return (f"Follow the side of the map through the layers that shrink it (the convolutions inside the "
            f"Inception modules keep it): {chain}, and {upto} runs. One pixel less, {s - 1}, leaves a "
            f"{left}×{left} map {where}, and {failed_below} fails on it. So **{s}** pixels.")  # fmt: skip


_SPEC_4A = _spec_4a()

EXERCISES = [
    Exercise(
        id="googlenet.naive_depth",
        question=(
            f"A naive Inception module (1×1 conv {INCEPTION.c1x1}, 3×3 conv {INCEPTION.c3x3}, 5×5 conv "
            f"{INCEPTION.c5x5} and a 3×3 max pool, concatenated) gets a {INCEPTION.in_hw}×{INCEPTION.in_hw}×"
            "**{in_channels}** input. What is its output depth?"
        ),
        answer=_naive_depth,
        working=_naive_depth_working,
        params={"in_channels": 480},
        variants=({"in_channels": 832}, {"in_channels": 320}),
        hint="The pooling branch passes every input channel through.",
    ),
    Exercise(
        id="googlenet.reduced_5x5_macs",
        question=(
            f"In GoogLeNet's inception{_4A} ({_4A_HW}×{_4A_HW} maps, {_SPEC_4A.in_channels} channels in; Table 1 "
            f"above), the 5×5 convolution has {_SPEC_4A.n5x5} filters and runs on the output of its 1×1 reduction, "
            f"which has {_SPEC_4A.n5x5_reduce} filters. Give that reduction **{{reduce}}** filters instead: how "
            "many multiply-adds does the 5×5 convolution need (no biases)?"
        ),
        answer=_reduced_5x5_macs,
        working=_reduced_5x5_working,
        params={"reduce": 32},
        variants=({"reduce": 24}, {"reduce": 40}),
        hint="Output H × W × C_out, times 5 × 5 × C_in per output value; C_in is what the 5×5 reads.",
    ),
    Exercise(
        id="googlenet.module_params",
        question="Design your own Inception module (with dimension reduction, as in GoogLeNet) for a "
        "{spec[0]}-channel input: #1×1 {spec[1]}, #3×3 reduce {spec[2]}, #3×3 {spec[3]}, #5×5 reduce {spec[4]}, "
        "#5×5 {spec[5]}, pool proj {spec[6]}. How many parameters (weights **and** biases) has it?",
        answer=_module_params,
        working=_module_params_working,
        params={"spec": (320, 96, 64, 160, 24, 48, 64)},
        variants=({"spec": (640, 192, 128, 256, 32, 96, 96)}, {"spec": (256, 64, 48, 96, 8, 24, 32)}),
        hint="Six convolutions: three 1×1 on the module's input, the 3×3 and the 5×5 on their reductions, the "
        "pool projection on the input; each has one bias per filter.",
    ),
    Exercise(
        id="googlenet.smallest_input",
        unit="px",
        question="What is the **smallest** square input (in pixels, one side) on which the zoo's GoogLeNet runs "
        "up to **{upto}**? (The layers after it are left out.)",
        answer=_smallest_input,
        working=_smallest_input_working,
        params={"upto": "inception5b"},
        variants=({"upto": "inception4e"}, {"upto": "inception3b"}),
        hint="Follow the map's side n through the layers that shrink it: conv1 (7×7/2, padding 3: n → ⌊(n − 1)/2⌋ + 1) "
        "and the 3×3/2 max pools in ceil mode (n → ⌈(n − 3)/2⌉ + 1, which must be at least 1); the Inception "
        'modules keep the size. Or try sizes: `net(torch.empty(1, 3, s, s, device="meta"))`.',
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
        "before the 5×5), cutting that cost by the same factor, and adds a ReLU. The 1×1 costs H·W·r·C_in itself, "
        "so the pair saves work while r < k²·C_out·C_in / (C_in + k²·C_out), a bound below C_in: a reduction "
        "must be narrow, not just narrower than its input (GoogLeNet's are). The pooling branch keeps "
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
        solution="""from torch import nn

from cnnviz.models.googlenet import googlenet


def build() -> nn.Module:
    net = googlenet(num_classes=10)
    net.conv1 = nn.Sequential(nn.Conv2d(3, 192, kernel_size=3, padding=1), nn.ReLU())
    for name in ("maxpool1", "lrn1", "conv2", "conv3", "lrn2", "maxpool2"):
        setattr(net, name, nn.Identity())
    return net
""",
        input_size=(3, 32, 32),
    ),
]
