"""The Wide ResNet chapter (``book/wide_resnet.ipynb``): the numbers its prose cites, its paragraphs and their checks.

In the notebook::

    from cnnviz.chapters import wide_resnet as chapter
    chapter.paragraph("evidence")
    chapter.table("thin_vs_wide")  # a table built from the facts, shown above the paragraph that captions it
    chapter.caption("block", diagram)  # a diagram's caption, ending with what its drawing call did
    chapter.folded("The code of WideBasicBlock", Prose.source(WideBasicBlock))

:data:`PARAGRAPHS` lists the paragraphs in page order, :data:`TABLES` the tables :func:`table` builds and
:data:`FIGURES` the diagrams :func:`caption` captions. The paper's own figures (Zagoruyko & Komodakis 2016:
its CIFAR Tables 4 to 6, its ImageNet Table 8, its timings) come from :mod:`cnnviz.analysis.claims.wide_resnet`,
where each is typed once with its table and protocol; everything else is measured on the zoo's modules.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnviz.analysis.claims import Claim, tally
from cnnviz.analysis.claims.wide_resnet import (
    CIFAR_RESULTS,
    CIFAR_TABLES,
    DROPOUT,
    HE2016_RESNET152_10CROP,
    HE2016B_PREACT1001_BATCH64,
    ORIGINAL_UNIT_CIFAR100,
    PREACT1001_BATCH64,
    SPEED,
    VAL_IMAGES,
    WRN50_2_TABLE9_TOP5,
    reported,
)
from cnnviz.analysis.ops import WideCost
from cnnviz.analysis.summary import NetworkSummary
from cnnviz.chapters.page import Page, claims_intro, folded, require
from cnnviz.chapters.words import AMOUNT, COUNT, LEVEL, comparative, compare, far
from cnnviz.format import compact_count, count, percent, si_count, times
from cnnviz.interact.prose import Paragraph

__all__ = [
    "BLOCK", "FIGURES", "K_VALUES", "PARAGRAPHS", "SHORTFALL_PARTS", "TABLES", "Facts", "caption", "facts",
    "folded", "page", "paragraph", "stage_table", "table",
]  # fmt: skip

PARAGRAPHS = (
    "intro",  # the question the paper asked, and its answer in its own numbers
    "block",  # the block the page draws, the first of WRN-28-10
    "evidence",  # the thin-against-wide table's caption, and what the paper measured (Tables 4 and 5)
    "why",  # why: layers in sequence and the work of each (measured), and the speed (the paper's)
    "dropout",  # dropout between the convolutions, and what it did in Table 6
    "networks",  # the CIFAR networks' table caption, and what d counts
    "k_squared",  # the WRN-28-k table's caption, and why the parameters stay a little under k²
    "imagenet",  # WRN-50-2 against ResNet-152: what "outperforms" amounts to
    "claims_intro",  # the notes' bullets, and how many statements check them
    "claims",  # what the claim cards show
    "explore",  # the explorer: what it reads out, and where the paper reports nothing
    "remember",  # what to remember, as a list
)
TABLES = ("thin_vs_wide", "networks", "k_squared", "imagenet")
FIGURES = ("block", "wrn28_10", "bottleneck")

# The block the page draws: the first block of WRN-28-10's group conv2 (the stem's 16 channels widened to 16k =
# 160, on 32×32), with the paper's CIFAR dropout, so that the width factor, the projection and the dropout show.
BLOCK = {"in_channels": 16, "out_channels": 160, "stride": 1, "dropout": 0.3, "in_hw": 32}
CIFAR_WRNS = ("wrn40_4", "wrn16_8", "wrn28_10")  # the three networks of the paper's Table 5
K_VALUES = (1, 2, 4, 8, 10, 12)  # WRN-28-k: the k² table
IMAGENET = ("wide_resnet50_2", "resnet152")
# What makes WRN-28-10's parameters fall short of 100 × WRN-28-1's, part by part (the rest grows as k²)
SHORTFALL_PARTS = ("conv2_first", "batch_norm", "classifier", "stem", "conv2_projection")


# --- the facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """Everything the Wide ResNet chapter's prose cites, computed once per process by :meth:`compute`."""

    # The block of BLOCK: its layers in the order they run, the dropout's probability and parameters
    block_layers: tuple[str, ...]
    block_dropout: float
    dropout_params: int
    # The CIFAR networks: the three WRNs of Table 5 and the zoo's ResNet-110 (no receptive fields traced: 0)
    cifar: tuple[NetworkSummary, ...]
    resnet1202: tuple[int, int]  # the zoo's ResNet-1202: (parameters, weight layers in sequence)
    thin_twin: WideCost  # the shallowest thin WRN-d-1 with at least WRN-28-10's parameters (ops.thin_twin)
    convolutions: dict[str, int]  # convolutions of each CIFAR WRN, and of "wrn28_1"
    projections: dict[str, int]  # 1×1 projection shortcuts of the same
    activations: dict[str, int]  # activations per image (the ledger's leaves) of WRN-50-2 and ResNet-152
    # WRN-28-k for K_VALUES, counted without building anything (the tests check them against the built networks)
    k_costs: tuple[WideCost, ...]
    # 100 × WRN-28-1 − WRN-28-10, by SHORTFALL_PARTS, and what the convolutions that grow as k² leave over
    shortfall: dict[str, int]
    shortfall_k2: int
    macs_shortfall: dict[str, int]  # the same for the multiply-adds per image
    macs_shortfall_k2: int
    # ImageNet: WRN-50-2, the zoo's ResNet-152 (stride in the first 1×1) and ResNet-152 with its stride in the
    # 3×3 (fb.resnet.torch's, the model of the paper's Table 8; no receptive field measured: 0)
    imagenet: tuple[NetworkSummary, ...]
    resnet152_stride_3x3: NetworkSummary
    # The claims (shown as cards)
    claims: tuple[Claim, ...]

    def net(self, name: str) -> NetworkSummary:
        """The summary of network ``name`` ("wrn28_10", "resnet1202", "wide_resnet50_2")."""
        return next(s for s in (*self.cifar, *self.imagenet) if s.name == name)

    def k_cost(self, k: int) -> WideCost:
        return next(c for c in self.k_costs if c.k == k)

    @classmethod
    def compute(cls) -> Facts:
        import torch
        from torch import nn

        from cnnviz.analysis.claims import for_chapter
        from cnnviz.analysis.claims.wide_resnet import measured, sequence_depth
        from cnnviz.analysis.ledger import ledger
        from cnnviz.analysis.ops import thin_twin, wide_resnet_cost
        from cnnviz.analysis.resolve import build
        from cnnviz.models.resnet import resnet
        from cnnviz.models.wide_resnet import WideBasicBlock, wide_resnet

        b = BLOCK
        with torch.device("meta"):  # structure only: no weights drawn
            block = WideBasicBlock(b["in_channels"], b["out_channels"], b["stride"], dropout=b["dropout"])
            nets = {name: wide_resnet(*_dk(name)) for name in CIFAR_WRNS}
            nets["wrn28_1"] = wide_resnet(28, 1)
            resnet152_3x3 = resnet(152, stride_in_3x3=True)  # fb.resnet.torch's placement
        layers = tuple(r.name for r in ledger(block, (b["in_channels"], b["in_hw"], b["in_hw"])).leaves())

        def convs(net: nn.Module) -> list[nn.Conv2d]:
            return [m for m in net.modules() if isinstance(m, nn.Conv2d)]

        def summary(name: str) -> NetworkSummary:
            """Counted from the ledger the claims read too (each built once per process); the page cites
            no receptive field, so none is traced (0)."""
            led = measured(name)
            return NetworkSummary(
                name, led.input_size, led.total_params, led.total_macs, sequence_depth(name), 0
            )

        # WRN-28-k layer by layer at k = 1 and k = 10: what grows slower than k², in parameters and multiply-adds
        thin = {r.name: r for r in ledger(nets["wrn28_1"], (3, 32, 32)).leaves()}
        part_of = {
            "conv1": "stem", "conv2.0.conv1": "conv2_first", "conv2.0.shortcut": "conv2_projection", "fc": "classifier",
        }  # fmt: skip
        shortfall = {kind: dict.fromkeys(SHORTFALL_PARTS, 0) for kind in ("params", "macs")}
        k2 = dict.fromkeys(("params", "macs"), 0)
        for row in measured("wrn28_10").leaves():
            part = "batch_norm" if row.type == "BatchNorm2d" else part_of.get(row.name)
            for kind in ("params", "macs"):
                short = 100 * (getattr(thin[row.name], kind) if row.name in thin else 0) - getattr(row, kind)
                if part is None:
                    k2[kind] += short
                else:
                    shortfall[kind][part] += short
        r1202 = build("resnet1202", meta=True)  # counted, not measured: its ledger takes seconds
        r152_3x3 = ledger(resnet152_3x3, (3, 224, 224))
        wrn28 = measured("wrn28_10").total_params
        return cls(
            block_layers=layers,
            block_dropout=block.dropout.p,
            dropout_params=sum(p.numel() for p in block.dropout.parameters()),
            cifar=tuple(summary(name) for name in (*CIFAR_WRNS, "resnet110")),
            resnet1202=(sum(p.numel() for p in r1202.parameters()), sequence_depth("resnet1202")),
            thin_twin=thin_twin(wrn28),
            convolutions={name: len(convs(net)) for name, net in nets.items()},
            projections={name: sum(c.kernel_size == (1, 1) for c in convs(net)) for name, net in nets.items()},
            activations={"wide_resnet50_2": measured("wide_resnet50_2").total_activations,
                         "resnet152_stride_3x3": r152_3x3.total_activations},
            k_costs=tuple(wide_resnet_cost(28, k) for k in K_VALUES),
            shortfall=shortfall["params"],
            shortfall_k2=k2["params"],
            macs_shortfall=shortfall["macs"],
            macs_shortfall_k2=k2["macs"],
            imagenet=tuple(summary(name) for name in IMAGENET),
            resnet152_stride_3x3=NetworkSummary("resnet152", (3, 224, 224), r152_3x3.total_params,
                                                r152_3x3.total_macs, sequence_depth("resnet152"), 0),
            claims=for_chapter("wide_resnet"),
        )  # fmt: skip


page: Page[Facts] = Page("wide_resnet", Facts.compute, PARAGRAPHS, FIGURES)
facts = page.facts
paragraph = page.paragraph
caption = page.caption


def _pct(x: float, decimals: int = 2) -> str:
    """A CIFAR error as the paper's CIFAR tables print it, two decimals: 4.00%."""
    return percent(x / 100, decimals)


def _top(x: float) -> str:
    """An ImageNet error as Table 8 prints it: 21.9%, 22.16%."""
    return f"{x:g}%"


def _cifar(depth: int, k: int, table: int, dropout: bool = False):
    (row,) = [r for r in CIFAR_RESULTS if (r.depth, r.k, r.table, r.dropout) == (depth, k, table, dropout)]
    return row


def _dk(name: str) -> tuple[int, int]:
    """(d, k) of a zoo WRN: "wrn28_10" -> (28, 10)."""
    from cnnviz import models

    kwargs = models.info(name).kwargs
    return kwargs["depth"], kwargs["k"]


def _label(name: str) -> str:
    """The paper's name of a zoo WRN: "wrn28_10" -> "WRN-28-10"."""
    return "WRN-{}-{}".format(*_dk(name))


def _million(text: str) -> float:
    """A count as a paper prints it: "10.2M" -> 10,200,000."""
    if not text.endswith("M"):
        raise ValueError(f"_million: {text!r} is not a count in millions")
    return float(text[:-1]) * 1e6


def _depth_of(label: str) -> int:
    """The depth a paper's network name gives: "pre-act-ResNet-1001" -> 1001."""
    return int(label.rsplit("-", 1)[1])


# --- the tables -----------------------------------------------------------------------------------


def _thin_vs_wide(f: Facts) -> str:
    from cnnviz.render.tables import markdown_rows

    rows = []
    for r in (reported("original ResNet-110"), reported("original ResNet-1202"), reported("pre-act-ResNet-1001"),
              *(reported(_label(n)) for n in CIFAR_WRNS)):  # fmt: skip
        if r.name is None:  # not in the zoo: the paper's figures
            layers, params = f"{_depth_of(r.label):,}", f"{r.params} (paper)"
        elif r.name == "resnet1202":
            layers, params = f"{f.resnet1202[1]:,}", si_count(f.resnet1202[0])
        else:
            s = f.net(r.name)
            layers, params = f"{s.weight_layers:,}", si_count(s.params)
        c100 = "–" if r.cifar100 is None else _pct(r.cifar100)  # He et al. (2016a) report no CIFAR-100
        rows.append((r.label.removeprefix("original "), layers, params, _pct(r.error), c100))
    header = ("network", "layers in sequence", "parameters", "CIFAR-10 error", "CIFAR-100 error")
    return markdown_rows(header, rows)


def _networks(f: Facts) -> str:
    from cnnviz.render.tables import markdown_rows

    rows = []
    for name in CIFAR_WRNS:
        s, (depth, k) = f.net(name), _dk(name)
        rows.append((_label(name), (depth - 4) // 6, "/".join(str(w * k) for w in (16, 32, 64)), s.weight_layers,
                     s.params, compact_count(s.macs)))  # fmt: skip
    header = ("network", "n", "group widths", "layers in sequence", "parameters", "multiply-adds")
    return markdown_rows(header, rows)


def _k_squared(f: Facts) -> str:
    from cnnviz.render.tables import markdown_rows

    one = f.k_cost(1)
    rows = [(f"WRN-28-{c.k}", c.params, f"{c.params / one.params:.1f}×", f"{c.k**2}", compact_count(c.macs),
             f"{c.macs / one.macs:.1f}×") for c in f.k_costs]  # fmt: skip
    header = ("network", "parameters", "× WRN-28-1", "k²", "multiply-adds", "× WRN-28-1")
    return markdown_rows(header, rows)


def _imagenet(f: Facts) -> str:
    from cnnviz.render.tables import markdown_rows

    w, r = f.net("wide_resnet50_2"), f.resnet152_stride_3x3
    pw, pr = reported("WRN-50-2-bottleneck"), reported("ResNet-152")
    aw, ar = f.activations["wide_resnet50_2"], f.activations["resnet152_stride_3x3"]
    rows = [
        ("weight layers in sequence", str(w.weight_layers), str(r.weight_layers)),
        ("parameters", count(w.params), count(r.params)),
        ("multiply-adds per image", si_count(w.macs), si_count(r.macs)),
        ("multiply-adds per layer in sequence", compact_count(round(w.macs / w.weight_layers)),
         compact_count(round(r.macs / r.weight_layers))),
        ("activations per image", si_count(aw), si_count(ar)),
        ("paper: top-1 / top-5 error", f"{_top(pw.error)} / {_top(pw.top5)}", f"{_top(pr.error)} / {_top(pr.top5)}"),
        ("paper: time per batch of 16", f"{pw.ms_per_batch:g}", f"{pr.ms_per_batch:g}"),
    ]  # fmt: skip
    return markdown_rows(("", "WRN-50-2", "ResNet-152"), rows)


_TABLE_BUILDERS = {"thin_vs_wide": _thin_vs_wide, "networks": _networks, "k_squared": _k_squared,
                   "imagenet": _imagenet}  # fmt: skip


def table(name: str, facts: Facts | None = None) -> Paragraph:
    """Table ``name`` (one of :data:`TABLES`) as Markdown, built from the chapter's facts; the paragraph
    after it in the page captions it."""
    if name not in TABLES:
        raise KeyError(f"wide_resnet: no table {name!r}; tables: {', '.join(TABLES)}")
    return Paragraph(_TABLE_BUILDERS[name](page.facts() if facts is None else facts))


# --- the paragraphs, in page order ----------------------------------------------------------------


@page.text("intro")
def _intro(f: Facts) -> str:
    r152, wrn28, w50 = f.net("resnet152"), f.net("wrn28_10"), f.net("wide_resnet50_2")
    r1001, w16 = reported("pre-act-ResNet-1001"), reported("WRN-16-8")
    wrn50, paper152 = reported("WRN-50-2-bottleneck"), reported("ResNet-152")
    word16 = comparative(w16.error, r1001.error, LEVEL)
    word50 = comparative(wrn50.error, paper152.error, LEVEL)
    require(word16 == word50 == "lower", "the text says both wide networks have the lower error")
    return f"""
        ResNet made depth trainable, and the race went on: {r152.weight_layers} layers on ImageNet and
        {f.resnet1202[1]:,} on CIFAR-10 (He et al., 2016a), {_depth_of(r1001.label):,} with pre-activation
        blocks (He et al., 2016b). Sergey Zagoruyko and Nikos Komodakis asked the opposite question
        (Zagoruyko and Komodakis, 2016): if the residual block is what makes these networks work, why make
        them so thin? Their *wide* residual networks keep the block, multiply the number of filters in it by a
        factor k, and cut the depth. In their CIFAR-10 results a {f.convolutions["wrn16_8"]}-layer
        network, WRN-16-8, has a {word16} test error than the {_depth_of(r1001.label):,}-layer one
        ({_pct(w16.error)} against {_pct(r1001.error)}); on ImageNet a {w50.weight_layers}-layer network has a {word50} top-1
        error than ResNet-152 ({_top(wrn50.error)} against {_top(paper152.error)}, one crop). WRN-28-10, the
        network this page measures in detail, has {wrn28.weight_layers} layers in sequence.

        Every number on this page is computed when the page is built, on the book's own implementations of
        the networks (*the zoo*), except the paper's own results, each cited with its table and how it was
        measured.
    """


@page.text("block")
def _block(f: Facts) -> str:
    b = BLOCK
    k = b["out_channels"] // b["in_channels"]  # the block is WRN-28-10's: the stem's 16 channels to 16k
    require(k == 10 and b["stride"] == 1, "the text says the drawn block is WRN-28-10's first, at k = 10")
    require("shortcut" in f.block_layers, "the text says the drawn block has a projection")
    require(f.block_layers.index("conv1") < f.block_layers.index("dropout") < f.block_layers.index("conv2"),
            "the caption's order: dropout between the two convolutions")  # fmt: skip
    return f"""
        Here is the first block of WRN-28-10, where the stem's {b["in_channels"]} channels become
        {b["out_channels"]} = {k} × {b["in_channels"]}; since its output is wider than its input, its
        shortcut needs a 1×1 convolution (a *projection*) to add them:
    """


@page.text("evidence")
def _evidence(f: Facts) -> str:
    table5 = CIFAR_TABLES[5]
    r1001 = reported("pre-act-ResNet-1001")
    w40, w16, w28 = (reported(_label(n)) for n in CIFAR_WRNS)
    r1202, r110 = reported("original ResNet-1202"), reported("original ResNet-110")
    c164, c1001 = ORIGINAL_UNIT_CIFAR100["ResNet-164"], ORIGINAL_UNIT_CIFAR100["ResNet-1001"]
    require(
        r110.cifar100 is None and r1202.cifar100 is None, "the text: no CIFAR-100 errors for these two (–)"
    )
    require(all(w.error < r1001.error for w in (w40, w16, w28)), "the text says every WRN beats ResNet-1001")
    require(
        w40.error < PREACT1001_BATCH64, "the text says WRN-40-4 is lower than ResNet-1001 at batch 64 too"
    )
    s40 = f.net("wrn40_4")
    # Table 4 (ZCA): at k = 8 and 10, depth helps from 16 to 22 (and 28), and 40 is worse than 22 at k = 8
    k8 = {d: _cifar(d, 8, 4).cifar10 for d in (16, 22, 40)}
    k10 = {d: _cifar(d, 10, 4).cifar10 for d in (16, 22, 28)}
    require(
        k8[16] > k8[22] < k8[40] and k10[16] > k10[22] > k10[28], "the text says depth helps up to a point"
    )
    wider40 = [_cifar(40, k, 4).cifar10 for k in (1, 2, 4, 8)]
    thin = [
        reported(label).error
        for label in (
            "original ResNet-110",
            "original ResNet-1202",
            "pre-act-ResNet-164",
            "pre-act-ResNet-1001",
        )
    ]
    require(r1202.error == max(thin), "the text says ResNet-1202 is the worst of the thin ones")
    require(
        all(a > b for a, b in zip(wider40, wider40[1:], strict=False)), "the text: wider is better at d = 40"
    )
    return f"""
        *Table: the thin and the wide networks of the paper's Table 5 (32×32 images): layers in sequence
        (weight layers on the longest path) and parameters counted on the zoo's networks; the pre-activation
        ResNet-1001 is not in the zoo, so its depth and parameters are the paper's. The errors are Table 5's
        CIFAR-10 and CIFAR-100 test errors: {table5.preprocessing} normalisation, flip and translation
        augmentation, no dropout, the {table5.runs.replace("runs", "runs for the WRNs")}. The ResNets' errors
        are as He et al. published them, trained with mini-batch 128; ResNet-110's {_pct(r110.error)} is the
        best of their 5 runs (He et al., 2016a, Table 6). Table 5 also gives ResNet-1001
        {_pct(PREACT1001_BATCH64)} on CIFAR-10 with mini-batch 64 (He et al., 2016b, Table 4, give that run
        {_pct(HE2016B_PREACT1001_BATCH64)}). He et al. (2016a) report no CIFAR-100 errors (–): the
        {_pct(c164)} and {_pct(c1001)} that Table 5 prints on the ResNet-110 and ResNet-1202 rows belong to
        ResNet-164 and ResNet-1001 with the original block (He et al., 2016b, Table 4). Table 5 prints 10.2M
        parameters for ResNet-1202; counted, the zoo's has {si_count(f.resnet1202[0])}, the figure He et al.
        give.*

        This is the paper's evidence that the block matters more than the depth. WRN-40-4 has
        {si_count(s40.params)} parameters, {compare(s40.params, _million(r1001.params), COUNT)} ResNet-1001's
        {r1001.params} (the paper's count), {s40.weight_layers} layers in sequence instead of
        {_depth_of(r1001.label):,}, and a {comparative(w40.error, r1001.error, LEVEL)} error, {_pct(w40.error)}
        against {_pct(r1001.error)}; WRN-16-8 and WRN-28-10 are lower still.
        Depth still helps, up to a point: in the paper's Table 4 (ZCA whitening, no number of runs stated) the
        error at k = 8 falls from {_pct(k8[16])} (WRN-16-8) to {_pct(k8[22])} (WRN-22-8) and rises again to
        {_pct(k8[40])} at depth 40; at depth 40 it falls with every step of k, from {_pct(wider40[0])} at k = 1
        to {_pct(wider40[-1])} at k = 8. The paper's ResNet-1202 is the worst of the thin ones
        ({_pct(r1202.error)}).
    """


@page.text("why")
def _why(f: Facts) -> str:
    w28, twin = f.net("wrn28_10"), f.thin_twin
    per28, per_twin = w28.macs / w28.weight_layers, twin.macs_per_layer
    speed28, speed40 = SPEED["wrn28_10_vs_resnet1001"], SPEED["wrn40_4_vs_resnet1001"]
    require(
        twin.k == 1 and twin.params >= w28.params,
        "the text: a thin network with at least WRN-28-10's parameters",
    )
    macs_word = compare(twin.macs, w28.macs)
    require(macs_word == "about the same as", "the text says the thin network does about the same arithmetic")
    return f"""
        **Why would wider, fewer blocks win?** Two reasons, of two kinds. The first is arithmetic, and this
        page measures it. The layers on the longest path run one after
        another; what one layer computes can be spread over the thousands of arithmetic units of a GPU. Spend
        WRN-28-10's {si_count(w28.params)} parameters on depth instead, in a thin network with k = 1: the
        shallowest that has as many is WRN-{twin.depth}-1 ({si_count(twin.params)}), with multiply-adds
        {macs_word} WRN-28-10's ({compact_count(twin.macs)} against {compact_count(w28.macs)}), but
        {twin.weight_layers:,} layers in sequence instead of {w28.weight_layers}, each with
        {compact_count(round(per_twin))} multiply-adds instead of {compact_count(round(per28))}. A thin layer
        cannot fill the processor, and every layer pays a fixed cost (launching its kernels, reading and
        writing its activations), {twin.weight_layers:,} times. The speed itself is the paper's measurement
        ({SPEED["source"].split(": ", 1)[1]}, its Fig. 4), against the pre-activation ResNet-1001:
        WRN-28-10 trains {speed28:g} times faster, and WRN-40-4, with about ResNet-1001's error, {speed40:g}
        times faster.
    """


@page.text("dropout")
def _dropout(f: Facts) -> str:
    require(f.dropout_params == 0, "the text says dropout adds no parameters")
    i = f.block_layers.index("dropout")
    require(f.block_layers[i - 2: i + 2] == ("bn2", "relu2", "dropout", "conv2"),
            "the text says dropout acts after bn2 and the ReLU, before conv2")  # fmt: skip
    plain28, drop28 = _cifar(28, 10, 6), _cifar(28, 10, 6, dropout=True)
    plain16, drop16 = _cifar(16, 4, 6), _cifar(16, 4, 6, dropout=True)
    require(drop28.cifar10 < plain28.cifar10 and drop28.cifar100 < plain28.cifar100,
            "the text says dropout lowers WRN-28-10's errors")  # fmt: skip
    require(drop16.cifar10 > plain16.cifar10, "the text says WRN-16-4 gets worse on CIFAR-10")
    require((DROPOUT.error, DROPOUT.cifar100) == (drop28.cifar10, drop28.cifar100), "one record of Table 6")
    table6 = CIFAR_TABLES[6]
    return f"""
        Widening multiplies the parameters, so the paper adds a regulariser: dropout (Srivastava et al., 2014)
        inside every block, *between* the two convolutions, after the second batch norm and its ReLU (its
        Fig. 1d), not on the shortcut, where He et al. had found it harmful. It adds no parameters and does
        nothing in evaluation mode; in training it zeroes each of the activations between the two
        convolutions with probability {f.block_dropout:g} (the paper's value for CIFAR, found by
        cross-validation) and scales the others up to keep their expected sum. In the paper's Table 6
        ({table6.protocol}) it takes WRN-28-10's CIFAR-10 test error from {_pct(plain28.cifar10)} to
        {_pct(drop28.cifar10)} and its CIFAR-100 error from {_pct(plain28.cifar100)} to
        {_pct(drop28.cifar100)}; WRN-16-4's CIFAR-10 error goes the other way, {_pct(plain16.cifar10)} to
        {_pct(drop16.cifar10)}, which the authors put down to its small number of parameters.
    """


@page.text("networks")
def _networks_text(f: Facts) -> str:
    w28 = f.net("wrn28_10")
    require(
        f.convolutions["wrn28_10"] == 28 and f.projections["wrn28_10"] == 3,
        "the text: d counts 28 convolutions",
    )
    require(w28.weight_layers == 28 - 2, "the text says the longest path has d − 2 weight layers")
    require(f.convolutions["wrn28_1"] == 27 and f.projections["wrn28_1"] == 2,
            "the text says WRN-28-1 has one projection, and one convolution, less")  # fmt: skip
    return f"""
        *Table: the zoo's WRN-40-4, WRN-16-8 and WRN-28-10 at 32×32, measured: n, the blocks per group (each
        block two 3×3 convolutions), the width of each group, weight layers on the longest path, parameters and
        multiply-adds per image. Their errors are in the table above.*

        The paper's d counts convolutions: the stem, the 6n 3×3 convolutions of the blocks, and the three 1×1
        projections on the shortcuts of the groups' first blocks, where the width changes; not the classifier.
        The longest path skips the projections (each runs beside its block) and passes through the
        classifier, so WRN-28-10 has {w28.weight_layers} weight layers in sequence, d − 2. At k = 1 the first
        group keeps the stem's 16 channels and needs no projection: WRN-28-1 has
        {f.convolutions["wrn28_1"]} convolutions.
    """


@page.text("k_squared")
def _k_squared_text(f: Facts) -> str:
    one, ten = f.k_cost(1), f.k_cost(10)
    ratio = ten.params / one.params
    require(0.95 * 100 < ratio < 100, "the text says a little under k² = 100")
    gap = 100 * one.params - ten.params
    s = f.shortfall
    require(f.shortfall_k2 == 0, "the text says every other convolution grows exactly as k²")
    require(sum(s.values()) == gap, "the text accounts for the whole shortfall")
    require(s["conv2_projection"] < 0 < min(v for p, v in s.items() if p != "conv2_projection"),
            "the text: the projection adds, the rest subtracts")  # fmt: skip
    m = f.macs_shortfall
    require(f.macs_shortfall_k2 == 0 and sum(m.values()) == 100 * one.macs - ten.macs and m["batch_norm"] == 0,
            "the text accounts for the multiply-adds' shortfall, with none in the batch norms")  # fmt: skip
    require(min(m[p] for p in ("stem", "conv2_first", "classifier")) > 0, "the text: these three grow slower")
    mac_ratio = ten.macs / one.macs
    require(0.95 * 100 < mac_ratio < 100, "the text says the multiply-adds also stay a little under k²")
    return f"""
        *Table: WRN-28-k for growing k, counted by formula without building anything (the book's tests
        check the formula against the built networks, counted layer by layer): parameters and multiply-adds
        per image, each against WRN-28-1's, beside k².*

        A 3×3 convolution from c to c' channels has 9·c·c' weights; in every convolution of the groups but
        the first of group conv2, both c and c' are multiples of k, so their weights grow as k², and so do the multiply-adds. Ten times the width gives
        {times(ten.params, one.params, 1)} the parameters of WRN-28-1, a little under k² = 100: it falls
        {count(gap)} parameters short of 100 × WRN-28-1, and what grows more slowly accounts for all of it.
        The first convolution of group conv2 reads the stem's 16 channels (16 → 16k, so its weights grow as
        k), and falls {count(s["conv2_first"])} short. The batch norms, 2 parameters per channel, grow as k:
        {count(s["batch_norm"])} short. The classifier's weights grow as k and its bias not at all:
        {count(s["classifier"])} short. The stem does not grow: {count(s["stem"])} short. Against these, WRN-28-10 has a
        projection that WRN-28-1 does not need, {count(-s["conv2_projection"])} parameters. The multiply-adds
        grow {times(ten.macs, one.macs, 1)}, a little under k² too: the stem, the first convolution of conv2 and
        the classifier do their multiply-adds at the same slower rates (the batch norms count none).
    """


@page.text("imagenet")
def _imagenet_text(f: Facts) -> str:
    w, r = f.net("wide_resnet50_2"), f.resnet152_stride_3x3
    r_he = f.net("resnet152")
    pw, pr = reported("WRN-50-2-bottleneck"), reported("ResNet-152")
    aw, ar = f.activations["wide_resnet50_2"], f.activations["resnet152_stride_3x3"]
    require(pw.error < pr.error and pw.top5 < pr.top5 and pw.ms_per_batch < pr.ms_per_batch,
            "the text says WRN-50-2 is better on all three")  # fmt: skip
    require(w.params > r.params and aw < ar, "the text: more parameters, fewer activations")
    require(WRN50_2_TABLE9_TOP5 < pr.top5, "the text says Table 9's top-5 is also below ResNet-152's")
    top1 = round(pr.error - pw.error, 2)
    images = round(top1 / 100 * VAL_IMAGES)
    time_less = 1 - pw.ms_per_batch / pr.ms_per_batch
    act_less = 1 - aw / ar
    per_w, per_r = w.macs / w.weight_layers, r.macs / r.weight_layers
    macs_word = compare(w.macs, r.macs)
    require(macs_word == "about the same as", "the text says about the same arithmetic")
    he = HE2016_RESNET152_10CROP
    return f"""
        *Table: WRN-50-2 and ResNet-152 at 224×224. The zoo measures the layers, parameters, multiply-adds and
        activations (the outputs of every layer for one image, which training keeps for the backward pass);
        ResNet-152 is measured with its stride in the 3×3 convolution, as in fb.resnet.torch (Gross and
        Wilber, 2016), the code that trained both networks of the paper's Table 8. The errors and times are
        Table 8's: ILSVRC-2012 validation set, one crop; the time column, per batch of 16, gives no unit.*

        What "outperforms" amounts to:

        - **Accuracy.** Top-1 error {_top(pw.error)} against {_top(pr.error)}, top-5 {_top(pw.top5)} against
          {_top(pr.top5)}: {top1} and {round(pr.top5 - pw.top5, 2)} percentage points lower, about
          {count(images)} of the {count(VAL_IMAGES)} validation images. Table 8 gives one figure per network,
          with no error bars and no number of runs (its Table 9 calls the WRN-50-2 result a single run, and
          gives its top-5 error as {_top(WRN50_2_TABLE9_TOP5)}). He et al.'s own ResNet-152 reports
          {_top(he.error)} and {_top(he.top5)} with *10-crop* testing (their Table 3), a different protocol
          that cannot be set against these.
        - **Size and work.** {times(w.params, r.params)} the parameters ({count(w.params)} against
          {count(r.params)}) and multiply-adds {macs_word} ResNet-152's ({si_count(w.macs)} against {si_count(r.macs)};
          with the stride in the first 1×1, as He et al. place it, ResNet-152 needs {si_count(r_he.macs)}).
        - **Memory and depth.** {percent(act_less, 0)} {comparative(aw, ar, COUNT)} activations to keep, and {w.weight_layers}
          weight layers in sequence against {r.weight_layers}, each with {times(per_w, per_r, 1)} the work;
          the paper's time per batch is {percent(time_less, 0)} lower ({pw.ms_per_batch:g} against
          {pr.ms_per_batch:g}).

        So "outperforms" is a {top1}-point accuracy gain at about the same arithmetic, bought with more
        parameters, with less memory and time, from {w.weight_layers} of the {r.weight_layers} layers.
    """


@page.text("claims_intro")
def _claims_intro(f: Facts) -> str:
    return claims_intro(f.claims, "on wide ResNets", "on the zoo's modules and against the paper")


@page.text("claims")
def _claims(f: Facts) -> str:
    notes = tally(f.claims)
    require(all(c.holds for c in f.claims), "the text says every statement holds")
    require(notes.bullets == notes.holds == 3, "the text says all three bullets hold")
    pw, pr = reported("WRN-50-2-bottleneck"), reported("ResNet-152")
    return f"""
        All {notes.bullets} bullets hold, with the qualifications the cards give. "Not depth" is the paper's
        conclusion from trained networks, not a law: depth still helps up to a point (Table 4), and ImageNet
        wanted the 50-layer bottleneck. "F×k filters" widens the inside of WRN-50-2's bottlenecks, not their outputs.
        "Outperforms" is {round(pr.error - pw.error, 2)} points of top-1 error, one crop, one figure per
        network.
    """


@page.text("explore")
def _explore(f: Facts) -> str:
    have = sorted({(r.depth, r.k) for r in CIFAR_RESULTS})
    return f"""
        Move the depth d and the width factor k. The readout gives what WRN-d-k costs (parameters,
        multiply-adds, layers in sequence and the work of each) and the thin network, k = 1, that spends the
        same parameters on depth instead. The top panel draws the parameters against k on log–log axes, where
        growth as k² is a straight line (dashed). Then what the paper reports the network buys: its CIFAR-10
        test errors, with their table and protocol, for the {len(have)} settings of d and k it reports; for
        any other setting the readout says so, and nothing is interpolated. The errors of different tables
        were measured differently (ZCA whitening or mean/std normalisation; a median of 5 runs, one run, or
        not stated), so compare within a table. It works without Python.
    """


@page.text("remember")
def _remember(f: Facts) -> str:
    w28, twin = f.net("wrn28_10"), f.thin_twin
    w50, r152 = f.net("wide_resnet50_2"), f.resnet152_stride_3x3
    params_word = comparative(w50.params, r152.params, COUNT)
    macs_word = compare(w50.macs, r152.macs, AMOUNT)
    require(macs_word == "about the same as", "the text: multiply-adds about the same as ResNet-152's")
    act_word = comparative(f.activations["wide_resnet50_2"], f.activations["resnet152_stride_3x3"], AMOUNT)
    apart = far(w28.macs / w28.weight_layers, twin.macs_per_layer, above="more", below="less")
    return f"""
        - Wide ResNets keep the residual block and trade depth for width: k times the filters in every block
          (F·k instead of F); on CIFAR, WRN-d-k has d = 6n + 4 convolutions (one less at k = 1).
        - Parameters and multiply-adds grow with k² (width) but linearly with d (depth); the stem, the first
          convolution, the batch norms and the classifier keep them a little under k².
        - The same budget spent on width means few layers in sequence, each with {apart} work than a thin
          network's: that is how, in the paper's timing on a GPU, WRN-28-10 trains
          {SPEED["wrn28_10_vs_resnet1001"]:g} times faster than ResNet-1001 and WRN-40-4
          {SPEED["wrn40_4_vs_resnet1001"]:g} times faster.
        - The evidence that the block, not the depth, does the work is the paper's trained networks (Tables 4 and
          5); the diminishing feature reuse that would explain it is the authors' hypothesis.
        - WRN-50-2 against ResNet-152: {w50.weight_layers} layers in sequence against {r152.weight_layers},
          multiply-adds {macs_word} ResNet-152's, {params_word} parameters, {act_word} activation memory, and a slightly
          lower error (one crop, one figure each).
        - Dropout between the two convolutions of a block regularises the wide networks.
    """


# --- captions of the diagrams, and folded blocks -----------------------------------------------------


@page.figure("block")
def _block(f: Facts) -> str:
    b = BLOCK
    return (f"the first block of WRN-28-10 (group conv2) on the {b['in_hw']}×{b['in_hw']}×{b['in_channels']} "
            f"output of the stem, built from `WideBasicBlock({b['in_channels']}, {b['out_channels']}, "
            f"dropout={b['dropout']:g})`: batch norm and ReLU come before each "
            "convolution (pre-activation), and the pre-activated input feeds both the first 3×3 convolution "
            "and the 1×1 projection beside it; dropout sits between the two convolutions; the two branches "
            "are added, with no ReLU after the addition. Here the dashed shortcut arrow carries the pre-activated "
            "input through the projection, not the block's raw input. MACs: multiply-adds per image")  # fmt: skip


@page.figure("wrn28_10")
def _wrn28_10(f: Facts) -> str:
    return "WRN-28-10 at 32×32, drawn at the network level: the stem, three groups, batch norm, pooling, classifier"


@page.figure("bottleneck")
def _bottleneck(f: Facts) -> str:
    return ("a bottleneck of WRN-50-2's conv2_x on a 56×56×256 input, built from the zoo's `Bottleneck` with "
            "`width=128`: twice the inner filters of ResNet-50's (64), the same 256-channel output")  # fmt: skip


def stage_table(led) -> str:
    """A network's ledger group by group (its top-level rows): output shape, activations and parameters, with
    the totals. No multiply-adds column: a group's multiply-adds, less its repeated blocks, would give away
    the exercise ``wide_resnet.conv3_first_block_macs``."""
    from cnnviz.format import chw
    from cnnviz.render.tables import markdown_rows

    rows = [(r.name, chw(r.output_shape, "×") or "-", r.activations, r.params) for r in led.at_depth(1)]
    body = markdown_rows(("group", "output (C×H×W)", "activations", "parameters"), rows)
    total = f"| **Total** | {chw(led.input_size, '×')} in | **{count(led.total_activations)}** | **{count(led.total_params)}** |"
    return body + total + "\n"

