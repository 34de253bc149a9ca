"""Exercises of the AlexNet chapter: answers computed from the zoo's AlexNet (built on the meta device)."""

from __future__ import annotations

import torch
from torch import nn

from cnnviz.interact.exercises import Exercise


def _meta(name: str, **kwargs: object) -> nn.Module:
    """The registry network built on the meta device: shapes and parameter counts, no weights drawn."""
    from cnnviz import models

    with torch.device("meta"):
        return models.get(name, **kwargs)


def _params(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


def _conv2_weights() -> int:
    return _meta("alexnet").features.conv2.weight.numel()


def _pool1_size() -> int:
    net = _meta("alexnet")
    x = torch.empty(1, 3, 227, 227, device="meta")
    until_pool1 = net.features[: list(net.features._modules).index("pool1") + 1]
    return int(until_pool1(x).shape[-1])  # (1, 96, H, W) after pool1


def _fc6_share() -> float:
    net = _meta("alexnet")
    return round(100 * _params(net.classifier.fc6) / _params(net), 1)


def _split_saving() -> int:
    return _params(_meta("alexnet", towers=1)) - _params(_meta("alexnet"))


EXERCISES = [
    Exercise(
        id="alexnet.conv2_weights",
        question=(
            "AlexNet's conv2 has 256 filters of size 5×5 over the 96 maps of conv1, split over **two towers** "
            "(two GPUs): each tower's 128 filters see only its own tower's 48 maps. How many **weights** "
            "(not counting biases) has conv2?"
        ),
        answer=_conv2_weights,
        hint="One filter has 5 × 5 × (maps it sees) weights; the towers halve the maps each filter sees.",
    ),
    Exercise(
        id="alexnet.pool1_size",
        question=(
            "conv1 gives a 55×55×96 volume; pool1 is a 3×3 max pool at stride 2 without padding. "
            "What is the height (= width) of pool1's output?"
        ),
        answer=_pool1_size,
        hint="Output size = (W − F) / S + 1, rounded down.",
    ),
    Exercise(
        id="alexnet.fc6_share",
        question=(
            "fc6 connects the 6×6×256 output of pool5 to 4,096 units. What **percentage** of all of "
            "AlexNet's parameters (weights and biases) is in fc6? Answer in percent with one decimal."
        ),
        answer=_fc6_share,
        rel_tol=0.0008,  # one decimal: 61.85 .. 61.95 for 61.9
        hint="fc6 has 6·6·256·4096 weights plus 4096 biases; the chapter's ledger gives the total.",
    ),
    Exercise(
        id="alexnet.split_saving",
        question=(
            "conv2, conv4 and conv5 are grouped convolutions (two towers). How many parameters would "
            "AlexNet have **more** if all three were dense (one tower, `towers=1`)?"
        ),
        answer=_split_saving,
        hint="A grouped conv with 2 groups has half the weights of the dense conv; biases do not change.",
    ),
]
