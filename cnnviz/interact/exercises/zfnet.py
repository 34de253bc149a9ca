"""Exercises of the ZFNet chapter: answers computed from the zoo's ZFNet and AlexNet (meta device)."""

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


def _conv1_size() -> int:
    conv1 = _meta("zfnet").features.conv1
    return int(conv1(torch.empty(1, 3, 224, 224, device="meta")).shape[-1])  # (1, 96, H, W)


def _conv1_weights() -> int:
    return _meta("zfnet").features.conv1.weight.numel()


def _conv2_extra_weights() -> int:
    return _meta("zfnet").features.conv2.weight.numel() - _meta("alexnet").features.conv2.weight.numel()


def _wide_extra_params() -> int:
    return _params(_meta("zfnet", wide=True)) - _params(_meta("zfnet"))


EXERCISES = [
    Exercise(
        id="zfnet.conv1_size",
        question=(
            "ZFNet's conv1 has 96 filters of 7×7 at stride 2 with padding 1, on a 224×224 image. "
            "What is the height (= width) of its output?"
        ),
        answer=_conv1_size,
        hint="Output size = (W − F + 2P) / S + 1, rounded down.",
    ),
    Exercise(
        id="zfnet.conv1_weights",
        question="How many **weights** (not counting biases) has ZFNet's conv1 (96 filters, 7×7, RGB input)?",
        answer=_conv1_weights,
        hint="One filter has 7 × 7 × 3 weights.",
    ),
    Exercise(
        id="zfnet.conv2_extra_weights",
        question=(
            "Both networks have 256 5×5 filters in conv2 over 96 input maps. How many **more weights** "
            "has ZFNet's conv2 than AlexNet's?"
        ),
        answer=_conv2_extra_weights,
        hint="AlexNet's conv2 is split in two towers (groups=2); ZFNet's is dense.",
    ),
    Exercise(
        id="zfnet.wide_extra_params",
        question=(
            "The wider variant (`wide=True`) gives conv3, conv4 and conv5 512, 1024 and 512 filters instead "
            "of 384, 384 and 256. How many parameters does it add to the whole network?"
        ),
        answer=_wide_extra_params,
        hint="Count conv3–conv5 of both, and do not forget fc6: its input is 6×6×(conv5's filters).",
    ),
]
