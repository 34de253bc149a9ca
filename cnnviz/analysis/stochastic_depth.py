"""Stochastic depth on the zoo's network: the work of each block, seeded samples of the blocks that survive,
and the gradient that reaches the first block with and without dropping.

The probabilities and expectations are pure arithmetic (:func:`cnnviz.analysis.ops.stochastic_depth_cost`);
this module adds what needs the network: each block's multiply-adds from the ledger, the random draws of
:class:`cnnviz.models.stochastic_depth.StochasticDepthBlock` reproduced without a forward pass, and a small
measurement of gradient norms. Every function restores torch's random state (``torch.random.fork_rng``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from statistics import mean

import torch

from cnnviz.analysis.ops import StochasticDepthCost, stochastic_depth_cost, survival_probabilities
from cnnviz.validate import integer, positive_int

__all__ = ["block_macs", "network_cost", "sample_dropped", "GradientNorms", "gradient_norms"]


@functools.cache
def block_macs(name: str = "stochastic_depth110") -> tuple[tuple[int, ...], int]:
    """(multiply-adds of each residual block in forward order, multiply-adds outside the blocks), per image,
    from the ledger of the registry network ``name``. A dropped block still runs its parameter-free shortcut
    (counted as no multiply-adds), so its row is the work that dropping saves."""
    from cnnviz.analysis.claims.make import cached_ledger

    led = cached_ledger(name)
    blocks = tuple(r.macs for r in led.rows if r.depth == 2 and r.name.startswith("layer"))
    return blocks, led.total_macs - sum(blocks)


def network_cost(p_last: float = 0.5, rule: str = "linear", name: str = "stochastic_depth110") -> StochasticDepthCost:
    """:func:`cnnviz.analysis.ops.stochastic_depth_cost` for the blocks of ``name``, weighted by their work."""
    blocks, other = block_macs(name)
    return stochastic_depth_cost(len(blocks), p_last, rule, block_macs=blocks, other_macs=other)


def sample_dropped(survival: tuple[float, ...] | list[float], seed: int) -> tuple[int, ...]:
    """The blocks (0-based, forward order) that one training forward pass of the zoo's network drops after
    ``torch.manual_seed(seed)``: the same ``torch.rand(())`` draws, in the same order, as
    :class:`~cnnviz.models.stochastic_depth.StochasticDepthBlock` (block l is dropped when its draw is at
    least p_l), without running the network. The tests check it against the network."""
    integer("sample_dropped", "seed", seed, minimum=0)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return tuple(i for i, p in enumerate(survival) if bool(torch.rand(()) >= p))


@dataclass(frozen=True)
class GradientNorms:
    """Gradient norms of one loss per random batch, for the same network, batches and labels, with the
    blocks dropped as in training (p_l of the linear rule) and with every block kept (p_l = 1)."""

    p_last: float
    batch: int
    trials: int
    seed: int
    first_weights_drop: tuple[float, ...]  # ‖∂loss/∂(weights of block 1)‖ per trial, dropping
    first_weights_full: tuple[float, ...]  # the same, every block kept
    first_input_drop: tuple[float, ...]  # ‖∂loss/∂h_0‖: the gradient reaching block 1 (its input)
    first_input_full: tuple[float, ...]
    last_input_drop: tuple[float, ...]  # ‖∂loss/∂h_{L-1}‖: the gradient at the input of the last block
    last_input_full: tuple[float, ...]
    active: tuple[int, ...]  # blocks that ran in each trial, dropping
    first_dropped: int  # trials in which block 1 itself was dropped (its weight gradient is then 0)

    @property
    def weights_ratio(self) -> float:
        """mean over trials of the first block's weight gradient, dropping / every block kept."""
        return mean(self.first_weights_drop) / mean(self.first_weights_full)

    @property
    def input_ratio(self) -> float:
        return mean(self.first_input_drop) / mean(self.first_input_full)

    @property
    def growth_drop(self) -> float:
        """mean ‖gradient at block 1's input‖ / ‖at the last block's input‖, dropping (< 1: it vanishes)."""
        return mean(a / b for a, b in zip(self.first_input_drop, self.last_input_drop, strict=True))

    @property
    def growth_full(self) -> float:
        return mean(a / b for a, b in zip(self.first_input_full, self.last_input_full, strict=True))


@functools.cache
def gradient_norms(p_last: float = 0.5, *, trials: int = 10, batch: int = 8, seed: int = 0) -> GradientNorms:
    """Build the zoo's ``stochastic_depth110`` (seeded He initialisation), then for each of ``trials`` random
    batches (``batch`` Gaussian 32×32 images, random labels) run one training forward and backward pass of
    the cross-entropy loss twice: with the blocks dropped as in training, and with every block kept. Batch
    norm is in training mode both times. At initialisation only: what training does to the gradients over
    many epochs is not measured here. A few seconds on two CPU cores."""
    from cnnviz.models.stochastic_depth import stochastic_depth_resnet

    positive_int("gradient_norms", "trials", trials)
    positive_int("gradient_norms", "batch", batch)
    integer("gradient_norms", "seed", seed, minimum=0)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = stochastic_depth_resnet(110, p_last)
        net.train()
        blocks = net.blocks()
        survival = net.survival_probabilities()
        assert survival == list(survival_probabilities(len(blocks), p_last))
        seen: dict[str, torch.Tensor] = {}

        def keep(key: str):
            def hook(_module, inputs):
                inputs[0].retain_grad()
                seen[key] = inputs[0]
            return hook

        handles = [blocks[0].register_forward_pre_hook(keep("first")),
                   blocks[-1].register_forward_pre_hook(keep("last"))]  # fmt: skip
        out: dict[str, list[float]] = {k: [] for k in ("wd", "wf", "fd", "ff", "ld", "lf")}
        active, first_dropped = [], 0
        try:
            for trial in range(trials):
                torch.manual_seed(seed + 1 + trial)
                x = torch.randn(batch, 3, 32, 32)
                y = torch.randint(0, 10, (batch,))
                for drop in (True, False):
                    for block, p in zip(blocks, survival, strict=True):
                        block.survival_prob = p if drop else 1.0
                    net.zero_grad(set_to_none=False)
                    torch.manual_seed(10_000 + seed + trial)  # the draws of the dropping pass
                    torch.nn.functional.cross_entropy(net(x), y).backward()
                    weights = torch.cat([p.grad.flatten() for p in blocks[0].parameters()]).norm().item()
                    tag = "d" if drop else "f"
                    out["w" + tag].append(weights)
                    out["f" + tag].append(seen["first"].grad.norm().item())
                    out["l" + tag].append(seen["last"].grad.norm().item())
                    if drop:
                        active.append(len(blocks) - len(net.dropped_blocks()))
                        first_dropped += blocks[0].dropped
        finally:
            for handle in handles:
                handle.remove()
            for block, p in zip(blocks, survival, strict=True):
                block.survival_prob = p
    return GradientNorms(
        p_last, batch, trials, seed, tuple(out["wd"]), tuple(out["wf"]), tuple(out["fd"]), tuple(out["ff"]),
        tuple(out["ld"]), tuple(out["lf"]), tuple(active), first_dropped,
    )
