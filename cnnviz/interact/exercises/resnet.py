"""Exercises of the ResNet chapter: answers computed from the zoo's ResNets and cnnviz.analysis."""

from __future__ import annotations

import torch

from cnnviz.analysis import ops
from cnnviz.interact.exercises import REASONING, TASK, Exercise


def _cifar_params(depth: int) -> int:
    from cnnviz.models.cifar_resnet import cifar_resnet

    with torch.device("meta"):  # parameter counts only: no weights drawn
        return sum(p.numel() for p in cifar_resnet(depth).parameters())


def _conv4_block_macs(size: int) -> int:
    """A conv4_x bottleneck of ResNet-50 after the first (1024 in and out, inner width 256), at the map size
    that a size×size image gives there (measured on the zoo's network)."""
    from cnnviz.analysis.resolve import build

    net = build("resnet50", meta=True)
    x = torch.empty(1, 3, size, size, device="meta")
    with torch.no_grad():
        for name in ("conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3"):
            x = getattr(net, name)(x)
    return ops.bottleneck_block_cost(int(x.shape[-1]), 1024, 256, out_channels=1024).macs


def _rf_resnet20_layer2() -> int:
    from cnnviz.analysis.receptive_field import receptive_field

    return receptive_field("resnet20").row("layer2.2:add").rf  # the last block of stage 2 (n = 3)


def _blocks_to_add(shallow: int, deep: int) -> int:
    from cnnviz.models.cifar_resnet import blocks_per_stage

    return 3 * (blocks_per_stage(deep) - blocks_per_stage(shallow))


EXERCISES = [
    Exercise(
        id="resnet.cifar_params",
        question="How many parameters (weights, batch-norm scales and shifts, the classifier) has the CIFAR-10 "
        "ResNet-**{depth}** (`cifar_resnet({depth})`)?",
        answer=lambda depth: _cifar_params(depth),
        params={"depth": 26},
        variants=({"depth": 38}, {"depth": 50}),
        hint="Depth 6n + 2: n basic blocks per stage. Count one stage's 3×3 convolutions (weights only, no biases) and their "
        "batch norms (2 parameters per channel), then the stem and the 64 × 10 + 10 classifier; option A "
        "shortcuts have no parameters.",
    ),
    Exercise(
        id="resnet.bottleneck_macs",
        question="Feed ResNet-50 a **{size}×{size}** image. How many multiply-adds (convolution weights only) "
        "does one bottleneck block of conv4_x need per image, for a block that keeps its input size (1024 "
        "channels in and out, inner width 256)?",
        answer=_conv4_block_macs,
        params={"size": 320},
        variants=({"size": 288}, {"size": 384}),
        hint="conv4_x works at 1/16 of the input size. Three convolutions at H × W positions: 1×1 from 1024 to "
        "256, 3×3 from 256 to 256, 1×1 from 256 to 1024; each costs H·W·k²·C_in·C_out.",
    ),
    Exercise(
        id="resnet.rf_resnet20_layer2",
        unit="px",
        question="What is the theoretical receptive field (one side, in input pixels) of the output of ResNet-20's "
        "second stage (`layer2`)?",
        answer=_rf_resnet20_layer2,
        hint="The shortcuts do not widen the field: follow the longest path, all 3×3 convolutions. The stem and "
        "stage 1 (7 convolutions at stride 1) give 15; stage 2 starts with a stride-2 convolution.",
    ),
    Exercise(
        id="resnet.blocks_to_add",
        question="The construction argument turns ResNet-{shallow} into ResNet-{deep} by appending identity blocks. "
        "How many blocks must be appended in all?",
        answer=_blocks_to_add,
        params={"shallow": 32, "deep": 74},
        variants=({"shallow": 26, "deep": 98}, {"shallow": 14, "deep": 110}),
        hint="Depth 6n + 2: find n for both networks; each of the three stages gets the difference.",
    ),
    Exercise(
        id="resnet.why_identity_is_easy",
        kind=REASONING,
        question="Deeper plain networks train **worse** than shallower ones (the degradation problem), although "
        "a deeper network could copy the shallower one and set its extra layers to the identity. Explain why "
        "a residual block makes that identity easy to reach, and why this is not about overfitting.",
        hint="What must the weights of a plain stack be to compute the identity, and what must F be in "
        "y = F(x) + x?",
        solution="It is not overfitting: the deeper plain network has higher **training** error, so the "
        "optimiser fails to find a solution that exists (the construction: shallow network + identity "
        "layers). For a plain stack of convolutions, batch norms and ReLUs to compute the identity, the "
        "weights must take a specific non-trivial value (Dirac kernels, matched normalisation), which SGD "
        "does not find easily. A residual block computes y = F(x) + x: the identity is **F = 0**, e.g. all "
        "weights (or the last batch norm's scale) near zero, which is what small weights and weight decay "
        "drift towards. More generally the block only has to learn the *residual* from the identity, and "
        "gradients flow through the shortcut unchanged, so adding blocks cannot make the network much harder "
        "to optimise.",
    ),
    Exercise(
        id="resnet.shortcut_options",
        kind=REASONING,
        question="When a stage halves the maps and doubles the channels, the shortcut x no longer matches F(x). "
        "Compare the paper's option A (zero-padding) and option B (1×1 projection): parameters, what each "
        "passes on, and why the CIFAR networks use A.",
        hint="What does a strided identity with zero channels added contain, and what does a 1×1 convolution "
        "cost?",
        solution="**Option A** subsamples x (stride 2) and pads the new channels with zeros: no parameters, "
        "and the shortcut stays a pure identity on the old channels, but the new channels get no signal "
        "from the shortcut. **Option B** uses a strided 1×1 convolution (with batch norm) from C to 2C "
        "channels: 2C² weights per change of stage, a learned mapping that uses all channels. The paper found "
        "B slightly better than A on ImageNet (and C, projections everywhere, marginally better still, not "
        "worth the cost). On CIFAR the paper used A so that the residual networks have **exactly** the same "
        "number of parameters as their plain counterparts, which makes the degradation comparison fair.",
    ),
    Exercise(
        id="resnet.tiny_imagenet_stem",
        kind=TASK,
        question="Change the network: write `build()` returning ResNet-18 for **Tiny ImageNet** (64×64 images, "
        "200 classes) whose stem is a 3×3 convolution at stride 1 (64 filters, padding 1, no bias) and has "
        "**no max pool**, so that layer4 works on 8×8 maps.",
        hint="`resnet(18, num_classes=200)` from `cnnviz.models.resnet`; replace `conv1` and set `maxpool` to "
        "`nn.Identity()`.",
        solution='''from torch import nn

from cnnviz.models.resnet import resnet


def build() -> nn.Module:
    net = resnet(18, num_classes=200)
    net.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
    net.maxpool = nn.Identity()  # 64×64 -> layer1 64, layer2 32, layer3 16, layer4 8
    return net
''',
        input_size=(3, 64, 64),
    ),
]
