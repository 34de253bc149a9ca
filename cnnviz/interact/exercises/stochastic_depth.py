"""Exercises of the Stochastic Depth chapter: answers computed from the zoo's ResNet-110 and cnnviz.analysis."""

from __future__ import annotations

import math

from cnnviz.analysis.stochastic_depth import network_cost, sample_dropped
from cnnviz.interact.exercises import REASONING, TASK, Exercise


def _expected_blocks(p_last: float) -> float:
    return network_cost(p_last).expected_blocks


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
        id="stochastic_depth.expected_blocks",
        question="With the linear decay rule and p_L = {p_last}, how many of ResNet-110's 54 residual blocks run "
        "in a training step on average? (Two decimals are enough.)",
        answer=_expected_blocks,
        params={"p_last": 0.62},
        variants=({"p_last": 0.77}, {"p_last": 0.43}),
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
    Exercise(
        id="stochastic_depth.why_linear_decay",
        kind=REASONING,
        question="Why does the paper let the survival probability **decay linearly** with depth (p_l = 1 − "
        "(l/L)(1 − p_L)) instead of dropping every block with the same probability? And why is p_L = 0.5 a "
        "sensible default?",
        hint="What do early blocks compute that every later block uses?",
        solution="Early blocks extract low-level features that **all** later blocks build on; dropping them "
        "often would damage every prediction in that step, so they should almost always survive. Late "
        "blocks refine, and the network is more robust to losing them. The linear rule encodes this prior "
        "and performed better than the uniform rule in the paper (though both beat the constant-depth "
        "baseline). p_L = 0.5 means the last block survives half of the time; the expected depth is then "
        "about three quarters of the full network (the mean of 1 and 0.5), which gives a sizeable training "
        "speed-up and regularisation while the paper found results insensitive to p_L in a broad range around "
        "it.",
    ),
    Exercise(
        id="stochastic_depth.test_time",
        kind=REASONING,
        question="At test time stochastic depth keeps **every** block but multiplies each residual branch by its "
        "survival probability p_l. Why is this the right thing to do, and what would go wrong if the branches "
        "were not rescaled?",
        hint="Compare the expected output of a block during training with its output at test time.",
        solution="During training the block outputs x + b·f(x) with b ∼ Bernoulli(p_l), so in expectation "
        "x + p_l·f(x). At test time the whole network is used; to match what the following layers saw on "
        "average in training, the branch is re-weighted: x + p_l·f(x) (the same idea as dropout's rescaling). "
        "Without it, every block's contribution would be 1/p_l times larger than its average in training, and "
        "these errors compound through the 54 blocks, shifting the activations that later layers and the "
        "batch norms were trained on; accuracy drops. The result can be read as an ensemble of the 2^L "
        "networks of different depths.",
    ),
    Exercise(
        id="stochastic_depth.resnet56_sd",
        kind=TASK,
        question="Change the network: write `build()` returning a **ResNet-56** with stochastic depth (linear "
        "rule, p_L = 0.8) for CIFAR-100, using the zoo's `stochastic_depth_resnet`.",
        hint="`stochastic_depth_resnet(depth, p_last, num_classes=...)` from `cnnviz.models.stochastic_depth`. "
        "The check counts parameters, so p_L does not show in it: think about why.",
        solution='''from torch import nn

from cnnviz.models.stochastic_depth import stochastic_depth_resnet


def build() -> nn.Module:
    return stochastic_depth_resnet(56, 0.8, num_classes=100)
''',
        input_size=(3, 32, 32),
    ),
]
