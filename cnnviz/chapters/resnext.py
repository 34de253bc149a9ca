"""The ResNeXt chapter (``book/resnext.ipynb``): the numbers its prose cites, its paragraphs and their checks.

In the notebook::

    from cnnviz.chapters import resnext as chapter
    chapter.paragraph("table2")
    chapter.caption("paths", diagram)  # a diagram's caption, ending with what its drawing call did
    chapter.folded("The code of AggregatedBottleneck", Prose.source(AggregatedBottleneck))

:data:`PARAGRAPHS` lists the paragraphs in page order, :data:`FIGURES` the diagrams that :func:`caption`
captions. The figures the page cites from the paper are Table 3
(:data:`cnnviz.analysis.claims.resnext.TABLE3_TOP1_ERROR`), Table 4 (:data:`TABLE4_2X`), the complexities
the paper gives for them (:data:`PAPER_GFLOPS`) and the training errors its text reads off Fig. 5
(:data:`FIG5_TRAIN_ERROR_101`); everything else is measured on the zoo's modules.
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
from dataclasses import dataclass
from itertools import pairwise

from cnnviz.analysis.claims import Claim, tally
from cnnviz.analysis.claims.resnext import TABLE3_TOP1_ERROR
from cnnviz.analysis.summary import NetworkSummary
from cnnviz.chapters.page import Page, claims_intro, folded, require
from cnnviz.chapters.words import AMOUNT, COUNT, LEVEL, SIZE, comparative, compare, share
from cnnviz.format import compact_count, count, percent, short_count, si_count, times
from cnnviz.models.lecture import RESNEXT_BLOCK

__all__ = [
    "FIG5_TRAIN_ERROR_101", "FIGURES", "PAPER_GFLOPS", "PARAGRAPHS", "TABLE4_2X", "TABLE4_SOURCE", "BlockPair",
    "Facts", "Table4Row", "Template", "caption", "facts", "folded", "page", "paragraph", "stage_table",
]  # fmt: skip

PARAGRAPHS = (
    "inception",  # Inception's hand-designed branches against ResNeXt's paths of one shape
    "table2",  # Table 2's matched templates: their cost, and the error the paper reports for each
    "why_more_paths",  # the paper's evidence (Tables 3 and 4), and the authors' hypothesis, labelled as such
    "networks",  # ResNeXt-50 against ResNet-50: where the parameter, multiply-add and memory gaps come from
    "cifar",  # ResNeXt-29: what doubling C costs without a budget
    "claims_intro",  # the notes' bullets, and how many statements check them
    "claims",  # what the claim cards show
    "explore_matched",  # the matched explorer: which settings to stop at, and what its sketch draws
    "explore_free",  # the free-knob explorer: what a 32×64d block would cost
    "remember",  # what to remember, as a list
)
# The diagrams :func:`caption` captions: Fig. 3a (paths), Fig. 3c (grouped), ResNeXt-50 whole.
FIGURES = ("paths", "grouped", "resnext50")


# --- the paper's figures that only this chapter cites ---------------------------------------------


@dataclass(frozen=True)
class Table4Row:
    network: str
    setting: str  # C×d, as the paper writes it
    grows: str  # what the network grows to reach 2× the complexity: "depth", "width" or "cardinality"
    top1_error: float  # %


# Xie et al. 2017, Table 4: ImageNet-1K val top-1 error (%), single 224×224 crop, of networks at 2× the
# complexity of ResNet-101. Its 1× rows (ResNet-101 1×64d, ResNeXt-101 32×4d) are Table 3's, read from
# TABLE3_TOP1_ERROR.
TABLE4_2X: tuple[Table4Row, ...] = (
    Table4Row("ResNet-200", "1×64d", "depth", 21.7),
    Table4Row("ResNet-101, wider", "1×100d", "width", 21.3),
    Table4Row("ResNeXt-101", "2×64d", "cardinality", 20.7),
    Table4Row("ResNeXt-101", "64×4d", "cardinality", 20.4),
)
TABLE4_SOURCE = "xie2017aggregated, Table 4 (ImageNet-1K val, top-1 error, 224×224 single crop)"  # bib key
# The complexities the paper states: Table 3's caption (ResNet-101 and its matched ResNeXts, ~7.8 billion
# FLOPs, which the paper counts as multiply-adds) and the text of Table 4 ("variants that have ~15 billion").
PAPER_GFLOPS = {"1x": 7.8, "2x": 15.0}
# Sec. 5.1 of the paper, reading its Fig. 5 (right): training error (%) of the 101-layer pair.
FIG5_TRAIN_ERROR_101 = {"resnet101": 20.0, "resnext101_32x4d": 16.0}

IMAGENET = ("resnet50", "resnext50_32x4d", "resnet101", "resnext101_32x4d")
CIFAR = ("resnext29_8x64d", "resnext29_16x64d")


# --- the facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """One column of the paper's Table 2: C paths of width d, 256-d in and out, at 56×56."""

    cardinality: int
    width_paper: int  # d as Table 2 gives it
    width: int  # d as ops.matched_cardinality_width finds it
    weights: int  # convolution weights of the block
    macs: int


@dataclass(frozen=True)
class BlockPair:
    """One block of ResNeXt-50 (32×4d) beside the same block of ResNet-50, from the two ledgers."""

    name: str  # "layer2.0"
    in_channels: int
    out_channels: int
    in_hw: int
    out_hw: int
    params: int  # ResNeXt-50's block (convolutions and batch norm)
    resnet_params: int  # ResNet-50's
    macs: int  # ResNeXt-50's
    resnet_macs: int  # ResNet-50's with its stride moved to the 3×3 (the placement ResNeXt uses)

    @property
    def first(self) -> bool:
        """The first block of a stage (it changes the channels, and from conv3_x on the map size)."""
        return self.name.endswith(".0")


@dataclass(frozen=True)
class Facts:
    """Everything the ResNeXt chapter's prose cites, computed once per process by :meth:`compute`."""

    # The idea: a ResNeXt-50 conv2_x block in its paths form, against Inception 3a
    n_paths: int
    path_kinds: int  # different path shapes among them
    inception_branches: int
    inception_kinds: int
    inception_filter_counts: int  # the filter counts one Inception row of GoogLeNet's Table 1 sets
    # Table 2: the ResNet-50 conv2_x bottleneck's convolution weights, and the templates that match them
    block_hw: int
    budget: int
    templates: tuple[Template, ...]
    wide_32x64d: int  # convolution weights of a 32×64d block: C and d both large, no budget
    # The networks (224×224 and 32×32), and ResNet-50 with its stride in the 3×3
    imagenet: tuple[NetworkSummary, ...]
    cifar: tuple[NetworkSummary, ...]
    resnet50_stride_3x3: NetworkSummary
    blocks: tuple[BlockPair, ...]
    # activations per image (the ledger's leaves) of ResNeXt-50, ResNet-50 and ResNet-50 with its stride in the 3×3
    activations: dict[str, int]
    # The claims (shown as cards)
    claims: tuple[Claim, ...]

    def net(self, name: str) -> NetworkSummary:
        """The summary of network ``name`` ("resnext50_32x4d")."""
        return next(s for s in (*self.imagenet, *self.cifar) if s.name == name)

    def template(self, cardinality: int) -> Template:
        return next(t for t in self.templates if t.cardinality == cardinality)

    @classmethod
    def compute(cls) -> Facts:
        import torch

        from cnnviz.analysis import ops
        from cnnviz.analysis.claims import for_chapter
        from cnnviz.analysis.claims.make import cached_ledger
        from cnnviz.analysis.claims.resnext import branch_topologies
        from cnnviz.analysis.ledger import ledger
        from cnnviz.analysis.summary import network_summary
        from cnnviz.models.googlenet import INCEPTION_SPECS, InceptionModule, InceptionSpec
        from cnnviz.models.lecture import RESNEXT_BLOCK, RESNEXT_TABLE2
        from cnnviz.models.resnet import resnet
        from cnnviz.models.resnext import AggregatedBottleneck

        example = RESNEXT_BLOCK
        with torch.device("meta"):  # structure only: no weights drawn
            inception = InceptionModule(INCEPTION_SPECS["3a"])
            paths = AggregatedBottleneck(example.channels, example.channels, groups=example.cardinality,
                                         width=example.cardinality * example.bottleneck_width).paths  # fmt: skip
        branches = [inception.branch1, inception.branch2, inception.branch3, inception.branch4]

        hw, channels = example.in_hw, example.channels
        budget = ops.bottleneck_block_cost(hw, channels, example.resnet_width, out_channels=channels)
        templates = []
        for C, d_paper in RESNEXT_TABLE2:
            d = ops.matched_cardinality_width(C, channels, example.resnet_width)
            cost = ops.bottleneck_block_cost(hw, channels, C * d, groups=C, out_channels=channels)
            templates.append(Template(C, d_paper, d, cost.params, cost.macs))
        wide = ops.bottleneck_block_cost(hw, channels, 32 * 64, groups=32, out_channels=channels)

        with torch.device("meta"):  # shapes and counts need no weights: the ledger runs no arithmetic
            resnet50_3x3 = resnet(50, stride_in_3x3=True)  # torchvision's placement, and the ResNeXt paper's
        size = (3, 224, 224)
        # the claims read the same two ledgers: cached_ledger builds each once per process
        x50, r50, r50_3x3 = cached_ledger("resnext50_32x4d"), cached_ledger("resnet50"), ledger(resnet50_3x3, size)

        def blocks_of(led) -> dict:
            return {r.name: r for r in led.at_depth(2) if re.fullmatch(r"layer\d\.\d+", r.name)}

        bx, br, b3 = blocks_of(x50), blocks_of(r50), blocks_of(r50_3x3)
        pairs = tuple(
            BlockPair(name, x.input_shape[0], x.output_shape[0], x.input_shape[1], x.output_shape[1], x.params,
                      br[name].params, x.macs, b3[name].macs)
            for name, x in bx.items()
        )  # fmt: skip
        return cls(
            n_paths=len(paths),
            path_kinds=branch_topologies(list(paths)),
            inception_branches=len(branches),
            inception_kinds=branch_topologies(branches),
            inception_filter_counts=len([f for f in dataclasses.fields(InceptionSpec) if f.name != "in_channels"]),
            block_hw=hw,
            budget=budget.params,
            templates=tuple(templates),
            wide_32x64d=wide.params,
            imagenet=tuple(network_summary(name) for name in IMAGENET),
            cifar=tuple(network_summary(name) for name in CIFAR),
            resnet50_stride_3x3=network_summary(resnet50_3x3, size),
            blocks=pairs,
            activations={"resnext50_32x4d": x50.total_activations, "resnet50": r50.total_activations,
                         "resnet50_stride_3x3": r50_3x3.total_activations},
            claims=for_chapter("resnext"),
        )


page: Page[Facts] = Page("resnext", Facts.compute, PARAGRAPHS, FIGURES)
facts = page.facts
paragraph = page.paragraph
caption = page.caption


def _error(depth: int, C: int, d: int) -> str:
    return percent(TABLE3_TOP1_ERROR[(depth, C, d)] / 100, 1)


def _pct(x: float) -> str:
    return percent(x / 100, 1)


def _settings(f: Facts) -> str:
    """Table 2's templates as the paper writes them: "1×64d, 2×40d, 4×24d, 8×14d and 32×4d"."""
    names = [f"{t.cardinality}×{t.width_paper}d" for t in f.templates]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _farthest(f: Facts) -> Template:
    """The template whose weights stray farthest from the bottleneck's budget."""
    return max(f.templates, key=lambda t: abs(t.weights / f.budget - 1))


# --- the paragraphs, in page order ----------------------------------------------------------------


@page.text("inception")
def _inception(f: Facts) -> str:
    require(f.inception_branches == f.inception_kinds == 4, "the sentence lists four different Inception branches")
    require(f.path_kinds == 1, "the sentence says every ResNeXt path has one shape")
    return f"""
        Inception's four branches are each designed by hand (a 1×1; a 1×1 then a 3×3; a 1×1 then a 5×5; a pool
        then a 1×1), with {f.inception_filter_counts} filter counts set module by module, and their outputs
        are concatenated. ResNeXt's {f.n_paths} paths are copies of one shape, and they are summed. Two things
        follow. There is one new knob, C, instead of {f.inception_filter_counts} filter counts per module; and
        paths of the same shape (each with its own weights) can be computed together, as one layer.
    """


@page.text("table2")
def _table2(f: Facts) -> str:
    require(all(t.width == t.width_paper for t in f.templates), "the caption says cnnviz finds Table 2's widths")
    spread = [t.weights / f.budget - 1 for t in f.templates]
    require(max(abs(s) for s in spread) < 0.05, "the text calls the templates one budget")
    Cs = [(t.cardinality, t.width_paper) for t in f.templates]
    errors = {depth: [TABLE3_TOP1_ERROR[(depth, C, d)] for C, d in Cs] for depth in (50, 101)}
    require(all(a > b for a, b in pairwise(errors[50])), "the text says the error falls at every step")
    steps = [round(a - b, 1) for a, b in pairwise(errors[50])]
    require(steps == sorted(steps, reverse=True), "the text says the steps shrink as d gets small")
    (c1, d1), (c2, _), *_, (c8, _), (c32, d32) = Cs
    x50_vs_r101 = round(TABLE3_TOP1_ERROR[(50, c32, d32)] - TABLE3_TOP1_ERROR[(101, c1, d1)], 1)
    require(0 < x50_vs_r101 < 0.5, "the text says ResNeXt-50 comes within a few tenths of ResNet-101")
    depth50, depth101 = f.net("resnext50_32x4d").weight_layers, f.net("resnet101").weight_layers
    hw = f.block_hw
    return f"""
        *Table: for each cardinality C of the paper's Table 2, the width d that `cnnviz` computes (the same
        as the paper's), the block's width C·d and its convolution weights, with their ratio to the ResNet-50
        bottleneck's {count(f.budget)} (its multiply-adds at {hw}×{hw} are the weights times {hw}·{hw}); then
        the top-1 error the paper reports for the ResNeXt-50 and ResNeXt-101 built from that template (Xie et
        al., 2017, Table 3: ImageNet-1K validation set, one 224×224 crop). The C = 1 rows are the paper's own
        ResNet-50 and ResNet-101, re-implemented with the stride in the 3×3 convolution as in its ResNeXts.*

        Every template stays within {percent(min(spread), 1)} to {percent(max(spread), 1)} of the
        bottleneck's budget, d rounding to whole channels. At that cost the error falls at every step as C
        grows, from {_error(50, c1, d1)} (C = 1, the ResNet-50) to {_error(50, c32, d32)} ({c32}×{d32}d):
        ResNeXt-50 ({c32}×{d32}d) is better than ResNet-50 at the same cost, and within {x50_vs_r101} points
        of ResNet-101's {_error(101, c1, d1)} at {compare(depth50, depth101)} its depth ({depth50} of
        {depth101} weight layers). The steps shrink as d gets small: {steps[0]} points from C = {c1} to
        {c2}, {steps[-1]} from {c8} to {c32}. The paper calls this saturation (its Section 5.1) and uses no
        path narrower than d = {d32} (Table 2's last column).
    """


@page.text("why_more_paths")
def _why_more_paths(f: Facts) -> str:
    from cnnviz.render.tables import markdown_rows

    Cs = [(t.cardinality, t.width_paper) for t in f.templates]
    for depth in (50, 101):
        errors = [TABLE3_TOP1_ERROR[(depth, C, d)] for C, d in Cs]
        require(all(a > b for a, b in pairwise(errors)), f"the text says ResNeXt-{depth}'s error falls at every step of C")
    r101, x101 = TABLE3_TOP1_ERROR[(101, 1, 64)], TABLE3_TOP1_ERROR[(101, 32, 4)]
    grown = {row.grows: row for row in TABLE4_2X if row.grows != "cardinality"}
    by_paths = [row for row in TABLE4_2X if row.grows == "cardinality"]
    deeper, wider = grown["depth"], grown["width"]
    require(r101 > max(deeper.top1_error, wider.top1_error), "the text says depth and width each lower the error")
    require(all(p.top1_error < min(deeper.top1_error, wider.top1_error) for p in by_paths),
            "the text says every network with more paths ends below the deeper and the wider one")  # fmt: skip
    matches_wider = compare(x101, wider.top1_error, LEVEL, multiples=False, same=0.01)
    beats_deeper = compare(x101, deeper.top1_error, LEVEL, multiples=False, same=0.01)
    require(matches_wider == "about the same as", "the text says ResNeXt-101 (32×4d) matches the wider network")
    require(beats_deeper == "lower than", "the text says ResNeXt-101 (32×4d) beats the deeper network")
    trained = FIG5_TRAIN_ERROR_101
    require(trained["resnext101_32x4d"] < trained["resnet101"], "the text says ResNeXt's training error is lower")
    table = markdown_rows(("network", "C×d", "extra budget spent on", "top-1 error"),
                          [(r.network, r.setting, r.grows, _pct(r.top1_error)) for r in TABLE4_2X])  # fmt: skip
    evidence = f"""
        **Why do more paths help?** First, what the paper measured, on ImageNet-1K (Xie et al., 2017:
        validation set, top-1 error of one 224×224 crop). At matched complexity (Table 3, the last two columns
        above), the error falls at every step of C, for the 50-layer and the 101-layer networks alike. Table 4
        spends *twice* the complexity of ResNet-101 (about {PAPER_GFLOPS["2x"]:g} billion multiply-adds against
        {PAPER_GFLOPS["1x"]:g}) three ways:
    """
    reading = f"""
        From ResNet-101's {_pct(r101)}, more depth and more width each lower the error, and every network that
        spends the budget on paths ends below both. ResNeXt-101 (32×4d) at the 1× complexity, {_pct(x101)},
        already ends {matches_wider} the wider network ({_pct(wider.top1_error)}) and
        {beats_deeper} the deeper one ({_pct(deeper.top1_error)}), at
        {compare(PAPER_GFLOPS["1x"], PAPER_GFLOPS["2x"])} their cost.

        *Why* more paths help is the authors' hypothesis, not something these tables show. A neuron sums its
        inputs, each times one weight; a ResNeXt block sums its paths, each a small network (their
        "Network-in-Neuron"). So, they argue, width counts simple transformations and C counts complex ones.
        And since ResNeXt's training error is {comparative(trained["resnext101_32x4d"], trained["resnet101"], LEVEL)}
        too, not just its validation error (Fig. 5: {percent(trained["resnext101_32x4d"] / 100)} against
        ResNet-101's {percent(trained["resnet101"] / 100)}), they read the gain as stronger representations
        rather than regularisation. Testing that reading takes matched networks trained on ImageNet: it is not
        testable here.
    """
    return "\n\n".join([textwrap.dedent(evidence).strip(), table.strip(), textwrap.dedent(reading).strip()])


@page.text("networks")
def _networks(f: Facts) -> str:
    x50, r50, r50_3x3 = f.net("resnext50_32x4d"), f.net("resnet50"), f.resnet50_stride_3x3
    first = [b for b in f.blocks if b.first]
    other = [b for b in f.blocks if not b.first]
    gap_first = sum(b.params - b.resnet_params for b in first)
    gap_other = sum(b.params - b.resnet_params for b in other)
    gap = x50.params - r50.params
    require(gap_first + gap_other == gap, "the text puts the whole parameter gap in the blocks")
    require(gap_first < 0 < gap_other and gap < 0, "the text says the first blocks carry the gap")
    # "fewer than", not "about the same as" (the 5% default): the paragraph is about a 2% gap and its cause.
    require(all(b.in_channels < b.out_channels for b in first), "the text says a first block's input is narrower")
    conv2, *later = first
    ratios = {b.in_channels / b.out_channels for b in later}
    require(len(ratios) == 1, "the text gives one input-to-output ratio for the later stages")
    require(r50.macs < r50_3x3.macs < x50.macs, "the text splits the multiply-add gap into the stride and the rest")
    macs_gap, rest = x50.macs - r50.macs, x50.macs - r50_3x3.macs
    rest_first = sum(b.macs - b.resnet_macs for b in first)
    require(0 < rest_first <= rest, "the text says the rest comes from the first blocks")
    strided = later[0]
    require(x50.receptive_field == r50_3x3.receptive_field != r50.receptive_field,
            "the text says the stride placement alone sets the receptive field")  # fmt: skip
    x_act, r_act, r3_act = (f.activations[n] for n in ("resnext50_32x4d", "resnet50", "resnet50_stride_3x3"))
    require(r_act < r3_act < x_act, "the text splits the activation gap into the stride and the wider layers")
    act_gap, act_stride, act_wider = x_act - r_act, r3_act - r_act, x_act - r3_act
    x2 = f.template(RESNEXT_BLOCK.cardinality)
    require(x2.cardinality * x2.width > RESNEXT_BLOCK.resnet_width, "the text says ResNeXt's inner layers are wider")
    return f"""
        *Table: ResNet-50/101 and ResNeXt-50/101 (32×4d) at 224×224, measured on the zoo's networks: weight
        layers on the longest path, parameters, multiply-adds per image and the theoretical receptive field of
        the last stage. The zoo's ResNets stride a stage's first block in its first 1×1 convolution, as the
        ResNet paper does; its ResNeXts stride the 3×3, as the authors' code does.*

        ResNeXt-50 has {si_count(x50.params)} parameters, {compare(x50.params, r50.params, COUNT, same=0.01)}
        ResNet-50's {si_count(r50.params)}, and {short_count(x50.macs)} multiply-adds,
        {compare(x50.macs, r50.macs)} its {short_count(r50.macs)}. Where the stride sits cannot change a
        parameter count; the gap is in the first block of each stage. Table 2 balances the grouped 3×3's
        saving against ResNeXt's wider 1×1 convolutions for a block whose input is as wide as its output, but
        a stage's first block takes a narrower input ({conv2.in_channels} channels into conv2_x's
        {conv2.out_channels}; {compare(later[0].in_channels, later[0].out_channels)} the output in the later
        stages). The extra weights of the wider first 1×1 scale with the input's width; the grouped 3×3's
        saving does not. So ResNeXt's {len(first)}
        first blocks have {count(abs(gap_first))} {comparative(gap_first, 0, COUNT)} parameters than ResNet-50's
        (conv2_x: {count(conv2.params)} against {count(conv2.resnet_params)}), its {len(other)} other blocks
        {count(abs(gap_other))} {comparative(gap_other, 0, COUNT)}: {count(abs(gap))}
        {comparative(gap, 0, COUNT)} in all; the paper's footnote 5 names the same cause, the blocks where
        the map sizes change.

        The multiply-adds differ for two reasons. With its stride moved to the 3×3 (torchvision's placement,
        and the ResNeXt paper's), ResNet-50 needs {short_count(r50_3x3.macs)}: the move accounts for
        {share(r50_3x3.macs - r50.macs, macs_gap)} of the {compact_count(macs_gap)} gap. Of the rest,
        {compact_count(rest)}, {share(rest_first, rest)} comes from the first blocks again: in a strided block
        the first 1×1 runs on the map before the stride, with {times(strided.in_hw**2, strided.out_hw**2)} the
        pixels of the 3×3's output, and Table 2's balance, worked out on one map size, no longer holds. The
        stride placement alone sets the receptive field: ResNeXt-50's is {x50.receptive_field} pixels,
        {compare(x50.receptive_field, r50.receptive_field, SIZE)} ResNet-50's {r50.receptive_field}, and the
        same as ResNet-50's with the stride in its 3×3; the grouping changes no kernel size or stride.

        Memory differs for two reasons too. ResNeXt-50 keeps {si_count(x_act)} activations per image,
        which training must store for the backward pass, {compare(x_act, r_act, AMOUNT)} ResNet-50's
        {si_count(r_act)}. With its stride in the 3×3, ResNet-50 keeps {si_count(r3_act)}: where the stride
        sits explains {share(act_stride, act_gap)} of the {compact_count(act_gap)} gap
        ({compact_count(act_stride)}), and the wider inner layers {share(act_wider, act_gap)}
        ({compact_count(act_wider)}).
    """


@page.text("cifar")
def _cifar(f: Facts) -> str:
    c8, c16 = f.cifar
    r50 = f.net("resnet50")
    side = c8.input_size[-1]
    require(c8.input_size == c16.input_size, "the text compares the two ResNeXt-29 at one input size")
    return f"""
        *Table: the paper's two CIFAR networks at {side}×{side}, measured on the zoo's modules as above, with
        the CIFAR-10 test error the paper reports for each (Xie et al., 2017, Table 7).*

        Here C is not matched against a budget: with 16 paths of width 64 instead of 8, ResNeXt-29 has
        {si_count(c16.params)} parameters, {compare(c16.params, c8.params, COUNT)} the
        {si_count(c8.params)} of 8×64d. ResNeXt-29 (8×64d) needs {short_count(c8.macs)} multiply-adds for
        one {side}×{side} image, {compare(c8.macs, r50.macs)} ResNet-50's {short_count(r50.macs)} for a
        {r50.input_size[-1]}×{r50.input_size[-1]} one, and its receptive field of {c8.receptive_field} pixels
        is {compare(c8.receptive_field, side, SIZE)} the {side}-pixel image.
    """


@page.text("claims_intro")
def _claims_intro(f: Facts) -> str:
    return claims_intro(f.claims, "on ResNeXt", "on the zoo's modules and against the paper")


@page.text("claims")
def _claims(f: Facts) -> str:
    notes = tally(f.claims)
    require(all(c.holds for c in f.claims), "the text says every statement holds")
    require(notes.bullets == notes.holds == 2, "the text says both bullets hold")
    wider = next(c for c in f.claims if c.id == "resnext.wider")
    x = f.template(32)
    return f"""
        Both bullets hold. "Increases width" is true in a precise sense: the inner width of a conv2_x block is
        {wider.actual}, with {count(x.weights)} convolution weights, {compare(x.weights, f.budget, COUNT)}
        ResNet-50's {count(f.budget)}, because the 3×3 convolution is grouped. "Similar in spirit to Inception"
        is the paper's own framing, with the difference the cards show: one path shape repeated, summed
        rather than concatenated.
    """


@page.text("explore_matched")
def _explore_matched(f: Facts) -> str:
    return f"""
        Pick one of the paper's templates, Table 2's {_settings(f)}: C paths, each d channels wide, with d the
        width that keeps the block at the ResNet-50 bottleneck's budget (the dashed line). The readout and the
        top panel give what the template costs, its convolution weights and multiply-adds; the panel below gives
        what it buys, ResNeXt-50's ImageNet top-1 error in the paper's Table 3. The sketch at the bottom draws
        the block to scale: one column per path, each box d channels wide, with its 1×1, 3×3 and 1×1
        convolution from top to bottom, between the bars of the 256 channels in and out. It works without
        Python. Only the paper's templates are offered: those are the networks it trained.
    """


@page.text("explore_free")
def _explore_free(f: Facts) -> str:
    return f"""
        Now free both knobs: choose C and d. The blue line follows your d across all cardinalities; the grey
        points are Table 2. Try C = 32 with d = 64 (the "32×64d" that would cost
        {times(f.wide_32x64d, f.budget, digits=0)} the bottleneck's weights) or C = 1 with d = 4.
    """


@page.text("remember")
def _remember(f: Facts) -> str:
    x50, r50, r50_3x3 = f.net("resnext50_32x4d"), f.net("resnet50"), f.resnet50_stride_3x3
    far = _farthest(f)
    budget_word = compare(far.weights, f.budget, COUNT, multiples=False)
    require(budget_word == "about the same as", "the text says every template costs about the bottleneck's budget")
    params_word = compare(x50.params, r50.params, COUNT, multiples=False)
    macs_word = comparative(x50.macs, r50.macs)
    stride_share = share(r50_3x3.macs - r50.macs, x50.macs - r50.macs)
    return f"""
        - A ResNeXt block is a ResNet bottleneck whose branch is split into C paths of width d, all of one
          shape but each with its own weights, each transformed, then summed: split → transform → merge. C is the
          *cardinality*.
        - Like Inception it is multi-branch; unlike Inception its paths have one shape and are added, so the
          block is one bottleneck with a grouped 3×3 convolution (`groups=C`). The three forms compute the same
          function.
        - At a fixed budget, more paths means thinner paths: {_settings(f)} all cost {budget_word} the ResNet-50
          bottleneck. In the paper's ImageNet experiments the error falls at every step of C (Table 3), and
          spending twice the budget on paths beats spending it on depth or width (Table 4). *Why* is the
          authors' hypothesis, not a measurement.
        - Outside the blocks, ResNeXt-50/101 are ResNet-50/101: the same stages and depth, a parameter count
          {params_word} theirs, and {macs_word} multiply-adds, {stride_share} of the difference from where the
          stride sits.
    """


# --- captions of the diagrams, and folded blocks -----------------------------------------------------


@page.figure("paths")
def _paths(f: Facts) -> str:
    b = RESNEXT_BLOCK
    return (f"the ResNeXt-50 block of conv2_x ({b.in_hw}×{b.in_hw}×{b.channels} in and out) as "
            f"C = {b.cardinality} paths of width d = {b.bottleneck_width} (the paper's Fig. 3a), built from "
            "`AggregatedBottleneck`")  # fmt: skip


@page.figure("grouped")
def _grouped(f: Facts) -> str:
    b = RESNEXT_BLOCK
    C, d, channels = b.cardinality, b.bottleneck_width, b.channels
    return (f"the same block in the grouped form (Fig. 3c), built from `Bottleneck({channels}, {channels}, "
            f"width={C * d}, groups={C})`: a 1×1 convolution to {C * d} channels, a 3×3 convolution with {C} "
            f"groups of {d}, a 1×1 convolution back to {channels}")  # fmt: skip


@page.figure("resnext50")
def _resnext50(f: Facts) -> str:
    b = RESNEXT_BLOCK
    return f"ResNeXt-50 ({b.cardinality}×{b.bottleneck_width}d) at 224×224, drawn at the network level"


def stage_table(led) -> str:
    """A network's ledger stage by stage (its top-level rows): output shape, activations and parameters, with
    the totals. No multiply-adds column: a stage's multiply-adds, less its repeated blocks (the explorer's
    readout), would give away the exercise ``resnext.conv3_first_block_macs``."""
    from cnnviz.format import chw
    from cnnviz.render.tables import markdown_rows

    rows = [(r.name, chw(r.output_shape, "×") or "-", r.activations, r.params) for r in led.at_depth(1)]
    table = markdown_rows(("stage", "output (C×H×W)", "activations", "parameters"), rows)
    total = f"| **Total** | {chw(led.input_size, '×')} in | **{count(led.total_activations)}** | **{count(led.total_params)}** |"
    return table + total + "\n"

