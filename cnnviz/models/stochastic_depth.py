"""Stochastic depth: Huang, Sun, Liu, Sedra, Weinberger, "Deep Networks with Stochastic Depth" (2016).

Train a short network, test a deep one. Block l of a residual network computes
H_l = ReLU(b_l * f_l(H_{l-1}) + id(H_{l-1})), where b_l is a Bernoulli variable drawn once per mini-batch
with survival probability p_l: a dropped block (b_l = 0) is just its shortcut, and its convolutions are not
computed at all. At test time every block is used, with its residual branch scaled by its expected
value: H_l = ReLU(p_l * f_l(H_{l-1}) + id(H_{l-1})).

Survival probabilities decay linearly with depth ("linear decay rule"), from p_0 = 1 for the input to
p_L = ``p_last`` (0.5 in the paper) for the last of the L blocks: p_l = 1 - l / L * (1 - p_L).

The network is the CIFAR-10 ResNet-110 of He et al. (54 basic blocks, 1.7M parameters), built by
:class:`cnnviz.models.cifar_resnet.CifarResNet` with :class:`StochasticDepthBlock`, a subclass of its
basic block. Shortcuts: where the shape changes the paper (and its code) uses "an average pooling layer
followed by zero paddings", i.e. option A with a 2x2 average instead of He et al.'s stride-2 subsampling;
we follow the paper (both are parameter-free, so the count equals ResNet-110's). Deviation: the authors'
Torch code gives every conv a bias (redundant before BN; 1,904 extra parameters); we keep He et al.'s
bias-free convs so the network is exactly ResNet-110.

Randomness comes from ``torch.rand`` only, so ``torch.manual_seed`` fixes which blocks are dropped. After
each training forward, ``block.dropped`` says whether that block was skipped (for diagrams).
Initialisation: He (MSRA) normal for convs, BN weight 1 / bias 0, fc at PyTorch's default.
"""

from __future__ import annotations

import torch

from cnnviz.models.cifar_resnet import BasicBlock, CifarResNet, blocks_per_stage
from cnnviz.models.registry import Paper, register
from cnnviz.models.resnet import ZeroPadShortcut
from cnnviz.validate import probability

HUANG2016 = Paper(
    title="Deep Networks with Stochastic Depth",
    authors="Gao Huang, Yu Sun, Zhuang Liu, Daniel Sedra, Kilian Q. Weinberger",
    year=2016,
    arxiv="1603.09382",
    bibkey="huang2016deep",
)


def linear_decay(num_blocks: int, p_last: float) -> list[float]:
    """p_l = 1 - l / L * (1 - p_L) for l = 1 .. L (the paper's linear decay rule)."""
    return [1 - i / num_blocks * (1 - p_last) for i in range(1, num_blocks + 1)]


class StochasticDepthBlock(BasicBlock):
    """A CIFAR ResNet basic block whose residual branch survives with probability ``survival_prob``."""

    def __init__(
        self, in_channels: int, out_channels: int, stride: int = 1, *, survival_prob: float = 1.0
    ) -> None:
        super().__init__(in_channels, out_channels, stride, shortcut="A")
        if self.downsample is not None:  # the paper's shortcut: 2x2 average pooling, then zero padding
            self.downsample = ZeroPadShortcut(in_channels, out_channels, stride, kernel_size=stride)
        self.survival_prob = survival_prob
        self.dropped = False  # whether the last training forward skipped the residual branch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = self.shortcut(x)  # (N, C_out, H/s, W/s)
        if self.training:
            # One Bernoulli draw per mini-batch; a dropped block costs no convolution at all.
            self.dropped = bool(torch.rand(()) >= self.survival_prob)
            if self.dropped:
                return self.relu2(identity)  # = identity: the input is already non-negative
            return self.relu2(self.residual_branch(x) + identity)
        self.dropped = False  # test time: every block, its branch scaled by p_l
        return self.relu2(self.survival_prob * self.residual_branch(x) + identity)


class StochasticDepthResNet(CifarResNet):
    """A CIFAR ResNet of :class:`StochasticDepthBlock` with linearly decaying survival probabilities."""

    def __init__(
        self, name: str, n: int, p_last: float, *, num_classes: int = 10, in_channels: int = 3
    ) -> None:
        super().__init__(name, n, StochasticDepthBlock, num_classes=num_classes, in_channels=in_channels)
        self.p_last = p_last
        blocks = self.blocks()
        for block, p in zip(blocks, linear_decay(len(blocks), p_last), strict=True):
            block.survival_prob = p

    def survival_probabilities(self) -> list[float]:
        """p_l of every block, in forward order (p_1 close to 1, p_L = p_last)."""
        return [block.survival_prob for block in self.blocks()]

    def dropped_blocks(self) -> list[int]:
        """Indices (0-based, forward order) of the blocks the last training forward skipped."""
        return [i for i, block in enumerate(self.blocks()) if block.dropped]


def stochastic_depth_resnet(
    depth: int = 110, p_last: float = 0.5, *, num_classes: int = 10, in_channels: int = 3
) -> StochasticDepthResNet:
    """CIFAR ResNet-``depth`` with stochastic depth (linear decay to ``p_last``), Huang et al. 2016."""
    n = blocks_per_stage(depth, model="stochastic_depth")
    probability(f"stochastic_depth{depth}", "p_last", p_last)
    return StochasticDepthResNet(f"stochastic_depth{depth}", n, float(p_last), num_classes=num_classes,
                                 in_channels=in_channels)


# --- registered names ----------------------------------------------------------------------------------

# Table 1: CIFAR-10 (with augmentation) test error of the 110-layer network, 6.41% with constant depth.
register(
    "stochastic_depth110", stochastic_depth_resnet, family="Stochastic Depth", paper=HUANG2016,
    input_size=(3, 32, 32), dataset="CIFAR-10", reported_error=0.0525, error_metric="CIFAR-10 test error (Table 1)",
    description="ResNet-110 for CIFAR-10 with stochastic depth, survival decaying linearly to 0.5",
    kwargs={"depth": 110},
)
