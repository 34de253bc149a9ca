"""Exercises of the SqueezeNet chapter: answers computed from the zoo's SqueezeNets and
cnnviz.analysis.fire_modules."""

from __future__ import annotations

from cnnviz.analysis.fire_modules import design_cost, fire_cost, model_bytes
from cnnviz.interact.exercises import Exercise
from cnnviz.models.squeezenet import FireSpec


def _fire4_params() -> int:
    return fire_cost(128, 54, FireSpec("fire4", 32, 128, 128)).params


def _sr_half_params() -> int:
    return design_cost(squeeze_ratio=0.5).params


def _bytes_4bit() -> int:
    return model_bytes(design_cost(version="1_1").params, 4)


EXERCISES = [
    Exercise(
        id="squeezenet.fire4_params",
        question="fire4 of SqueezeNet 1.0 takes 128 channels, squeezes to 32 and expands to 128 1×1 and 128 3×3 "
        "filters. How many parameters (weights and biases) does it have?",
        answer=_fire4_params,
        hint="Three convolutions with biases: 128·32 + 32, then 32·128 + 128, then 32·9·128 + 128.",
    ),
    Exercise(
        id="squeezenet.sr_half_params",
        question="Keep everything of SqueezeNet 1.0 but set the squeeze ratio SR to 0.5 (each squeeze layer gets "
        "half as many filters as its Fire module's expand layers). How many parameters does the network have?",
        answer=_sr_half_params,
        hint="Only the Fire modules change: s_i = 0.5·e_i with e_i = 128, 128, 256, 256, 384, 384, 512, 512; conv1 "
        "and conv10 stay. `models.get('squeezenet1_0', squeeze_ratio=0.5)` builds it.",
    ),
    Exercise(
        id="squeezenet.bytes_4bit",
        question="How many bytes does SqueezeNet 1.1 take with every weight stored densely in 4 bits?",
        answer=_bytes_4bit,
        hint="Its parameter count × 4 / 8, rounded up.",
    ),
]
