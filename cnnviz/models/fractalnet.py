"""FractalNet: Larsson, Maire, Shakhnarovich, "FractalNet: Ultra-Deep Neural Networks without Residuals"
(ICLR 2017).

A fractal block grows by the expansion rule

    f_1(z) = conv(z),        f_{C+1}(z) = join( (f_C ∘ f_C)(z), conv(z) ),

where a conv is a Conv3×3-BN-ReLU unit and ``join`` is the element-wise mean. Unrolled, f_C has C
columns: column j (1 = shallowest) is a plain chain of 2^(j-1) units, the deepest 2^(C-1). Joins sit
wherever columns end a sub-fractal at the same depth; nested joins at one depth are a single join of
all those columns (the paper's Figure 1 and the authors' Caffe generator), e.g. for C = 3 a 2-way join
after depth 2 and a 3-way join after depth 4 (:func:`fractal_joins`). There are no identity shortcuts:
every signal passes through a conv before a join. B blocks with 2×2 max pooling after each give
total depth B·2^(C-1).

Drop-path regularises training: per mini-batch, with probability ``global_drop_ratio`` a single column is
chosen for the whole network (global), otherwise each join drops each input with probability
``local_drop`` and keeps at least one (local). In eval mode the full network runs. The "anytime"
property: each column alone is a working network (:meth:`FractalNet.column_forward`).

CIFAR configuration (Section 4): B = 5 blocks of 64, 128, 256, 512, 512 channels, C = 3 columns, i.e.
20 layers (B·2^(C-1) = 5·4; the paper's illustration has C = 4, which makes 40 layers); a fully connected
layer after the fifth pool (1×1 at 32×32). Per-block dropout (0, 0.1, 0.2, 0.3, 0.4) on every conv as
in the Caffe model (conv-dropout-BN-ReLU), enabled by ``dropout=True`` (default): the default network is
the paper's "FractalNet + drop-path + dropout" (CIFAR-10+ error 4.60%).

Deviations, all without effect on the parameter count:
* the paper's Table 1 states 38.6M parameters for the 20-layer network, but the architecture it
  describes (and the authors' Caffe generator) has 33.7M: ``fractalnet20`` has 33,724,618 with 10
  classes (Caffe's variant, conv biases and BN without affine parameters, would have 33,714,314).
  No channel layout we tried gives 38.6M; reimplementations (e.g. khanrc/pt.fractalnet) report the
  same gap. The 40-layer, 22.9M network of the same table is not specified in the paper and is not
  registered (``fractalnet(columns=4)`` builds a 40-layer network with these widths: 76.1M).
* pooling follows the join (the paper's figure); the Caffe model pools each column before the final join.
* a global average pool precedes the classifier so other input sizes work; at 32×32 it averages a
  1×1 map, i.e. it is the identity.
* convolutions have no bias and BN is affine (the usual PyTorch unit); Caffe used biased convolutions
  and BN without scale and shift.
Initialisation as the Caffe model: "xavier" (uniform, ±√(3/fan_in)) for convolutions and the classifier,
zero classifier bias, BN weight 1 and bias 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from cnnviz.models.base import ConvNet
from cnnviz.models.registry import Paper, register
from cnnviz.validate import boolean, positive_int, probability

PAPER = Paper(
    title="FractalNet: Ultra-Deep Neural Networks without Residuals",
    authors="Gustav Larsson, Michael Maire, Gregory Shakhnarovich",
    year=2017,
    arxiv="1605.07648",
    bibkey="larsson2017fractalnet",
)

PAPER_DROPOUT = (0.0, 0.1, 0.2, 0.3, 0.4)  # per-block dropout rates of the paper's CIFAR runs
MAX_WIDTH = 512


# --- the architecture as data ---------------------------------------------------------------------

def column_depth(column: int) -> int:
    """Number of conv units in column ``column`` (1 = shallowest) of one block: 2^(column-1)."""
    return 2 ** (column - 1)


def column_has_unit(column: int, step: int, columns: int) -> bool:
    """Whether ``column`` applies a conv unit at depth ``step`` (1 .. 2^(C-1)) of a C-column block."""
    return step % 2 ** (columns - column) == 0


def fractal_joins(columns: int) -> dict[int, tuple[int, ...]]:
    """The joins of a C-column block: depth step → the columns it averages (only steps with ≥ 2)."""
    joins = {}
    for step in range(1, column_depth(columns) + 1):
        ending = tuple(j for j in range(1, columns + 1) if column_has_unit(j, step, columns))
        if len(ending) > 1:
            joins[step] = ending
    return joins


def default_channels(blocks: int) -> tuple[int, ...]:
    """64 channels doubling per block, capped at 512: (64, 128, 256, 512, 512) for the paper's five."""
    return tuple(min(64 * 2**b, MAX_WIDTH) for b in range(blocks))


@dataclass(frozen=True)
class FractalStructure:
    """What a diagram needs: depths, and which module is which column's conv or which join."""

    columns: int
    blocks: int
    block_depth: int  # 2^(C-1): convs on the deepest path through one block
    depth: int  # B·2^(C-1): convs on the deepest path through the network (the classifier not counted)
    convs_per_block: int  # 2^C - 1
    conv_columns: tuple[tuple[str, int, int], ...]  # (module name of the Conv2d, block, column)
    joins: tuple[tuple[str, int, int, tuple[int, ...]], ...]  # (module name, block, depth step, columns)


# --- blocks ---------------------------------------------------------------------------------------

class ConvUnit(nn.Sequential):
    """Conv3×3-(Dropout)-BN-ReLU, the paper's "conv" of the expansion rule."""

    def __init__(self, in_channels: int, out_channels: int, dropout: float) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False)
        if dropout > 0:
            self.dropout = nn.Dropout(p=dropout)
        self.norm = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=False)


class Join(nn.Module):
    """Element-wise mean of its inputs. In training each input is dropped with ``drop_prob``
    (local drop-path), keeping at least one; the mean is then over the kept inputs."""

    def __init__(self, num_inputs: int, drop_prob: float) -> None:
        super().__init__()
        self.num_inputs = num_inputs
        self.drop_prob = drop_prob

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        x = torch.stack(inputs, dim=0)  # (inputs, N, C, H, W)
        if self.training and self.drop_prob > 0:
            keep = torch.rand(self.num_inputs) >= self.drop_prob
            if not bool(keep.any()):
                keep[torch.randint(self.num_inputs, ())] = True
            weights = keep.to(x.dtype).to(x.device).view(-1, 1, 1, 1, 1)
            return (x * weights).sum(dim=0) / weights.sum()  # (N, C, H, W)
        return x.mean(dim=0)  # (N, C, H, W)

    def extra_repr(self) -> str:
        return f"num_inputs={self.num_inputs}, drop_prob={self.drop_prob}"


class FractalBlock(nn.Module):
    """f_C unrolled: ``column1`` .. ``columnC`` (chains of 2^(j-1) units) and ``join<step>`` modules."""

    def __init__(
        self, in_channels: int, out_channels: int, columns: int, local_drop: float, dropout: float
    ) -> None:
        super().__init__()
        self.num_columns = columns
        self.depth = column_depth(columns)
        for j in range(1, columns + 1):
            units = [
                ConvUnit(in_channels if k == 0 else out_channels, out_channels, dropout)
                for k in range(column_depth(j))
            ]
            self.add_module(f"column{j}", nn.Sequential(*units))
        self.join_columns = fractal_joins(columns)
        for step, joined in self.join_columns.items():
            self.add_module(f"join{step}", Join(len(joined), local_drop))

    def column(self, j: int) -> nn.Sequential:
        return getattr(self, f"column{j}")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        C = self.num_columns
        outs = [x] * C  # the current signal of each column, (N, c_in or c_out, H, W)
        for step in range(1, self.depth + 1):
            for j in range(1, C + 1):
                if column_has_unit(j, step, C):
                    unit = step // 2 ** (C - j) - 1  # index of this column's unit at this depth
                    outs[j - 1] = self.column(j)[unit](outs[j - 1])  # (N, c_out, H, W)
            if step in self.join_columns:
                joined = self.join_columns[step]
                y = getattr(self, f"join{step}")(*(outs[j - 1] for j in joined))
                for j in joined:
                    outs[j - 1] = y
        return outs[-1]  # after the last join every column holds the block output

    def column_forward(self, x: torch.Tensor, j: int) -> torch.Tensor:
        """Column ``j`` alone (global drop-path): its plain chain of 2^(j-1) conv units."""
        return self.column(j)(x)


# --- the network ----------------------------------------------------------------------------------

class FractalNet(ConvNet):
    """B fractal blocks with 2×2 max pooling after each, global average pool and a linear classifier."""

    def __init__(
        self,
        name: str,
        columns: int,
        channels: Sequence[int],
        local_drop: float,
        global_drop_ratio: float,
        dropout_rates: Sequence[float],
        num_classes: int,
        in_channels: int,
    ) -> None:
        super().__init__(name, in_channels)
        self.num_columns = columns
        self.num_blocks = len(channels)
        self.channels = tuple(channels)
        self.local_drop = local_drop
        self.global_drop_ratio = global_drop_ratio
        self.features = nn.Sequential()
        previous = in_channels
        for b, (width, rate) in enumerate(zip(channels, dropout_rates, strict=True), start=1):
            self.features.add_module(f"block{b}", FractalBlock(previous, width, columns, local_drop, rate))
            self.features.add_module(f"pool{b}", nn.MaxPool2d(kernel_size=2, stride=2))
            previous = width
        self.avgpool = nn.AdaptiveAvgPool2d(1)  # identity on the 1×1 map of a 32×32 input with 5 blocks
        self.flatten = nn.Flatten(1)
        self.classifier = nn.Linear(previous, num_classes)

        for module in self.modules():
            if isinstance(module, nn.Conv2d | nn.Linear):
                fan_in = module.weight[0].numel()
                bound = math.sqrt(3.0 / fan_in)  # Caffe's "xavier" filler
                nn.init.uniform_(module.weight, -bound, bound)
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)
        nn.init.zeros_(self.classifier.bias)

    @property
    def structure(self) -> FractalStructure:
        convs, joins = [], []
        for b in range(1, self.num_blocks + 1):
            block: FractalBlock = getattr(self.features, f"block{b}")
            for j in range(1, self.num_columns + 1):
                for k in range(column_depth(j)):
                    convs.append((f"features.block{b}.column{j}.{k}.conv", b, j))
            for step, joined in block.join_columns.items():
                joins.append((f"features.block{b}.join{step}", b, step, joined))
        depth = column_depth(self.num_columns)
        return FractalStructure(
            columns=self.num_columns,
            blocks=self.num_blocks,
            block_depth=depth,
            depth=self.num_blocks * depth,
            convs_per_block=2**self.num_columns - 1,
            conv_columns=tuple(convs),
            joins=tuple(joins),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        if self.training and self.global_drop_ratio > 0 and bool(torch.rand(()) < self.global_drop_ratio):
            column = int(torch.randint(1, self.num_columns + 1, ()))  # global drop-path for this batch
            x = self._column_features(x, column)
        else:
            x = self.features(x)  # (N, channels[-1], H/2^B, W/2^B); (N, 512, 1, 1) for CIFAR
        return self.classifier(self.flatten(self.avgpool(x)))  # (N, num_classes)

    def column_forward(self, x: torch.Tensor, column: int) -> torch.Tensor:
        """The network restricted to one column (1 = shallowest): the paper's extracted sub-networks."""
        self.check_input(x)
        if isinstance(column, bool) or not isinstance(column, int) or not 1 <= column <= self.num_columns:
            raise ValueError(
                f"{self.model_name}: column must be an integer in 1..{self.num_columns}, got {column!r}"
            )
        x = self._column_features(x, column)
        return self.classifier(self.flatten(self.avgpool(x)))  # (N, num_classes)

    def _column_features(self, x: torch.Tensor, column: int) -> torch.Tensor:
        for module in self.features:
            x = module.column_forward(x, column) if isinstance(module, FractalBlock) else module(x)
        return x


# --- builders -------------------------------------------------------------------------------------

def fractalnet(
    *,
    columns: int = 3,
    blocks: int = 5,
    channels: Sequence[int] | None = None,
    local_drop: float = 0.15,
    global_drop_ratio: float = 0.5,
    dropout: bool = True,
    num_classes: int = 10,
    in_channels: int = 3,
) -> FractalNet:
    """FractalNet with C ``columns`` and B ``blocks`` (CIFAR: C=3, B=5, 20 layers).

    ``channels``: one width per block (default 64 doubling to at most 512). ``dropout``: per-block rates
    0, 0.1, 0.2, ... (the paper's (0, 0.1, 0.2, 0.3, 0.4) for five blocks) or no dropout.
    """
    name = "fractalnet"
    positive_int(name, "columns", columns)
    positive_int(name, "blocks", blocks)
    probability(name, "local_drop", local_drop)
    probability(name, "global_drop_ratio", global_drop_ratio)
    positive_int(name, "num_classes", num_classes)
    boolean(name, "dropout", dropout)
    if channels is None:
        channels = default_channels(blocks)
    elif (
        isinstance(channels, str | bytes)
        or not isinstance(channels, Sequence)
        or len(channels) != blocks
        or any(isinstance(c, bool) or not isinstance(c, int) or c <= 0 for c in channels)
    ):
        raise ValueError(
            f"{name}: channels must list one positive width per block (blocks={blocks}), got {channels!r}"
        )
    if dropout and blocks > 10:
        raise ValueError(
            f"{name}: dropout=True uses rates 0, 0.1, ..., 0.1·(blocks-1), which reach 1 for "
            f"blocks={blocks}; use blocks ≤ 10 or dropout=False"
        )
    rates = tuple(round(0.1 * b, 10) for b in range(blocks)) if dropout else (0.0,) * blocks
    depth = blocks * column_depth(columns)
    if (columns, blocks) == (3, 5):
        name = f"fractalnet{depth}"
    return FractalNet(name, columns, channels, local_drop, global_drop_ratio, rates, num_classes, in_channels)


def fractalnet_cifar(
    *,
    columns: int = 3,
    blocks: int = 5,
    channels: Sequence[int] | None = None,
    local_drop: float = 0.15,
    global_drop_ratio: float = 0.5,
    dropout: bool = True,
    num_classes: int = 10,
    in_channels: int = 3,
) -> FractalNet:
    """The paper's CIFAR FractalNet: 5 blocks of 3 columns, 20 layers deep, trained with drop-path."""
    return fractalnet(
        columns=columns, blocks=blocks, channels=channels, local_drop=local_drop,
        global_drop_ratio=global_drop_ratio, dropout=dropout, num_classes=num_classes,
        in_channels=in_channels,
    )


# --- registered names -----------------------------------------------------------------------------

_CIFAR = dict(
    family="FractalNet", paper=PAPER, input_size=(3, 32, 32), dataset="CIFAR-10", reported_error=0.0460,
    error_metric="CIFAR-10+ error (drop-path and dropout)",
)
register("fractalnet20", fractalnet_cifar, **_CIFAR, kwargs={"columns": 3, "blocks": 5})
register(
    "fractalnet", fractalnet_cifar, **_CIFAR,
    description="The paper's 20-layer CIFAR FractalNet; columns (C) and blocks (B) as keyword arguments.",
)
