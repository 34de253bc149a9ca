"""The FractalNet chapter's claims: shallow and deep paths without residuals, drop-path, the full network at
test time, and the paper's parameter count.

The notes say four things about FractalNet. What the network is and does is checked on the zoo's
``fractalnet20`` and its :class:`cnnviz.models.fractalnet.FractalBlock`: the paths through a block and the
identity shortcuts it has (none), what drop-path drops in training, and what runs in evaluation mode. The
"key is the transition from shallow to deep" is the paper's hypothesis about training, not testable without
trained networks: its verdict says what would test it. The paper's Table 1 parameter count
(:data:`PAPER_PARAMS`), which the notes do not state, is checked against the architecture the paper
describes.
"""

from __future__ import annotations

from cnnviz.analysis import fractal_paths
from cnnviz.analysis.claims import COMPUTED, Bullet, Claim, Verdict
from cnnviz.analysis.claims.make import not_testable, total_params

__all__ = ["PAPER_PARAMS", "PAPER_PARAMS_SOURCE", "claims", "drop_path_rates"]

PAPER_PARAMS = 38.6e6  # Larsson et al. 2017, Table 1: the 20-layer FractalNet on CIFAR
PAPER_PARAMS_SOURCE = "larsson2017fractalnet, Table 1 (FractalNet, 20 layers, CIFAR)"
SAMPLES = 1000

# The notes' four bullets on FractalNet, as they write them ("∧" is their "and").
KEY = Bullet("fractalnet.key", "key is transitioning from shallow to deep networks ∧ NOT residual representations")
PATHS = Bullet("fractalnet.paths", "Fractal architecture with both shallow ∧ deep pathways to output")
DROP_PATH = Bullet("fractalnet.drop_path", "Trained with dropping out sub-paths")
FULL_AT_TEST = Bullet("fractalnet.full_at_test", "Full network at test time")


def drop_path_rates(columns: int = 3, samples: int = SAMPLES) -> dict[str, float]:
    """Over seeds 0 .. ``samples``-1 of :func:`cnnviz.analysis.fractal_paths.drop_path_sample` (the zoo's rates):
    the share of global samples, of local samples that drop at least one join input, and of samples
    in which the whole block survives."""
    total = fractal_paths.fractal_block_count(columns)
    draws = [fractal_paths.drop_path_sample(columns, seed) for seed in range(samples)]
    return {
        "global": sum(s.kind == "global" for s in draws) / samples,
        "local_dropping": sum(s.kind == "local" and s.convs < total.convs for s in draws) / samples,
        "whole": sum(s.convs == total.convs for s in draws) / samples,
    }


def _claim(id: str, statement: str, stated: str, stated_value: float, actual_value: float, actual: str,
           source: str, holds: bool, note: str, bullet: Bullet | None, basis: str = COMPUTED) -> Claim:  # fmt: skip
    return Claim(id, "fractalnet", statement, stated, float(stated_value), float(actual_value), actual, basis,
                 source, Verdict.of(holds), note, bullet=bullet)  # fmt: skip


def _test_time(columns: int = 3) -> tuple[int, int, bool]:
    """A one-block FractalNet in eval mode: conv units that run, of all, and whether two seeds agree."""
    import torch

    from cnnviz.models.fractalnet import ConvUnit, fractalnet

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        net = fractalnet(columns=columns, blocks=1, channels=[4], num_classes=2).eval()
        ran = []
        hooks = [m.register_forward_hook(lambda *_: ran.append(1)) for m in net.modules() if isinstance(m, ConvUnit)]
        x = torch.randn(2, 3, 8, 8)
        outs = []
        with torch.no_grad():
            for seed in (1, 2):
                ran.clear()
                torch.manual_seed(seed)
                outs.append(net(x))
        for hook in hooks:
            hook.remove()
    units = sum(isinstance(m, ConvUnit) for m in net.modules())
    return len(ran), units, bool(torch.equal(outs[0], outs[1]))


def claims() -> list[Claim]:

    from cnnviz import models
    from cnnviz.analysis.resolve import shapes_only

    with shapes_only():  # structure only: no weights drawn
        net = models.get("fractalnet20")
    C, B = net.num_columns, net.num_blocks
    block = fractal_paths.fractal_block_count(C)
    identity = sum(1 for length, _ in block.path_lengths if length == 0)  # paths with no convolution
    rates = drop_path_rates(C)
    ran, units, same = _test_time(C)
    params = total_params("fractalnet20")
    return [
        not_testable(
            "fractalnet.shallow_to_deep", "fractalnet", "Key is transitioning from shallow to deep networks "
            "(in training)",
            "FractalNet trained on CIFAR, several seeds, with the loss of its deepest column, run alone, tracked "
            "through training beside a plain network of that depth trained alone, as the paper's Section 4.3 does",
            "larsson2017fractalnet, abstract and Section 4.3 (the deepest column tracked through training, "
            "against a plain network of its depth trained alone); the book ships no such runs",
            "The paper's hypothesis: 'the key may be the ability to transition, during training, from "
            "effectively shallow to deep'. The book shows the structure that allows it (shallow and deep "
            "paths, no residuals) but trains no FractalNet.",
            bullet=KEY,
        ),
        _claim("fractalnet.no_residuals", "NOT residual representations (identity paths in a fractal block of "
               "FractalNet-20)", "0", 0, identity,
               f"{identity} identity paths; every one of the {block.paths} paths has at least "
               f"{block.shortest} convolution", "fractal_paths.fractal_block_count(3).path_lengths", identity == 0,
               "No residuals: the zoo's block has no identity shortcut, every path passes a convolution "
               "before a join (the shortest path is one convolution).", KEY),
        _claim("fractalnet.shallow_and_deep", "Both shallow and deep pathways to output (convolutions on the "
               "shortest and the longest path of FractalNet-20)", "shallow and deep", 1, block.longest / block.shortest,
               f"shortest {B * block.shortest}, longest {B * block.longest} convolutions ({block.paths} paths "
               f"per block, {count_paths(block.paths, B)} through the network)",
               "fractal_paths.fractal_block_count(net.num_columns) × net.num_blocks", block.longest > block.shortest,
               f"Per block the paths have 1 to {block.longest} convolutions; the five blocks are in sequence, so "
               "the network's paths range over B·1 to B·2^(C-1).", PATHS),
        _claim("fractalnet.drop_path", "Trained with dropping out sub-paths (share of 1,000 seeded training "
               "samples of a block that drop part of it)", "dropped", 0, 1 - rates["whole"],
               f"{1 - rates['whole']:.1%} drop part of the block ({rates['global']:.1%} global: one column; "
               f"{rates['local_dropping']:.1%} local)", "drop_path_rates(3): fractal_paths.drop_path_sample on the zoo's "
               "Join, local 0.15, global 0.5", 0 < rates["whole"] < 1,
               "Half the mini-batches train a single column (global); in the others each join drops each input "
               "with probability 0.15, keeping at least one (local); some local samples keep the whole block.",
               DROP_PATH),
        _claim("fractalnet.full_at_test", "Full network at test time (conv units that run in eval mode, a "
               "one-block FractalNet with C = 3)", str(units), units, ran,
               f"{ran} of {units} units; two seeds give {'identical' if same else 'different'} outputs",
               "forward hooks on ConvUnit in eval mode; torch.equal over two seeds", ran == units and same,
               "In eval mode every join averages all its inputs and no column is chosen: the output does not "
               "depend on the random state.", FULL_AT_TEST),
        # the paper's own figure, which the notes do not state: it checks no bullet of theirs
        _claim("fractalnet.paper_params", "(paper) FractalNet, 20 layers on CIFAR: 38.6M parameters", "38.6M",
               PAPER_PARAMS, params, f"{params / 1e6:.1f}M", "total_params('fractalnet20'), the architecture "
               f"of the paper's Section 4; stated: {PAPER_PARAMS_SOURCE}", round(params / 1e5) == round(PAPER_PARAMS / 1e5),
               "The architecture the paper describes (5 blocks of 64, 128, 256, 512, 512 channels, C = 3, "
               "Conv3×3-BN-ReLU units, one classifier) has 33.7M parameters; so does the authors' Caffe "
               "generator (33.7M with its biased convolutions). No channel layout the zoo's authors tried "
               "gives 38.6M, and reimplementations report the same gap.", None, basis=COMPUTED),
    ]


def count_paths(per_block: int, blocks: int) -> str:
    """Paths through ``blocks`` blocks in sequence, formatted."""
    from cnnviz.format import count

    return count(per_block**blocks)
