"""The GoogLeNet chapter (``book/googlenet.ipynb``): the numbers its prose cites, its paragraphs and their checks.

In the notebook::

    from cnnviz.chapters import googlenet as chapter
    chapter.paragraph("naive")
    chapter.caption("reduced", diagram)  # a diagram's caption, ending with what its drawing call did
    chapter.folded("The code of InceptionModule", Prose.source(InceptionModule))
    network_diagram(net, input_size=(3, 224, 224), **chapter.module_view(net))  # module by module

:data:`PARAGRAPHS` lists the paragraphs in page order, :data:`FIGURES` the diagrams that :func:`caption`
captions. The paper's own figures the page cites are data here: Table 3 (:data:`TABLE3`), the params and ops
columns of Table 1 (:data:`TABLE1_PARAMS_K`, :data:`TABLE1_OPS_M`; Table 1's K, 1,024, is computed from its
own exact rows by :func:`table1_k`) and the few figures of its text (:data:`BUDGET_MACS`,
:data:`AVG_POOL_GAIN`); the ILSVRC result of Table 2 is the registry's. Everything else is measured on the
zoo's modules or computed by :mod:`cnnviz.analysis.ops`.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnviz.analysis import ops
from cnnviz.analysis.claims import Claim, Verdict, tally
from cnnviz.analysis.summary import NetworkSummary
from cnnviz.chapters.page import CheckFailed, Page, claims_intro, folded, require
from cnnviz.chapters.words import AMOUNT, COUNT, LEVEL, SIZE, comparative, compare, share
from cnnviz.format import compact_count, count, percent, short_count, si_count, times
from cnnviz.models.lecture import INCEPTION

__all__ = [
    "AVG_POOL_GAIN", "BUDGET_MACS", "FIGURES", "PARAGRAPHS", "TABLE1_OPS_M", "TABLE1_PARAMS_K", "TABLE3",
    "AuxFacts", "Facts", "LayerFacts", "Table3Row", "caption", "facts", "folded", "module_view", "modules_table",
    "network_table", "page", "paragraph", "table1_columns", "table1_k",
]  # fmt: skip

PARAGRAPHS = (
    "intro",  # deeper than VGG16, and cheaper: depth, multiply-adds, parameters
    "naive",  # the naive module: what it costs, where, and why the depth grows
    "cost_rule",  # why a 1×1 reduction saves: the cost of a convolution, and which term the reduction shrinks
    "reduced",  # the reduced module: its cost branch by branch against the naive one
    "notes_total",  # the notes' 358M: the 3×3 term counted twice
    "paper_idea",  # what the paper argues for the idea, and what it does not measure
    "table1",  # Table 1 measured: parameters, multiply-adds against the paper's budget, where they sit
    "no_fc",  # one linear classifier after global average pooling; the paper's 0.6% and dropout
    "depth",  # 22 weight layers on the longest path, many more convolutions
    "rf",  # the theoretical receptive field of the last module
    "aux_intro",  # why the paper adds auxiliary classifiers, and where
    "aux_heads",  # what the heads are and cost
    "aux_evidence",  # what the paper and its authors' later ablation found; not testable here
    "claims_intro",  # the notes' bullets, and how many statements check them
    "claims",  # what the claim cards show
    "table1_columns",  # Table 1's own params and ops columns against the counts here
    "results",  # Table 3: what models and crops cost, and what they bought
    "explore",  # the explorer: what to try, and what the paper reports for these knobs
    "remember",  # what to remember, as a list
)
# The diagrams :func:`caption` captions: the naive module, the module with reductions, GoogLeNet module by
# module (:func:`module_view`), and GoogLeNet whole, every branch drawn (folded on the site).
FIGURES = ("naive", "reduced", "modules", "googlenet")


# --- the paper's figures that only this chapter cites ---------------------------------------------


@dataclass(frozen=True)
class Table3Row:
    models: int
    crops: int
    top5_error: float  # %, ILSVRC-2012 validation set


# Szegedy et al. 2015, Table 3 ("GoogLeNet classification performance break down"): top-5 error (%) on the
# validation set by the number of models averaged and of crops per image; "when we use one model, we chose
# the one with the lowest top-1 error rate on the validation data". The paper's "Cost" column is models ×
# crops, computed here.
TABLE3: tuple[Table3Row, ...] = (
    Table3Row(1, 1, 10.07),
    Table3Row(1, 10, 9.15),
    Table3Row(1, 144, 7.89),
    Table3Row(7, 1, 8.09),
    Table3Row(7, 10, 7.62),
    Table3Row(7, 144, 6.67),
)
TABLE3_SOURCE = "szegedy2015going, Table 3 (ILSVRC-2012 validation set, top-5 error)"
# Table 1's params (in K) and ops (in M) columns, by the zoo's layer name; Table 1's "convolution 3×3/1" row
# (its #3×3 reduce 64 and #3×3 192) is the zoo's conv2 and conv3 together, keyed "conv3". The params column's
# K is 1,024: table1_k computes it from the rows that are exact in it.
TABLE1_PARAMS_K: dict[str, float] = {
    "conv1": 2.7, "conv3": 112, "inception3a": 159, "inception3b": 380, "inception4a": 364, "inception4b": 437,
    "inception4c": 463, "inception4d": 580, "inception4e": 840, "inception5a": 1072, "inception5b": 1388,
    "fc": 1000,
}  # fmt: skip
TABLE1_OPS_M: dict[str, float] = {
    "conv1": 34, "conv3": 360, "inception3a": 128, "inception3b": 304, "inception4a": 73, "inception4b": 88,
    "inception4c": 100, "inception4d": 119, "inception4e": 170, "inception5a": 54, "inception5b": 71, "fc": 1,
}  # fmt: skip
TABLE1_PAIR = {"conv3": ("conv2", "conv3")}  # Table 1's rows that are two of the zoo's layers
TABLE1_TOLERANCE = 0.05  # a row within 5% of the count here agrees with it (rounding to 2-3 digits)
# Section 1: "the models were designed to keep a computational budget of 1.5 billion multiply-adds at
# inference time".
BUDGET_MACS = 1.5e9
# Section 5: "a move from fully connected layers to average pooling improved the top-1 accuracy by about 0.6%".
AVG_POOL_GAIN = 0.6  # percentage points, top-1


# --- the facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerFacts:
    """One row of Table 1 as the zoo builds it: a top-level layer (or Table 1's pair conv2 + conv3)."""

    name: str  # the zoo's name: "inception3a"
    type: str  # "InceptionModule", "ConvReLU", "MaxPool2d", ...
    channels: int
    side: int  # output height (= width); 1 for a vector
    params: int  # weights and biases
    weights: int  # weights only (Table 1's count)
    macs: int  # per 224×224 image
    kernel: int = 0  # a convolution's patch size (its side) and stride; 0 for other layers
    stride: int = 0


@dataclass(frozen=True)
class AuxFacts:
    """The two auxiliary classifiers of Section 5, measured on the zoo's GoogLeNet built with them."""

    params: int  # both heads, weights and biases
    aux1: int
    aux2: int
    after: tuple[str, str]  # the modules they read: "inception4a", "inception4d"
    in_channels: tuple[int, int]
    in_side: int  # the side of the maps they read (14 at 224×224)
    pooled_side: int  # after their 5×5/3 average pool
    conv_out: int  # their 1×1 convolution's filters
    fc_units: int  # their hidden FC layer
    dropout: float
    loss_weight: float


@dataclass(frozen=True)
class Facts:
    """Everything the GoogLeNet chapter's prose cites, computed once per process by :meth:`compute`."""

    # The idea: the lecture's module, naive and with 1×1 reductions
    naive: ops.InceptionCost
    reduced: ops.InceptionCost
    # The network, at 224×224
    net: NetworkSummary
    vgg16: NetworkSummary
    layers: tuple[LayerFacts, ...]
    n_convs: int
    rf_last: int  # the theoretical receptive field of inception5b's output, one side, in pixels
    first_whole: str  # the first layer whose receptive field covers the whole image
    aux: AuxFacts
    # AlexNet's and VGG16's: (parameters of the hidden fully-connected layers, of the classifier, of all)
    fc_share: dict[str, tuple[int, int, int]]
    # The claims (shown as cards)
    claims: tuple[Claim, ...]

    def layer(self, name: str) -> LayerFacts:
        return next(r for r in self.layers if r.name == name)

    @property
    def modules(self) -> tuple[LayerFacts, ...]:
        return tuple(r for r in self.layers if r.type == "InceptionModule")

    @property
    def image_side(self) -> int:
        return self.net.input_size[-1]

    def table1_row(self, key: str) -> tuple[int, int]:
        """(weights, multiply-adds) of Table 1's row ``key`` as counted here (conv2 and conv3 together for
        Table 1's "convolution 3×3/1")."""
        names = TABLE1_PAIR.get(key, (key,))
        rows = [self.layer(n) for n in names]
        return sum(r.weights for r in rows), sum(r.macs for r in rows)

    @classmethod
    def compute(cls) -> Facts:
        import torch

        from cnnviz import models
        from cnnviz.analysis.claims import for_chapter
        from cnnviz.analysis.claims.make import cached_ledger
        from cnnviz.analysis.receptive_field import receptive_field
        from cnnviz.analysis.summary import network_summary
        from cnnviz.models.googlenet import AUX_LOSS_WEIGHT

        led = cached_ledger("googlenet")  # shared with the claims
        with torch.device("meta"):  # structure and counts only: no weights drawn
            plain = models.get("googlenet")
            with_aux = models.get("googlenet", aux_logits=True)

        def weights(module: torch.nn.Module) -> int:
            return sum(p.numel() for n, p in module.named_parameters() if n.endswith("weight"))

        layers = []
        rows_by_name = {r.name: r for r in led.rows}
        for r in led.at_depth(1):
            if r.type in ("Flatten", "Dropout", "LocalResponseNorm"):
                continue
            c, h = (
                (r.output_shape[0], r.output_shape[1]) if len(r.output_shape) == 3 else (r.output_shape[0], 1)
            )
            conv = rows_by_name.get(f"{r.name}.conv")  # a ConvReLU's kernel is its conv's
            kernel, stride = (conv.kernel[0], conv.stride[0]) if conv is not None and conv.kernel else (0, 0)
            layers.append(LayerFacts(r.name, r.type, c, h, r.params, weights(getattr(plain, r.name)), r.macs,
                                     kernel, stride))  # fmt: skip

        def n_params(module: torch.nn.Module) -> int:
            return sum(p.numel() for p in module.parameters())

        head = with_aux.aux1
        by_name = {r.name: r for r in led.at_depth(1)}
        in_side = by_name["inception4a"].output_shape[-1]
        pooled = (in_side - head.avgpool.kernel_size) // head.avgpool.stride + 1
        aux = AuxFacts(
            params=n_params(with_aux) - n_params(plain), aux1=n_params(with_aux.aux1), aux2=n_params(with_aux.aux2),
            after=("inception4a", "inception4d"),
            in_channels=(by_name["inception4a"].output_shape[0], by_name["inception4d"].output_shape[0]),
            in_side=in_side, pooled_side=pooled, conv_out=head.conv.conv.out_channels, fc_units=head.fc1.out_features,
            dropout=head.dropout.p, loss_weight=AUX_LOSS_WEIGHT,
        )  # fmt: skip
        require(by_name["inception4d"].output_shape[-1] == in_side, "the text gives both heads one map size")

        rf = receptive_field("googlenet")
        first = rf.first_seeing_whole_input()
        require(first is not None, "the text names the first layer that sees the whole image")
        return cls(
            naive=ops.inception_naive_cost(**INCEPTION.naive),
            reduced=ops.inception_reduced_cost(**INCEPTION.reduced),
            net=network_summary("googlenet"),
            vgg16=network_summary("vgg16"),
            layers=tuple(layers),
            n_convs=sum(1 for r in led.leaves() if r.type == "Conv2d"),
            rf_last=rf.row("inception5b:cat").rf,
            first_whole=first.name.split(".")[0].split(":")[0],
            aux=aux,
            fc_share={name: _fc_params(name) for name in ("alexnet", "vgg16")},
            claims=for_chapter("googlenet"),
        )


def _fc_params(name: str) -> tuple[int, int, int]:
    """(parameters of the hidden fully-connected layers, of the classifier, of the whole network) of a
    registry network, from its ledger: the classifier is its last Linear layer, the hidden ones the others."""
    from cnnviz.analysis.claims.make import cached_ledger

    led = cached_ledger(name)
    linear = [r for r in led.leaves() if r.type == "Linear"]
    require(len(linear) >= 2, f"the text compares {name}'s hidden FC layers")
    require(
        all(r.output_shape == (4096,) for r in linear[:-1]),
        f"the text calls {name}'s hidden FC layers 4096-wide",
    )
    return sum(r.params for r in linear[:-1]), linear[-1].params, led.total_params


page: Page[Facts] = Page("googlenet", Facts.compute, PARAGRAPHS, FIGURES)
facts = page.facts
paragraph = page.paragraph
caption = page.caption


def _branch(cost: ops.InceptionCost, name: str) -> ops.BranchCost:
    return next(b for b in cost.branches if b.name == name)


def _hw(cost: ops.InceptionCost) -> str:
    h, w = cost.in_hw
    return f"{h}×{w}"


# --- the paragraphs, in page order ----------------------------------------------------------------


@page.text("intro")
def _intro(f: Facts) -> str:
    g, v = f.net, f.vgg16
    require(g.weight_layers > v.weight_layers, "the text calls GoogLeNet deeper than VGG16")
    require(g.macs < v.macs and g.params < v.params, "the text calls GoogLeNet cheaper than VGG16")
    return f"""
        Measured on the zoo's networks, GoogLeNet is deeper than VGG16 and cheaper: {g.weight_layers} weight
        layers against
        {v.weight_layers}, {short_count(g.macs)} multiply-adds per {f.image_side}×{f.image_side} image against
        {short_count(v.macs)}, and {si_count(g.params)} parameters against {si_count(v.params)}.
    """


@page.text("naive")
def _naive(f: Facts) -> str:
    n, x = f.naive, INCEPTION
    five = _branch(n, "5x5")
    (conv,) = five.layers
    require(
        five.macs == max(b.macs for b in n.branches), "the text puts the largest part of the work in the 5×5"
    )
    require(n.output_depth > n.in_channels, "the text says the output is deeper than the input")
    return f"""
        **What's the issue?** Computational complexity. The three convolutions cost {count(n.macs)}
        multiply-adds (the notes' "854M ops") for one module on one image, {share(five.macs, n.macs)} of them
        in the 5×5 branch: each of its {_hw(n)}×{conv.out_channels} outputs is a sum over a 5×5 window of all
        {n.in_channels} input channels ({conv.expression} = {count(conv.macs)}). Worse, the pooling branch
        keeps every input channel, so the output, {n.output_depth} channels, is deeper than the input's
        {x.in_channels}: stack such modules and the depth, and with it the cost of the next module, grows
        module after module.
    """


@page.text("cost_rule")
def _cost_rule(f: Facts) -> str:
    x = INCEPTION
    naive5, reduced5 = _branch(f.naive, "5x5"), _branch(f.reduced, "5x5")
    (big,) = naive5.layers
    cut, conv5 = reduced5.layers
    require(
        conv5.macs * x.in_channels == big.macs * x.reduce5x5, "the text says the 5×5 term shrinks by C_in/r"
    )
    require(cut.macs < conv5.macs, "the text calls the 1×1 term the cheap one")
    three = _branch(f.naive, "3x3").layers[0]
    even5 = ops.reduction_break_even(x.in_channels, big.out_channels, 5)
    even3 = ops.reduction_break_even(x.in_channels, three.out_channels, 3)
    require(x.reduce5x5 < even5 and x.reduce3x3 < even3, "the text says the lecture's reductions save work")
    require(max(even3, even5) < x.in_channels, "the text says the bound is below C_in")
    return f"""
        Why does a 1×1 convolution help? A k×k convolution from C_in to C_out channels on an H×W map costs
        H·W·C_out·k²·C_in multiply-adds: every output reads a k×k window of every input channel. A 1×1
        convolution to r channels in front of it changes the bill to H·W·r·C_in (the 1×1, no window) plus
        H·W·C_out·k²·r (the k×k, now reading r channels). The expensive term shrinks by C_in / r; the new term
        has no k². On the lecture's input, C_in = {x.in_channels}, and with r = {x.reduce5x5} the 5×5 term
        falls from {count(big.macs)} to {count(conv5.macs)} ({times(x.in_channels, x.reduce5x5)} less), while
        the 1×1 in front of it costs {count(cut.macs)}. The reduction does not always pay: the pair costs
        H·W·r·(C_in + k²·C_out) against H·W·k²·C_out·C_in, so it saves work while
        r < k²·C_out·C_in / (C_in + k²·C_out) and adds work beyond, whatever the map size: the bound is
        {even5:.2f} channels for this 5×5 branch
        ({big.out_channels} filters), {even3:.2f} for the 3×3 branch ({three.out_channels} filters). The bound
        is below C_in, so a reduction can be narrower than what it reads and still add work. The reduction is
        a 1×1 convolution followed by a ReLU, so it also adds a non-linearity: the paper calls it
        dual-purpose.
    """


def _branch_table(f: Facts) -> str:
    from cnnviz.render.tables import markdown_rows

    names = {"1x1": "1×1", "3x3": "1×1 → 3×3", "5x5": "1×1 → 5×5", "pool": "pool → 1×1"}
    rows = []
    for n, r in zip(f.naive.branches, f.reduced.branches, strict=True):
        terms = " + ".join(count(c.macs) for c in r.layers)
        reduced = f"{terms} = {count(r.macs)}" if len(r.layers) > 1 else count(r.macs)
        rows.append((names[r.name], count(n.macs), n.out_channels, reduced, r.out_channels))
    rows.append(("total", f.naive.macs, f.naive.output_depth, count(f.reduced.macs), f.reduced.output_depth))
    header = ("branch (reduced)", "naive multiply-adds", "depth", "with reductions", "depth")
    return markdown_rows(header, rows).strip()


@page.text("reduced")
def _reduced(f: Facts) -> str:
    n, r, x = f.naive, f.reduced, INCEPTION
    pool_n, pool_r = _branch(n, "pool"), _branch(r, "pool")
    one_n, one_r = _branch(n, "1x1"), _branch(r, "1x1")
    require(one_n.macs == one_r.macs, "the text says the 1×1 branch is unchanged")
    require(pool_n.macs == 0 < pool_r.macs, "the text says the pool branch now costs something")
    require(pool_r.out_channels < pool_n.out_channels, "the text says the projection shrinks the pool branch")
    require(r.macs < n.macs and r.params < n.params, "the text says the reductions save work and weights")
    hw = n.in_hw[0] * n.in_hw[1]
    require(
        n.macs == hw * n.params and r.macs == hw * r.params, "the text says the work is the weights times H·W"
    )
    table = _branch_table(f)
    text = f"""
        *Table: the multiply-adds and output depth of each branch of the two modules on the lecture's
        {_hw(n)}×{x.in_channels} input; a reduced branch lists its 1×1 reduction first.*

        The six convolutions cost {count(r.macs)} multiply-adds, {times(n.macs, r.macs)} less work than the
        naive module, and {comparative(r.params, n.params, COUNT)} weights by the same factor (every
        convolution here runs on the same {_hw(n)} map, so its multiply-adds are its weights times
        {n.in_hw[0]}·{n.in_hw[1]}), for an output still {r.output_depth} channels deep. The 1×1 branch is unchanged. The 3×3 and 5×5 branches pay for a cheap 1×1 and save on
        the expensive window, as above. The pool branch now costs something ({count(pool_r.macs)}), but its
        1×1 projection cuts its output from {pool_n.out_channels} channels to {pool_r.out_channels}: that is
        what stops the depth from growing, since the module's output depth is now the sum of four filter
        counts chosen by design, whatever the input's depth.
    """
    import textwrap

    return table + "\n\n" + textwrap.dedent(text).strip()


@page.text("notes_total")
def _notes_total(f: Facts) -> str:
    claim = next(c for c in f.claims if c.id == "googlenet.reduced.ops")
    require(claim.verdict is Verdict.OFF, "the box says the notes' total is off")
    three = _branch(f.reduced, "3x3").layers[1]
    doubled = f.reduced.macs + three.macs
    require(
        round(doubled / 1e6) == claim.stated_value / 1e6, "the box says the notes counted the 3×3 term twice"
    )
    notes_saving = f"{f.naive.macs / claim.stated_value:.1f}×"
    return f"""
        <div class="admonition warning">
        <p class="admonition-title">The notes' total is off</p>

        The notes list exactly these six terms but give "Total: {claim.stated} ops". The terms add up to
        {count(f.reduced.macs)} ≈ {short_count(f.reduced.macs)}. The {claim.stated} is what you get when the
        3×3 term ({three.expression} = {count(three.macs)}) is counted twice: {count(doubled)}. So the
        reduction saves {times(f.naive.macs, f.reduced.macs)}, not the {notes_saving} the notes' figures
        suggest.

        </div>
    """


@page.text("paper_idea")
def _paper_idea(f: Facts) -> str:
    return """
        The paper argues for the reductions from cost (its Section 4: "even a modest number of 5×5
        convolutions can be prohibitively expensive"), and for why little is lost from a hypothesis: "even low
        dimensional embeddings might contain a lot of information about a relatively large image patch". It
        trains no network with the naive module, so it reports no accuracy for the reductions themselves;
        the evidence that the design works is the whole network's result (Tables 2 and 3, below).
    """


@page.text("table1")
def _table1(f: Facts) -> str:
    g = f.net
    modules = f.modules
    biggest = max(modules, key=lambda r: r.params)
    weighted = [r for r in f.layers if r.macs]
    busiest = max(weighted, key=lambda r: r.macs)
    require(busiest.name.startswith("conv"), "the text says the busiest layer is in the stem")
    require(len(modules) == 9, "the text counts nine modules")
    in_modules = sum(r.params for r in modules)
    return f"""
        *Tables: above, the Inception rows of the paper's Table 1, the filter counts of the nine modules as
        the paper gives them, with each module's input and output depth. Below, the zoo's network measured
        layer by layer, in Table 1's layout: patch size and stride, output size, parameters (weights and
        biases) and multiply-adds (MACs) per {f.image_side}×{f.image_side} image, with the ReLUs, the dropout
        and the two local response normalisations (LRN, AlexNet's normalisation across neighbouring channels)
        left out. The paper's own params and ops columns are set beside these counts in the section "Table 1's
        own columns", below.*

        The whole network has {count(g.params)} parameters and needs {short_count(g.macs)} multiply-adds per
        image, {compare(g.macs, BUDGET_MACS, AMOUNT)} the "1.5 billion multiply-adds at inference time" the
        authors designed for (their Section 1). The nine modules hold {share(in_modules, g.params)} of the
        parameters ({percent(in_modules / g.params, 0)}), the largest being {biggest.name}
        ({count(biggest.params)}). The work is spread out differently: the busiest single layer is
        {busiest.name} in the stem ({short_count(busiest.macs)} multiply-adds), because it runs on
        {busiest.side}×{busiest.side} maps.

        The first diagram shows the network module by module: the stem, each Inception module as one node,
        the max pools between the three groups of modules, and the two auxiliary classifiers (below) where they
        attach. The second, folded on the book's site, draws every branch of every module:
    """


@page.text("no_fc")
def _no_fc(f: Facts) -> str:
    fc = f.layer("fc")
    last = f.layer("inception5b")
    (alex_fc, _, alex), (vgg_fc, _, vgg) = f.fc_share["alexnet"], f.fc_share["vgg16"]
    require(
        share(alex_fc, alex) == share(vgg_fc, vgg) == "most",
        "the text says hidden FC layers hold most of both",
    )
    return f"""
        After the last module, a {last.side}×{last.side} average pool turns the {last.side}×{last.side}×{last.channels}
        volume into a {last.channels}-vector, and a single linear layer maps it to the {fc.channels} classes:
        {count(fc.params)} parameters, {percent(fc.params / f.net.params, 0)} of the network. This is what the
        notes mean by "no FC layers": there are no 4096-wide hidden FC layers, which hold {share(alex_fc, alex)}
        of AlexNet's parameters ({percent(alex_fc / alex, 0)}, its classifier left out) and of VGG16's
        ({percent(vgg_fc / vgg, 0)}).
        One linear classifier remains. The paper took average pooling
        from Network in Network, and reports that moving from fully-connected layers to average pooling
        "improved the top-1 accuracy by about {AVG_POOL_GAIN}%", while dropout "remained essential" (Section 5).
    """


@page.text("depth")
def _depth(f: Facts) -> str:
    require(f.net.weight_layers == 22, "the text quotes the paper's 22 layers")
    require(
        f.n_convs > f.net.weight_layers, "the text says there are more convolutions than layers on a path"
    )
    return f"""
        The paper counts {f.net.weight_layers} layers with parameters, "27 layers if we also count pooling".
        Because the branches run side by side, the network has {f.n_convs} convolutions, but the longest path
        from the image to the output passes through {f.net.weight_layers - 1} of them (and the classifier).
    """


@page.text("rf")
def _rf(f: Facts) -> str:
    side = f.image_side
    require(f.rf_last > side, "the text says the field is wider than the image")
    return f"""
        By the last module a unit's theoretical receptive field is {f.rf_last} pixels wide, {compare(f.rf_last, side, SIZE)} the {side}-pixel image
        (the padding makes up the rest), and it covers the whole image from {f.first_whole} on. It counts
        every pixel that can reach the unit, however weakly; the VGG chapter measures how unevenly a network
        weighs them, its *effective* receptive field.
    """


@page.text("aux_intro")
def _aux_intro(f: Facts) -> str:
    a = f.aux
    return f"""
        Twenty-two layers was deep for 2014, and the paper was concerned that the gradient of the single loss
        at the top would reach the early layers too weak (the notes: "helps amplifying grads as the grads from
        end may end up becoming minimized when moving backward"). So GoogLeNet attaches two small networks to
        the outputs of {a.after[0]} and {a.after[1]}, each with its own softmax classifier and loss: the
        *auxiliary classifiers*. The paper expects them to "encourage discrimination in the lower stages",
        "increase the gradient signal that gets propagated back, and provide additional regularization"
        (Section 5). During training their losses are added to the main loss, each with a weight of
        {a.loss_weight}. At test time they are discarded: they are there for what they do to training, the
        prediction is the main classifier's, and running them would only add work.
        `models.get("googlenet", aux_logits=True)` builds them:
    """


@page.text("aux_heads")
def _aux_heads(f: Facts) -> str:
    a = f.aux
    require(a.params > 0, "the text says the heads add parameters")
    return f"""
        Each head is an average pool (5×5, stride 3: {a.in_side}×{a.in_side} → {a.pooled_side}×{a.pooled_side}),
        a 1×1 convolution to {a.conv_out} channels, an FC layer of {a.fc_units} units with
        {percent(a.dropout, 0)} dropout, and a linear classifier. Their FC layers make them heavy: together
        they add {count(a.params)} parameters, {times(a.params, f.net.params)} the size of the network they
        train ({compare(a.params, f.net.params, COUNT, multiples=False, same=0.15)} the network itself), used in
        training and nowhere else. In training mode the network returns three sets of logits, in eval mode one:
    """


@page.text("aux_evidence")
def _aux_evidence(f: Facts) -> str:
    claim = next(c for c in f.claims if c.id == "googlenet.aux_grads")
    require(claim.verdict is Verdict.NOT_TESTABLE, "the text calls the gradient claim not testable here")
    return """
        Do the heads amplify the gradient? The GoogLeNet paper gives that as their motivation and measures
        nothing; a year later the same authors tested the heads (Szegedy et al., 2016, Section 4). They found
        that the heads "did not result in improved convergence early in the training", that the network with
        them reached "a slightly higher plateau" near the end, and that removing the lower head did not hurt
        the final network: evidence for the regularisation, none for the gradient. A network's structure, or its
        gradients at initialisation, cannot settle the question, and this book trains no GoogLeNet: the claim
        is *not testable here* (its card below says what would test it). Their next network, Inception-v3,
        kept one head, as a regulariser.
    """


@page.text("claims_intro")
def _claims_intro(f: Facts) -> str:
    return claims_intro(
        f.claims, "about GoogLeNet", "computed on the zoo's GoogLeNet and the lecture's module, or read from the paper",
        kind="points", then="GoogLeNet's error is the challenge's measure, the *top-5 error*: the share of images "
        "whose true class is not among the network's five highest-scoring classes.",
    )  # fmt: skip


@page.text("claims")
def _claims(f: Facts) -> str:
    notes = tally(f.claims)
    by_id = {c.id: c for c in f.claims}
    off = {c.id for c in f.claims if c.verdict is Verdict.OFF}
    require(off == {"googlenet.reduced.ops", "googlenet.fc_layers", "googlenet.vs_alexnet"},
            "the text explains exactly these three off rows")  # fmt: skip
    require(notes.not_testable == 1, "the text names one point not testable here")
    error = by_id["googlenet.error"]
    ratio = by_id["googlenet.vs_alexnet"]
    best = min(TABLE3, key=lambda r: r.top5_error)
    held = [by_id[k] for k in ("googlenet.depth", "googlenet.naive.ops", "googlenet.naive.depth")]
    require(all(c.holds for c in held), "the text says these three figures hold")
    return f"""
        {notes.holds} of the {notes.bullets} points hold, {notes.off} are off and {notes.not_testable} is not
        testable here:

        - **{by_id["googlenet.reduced.ops"].stated} ops** for the reduced module: the listed terms add up to
          {short_count(f.reduced.macs)} (see the box above).
        - **No FC layers**: one linear classifier remains; the large hidden FC layers are what is gone.
        - **12× less params than AlexNet**: the GoogLeNet paper says so too (its Section 1). Twelve is 60M /
          5M, with the "5 million parameters" the same authors gave for GoogLeNet a year later (Szegedy et
          al., 2016); counting the network of the paper's Table 1 gives {ratio.actual} against the zoo's
          AlexNet. The gap is in GoogLeNet's count, not in which AlexNet you take.
        - **Amplifying the gradients** is a claim about training: see the auxiliary classifiers above.

        The {held[0].stated} layers, the {held[1].stated} and the {held[2].stated} of the naive module hold.
        The notes' {error.stated} top-5 error is the paper's {error.actual}, rounded: an ensemble of
        {best.models} networks with {best.crops} crops per image, on the ILSVRC-2014 test set (Table 2).
    """


def modules_table() -> str:
    """The Inception rows of the paper's Table 1 (:data:`cnnviz.models.googlenet.INCEPTION_SPECS`), as Markdown:
    each module's input depth, its six filter counts and its output depth."""
    from cnnviz.models.googlenet import INCEPTION_SPECS
    from cnnviz.render.tables import markdown_rows

    # the output depth as text, as the page writes it in a shape ("7×7×1024")
    rows = [(f"inception{k}", s.in_channels, s.n1x1, s.n3x3_reduce, s.n3x3, s.n5x5_reduce, s.n5x5, s.pool_proj,
             str(s.out_channels)) for k, s in INCEPTION_SPECS.items()]  # fmt: skip
    header = ("module", "in", "#1×1", "#3×3 reduce", "#3×3", "#5×5 reduce", "#5×5", "pool proj", "out")
    return markdown_rows(header, rows)


def module_view(model) -> dict:
    """The keyword arguments of :func:`cnnviz.render.diagrams.network_diagram` that draw GoogLeNet (``model``,
    built with ``aux_logits=True``) module by module, read from its top-level layers: the stem (every layer
    before the first Inception module) as one node, each Inception module as one node, the classifier's
    flatten, dropout and linear layer as one node "fc"; a column per group of modules (a new one at each
    module whose group differs from the previous one's); the auxiliary heads beside the modules they read."""
    from cnnviz.models.googlenet import InceptionModule

    names = [n for n, _ in model.named_children() if not n.startswith("aux")]
    modules = [n for n, m in model.named_children() if isinstance(m, InceptionModule)]
    if not modules or not getattr(model, "aux_logits", False):
        raise ValueError("module_view: model must be the zoo's GoogLeNet built with aux_logits=True, "
                         f"got {type(model).__name__}")  # fmt: skip
    first, avgpool = names.index(modules[0]), names.index("avgpool")
    merge = {"stem": tuple(names[:first]), **{m: (m,) for m in modules}, "fc": tuple(names[avgpool + 1 :])}
    columns = [
        b for a, b in zip(modules, modules[1:], strict=False) if a[-2] != b[-2]
    ]  # "inception4a"[-2] == "4"
    heads = dict(zip(("aux1", "aux2"), facts().aux.after, strict=True))
    return {"merge": merge, "columns": columns, "heads": heads}


def network_table(led) -> str:
    """GoogLeNet layer by layer from its ledger (``led``), as Markdown: the top-level layers (ReLUs, LRN,
    dropout and flatten left out) with their patch size and stride, output size, parameters (weights and
    biases) and multiply-adds, then the totals. The filter counts are :func:`modules_table`'s."""
    from cnnviz.format import hwc
    from cnnviz.render.tables import markdown_rows

    rows_by_name = {r.name: r for r in led.rows}
    rows = []
    for r in led.at_depth(1):
        if r.type in ("Flatten", "Dropout", "LocalResponseNorm"):
            continue
        geometry = rows_by_name.get(f"{r.name}.conv") or r  # a ConvReLU's kernel is its conv's
        patch = f"{geometry.kernel[0]}×{geometry.kernel[1]}/{geometry.stride[0]}" if geometry.kernel else ""
        rows.append((r.name, patch, hwc(r.output_shape, "×", vector_as_volume=True), r.params,
                     short_count(r.macs) if r.macs else ""))  # fmt: skip
    rows.append(("total", "", "", led.total_params, short_count(led.total_macs)))
    return markdown_rows(("layer", "patch / stride", "output", "params", "MACs"), rows)


def table1_k(f: Facts | None = None) -> int:
    """Table 1's "K" for its params column, computed: the weights counted here over the paper's figure, in the
    rows where that is a whole number (conv2 + conv3: 112K, 114,688 weights; fc: 1000K, 1,024,000). Both
    give 1,024; a table whose exact rows disagree, or has none, fails."""
    f = facts() if f is None else f
    ratios = {key: f.table1_row(key)[0] / TABLE1_PARAMS_K[key] for key in TABLE1_PARAMS_K}
    exact = {key: r for key, r in ratios.items() if float(r).is_integer()}
    if len(exact) < 2 or len(set(exact.values())) != 1:
        raise CheckFailed(f"googlenet: Table 1's K is not given exactly by two rows that agree: {exact}")
    return int(next(iter(exact.values())))


def _table1_exact(f: Facts) -> list[str]:
    """Table 1's rows that are exact in its K (:func:`table1_k`)."""
    k = table1_k(f)
    return [key for key in TABLE1_PARAMS_K if f.table1_row(key)[0] == TABLE1_PARAMS_K[key] * k]


def _table1_gaps(f: Facts) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Table 1's rows whose params (in units of :func:`table1_k`) or ops (in millions) are off by
    :data:`TABLE1_TOLERANCE` or more from the counts here: (row, paper / counted − 1) for each column."""
    k = table1_k(f)
    params, ops_ = [], []
    for key in TABLE1_PARAMS_K:
        w, m = f.table1_row(key)
        p, o = TABLE1_PARAMS_K[key] * k / w - 1, TABLE1_OPS_M[key] * 1e6 / m - 1
        if abs(p) >= TABLE1_TOLERANCE:
            params.append((key, p))
        if abs(o) >= TABLE1_TOLERANCE:
            ops_.append((key, o))
    return params, ops_


def _signed(fraction: float) -> str:
    """A signed percentage with one decimal and a true minus sign: "+5.3%", "−70.6%"; "0.0%" for what rounds
    to nothing."""
    text = f"{100 * fraction:+.1f}%"
    return "0.0%" if text in ("+0.0%", "-0.0%") else text.replace("-", "−")


def table1_columns(f: Facts | None = None) -> str:
    """Table 1's own params and ops columns beside the weights and multiply-adds counted here, row by row
    (Markdown), each with the paper's figure over the count, less one (params in units of
    :func:`table1_k`, ops in millions), and the column totals."""
    from cnnviz.render.tables import markdown_rows

    f = facts() if f is None else f
    k = table1_k(f)
    rows, total_w, total_m = [], 0, 0
    for key in TABLE1_PARAMS_K:
        w, m = f.table1_row(key)
        total_w, total_m = total_w + w, total_m + m
        name = " + ".join(TABLE1_PAIR.get(key, (key,)))
        rows.append((name, f"{TABLE1_PARAMS_K[key]:g}K", count(w), _signed(TABLE1_PARAMS_K[key] * k / w - 1),
                     f"{TABLE1_OPS_M[key]:g}M", count(m), _signed(TABLE1_OPS_M[key] * 1e6 / m - 1)))  # fmt: skip
    total_k, total_ops = sum(TABLE1_PARAMS_K.values()), sum(TABLE1_OPS_M.values())
    rows.append(("**total**", f"**{total_k:,.1f}K**", f"**{count(total_w)}**", f"**{_signed(total_k * k / total_w - 1)}**",
                 f"**{total_ops:,g}M**", f"**{count(total_m)}**", f"**{_signed(total_ops * 1e6 / total_m - 1)}**"))  # fmt: skip
    header = ("layer", "Table 1 params", "weights counted here", f"off (K = {count(k)})", "Table 1 ops",
              "multiply-adds counted here", "off (M = 10⁶)")  # fmt: skip
    return markdown_rows(header, rows)


@page.text("table1_columns")
def _table1_columns(f: Facts) -> str:
    k = table1_k(f)
    exact = _table1_exact(f)
    require(exact == ["conv3", "fc"], "the text names conv2 + conv3 and fc as the rows exact in K")
    params_off, ops_off = _table1_gaps(f)
    total_k = sum(TABLE1_PARAMS_K.values())
    total_ops = sum(TABLE1_OPS_M.values())
    weights = sum(f.table1_row(key)[0] for key in TABLE1_PARAMS_K)
    paper_weights = round(total_k * k)
    conv1_w, conv1_m = f.table1_row("conv1")
    conv1 = f.layer("conv1")
    in_channels = f.net.input_size[0]
    conv1_paper_macs = TABLE1_PARAMS_K["conv1"] * k * conv1.side**2
    require(abs(conv1_paper_macs / (TABLE1_OPS_M["conv1"] * 1e6) - 1) < TABLE1_TOLERANCE,
            "the text says conv1's two figures agree with each other")  # fmt: skip
    require(conv1_w == conv1.kernel**2 * in_channels * conv1.channels and conv1.stride == 2,
            "the text says Table 1's own columns make conv1 a 7×7/2 convolution from RGB to 64 channels")  # fmt: skip
    require(
        {key for key, _ in ops_off} == {"conv1", "inception5a"}, "the text names the ops rows that disagree"
    )
    require({key for key, _ in params_off} == {"conv1", "inception4c", "inception5a"},
            "the text names the params rows that disagree")  # fmt: skip
    require(paper_weights < weights, "the text says the params column adds up to less than the count here")
    require(
        round(total_ops / 1e3, 1) == BUDGET_MACS / 1e9, "the text says the ops column adds up to the budget"
    )
    rest_paper = (total_ops - TABLE1_OPS_M["conv1"]) * 1e6  # every row but conv1's
    rest_here = f.net.macs - conv1_m
    require(f.net.macs > total_ops * 1e6, "the text says the count here is above the ops column's sum")
    require(abs(rest_paper / rest_here - 1) <= TABLE1_TOLERANCE, "the text says the other rows agree in sum")
    pair = " + ".join(TABLE1_PAIR["conv3"])
    w3, wfc = f.table1_row("conv3")[0], f.table1_row("fc")[0]
    ops_rows = " and ".join(f"{key} ({_signed(d)})" for key, d in ops_off)
    params_rows = ", ".join(f"{key} ({_signed(d)})" for key, d in params_off[:-1])
    params_rows += f" and {params_off[-1][0]} ({_signed(params_off[-1][1])})"
    biases = f.net.params - weights
    return f"""
        The paper's Table 1 also gives each layer's parameters (weights, no biases) and operations, rounded.
        The K of its params column is {count(k)}, not 1,000: two rows are exact in it, {pair}
        ({TABLE1_PARAMS_K["conv3"]:g}K: {count(w3)} = {TABLE1_PARAMS_K["conv3"]:g} × {count(k)} weights) and
        fc ({TABLE1_PARAMS_K["fc"]:g}K: {count(wfc)} = {count(TABLE1_PARAMS_K["fc"])} × {count(k)}). Read so,
        the column adds up to
        {total_k:,.1f}K = {count(paper_weights)} weights, {percent(1 - paper_weights / weights, 1)} below the
        {count(weights)} that the table's own filter counts give (with {count(biases)} biases, the network's
        {count(f.net.params)} parameters), and its rows are within {percent(TABLE1_TOLERANCE, 0)} of the counts
        here except {params_rows}, the paper's figure against the count. Its ops column is the multiply-adds of
        its rows, in millions: every row is within {percent(TABLE1_TOLERANCE, 0)} except {ops_rows}, and the
        column adds up to {total_ops / 1e3:.1f} billion, the budget of Section 1.

        conv1's two figures agree with each other ({TABLE1_PARAMS_K["conv1"]:g}K weights on
        {conv1.side}×{conv1.side} outputs make {compact_count(round(conv1_paper_macs))} multiply-adds, about its
        {TABLE1_OPS_M["conv1"]:g}M), but not with the table's own patch size, output size and input: a
        {conv1.kernel}×{conv1.kernel}/{conv1.stride} convolution from an RGB image
        ({in_channels} channels) to {conv1.side}×{conv1.side}×{conv1.channels} has {count(conv1_w)} weights and
        needs {short_count(conv1_m)} multiply-adds. So the {TABLE1_PARAMS_K["conv1"]:g}K entry, and the
        {TABLE1_OPS_M["conv1"]:g}M that follows from it, is the inconsistent one. That row is why the network
        counted here needs {short_count(f.net.macs)} multiply-adds, not the ops column's
        {total_ops / 1e3:.1f} billion: without it, the column and the count here are
        {percent(abs(rest_paper / rest_here - 1), 1)} apart.
    """


def _table3_table(f: Facts) -> str:
    from cnnviz.render.tables import markdown_rows

    rows = [(r.models, r.crops, percent(r.top5_error / 100, 2), r.models * r.crops,
             short_count(r.models * r.crops * f.net.macs)) for r in TABLE3]  # fmt: skip
    header = ("models", "crops", "top-5 error", "passes", "multiply-adds")
    return markdown_rows(header, rows).strip()


@page.text("results")
def _results(f: Facts) -> str:
    import textwrap

    rows = {(r.models, r.crops): r for r in TABLE3}
    base, crops10, crops144, models7, best = rows[1, 1], rows[1, 10], rows[1, 144], rows[7, 1], rows[7, 144]
    require(min(TABLE3, key=lambda r: r.top5_error) is best, "the text calls 7 models and 144 crops the best")
    require(models7.top5_error < crops10.top5_error and models7.models < crops10.crops,
            "the text says seven models beat ten crops at a lower cost")  # fmt: skip
    require(
        crops144.top5_error < models7.top5_error, "the text says 144 crops of one model beat seven models"
    )
    error = next(c for c in f.claims if c.id == "googlenet.error")
    require(
        abs(error.actual_value - best.top5_error) < 1e-9,
        "the text says the submission's error is Table 3's best",
    )
    passes = best.models * best.crops
    text = f"""
        *Table: the paper's Table 3 (the ILSVRC-2012 validation set, top-5 error; crops per image), with the
        cost of each row computed: passes through a network per image (the paper's "Cost" column, models ×
        crops) and the multiply-adds they take, at {compact_count(f.net.macs)} per pass.*

        One GoogLeNet on one {f.image_side}×{f.image_side} crop has a top-5 error of
        {percent(base.top5_error / 100, 2)} on the validation set. Averaging seven models, each on one crop,
        gives {percent(models7.top5_error / 100, 2)}, {
        comparative(models7.top5_error, crops10.top5_error, LEVEL)
    }
        than one model on ten crops ({percent(crops10.top5_error / 100, 2)}) for {
        compare(models7.models, crops10.crops, AMOUNT)
    } their cost; {crops144.crops} crops of one model do better still
        ({percent(crops144.top5_error / 100, 2)}), at {times(crops144.crops, models7.models, digits=0)} the
        passes. The winning {percent(best.top5_error / 100, 2)} took all of it: {count(passes)} passes, about
        {short_count(passes * f.net.macs)} multiply-adds per image.
    """
    return _table3_table(f) + "\n\n" + textwrap.dedent(text).strip()


@page.text("explore")
def _explore(f: Facts) -> str:
    from cnnviz.interact.static.googlenet import FILTER_GRID, readout_row, widest_saving_reduction
    from cnnviz.models.googlenet import INCEPTION_SPECS

    x = INCEPTION
    first = INCEPTION_SPECS["3a"].n5x5_reduce
    wide = FILTER_GRID[1]  # the sliders' last position
    lo, hi, step = FILTER_GRID
    positions = range(lo, hi + 1, step)
    require(first in positions, "the text's 5×5 reduce is a slider position")
    require(readout_row(reduce3x3=wide, c3x3=wide)["ratio"] < 1, "the text says the wide reduction adds work")
    pays_wide = widest_saving_reduction(x.in_channels, wide, 3)
    require(pays_wide < wide, "the text says the reduction to the last position is past what pays")
    # the lecture's 3×3 branch: a reduction narrower than its input that still adds work, at a slider position
    pays = widest_saving_reduction(x.in_channels, x.c3x3, 3)
    narrow = next((r for r in positions if pays < r < x.in_channels), None)
    require(narrow is not None, "the text names a slider position narrower than the input that adds work")
    naive3 = _branch(f.naive, "3x3").macs
    reduced3 = _branch(ops.inception_reduced_cost(**(x.reduced | {"reduce3x3": narrow})), "3x3").macs
    require(reduced3 > naive3, "the text says that reduction makes the 3×3 branch dearer")
    return f"""
        Move the sliders to change the filter counts of each branch: the 1×1, 3×3 and 5×5 filters (both
        modules) and the three 1×1 reductions (in the module with reductions), on the lecture's
        {x.in_hw}×{x.in_hw}×{x.in_channels} input. The readout, right above the sliders, gives both modules'
        multiply-adds, weights and output depth, how much work the reductions save, and the widest 1×1
        reduction that still saves work in front of the current 3×3 and 5×5 filters, the bound
        k²·C_out·C_in / (C_in + k²·C_out) from above; the bars split each total by branch. Try a 5×5 reduce of
        {first}, as in GoogLeNet's first module. Then a 3×3 reduce of {narrow}: narrower than the
        {x.in_channels} channels it reads, but wider than {pays}, the widest reduction that pays for the
        lecture's {x.c3x3} 3×3 filters, so the 3×3 branch costs {count(reduced3)} multiply-adds against
        {count(naive3)} without it. With a 3×3
        reduce and 3×3 filters of {wide}, where a reduction pays up to {pays_wide} channels, the whole module
        with "reductions" needs more work than the naive one. The figure works without Python.

        What the filter counts buy, the paper does not report: it gives no error for any filter count of a
        module, and of them it says that "the influence of the exact architectural parameters is relatively minor"
        (Section 5). The knobs it does report errors for are the ones at test time, models and crops (Table 3,
        above).
    """


@page.text("remember")
def _remember(f: Facts) -> str:
    ratio = next(c for c in f.claims if c.id == "googlenet.vs_alexnet")
    best = min(TABLE3, key=lambda r: r.top5_error)
    even3 = ops.reduction_break_even(INCEPTION.in_channels, INCEPTION.c3x3, 3)
    require(even3 < INCEPTION.in_channels, "the text says the bound is below C_in")
    return f"""
        - An Inception module runs 1×1, 3×3 and 5×5 convolutions and a 3×3 max pool side by side and
          concatenates them along the depth: several receptive field sizes in one layer.
        - Naively this is expensive ({short_count(f.naive.macs)} multiply-adds for the lecture's example) and
          the pool makes the depth grow. A 1×1 convolution to r channels in front of a k×k one divides the
          k×k's cost by C_in / r, for the price of the 1×1; the pair saves work while
          r < k²·C_out·C_in / (C_in + k²·C_out), a bound below C_in ({even3:.2f} for the lecture's 3×3 branch).
          With them the module needs {short_count(f.reduced.macs)} (the notes' 358M is an arithmetic slip), and
          the projection after the pool fixes the output depth.
        - GoogLeNet: {f.net.weight_layers} weight layers deep, nine Inception modules, global average pooling
          and a single linear classifier: {si_count(f.net.params)} parameters, {ratio.actual}
          {comparative(1, ratio.actual_value, COUNT)} than AlexNet (the notes and the paper say 12×).
        - Two auxiliary classifiers (loss weight {f.aux.loss_weight}) are trained with the network and
          discarded at test time; whether they amplify the gradient is not testable here, and their authors
          later found them to act as regularisers.
        - The paper reports no accuracy for a filter count; its {percent(best.top5_error / 100, 2)} is
          {best.models} models averaged over {best.crops} crops per image.
    """


# --- captions of the diagrams, and folded blocks -----------------------------------------------------


@page.figure("naive")
def _naive(f: Facts) -> str:
    x = INCEPTION
    depth = ops.inception_naive_cost(**x.naive).output_depth
    return (f"the naive Inception module on the lecture's {x.in_hw}×{x.in_hw}×{x.in_channels} input: a 1×1, a 3×3 and a 5×5 "
            f"convolution ({x.c1x1}, {x.c3x3} and {x.c5x5} filters) and a 3×3 max pool side by side, concatenated "
            f"to a depth of {depth}; each node gives its output shape, parameters and multiply-adds (MACs)")  # fmt: skip


@page.figure("reduced")
def _reduced(f: Facts) -> str:
    x = INCEPTION
    depth = ops.inception_reduced_cost(**x.reduced).output_depth
    return (f"the Inception module with dimension reductions on the same input: 1×1 convolutions with "
            f"{x.reduce3x3}, {x.reduce5x5} and {x.pool_proj} filters before the 3×3 and the 5×5 and after the "
            f"pool, the same {x.c1x1}, {x.c3x3} and {x.c5x5} filters; output depth {depth}")  # fmt: skip


@page.figure("modules")
def _modules(f: Facts) -> str:
    return ("GoogLeNet at 224×224, module by module, built with its auxiliary classifiers: the stem, the nine "
            "Inception modules in three columns, one per group, the max pools between the groups, average "
            "pooling and the classifier, and the two auxiliary classifiers beside the modules they read; each "
            "node with its output shape and parameters")  # fmt: skip


@page.figure("googlenet")
def _googlenet(f: Facts) -> str:
    return ("GoogLeNet at 224×224, every layer drawn (folded above on the book's site): the stem (conv1 to "
            "maxpool2), the nine Inception modules 3a to 5b with their four branches, average pooling and the "
            "classifier; each node with its output shape and parameters")  # fmt: skip

