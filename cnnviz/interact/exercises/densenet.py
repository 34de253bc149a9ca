"""Exercises of the DenseNet chapter: answers computed from the zoo's DenseNets and cnnviz.analysis.ops."""

from __future__ import annotations

import torch

from cnnviz.analysis import dense_blocks
from cnnviz.interact.exercises import Exercise


def _meta(name: str):
    from cnnviz.analysis.resolve import build

    return build(name, meta=True)


def _block3_layer20_inputs() -> int:
    return _meta("densenet121").features.denseblock3.denselayer20.conv1.in_channels


def _without_bottleneck_macs() -> int:
    # DenseNet-121's first dense block (64 channels in, k = 32, 6 layers, 56×56) with basic layers
    return dense_blocks.dense_block_cost(64, 32, 6, 56, bottleneck=False).macs


def _bc100_block1_materialised() -> int:
    net = _meta("densenet_bc_100_12")
    block = net.channels[0]
    return dense_blocks.dense_block_cost(block.in_channels, net.growth_rate, len(block.layer_inputs), 32).materialised_elements


def _densenet169_transition3_out() -> int:
    with torch.device("meta"):
        return _meta("densenet169").features.transition3.conv.out_channels


EXERCISES = [
    Exercise(
        id="densenet.block3_layer20_inputs",
        question="How many input channels does layer 20 of DenseNet-121's third dense block receive?",
        answer=_block3_layer20_inputs,
        hint="Block 3 starts from the output of transition 2; each earlier layer of the block adds k = 32. "
        "Work out k₀ from blocks 1 and 2 (6 and 12 layers, 64 channels into block 1, θ = 0.5), then k₀ + k·(ℓ − 1).",
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
        id="densenet.densenet169_transition3_out",
        question="How many channels leave DenseNet-169's third transition layer?",
        answer=_densenet169_transition3_out,
        hint="Blocks of 6, 12, 32, 32 layers, k = 32, 64 channels into block 1, θ = 0.5: follow the channels "
        "block by block, ⌊θ·m⌋ after each transition.",
    ),
]
