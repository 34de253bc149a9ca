"""The Stochastic Depth chapter's claims: the lecture's four statements, checked on the zoo's network.

The notes say: stochastic depth reduces vanishing gradients; it randomly drops a subset of layers; a dropped
layer is bypassed with the identity function; the full deep network is used at test time. None of them is
a figure. The last three are about what the network does, and each gets the evidence the book can compute
on ``stochastic_depth110``: seeded training passes (which blocks ran), a dropped block's output against its
input, and a test-time pass (every block, its branch scaled by p_l).

"Reduce vanishing grads" is a claim about training: whether the gradient reaching the early layers stays
stronger over many epochs with stochastic depth than without. A measurement at initialisation, with random
inputs and labels (the chapter's :func:`cnnviz.analysis.stochastic_depth.gradient_norms`), cannot test it,
so its verdict is "not testable here", with what would test it and the paper's own evidence (Huang et al.
2016, Fig. 7).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import torch

from cnnviz.analysis.claims import COMPUTED, Bullet, Claim, Verdict
from cnnviz.analysis.claims.make import not_testable
from cnnviz.analysis.stochastic_depth import network_cost, sample_dropped
from cnnviz.format import count

__all__ = ["MechanismCheck", "mechanism", "claims"]

# The notes' four bullets on stochastic depth, as they write them.
VANISHING = Bullet("stochastic_depth.vanishing_grads", "Reduce vanishing grads")
RANDOM_SUBSET = Bullet("stochastic_depth.random_subset", "Randomly drop a subset of layers")
IDENTITY = Bullet("stochastic_depth.identity", "Bypass with Identity function")
FULL_AT_TEST = Bullet("stochastic_depth.full_at_test", "Use full deep networks at test time")

SEEDS = (0, 1)  # the two seeded training passes the claims compare


@dataclass(frozen=True)
class MechanismCheck:
    """What seeded passes of the zoo's ResNet-110 with stochastic depth show (p_L = 0.5)."""

    num_blocks: int
    dropped: tuple[tuple[int, ...], ...]  # per seed of SEEDS: the blocks a training pass skipped
    predicted: tuple[tuple[int, ...], ...]  # the same, from sample_dropped (no forward pass)
    bypass_error: float  # max |block(x) - x| over dropped identity blocks of the first pass
    bypass_blocks: int  # how many such blocks were checked
    test_runs_all: bool  # eval mode: no block dropped, twice, same output
    test_scaled_error: float  # max |block(x) - relu(p·f(x) + shortcut(x))| at test time, over every block
    expected_blocks: float


@functools.cache
def mechanism() -> MechanismCheck:
    """Run the checks (about a second): seeded training passes and a test pass on one random image."""
    from cnnviz.models.stochastic_depth import stochastic_depth_resnet

    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(0)
        net = stochastic_depth_resnet(110, 0.5)
        blocks = net.blocks()
        x = torch.randn(1, 3, 32, 32)
        inputs: dict[int, torch.Tensor] = {}
        outputs: dict[int, torch.Tensor] = {}

        def spy(i):
            def hook(_module, args, result):
                inputs[i], outputs[i] = args[0], result
            return hook

        handles = [b.register_forward_hook(spy(i)) for i, b in enumerate(blocks)]
        try:
            net.train()
            dropped, bypass = [], []
            for seed in SEEDS:
                torch.manual_seed(seed)
                net(x)
                dropped.append(tuple(net.dropped_blocks()))
                if seed == SEEDS[0]:
                    bypass = [(outputs[i] - inputs[i]).abs().max().item()
                              for i in dropped[-1] if blocks[i].downsample is None]  # fmt: skip
            net.eval()
            first = net(x)
            runs_all = not net.dropped_blocks()
            torch.manual_seed(123)
            runs_all = runs_all and bool(torch.equal(first, net(x)))
            scaled = max(
                (outputs[i] - torch.relu(b.survival_prob * b.residual_branch(inputs[i]) + b.shortcut(inputs[i])))
                .abs().max().item()
                for i, b in enumerate(blocks)
            )  # fmt: skip
        finally:
            for handle in handles:
                handle.remove()
        survival = net.survival_probabilities()
    return MechanismCheck(
        len(blocks), tuple(dropped), tuple(sample_dropped(survival, s) for s in SEEDS), max(bypass, default=0.0),
        len(bypass), runs_all, scaled, network_cost().expected_blocks,
    )


def claims() -> list[Claim]:
    m = mechanism()
    n = m.num_blocks
    first, second = m.dropped
    random_subset = 0 < len(first) < n and 0 < len(second) < n and first != second and m.dropped == m.predicted
    sampled = f"{len(first)} and {len(second)} of {n} blocks dropped (seeds {SEEDS[0]} and {SEEDS[1]})"
    full_at_test = m.test_runs_all and m.test_scaled_error < 1e-5
    return [
        not_testable(
            "sd.vanishing_gradients", "stochastic_depth", "Reduce vanishing grads",
            "ResNet-110 trained on CIFAR-10 with and without stochastic depth, several seeds, recording the mean "
            "gradient magnitude at the first convolutional layer in every epoch, as the paper's Fig. 7 does",
            "huang2016deep, section 5 and Fig. 7 (CIFAR-10, the first convolutional layer's mean gradient "
            "magnitude in each epoch, with and without stochastic depth)",
            "A claim about training. The paper's evidence: with stochastic depth the gradient reaching the first "
            "convolutional layer is larger throughout training, most visibly after each drop of the learning "
            "rate. A measurement at initialisation, with random inputs and labels, cannot test it: the claim is "
            "about the gradient as the network learns, and the book ships no trained runs of this network.",
            bullet=VANISHING,
        ),
        Claim(
            "sd.random_subset", "stochastic_depth", "Randomly drop a subset of layers", "a random subset",
            1.0, float(random_subset), sampled, COMPUTED,
            "two seeded training forward passes of stochastic_depth110 (block.dropped after each), and "
            "sample_dropped, which draws the same numbers without running the network",
            Verdict.of(random_subset),
            f"Whole residual blocks (two conv layers each) are dropped, each independently with probability "
            f"1 − p_l, once per mini-batch; {m.expected_blocks:.2f} of {n} blocks run on average.",
            bullet=RANDOM_SUBSET,
        ),
        Claim(
            "sd.identity_bypass", "stochastic_depth", "Bypass with Identity function", "output = input", 0.0,
            m.bypass_error, f"output − input: largest difference {m.bypass_error:g} over {count(m.bypass_blocks)} dropped blocks",
            COMPUTED, f"training pass with seed {SEEDS[0]}: the input and output of every dropped block",
            Verdict.of(m.bypass_error == 0.0 and m.bypass_blocks > 0),
            "Exactly the identity: ReLU of the shortcut, and the input is already non-negative. The two blocks "
            "that halve the map size have the paper's parameter-free shortcut instead (2×2 average pooling, "
            "then zero channels), so a dropped one of those passes the pooled input on.",
            bullet=IDENTITY,
        ),
        Claim(
            "sd.full_network_at_test", "stochastic_depth", "Use full deep networks at test time",
            f"all {n} blocks", float(n), float(n if full_at_test else 0),
            f"{n} of {n} blocks run in eval mode, each residual scaled by p_l", COMPUTED,
            "stochastic_depth110 in eval mode: no block dropped, the same output under another seed, and each "
            "block's output equal to ReLU(p_l·f(x) + shortcut(x)) "
            f"(largest difference {m.test_scaled_error:.1e})",
            Verdict.of(full_at_test),
            f"Against {m.expected_blocks:.2f} blocks on average in training. Scaling by p_l makes each branch "
            "contribute at test time what it contributes on average in training.",
            bullet=FULL_AT_TEST,
        ),
    ]
