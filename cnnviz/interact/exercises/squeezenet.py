"""Exercises of the SqueezeNet chapter: answers computed from the zoo's Fire module and SqueezeNets."""

from __future__ import annotations

import torch

from cnnviz.interact.exercises import REASONING, TASK, Exercise
from cnnviz.interact.exercises.zoo import meta, params


def _fire_params(fire: tuple[int, int, int, int]) -> int:
    from cnnviz.models.squeezenet import Fire

    with torch.device("meta"):
        return params(Fire(*fire))


def _fire_params_working(fire: tuple[int, int, int, int]) -> str:
    from cnnviz.models.squeezenet import Fire

    with torch.device("meta"):
        module = Fire(*fire)
    lines, total = [], 0
    for name, conv in (("squeeze 1×1", module.squeeze), ("expand 1×1", module.expand1x1),
                       ("expand 3×3", module.expand3x3)):  # fmt: skip
        (k, _), cin, cout = conv.kernel_size, conv.in_channels, conv.out_channels
        weights, biases = conv.weight.numel(), conv.bias.numel()
        assert weights == k * k * cin * cout and biases == cout, "the line's formula is the convolution's"
        size = f"{k}·{k}·" if k > 1 else ""
        lines.append(f"- {name} ({cin} → {cout} channels): {size}{cin}·{cout} weights + {cout} biases = "
                     f"{weights + biases:,}")  # fmt: skip
        total += weights + biases
    assert total == _fire_params(fire), "the working adds up to the answer"
    return "\n".join(lines) + f"\n\nIn all: **{total:,}**."


def _params_for(classes: int) -> int:
    return params(meta("squeezenet1_0", num_classes=classes))


def _params_for_working(classes: int) -> str:
    book, built = meta("squeezenet1_0"), meta("squeezenet1_0", num_classes=classes)
    old, new = book.classifier[1], built.classifier[1]
    old_count, new_count = old.weight.numel() + old.bias.numel(), new.weight.numel() + new.bias.numel()
    assert params(book) - old_count + new_count == _params_for(classes), "only conv10 depends on the classes"
    return (f"Only conv10 changes: a 1×1 convolution from {new.in_channels} maps to one map per class.\n\n"
            f"- SqueezeNet 1.0 for {old.out_channels:,} classes: {params(book):,} parameters, of which conv10 has "
            f"{old.in_channels}·{old.out_channels:,} + {old.out_channels:,} = {old_count:,}\n"
            f"- conv10 for {classes} classes: {new.in_channels}·{classes} + {classes} = {new_count:,}\n\n"
            f"{params(book):,} − {old_count:,} + {new_count:,} = **{_params_for(classes):,}**.")  # fmt: skip


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
        working=_fire_params_working,
    ),
    Exercise(
        id="squeezenet.params_for_classes",
        question="How many parameters has SqueezeNet 1.0 built for **{classes}** classes "
        '(`models.get("squeezenet1_0", num_classes={classes})`)?',
        answer=_params_for,
        params={"classes": 100},
        variants=({"classes": 200}, {"classes": 10}),
        hint="Only conv10 depends on the classes: a 1×1 convolution from 512 maps, 512 weights and one bias "
        "per class.",
        working=_params_for_working,
    ),
    Exercise(
        id="squeezenet.three_strategies",
        kind=REASONING,
        question="The strategies table counts strategies 1 and 2 on SqueezeNet 1.0, whose squeeze ratio is SR = "
        "0.125. Take SR = 0.5 instead (every squeeze layer four times as wide, half the expand filters still "
        "3×3). Which of the two factors changes, and by how much? Argue from a Fire module's weights, with C "
        "input channels, s squeeze filters and e expand filters.",
        hint="Write each factor per Fire module: which terms have s as a factor, and which do not?",
        solution="**Strategy 2** (squeeze first) compares the 3×3 filters fed the whole input with the same "
        "filters fed the squeezed maps: 9·C·e₃ₓ₃ against 9·s·e₃ₓ₃ weights, a factor C/s in every module. At "
        "SR = 0.5 every s is four times as large, so the factor is a quarter of the one at SR = 0.125: the "
        "squeeze saves less. **Strategy 1** (1×1 filters) compares the Fire module with every expand filter "
        "3×3 against half of them: C·s + 9·s·e weights against C·s + s·e/2 + 9·s·e/2 = C·s + 5·s·e. Every "
        "term has s as a factor, which cancels: (C + 9e)/(C + 5e), the same at any SR. Only the biases, "
        "which do not grow with s, move it, in the third decimal. So widening the squeeze undoes part of "
        "strategy 2 and leaves strategy 1 as it is.",
    ),
    Exercise(
        id="squeezenet.bypass",
        kind=REASONING,
        question="SqueezeNet 1.1 keeps 1.0's Fire modules (fire2 now reads conv1's 64 channels) but pools after "
        "conv1, fire3 and fire5. Which of its Fire modules could take a *simple* bypass, an identity "
        "shortcut from a module's input to its output? Does moving the pools change the answer, and what "
        "would fire2 need?",
        hint="An identity shortcut adds a module's input to its output: list each module's input and output "
        "channels and map sizes.",
        solution="fire3, fire5, fire7 and fire9, as in 1.0: adding the input to the output needs the same "
        "channels and map size at both ends, and these four keep their width (128, 256, 384 and 512 channels "
        "in and out); the others widen it. Moving the pools changes nothing: a pool sits between two "
        "modules, never inside one, so the two ends of each shortcut have the same map size in 1.1 as "
        "well. fire2 turns 64 channels into 128, so its shortcut needs a 1×1 convolution from 64 to 128 "
        "channels (64·128 weights and 128 biases): the paper's *complex bypass*, which adds parameters. The "
        "paper's reason to expect a gain, that a shortcut lets information flow around the narrow squeeze "
        "layer, would hold in 1.1 too; whether it helps there, the paper does not report (its Table 3 "
        "trains the bypasses on 1.0 only).",
    ),
    Exercise(
        id="squeezenet.cifar",
        kind=TASK,
        question="Change the network: write `build()` returning SqueezeNet 1.1 for **CIFAR-10** (32×32 images, "
        "10 classes) whose conv1 (64 filters of 3×3) has **stride 1** and padding 1, so that small images "
        "are not shrunk at once.",
        hint='`squeezenet(version="1_1", num_classes=10)` from `cnnviz.models.squeezenet`; conv1 is '
        "`net.features[0]`.",
        solution="""from torch import nn

from cnnviz.models.squeezenet import squeezenet


def build() -> nn.Module:
    net = squeezenet(version="1_1", num_classes=10)
    net.features[0] = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1)
    return net
""",
        input_size=(3, 32, 32),
    ),
]
