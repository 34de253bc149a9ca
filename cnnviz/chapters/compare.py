"""The comparison chapter (``book/compare.ipynb``): the numbers its prose cites, its paragraphs and their checks.

In the notebook::

    from cnnviz.chapters import compare as chapter
    chapter.paragraph("idea")
    chapter.facts().comp          # the comparison every table and figure of the page is drawn from
    chapter.folded("...", table)  # what can wait, in a collapsed block
    chapter.time_yours(mine, size)  # a reader's own network timed on their machine, now (never at build)

The page shows three kinds of numbers and says which is which: *reported* (the papers' errors, with table and
protocol: :data:`cnnviz.analysis.compare.REPORTED`), *counted* (parameters, multiply-adds, memory, depth,
receptive field: computed from the zoo's modules when the page is built) and *measured* (CPU times: read from
the benchmark file ``make bench`` writes, :func:`cnnviz.analysis.compare.measured_times`; the page times
nothing while it is built).
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

from cnnviz.analysis.compare import (
    BOOK_NETWORKS,
    CIFAR10_TRAIN_IMAGES,
    REFERENCE,
    TIMED_DATASET,
    TRAINED_DATASET,
    Comparison,
    ComparisonRow,
    Pick,
    ZooTimes,
)  # fmt: skip
from cnnviz.analysis.ledger import Ledger
from cnnviz.chapters.page import Page, folded, require
from cnnviz.chapters.words import COUNT, LEVEL, comparative, compare, far
from cnnviz.format import compact_count, count, megabytes, percent, times
from cnnviz.interact.prose import Paragraph

__all__ = ["PARAGRAPHS", "Facts", "facts", "folded", "ledger_table", "page", "paragraph", "time_yours"]

PARAGRAPHS = (
    "idea",  # the one idea: reported, counted and measured numbers rank the networks differently
    "reported",  # caption of the errors table
    "counted",  # caption of the counts table
    "memory",  # caption of the memory table: kept, saved, training total
    "memory_why",  # why what the backward pass keeps differs from the forward count, per network
    "state_or_batch",  # parameters' state against saved activations: which one a batch size tips
    "times",  # caption of the two time tables: machine, load, rounds, spread
    "chart",  # the error-against-cost chart: the best, and VGG16 against ResNet-50
    "taught",  # what each architecture taught, one line each
    "picks",  # phone, GPU server, teaching demo: each chosen by one comparison
    "own",  # caption of a reader's own network's row
    "remember",  # what to remember
    "exercise_flops",  # reasoning exercise: "as fast because as many FLOPs", with a model answer
    "exercise_gpu",  # design exercise: a 16 GB GPU, with a model answer
    "references",  # the works the page cites (SqueezeNet's title holds a comparison word: it comes from the zoo)
)

GPU_BYTES = 16 * 10**9  # the design exercise's GPU: 16 GB (decimal, as memory is printed on this page)


# --- the facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """Everything the comparison chapter's prose cites, computed once per process by :meth:`compute`."""

    comp: Comparison  # every network of the book, with the benchmark's times
    picks: tuple[Pick, ...]  # in the order of cnnviz.analysis.compare.PURPOSES
    dropout: dict[str, tuple[float, ...]]  # the dropout probabilities of each network's dropout layers

    @property
    def times(self) -> ZooTimes:
        assert self.comp.times is not None, "the chapter's comparison reads the benchmark file"
        return self.comp.times

    def row(self, name: str) -> ComparisonRow:
        return self.comp.row(name)

    def pick(self, purpose: str) -> Pick:
        return next(p for p in self.picks if p.purpose == purpose)

    @classmethod
    def compute(cls) -> Facts:
        from torch import nn

        from cnnviz.analysis.compare import PURPOSES, comparison, measured_times, pick
        from cnnviz.analysis.resolve import build

        comp = comparison(BOOK_NETWORKS, times=measured_times())
        dropout = {name: tuple(m.p for m in build(name, meta=True).modules() if isinstance(m, nn.Dropout))
                   for name in BOOK_NETWORKS}  # fmt: skip
        return cls(comp=comp, picks=tuple(pick(comp, purpose) for purpose in PURPOSES), dropout=dropout)


page: Page[Facts] = Page("compare", Facts.compute, PARAGRAPHS)
facts = page.facts
paragraph = page.paragraph


def _mb(n: float) -> str:
    return megabytes(n, 1 if n >= 1e6 else 2)


def _names(rows: list[ComparisonRow]) -> str:
    names = [r.name for r in rows]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _minutes(m: float) -> str:
    return f"{m:.0f} min" if m >= 10 else f"{m:.1f} min"


# --- the paragraphs, in page order ----------------------------------------------------------------


@page.text("idea")
def _idea(f: Facts) -> str:
    ax, sq = f.row(REFERENCE), f.row("squeezenet1_0")
    require(sq.params < ax.params, "the text says SqueezeNet 1.0 has fewer parameters than AlexNet")
    require(sq.forward_bytes > ax.forward_bytes, "the text says SqueezeNet 1.0 produces more activations")
    ratio = f.comp.time_ratio(sq.name)
    require(ratio is not None, "the text gives SqueezeNet 1.0's measured time")
    require(sq.macs > ax.macs, "the text says SqueezeNet 1.0 needs more multiply-adds than AlexNet")
    outcome = ("one that fits SqueezeNet, with more multiply-adds, taking less time here" if ratio < 1 else
               "here SqueezeNet's extra multiply-adds and larger maps outweighed it")  # fmt: skip
    rep = ax.reported
    return f"""
        A comparison of networks mixes three kinds of numbers, and this page keeps them apart:

        - **reported**: a paper's error under the paper's own protocol (AlexNet's {percent(rep.top1)} top-1 error
          is "{rep.protocol}", {rep.source.split(", ")[1]} of its paper);
        - **counted**: what follows exactly from the architecture, the same on every machine: parameters,
          multiply-adds, the activations of one image;
        - **measured**: what one machine did, here a CPU's time per image, the median of
          {f.times.rounds} rounds of a benchmark.

        The one idea of this page: **these numbers rank the networks differently, so no network is "the
        best" until a job names the number that limits it.** SqueezeNet 1.0 has
        {compact_count(sq.params)} parameters, {compare(sq.params, ax.params, COUNT)} AlexNet's
        {compact_count(ax.params)} (one {round(ax.params / sq.params)}th), yet one image's forward pass
        produces {_mb(sq.forward_bytes)} of activations, {compare(sq.forward_bytes, ax.forward_bytes)}
        AlexNet's {_mb(ax.forward_bytes)}; it needs {compact_count(sq.macs)} multiply-adds against
        AlexNet's {compact_count(ax.macs)}, and on the benchmark's CPU it took {times(ratio, 1)} AlexNet's
        time. Why they part ways: parameters are stored once, whatever the batch; activations are per image
        and scale with the size of the maps, so a network that shrinks its maps late, as SqueezeNet does,
        produces large maps (its few weights come from its 1×1 squeeze layers and from having no fully
        connected layer). Multiply-adds count arithmetic, but time also counts the bytes a processor fetches:
        at batch 1 every weight is read once per image, {_mb(4 * ax.params)} for AlexNet against
        {_mb(4 * sq.params)} for SqueezeNet (float32), a cost no multiply-add count shows, and {outcome}. A
        phone is limited by the bytes it ships, a training GPU by
        activations times the batch, a lecture by minutes.
    """


@page.text("reported")
def _reported(f: Facts) -> str:
    cifar = [r for r in f.comp.rows if r.dataset == TRAINED_DATASET]
    require(all(r.dataset == TIMED_DATASET for r in f.comp.rows[: len(f.comp.rows) - len(cifar)]),
            "the caption says the CIFAR-10 networks come last")  # fmt: skip
    r18 = f.row("resnet18").reported
    require("option A" in r18.protocol, "the caption says ResNet-18's figure is for option A shortcuts")
    return f"""
        *Table: the errors the papers report (ImageNet: the ILSVRC-2012 validation set; CIFAR-10: the test set,
        for the networks from {cifar[0].name} on), with the protocol and the table they come from (the source
        is a key of the book's reference list). ImageNet figures are single models, and the protocols differ:
        10 crops, a dense evaluation, one crop. On CIFAR-10 some papers report the best, the median or the
        mean of several runs, and the protocol says which. ResNet-18's figure is for zero-padding shortcuts
        (option A, the paper's Table 2); the zoo's resnet18 has projection shortcuts (option B), for which the
        paper gives no 18-layer figure. The challenge entries of the [introduction](intro.ipynb) are
        ensembles. A dash: the source reports no such figure.*
    """


@page.text("counted")
def _counted(f: Facts) -> str:
    sizes = sorted({r.input_size[-1] for r in f.comp.rows}, reverse=True)
    ax = f.row(REFERENCE)
    require(ax.input_size[-1] in sizes, "the caption names AlexNet's input size")
    others = ", ".join(f"{s}×{s}" for s in sizes if s != ax.input_size[-1])
    return f"""
        *Table: counted on the zoo's networks, each at its own input size ({others}; AlexNet
        {ax.input_size[-1]}×{ax.input_size[-1]}). Parameters and multiply-adds per image (weights only) from
        the ledger, weight layers on the longest path, and the theoretical receptive field of the last
        spatial map in pixels.*
    """


@page.text("memory")
def _memory(f: Facts) -> str:
    sd = [n for n in ("fractalnet20", "stochastic_depth110") if n in {r.name for r in f.comp.rows}]
    require(all(r.training_bytes == r.state_bytes + r.saved_bytes + r.memory.statistics for r in f.comp.rows),
            "the caption says the training total adds the state to what the backward pass keeps")  # fmt: skip
    return f"""
        *Table: memory per image in MB (10⁶ bytes), float32. **Kept by a forward pass**: the input and every
        layer's output, each counted as if it were kept (the ledger's count, the accounting of the lecture's
        tables). **Saved for the backward pass**: what autograd stores when a training step runs the forward
        pass, measured on the zoo's network in training mode with PyTorch's saved-tensor hooks, each storage
        counted once ({_names([f.row(n) for n in sd])} with every path and block kept, their largest step).
        **Parameters, gradients, momentum**: three float32 numbers per parameter for SGD with momentum,
        whatever the batch. **Training total**: those plus what the backward pass keeps (and batch norm's
        per-channel statistics), for a batch of one image; a batch of B multiplies the saved activations
        only.*
    """


def _below(f: Facts) -> list[ComparisonRow]:
    return [r for r in f.comp.rows if r.saved_bytes < r.forward_bytes]


def _above(f: Facts) -> list[ComparisonRow]:
    return [r for r in f.comp.rows if r.saved_bytes > r.forward_bytes]


@page.text("memory_why")
def _memory_why(f: Facts) -> str:
    rows = list(f.comp.rows)
    below, above = _below(f), _above(f)
    require(below and above, "the text explains networks on both sides")
    require(all(r.memory.training_only == 0 for r in rows), "the text has no layer that runs only in training")
    require(all(r.memory.in_place == 0 for r in rows), "the text says no zoo network has an in-place layer")
    # the largest term of every network below: the outputs the backward pass does not need
    require(all(r.memory.not_needed > max(r.memory.shared, r.memory.added) for r in below),
            "the text calls the unneeded outputs the largest term wherever saved is below kept")  # fmt: skip
    r50 = f.row("resnet50").memory
    require(f.row("resnet50") in below and r50.not_needed > 0, "the text takes ResNet-50 as its example of less kept")
    shared = sorted((r for r in rows if r.memory.views >= 1e6), key=lambda r: -r.memory.views)
    require([r.name for r in shared] == ["wrn28_10"], "the text names Wide ResNet-28-10 as the one with views")
    wrn = shared[0]
    require(f.dropout[wrn.name] and not any(f.dropout[wrn.name]), "the text says WRN's dropout layers are off")
    lrn = [r for r in rows if r.memory.inside_layers > 0]
    pools = max(above, key=lambda r: r.memory.indices)
    concat = [r for r in rows if r.memory.between_layers > r.memory.not_needed / 2 and r.memory.between_layers > 1e6]
    require({r.name for r in concat} >= {"densenet121", "densenet_bc_100_12"},
            "the text names DenseNet's concatenations among the tensors made between layers")  # fmt: skip
    require(all(r.memory.added > r.memory.not_needed + r.memory.shared for r in above),
            "the text says the additions outweigh what is dropped for the networks above")  # fmt: skip
    fractal = f.row("fractalnet20")
    require(wrn.saved_bytes < wrn.forward_bytes and fractal.saved_bytes < fractal.forward_bytes,
            "the text says WRN-28-10 and FractalNet-20 keep less than they produce")  # fmt: skip
    lowest = min(wrn.training_bytes / wrn.forward_bytes, fractal.training_bytes / fractal.forward_bytes)
    require(lowest > 1, "the text says their training totals exceed the forward count")
    return f"""
        For {len(below)} of the {len(rows)} networks the backward pass keeps
        {comparative(below[0].saved_bytes, below[0].forward_bytes)} than the forward count, and for {len(above)}
        {comparative(above[0].saved_bytes, above[0].forward_bytes)} ({_names(above)}). The forward count is an accounting convention: every layer's
        output listed once, as if all were kept. Autograd keeps what the gradient formulas need, each storage
        once. The terms of the difference, measured on one training-mode pass (the table below has them for
        every network):

        - **Outputs the backward pass does not need** (the largest term wherever less is kept). A batch norm
          needs its input for its gradient, not its output, and the ReLU after it keeps its own output (its
          gradient is zero where the output is zero); so the batch norm's output, read once by the ReLU, is not
          kept. ResNet-50 produces {_mb(r50.kept)} and does not need {_mb(r50.not_needed)} of it for its
          backward pass.
        - **One storage counted twice.** The zoo has no in-place layer, so this is small everywhere but in
          {wrn.name}: its dropout layers, switched off as in the paper's network without dropout, return their
          input as it is, so the forward count has {_mb(wrn.memory.views)} a second time that is the same storage.
        - **What the backward pass adds** that no layer outputs: max pooling keeps the position of each
          maximum as a 64-bit integer, twice the bytes of the float32 map it outputs ({_mb(pools.memory.indices)}
          in {pools.name}); dropout keeps its mask, on the CPU a float32 tensor as large as its input; local
          response normalisation keeps its intermediate terms ({"; ".join(f"{_mb(r.memory.inside_layers)} in {r.name}" for r in lrn)});
          and a tensor made in a block's own code, such as the concatenations of {_names(concat)}, is kept
          for the layer that reads it. For {_names(above)} these additions outweigh what is dropped.

        Wide ResNet-28-10 and FractalNet-20 keep {_mb(wrn.saved_bytes)} and {_mb(fractal.saved_bytes)},
        {comparative(wrn.saved_bytes, wrn.forward_bytes)} than the {_mb(wrn.forward_bytes)} and
        {_mb(fractal.forward_bytes)} they produce, for the first two reasons (FractalNet's joins, averages of
        their inputs, need no input kept). Their training totals lie {far(lowest, 1)} both counts: parameters,
        gradients and momentum bring them to {_mb(wrn.training_bytes)} and
        {_mb(fractal.training_bytes)} at batch 1.
    """


@page.text("state_or_batch")
def _state_or_batch(f: Facts) -> str:
    rows = list(f.comp.rows)
    state_first = [r for r in rows if r.state_bytes > r.saved_bytes + r.memory.statistics]
    require(0 < len(state_first) < len(rows), "the text says the state dominates at batch 1 for some, not all")
    per_image = {r.name: r.saved_bytes + r.memory.statistics for r in rows}
    tip = {r.name: math.ceil(r.state_bytes / per_image[r.name]) for r in rows}
    vgg, r50, dense = f.row("vgg16"), f.row("resnet50"), f.row("densenet_bc_100_12")
    require(tip[vgg.name] > tip[r50.name] > tip[dense.name] == 1, "the text orders VGG16, ResNet-50 and DenseNet-BC")
    heaviest = max(rows, key=lambda r: r.saved_bytes)
    return f"""
        Parameters are held once; activations once per image of the batch. At batch 1 the parameters' state
        (weights, gradients, momentum) outweighs the saved activations for {len(state_first)} of the
        {len(rows)} networks, but the saved activations grow with the batch and the state does not. From a
        batch of {tip[r50.name]} images on, ResNet-50's saved activations outweigh its state of
        {_mb(r50.state_bytes)}; VGG16, with {_mb(vgg.state_bytes)} of state, needs {tip[vgg.name]} images;
        DenseNet-BC (L = 100, k = 12) with its {compact_count(dense.params)} parameters passes it at the first
        image. The heaviest per image for training is {heaviest.name}, with {_mb(heaviest.saved_bytes)}
        saved: multiply by the batch size to see what a GPU must hold.
    """


@page.text("times")
def _times(f: Facts) -> str:
    t = f.times
    require(t.rounds >= 5, "the caption speaks of at least five rounds")
    spreads = {**{n: s for n, s in t.inference.items()}, **{n: s for n, s in t.training.items()}}
    widest = max(spreads, key=lambda n: spreads[n].high / spreads[n].low)
    w = spreads[widest]
    load_before, load_after = t.load.before[0], t.load.after[0]
    note = f" **Note on this run: {t.note}.**" if t.note else ""
    return f"""
        *Tables: CPU time, measured by `make bench` on {t.machine.description}, {t.date}. Above, one forward
        pass of one image of each ImageNet network in inference mode; below, one training step of each
        CIFAR-10 network (forward pass, cross-entropy, backward pass and SGD update, on a batch of
        {t.train_batch} images) per image, and one epoch of the {count(CIFAR10_TRAIN_IMAGES)} training images
        at that rate. Each network was timed once per round, in {t.rounds} interleaved rounds whose order
        rotates, so that a change of load slows every network alike; the tables give the median and the
        fastest and slowest round, and every ratio is of medians. The widest spread is {widest}'s, its slowest
        round {times(w.high, w.low)} its fastest. The load average (over one minute) was
        {load_before:.2f} before and {load_after:.2f} after, with {t.load.busy_before} other busy
        process(es) at the start. Stochastic Depth and FractalNet drop blocks and paths as in training.
        Another CPU, thread count or library version gives other times; ratios travel better than
        milliseconds.*{note}
    """


@page.text("chart")
def _chart(f: Facts) -> str:
    imagenet = [r for r in f.comp.rows if r.dataset == TIMED_DATASET and r.reported and r.reported.top1 is not None]
    best = min(imagenet, key=lambda r: r.reported.top1)
    close = [r for r in imagenet if r.macs < best.macs and r.reported.top1 - best.reported.top1 < 0.01]
    vgg16, r50 = f.row("vgg16"), f.row("resnet50")
    require(close, "the text names networks within one point of the best")
    require(vgg16.reported.top1 > r50.reported.top1, "the text says VGG16's error is the higher")
    closest = ", ".join(f"{r.name} ({percent(r.reported.top1)}, {compact_count(r.macs)})" for r in close)
    return f"""
        The lowest reported top-1 error of the table is {best.name}'s, {percent(best.reported.top1)} at
        {compact_count(best.macs)} multiply-adds. Within one point of it, at
        {comparative(max(r.macs for r in close), best.macs, COUNT)} multiply-adds: {closest}. The clearest
        lesson of the chart is VGG16 against ResNet-50: VGG16 needs {compact_count(vgg16.macs)} multiply-adds,
        {compare(vgg16.macs, r50.macs)} ResNet-50's {compact_count(r50.macs)}, and has
        {compact_count(vgg16.params)} parameters, {compare(vgg16.params, r50.params, COUNT)} its
        {compact_count(r50.params)}, for a top-1 error {compare(vgg16.reported.top1, r50.reported.top1, LEVEL,
        multiples=False)} ResNet-50's ({percent(vgg16.reported.top1)} against {percent(r50.reported.top1)}).
        Mind the protocols (the first table names each): ResNet's figure averages 10 crops, VGG's is a dense
        evaluation at one scale, others use one crop, which usually gives a higher error than averaging several.
    """


@page.text("taught")
def _taught(f: Facts) -> str:
    ax, sq = f.row(REFERENCE), f.row("squeezenet1_0")
    require(sq.params < ax.params, "the SqueezeNet line says it has fewer parameters")
    return f"""
        - [AlexNet](alexnet.ipynb): a deep convolutional network trained on GPUs, with ReLU and dropout, wins ImageNet.
        - [ZFNet](zfnet.ipynb): look at what the layers learn; smaller, denser first layers follow from the pictures.
        - [VGG](vgg.ipynb): a stack of small convolutions sees as much of the image as one large filter, with
          fewer weights and more nonlinearities.
        - [GoogLeNet](googlenet.ipynb): 1×1 reductions make wide multi-branch modules affordable.
        - [Network in Network](nin.ipynb): a small MLP at every position (the 1×1 convolution) and global
          average pooling instead of fully connected layers.
        - [ResNet](resnet.ipynb): identity shortcuts make very deep networks trainable.
        - [Wide ResNet](wide_resnet.ipynb): width can buy what depth buys, with fewer, faster layers.
        - [ResNeXt](resnext.ipynb): cardinality, many thin paths, is a third dimension beside depth and width.
        - [Stochastic Depth](stochastic_depth.ipynb): train a short network, test a deep one.
        - [FractalNet](fractalnet.ipynb): depth without residuals, by self-similar expansion and drop-path.
        - [DenseNet](densenet.ipynb): concatenate instead of add; reuse features, pay in activation memory.
        - [SqueezeNet](squeezenet.ipynb): count parameters and bytes as a design goal; the architecture alone
          has {comparative(sq.params, ax.params, COUNT)} parameters than AlexNet by a factor of
          {round(ax.params / sq.params)}, and compression does the rest.
    """


@page.text("picks")
def _picks(f: Facts) -> str:
    phone, server, demo = (f.pick(p) for p in ("phone", "gpu server", "teaching demo"))
    p, s, d = phone.row, server.row, demo.row
    p_ratio = f.comp.time_ratio(p.name)
    require(p_ratio is not None, "the text gives the phone pick's measured time")
    if p.reported is None or p.reported.top1 is None and p.reported.top5 is None:
        p_rep = f"{p.name} is {p.reported.protocol if p.reported else 'not reported'}"
    else:
        p_rep = f"its paper reports {percent(p.reported.top1 or p.reported.top5)} top-{1 if p.reported.top1 else 5} error"
    minutes = {r.name: f.comp.epoch_minutes(r.name) for r in f.comp.rows if r.dataset == TRAINED_DATASET}
    by_macs = min((r for r in f.comp.rows if r.dataset == TRAINED_DATASET), key=lambda r: r.macs)
    require(minutes[d.name] == min(minutes.values()), "the text says the demo pick trains an epoch fastest")
    macs_note = (f" It also needs the fewest multiply-adds, {compact_count(d.macs)} per image: counting alone "
                 "would have chosen the same." if by_macs is d else
                 f" Counting alone would have chosen {by_macs.name}, with the fewest multiply-adds"
                 f" ({compact_count(by_macs.macs)} against {compact_count(d.macs)}); the measured time per image"
                 " is what an epoch costs.")  # fmt: skip
    nin = f.row("nin_cifar")
    nin_note = ("" if nin.name in (d.name, demo.runner_up.name) else
                f" NiN, the lightest network of its day, needs {_minutes(minutes[nin.name])}.")  # fmt: skip
    return f"""
        - **For a phone**, the bytes to ship and hold come first, then the work per image: the network with
          the fewest parameters is {p.name} ({compact_count(p.params)} parameters, {megabytes(4 * p.params, 2)}
          in float32, {compact_count(p.macs)} multiply-adds per image); on the benchmark's CPU one image took
          {times(p_ratio, 1)} AlexNet's time ({_ms(p.seconds)}). Next comes {phone.runner_up.name}. As for
          accuracy, {p_rep}. Quantised to 8 bits it is a quarter of that size (see the
          [SqueezeNet](squeezenet.ipynb) chapter).
        - **For a GPU server**, accuracy comes first, memory and time are plentiful: the lowest reported top-1
          error is {s.name}'s, {percent(s.reported.top1)} ({s.reported.protocol}), at {compact_count(s.macs)}
          multiply-adds and a training total of {_mb(s.training_bytes)} at batch 1; next comes
          {server.runner_up.name}. Compare the protocols before trusting the order of close figures.
        - **For a teaching demo**, a network must train in front of the class on a laptop's CPU: the CIFAR-10
          network with the fewest minutes per training epoch on the benchmark's CPU is {d.name}, at
          {_minutes(minutes[d.name])} per epoch ({_ms(d.train_seconds)} per image for a training step); its
          reported test error needs the paper's whole schedule, not a lecture's minutes; next comes {demo.runner_up.name} at
          {_minutes(minutes[demo.runner_up.name])}.{macs_note}{nin_note} Its chapter is [here]({d.chapter}.ipynb),
          and the book's degradation runs train it.
    """


@page.text("own")
def _own(f: Facts) -> str:
    return f"""
        *Table: your network beside the book's CIFAR-10 networks, counted the same way. Its error is yours to
        measure: train it (the ResNet chapter's `cnnviz degradation` runs a CIFAR recipe) and compare. Its time
        is not measured while the book is built; the cell below times it on your machine when you run it
        (one run, one moment: the book's times are medians of {f.times.rounds} rounds).*
    """


@page.text("remember")
def _remember(f: Facts) -> str:
    ax, sq, vgg, r50 = f.row(REFERENCE), f.row("squeezenet1_0"), f.row("vgg16"), f.row("resnet50")
    require(vgg.params > r50.params and vgg.macs > r50.macs, "the text says VGG16 is heavier in parameters and work")
    act = comparative(vgg.saved_bytes, r50.saved_bytes, COUNT)
    require(sq.params < ax.params and sq.forward_bytes > ax.forward_bytes,
            "the text says SqueezeNet is light in parameters but not in activations")  # fmt: skip
    demo = f.pick("teaching demo").row
    return f"""
        - A comparison mixes three kinds of numbers: reported (a paper's figure under its protocol), counted
          (exact, from the architecture) and measured (one machine, one moment). Keep them apart and name the
          source.
        - Multiply-adds, parameters and activation memory rank the networks differently: VGG16 has more
          parameters and multiply-adds than ResNet-50 but saves {act} activations for training; SqueezeNet is
          light in parameters but not in activations.
        - The forward count of activations is an accounting convention; what training keeps is measured, and
          it adds the parameters' state (weights, gradients, momentum) to the activations of every image of the
          batch.
        - A choice is a comparison: say which number decides it (bytes for a phone, error for a server,
          minutes per epoch for a demo: {demo.name} here).
        - Every tool of the book works on your own `nn.Module`, in a notebook or from the command line.
    """


def _exercise(question: str, answer: str) -> str:
    """A question, then its model answer in a collapsed box (the site's dropdown admonition, plain HTML)."""
    return (f"{textwrap.dedent(question).strip()}\n\n"
            f'<div class="admonition dropdown">\n<p class="admonition-title">Model answer</p>\n\n'
            f"{textwrap.dedent(answer).strip()}\n\n</div>")  # fmt: skip


@page.text("exercise_flops")
def _exercise_flops(f: Facts) -> str:
    ax, sq = f.row(REFERENCE), f.row("squeezenet1_0")
    ratio = f.comp.time_ratio(sq.name)
    require(ratio is not None, "the answer cites the measured time")
    require(sq.macs > ax.macs, "the answer says SqueezeNet 1.0 needs more multiply-adds than AlexNet")
    follows = "does not follow them" if ratio < 1 else "follows them"
    answer = f"""
        Multiply-adds are not time, though here the measured time {follows}: SqueezeNet 1.0 needs
        {compact_count(sq.macs)} multiply-adds against AlexNet's {compact_count(ax.macs)}, and on the
        benchmark's CPU it took {times(ratio, 1)} AlexNet's time. Look at the bytes each image moves. At
        batch 1 every weight is read once per image: {_mb(4 * ax.params)} for AlexNet against
        {_mb(4 * sq.params)} for SqueezeNet (float32), and a fully connected layer does one multiply-add per
        weight it reads. Activations go the other way: one image's forward pass produces
        {_mb(sq.forward_bytes)} in SqueezeNet, {compare(sq.forward_bytes, ax.forward_bytes)} AlexNet's
        {_mb(ax.forward_bytes)}, written and read again. Its {sq.depth} weight layers on the longest path,
        against AlexNet's {ax.depth}, are more separate kernels to launch, each less work. Which of these
        wins depends on the hardware and the batch size, so the check is a measured time with its machine
        named. And "FLOPs" should be defined: multiply-adds or twice that, bias additions or not.
    """
    return _exercise("""
        **Reasoning.** A blog post ranks networks by "FLOPs" and concludes that SqueezeNet 1.0 is as fast as
        AlexNet. Using the tables, what else would you look at before believing it, and why?
    """, answer)


def _batch_limit(r: ComparisonRow, budget: int = GPU_BYTES) -> int:
    """The largest batch whose training total (state plus saved activations per image) fits ``budget``."""
    return max(0, (budget - r.state_bytes) // (r.saved_bytes + r.memory.statistics))


@page.text("exercise_gpu")
def _exercise_gpu(f: Facts) -> str:
    names = ("resnet50", "resnext50_32x4d", "densenet121", "vgg16", "wide_resnet50_2")
    rows = [f.row(n) for n in names]
    r50, x50, d121, vgg, wrn = rows
    require(abs(x50.reported.top1 - r50.reported.top1) < 0.01, "the answer calls ResNeXt-50's error close")
    require(d121.params < r50.params and d121.macs < r50.macs, "the answer says DenseNet-121 is lighter to count")
    require(_batch_limit(d121) < _batch_limit(r50), "the answer says DenseNet-121 fits a smaller batch")
    require(vgg.macs > r50.macs and wrn.macs > r50.macs, "the answer says VGG16 and WRN-50-2 cost more work")
    require(d121.reported.top1 > r50.reported.top1 and vgg.reported.top1 > r50.reported.top1
            and wrn.reported.top1 < r50.reported.top1,
            "the answer drops DenseNet-121 and VGG16 for their errors and keeps WRN-50-2 for its")  # fmt: skip
    limits = "; ".join(f"{r.name} {_batch_limit(r)}" for r in rows)

    def points(r: ComparisonRow) -> str:
        """Its reported top-1 error against ResNet-50's, in percentage points."""
        gap = 100 * (r.reported.top1 - r50.reported.top1)
        return f"{percent(r.reported.top1)}, {abs(gap):.2f} points {'above' if gap > 0 else 'below'}"

    answer = f"""
        Memory first: a training step holds the parameters' state (weights, gradients, momentum) once and the
        saved activations once per image, so the largest batch that fits is ({GPU_BYTES // 10**9} GB − state)
        ÷ (saved per image). From the memory table: {limits} images (an upper bound: the GPU's kernels need
        workspace, the allocator wastes some, and the counts are of what PyTorch saves on the CPU). Then time: multiply-adds per image set the work per epoch. ResNet-50
        ({percent(r50.reported.top1)}) and ResNeXt-50 32×4d ({percent(x50.reported.top1)}) have errors
        within a point of each other and similar costs; DenseNet-121 has {compact_count(d121.params)}
        parameters and {compact_count(d121.macs)} multiply-adds, {comparative(d121.macs, r50.macs)} than
        ResNet-50's {compact_count(r50.macs)}, but keeps more activations per image, which limits its batch,
        and reports {points(d121)} ResNet-50's error; VGG16 ({compact_count(vgg.macs)} multiply-adds,
        {points(vgg)}) and Wide ResNet-50-2 ({compact_count(wrn.macs)}, {points(wrn)}) cost more work. So try
        ResNet-50 and ResNeXt-50 32×4d first, and Wide ResNet-50-2 if its time per epoch is affordable.
        Compare errors under the same protocol before deciding.
    """
    return _exercise(f"""
        **Design.** Your lab has one GPU with {GPU_BYTES // 10**9} GB for training and needs ImageNet accuracy
        near ResNet-50's. Which two or three networks of the tables would you try, and which numbers make you
        drop the others?
    """, answer)


@page.text("references")
def _references(f: Facts) -> str:
    from cnnviz.models.squeezenet import PAPER

    require(PAPER.arxiv == "1602.07360", "the reference gives the SqueezeNet paper's arXiv number")
    return f"""
        - Canziani, A., Paszke, A., and Culurciello, E. (2016). *An Analysis of Deep Neural Network Models for
          Practical Applications*. arXiv:1605.07678.
        - He, K., Zhang, X., Ren, S., and Sun, J. (2016). *Deep Residual Learning for Image Recognition*. IEEE
          Conference on Computer Vision and Pattern Recognition (CVPR), pp. 770–778. arXiv:1512.03385.
        - Huang, G., Liu, Z., van der Maaten, L., and Weinberger, K. Q. (2017). *Densely Connected Convolutional
          Networks*. IEEE Conference on Computer Vision and Pattern Recognition (CVPR), pp. 4700–4708.
          arXiv:1608.06993.
        - Huang, G., Sun, Y., Liu, Z., Sedra, D., and Weinberger, K. Q. (2016). *Deep Networks with Stochastic
          Depth*. European Conference on Computer Vision (ECCV), pp. 646–661. arXiv:1603.09382.
        - Iandola, F. N., Han, S., Moskewicz, M. W., Ashraf, K., Dally, W. J., and Keutzer, K. ({PAPER.year}).
          *{PAPER.title}*. arXiv:{PAPER.arxiv}.
        - Krizhevsky, A. (2009). *Learning Multiple Layers of Features from Tiny Images*. Technical report,
          University of Toronto.
        - Krizhevsky, A., Sutskever, I., and Hinton, G. E. (2012). *ImageNet Classification with Deep
          Convolutional Neural Networks*. Advances in Neural Information Processing Systems 25, pp. 1097–1105.
        - Larsson, G., Maire, M., and Shakhnarovich, G. (2017). *FractalNet: Ultra-Deep Neural Networks without
          Residuals*. International Conference on Learning Representations (ICLR). arXiv:1605.07648.
        - Lin, M., Chen, Q., and Yan, S. (2014). *Network In Network*. International Conference on Learning
          Representations (ICLR). arXiv:1312.4400.
        - Simonyan, K., and Zisserman, A. (2015). *Very Deep Convolutional Networks for Large-Scale Image
          Recognition*. International Conference on Learning Representations (ICLR). arXiv:1409.1556.
        - Szegedy, C., Liu, W., Jia, Y., Sermanet, P., Reed, S., Anguelov, D., Erhan, D., Vanhoucke, V., and
          Rabinovich, A. (2015). *Going Deeper with Convolutions*. IEEE Conference on Computer Vision and
          Pattern Recognition (CVPR), pp. 1–9. arXiv:1409.4842.
        - Xie, S., Girshick, R., Dollár, P., Tu, Z., and He, K. (2017). *Aggregated Residual Transformations for
          Deep Neural Networks*. IEEE Conference on Computer Vision and Pattern Recognition (CVPR),
          pp. 1492–1500. arXiv:1611.05431.
        - Zagoruyko, S., and Komodakis, N. (2016). *Wide Residual Networks*. British Machine Vision Conference
          (BMVC). arXiv:1605.07146.
        - Zeiler, M. D., and Fergus, R. (2014). *Visualizing and Understanding Convolutional Networks*. European
          Conference on Computer Vision (ECCV), pp. 818–833. arXiv:1311.2901.
    """


# --- folded blocks, and a reader's own timing -------------------------------------------------------


def ledger_table(led: Ledger) -> str:
    """A network's ledger layer by layer, narrow enough for the page's column: each leaf layer's type, output
    shape, parameters and multiply-adds, with the totals (``cnnviz.render.tables.markdown_table`` has every
    column: kernel, stride, activations)."""
    from cnnviz.format import chw
    from cnnviz.render.tables import markdown_rows

    rows = [(r.name, r.type, chw(r.output_shape, "×"), r.params, r.macs) for r in led.leaves()]
    table = markdown_rows(("layer", "type", "output (C×H×W)", "parameters", "multiply-adds"), rows)
    total = (f"| **Total** | | {chw(led.input_size, '×')} in | **{count(led.total_params)}** | "
             f"**{count(led.total_macs)}** |")  # fmt: skip
    return table + total + "\n"


def time_yours(module: object, input_size: tuple[int, int, int]) -> Paragraph:
    """Time ``module`` on this machine, now: one forward pass of one image after one untimed pass, and say
    that it is one run. A reader's action: the book never runs it while it is built."""
    import torch

    from cnnviz.analysis.compare import time_per_image

    seconds = time_per_image(module, input_size, repeats=1)  # type: ignore[arg-type]
    return Paragraph(
        f"One run on this machine, now: {_ms(seconds)} for one forward pass of one {input_size[1]}×{input_size[2]} "
        f"image (after one untimed pass), with {torch.get_num_threads()} torch threads. Run it again and the "
        "time changes; another machine or load gives another. The book's times are medians of several rounds "
        "of `make bench`, each network timed in turn."
    )
