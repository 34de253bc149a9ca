"""Exercises of the GoogLeNet chapter: answers computed from cnnviz.analysis.ops and the zoo's GoogLeNet."""

from __future__ import annotations

import torch
from torch import nn

from cnnviz.analysis import ops
from cnnviz.interact.exercises import Exercise
from cnnviz.models.lecture import INCEPTION


def _meta_googlenet(**kwargs: object) -> nn.Module:
    """The zoo's GoogLeNet built on the meta device: parameter shapes, no weights drawn."""
    from cnnviz import models

    with torch.device("meta"):
        return models.get("googlenet", **kwargs)


def _count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


EXERCISES = [
    Exercise(
        id="googlenet.naive_depth_480",
        question=(
            f"A naive Inception module (1×1 conv {INCEPTION.c1x1}, 3×3 conv {INCEPTION.c3x3}, 5×5 conv "
            f"{INCEPTION.c5x5} and a 3×3 max pool, concatenated) gets a {INCEPTION.in_hw}×{INCEPTION.in_hw}×**480** "
            f"input instead of {INCEPTION.in_hw}×{INCEPTION.in_hw}×{INCEPTION.in_channels}. What is its output depth?"
        ),
        answer=lambda: ops.inception_naive_cost(**(INCEPTION.naive | {"in_channels": 480})).output_depth,
        hint="The pooling branch passes every input channel through.",
    ),
    Exercise(
        id="googlenet.reduced_5x5_macs",
        question=(
            f"In the module with dimension reduction, the 5×5 convolution ({INCEPTION.c5x5} filters) runs on the "
            f"{INCEPTION.in_hw}×{INCEPTION.in_hw}×{INCEPTION.reduce5x5} output of its 1×1 reduction. How many "
            "multiply-adds does it need (no biases)?"
        ),
        answer=lambda: ops.conv_cost(INCEPTION.in_hw, INCEPTION.reduce5x5, INCEPTION.c5x5, 5).macs,
        hint="Output H × W × C_out, times 5 × 5 × C_in per output value.",
    ),
    Exercise(
        id="googlenet.inception3a_params",
        question=(
            "How many parameters (weights **and** biases) has inception3a, the first Inception module of "
            "GoogLeNet (input 28×28×192; #1×1 64, #3×3 reduce 96, #3×3 128, #5×5 reduce 16, #5×5 32, "
            "pool proj 32)?"
        ),
        answer=lambda: _count(_meta_googlenet().inception3a),
        hint="Six convolutions: three 1×1 on the 192-channel input, the 3×3 and the 5×5 on their "
        "reductions, the pool projection; each has one bias per filter.",
    ),
    Exercise(
        id="googlenet.aux_params",
        question="How many parameters do GoogLeNet's two auxiliary classifiers add, together?",
        answer=lambda: _count(_meta_googlenet(aux_logits=True)) - _count(_meta_googlenet()),
        hint="Each head: 1×1 conv to 128 channels, FC 2048 → 1024, FC 1024 → 1000, with biases.",
    ),
]
