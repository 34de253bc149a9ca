"""The GoogLeNet chapter's claims: the lecture's Inception example (naive and reduced), the depth, the
classifier, the size against AlexNet and the error."""

from __future__ import annotations

from cnnviz.analysis import ops
from cnnviz.analysis.claims import Bullet, Claim
from cnnviz.analysis.claims.make import cached_ledger, computed, paper, ratio, total_params
from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.models.lecture import INCEPTION

# The bullets of the notes these claims check, as the notes write them.
NAIVE_DEPTH = Bullet("googlenet.naive_depth", "28 × 28 × (128 + 192 + 96 + 256) = 28 × 28 × 672")
NAIVE_OPS = Bullet("googlenet.naive_ops", "Total: 854M ops")
REDUCED_OPS = Bullet("googlenet.reduced_ops", "Total: 358M ops")
DEPTH = Bullet("googlenet.depth", "22 layers")
NO_FC = Bullet("googlenet.no_fc", "No FC layers")
VS_ALEXNET = Bullet("googlenet.vs_alexnet", "12x less params than Alex Net")
ERROR = Bullet("googlenet.error", "6.7% error")


def claims() -> list[Claim]:
    from cnnviz import models

    naive = ops.inception_naive_cost(**INCEPTION.naive)
    reduced = ops.inception_reduced_cost(**INCEPTION.reduced)
    googlenet_params = total_params("googlenet")
    alexnet_params = total_params("alexnet")
    n_linear = sum(1 for r in cached_ledger("googlenet").leaves() if r.type == "Linear")
    info = models.info("googlenet")
    return [
        computed("googlenet.naive.depth", "googlenet", "Naive module output: 28 × 28 × (128 + 192 + 96 + 256) = "
                  "28 × 28 × 672", "672", naive.output_depth, "ops.inception_naive_cost(...).output_depth",
                  bullet=NAIVE_DEPTH),
        computed("googlenet.naive.ops", "googlenet", "Naive module conv ops: Total: 854M ops", "854M", naive.macs,
                  "ops.inception_naive_cost(...).macs (multiply-adds)", bullet=NAIVE_OPS),
        computed("googlenet.reduced.ops", "googlenet", "Module with dimension reduction: Total: 358M ops", "358M",
                  reduced.macs, "ops.inception_reduced_cost(..., 64, 64, 64).macs (multiply-adds)",
                  "The six terms the notes list sum to 271,351,808 ≈ 271M multiply-adds; the stated total does "
                  "not follow from its own terms. The saving over the naive module is "
                  f"{naive.macs / reduced.macs:.1f}×, not 854/358 = 2.4×.", bullet=REDUCED_OPS),
        computed("googlenet.depth", "googlenet", "22 layers", "22", weight_layer_depth("googlenet"),
                  "weight_layer_depth('googlenet'): conv and FC layers on the longest path",
                  "Counting pooling layers too gives 27, as the paper notes.", bullet=DEPTH),
        computed("googlenet.fc_layers", "googlenet", "No FC layers", "0", n_linear,
                  "ledger('googlenet'): Linear layers",
                  "One FC layer remains: the 1000-way classifier after global average pooling. What GoogLeNet "
                  "drops are AlexNet's and VGG's large FC hidden layers.", bullet=NO_FC),
        ratio("googlenet.vs_alexnet", "googlenet", "12x less params than AlexNet", 12, 1,
               alexnet_params / googlenet_params,
               f"ledger: alexnet {alexnet_params:,} / googlenet {googlenet_params:,} parameters",
               "The GoogLeNet paper states 12× too (Section 1). 12 is 60M / 5M: AlexNet's 60 million against "
               "the \"5 million parameters\" the same authors later gave for GoogLeNet (szegedy2016rethinking, "
               "Section 1). GoogLeNet as its paper's Table 1 builds it, without the auxiliary classifiers, has "
               f"{googlenet_params:,}; the gap to 12× is in GoogLeNet's count, not in the AlexNet variant.",
               bullet=VS_ALEXNET),
        paper("googlenet.error", "googlenet", "6.7% error", "6.7%", 6.7, 100 * info.reported_error,
               f"{100 * info.reported_error:.2f}%", "szegedy2015going, Table 2 (ILSVRC-2014 test, top-5)",
               "The paper's figure is 6.67%; the notes round it. 7 networks, 144 crops per image.",
               resolution=0.1, bullet=ERROR),
    ]
