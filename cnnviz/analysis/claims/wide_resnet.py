"""The Wide ResNet chapter's claims, and the figures only the papers can give (with their sources).

The lecture notes say three things about wide ResNets: residual blocks matter, not depth; the blocks are
wider (F×k filters instead of F); and a 50-layer wide ResNet outperforms the 152-layer ResNet. The widths
and depths are computed from the zoo; the errors and timings are the papers' and live here, once, as
records with their source and evaluation protocol (:data:`IMAGENET`, :data:`CIFAR`, :data:`DROPOUT`,
:data:`SPEED`), so the chapter and its claims read the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from cnnviz.analysis.claims import Bullet, Claim
from cnnviz.analysis.claims.make import cached_ledger, computed, paper, total_params
from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.analysis.ledger import ledger

__all__ = [
    "Reported", "IMAGENET", "IMAGENET_SOURCE", "HE2016_RESNET152_10CROP", "CIFAR", "CIFAR_SOURCE", "DROPOUT",
    "SPEED", "VAL_IMAGES", "reported", "group_widths", "claims",
]

# The bullets of the notes these claims check, as the notes write them.
NOT_DEPTH = Bullet("wide_resnet.not_depth", "Argued residuals were important & NOT depth of network")
WIDER = Bullet("wide_resnet.wider",
               "They used wider residual blocks (F × k filters instead of F) i.e. More filters")  # fmt: skip
OUTPERFORMS = Bullet("wide_resnet.outperforms", "50 layer wide ResNet outperforms 152 layers original ResNet")


@dataclass(frozen=True)
class Reported:
    """One network's result as a paper reports it (errors in percent; ``None`` where it gives none)."""

    label: str  # as the paper names it: "WRN-50-2-bottleneck"
    name: str | None  # the zoo's registry name, where the zoo has the network
    error: float | None  # top-1 error (ImageNet) or test error (CIFAR-10), percent
    top5: float | None = None  # ImageNet top-5 error, percent
    cifar100: float | None = None  # CIFAR-100 test error, percent
    params: str = ""  # the paper's rounded parameter count, as printed ("68.9M")
    ms_per_batch: float | None = None  # Table 8's "time/batch 16", milliseconds


# Zagoruyko & Komodakis, Table 8. The ResNet rows are the models of fb.resnet.torch (Gross & Wilber; its
# released ResNet-50/101 list the same 1-crop errors), the code the authors trained WRN-50-2 with.
IMAGENET_SOURCE = (
    "zagoruyko2016wide, Table 8: ILSVRC-2012 validation set (50,000 images), single crop, one model, one "
    "run each; the ResNets are fb.resnet.torch's models (gross2016training), the code WRN-50-2 was trained with"
)
IMAGENET = (
    Reported("ResNet-50", "resnet50", 24.01, 7.02, params="25.6M", ms_per_batch=49),
    Reported("ResNet-101", "resnet101", 22.44, 6.21, params="44.5M", ms_per_batch=82),
    Reported("ResNet-152", "resnet152", 22.16, 6.16, params="60.2M", ms_per_batch=115),
    Reported("WRN-50-2-bottleneck", "wide_resnet50_2", 21.9, 6.03, params="68.9M", ms_per_batch=93),
    Reported("pre-ResNet-200", None, 21.66, 5.79, params="64.7M", ms_per_batch=154),
)
# He et al.'s own ResNet-152 (their Table 3): 10-crop testing, a different protocol from Table 8's single crop.
HE2016_RESNET152_10CROP = Reported("ResNet-152 (10-crop)", "resnet152", 21.43, 5.71)
# Table 9 of the same paper lists WRN-50-2-bottleneck at "21.9% top-1, 5.79% top-5"; Table 8 says 6.03%.
WRN50_2_TABLE9_TOP5 = 5.79
VAL_IMAGES = 50_000  # ILSVRC-2012 validation set

CIFAR_SOURCE = (
    "zagoruyko2016wide, Table 5: CIFAR-10/100 test error, flip/translation augmentation, mean/std "
    "normalisation, no dropout, median of 5 runs (the ResNets as published: he2016deep, he2016identity)"
)
CIFAR = (
    Reported("original ResNet-110", "resnet110", 6.43, cifar100=25.16, params="1.7M"),
    Reported("original ResNet-1202", "resnet1202", 7.93, cifar100=27.82, params="10.2M"),
    Reported("pre-act-ResNet-164", None, 5.46, cifar100=24.33, params="1.7M"),
    Reported("pre-act-ResNet-1001", None, 4.92, cifar100=22.71, params="10.2M"),  # 4.64% with batch 64
    Reported("WRN-40-4", "wrn40_4", 4.53, cifar100=21.18, params="8.9M"),
    Reported("WRN-16-8", "wrn16_8", 4.27, cifar100=20.43, params="11.0M"),
    Reported("WRN-28-10", "wrn28_10", 4.00, cifar100=19.25, params="36.5M"),
)
# Table 6: WRN-28-10 with dropout 0.3 between the convolutions of every block (median of 5 runs).
DROPOUT = Reported("WRN-28-10-dropout", "wrn28_10", 3.89, cifar100=18.85, params="36.5M")
# Section "Computational efficiency" and Figure 4: forward + backward time per batch of 32 on a Titan X.
SPEED = {
    "source": "zagoruyko2016wide, Fig. 4: forward+backward time per minibatch of 32, Titan X, cuDNN v5",
    "wrn28_10_vs_resnet1001": 1.6,  # "1.6 times faster than thin ResNet-1001"
    "wrn40_4_vs_resnet1001": 8.0,  # "8 times faster", about the same accuracy
}


def reported(label: str) -> Reported:
    """The reported record called ``label`` (a paper's network name) in :data:`IMAGENET` or :data:`CIFAR`."""
    every = {r.label: r for r in (*IMAGENET, *CIFAR, DROPOUT, HE2016_RESNET152_10CROP)}
    try:
        return every[label]
    except KeyError:
        raise KeyError(f"reported: no record {label!r}; records: {', '.join(every)}") from None


def group_widths(name: str) -> tuple[int, ...]:
    """Output channels of the residual groups (stages) of a zoo network, from its ledger."""
    led = cached_ledger(name)
    groups = [r for r in led.rows if r.depth == 1 and (r.name.startswith("conv") or r.name.startswith("layer"))]
    return tuple(r.output_shape[0] for r in groups if r.name not in ("conv1",))


def _inner_widths(name: str) -> tuple[int, ...]:
    """The 3×3 convolution widths of the first block of each stage of a bottleneck ResNet."""
    led = cached_ledger(name)
    return tuple(next(r.output_shape[0] for r in led.leaves() if r.name == f"layer{i}.0.conv2") for i in range(1, 5))


def _thin_widths(depth: int) -> tuple[int, ...]:
    """Group widths of WRN-``depth``-1 (k = 1: the pre-activation ResNet's F), built on the meta device."""
    from cnnviz.models.wide_resnet import wide_resnet

    with torch.device("meta"):
        thin = wide_resnet(depth, 1)
    led = ledger(thin, (3, 32, 32))
    return tuple(r.output_shape[0] for r in led.rows if r.depth == 1 and r.name in ("conv2", "conv3", "conv4"))


def claims() -> list[Claim]:
    wide, thin = group_widths("wrn28_10"), _thin_widths(28)
    width_ratios = [w / f for w, f in zip(wide, thin, strict=True)]
    inner_wide, inner = _inner_widths("wide_resnet50_2"), _inner_widths("resnet50")
    inner_ratios = [w / f for w, f in zip(inner_wide, inner, strict=True)]
    out_wide, out = group_widths("wide_resnet50_2"), group_widths("resnet50")
    wrn, r152 = reported("WRN-50-2-bottleneck"), reported("ResNet-152")
    d_wrn, d_152 = weight_layer_depth("wide_resnet50_2"), weight_layer_depth("resnet152")
    p_wrn, p_152 = total_params("wide_resnet50_2"), total_params("resnet152")
    m_wrn, m_152 = cached_ledger("wide_resnet50_2").total_macs, cached_ledger("resnet152").total_macs
    wrn16, r1001 = reported("WRN-16-8"), reported("pre-act-ResNet-1001")
    cost = (
        f"WRN-50-2 has {d_wrn} weight layers on its longest path against {d_152}, {p_wrn / p_152:.2f}× the "
        f"parameters ({p_wrn:,} against {p_152:,}) and {m_wrn / m_152:.2f}× the multiply-adds."
    )
    protocol = (
        f"Single crop, one run each; {(r152.error - wrn.error) / 100 * VAL_IMAGES:.0f} of the {VAL_IMAGES:,} "
        f"validation images. He et al.'s own ResNet-152 has {HE2016_RESNET152_10CROP.error}% top-1 and "
        f"{HE2016_RESNET152_10CROP.top5}% top-5 error with 10-crop testing (he2016deep, Table 3), a "
        "different protocol, not comparable."
    )
    return [
        paper("wrn.residuals_not_depth", "wide_resnet", "Argued residuals were important & NOT depth of network",
               "residual blocks, not depth", 1, 1,
               f"{wrn16.label} ({wrn16.error}%) beats {r1001.label} ({r1001.error}%) on CIFAR-10",
               "zagoruyko2016wide, sections 1 and 4; Table 5 (CIFAR-10 test error, median of 5 runs)",
               "The paper's conclusion: 'the main power of residual networks is in residual blocks, and not in "
               "extreme depth'. Depth still helps up to a point (Table 4: WRN-16-8 < WRN-22-8 < WRN-28-8 in "
               "accuracy, WRN-40-8 worse), and on ImageNet the 50-layer bottleneck beat the wide 18- and 34-layer "
               "basic-block networks (Tables 7, 8).", bullet=NOT_DEPTH),
        computed("wrn.width_factor", "wide_resnet", "Wider residual blocks (F×k filters instead of F): WRN-28-10",
                  "10", max(width_ratios, key=lambda r: abs(r - 10)),
                  f"ledger('wrn28_10'): group widths {'/'.join(map(str, wide))} against "
                  f"{'/'.join(map(str, thin))} for k = 1",
                  "Every 3×3 convolution of the residual groups has k = 10 times the filters; the 16-filter "
                  "stem and the classifier's inputs aside, nothing else changes.",
                  actual_text=f"{'/'.join(map(str, wide))} = 10 × {'/'.join(map(str, thin))}"
                  if width_ratios == [10.0] * 3 else None, bullet=WIDER),
        computed("wrn.width_factor_imagenet", "wide_resnet",
                  "Wider residual blocks (F×k filters instead of F): WRN-50-2", "2",
                  max(inner_ratios, key=lambda r: abs(r - 2)),
                  f"ledger('wide_resnet50_2') and ledger('resnet50'): 3×3 widths "
                  f"{'/'.join(map(str, inner_wide))} against {'/'.join(map(str, inner))}",
                  "Only the inside of each bottleneck is widened (the 1×1 reduction and the 3×3); the block "
                  f"outputs stay {'/'.join(map(str, out_wide))}, as in ResNet-50 "
                  f"({'/'.join(map(str, out))}).",
                  actual_text=f"{'/'.join(map(str, inner_wide))} = 2 × {'/'.join(map(str, inner))}"
                  if inner_ratios == [2.0] * 4 else None, bullet=WIDER),
        computed("wrn.depth50", "wide_resnet", "50 layer wide ResNet", "50", d_wrn,
                  "weight_layer_depth('wide_resnet50_2')", bullet=OUTPERFORMS),
        computed("wrn.depth152", "wide_resnet", "152 layers original ResNet", "152", d_152,
                  "weight_layer_depth('resnet152')", bullet=OUTPERFORMS),
        paper("wrn.outperforms", "wide_resnet",
               "50 layer wide ResNet outperforms 152 layers original ResNet: ImageNet top-1 error",
               "lower", 1, float(wrn.error < r152.error),
               f"{wrn.error}% against {r152.error}% ({wrn.error - r152.error:+.2f} points)", IMAGENET_SOURCE,
               f"{protocol} {cost}", bullet=OUTPERFORMS),
        paper("wrn.outperforms_top5", "wide_resnet",
               "50 layer wide ResNet outperforms 152 layers original ResNet: ImageNet top-5 error",
               "lower", 1, float(wrn.top5 < r152.top5 and WRN50_2_TABLE9_TOP5 < r152.top5),
               f"{wrn.top5}% against {r152.top5}% ({wrn.top5 - r152.top5:+.2f} points)", IMAGENET_SOURCE,
               f"Table 9 of the same paper gives WRN-50-2 {WRN50_2_TABLE9_TOP5}% top-5, Table 8 {wrn.top5}%: "
               f"the tables disagree; with either figure it is below ResNet-152's {r152.top5}%.",
               bullet=OUTPERFORMS),
    ]
