"""The SqueezeNet chapter (``book/squeezenet.ipynb``): the numbers its prose cites, its paragraphs and their checks.

In the notebook::

    from cnnviz.chapters import squeezenet as chapter
    chapter.paragraph("idea")
    chapter.caption("fire", diagram)  # a diagram's caption, ending with what its drawing call did
    chapter.folded("The code of Fire", Prose.source(Fire))

:data:`PARAGRAPHS` lists the paragraphs in page order, :data:`FIGURES` the diagrams that :func:`caption`
captions. The paper's figures the page cites are its Table 2 (:data:`cnnviz.analysis.fire_modules.DEEP_COMPRESSION`),
Table 3 (:data:`TABLE3`), the accuracies of its Fig. 3 (:data:`cnnviz.analysis.fire_modules.DESIGN_ACCURACY`)
and the v1.1 release notes' accuracy bound (:data:`V11_TOP5_AT_LEAST`); everything else is measured on the
zoo's modules.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnviz.analysis.claims import Claim, tally
from cnnviz.analysis.claims.squeezenet import FEWER_PARAMS, SMALLER
from cnnviz.analysis.fire_modules import DEEP_COMPRESSION, READ_OFF_PRECISION, DesignAccuracy
from cnnviz.analysis.summary import NetworkSummary
from cnnviz.chapters.page import Page, claims_intro, folded, require
from cnnviz.chapters.words import COUNT, SIZE, compare, share
from cnnviz.format import count, percent, short_count, times

__all__ = [
    "FIGURES", "PARAGRAPHS", "TABLE3", "TABLE3_SOURCE", "V11_SOURCE", "V11_TOP5_AT_LEAST", "DesignPoint", "Facts",
    "Macro", "MapLayout", "caption", "design_table", "facts", "folded", "layer_table", "networks_table", "page",
    "paragraph",
    "size_table", "strategy_table",
]  # fmt: skip

PARAGRAPHS = (
    "idea",  # the one idea: a 3×3 convolution's weights are 9·C_in·C_out, and the Fire module cuts both factors
    "evidence",  # why it is enough: the paper's evidence (Table 2, Fig. 3a), labelled as the paper's
    "strategies",  # the paper's three strategies, each counted as a counterfactual on SqueezeNet 1.0
    "networks",  # 1.0, 1.1 and the simple bypass: input sizes, multiply-adds, receptive fields
    "bypass",  # the paper's Table 3: simple and complex bypass
    "claims_intro",  # the notes' bullets, and how many statements check them
    "claims",  # what the claim cards show
    "sizes",  # "50× fewer parameters" against "500× smaller": parameters against bytes
    "explore",  # the kernel-free explorer: what it counts, what it cites, and how to read the paper's points
    "explore_live",  # the live explorer (Jupyter only)
    "remember",  # what to remember, as a list
    "references",  # the works the page cites (the paper's title holds a comparison word: it comes from the zoo)
)
# The diagrams :func:`caption` captions: the Fire module (fire2), SqueezeNet 1.0 with the simple bypass.
FIGURES = ("fire", "bypass")


# --- the paper's figures that only this chapter cites ---------------------------------------------


@dataclass(frozen=True)
class Macro:
    """One row of the paper's Table 3 ("SqueezeNet accuracy and model size using different macroarchitecture
    configurations"): ImageNet top-1 and top-5 accuracy (%) and model size (MB, as the paper writes it)."""

    architecture: str
    network: str | None  # the zoo's network, where it has one
    top1: float
    top5: float
    size_mb: float


TABLE3: tuple[Macro, ...] = (
    Macro("vanilla SqueezeNet", "squeezenet1_0", 57.5, 80.3, 4.8),
    Macro("SqueezeNet + simple bypass", "squeezenet1_0_bypass", 60.4, 82.5, 4.8),
    Macro("SqueezeNet + complex bypass", None, 58.8, 82.0, 7.7),
)
TABLE3_SOURCE = "iandola2016squeezenet, Table 3"
# The authors' v1.1 release notes (the SqueezeNet repository's README, not the paper): "ImageNet accuracy
# >= 80.3% top-5" for v1.0 and v1.1 alike, and no top-1.
V11_TOP5_AT_LEAST = 80.3
V11_SOURCE = "the authors' v1.1 release notes"

NETWORKS = ("squeezenet1_0", "squeezenet1_1", "squeezenet1_0_bypass", "alexnet")
CAFFE_SIDE = 227  # the input of the authors' Caffe model, whose map sizes the paper's Table 1 prints


# --- the facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapLayout:
    """Where one network's pools put its Fire modules, and what that costs at 224×224."""

    sides: tuple[int, ...]  # the map side each Fire module runs on, fire2 to fire9
    pools_after: tuple[str, ...]  # the layers a max pool follows: "conv1", "fire4", ...
    activations: int  # per image, all layers (the ledger's leaves)
    macs: int

    @property
    def largest(self) -> int:
        return max(self.sides)

    @property
    def on_largest(self) -> int:
        """How many Fire modules run on the largest maps."""
        return self.sides.count(self.largest)


@dataclass(frozen=True)
class DesignPoint:
    """A network of the paper's Fig. 3 beside what ``cnnviz`` counts for the same setting."""

    reported: DesignAccuracy
    params: int

    @property
    def mib(self) -> float:
        """Its float32 weights in binary megabytes, the unit of the figure's axis."""
        return 4 * self.params / 2**20


@dataclass(frozen=True)
class Facts:
    """Everything the SqueezeNet chapter's prose cites, computed once per process by :meth:`compute`."""

    # The idea: fire9 of SqueezeNet 1.0 against one 3×3 convolution with its input and output channels
    fire9_in: int
    fire9_squeeze: int
    fire9_e1x1: int
    fire9_e3x3: int
    fire9_params: int
    plain_3x3_params: int
    # The three strategies on SqueezeNet 1.0
    fires_params: int  # its Fire modules
    expand_widths: tuple[int, ...]  # e_i of fire2 .. fire9, the design space's formula at SqueezeNet's point
    even_split: bool  # every expand layer has as many 1×1 as 3×3 filters
    all_3x3_params: int  # the same, every expand filter 3×3
    squeezed: int  # weights of the 3×3 filters, fed the squeezed maps
    unsqueezed: int  # the same filters fed the Fire module's whole input
    late: MapLayout  # SqueezeNet 1.0 as built
    early: MapLayout  # SqueezeNet 1.0 with its pools where 1.1 has them
    v11: MapLayout  # SqueezeNet 1.1
    early_receptive_field: int  # of SqueezeNet 1.0 with 1.1's pools
    # The networks at 224×224, and what changes at the Caffe models' 227×227
    nets: tuple[NetworkSummary, ...]
    conv1_side: dict[str, int]  # conv1's output side at 224, by network
    conv1_kernel: dict[str, int]
    conv1_stride: dict[str, int]
    conv1_filters: dict[str, int]
    conv1_macs: dict[str, int]
    fire2_side: dict[str, int]  # the side fire2 runs on at 224
    fire2_side_227: int  # SqueezeNet 1.0's, at 227 (Table 1's)
    last_side: dict[int, int]  # the map side before conv10, by input side (224, 227)
    macs_227: dict[str, int]
    # The claims (shown as cards), and the design space
    claims: tuple[Claim, ...]
    design: tuple[DesignPoint, ...]
    alexnet_owt_params: int

    def net(self, name: str) -> NetworkSummary:
        """The summary of network ``name`` ("squeezenet1_1")."""
        return next(s for s in self.nets if s.name == name)

    @classmethod
    def compute(cls) -> Facts:
        import torch

        from cnnviz.analysis import fire_modules as fm
        from cnnviz.analysis import ops
        from cnnviz.analysis.claims import for_chapter
        from cnnviz.analysis.claims.make import total_params
        from cnnviz.analysis.ledger import ledger
        from cnnviz.analysis.receptive_field import receptive_field
        from cnnviz.analysis.summary import network_summary
        from cnnviz.models.squeezenet import CONFIGS, POOL

        cost = fm.design_cost()
        fire9 = cost.fires[-1]
        squeezed, unsqueezed = fm.no_squeeze_3x3_params()
        with torch.device("meta"):  # shapes and counts need no weights
            early_net = fm.early_pools_network()

        def pools(version: str) -> tuple[str, ...]:
            layers, after, previous = CONFIGS[version]["layers"], [], "conv1"
            for layer in layers:  # type: ignore[attr-defined]
                if layer == POOL:
                    after.append(previous)
                else:
                    previous = layer.name
            return tuple(after)

        def layout(led, version: str) -> MapLayout:
            sides = tuple(r.input_shape[1] for r in led.rows if r.name.endswith(".squeeze"))
            return MapLayout(sides, pools(version), led.total_activations, led.total_macs)

        leds = {name: ledger(name) for name in ("squeezenet1_0", "squeezenet1_1")}
        first = {name: next(r for r in led.rows if r.name == "features.0") for name, led in leds.items()}
        design = tuple(
            DesignPoint(p, fm.design_cost(p.squeeze_ratio, p.pct3x3).params) for p in fm.DESIGN_ACCURACY
        )
        return cls(
            fire9_in=fire9.in_channels,
            fire9_squeeze=fire9.spec.s1x1,
            fire9_e1x1=fire9.spec.e1x1,
            fire9_e3x3=fire9.spec.e3x3,
            fire9_params=fire9.params,
            plain_3x3_params=ops.conv_cost(fire9.hw, fire9.in_channels, fire9.spec.out_channels, 3, bias=True).params,
            fires_params=sum(f.params for f in cost.fires),
            expand_widths=tuple(f.spec.out_channels for f in cost.fires),
            even_split=all(f.spec.e1x1 == f.spec.e3x3 for f in cost.fires),
            all_3x3_params=fm.expand_all_3x3_params(),
            squeezed=squeezed,
            unsqueezed=unsqueezed,
            late=layout(leds["squeezenet1_0"], "1_0"),
            early=layout(ledger(early_net, (3, 224, 224)), "1_1"),  # 1.0's Fire modules, 1.1's pools
            v11=layout(leds["squeezenet1_1"], "1_1"),
            early_receptive_field=receptive_field(early_net, (3, 224, 224)).output.rf,
            nets=tuple(network_summary(name) for name in NETWORKS),
            conv1_side={name: row.output_shape[1] for name, row in first.items()},
            conv1_kernel={name: row.kernel[0] for name, row in first.items()},
            conv1_stride={name: row.stride[0] for name, row in first.items()},
            conv1_filters={name: row.output_shape[0] for name, row in first.items()},
            conv1_macs={name: row.macs for name, row in first.items()},
            fire2_side={name: layout(led, name[-3:]).sides[0] for name, led in leds.items()},
            fire2_side_227=layout(ledger("squeezenet1_0", (3, CAFFE_SIDE, CAFFE_SIDE)), "1_0").sides[0],
            last_side={side: next(r for r in ledger("squeezenet1_0", (3, side, side)).rows
                                  if r.name == "classifier.1").input_shape[1] for side in (224, CAFFE_SIDE)},
            macs_227={name: ledger(name, (3, CAFFE_SIDE, CAFFE_SIDE)).total_macs for name in leds},
            claims=tuple(for_chapter("squeezenet")),
            design=design,
            alexnet_owt_params=total_params("alexnet_owt"),
        )  # fmt: skip


page: Page[Facts] = Page("squeezenet", Facts.compute, PARAGRAPHS, FIGURES)
facts = page.facts
paragraph = page.paragraph
caption = page.caption


def _mib(n_bytes: float, decimals: int = 2) -> str:
    """Bytes in binary megabytes, the unit of the paper's "MB": 4,993,696 -> "4.76 MiB"."""
    return f"{n_bytes / 2**20:.{decimals}f} MiB"


def _table2(model: str, bits: str = "32"):
    """A row of the paper's Table 2 (DEEP_COMPRESSION): ("squeezenet1_0", "6") is the 6-bit compressed one."""
    return next(r for r in DEEP_COMPRESSION if (r.model, r.bits) == (model, bits))


def _point(f: Facts, panel: str, sr: float, pct3x3: float = 0.5) -> DesignPoint:
    return next(
        p for p in f.design
        if (p.reported.panel, p.reported.squeeze_ratio, p.reported.pct3x3) == (panel, sr, pct3x3)
    )  # fmt: skip


# --- the paragraphs, in page order ----------------------------------------------------------------


@page.text("idea")
def _idea(f: Facts) -> str:
    out = f.fire9_e1x1 + f.fire9_e3x3
    require(out == f.fire9_in, "the sentence says fire9 keeps its channel count")
    require(f.even_split, "the sentence says SqueezeNet's expand layers have as many 1×1 as 3×3 filters")
    require(f.fire9_squeeze < out, "the sentence says the squeeze narrows the input")
    return f"""
        A convolution with k×k filters has k·k·C_in·C_out weights: one per filter tap, input channel and
        filter. SqueezeNet's building block, the *Fire module*, cuts both channel factors of its 3×3 filters.
        A **squeeze** layer of 1×1 filters first reduces the channels the 3×3 filters read; the **expand**
        layer that follows then makes part of its filters 1×1 (in SqueezeNet, as many as are 3×3), each with a
        ninth of a 3×3 filter's weights. Take fire9, the last Fire module of SqueezeNet 1.0: it turns
        {f.fire9_in} channels into {out}, squeezing them to {f.fire9_squeeze} before {f.fire9_e1x1} 1×1 and
        {f.fire9_e3x3} 3×3 expand filters, with {count(f.fire9_params)} parameters. One 3×3 convolution from
        {f.fire9_in} to {out} channels has {count(f.plain_3x3_params)},
        {times(f.plain_3x3_params, f.fire9_params, digits=1)} as many.
    """


@page.text("evidence")
def _evidence(f: Facts) -> str:
    sq, ax = _table2("squeezenet1_0"), _table2("alexnet")
    require(sq.top1_accuracy >= ax.top1_accuracy and sq.top5_accuracy >= ax.top5_accuracy,
            "the text says SqueezeNet meets AlexNet's accuracy")  # fmt: skip
    first, best, last = _point(f, "3a", 0.125), _point(f, "3a", 0.75), _point(f, "3a", 1.0)
    require(first.reported.printed and best.reported.printed, "the text quotes printed Fig. 3a values")
    require(
        0 < best.reported.top5 - first.reported.top5 < 10, "the text says a wider squeeze buys a few points"
    )
    require(not last.reported.top5 > best.reported.top5, "the text says SR = 1 buys nothing over SR = 0.75")
    require(abs(first.reported.top5 - 100 * sq.top5_accuracy) < 1e-9, "Fig. 3a's SqueezeNet is Table 2's")
    s32 = 4 * f.net("squeezenet1_0").params
    require(abs(s32 / 2**20 - sq.size_mb) < 0.05 < abs(s32 / 1e6 - sq.size_mb),
            "the text says the paper's MB is the binary megabyte")  # fmt: skip
    return f"""
        Fewer weights are worth having only if the network still learns, and that is the paper's result, not
        something a count can show. Trained on ImageNet (ILSVRC 2012; the paper states no crop protocol), SqueezeNet 1.0 reaches {percent(sq.top1_accuracy, 1)}
        top-1 and {percent(sq.top5_accuracy, 1)} top-5 accuracy, against {percent(ax.top1_accuracy, 1)} and
        {percent(ax.top5_accuracy, 1)} for the paper's AlexNet (Iandola et al., 2016, Table 2): the lecture's
        "{FEWER_PARAMS.text}".

        What the squeeze gives up, the paper measured by widening it. The squeeze ratio SR is a squeeze
        layer's filters as a share of its expand layer's. At SR = {first.reported.squeeze_ratio:g},
        SqueezeNet itself, the network reaches {first.reported.top5:.1f}% top-5 with a
        {first.reported.size_mb:g} MiB model; at SR = {best.reported.squeeze_ratio:g},
        {best.reported.top5:.1f}% with {best.reported.size_mb:g} MiB; SR = {last.reported.squeeze_ratio:g}
        adds size but no accuracy (its Fig. 3a, which plots top-5 accuracy, no top-1). So the narrow squeeze
        costs a few points of top-5 accuracy and saves
        {share(best.reported.size_mb - first.reported.size_mb, best.reported.size_mb)} of the size. *Why* so narrow a squeeze loses so
        little is not testable here: it takes networks trained on ImageNet.

        Every size on this page is in MiB, binary megabytes of 2²⁰ bytes, because that is the paper's "MB":
        its {sq.size_mb:g}MB for SqueezeNet 1.0 is the {count(s32)} bytes of its float32 weights,
        {_mib(s32)} ({s32 / 1e6:.2f} decimal MB).
    """


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1]


@page.text("strategies")
def _strategies(f: Facts) -> str:
    late, early, v11 = f.late, f.early, f.v11
    n = len(late.sides)
    require(f.even_split, "the text says every expand layer has as many 1×1 as 3×3 filters")
    require(
        f.all_3x3_params > f.fires_params and f.unsqueezed > f.squeezed,
        "the text says strategies 1 and 2 save",
    )
    require(late.largest == early.largest and late.on_largest > early.on_largest,
            "the text says moving the pools leaves fewer modules on the same largest maps")  # fmt: skip
    require(late.macs > early.macs and late.activations > early.activations,
            "the text says downsampling late costs computation and activations")  # fmt: skip
    require(
        v11.pools_after == early.pools_after and v11.macs < early.macs, "the text says 1.1 has these pools"
    )
    return f"""
        1. **Replace 3×3 filters with 1×1 filters.** Every expand layer of SqueezeNet has as many 1×1 filters
           as 3×3 ones: the {n} Fire modules have {count(f.fires_params)} parameters; with every expand filter
           3×3 they would have {count(f.all_3x3_params)}, {times(f.all_3x3_params, f.fires_params)} as many.
        2. **Decrease the number of input channels to the 3×3 filters.** The squeeze layer does this: the
           3×3 filters of the {n} Fire modules have {count(f.squeezed)} weights; fed the module's whole input
           instead of the squeezed maps, the same filters would need {count(f.unsqueezed)},
           {times(f.unsqueezed, f.squeezed, digits=1)} as many.
        3. **Downsample late**, so that the convolutions work on large activation maps. SqueezeNet 1.0 pools
           after {_names(late.pools_after)}, so {late.on_largest} of its {n} Fire modules run on its largest
           maps ({late.largest}×{late.largest} at 224×224). With the pools moved to where SqueezeNet 1.1 has
           them (after {_names(early.pools_after)}) and nothing else changed, {early.on_largest} run there;
           SqueezeNet 1.0 as built needs {times(late.macs, early.macs)} the multiply-adds of that network
           ({short_count(late.macs)} against {short_count(early.macs)}) and keeps
           {times(late.activations, early.activations)} its activations per image. That is what downsampling
           late costs. What it buys, accuracy, is the paper's intuition, backed by the experiments of He and
           Sun (2015) that it cites; it is not testable here.

        Strategies 1 and 2 save parameters; strategy 3 spends computation on accuracy.
    """


@page.text("networks")
def _networks(f: Facts) -> str:
    s10, s11, sb = f.net("squeezenet1_0"), f.net("squeezenet1_1"), f.net("squeezenet1_0_bypass")
    k10, k11 = f.conv1_kernel["squeezenet1_0"], f.conv1_kernel["squeezenet1_1"]
    c10, c11 = f.conv1_side["squeezenet1_0"], f.conv1_side["squeezenet1_1"]
    p10, p11 = f.fire2_side["squeezenet1_0"], f.fire2_side["squeezenet1_1"]
    side, caffe, p227 = s10.input_size[-1], CAFFE_SIDE, f.fire2_side_227
    last = f.last_side[side]
    require(set(f.conv1_stride.values()) == {2}, "the text says conv1 has stride 2")
    require(
        c10 == (side - k10) // 2 + 1 and c11 == (side - k11) // 2 + 1, "the text gives conv1's arithmetic"
    )
    require(p11 > p10, "the text says 1.1's first Fire modules run on larger maps")
    require(
        p227 != p10 and f.last_side[caffe] == last, "the text says only the early map sizes differ at 227"
    )
    params_word = compare(s11.params, s10.params, COUNT, multiples=False)
    require(sb.params == s10.params, "the text says the bypass adds no parameters")
    ratio_224, ratio_227 = s10.macs / s11.macs, f.macs_227["squeezenet1_0"] / f.macs_227["squeezenet1_1"]
    require(2 < ratio_227 < ratio_224 < 2.4, "the text says the multiply-adds give not quite 2.4×")
    require(
        s10.weight_layers == s11.weight_layers == sb.weight_layers, "the text gives one depth for all three"
    )
    require(f.v11.sides[2] < f.late.sides[2], "the text says 1.1's fire4 runs on smaller maps")
    pools_saving = f.late.macs - f.early.macs  # 1.0 against 1.0 with 1.1's pools
    conv1_change = f.early.macs - f.v11.macs  # 1.0 with 1.1's pools against 1.1: the new conv1
    m10, m11 = f.conv1_macs["squeezenet1_0"], f.conv1_macs["squeezenet1_1"]
    n10, n11 = f.conv1_filters["squeezenet1_0"], f.conv1_filters["squeezenet1_1"]
    given_back = (m10 - m11) - conv1_change  # the larger maps and the narrower fire2 input, together
    require(pools_saving > conv1_change > 0, "the text says the pools save the larger part, conv1 the rest")
    require(m10 == c10 * c10 * k10 * k10 * 3 * n10 and m11 == c11 * c11 * k11 * k11 * 3 * n11,
            "the text gives conv1's multiply-adds as side² · k·k·3·filters")  # fmt: skip
    require(0 < given_back < conv1_change / 20, "the text says the larger maps give a little back")
    require(f.v11.sides[0] == p11 and f.early.sides[0] == p10, "the text gives fire2's maps with each conv1")
    require(f.early_receptive_field > s11.receptive_field > s10.receptive_field,
            "the text says the pools widen the receptive field and the smaller conv1 narrows it a little")  # fmt: skip
    require(abs(V11_TOP5_AT_LEAST - 100 * _table2("squeezenet1_0").top5_accuracy) < 1e-9,
            "the text says the release notes' bound is 1.0's top-5 accuracy")  # fmt: skip
    return f"""
        *Table: the three SqueezeNets and AlexNet counted on the book's models (224×224; AlexNet
        227×227): the ImageNet accuracy reported for each, top-1 and top-5 in percent; parameters;
        multiply-adds per image (MACs); the theoretical receptive field of the last spatial map (RF), in
        pixels. The accuracies:
        SqueezeNet 1.0 and the paper's AlexNet baseline from its Table 2, the simple bypass from its Table 3,
        and for SqueezeNet 1.1, which is not in the paper, the lower bound of its release notes.*

        The book counts SqueezeNet at {side}×{side}, the input the paper's Table 1 lists. Table 1's map sizes
        come from the {caffe}×{caffe} input of the authors' Caffe model, where fire2 runs on {p227}×{p227}. At
        {side}×{side}, conv1's {k10}×{k10} filters at stride 2 give ({side} − {k10})/2 + 1 = {c10} pixels a
        side, and fire2 runs on {p10}×{p10}; both inputs end at {last}×{last} before conv10.

        SqueezeNet 1.1 needs {short_count(s11.macs)} multiply-adds per image against 1.0's
        {short_count(s10.macs)}: {times(s10.macs, s11.macs, digits=1)} less computation
        ({times(f.macs_227["squeezenet1_0"], f.macs_227["squeezenet1_1"], digits=1)} at {caffe}×{caffe}), for
        a parameter count {params_word} 1.0's ({count(s11.params)} against {count(s10.params)}). Its release
        notes announce "2.4× less computation"; counting the multiply-adds of the weights, as the book does
        everywhere, gives not quite that much. Two changes make it, and each can be counted.

        - **The pools.** 1.1 pools after {_names(f.v11.pools_after)}, so fire4 runs on
          {f.v11.sides[2]}×{f.v11.sides[2]} maps, not {f.late.sides[2]}×{f.late.sides[2]}. Moving 1.0's pools
          there, and nothing else, takes it from {short_count(f.late.macs)} to {short_count(f.early.macs)}
          multiply-adds: {short_count(pools_saving)} saved.
        - **conv1.** 1.1 replaces the {n10} filters of {k10}×{k10} by {n11} of {k11}×{k11}. conv1 itself
          needs {short_count(m10)} multiply-adds in 1.0 ({k10}·{k10}·3·{n10} per pixel on {c10}×{c10}) and
          {short_count(m11)} in 1.1 ({k11}·{k11}·3·{n11} per pixel on {c11}×{c11}: a {k11}×{k11} kernel
          gives ({side} − {k11})/2 + 1 = {c11} pixels a side). In return, 1.1's first Fire modules run on
          {p11}×{p11} maps, not {p10}×{p10}, which costs a little: with fire2 reading {n11} channels, not
          {n10}, they give {short_count(given_back)} back. Net, the new conv1 saves {short_count(conv1_change)}.

        Pooling earlier also makes the receptive field
        {compare(s11.receptive_field, s10.receptive_field, SIZE, multiples=False)} 1.0's:
        {s11.receptive_field} pixels against {s10.receptive_field} ({f.early_receptive_field} for 1.0's own
        conv1 with the pools moved: 1.1's 3×3 conv1 takes a few pixels back). The release notes give 1.1's accuracy as
        at least 1.0's {V11_TOP5_AT_LEAST:.1f}% top-5, and no top-1: by that bound, the authors' own partial
        undoing of strategy 3 cost no top-5 accuracy. All three SqueezeNets have {s10.weight_layers} weight
        layers on the longest path (conv1, two per Fire module, conv10).
    """


@page.text("bypass")
def _bypass(f: Facts) -> str:
    from cnnviz.models.squeezenet import SQUEEZENET_DESIGN

    vanilla, simple, complex_ = TABLE3
    s10, sb = f.net("squeezenet1_0"), f.net("squeezenet1_0_bypass")
    sr = SQUEEZENET_DESIGN.squeeze_ratio
    require(sb.params == s10.params, "the text says the simple bypass adds no parameters")
    require(simple.top1 > complex_.top1 > vanilla.top1 and simple.top5 > complex_.top5 > vanilla.top5,
            "the text ranks simple over complex over none, in both accuracies")  # fmt: skip
    require(
        complex_.size_mb > vanilla.size_mb == simple.size_mb, "the text says the complex bypass adds size"
    )
    require(sr == 1 / 8, "the text says every squeeze has an eighth of the expand layer's filters")
    gain1, gain5 = round(simple.top1 - vanilla.top1, 1), round(simple.top5 - vanilla.top5, 1)
    return f"""
        The **simple bypass** (the paper's Section 6) adds an identity shortcut around fire3, fire5, fire7 and
        fire9, the Fire modules whose input and output channel counts agree, as in a ResNet: the book's model
        with it has {count(sb.params)} parameters, as many as without. A shortcut around the other Fire
        modules would need a 1×1 convolution to change the channel count, which the paper calls a *complex
        bypass*; the book does not build it. The paper trained all three (its Table 3):

        | architecture | top-1 | top-5 | model size |
        |:---|---:|---:|---:|
        | {vanilla.architecture} | {vanilla.top1:.1f}% | {vanilla.top5:.1f}% | {vanilla.size_mb:g} MiB |
        | {simple.architecture} | {simple.top1:.1f}% | {simple.top5:.1f}% | {simple.size_mb:g} MiB |
        | {complex_.architecture} | {complex_.top1:.1f}% | {complex_.top5:.1f}% | {complex_.size_mb:g} MiB |

        The simple bypass gains {gain1} points of top-1 and {gain5} of top-5 accuracy at no cost in size, and
        does better than the complex one. The paper's reading is that a shortcut lets information flow around
        the narrow squeeze layers (at SR = {sr:g}, every squeeze layer has an eighth of the filters of the
        expand layer after it); why the simple bypass does better than the complex one it leaves open. Neither
        is testable here.
    """


@page.text("claims_intro")
def _claims_intro(f: Facts) -> str:
    return claims_intro(f.claims, "on SqueezeNet", "counted on its models and compared with the paper")


@page.text("claims")
def _claims(f: Facts) -> str:
    notes = tally(f.claims)
    require(all(c.holds for c in f.claims), "the text says every statement holds")
    require(notes.bullets == notes.holds == 3, "the text says all three bullets hold")
    dc = next(c for c in f.claims if c.id == "squeezenet.smaller_deep_compression")
    return f"""
        All three bullets hold. "{FEWER_PARAMS.text}" joins a count, the architecture's, and a trained
        result, the paper's. "{SMALLER.text}" is about bytes on disk: it holds with Deep Compression
        (the paper's {dc.actual_value:g}×), not by the architecture alone, as the next table shows.
    """


@page.text("sizes")
def _sizes(f: Facts) -> str:
    alexnet, squeeze = f.net("alexnet").params, f.net("squeezenet1_0").params
    a32, s32, s8, s6 = (4 * alexnet, 4 * squeeze, squeeze, -(-squeeze * 6 // 8))
    dc, ax = _table2("squeezenet1_0", "6"), _table2("alexnet")
    require(
        a32 / s6 < dc.ratio, "the text says quantising the dense weights falls short of the paper's ratio"
    )
    require(
        abs(a32 / s32 - alexnet / squeeze) < 1e-9, "the text says the float32 ratio is the parameter ratio"
    )
    return f"""
        *Table: model sizes in MiB. The rows marked "counted" store the weights densely, parameters × bits /
        8; those marked "Table 2" are the paper's. "AlexNet ÷" is AlexNet's float32 size divided by the
        row's: the counted AlexNet for counted rows, the paper's {ax.size_mb:g}MB for the paper's rows.*

        - **Parameters.** AlexNet has {times(alexnet, squeeze, digits=1)} the parameters of SqueezeNet 1.0
          (the single-tower AlexNet, {times(f.alexnet_owt_params, squeeze, digits=1)}): the paper's "50×" is
          the architecture's doing.
        - **Bytes.** Stored in float32, SqueezeNet takes {_mib(s32)} against AlexNet's {_mib(a32)} (the
          paper gives {ax.size_mb:g}MB): {times(a32, s32, digits=1)}, the parameter ratio, not 500×. Storing
          each weight in 8 bits gives {_mib(s8)} ({times(a32, s8, digits=1)} below AlexNet in float32), in 6
          bits {_mib(s6)} ({times(a32, s6, digits=1)}). The paper's {dc.size_mb:g} MiB ({dc.ratio:g}×) is
          reached with Deep Compression (Han et al., 2016): pruning, then 6-bit quantisation and Huffman
          coding, which take the dense 6-bit model another {times(s6 / 2**20, dc.size_mb, digits=1)} down.
          That last step is the paper's result, not something the book can compute.

        So the "500×" is SqueezeNet *and* Deep Compression together; the architecture alone gives the 50×.
    """


@page.text("explore")
def _explore(f: Facts) -> str:
    sq = _point(f, "3a", 0.125)
    widths = f.expand_widths
    require(widths[:4] == (128, 128, 256, 256), "the text gives e_i for fire2 to fire5")
    require(all(w == 128 + 128 * (i // 2) for i, w in enumerate(widths)), "the text gives the formula of e_i")
    worst = max(f.design, key=lambda p: abs(p.mib - p.reported.size_mb))
    off = abs(worst.mib - worst.reported.size_mb)
    require(off < 1, "the text says the counted sizes agree with the figure's axis to within 1 MB")
    printed = sum(p.reported.printed for p in f.design)
    require(0 < printed < len(f.design), "the text says some points are printed and some read off")
    sweep_a = sorted(p.reported.squeeze_ratio for p in f.design if p.reported.panel == "3a")
    sweep_b = sorted(p.reported.pct3x3 for p in f.design if p.reported.panel == "3b")
    fixed_a = {p.reported.pct3x3 for p in f.design if p.reported.panel == "3a"}
    fixed_b = {p.reported.squeeze_ratio for p in f.design if p.reported.panel == "3b"}
    require(len(fixed_a) == len(fixed_b) == 1, "the text says each sweep holds the other knob fixed")
    return f"""
        The paper's Section 5 sets every Fire module from a few numbers. Counting the Fire modules from
        i = 0 (fire2) to i = {len(widths) - 1} (fire9), module i has eᵢ = 128 + 128·⌊i/2⌋ expand filters (128
        for fire2 and fire3, 256 for fire4 and fire5, and so on); a share pct3x3 of them are 3×3; and its
        squeeze layer has sᵢ = SR·eᵢ filters. SqueezeNet is SR = {sq.reported.squeeze_ratio:g} and pct3x3 =
        {percent(sq.reported.pct3x3)}. The paper trained two sweeps (its Fig. 3): SR from {sweep_a[0]:g} to
        {sweep_a[-1]:g} at pct3x3 = {percent(fixed_a.pop())} (Fig. 3a), and pct3x3 from {percent(sweep_b[0])}
        to {percent(sweep_b[-1])} at SR = {fixed_b.pop():g} (Fig. 3b). It plots top-5 accuracy, no top-1.

        The explorer below gives, for each setting, what it costs, counted on the book's SqueezeNet 1.0
        (parameters, model size, multiply-adds per 224×224 image), and what the paper reports it buys. A value
        the figure prints beside its point is given as printed; the others are read off its plot, to
        ±{READ_OFF_PRECISION:g} percentage points, and say so. At a setting neither sweep visits, the explorer
        says the paper reports no network there, rather than guessing between points. The model sizes counted
        here agree with the figure's axis ("MB of weights", in MiB) to within {off:.1f} MiB at every
        point (the folded table below lists them). It works without Python.
    """


@page.text("explore_live")
def _explore_live(f: Facts) -> str:
    return """
        In Jupyter, Binder or Colab the next cell builds the book's SqueezeNet for each setting (any SR and
        share, version 1.0 or 1.1) and counts it Fire module by Fire module, with the paper's Fig. 3 accuracy
        where it has a network at that setting. On the book's site it is not run, as it needs a running kernel.
    """


@page.text("remember")
def _remember(f: Facts) -> str:
    s10, s11 = f.net("squeezenet1_0"), f.net("squeezenet1_1")
    params_word = compare(s11.params, s10.params, COUNT, multiples=False)
    require(params_word == "about the same as", "the text says 1.1 has about 1.0's parameters")
    first, best = _point(f, "3a", 0.125), _point(f, "3a", 0.75)
    return f"""
        - A Fire module squeezes its input with 1×1 filters, then expands with 1×1 and 3×3 filters side by
          side, concatenated: the 3×3 filters read few channels, and part of the expand filters are 1×1.
          SqueezeNet has no fully connected layer (conv10 and global average pooling).
        - The three strategies: 1×1 instead of 3×3 filters and the squeeze layer in front of the 3×3 filters
          save parameters; downsampling late keeps large activation maps and costs computation.
        - That SqueezeNet keeps AlexNet's accuracy is the paper's trained result (Table 2); widening the
          squeeze buys a few points of top-5 accuracy for {times(best.reported.size_mb, first.reported.size_mb, digits=0)}
          the model size (Fig. 3a).
        - "{FEWER_PARAMS.text}" is the architecture's count and the paper's trained accuracy;
          "{SMALLER.text}" needs Deep Compression on top (pruning, quantisation, coding): always ask whether
          a size ratio compares parameters or bytes, and at which precision.
        - SqueezeNet 1.1 changes conv1 and pools earlier: a parameter count {params_word} 1.0's
          ({count(s11.params)} against {count(s10.params)}), and {short_count(s11.macs)} multiply-adds per
          image against {short_count(s10.macs)} ({times(s10.macs, s11.macs, digits=1)} less computation).
    """


@page.text("references")
def _references(f: Facts) -> str:
    from cnnviz.models.squeezenet import PAPER

    require(PAPER.arxiv == "1602.07360", "the reference gives the SqueezeNet paper's arXiv number")
    return f"""
        - Han, S., Mao, H., and Dally, W. J. (2016). *Deep Compression: Compressing Deep Neural Networks with
          Pruning, Trained Quantization and Huffman Coding*. International Conference on Learning
          Representations (ICLR). arXiv:1510.00149.
        - He, K., and Sun, J. (2015). *Convolutional Neural Networks at Constrained Time Cost*. IEEE Conference
          on Computer Vision and Pattern Recognition (CVPR), pp. 5353–5360. arXiv:1412.1710.
        - Iandola, F. N., Han, S., Moskewicz, M. W., Ashraf, K., Dally, W. J., and Keutzer, K.
          ({PAPER.year}). *{PAPER.title}*. arXiv:{PAPER.arxiv}. SqueezeNet 1.1 and its release notes: the
          authors' SqueezeNet repository (DeepScale/SqueezeNet on GitHub).
        - Krizhevsky, A. (2014). *One weird trick for parallelizing convolutional neural networks*.
          arXiv:1404.5997.
        - Krizhevsky, A., Sutskever, I., and Hinton, G. E. (2012). *ImageNet Classification with Deep
          Convolutional Neural Networks*. Advances in Neural Information Processing Systems 25, pp. 1097–1105.
    """


# --- tables ---------------------------------------------------------------------------------------


def strategy_table(f: Facts | None = None) -> str:
    """The three strategies as counterfactuals on SqueezeNet 1.0: as built, undone, and the factor (short
    labels, so that the table fits a phone's width; the paragraph below says what each row counts)."""
    from cnnviz.render.tables import markdown_rows

    f = f or facts()
    rows = [
        ("1. 1×1 filters (Fire parameters)", short_count(f.fires_params), short_count(f.all_3x3_params),
         times(f.all_3x3_params, f.fires_params)),
        ("2. squeeze first (3×3 weights)", short_count(f.squeezed), short_count(f.unsqueezed),
         times(f.unsqueezed, f.squeezed, digits=1)),
        ("3. downsample late (multiply-adds)", short_count(f.late.macs), short_count(f.early.macs),
         times(f.late.macs, f.early.macs)),
    ]  # fmt: skip
    return markdown_rows(("strategy", "as built", "undone", "factor"), rows)


def networks_table(f: Facts | None = None) -> str:
    """The three SqueezeNets and AlexNet, with the ImageNet accuracy the paper (or the release notes) reports."""
    from cnnviz.render.tables import markdown_rows

    f = f or facts()
    sq, ax = _table2("squeezenet1_0"), _table2("alexnet")
    simple = next(m for m in TABLE3 if m.network == "squeezenet1_0_bypass")
    reported = {  # percent, one decimal as the paper writes them
        "squeezenet1_0": f"{100 * sq.top1_accuracy:.1f} / {100 * sq.top5_accuracy:.1f}",
        "squeezenet1_1": f"— / ≥ {V11_TOP5_AT_LEAST:.1f}",
        "squeezenet1_0_bypass": f"{simple.top1:.1f} / {simple.top5:.1f}",
        "alexnet": f"{100 * ax.top1_accuracy:.1f} / {100 * ax.top5_accuracy:.1f}",
    }
    # short names and short counts, so that every column is in view at 390 px
    labels = {"squeezenet1_0": "1.0", "squeezenet1_1": "1.1", "squeezenet1_0_bypass": "1.0 + bypass",
              "alexnet": "AlexNet"}  # fmt: skip
    rows = [(labels[s.name], reported[s.name], short_count(s.params), short_count(s.macs), str(s.receptive_field))
            for s in f.nets]  # fmt: skip
    return markdown_rows(("network", "top-1 / top-5 (%)", "params", "MACs", "RF"), rows)


def layer_table() -> str:
    """SqueezeNet 1.0 layer by layer at 224×224, under the paper's layer names (conv1, fire2, ..., conv10):
    kernel and stride, output shape, parameters and multiply-adds; ReLU, dropout and flatten left out."""
    from cnnviz.analysis.ledger import ledger
    from cnnviz.render.tables import markdown_rows

    led = ledger("squeezenet1_0")
    rows, fire = [], 1
    for r in led.rows:
        if r.depth != 2 or r.type not in ("Conv2d", "MaxPool2d", "Fire", "AdaptiveAvgPool2d"):
            continue
        if r.type == "Fire":
            fire += 1
            name = f"fire{fire}"
        elif r.type == "Conv2d":
            name = "conv1" if r.name == "features.0" else "conv10"
        else:
            name = "maxpool" if r.type == "MaxPool2d" else "avgpool"
        kernel = f"{r.kernel[0]}×{r.kernel[1]}/{r.stride[0]}" if r.kernel else ""
        rows.append((name, kernel, "×".join(str(d) for d in r.output_shape), r.params, short_count(r.macs)))
    rows.append(("**total**", "", "", led.total_params, f"**{short_count(led.total_macs)}**"))
    return markdown_rows(("layer", "kernel/stride", "output", "params", "MACs"), rows)


def size_table(f: Facts | None = None) -> str:
    """Model sizes in MiB: dense weights of SqueezeNet 1.0 at 32, 8 and 6 bits and of AlexNet at 32 (counted),
    then the sizes the paper's Table 2 reports."""
    from cnnviz.analysis.fire_modules import PRECISIONS, model_bytes
    from cnnviz.render.tables import markdown_rows

    f = f or facts()
    alexnet, squeeze = f.net("alexnet").params, f.net("squeezenet1_0").params
    a32 = model_bytes(alexnet, 32)
    # one text column (model, storage, source), so that the table fits a phone's width
    rows = [("AlexNet, 32 bits (counted)", f"{a32 / 2**20:.2f}", times(a32, a32, digits=1))]
    for bits in PRECISIONS:
        size = model_bytes(squeeze, bits)
        rows.append(
            (f"SqueezeNet 1.0, {bits} bits (counted)", f"{size / 2**20:.2f}", times(a32, size, digits=1))
        )
    names = {"alexnet": "AlexNet", "squeezenet1_0": "SqueezeNet 1.0"}
    for r in DEEP_COMPRESSION:
        how = f"{r.bits} bits" if r.compression == "none" else f"{r.compression}, {r.bits} bits"
        source = "Table 2, from Han et al." if "han2016deep" in r.source else "Table 2"
        rows.append((f"{names[r.model]}, {how} ({source})", f"{r.size_mb:g}", f"{r.ratio:g}×"))
    return markdown_rows(("model, storage (source)", "MiB", "AlexNet ÷"), rows)


def design_table(f: Facts | None = None) -> str:
    """The networks of the paper's Fig. 3: their setting, the accuracy it reports (and how it was read), its
    model size beside the size counted here, both in MiB (the paper's "MB")."""
    from cnnviz.analysis.fire_modules import TEXT_3B_PLATEAU
    from cnnviz.render.tables import markdown_rows

    f = f or facts()
    rows = []
    for p in f.design:
        r = p.reported
        how = "printed" if r.printed else f"read off (±{READ_OFF_PRECISION:g})"
        if (r.panel, r.squeeze_ratio, r.pct3x3) == ("3b", *TEXT_3B_PLATEAU[:2]):
            how += f"; the text says {TEXT_3B_PLATEAU[2]:.1f}%"
        rows.append((f"{r.panel}", f"{r.squeeze_ratio:g}", percent(r.pct3x3), f"{r.top5:.1f}%", how,
                     f"{r.size_mb:g}", f"{p.mib:.2f}"))  # fmt: skip
    header = ("Fig.", "SR", "3×3 share", "top-5", "how", "paper MiB", "counted MiB")
    return markdown_rows(header, rows)


# --- captions of the diagrams, and folded blocks -----------------------------------------------------


@page.figure("fire")
def _fire(f: Facts) -> str:
    side = f.fire2_side["squeezenet1_0"]
    return (f"fire2 of SqueezeNet 1.0 at the book's 224×224 input (96 channels in, {side}×{side} maps), "
            "built from the book's `Fire`: 16 squeeze filters feed 64 expand 1×1 and 64 expand 3×3 filters, "
            "whose outputs are concatenated; parameters and multiply-adds on each node are counted")  # fmt: skip


@page.figure("bypass")
def _bypass(f: Facts) -> str:
    return ("SqueezeNet 1.0 with the simple bypass at 224×224, block by block: the shortcuts add the inputs "
            "of fire3, fire5, fire7 and fire9 to their outputs; without them this is SqueezeNet 1.0")  # fmt: skip

