"""The ResNeXt chapter's claims: cardinality (parallel paths), a wider block, and the kinship with Inception.

The notes say two things about ResNeXt: it "increases width of residual block through multiple parallel
pathways ('cardinality')", and the "parallel pathways [are] similar in spirit to inception modules". Each is
checked on the zoo's modules: the number of paths of a ResNeXt-50 block, its inner width against
ResNet-50's at about the same parameters, and how many different branch topologies a ResNeXt block and an
Inception module have.

:data:`TABLE3_TOP1_ERROR` holds the paper's ImageNet results for the complexity-matched templates of
Table 2, which the chapter shows next to the widths ``cnnviz`` computes.
"""

from __future__ import annotations

from torch import nn

from cnnviz.analysis.claims import COMPUTED, PAPER, Bullet, Claim, Verdict
from cnnviz.analysis.claims.make import total_params

__all__ = ["TABLE3_SOURCE", "TABLE3_TOP1_ERROR", "branch_topologies", "claims"]

# Xie et al. 2017, Table 3 (top): ImageNet-1K validation top-1 error (%), single 224×224 crop, of the
# networks built from Table 2's templates, all at the complexity of ResNet-50 / ResNet-101.
# Keys: (depth, cardinality C, bottleneck width d).
TABLE3_TOP1_ERROR: dict[tuple[int, int, int], float] = {
    (50, 1, 64): 23.9, (50, 2, 40): 23.0, (50, 4, 24): 22.6, (50, 8, 14): 22.3, (50, 32, 4): 22.2,
    (101, 1, 64): 22.0, (101, 2, 40): 21.7, (101, 4, 24): 21.4, (101, 8, 14): 21.3, (101, 32, 4): 21.2,
}  # fmt: skip
TABLE3_SOURCE = "xie2017aggregated, Table 3 (ImageNet-1K val, top-1 error, 224×224 single crop)"

# The notes' two bullets on ResNeXt, as they write them: each checked as two statements.
CARDINALITY = Bullet(
    "resnext.cardinality", 'Increases width of residual block through multiple parallel pathways "Cardinality"'
)
INCEPTION = Bullet("resnext.inception", "Parallel pathways similar in spirit to inception modules")


def branch_topologies(branches: list[nn.Module]) -> int:
    """How many different branches ``branches`` holds: two are the same when their layers have the same
    types, kernel sizes, strides, groups and channel counts, in the same order."""

    def signature(branch: nn.Module) -> tuple:
        return tuple(
            (type(m).__name__, getattr(m, "kernel_size", None), getattr(m, "stride", None),
             getattr(m, "groups", None), getattr(m, "in_channels", None), getattr(m, "out_channels", None))
            for m in branch.modules() if not list(m.children())
        )  # fmt: skip

    return len({signature(b) for b in branches})


def _holds(id: str, statement: str, stated: str, stated_value: float, actual_value: float, actual: str,
           source: str, holds: bool, note: str, bullet: Bullet, basis: str = COMPUTED) -> Claim:  # fmt: skip
    return Claim(id, "resnext", statement, stated, float(stated_value), float(actual_value), actual, basis,
                 source, Verdict.of(holds), note, bullet=bullet)  # fmt: skip


def claims() -> list[Claim]:

    from cnnviz import models
    from cnnviz.analysis.resolve import shapes_only
    from cnnviz.models.googlenet import INCEPTION_SPECS, InceptionModule

    with shapes_only():  # structure only: no weights drawn
        resnext = models.get("resnext50_32x4d")
        paths_form = models.get("resnext50_32x4d", form="paths")  # Fig. 3a
        resnet = models.get("resnet50")
        inception = InceptionModule(INCEPTION_SPECS["3a"])
    paths_block = paths_form.layer1[1]  # a conv2_x block after the first
    n_paths, groups = len(paths_block.paths), resnext.layer1[1].conv2.groups
    width_x, width_r = resnext.layer1[1].conv1.out_channels, resnet.layer1[1].conv1.out_channels

    def conv_weights(block: nn.Module) -> int:
        return sum(m.weight.numel() for m in block.modules() if isinstance(m, nn.Conv2d))

    block_x, block_r = conv_weights(resnext.layer1[1]), conv_weights(resnet.layer1[1])
    net_x, net_r = total_params("resnext50_32x4d"), total_params("resnet50")
    same_x = branch_topologies(list(paths_block.paths))
    branches = [inception.branch1, inception.branch2, inception.branch3, inception.branch4]
    same_i = branch_topologies(branches)
    return [
        _holds("resnext.cardinality", "Multiple parallel pathways, \"cardinality\" (ResNeXt-50 32×4d, a conv2_x "
               "block)", "multiple", 2, n_paths, f"{n_paths} paths ({groups} groups in the grouped form)",
               "models.get('resnext50_32x4d', form='paths').layer1[1].paths; the grouped form's .layer1[1].conv2.groups",
               n_paths == groups > 1,
               "The paths are the C = 32 of the name; the grouped convolution computes the same block as one "
               "3×3 convolution with groups = 32.", CARDINALITY),
        _holds("resnext.wider", "Increases width of residual block (inner width of a conv2_x block, ResNeXt-50 "
               "32×4d against ResNet-50)", "wider", width_r, width_x, f"{width_x} against {width_r} channels",
               "models.get('resnext50_32x4d' / 'resnet50').layer1[1].conv1.out_channels", width_x > width_r,
               f"{width_x / width_r:g}× as wide at about the same cost: the block has {block_x:,} convolution weights against "
               f"ResNet-50's {block_r:,} ({block_x / block_r:.3f}×), and the whole network {net_x:,} parameters "
               f"against {net_r:,}. The width is spread over 32 paths of 4 channels.", CARDINALITY),
        _holds("resnext.inception_spirit", "Parallel pathways similar in spirit to inception modules "
               "(split → transform → merge)", "similar", 1, 1, "the paper's own framing",
               "xie2017aggregated, sections 1 and 3.2", True,
               "The paper presents its block as Inception's split-transform-merge strategy with one "
               "topology shared by all paths.", INCEPTION, basis=PAPER),
        _holds("resnext.identical_paths", "… but unlike Inception, every path has the same topology (different "
               "branch types: ResNeXt-50 block vs Inception 3a)", "1", same_i, same_x,
               f"{same_x} of {n_paths} paths vs {same_i} of {len(branches)} Inception branches",
               "branch_topologies(paths of the ResNeXt block) and (branch1…branch4 of InceptionModule('3a'))",
               same_x == 1 and same_i == len(branches),
               "Inception's branches differ (1×1; 1×1→3×3; 1×1→5×5; pool→1×1) and are concatenated; "
               "ResNeXt's are copies of one bottleneck, summed, which is what lets them be one grouped "
               "convolution.", INCEPTION),
    ]
