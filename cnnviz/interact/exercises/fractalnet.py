"""Exercises of the FractalNet chapter: answers computed from the zoo's FractalNet and cnnviz.analysis."""

from __future__ import annotations

from cnnviz.analysis import fractal_paths
from cnnviz.interact.exercises import REASONING, TASK, Exercise


def _paths(columns: int) -> int:
    return fractal_paths.fractal_block_count(columns).paths


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
        id="fractalnet.paths",
        question="How many different paths lead from the input to the output of a fractal block with "
        "C = {columns} columns?",
        answer=_paths,
        params={"columns": 5},
        variants=({"columns": 6}, {"columns": 7}),
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
    Exercise(
        id="fractalnet.no_residuals",
        kind=REASONING,
        question="FractalNet reaches ResNet-like depth **without** residual (identity) connections. What plays "
        "the role of the short paths, and what does the paper conclude from this about why residual networks "
        "train?",
        hint="Count the depth of the shortest and the longest path through a block.",
        solution="A fractal block of C columns contains paths of every length from 1 to 2^(C−1) "
        "convolutions; the shallow columns give the gradient short paths to the early layers during "
        "training, and the deep columns give capacity. So short paths, not the identity shortcut itself, make "
        "very deep networks trainable: FractalNet's joins are averages, with no identity mapping, and it "
        "matches ResNets of similar depth. The paper concludes that the key may be the effective depth "
        "during training (a student–teacher effect: shallow sub-networks learn quickly, deep ones follow), and "
        "that residual learning is not required for depth.",
    ),
    Exercise(
        id="fractalnet.drop_path",
        kind=REASONING,
        question="Explain the two kinds of drop-path the paper mixes (local and global), and what each gives the "
        "network.",
        hint="Local: at each join; global: one column for the whole network.",
        solution="**Local** drop-path drops each input of a join with a fixed probability (keeping at least "
        "one), like dropout on whole sub-paths: it regularises against co-adaptation of columns, so every "
        "column must be useful on its own. **Global** drop-path picks one column for the whole network for a "
        "mini-batch, so that single column is trained as a plain network: it makes each column a strong "
        "stand-alone predictor (an 'anytime' network: the shallow column can be used alone for faster "
        "inference). The paper alternates them (50/50 per mini-batch) and shows drop-path helps especially "
        "without data augmentation.",
    ),
    Exercise(
        id="fractalnet.c4_four_blocks",
        kind=TASK,
        question="Change the network: write `build()` returning a FractalNet with **C = 4** columns and **4** "
        "blocks for CIFAR-100, using the zoo's `fractalnet`.",
        hint="`fractalnet(columns=..., blocks=..., num_classes=...)` from `cnnviz.models.fractalnet`; the "
        "default widths are defined for 5 blocks: pass 4 channel counts.",
        solution='''from torch import nn

from cnnviz.models.fractalnet import fractalnet


def build() -> nn.Module:
    return fractalnet(columns=4, blocks=4, channels=(64, 128, 256, 512), num_classes=100)
''',
        input_size=(3, 32, 32),
    ),
]
