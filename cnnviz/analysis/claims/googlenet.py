"""The GoogLeNet chapter's claims: the lecture's Inception example (naive and reduced), the depth, the
classifier, the size against AlexNet, the error and the auxiliary classifiers."""

from __future__ import annotations

from cnnviz.analysis import ops
from cnnviz.analysis.claims import Bullet, Claim, parse_figure
from cnnviz.analysis.claims.make import cached_ledger, computed, not_testable, paper, ratio, total_params
from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.format import count, short_count, times
from cnnviz.models.lecture import INCEPTION

# The bullets of the notes these claims check, as the notes write them.
NAIVE_DEPTH = Bullet("googlenet.naive_depth", "28 × 28 × (128 + 192 + 96 + 256) = 28 × 28 × 672")
NAIVE_OPS = Bullet("googlenet.naive_ops", "Total: 854M ops")
REDUCED_OPS = Bullet("googlenet.reduced_ops", "Total: 358M ops")
DEPTH = Bullet("googlenet.depth", "22 layers")
NO_FC = Bullet("googlenet.no_fc", "No FC layers")
VS_ALEXNET = Bullet("googlenet.vs_alexnet", "12x less params than Alex Net")
ERROR = Bullet("googlenet.error", "6.7% error")
NAIVE_STATED, REDUCED_STATED = "854M", "358M"  # the notes' totals of the two modules
AUX_GRADS = Bullet(
    "googlenet.aux_grads",
    "Aux classification outputs. Mini NN. … Helps amplifying grads as the grads from end may end up becoming "
    "minimized when moving backward",
)


def claims() -> list[Claim]:
    from cnnviz import models

    naive = ops.inception_naive_cost(**INCEPTION.naive)
    reduced = ops.inception_reduced_cost(**INCEPTION.reduced)
    googlenet_params = total_params("googlenet")
    alexnet_params = total_params("alexnet")
    n_linear = sum(1 for r in cached_ledger("googlenet").leaves() if r.type == "Linear")
    info = models.info("googlenet")
    terms = len([conv for branch in reduced.branches for conv in branch.layers])
    notes_ratio = parse_figure(NAIVE_STATED)[0] / parse_figure(REDUCED_STATED)[0]  # the notes' own saving
    return [
        computed(
            "googlenet.naive.depth",
            "googlenet",
            "Naive module output: 28 × 28 × (128 + 192 + 96 + 256) = 28 × 28 × 672",
            "672",
            naive.output_depth,
            "ops.inception_naive_cost(...).output_depth",
            bullet=NAIVE_DEPTH,
        ),
        computed(
            "googlenet.naive.ops",
            "googlenet",
            "Naive module conv ops: Total: 854M ops",
            NAIVE_STATED,
            naive.macs,
            "ops.inception_naive_cost(...).macs (multiply-adds)",
            bullet=NAIVE_OPS,
        ),
        computed(
            "googlenet.reduced.ops",
            "googlenet",
            "Module with dimension reduction: Total: 358M ops",
            REDUCED_STATED,
            reduced.macs,
            "ops.inception_reduced_cost(..., 64, 64, 64).macs (multiply-adds)",
            f"The {terms} terms the notes list sum to {count(reduced.macs)} ≈ {short_count(reduced.macs)} "
            "multiply-adds; the stated total does not follow from its own terms. The saving over the naive "
            f"module is {times(naive.macs, reduced.macs)}, not {NAIVE_STATED}/{REDUCED_STATED} = {notes_ratio:.1f}×.",
            bullet=REDUCED_OPS,
        ),
        computed(
            "googlenet.depth",
            "googlenet",
            "22 layers",
            "22",
            weight_layer_depth("googlenet"),
            "weight_layer_depth('googlenet'): conv and FC layers on the longest path",
            "Counting pooling layers too gives 27, as the paper notes (Section 5).",
            bullet=DEPTH,
        ),
        computed(
            "googlenet.fc_layers",
            "googlenet",
            "No FC layers",
            "0",
            n_linear,
            "ledger('googlenet'): Linear layers",
            "One FC layer remains: the 1000-way classifier after global average pooling. What GoogLeNet "
            "drops are AlexNet's and VGG's large FC hidden layers.",
            bullet=NO_FC,
        ),
        ratio(
            "googlenet.vs_alexnet",
            "googlenet",
            "12x less params than AlexNet",
            12,
            1,
            alexnet_params / googlenet_params,
            f"ledger: alexnet {alexnet_params:,} / googlenet {googlenet_params:,} parameters",
            "The GoogLeNet paper states 12× too (Section 1). 12 is 60M / 5M: AlexNet's 60 million against "
            'the "5 million parameters" the same authors later gave for GoogLeNet (szegedy2016rethinking, '
            "Section 1). GoogLeNet as its paper's Table 1 builds it, without the auxiliary classifiers, has "
            f"{googlenet_params:,}; the gap to 12× is in GoogLeNet's count, not in the AlexNet variant.",
            bullet=VS_ALEXNET,
        ),
        paper(
            "googlenet.error",
            "googlenet",
            "6.7% error",
            "6.7%",
            6.7,
            100 * info.reported_error,
            f"{100 * info.reported_error:.2f}%",
            "szegedy2015going, Table 2 (ILSVRC-2014 test, top-5)",
            f"The paper's figure is {100 * info.reported_error:.2f}%; the notes round it. An ensemble of 7 "
            "networks with 144 crops per image (Table 3, whose validation figure is the same).",
            resolution=0.1,
            bullet=ERROR,
        ),
        not_testable(
            "googlenet.aux_grads",
            "googlenet",
            "Auxiliary classifiers help amplify the gradients that reach the early layers",
            "GoogLeNet trained on ImageNet with and without the two auxiliary heads, several seeds, recording the "
            "gradient reaching the early layers and the learning curves of both",
            "szegedy2015going, Section 5 (the motivation, with no measurement); szegedy2016rethinking, Section 4 "
            "(an ablation: no faster convergence early in training, a slightly higher plateau at the end)",
            "A claim about training. The GoogLeNet paper gives it as the heads' motivation and measures no "
            "gradient. The same authors' later ablation found that the heads did not speed up training early "
            "on, that removing the lower head did not hurt the final network, and read the heads as regularisers "
            "instead. A network's structure, or its gradients at initialisation, cannot test the claim, and the "
            "book ships no trained GoogLeNet.",
            bullet=AUX_GRADS,
        ),
    ]
