"""Exercises of the Stochastic Depth chapter: answers computed from the zoo's ResNet-110 and cnnviz.analysis."""

from __future__ import annotations

import math

from cnnviz.analysis.stochastic_depth import network_cost, sample_dropped
from cnnviz.interact.exercises import Exercise


def _expected_blocks_062() -> float:
    return network_cost(0.62).expected_blocks


def _uniform_match() -> float:
    linear = network_cost(0.5)
    return linear.expected_blocks / linear.num_blocks  # uniform: E = L·p


def _all_blocks_run() -> float:
    return math.prod(network_cost(0.5).survival)


def _sample_layers(sample: int = 42) -> int:
    cost = network_cost(0.5)
    return 2 * (cost.num_blocks - len(sample_dropped(cost.survival, sample))) + 2


EXERCISES = [
    Exercise(
        id="stochastic_depth.expected_blocks_p062",
        question="With the linear decay rule and p_L = 0.62, how many of ResNet-110's 54 residual blocks run "
        "in a training step on average? (Two decimals are enough.)",
        answer=_expected_blocks_062,
        hint="The expected number of active blocks is the sum of the survival probabilities, "
        "Σ_l (1 − (l/L)(1 − p_L)) for l = 1 .. L.",
        rel_tol=1e-3,
    ),
    Exercise(
        id="stochastic_depth.uniform_match",
        question="Which p_L makes the *uniform* rule (every block survives with p_L) run as many blocks on "
        "average as the linear rule with p_L = 0.5? (Three decimals.)",
        answer=_uniform_match,
        hint="Under the uniform rule the expected number of active blocks is L·p_L.",
        rel_tol=1e-3,
    ),
    Exercise(
        id="stochastic_depth.all_blocks_run",
        question="With the linear rule and p_L = 0.5, what is the probability that one training step runs "
        "all 54 blocks of ResNet-110, the full network? (Two significant digits.)",
        answer=_all_blocks_run,
        hint="The blocks are dropped independently: multiply the 54 survival probabilities.",
        rel_tol=0.02,
    ),
    Exercise(
        id="stochastic_depth.sample42_layers",
        question="Sample #42 is the training step drawn after `torch.manual_seed(42)` (linear rule, p_L = 0.5). "
        "How many weight layers lie on its longest path? Find the dropped blocks with the zoo's network in "
        "training mode (`net.dropped_blocks()` after a forward pass) or with "
        "`cnnviz.analysis.stochastic_depth.sample_dropped`.",
        answer=_sample_layers,
        hint="Each block that runs has two 3×3 convolutions on the path; add the stem convolution and the "
        "classifier. A dropped block's shortcut has no weights.",
    ),
]
