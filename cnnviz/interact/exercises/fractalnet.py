"""Exercises of the FractalNet chapter: answers computed from the zoo's FractalNet and cnnviz.analysis."""

from __future__ import annotations

from cnnviz.analysis import fractal_paths
from cnnviz.interact.exercises import Exercise


def _paths_c5() -> int:
    return fractal_paths.fractal_block_count(5).paths


def _convs_40_layers() -> int:
    import torch

    from cnnviz.models.fractalnet import fractalnet

    with torch.device("meta"):
        return len(fractalnet(columns=4).structure.conv_columns)


def _block_c4_params() -> int:
    import torch

    from cnnviz.models.fractalnet import FractalBlock

    with torch.device("meta"):
        return sum(p.numel() for p in FractalBlock(64, 128, 4, local_drop=0.15, dropout=0.0).parameters())


def _whole_block_local() -> float:
    from cnnviz.models.fractalnet import fractal_joins

    keep = 1 - 0.15  # the zoo's local drop rate
    probability = 1.0
    for joined in fractal_joins(3).values():
        probability *= keep ** len(joined)
    return round(probability, 4)


EXERCISES = [
    Exercise(
        id="fractalnet.paths_c5",
        question="How many different paths lead from the input to the output of a fractal block with C = 5 "
        "columns?",
        answer=_paths_c5,
        hint="The expansion rule f_{C+1}(z) = join(f_C(f_C(z)), conv(z)): a path through f_C ∘ f_C is a path "
        "through the first copy followed by one through the second; the conv adds one more.",
    ),
    Exercise(
        id="fractalnet.convs_40_layers",
        question="The paper's illustration has C = 4 columns: `fractalnet(columns=4)` with its 5 blocks. How many "
        "convolutions does that network have in all (every column of every block)?",
        answer=_convs_40_layers,
        hint="Column j of a block has 2^(j-1) convolutions.",
    ),
    Exercise(
        id="fractalnet.block_c4_params",
        question="How many parameters has a fractal block with C = 4 columns, 64 channels in and 128 out "
        "(3×3 convolutions without bias, each followed by batch norm with a scale and a shift)?",
        answer=_block_c4_params,
        hint="Each column's first convolution takes 64 channels, every other one 128.",
    ),
    Exercise(
        id="fractalnet.whole_block_local",
        question="In a mini-batch that uses local drop-path, what is the probability that a C = 3 block runs "
        "whole (no join drops an input)? The zoo drops each join input with probability 0.15. Give 4 decimals.",
        answer=_whole_block_local,
        rel_tol=0.001,
        hint="Count the inputs of the block's joins; each must be kept, independently.",
    ),
]
