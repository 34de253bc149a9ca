"""The VGG chapter (``book/vgg.ipynb``): the numbers its prose cites, its paragraphs and their checks.

In the notebook::

    from cnnviz.chapters import vgg as chapter
    chapter.paragraph("idea")
    chapter.caption("stack", diagram)  # a diagram's caption, ending with what its drawing call did
    chapter.folded("The code of VGG", Prose.source(VGG))

:data:`PARAGRAPHS` lists the paragraphs in page order, :data:`FIGURES` the diagrams that :func:`caption`
captions. The paper's own results the page cites are data in :mod:`cnnviz.models.vgg` (Tables 3 and 4, the
Sec. 4.1 comparison with a 5×5 net, the ILSVRC-2014 submission) and :data:`TABLE7`; everything else is
measured on the zoo's networks.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnviz.analysis.claims import Claim, tally
from cnnviz.analysis.erf import ERFResult
from cnnviz.analysis.memory import MemoryReport
from cnnviz.analysis.ops import StackVsLarge
from cnnviz.chapters.page import Page, claims_intro, folded, require
from cnnviz.chapters.words import COUNT, LEVEL, SIZE, compare, share
from cnnviz.format import count, percent, short_count, si_count, times

__all__ = [
    "FIGURES", "PARAGRAPHS", "TABLE7", "ConfigFacts", "Facts", "RFStep", "caption", "config_table", "facts",
    "folded", "page", "paragraph", "stack_titles", "stage_table",
]  # fmt: skip

PARAGRAPHS = (
    "idea",  # three 3×3 against one 7×7: the same field, the weights at C = 512, three ReLUs
    "evidence",  # what the paper measured for the idea: B against its 5×5 twin (Sec. 4.1), B, C and D (Table 3)
    "catch",  # the price: a 3×3 layer widens the field slowly, so the network is deep
    "configs",  # Table 1's configurations: parameters barely move, multiply-adds do; LRN and the 1×1 layers
    "configs_table",  # the configurations' cost beside the paper's errors (Tables 3 and 4, S = 256)
    "lecture_total",  # the lecture's VGG16 table: rows and parameters hold, the memory total does not
    "where",  # memory lives early, parameters late
    "training",  # what a training step adds, row by row of the table above it
    "rf_rule",  # how the receptive field grows: the jump, and the rule r + (k − 1)·j
    "rf_result",  # conv5_3 and pool5 against the 224-pixel image
    "erf_intro",  # what the effective receptive field measures, and that this network is untrained
    "erf_caption",  # the ERF figure's caption
    "erf",  # the measured blob against the theoretical square; training's effect not testable here
    "vgg19",  # VGG19 = VGG16 plus three convolutions: which ones, what they cost, what they bought
    "notes",  # the notes' details: 2nd place, no LRN, ensembles, FC7 features
    "fc7",  # what the FC7 cell shows and what it cannot
    "claims_intro",  # the notes' bullets, and how many statements check them
    "claims",  # what the claim cards show
    "explore_stack",  # the stack explorer: what to try, what the paper measured
    "explore_configs",  # the configuration explorer: cost against error
    "remember",  # what to remember, as a list
)
# The diagrams :func:`caption` captions: the stack of three 3×3 against one 7×7, and VGG16 against VGG19.
FIGURES = ("stack", "vgg16_vs_vgg19")

# Simonyan & Zisserman 2015, Table 7 ("Comparison with the state of the art in ILSVRC classification"), VGG's
# rows: top-1 val, top-5 val and top-5 test error (%). The 7-net submission's 7.3% is also the registry's
# (models/vgg.py, SUBMISSION_TOP5_TEST), which a test checks.
TABLE7 = {
    "2 nets, multi-crop & dense eval.": (23.7, 6.8, 6.8),
    "1 net, multi-crop & dense eval.": (24.4, 7.1, 7.0),
    "ILSVRC submission, 7 nets, dense eval.": (24.7, 7.5, 7.3),
}
SUBMISSION, TWO_NETS, ONE_NET = (
    "ILSVRC submission, 7 nets, dense eval.", "2 nets, multi-crop & dense eval.", "1 net, multi-crop & dense eval.",
)  # fmt: skip
GOOGLENET_TOP5_TEST = 6.7  # Table 7's GoogLeNet (7 nets), the winner of ILSVRC-2014 classification
SINGLE, MULTI = ("256", "256"), ("256", "224,256,288")  # the (S, Q) of the Table 3 and Table 4 rows compared
JITTER = ("[256;512]", "384")  # Table 3's scale-jittered rows (training S in [256; 512], test Q = 384)


# --- the facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigFacts:
    """One column of Table 1: its network measured on the zoo, and the paper's errors for it."""

    letter: str
    name: str  # registry name
    weight_layers: int
    convs: int
    params: int
    macs: int  # per 224×224 image
    fc_params: int  # the three fully-connected layers, weights and biases
    top1: float  # Table 3, S = Q = 256 (%)
    top5: float
    top1_multi: float | None  # Table 4, S = 256, Q = 224, 256, 288; None where Table 4 has no row
    top5_multi: float | None


@dataclass(frozen=True)
class RFStep:
    """One row of VGG16's receptive-field table: the layer's paper name, its window and stride, the jump of
    its input and the field it reaches."""

    label: str  # conv1_1, pool1, ...
    kernel: int
    stride: int
    jump_in: int
    rf: int


@dataclass(frozen=True)
class Facts:
    """Everything the VGG chapter's prose cites, computed once per process by :meth:`compute`."""

    # The idea: three 3×3 against one 7×7
    stack_rf: tuple[int, ...]  # the receptive field after 1, 2, 3 stacked 3×3 convolutions
    per_c2: StackVsLarge  # C = 1: the multiples of C² (27 and 49)
    at_512: StackVsLarge  # C = 512, the width of VGG's last stages
    stage5: tuple[int, int, int, int]  # VGG16's stage 5: (convolutions, in channels, out channels, map side)
    # The paper's n = 2 test: net B against B with each pair of 3×3 layers as one 5×5 (convolutions only)
    b_conv_weights: int
    b_convs: int
    shallow_conv_weights: int
    shallow_convs: int
    shallow_higher: int  # "7% higher" top-1 error, Sec. 4.1
    # Table 1 and the paper's errors
    configs: tuple[ConfigFacts, ...]
    # VGG16, layer by layer
    lecture: MemoryReport  # the lecture's convention: its rows
    full: MemoryReport  # every layer output
    stated_total: float  # the notes' TOTAL memory (24M), parsed from the claim
    total_params: int
    weights: int  # weights only (no biases), the lecture's parameters
    first_two: int  # values output by conv1_1 and conv1_2
    fc6_weights: int
    fc6_params: int
    fc_weights: int
    # training
    train1: MemoryReport  # batch 1, SGD with momentum
    train32: MemoryReport  # batch 32
    relu_kept_twice: int  # elements per image: ReLU outputs that the next layer keeps too
    conv_outputs: int  # elements per image: the convolutions' outputs, which no layer keeps
    # receptive fields (VGG16)
    rf_steps: tuple[RFStep, ...]
    image_side: int
    erf: ERFResult  # conv5_3's centre unit, a randomly initialised VGG16, 2 images
    # VGG19
    vgg19_params: int
    vgg19_macs: int
    added: tuple[tuple[str, int, int], ...]  # VGG19's added convolutions: (paper name, in, out channels)
    # the claims (shown as cards)
    claims: tuple[Claim, ...]

    def config(self, letter: str) -> ConfigFacts:
        return next(c for c in self.configs if c.letter == letter)

    def rf(self, label: str) -> RFStep:
        return next(s for s in self.rf_steps if s.label == label)

    @classmethod
    def compute(cls) -> Facts:
        from torch import nn

        from cnnviz.analysis import ops
        from cnnviz.analysis.claims import for_chapter, parse_figure
        from cnnviz.analysis.claims.make import cached_ledger
        from cnnviz.analysis.diff import layer_diff
        from cnnviz.analysis.erf import effective_receptive_field
        from cnnviz.analysis.lecture import CONV_TYPES, POOL_TYPES, lecture_rows, stage_names
        from cnnviz.analysis.ledger import ledger
        from cnnviz.analysis.memory import memory_from_ledger
        from cnnviz.analysis.receptive_field import receptive_field
        from cnnviz.models import vgg

        stack = nn.Sequential(*[nn.Conv2d(1, 1, kernel_size=3, padding=1) for _ in range(3)])
        stack_rf = tuple(row.rf for row in receptive_field(stack, input_size=(1, 32, 32)).rows)

        # VGG16, from its ledger (built once per process, shared with the claims)
        led = cached_ledger("vgg16")
        rows = lecture_rows(led)
        labels = stage_names(rows)
        by_label = dict(zip(labels, rows, strict=True))
        stage5 = [by_label[f"conv5_{i}"] for i in range(1, 10) if f"conv5_{i}" in by_label]
        linear = [r for r in rows if r.type == "Linear"]

        # the paper's 5×5 twin of B: each pair of B's 3×3 convolutions (one stage) as one 5×5 of the same
        # input and output channels, at the same map size
        b_weights = shallow_weights = b_convs = shallow_convs = 0
        channels, side = 3, 224
        for stage in _stages(vgg.CONFIGS["B"]):
            widths = [vgg.parse_conv(layer) for layer in stage]
            require(
                len(widths) == 2 and all(k == 3 for k, _ in widths),
                "the text pairs B's 3×3 layers stage by stage",
            )
            c_in = channels
            for _, c_out in widths:
                b_weights += ops.conv_cost(side, c_in, c_out, 3).weights
                b_convs += 1
                c_in = c_out
            shallow_weights += ops.conv_cost(side, channels, widths[-1][1], 5).weights
            shallow_convs += 1
            channels, side = widths[-1][1], side // 2

        names = {letter: name for name, letter in vgg.NAMES.items()}
        configs = []
        for letter in vgg.CONFIGS:
            cl = ledger(names[letter])
            top1, top5 = vgg.SINGLE_SCALE_ERRORS[(letter, *SINGLE)]
            multi = vgg.MULTI_SCALE_ERRORS.get((letter, *MULTI), (None, None))
            fc = sum(r.params for r in cl.leaves() if r.type == "Linear")
            convs = sum(r.type in CONV_TYPES for r in cl.leaves())
            configs.append(ConfigFacts(letter, names[letter], vgg.weight_layers(letter), convs, cl.total_params,
                                       cl.total_macs, fc, top1, top5, *multi))  # fmt: skip

        # training: what autograd keeps, counted layer by layer; a ReLU's output that the next layer keeps
        # as its input is counted by both
        leaves = led.leaves()
        keeps_input = (*CONV_TYPES, *POOL_TYPES, "Linear")
        twice = sum(a.activations for a, b in zip(leaves, leaves[1:], strict=False)
                    if a.type == "ReLU" and b.type in keeps_input)  # fmt: skip
        conv_outputs = sum(r.activations for r in leaves if r.type in CONV_TYPES)

        # receptive fields of VGG16's layers, with the jump of each layer's input
        report = receptive_field("vgg16")
        steps, jump = [], 1
        for label, row in by_label.items():
            if row.type == "Linear":
                continue
            kernel, stride = row.kernel[0], row.stride[0]
            rf_row = report.row(row.name)
            steps.append(RFStep(label, kernel, stride, jump, rf_row.rf))
            jump = rf_row.stride

        erf = effective_receptive_field("vgg16", "features.28", input_size=(3, 224, 224), n_inputs=2)

        # VGG19's added layers, named as the paper names VGG19's layers
        led19 = cached_ledger("vgg19")
        rows19 = lecture_rows(led19)
        names19 = dict(zip((r.name for r in rows19), stage_names(rows19), strict=True))
        convs19 = {r.name: r for r in rows19}
        added = tuple(
            (names19[c.b], convs19[c.b].input_shape[0], convs19[c.b].output_shape[0])
            for c in layer_diff("vgg16", "vgg19", input_size=(3, 32, 32))
            if c.change == "added" and c.type == "Conv2d"
        )
        stated = next(c for c in for_chapter("vgg") if c.id == "vgg16.total_memory").stated
        return cls(
            stack_rf=stack_rf,
            per_c2=ops.stack_vs_large(1, 3, 3),
            at_512=ops.stack_vs_large(512, 3, 3),
            stage5=(
                len(stage5),
                stage5[1].input_shape[0],
                stage5[1].output_shape[0],
                stage5[1].output_shape[1],
            ),
            b_conv_weights=b_weights,
            b_convs=b_convs,
            shallow_conv_weights=shallow_weights,
            shallow_convs=shallow_convs,
            shallow_higher=vgg.SHALLOW_5X5_TOP1_HIGHER,
            configs=tuple(configs),
            lecture=memory_from_ledger(led, lecture_convention=True),
            full=memory_from_ledger(led),
            stated_total=parse_figure(stated)[0],
            total_params=led.total_params,
            weights=sum(r.weights for r in rows),
            first_two=by_label["conv1_1"].activations + by_label["conv1_2"].activations,
            fc6_weights=linear[0].weights,
            fc6_params=linear[0].params,
            fc_weights=sum(r.weights for r in linear),
            train1=memory_from_ledger(led, batch_size=1, optimizer="momentum"),
            train32=memory_from_ledger(led, batch_size=32, optimizer="momentum"),
            relu_kept_twice=twice,
            conv_outputs=conv_outputs,
            rf_steps=tuple(steps),
            image_side=led.input_size[-1],
            erf=erf,
            vgg19_params=led19.total_params,
            vgg19_macs=led19.total_macs,
            added=added,
            claims=tuple(for_chapter("vgg")),
        )


def _stages(column: tuple[str, ...]) -> list[list[str]]:
    """A Table 1 column's convolutions, stage by stage (each stage ends at a max pool)."""
    stages, current = [], []
    for layer in column:
        if layer == "maxpool":
            stages.append(current)
            current = []
        elif layer.startswith("conv"):
            current.append(layer)
    return stages


page: Page[Facts] = Page("vgg", Facts.compute, PARAGRAPHS, FIGURES)
facts = page.facts
paragraph = page.paragraph
caption = page.caption


def _list(items) -> str:
    items = [str(x) for x in items]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _pct(x: float) -> str:
    return percent(x / 100, 1)


def _mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


def _gb(n: float) -> str:
    return f"{n / 1e9:.1f} GB"


# --- the paragraphs, in page order ----------------------------------------------------------------


@page.text("idea")
def _idea(f: Facts) -> str:
    require(f.stack_rf == (3, 5, 7), "the text says one, two and three 3×3 layers see 3, 5 and 7 pixels")
    s, c = f.at_512, f.per_c2
    require(
        s.receptive_field == s.k_large == 7 and s.n == 3, "the text compares three 3×3 layers with one 7×7"
    )
    require((c.params_stack, c.params_large) == (27, 49), "the formula gives 27C² and 49C²")
    require(
        s.nonlinearities_stack == 3 and s.nonlinearities_large == 1, "the text says three ReLUs against one"
    )
    more = c.params_large / c.params_stack - 1
    return f"""
        So three stacked 3×3 layers see a {f.stack_rf[-1]}×{f.stack_rf[-1]} patch of the image, the same as one
        7×7 layer. What does the stack buy? With $C$ channels in and out of every layer (and no biases), the stack
        has

        $$
        \\underbrace{{3 \\times (3 \\times 3 \\times C \\times C)}}_{{\\text{{three 3×3 layers}}}} = {c.params_stack}C^2
        $$

        weights, and one 7×7 layer

        $$
        \\underbrace{{7 \\times 7 \\times C \\times C}}_{{\\text{{one 7×7 layer}}}} = {c.params_large}C^2 .
        $$

        At $C = {s.channels}$, the width of VGG's last stages, that is {count(s.params_stack)} weights for the
        stack against {count(s.params_large)} for the 7×7 layer: the stack needs {percent(s.params_ratio, 0)} of
        the weights (and of the multiply-adds per output position), or, as the paper puts it, the 7×7 layer
        needs {percent(more, 0)} more. The paper gives two reasons to prefer the stack (Simonyan and Zisserman,
        2015, Sec. 2.3). First, it puts {s.nonlinearities_stack} ReLUs where the 7×7 layer has
        {s.nonlinearities_large}, "which makes the decision function more discriminative". Second, the saving
        in weights: the paper reads it as a regularisation of a 7×7 filter, which is forced to decompose into
        3×3 ones with a non-linearity between them. The diagram draws both designs where VGG16 really has
        such a stack:
    """


@page.text("evidence")
def _evidence(f: Facts) -> str:
    b, c, d = f.config("B"), f.config("C"), f.config("D")
    require(b.top1 > c.top1 > d.top1, "the text says C beats B and D beats C (Table 3, S = Q = 256)")
    require(b.weight_layers < c.weight_layers == d.weight_layers, "the text says C and D are equally deep")
    require(f.shallow_convs * 2 == f.b_convs, "the text says each pair of B's 3×3 layers becomes one 5×5")
    require(f.shallow_conv_weights > f.b_conv_weights, "the text says the 5×5 net has the more weights")
    require(c.params > b.params and d.params > b.params, "the text says C and D have more weights than B")
    weights = compare(f.shallow_conv_weights, f.b_conv_weights, COUNT)
    return f"""
        Did it work? The paper tested the stack directly (Sec. 4.1) on net B, whose {f.b_convs} convolutions
        come in pairs of 3×3 layers: it replaced each pair by one 5×5 layer, which sees as much. That
        shallower net has {f.shallow_convs} convolutions with {count(f.shallow_conv_weights)} weights,
        {weights} B's {count(f.b_conv_weights)} (computed here from Table 1's widths), and
        {compare(f.shallow_convs, f.b_convs, COUNT)} the convolutional ReLUs; its
        top-1 error was "{f.shallow_higher}% higher than that of B" (ImageNet, one centre crop, the paper's
        words). Table 3 separates the extra non-linearity from the wider view. Configuration C adds three 1×1
        convolutions to B: extra ReLUs, no wider view; D puts 3×3 layers in their place. At the same training
        and test scale (images rescaled so that their shorter side is 256 pixels both for training and for
        testing, S = Q = 256 in the paper's notation; ImageNet validation set), the top-1 error goes from {_pct(b.top1)} (B) to {_pct(c.top1)} (C) to
        {_pct(d.top1)} (D): "the additional non-linearity does help", and so does "spatial context". The
        second reason, the saving in weights, is not tested on its own: C and D have more weights than B.
        These are the paper's networks, trained on ImageNet; this book trains none of them.
    """


@page.text("catch")
def _catch(f: Facts) -> str:
    d = f.config("D")
    conv5_3 = f.rf("conv5_3")
    return f"""
        The price is depth. A 3×3 layer widens the receptive field by one unit of the layer below it on each
        side, so a network built from them must be deep to see a whole object: VGG16 stacks {d.convs} convolutions and 5
        pools, and its last convolution, conv5_3, sees {conv5_3.rf} pixels of the {f.image_side}-pixel image
        (the receptive-field section below works it out layer by layer). Deep networks were hard to train in
        2014: the paper trained its 11-layer net A from random weights, then started each deeper configuration
        from A's first four convolutions and its three fully-connected layers (Sec. 3.1). The same section
        adds that, after submitting the paper, the authors found the deep networks could be trained from
        random weights without this, with the initialisation of Glorot and Bengio (2010).
    """


@page.text("configs")
def _configs(f: Facts) -> str:
    a, a_lrn, e = f.config("A"), f.config("A-LRN"), f.config("E")
    require(
        all(c.fc_params == a.fc_params for c in f.configs),
        "the text says every configuration shares its classifier",
    )
    require(a_lrn.top1 >= a.top1 and a_lrn.top5 >= a.top5, "the text says LRN did not improve on A")
    fc_share = share(a.fc_params, a.params)
    require(fc_share == "most", "the text says the classifier holds most of every configuration's parameters")
    return f"""
        *Table: the configurations of Simonyan and Zisserman's Table 1, read from cnnviz's copy of it, with the
        parameter count (weights and biases) of each built network. `LRN` is AlexNet's local response
        normalisation, `conv1-256` a 1×1 convolution.*

        E, with {e.weight_layers} weight layers, has {si_count(e.params)} parameters,
        {times(e.params, a.params)} the {si_count(a.params)} of A, with {a.weight_layers}: the
        three fully-connected layers, which every configuration shares, hold {fc_share} of them
        ({si_count(a.fc_params)}). What depth costs is work: E needs {times(e.macs, a.macs)} A's multiply-adds
        per image. Two configurations answer side questions. **A-LRN** adds AlexNet's local response
        normalisation after the first layer; it did not improve on A ({_pct(a_lrn.top1)} against
        {_pct(a.top1)} top-1 error, Table 3), so the deeper networks drop it: *VGG uses no LRN*. **C** is the
        1×1 experiment above. The table below puts each configuration's cost beside the errors the paper
        reports for it:
    """


def config_table(f: Facts) -> str:
    """The configurations' cost (measured) beside the paper's errors (Tables 3 and 4, S = 256), as Markdown: no
    parameter column (Table 1's table above has them), so that it fits a phone's column."""
    from cnnviz.render.tables import markdown_rows

    rows = []
    for c in f.configs:
        multi = f"{c.top1_multi:.1f}/{c.top5_multi:.1f}" if c.top1_multi is not None else "–"
        rows.append((c.letter, c.weight_layers, si_count(c.macs), f"{c.top1:.1f}/{c.top5:.1f}", multi))
    header = ("config", "layers", "multiply-adds", "Table 3", "Table 4")
    return markdown_rows(header, rows)


@page.text("configs_table")
def _configs_table(f: Facts) -> str:
    d, e = f.config("D"), f.config("E")
    best = min(f.configs, key=lambda c: c.top1)
    require(best.letter == "D", "the text says D has the lowest error of the S = 256 rows")
    falling = [f.config(x).top1 for x in ("A", "B", "C", "D")]
    require(
        all(a > b for a, b in zip(falling, falling[1:], strict=False)),
        "the text says the error falls from A to D",
    )
    require(e.top1 > d.top1 and e.top1_multi > d.top1_multi, "the text says E does not beat D at S = 256")
    names = ", ".join(
        f"{c.letter} is `{c.name}`" if i == 0 else f"{c.letter} `{c.name}`" for i, c in enumerate(f.configs)
    )
    return f"""
        *Table: each configuration's weight layers and multiply-adds per 224×224 image (its parameters are in
        the table above), measured on the networks cnnviz builds ({names}),
        beside the top-1 / top-5 error (%) the paper reports on the ImageNet validation set for a network
        trained at scale S = 256 (the images' shorter side): tested at one scale (Table 3, Q = 256) and at
        three (Table 4, Q = 224, 256 and 288, the class scores averaged; Table 4 has no A or A-LRN). These
        are the rows at which Table 3 tests every configuration.*

        Depth helps up to D: at this training scale the error falls from A to D, and E, three convolutions
        deeper, ends {compare(e.top1, d.top1, LEVEL, multiples=False, same=0.005)} D in both tables
        ({_pct(e.top1)} against {_pct(d.top1)} at one scale). The paper says the error "saturates when the
        depth reaches 19 layers"; its best single networks, D and E, come from training at jittered scales,
        below.
    """


@page.text("lecture_total")
def _lecture_total(f: Facts) -> str:
    table, every = f.lecture.forward_total, f.full.forward_total
    require(
        compare(table, f.stated_total, multiples=False) == "less than",
        "the text says the rows stay below 24M",
    )
    require(
        compare(every, f.stated_total, multiples=False) == "more than",
        "the text says every output passes 24M",
    )
    return f"""
        The rows reproduce the lecture's table, and so does the total of parameters. The **total memory does
        not**: the notes say "TOTAL memory: 24M × 4 bytes ≈ 96 MB / image", but their own rows (the input and
        every conv, pool and FC output) add up to {count(table)} values, about {short_count(table)}, or
        {_mb(f.lecture.forward_bytes)} in 32-bit floats. Counting more generously does not reach it either:
        with every ReLU and dropout output stored separately as well, the count is {si_count(every)}, above
        the notes' {short_count(int(f.stated_total))}. So the notes' figure is neither count; read their line as
        "about {short_count(table)} values, about {_mb(f.lecture.forward_bytes)} per image for the forward
        pass".
    """


@page.text("where")
def _where(f: Facts) -> str:
    fc6_share = f.fc6_params / f.total_params
    fc_share = f.fc_weights / f.weights
    require(share(f.fc6_params, f.total_params) == "most", "the text says FC6 holds most of the parameters")
    return f"""
        - **Memory lives early.** conv1_1 and conv1_2 alone output {percent(f.first_two / f.lecture.forward_total, 0)}
          of all the values of the forward pass: 224×224 maps with 64 channels. Every pool divides the map by
          four.
        - **Parameters live late.** FC6 connects the 7×7×512 volume to 4096 units: {count(f.fc6_weights)}
          weights, {percent(fc6_share, 0)} of the whole network. The three FC layers together hold
          {percent(fc_share, 0)} of the weights, the thirteen convolutions the rest.

        Later networks attack these two spots: GoogLeNet (Szegedy et al., 2015) and ResNet (He et al., 2016)
        replace the FC layers with global average pooling, and shrink the map quickly in a "stem", so that
        the many channels run on small maps.
    """


@page.text("training")
def _training(f: Facts) -> str:
    t1, t32 = f.train1, f.train32
    kept, every = t1.backward_saved_bytes, t1.forward_bytes
    floats = t1.saved_for_backward * t1.bytes_per_element
    twice = f.relu_kept_twice * t1.bytes_per_element
    convs = f.conv_outputs * t1.bytes_per_element
    indices = t1.saved_indices * 8
    masks = kept - floats - indices
    once = kept - twice
    state = t1.param_bytes + t1.gradient_bytes + t1.optimizer_bytes  # the same for any batch
    step1, step32 = state + once, state + t32.batch_size * once
    require(kept > every, "the text explains why the kept row is the larger")
    require(_mb(floats) == _mb(every), "the text says the kept floats come to every output's megabytes")
    require(twice == convs, "the text says the double count and the unkept convolution outputs cancel")
    require(_mb(kept - every) == _mb(indices) and masks < 1e5, "the text says the pool indices make the gap")
    require(once < every, "the text says, counted once, what is kept is below every output")
    require(t1.param_bytes > once, "the text says the weights outweigh one image's activations")
    require(state + t32.backward_saved_bytes == t32.training_bytes, "the table's total counts the kept row")
    return f"""
        *Table: the memory of one training step (SGD with momentum, as VGG was trained), in MB of 32-bit
        floats, for a batch of 1 and of 32 images; the kept row and the total count each layer's saved tensors
        separately, an upper bound (below).*

        Row by row. The first two rows are the forward pass: the table's rows, then every layer's output
        (here each convolution's output and its ReLU's output count as two tensors). The third row is what
        the backward pass needs, counted layer by layer: a convolution keeps its input (to compute its weight
        gradient), a ReLU its output, a max pool its input and where each maximum was. For one image it comes
        to {_mb(kept)}, {compare(kept, every)} the {_mb(every)} of every output. The 32-bit values kept come to
        {_mb(floats)}, as much as every output, because two differences cancel: the output of a ReLU is also
        the input of the next convolution or pool, so it is counted by both layers ({_mb(twice)} for one
        image), while no layer keeps a convolution's output (its ReLU keeps its own output instead), and those
        outputs come to the same {_mb(convs)}. The gap is the pools' record of where their maxima were, stored
        as 8-byte integers ({_mb(indices)}). PyTorch keeps a shared tensor once: counted once, what is kept is
        {_mb(once)} per image. On the way back, the gradients of the activations are as large again while
        they exist: that is the lecture's "~2× for bwd".

        For a single image, though, the activations are not the problem: the weights alone take
        {_mb(t1.param_bytes)}, and their gradients and the momentum the same again each. Counted once, a
        training step takes {_mb(step1)} for one image (the table's {_mb(t1.training_bytes)} counts the shared
        ReLU outputs twice). With a batch of {t32.batch_size} the kept activations grow to
        {_gb(t32.batch_size * once)} and the whole step to about {_gb(step32)} (the table's upper bound:
        {_gb(t32.training_bytes)}): memory per image times the batch size is what limits the batch on a GPU.
    """


@page.text("rf_rule")
def _rf_rule(f: Facts) -> str:
    c11, c12, p1, c21 = (f.rf(x) for x in ("conv1_1", "conv1_2", "pool1", "conv2_1"))
    for step in (c11, c12, c21):
        require(step.kernel == 3 and step.stride == 1, "the text's convolutions are 3×3 of stride 1")
    require(p1.kernel == 2 and p1.stride == 2, "the text's pool is 2×2 of stride 2")
    before = 1
    for step in f.rf_steps:
        require(
            step.rf == before + (step.kernel - 1) * step.jump_in, "the text says the rule gives every field"
        )
        before = step.rf
    added = list(dict.fromkeys((s.kernel - 1) * s.jump_in for s in f.rf_steps if s.label.startswith("conv")))
    require(len(added) == 5, "the text gives one step per stage")
    return f"""
        How does the field grow? Call the **jump** of a layer the distance, in input pixels, between two
        neighbouring units of its output: 1 before the first pool, and each pool of stride 2 doubles it. A
        layer whose window is k units wide adds (k − 1) jumps of its input to the field: a 3×3 convolution adds
        2 jumps, a 2×2 pool 1 jump (its window reaches one unit further, a jump away). So conv1_1 sees 1 + 2 =
        {c11.rf} pixels and conv1_2 {c11.rf} + 2 = {c12.rf}; pool1 adds 1, giving {p1.rf}, and makes the jump
        {c21.jump_in}, so conv2_1 adds 2·{c21.jump_in}: {p1.rf} + {2 * c21.jump_in} = {c21.rf}. Stage by stage
        a 3×3 layer adds {_list(added)} pixels, as each pool doubles the jump. The table gives every layer of
        the real network (computed by cnnviz, which does not use this rule but follows the pixels through the
        layers):
    """


@page.text("rf_result")
def _rf_result(f: Facts) -> str:
    conv5_3, pool5 = f.rf("conv5_3"), f.rf("pool5")
    side = f.image_side
    require(pool5.rf < side, "the text says pool5's field is below the image")
    return f"""
        A unit of conv5_3, the last convolution, sees a {conv5_3.rf}-pixel square of the {side}-pixel image,
        and a unit of pool5 {pool5.rf} pixels, {compare(pool5.rf, side, SIZE, same=0.02)} the image itself:
        enough for a whole object, but just. That is the *theoretical* field, the pixels that can influence the
        unit at all.
    """


@page.text("erf_intro")
def _erf_intro(f: Facts) -> str:
    return f"""
        The *effective* receptive field (Luo et al., 2016) measures how much each of those pixels actually
        does: back-propagate from the centre unit of conv5_3 to the image and average the size of the gradient
        over random images ({f.erf.n_inputs} here). The network is **randomly initialised**, as VGG16 is before
        training: the figure shows how a random VGG16 spreads its gradient, not what a trained one looks at.
    """


@page.text("erf_caption")
def _erf_caption(f: Facts) -> str:
    return f"""
        *Figure: effective receptive field of conv5_3's centre unit in a randomly initialised VGG16 (the
        gradient's size at every input pixel, averaged over {f.erf.n_inputs} random images): the dashed square
        is the theoretical field, the circles hold one standard deviation and 95% of the gradient.*
    """


@page.text("erf")
def _erf(f: Facts) -> str:
    r = f.erf
    require(2 * r.radius_95 < r.theoretical_rf, "the text says the 95% disc fits inside the square")
    return f"""
        The gradient is concentrated in a blob: one standard deviation is about {r.radius_1sd:.0f} pixels from
        the centre, and 95% of it lies within about {r.radius_95:.0f} pixels, a disc {2 * r.radius_95:.0f}
        pixels across inside the {r.theoretical_rf}-pixel square. Luo et al. show that this is the rule for deep stacks of small convolutions at initialisation:
        the effective field grows with the square root of the depth, not with the depth. They also report that
        training widens it; that takes a trained VGG16, which this book does not train: not testable here.
    """


@page.text("vgg19")
def _vgg19(f: Facts) -> str:
    d, e = f.config("D"), f.config("E")
    added = [name for name, _, _ in f.added]
    require(len(f.added) == 3 and all(c_in == c_out for _, c_in, c_out in f.added),
            "the text says each added layer is a 3×3 of C channels in and out")  # fmt: skip
    require(
        sorted(int(name[4]) for name in added) == [3, 4, 5], "the text says one layer each in stages 3, 4, 5"
    )
    extra = f.vgg19_params - f.total_params
    j_d, j_e = (vgg_jitter(x) for x in ("D", "E"))
    require(e.top1_multi is not None and d.top1_multi is not None, "the text cites Table 4 for D and E")
    require(j_e[2:] == j_d[2:], "the text says D and E tie at three test scales")
    return f"""
        Which convolution is the extra one? The paper's Table 1 draws each as the last of its stage. In the
        network itself the question has no answer: after a stage's first convolution, every convolution of
        the stage is the same layer, a 3×3 from C channels to C, so VGG19 is VGG16 with one more of them in
        stages 3, 4 and 5, wherever one counts it. Comparing the two networks layer by layer, cnnviz pairs
        identical layers in its own order and marks {", ".join(added[:-1])} and {added[-1]} as added; the
        diagram outlines the blocks that hold them.

        The {len(f.added)} convolutions add {count(extra)} parameters, {percent(extra / f.total_params, 1)} of
        VGG16's, but {percent(f.vgg19_macs / d.macs - 1, 0)} more multiply-adds per image. What they bought depends on how
        the networks were trained. At S = 256 (the table above) E's error is
        {compare(e.top1, d.top1, LEVEL, multiples=False, same=0.005)} D's. With scale jittering (training
        images rescaled to a random shorter side between 256 and 512, tested at 384, Table 3) it is
        {compare(j_e[0], j_d[0], LEVEL, multiples=False, same=0.005)} D's ({_pct(j_e[0])} against
        {_pct(j_d[0])} top-1), and at three test scales the two tie (Table 4: {_pct(j_e[2])} /
        {_pct(j_e[3])} for both). The lecture's advice follows: use VGG16 or VGG19.
    """


def vgg_jitter(letter: str) -> tuple[float, float, float, float]:
    """Table 3's and Table 4's rows for ``letter`` trained with scale jittering: (top-1, top-5) at one test
    scale (Q = 384), then at three (Q = 256, 384, 512)."""
    from cnnviz.models import vgg

    one = vgg.SINGLE_SCALE_ERRORS[(letter, *JITTER)]
    three = vgg.MULTI_SCALE_ERRORS[(letter, "[256;512]", "256,384,512")]
    return (*one, *three)


@page.text("notes")
def _notes(f: Facts) -> str:
    sub, two, one = TABLE7[SUBMISSION], TABLE7[TWO_NETS], TABLE7[ONE_NET]
    require(sub[2] > GOOGLENET_TOP5_TEST, "the text says VGG came second to GoogLeNet")
    require(two[2] < sub[2], "the text says the two-net ensemble beat the submission")
    a, a_lrn = f.config("A"), f.config("A-LRN")
    return f"""
        - **2nd place in classification at ILSVRC 2014** (GoogLeNet won with {_pct(GOOGLENET_TOP5_TEST)} top-5
          test error), first in localisation.
        - **No local response normalisation**: A-LRN was no better than A ({_pct(a_lrn.top1)} against
          {_pct(a.top1)} top-1 error, Table 3).
        - **Ensembles for the best results**: the notes' {_pct(sub[2])} is the top-5 test error of the
          submitted ensemble of seven networks, three of configuration D, two of C and two of E (Tables 6 and
          7). After the challenge, two networks (D and E, trained with scale jittering) reached {_pct(two[2])};
          one network alone, {_pct(one[2])} (Table 7).
        - **FC7 is a good feature representation.** The 4096 values of the second fully-connected layer (after
          its ReLU) describe an image well enough to classify, retrieve or detect with a simple model on top;
          this is how VGG was reused for years. Taking them from a network is one line: the classifier is an
          `nn.Sequential` (FC6, ReLU, dropout, FC7, ReLU, dropout, FC8), so its first five modules end at FC7's
          ReLU. A forward hook on that ReLU gives the same features without changing the network.
    """


@page.text("fc7")
def _fc7(f: Facts) -> str:
    return f"""
        The cell shows *how* to take the features, not *what* they are: the weights are random, so these 4096
        numbers describe nothing (in eval mode dropout is off, so both ways give the same values). Trained
        weights, {_mb(f.train1.param_bytes)} of 32-bit floats for VGG16, are not shipped with the book; loaded
        with `models.from_torchvision("vgg16", state_dict)`, the same two lines give the features people mean
        by "FC7".
    """


@page.text("claims_intro")
def _claims_intro(f: Facts) -> str:
    table = len(tally(f.claims).rows("vgg.table"))
    return claims_intro(
        f.claims,
        "on VGG",
        "against the networks cnnviz builds and the paper",
        kind="bullets with numbers",
        detail=f", one per figure (the VGG16 table is one bullet of {table} statements)",
    )


@page.text("claims")
def _claims(f: Facts) -> str:
    notes = tally(f.claims)
    off = [c for c in f.claims if not c.holds]
    require([c.id for c in off] == ["vgg16.total_memory", "vgg16.total_memory_mb"],
            "the text says only the memory total is off")  # fmt: skip
    require(
        notes.off == 1 and notes.holds == notes.bullets - 1, "the text says one bullet is off, the rest hold"
    )
    return f"""
        {notes.holds} of the {notes.bullets} bullets hold: every row of the VGG16 table, the receptive field,
        the 27C² and 49C², the 138M parameters, the depths and the error figure (a result of the paper, checked
        against its Table 7). One is off: the memory total, {short_count(int(f.stated_total))} in the notes
        against the {short_count(f.lecture.forward_total)} values their own rows add up to.
    """


@page.text("explore_stack")
def _explore_stack(f: Facts) -> str:
    return f"""
        Move the sliders: the channel count C and the depth n of the stack. A stack of n 3×3 layers has the
        receptive field of one (2n+1)×(2n+1) layer with 9n·C² instead of (2n+1)²·C² weights. The readout gives
        both counts; the lower panel the ratio, which depends on n alone, so moving C changes the counts and
        leaves the ratio where it is. The deeper the stack, the bigger the saving. The paper tested one depth
        against a large filter, n = 2: net B against its 5×5 twin, whose top-1 error was
        {f.shallow_higher}% higher (above). The figure works without Python.
    """


@page.text("explore_configs")
def _explore_configs(f: Facts) -> str:
    a, d = f.config("A"), f.config("D")
    return f"""
        The second explorer puts the configurations' cost beside what the paper measured for them, the table
        above as a figure: pick a configuration, and the readout gives its weight layers, parameters and
        multiply-adds with its errors in Tables 3 and 4. The top panel is the cost ({times(d.macs, a.macs)} A's
        multiply-adds for D), the lower one what it bought, like with like: every error is for a network trained
        at S = 256.
    """


@page.text("remember")
def _remember(f: Facts) -> str:
    c = f.per_c2
    d = f.config("D")
    return f"""
        - Three stacked 3×3 convolutions see 7×7, like one 7×7 layer, with {c.params_stack}C² instead of
          {c.params_large}C² weights and three non-linearities instead of one. VGG is built from this one idea;
          the paper's 5×5 twin of net B, with {compare(f.shallow_convs, f.b_convs, COUNT)} the convolutional ReLUs, did
          worse.
        - The price is depth: a 3×3 layer widens the field by 2 jumps, so VGG16 needs {d.convs} convolutions
          and five pools to see a whole object.
        - VGG16: {d.convs} convolutions in five stages (64, 128, 256, 512, 512 channels), five 2×2 pools, three
          FC layers; {count(f.total_params)} parameters.
        - Memory lives in the first layers (large maps), parameters in FC6 (the 7×7×512 → 4096 connection).
          The forward pass needs about {short_count(f.lecture.forward_total)} values ({_mb(f.lecture.forward_bytes)})
          per image, not the notes' {short_count(int(f.stated_total))}; training needs several times more,
          for the backward pass, the gradients and the optimizer.
        - Depth helped up to 16 layers; VGG19's three extra convolutions bought little or nothing. No LRN;
          FC7 activations are good generic image features.
    """


# --- captions of the diagrams, and folded blocks -----------------------------------------------------


def stack_titles(f: Facts | None = None) -> tuple[str, str]:
    """The headers of the stack diagram's two boxes (``module_diagram(..., part_titles=...)``): each design's
    convolutions and ReLUs (the drawing shows the convolutions only) and its weights, short enough for a
    phone."""
    f = f or facts()
    s, c = f.at_512, f.per_c2
    require(
        s.nonlinearities_stack == s.n and s.nonlinearities_large == 1, "the headers count one ReLU a conv"
    )
    return (
        f"{s.n} convs, {s.nonlinearities_stack} ReLUs: {c.params_stack}C² = {si_count(s.params_stack)}",
        f"1 conv, {s.nonlinearities_large} ReLU: {c.params_large}C² = {si_count(s.params_large)}",
    )


def stage_table(f: Facts | None = None) -> str:
    """VGG16 against VGG19 stage by stage, as Markdown: the convolutions of each stage in Table 1's columns D
    and E, and the weights of the added ones (a 3×3 of C channels in and out, with its bias)."""
    from cnnviz.models import vgg
    from cnnviz.render.tables import markdown_rows

    f = f or facts()
    added = {int(name[4]): (name, c_in, c_out) for name, c_in, c_out in f.added}
    rows, side, total = [], f.image_side, 0
    for i, (d, e) in enumerate(zip(_stages(vgg.CONFIGS["D"]), _stages(vgg.CONFIGS["E"]), strict=True), 1):
        width = vgg.parse_conv(d[-1])[1]
        require(len(e) - len(d) == (1 if i in added else 0), "the table marks the stages that gain a conv")
        extra = "–"
        if i in added:
            name, c_in, c_out = added[i]
            require(c_in == c_out == width, "the added conv is a 3×3 of the stage's width")
            extra = f"+1 ({name}, {count(9 * c_in * c_out + c_out)} params)"
            total += 9 * c_in * c_out + c_out
        rows.append((i, f"{side}×{side}×{width}", len(d), len(e), extra))
        side //= 2
    require(
        total == f.vgg19_params - f.total_params, "the added layers' weights are VGG19's extra parameters"
    )
    table = markdown_rows(("stage", "maps", "VGG16 convs", "VGG19 convs", "added"), rows)
    return (f"{table}\n\n*Table: the 3×3 convolutions of each stage in VGG16 and VGG19 (Table 1's columns D "
            f"and E), the size of the stage's maps, and the layer added in each of stages 3 to 5 with its "
            f"weights and bias.*")  # fmt: skip


@page.figure("stack")
def _stack(f: Facts) -> str:
    _, c_in, _, side = f.stage5
    return (f"three 3×3 convolutions and one 7×7 convolution at the size of VGG16's stage 5 ({side}×{side}, "
            f"{c_in} channels in and out), each followed by a ReLU (counted in the box headers, not drawn): "
            f"the same receptive field, 7")  # fmt: skip


@page.figure("vgg16_vs_vgg19")
def _vgg16_vs_vgg19(f: Facts) -> str:
    return (
        "VGG16 (left) and VGG19 (right) block by block, each node with its output shape and parameters; "
        "the blocks of VGG19 that hold an added layer (stages 3 to 5, in the lower part) are outlined and "
        'marked "+"'
    )

