"""Exercises of the DenseNet chapter: answers computed from the zoo's DenseNets and cnnviz.analysis.ops."""

from __future__ import annotations

import torch

from cnnviz.analysis import dense_blocks
from cnnviz.interact.exercises import REASONING, TASK, Exercise


def _meta(name: str):
    from cnnviz.analysis.resolve import build

    return build(name, meta=True)


def _layer_inputs(network: str, block: int, layer: int) -> int:
    dense_block = getattr(_meta(network).features, f"denseblock{block}")
    return getattr(dense_block, f"denselayer{layer}").conv1.in_channels


def _without_bottleneck_macs() -> int:
    # DenseNet-121's first dense block (64 channels in, k = 32, 6 layers, 56×56) with basic layers
    return dense_blocks.dense_block_cost(64, 32, 6, 56, bottleneck=False).macs


def _bc100_block1_materialised() -> int:
    net = _meta("densenet_bc_100_12")
    block = net.channels[0]
    return dense_blocks.dense_block_cost(block.in_channels, net.growth_rate, len(block.layer_inputs), 32).materialised_elements


def _transition_out(network: str, transition: int) -> int:
    with torch.device("meta"):
        return getattr(_meta(network).features, f"transition{transition}").conv.out_channels


EXERCISES = [
    Exercise(
        id="densenet.layer_inputs",
        question="How many input channels does layer {layer} of {label}'s dense block {block} receive?",
        answer=lambda network, label, block, layer: _layer_inputs(network, block, layer),
        params={"network": "densenet201", "label": "DenseNet-201", "block": 3, "layer": 37},
        variants=({"network": "densenet169", "label": "DenseNet-169", "block": 4, "layer": 20},
                  {"network": "densenet264", "label": "DenseNet-264", "block": 3, "layer": 50}),
        hint="A block starts from the output of the transition before it; each earlier layer of the block adds "
        "k = 32. Follow the channels from the 64 into block 1 (blocks of 6, 12, ... layers, θ = 0.5 in every "
        "transition) to k₀ of the block, then k₀ + k·(ℓ − 1).",
    ),
    Exercise(
        id="densenet.without_bottleneck_macs",
        question="DenseNet-121's first dense block has 6 layers on 56×56 maps, 64 input channels and k = 32. "
        "How many multiply-adds would it need per image *without* the bottleneck (each layer one 3×3 "
        "convolution from its whole input to k maps)?",
        answer=_without_bottleneck_macs,
        hint="Layer ℓ costs 56·56·9·(64 + 32·(ℓ − 1))·32; sum over ℓ = 1 … 6 and compare with the block's "
        "ledger row.",
    ),
    Exercise(
        id="densenet.bc100_block1_materialised",
        question="DenseNet-BC-100 (k = 12, 16 bottleneck layers per block, 24 channels into block 1 at 32×32): "
        "how many activation elements per image does its first dense block hold if every concatenation is "
        "kept as a tensor of its own, together with every layer output the ledger lists?",
        answer=_bc100_block1_materialised,
        hint="Per layer the ledger lists BN and ReLU on the c_in input channels, the 1×1 convolution (4k), BN "
        "and ReLU on it (4k each) and the 3×3 convolution (k). The concatenations are the input of every "
        "layer and the block's output (24 + 16·12). Multiply all channels by 32·32.",
    ),
    Exercise(
        id="densenet.transition_out",
        question="How many channels leave {label}'s transition layer {transition}?",
        answer=lambda network, label, transition: _transition_out(network, transition),
        params={"network": "densenet169", "label": "DenseNet-169", "transition": 3},
        variants=({"network": "densenet201", "label": "DenseNet-201", "transition": 3},
                  {"network": "densenet264", "label": "DenseNet-264", "transition": 2}),
        hint="Blocks of 6, 12, 32, 32 layers, k = 32, 64 channels into block 1, θ = 0.5: follow the channels "
        "block by block, ⌊θ·m⌋ after each transition.",
    ),
    Exercise(
        id="densenet.concat_vs_sum",
        kind=REASONING,
        question="A DenseNet layer **concatenates** all earlier feature maps where a ResNet block **adds** its "
        "input to its output. What does concatenation give, and what does it cost?",
        hint="Feature reuse and parameter count on one side; memory and the growth of the inputs on the other.",
        solution="Concatenation keeps every earlier layer's features intact and directly available to every "
        "later layer (feature reuse) and gives each layer a short path to the loss (implicit deep "
        "supervision); a sum mixes them and later layers cannot tell them apart. Because features are reused, "
        "each layer only adds a few new maps (the growth rate k, e.g. 12 or 32), so DenseNets need fewer "
        "parameters than ResNets for similar accuracy. The cost: each layer's input grows linearly with its "
        "position, so a naive implementation stores a new concatenated tensor per layer (memory quadratic in "
        "the block's depth) and the convolutions read more and more channels; the bottleneck (1×1 to 4k) and "
        "the compression of the transitions (θ = 0.5) keep this in check, and memory-efficient "
        "implementations share storage for the concatenations.",
    ),
    Exercise(
        id="densenet.bottleneck_compression",
        kind=REASONING,
        question="DenseNet-BC adds two things to DenseNet: a 1×1 **bottleneck** before each 3×3 and "
        "**compression** θ < 1 in the transitions. What does each one limit, and why is 4k a sensible width "
        "for the bottleneck?",
        hint="Which layer of a dense layer reads the ever-growing input, and what leaves a dense block?",
        solution="The **bottleneck** limits the cost of the 3×3 convolution: without it the 3×3 reads all "
        "k₀ + k(ℓ − 1) input channels; with it a 1×1 maps them to 4k channels, and the 3×3 runs from 4k to "
        "k, so its cost no longer grows with ℓ (only the cheap 1×1 does). 4k keeps the 1×1's output a few "
        "times wider than the k new maps, enough to carry the relevant information without a new growing "
        "cost. **Compression** limits what the next block starts from: a transition outputs ⌊θm⌋ of the m "
        "channels leaving a block (θ = 0.5 halves them), so the channel count does not keep growing across "
        "blocks, which reduces parameters and computation of the next block and of the classifier.",
    ),
    Exercise(
        id="densenet.bc_k24",
        kind=TASK,
        question="Change the network: write `build()` returning a CIFAR **DenseNet-BC** of depth 76 with growth "
        "rate **k = 24** for CIFAR-100, using the zoo's `cifar_densenet`.",
        hint="`cifar_densenet(depth=..., growth_rate=..., num_classes=...)` from `cnnviz.models.densenet`; "
        "DenseNet-BC is the default (bottleneck, θ = 0.5); depth 6n + 4.",
        solution='''from torch import nn

from cnnviz.models.densenet import cifar_densenet


def build() -> nn.Module:
    return cifar_densenet(depth=76, growth_rate=24, num_classes=100)
''',
        input_size=(3, 32, 32),
    ),
]
