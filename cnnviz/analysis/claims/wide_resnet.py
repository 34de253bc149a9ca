"""The Wide ResNet chapter's claims, and the figures only the papers can give (with their sources).

The lecture notes say three things about wide ResNets: residual blocks matter, not depth; the blocks are
wider (F×k filters instead of F); and a 50-layer wide ResNet outperforms the 152-layer ResNet. The widths
and depths are computed from the zoo; the errors and timings are the papers' and live here, once, as
records with their source and evaluation protocol (:data:`IMAGENET`, :data:`CIFAR`, :data:`DROPOUT`,
:data:`SPEED`), so the chapter and its claims read the same figures.

:data:`CIFAR_RESULTS` holds every CIFAR test error the Wide ResNet paper reports for a WRN-d-k of the zoo's
kind (pre-activation blocks of two 3×3 convolutions, B(3, 3)), table by table, and :data:`CIFAR_TABLES`
each table's protocol as the paper states it (preprocessing, how many runs); the chapter's explorer reads
them, and says so where the paper reports nothing for a setting. The figures were checked against the
text of the paper (arXiv:1605.07146v4): Tables 2 to 6 and 9.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from cnnviz.analysis.claims import Bullet, Claim
from cnnviz.analysis.claims.make import computed, paper
from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.analysis.ledger import Ledger, ledger
from cnnviz.analysis.resolve import shapes_only

__all__ = [
    "Reported", "IMAGENET", "IMAGENET_SOURCE", "HE2016_RESNET152_10CROP", "CIFAR", "CIFAR_SOURCE", "DROPOUT",
    "SPEED", "VAL_IMAGES", "CifarTable", "CifarResult", "CIFAR_TABLES", "CIFAR_RESULTS", "cifar_results",
    "reported", "group_widths", "measured", "sequence_depth", "claims",
]  # fmt: skip

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
# released ResNet-50/101 list the same 1-crop errors), the code the authors trained WRN-50-2 with. Table 8
# says nothing of runs; Table 9 calls its WRN-50-2 result a "single run result".
IMAGENET_SOURCE = (
    "zagoruyko2016wide, Table 8: ILSVRC-2012 validation set (50,000 images), single crop, one figure per "
    "network and no error bars (the paper states no number of runs for Table 8; its Table 9 calls the "
    "WRN-50-2 result a single run); the ResNets are fb.resnet.torch's models (gross2016training), the code "
    "WRN-50-2 was trained with"
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

# --- CIFAR: every WRN-d-k result of the paper, with its table's protocol ---------------------------------


@dataclass(frozen=True)
class CifarTable:
    """One CIFAR table of the paper and its protocol, as the paper states it."""

    number: int
    preprocessing: str  # "ZCA" or "mean/std"; "" where the paper does not say (Table 9, CIFAR-10)
    runs: str  # "median of 5 runs", "one run", or "" where the paper does not say
    stated: str  # where the paper says so, in its words
    decimals: int = 2  # as the table prints its errors

    @property
    def protocol(self) -> str:
        """ "mean/std, median of 5 runs"; "ZCA" where the table states no number of runs."""
        return ", ".join(part for part in (self.preprocessing, self.runs) if part)

    @property
    def short_protocol(self) -> str:
        """:attr:`protocol` without "runs" after the median: "mean/std, median of 5"."""
        return self.protocol.replace(" runs", "")


# Every CIFAR test error of the paper is on CIFAR-10 or CIFAR-100 with flip and translation augmentation
# (Sec. 3). Sec. 3: "Unless mentioned otherwise, for CIFAR we follow the image preprocessing of [8] with ZCA
# whitening"; Tables 5 and 6 say mean/std normalisation; for Table 9 the text of Sec. 3 says mean/std for the
# CIFAR-100 result and nothing for the CIFAR-10 one.
CIFAR_TABLES: dict[int, CifarTable] = {
    t.number: t
    for t in (
        CifarTable(2, "ZCA", "median of 5 runs", "Table 2 caption: 'Test error (%, median over 5 runs) on CIFAR-10 "
                   "of residual networks with k = 2 and different block types'; ZCA by Sec. 3's default"),
        CifarTable(3, "ZCA", "median of 5 runs", "Table 3 caption: 'Test error (%, median over 5 runs) on "
                   "CIFAR-10 of WRN-40-2 (2.2M) with various l'; ZCA by Sec. 3's default"),
        CifarTable(4, "ZCA", "", "Table 4 caption: 'Test error (%) of various wide networks on CIFAR-10 and "
                   "CIFAR-100 (ZCA preprocessing)'; no number of runs stated"),
        CifarTable(5, "mean/std", "median of 5 runs", "Table 5 caption: 'moderate data augmentation "
                   "(flip/translation) and mean/std normalzation. We don't use dropout ... median over 5 runs'"),
        CifarTable(6, "mean/std", "median of 5 runs", "Table 6 caption: 'Effect of dropout in residual block. "
                   "(mean/std preprocessing, CIFAR numbers are based on median of 5 runs)'"),
        CifarTable(9, "", "one run", "Table 9 caption: 'Best WRN performance over various datasets, "
                   "single run results'; Sec. 3 gives mean/std preprocessing for its CIFAR-100 result only",
                   decimals=1),
    )
}  # fmt: skip


@dataclass(frozen=True)
class CifarResult:
    """One WRN-d-k row of a CIFAR table: test errors in percent (``None`` where the table prints "-")."""

    depth: int
    k: int
    table: int  # a key of CIFAR_TABLES
    cifar10: float
    cifar100: float | None = None
    dropout: bool = False  # dropout (0.3 on CIFAR, Sec. 3) between the two convolutions of every block

    @property
    def name(self) -> str:
        return f"WRN-{self.depth}-{self.k}" + ("-dropout" if self.dropout else "")


# The rows of the zoo's block, B(3, 3): Table 2's WRN-28-2-B(3, 3) and Table 3's l = 2 row (WRN-40-2); the
# other block types of Tables 2 and 3 are not WRN-d-k of this kind and are left out.
CIFAR_RESULTS: tuple[CifarResult, ...] = (
    CifarResult(28, 2, 2, 5.73),
    CifarResult(40, 2, 3, 5.43),
    # Table 4 (the WRN-40-8 row prints "-" for CIFAR-100)
    CifarResult(40, 1, 4, 6.85, 30.89), CifarResult(40, 2, 4, 5.33, 26.04), CifarResult(40, 4, 4, 4.97, 22.89),
    CifarResult(40, 8, 4, 4.66), CifarResult(28, 10, 4, 4.17, 20.50), CifarResult(28, 12, 4, 4.33, 20.43),
    CifarResult(22, 8, 4, 4.38, 21.22), CifarResult(22, 10, 4, 4.44, 20.75), CifarResult(16, 8, 4, 4.81, 22.07),
    CifarResult(16, 10, 4, 4.56, 21.59),
    # Table 5 (its WRN rows; the thin ResNets are in CIFAR below)
    CifarResult(40, 4, 5, 4.53, 21.18), CifarResult(16, 8, 5, 4.27, 20.43), CifarResult(28, 10, 5, 4.00, 19.25),
    # Table 6: each network without and with dropout
    CifarResult(16, 4, 6, 5.02, 24.03), CifarResult(16, 4, 6, 5.24, 23.91, dropout=True),
    CifarResult(28, 10, 6, 4.00, 19.25), CifarResult(28, 10, 6, 3.89, 18.85, dropout=True),
    CifarResult(52, 1, 6, 6.43, 29.89), CifarResult(52, 1, 6, 6.28, 29.78, dropout=True),
    # Table 9: the best CIFAR results, WRN-40-10 with dropout
    CifarResult(40, 10, 9, 3.8, 18.3, dropout=True),
)  # fmt: skip


def cifar_results(depth: int, k: int) -> tuple[CifarResult, ...]:
    """The paper's results for WRN-``depth``-``k`` (with and without dropout), in :data:`CIFAR_RESULTS`'
    order; empty where the paper reports none."""
    return tuple(r for r in CIFAR_RESULTS if (r.depth, r.k) == (depth, k))


def _table5(depth: int, k: int) -> CifarResult:
    (row,) = [r for r in cifar_results(depth, k) if r.table == 5]
    return row


CIFAR_SOURCE = (
    "zagoruyko2016wide, Table 5: CIFAR-10/100 test error, flip/translation augmentation, mean/std "
    "normalisation, no dropout, median of 5 runs (the ResNets as published: he2016deep, he2016identity)"
)
CIFAR = (
    # CIFAR-10 only: he2016deep reports no CIFAR-100 for ResNet-110 or ResNet-1202. Table 5 prints 25.16 and
    # 27.82 on these rows, but they are he2016identity's (Table 4) CIFAR-100 errors of the original-unit
    # ResNet-164 and ResNet-1001 (ORIGINAL_UNIT_CIFAR100), merged onto the same lines.
    # ResNet-110's 6.43 is he2016deep's best of 5 runs (Table 6: "6.43 (6.61±0.16)").
    Reported("original ResNet-110", "resnet110", 6.43, params="1.7M"),
    # Table 5 prints 10.2M for ResNet-1202; He et al. (Table 6) and the zoo count 19.4M
    Reported("original ResNet-1202", "resnet1202", 7.93, params="10.2M"),
    Reported("pre-act-ResNet-164", None, 5.46, cifar100=24.33, params="1.7M"),
    Reported("pre-act-ResNet-1001", None, 4.92, cifar100=22.71, params="10.2M"),  # 4.64% with batch 64
    *(
        Reported(f"WRN-{d}-{k}", f"wrn{d}_{k}", _table5(d, k).cifar10, cifar100=_table5(d, k).cifar100,
                 params=params)
        for d, k, params in ((40, 4, "8.9M"), (16, 8, "11.0M"), (28, 10, "36.5M"))
    ),
)  # fmt: skip
# he2016identity, Table 4 (CIFAR-100, flip/translation, as published): the original-unit ResNets whose errors
# Table 5 of zagoruyko2016wide prints on its ResNet-110 and ResNet-1202 rows.
ORIGINAL_UNIT_CIFAR100 = {"ResNet-164": 25.16, "ResNet-1001": 27.82}
# Table 5 prints pre-act-ResNet-1001 as "4.92(4.64)", the second figure with mini-batch 64 (He et al. trained
# at 128; their Table 4 gives the mini-batch-64 run as 4.62, median of 5: HE2016B_PREACT1001_BATCH64).
PREACT1001_BATCH64 = 4.64
HE2016B_PREACT1001_BATCH64 = 4.62
# Table 6: WRN-28-10 with dropout 0.3 between the convolutions of every block (median of 5 runs).
_dropout = next(r for r in cifar_results(28, 10) if r.dropout)
DROPOUT = Reported(
    "WRN-28-10-dropout", "wrn28_10", _dropout.cifar10, cifar100=_dropout.cifar100, params="36.5M"
)
# Section "Computational efficiency" and Figure 4: forward + backward time per batch of 32 on a Titan X.
SPEED = {
    "source": "zagoruyko2016wide, Fig. 4: forward+backward time per minibatch of 32, Titan X, cuDNN v5",
    "wrn28_10_vs_resnet1001": 1.6,  # "1.6 times faster than thin ResNet-1001"
    "wrn40_4_vs_resnet1001": 8.0,  # "8 times faster", about the same accuracy
}


@functools.cache
def measured(name: str) -> Ledger:
    """The ledger of registry network ``name``, built once per process: the claims and the chapter read it."""
    return ledger(name)


@functools.cache
def sequence_depth(name: str) -> int:
    """Weight layers on the longest path of registry network ``name`` (built on the meta device), once."""
    from cnnviz.analysis.resolve import build

    return weight_layer_depth(build(name, meta=True))


def reported(label: str) -> Reported:
    """The reported record called ``label`` (a paper's network name) in :data:`IMAGENET` or :data:`CIFAR`."""
    every = {r.label: r for r in (*IMAGENET, *CIFAR, DROPOUT, HE2016_RESNET152_10CROP)}
    try:
        return every[label]
    except KeyError:
        raise KeyError(f"reported: no record {label!r}; records: {', '.join(every)}") from None


def group_widths(name: str) -> tuple[int, ...]:
    """Output channels of the residual groups (stages) of a zoo network, from its ledger."""
    led = measured(name)
    groups = [
        r for r in led.rows if r.depth == 1 and (r.name.startswith("conv") or r.name.startswith("layer"))
    ]
    return tuple(r.output_shape[0] for r in groups if r.name not in ("conv1",))


def _inner_widths(name: str) -> tuple[int, ...]:
    """The 3×3 convolution widths of the first block of each stage of a bottleneck ResNet."""
    led = measured(name)
    return tuple(
        next(r.output_shape[0] for r in led.leaves() if r.name == f"layer{i}.0.conv2") for i in range(1, 5)
    )


def _thin_widths(depth: int) -> tuple[int, ...]:
    """Group widths of WRN-``depth``-1 (k = 1: the pre-activation ResNet's F), built on the meta device."""
    from cnnviz.models.wide_resnet import wide_resnet

    with shapes_only():
        thin = wide_resnet(depth, 1)
    led = ledger(thin, (3, 32, 32))
    return tuple(
        r.output_shape[0] for r in led.rows if r.depth == 1 and r.name in ("conv2", "conv3", "conv4")
    )


@functools.cache
def _resnet152_stride_3x3_macs() -> int:
    """Multiply-adds per image of ResNet-152 with its stride in the 3×3 (fb.resnet.torch's), built on meta."""
    from cnnviz.models.resnet import resnet

    with shapes_only():
        net = resnet(152, stride_in_3x3=True)
    return ledger(net, (3, 224, 224)).total_macs


def _depth_note() -> str:
    """Table 4's errors at k = 8 and k = 10, by depth: "k = 8: WRN-16-8 4.81%, ...; k = 10: ..."."""
    parts = []
    for k in (8, 10):
        rows = sorted((r for r in CIFAR_RESULTS if r.table == 4 and r.k == k), key=lambda r: r.depth)
        parts.append(f"k = {k}: " + ", ".join(f"{r.name} {r.cifar10:.2f}%" for r in rows))
    return "; ".join(parts) + " CIFAR-10 test error"


def claims() -> list[Claim]:
    wide, thin = group_widths("wrn28_10"), _thin_widths(28)
    width_ratios = [w / f for w, f in zip(wide, thin, strict=True)]
    inner_wide, inner = _inner_widths("wide_resnet50_2"), _inner_widths("resnet50")
    inner_ratios = [w / f for w, f in zip(inner_wide, inner, strict=True)]
    out_wide, out = group_widths("wide_resnet50_2"), group_widths("resnet50")
    wrn, r152 = reported("WRN-50-2-bottleneck"), reported("ResNet-152")
    d_wrn, d_152 = sequence_depth("wide_resnet50_2"), sequence_depth("resnet152")
    p_wrn, p_152 = measured("wide_resnet50_2").total_params, measured("resnet152").total_params
    # Table 8's ResNet-152 is fb.resnet.torch's, with its stride in the 3×3: its multiply-adds, not the zoo's
    m_wrn, m_152 = measured("wide_resnet50_2").total_macs, _resnet152_stride_3x3_macs()
    wrn16, r1001 = reported("WRN-16-8"), reported("pre-act-ResNet-1001")
    cost = (
        f"WRN-50-2 has {d_wrn} weight layers on its longest path against {d_152}, {p_wrn / p_152:.2f}× the "
        f"parameters ({p_wrn:,} against {p_152:,}) and {m_wrn / m_152:.2f}× the multiply-adds of ResNet-152 "
        "with its stride in the 3×3 convolution, the fb.resnet.torch model of Table 8."
    )
    protocol = (
        f"Single crop, one figure per network, no error bars (Table 8 states no number of runs); "
        f"{(r152.error - wrn.error) / 100 * VAL_IMAGES:.0f} of the {VAL_IMAGES:,} "
        f"validation images. He et al.'s own ResNet-152 has {HE2016_RESNET152_10CROP.error}% top-1 and "
        f"{HE2016_RESNET152_10CROP.top5}% top-5 error with 10-crop testing (he2016deep, Table 3), a "
        "different protocol, not comparable."
    )
    return [
        paper(
            "wrn.residuals_not_depth",
            "wide_resnet",
            "Argued residuals were important & NOT depth of network",
            "residual blocks, not depth",
            1,
            1,
            f"{wrn16.label} ({wrn16.error}%) beats {r1001.label} ({r1001.error}%) on CIFAR-10",
            "zagoruyko2016wide, sections 1 and 4; Table 5 (CIFAR-10 test error, median of 5 runs)",
            "The paper's conclusion: 'the main power of residual networks is in residual blocks, and not in "
            f"extreme depth'. Depth still helps up to a point (Table 4, ZCA: {_depth_note()}), and on "
            "ImageNet the 50-layer bottleneck beat the wide 18- and 34-layer basic-block networks (Tables 7, "
            "8).",
            bullet=NOT_DEPTH,
        ),
        computed(
            "wrn.width_factor",
            "wide_resnet",
            "Wider residual blocks (F×k filters instead of F): WRN-28-10",
            "10",
            max(width_ratios, key=lambda r: abs(r - 10)),
            f"ledger('wrn28_10'): group widths {'/'.join(map(str, wide))} against "
            f"{'/'.join(map(str, thin))} for k = 1",
            "Every 3×3 convolution of the residual groups has k = 10 times the filters; the 16-filter "
            "stem and the classifier's inputs aside, nothing else changes.",
            actual_text=f"{'/'.join(map(str, wide))} = 10 × {'/'.join(map(str, thin))}"
            if width_ratios == [10.0] * 3
            else None,
            bullet=WIDER,
        ),
        computed(
            "wrn.width_factor_imagenet",
            "wide_resnet",
            "Wider residual blocks (F×k filters instead of F): WRN-50-2",
            "2",
            max(inner_ratios, key=lambda r: abs(r - 2)),
            f"ledger('wide_resnet50_2') and ledger('resnet50'): 3×3 widths "
            f"{'/'.join(map(str, inner_wide))} against {'/'.join(map(str, inner))}",
            "Only the inside of each bottleneck is widened (the 1×1 reduction and the 3×3); the block "
            f"outputs stay {'/'.join(map(str, out_wide))}, as in ResNet-50 "
            f"({'/'.join(map(str, out))}).",
            actual_text=f"{'/'.join(map(str, inner_wide))} = 2 × {'/'.join(map(str, inner))}"
            if inner_ratios == [2.0] * 4
            else None,
            bullet=WIDER,
        ),
        computed(
            "wrn.depth50",
            "wide_resnet",
            "50 layer wide ResNet",
            "50",
            d_wrn,
            "weight_layer_depth('wide_resnet50_2')",
            bullet=OUTPERFORMS,
        ),
        computed(
            "wrn.depth152",
            "wide_resnet",
            "152 layers original ResNet",
            "152",
            d_152,
            "weight_layer_depth('resnet152')",
            bullet=OUTPERFORMS,
        ),
        paper(
            "wrn.outperforms",
            "wide_resnet",
            "50 layer wide ResNet outperforms 152 layers original ResNet: ImageNet top-1 error",
            "lower",
            1,
            float(wrn.error < r152.error),
            f"{wrn.error}% against {r152.error}% ({wrn.error - r152.error:+.2f} points)",
            IMAGENET_SOURCE,
            f"{protocol} {cost}",
            bullet=OUTPERFORMS,
        ),
        paper(
            "wrn.outperforms_top5",
            "wide_resnet",
            "50 layer wide ResNet outperforms 152 layers original ResNet: ImageNet top-5 error",
            "lower",
            1,
            float(wrn.top5 < r152.top5 and WRN50_2_TABLE9_TOP5 < r152.top5),
            f"{wrn.top5}% against {r152.top5}% ({wrn.top5 - r152.top5:+.2f} points)",
            IMAGENET_SOURCE,
            f"Table 9 of the same paper gives WRN-50-2 {WRN50_2_TABLE9_TOP5}% top-5, Table 8 {wrn.top5}%: "
            f"the tables disagree; with either figure it is below ResNet-152's {r152.top5}%.",
            bullet=OUTPERFORMS,
        ),
    ]
