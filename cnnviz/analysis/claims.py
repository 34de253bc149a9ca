"""Every quantitative statement of the lecture notes, checked.

Each :class:`Claim` holds the statement as the notes make it, the figure they give, the figure ``cnnviz``
computes (or, for results and training settings that only the paper can give, the figure the paper reports,
with its citation), and a verdict. A computed figure *holds* when it rounds to the stated one at the
precision the notes use ("35k" is checked to the nearest thousand, "1,728" exactly).

The notes are the lecture notes the book follows (``cnn-architectures-lecture-notes.md``); the papers are
the ones in ``book/references.bib``.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from cnnviz.analysis import ops
from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.analysis.ledger import Ledger, ledger
from cnnviz.analysis.memory import memory_from_ledger

COMPUTED = "computed"
PAPER = "paper"


@dataclass(frozen=True)
class Claim:
    id: str  # stable key, "vgg16.total_params"
    chapter: str  # the chapter that shows it: "alexnet", "zfnet", "vgg", "googlenet", "resnet", ...
    statement: str  # what the notes say, in their words
    stated: str  # the figure as the notes write it: "35k", "16.4%"
    stated_value: float  # that figure as a number
    actual_value: float  # what cnnviz computes, or what the paper reports
    actual: str  # the actual figure, formatted for reading
    basis: str  # COMPUTED or PAPER
    source: str  # how it was computed, or the citation (bibkey and where in the paper)
    holds: bool
    note: str = ""  # why it is off, or what to keep in mind

    @property
    def verdict(self) -> str:
        if self.holds:
            return "holds" if self.basis == COMPUTED else "holds (paper)"
        off = self.actual_value - self.stated_value
        if self.stated_value and self.actual_value:
            return f"off: {self.actual} ({off / self.stated_value:+.0%})"
        return f"off: {self.actual}"


# --- helpers --------------------------------------------------------------------------------------

_SUFFIX = {"": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}


def parse_figure(text: str) -> tuple[float, float]:
    """A figure as the notes write it -> (value, resolution): "35k" -> (35000, 1000), "1,728" -> (1728, 1).

    The resolution is the unit of the last significant stated digit ("800K" -> 100K, "150K" -> 10K,
    "3.2M" -> 0.1M): a claim holds when the computed value rounds to the stated one at that resolution.
    """
    match = re.fullmatch(r"\s*([0-9][0-9,]*)(?:\.([0-9]+))?\s*([kKMG]?)\s*", text)
    if not match:
        raise ValueError(f"parse_figure: cannot read {text!r} as a figure like '35k', '3.2M' or '1,728'")
    whole, frac, suffix = match.groups()
    scale = _SUFFIX[suffix]
    digits = len(frac or "")
    integer = whole.replace(",", "")
    value = (int(integer) + (int(frac) / 10**digits if frac else 0)) * scale
    if frac or int(integer) == 0:
        return value, scale / 10**digits
    trailing_zeros = len(integer) - len(integer.rstrip("0"))
    return value, scale * 10**trailing_zeros


def _rounds_to(actual: float, stated: float, resolution: float) -> bool:
    return abs(actual - stated) <= resolution / 2 + 1e-9


def _fmt(n: float) -> str:
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.2f}"


def _si(n: float) -> str:
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= scale:
            return f"{n / scale:.1f}{suffix}"
    return _fmt(n)


def _computed(
    id: str, chapter: str, statement: str, stated: str, actual: float, source: str, note: str = "",
    actual_text: str | None = None,
) -> Claim:  # fmt: skip
    value, resolution = parse_figure(stated)
    return Claim(
        id, chapter, statement, stated, value, float(actual),
        actual_text or f"{_fmt(actual)} ({_si(actual)})" if actual >= 1e4 else actual_text or _fmt(actual),
        COMPUTED, source, _rounds_to(actual, value, resolution), note,
    )


def _ratio(id: str, chapter: str, statement: str, stated: float, resolution: float, actual: float,
           source: str, note: str = "") -> Claim:  # fmt: skip
    return Claim(
        id, chapter, statement, f"{stated:g}×", stated, actual, f"{actual:.1f}×", COMPUTED, source,
        _rounds_to(actual, stated, resolution), note,
    )


def _paper(id: str, chapter: str, statement: str, stated: str, stated_value: float, reported: float,
           reported_text: str, source: str, note: str = "") -> Claim:  # fmt: skip
    return Claim(
        id, chapter, statement, stated, stated_value, reported, reported_text, PAPER, source,
        abs(stated_value - reported) <= 1e-9 * max(1.0, abs(reported)), note,
    )


def _shape_text(shape: tuple[int, ...]) -> str:
    """(C, H, W) -> "HxWxC" as the lecture writes volumes; (N,) -> "N"."""
    if len(shape) == 3:
        c, h, w = shape
        return f"{h}x{w}x{c}"
    return "x".join(map(str, shape))


def _shape_claim(id: str, chapter: str, label: str, stated: str, led: Ledger, layer: str, note: str = "") -> Claim:
    row = next(r for r in led.rows if r.name == layer)
    actual = _shape_text(row.output_shape)
    return Claim(
        id, chapter, f"[{stated}] {label}", stated, 0.0, 0.0, actual, COMPUTED,
        f"ledger({led.model!r}), layer {layer!r}", actual == stated, note,
    )


@functools.cache
def _ledger(name: str) -> Ledger:
    return ledger(name)


def _total_params(name: str) -> int:
    return _ledger(name).total_params


# --- the chapters ---------------------------------------------------------------------------------

# The lecture's AlexNet table: (label, output volume as the notes write it, our layer).
ALEXNET_TABLE = (
    ("CONV1: 96 11x11 filters at stride 4, pad 0", "55x55x96", "features.conv1"),
    ("MAX POOL1: 3x3 filters at stride 2", "27x27x96", "features.pool1"),
    ("NORM1: Normalization layer", "27x27x96", "features.norm1"),
    ("CONV2: 256 5x5 filters at stride 1, pad 2", "27x27x256", "features.conv2"),
    ("MAX POOL2: 3x3 filters at stride 2", "13x13x256", "features.pool2"),
    ("NORM2: Normalization layer", "13x13x256", "features.norm2"),
    ("CONV3: 384 3x3 filters at stride 1, pad 1", "13x13x384", "features.conv3"),
    ("CONV4: 384 3x3 filters at stride 1, pad 1", "13x13x384", "features.conv4"),
    ("CONV5: 256 3x3 filters at stride 1, pad 1", "13x13x256", "features.conv5"),
    ("MAX POOL3: 3x3 filters at stride 2", "6x6x256", "features.pool5"),
    ("FC6: 4096 neurons", "4096", "classifier.fc6"),
    ("FC7: 4096 neurons", "4096", "classifier.fc7"),
    ("FC8: 1000 neurons (class scores)", "1000", "classifier.fc8"),
)
_NORM_ORDER = (
    "The paper normalises before it pools (section 3.5: the max-pooling layers follow the "
    "response-normalization layers), so NORM{n} sees the {hw} map; the notes pool first, as the Caffe "
    "reference model (CaffeNet) does. Either order gives the same volume after both layers."
)

# The lecture's VGG16 table: (label, memory as stated, weights as stated); our conv/pool/fc rows in order.
VGG16_TABLE = (
    ("INPUT: [224x224x3]", "150K", "0"),
    ("CONV3-64: [224x224x64]", "3.2M", "1,728"),
    ("CONV3-64: [224x224x64]", "3.2M", "36,864"),
    ("POOL2: [112x112x64]", "800K", "0"),
    ("CONV3-128: [112x112x128]", "1.6M", "73,728"),
    ("CONV3-128: [112x112x128]", "1.6M", "147,456"),
    ("POOL2: [56x56x128]", "400K", "0"),
    ("CONV3-256: [56x56x256]", "800K", "294,912"),
    ("CONV3-256: [56x56x256]", "800K", "589,824"),
    ("CONV3-256: [56x56x256]", "800K", "589,824"),
    ("POOL2: [28x28x256]", "200K", "0"),
    ("CONV3-512: [28x28x512]", "400K", "1,179,648"),
    ("CONV3-512: [28x28x512]", "400K", "2,359,296"),
    ("CONV3-512: [28x28x512]", "400K", "2,359,296"),
    ("POOL2: [14x14x512]", "100K", "0"),
    ("CONV3-512: [14x14x512]", "100K", "2,359,296"),
    ("CONV3-512: [14x14x512]", "100K", "2,359,296"),
    ("CONV3-512: [14x14x512]", "100K", "2,359,296"),
    ("POOL2: [7x7x512]", "25K", "0"),
    ("FC: [1x1x4096]", "4096", "102,760,448"),
    ("FC: [1x1x4096]", "4096", "16,777,216"),
    ("FC: [1x1x1000]", "1000", "4,096,000"),
)


def _lecture_rows(led: Ledger, kinds: tuple[str, ...] = ("Conv2d", "MaxPool2d", "Linear")) -> list:
    return [r for r in led.leaves() if r.type in kinds]


def alexnet_claims() -> list[Claim]:
    led = _ledger("alexnet")
    conv1 = next(r for r in led.rows if r.name == "features.conv1")
    claims = []
    for label, stated, layer in ALEXNET_TABLE:
        note = ""
        if label.startswith("NORM"):
            n = label[4]
            hw = "x".join(map(str, next(r for r in led.rows if r.name == layer).output_shape[1:]))
            note = _NORM_ORDER.format(n=n, hw=hw)
        claims.append(_shape_claim(f"alexnet.{layer.split('.')[-1]}.output", "alexnet", label, stated, led, layer, note))
    claims += [
        _computed(
            "alexnet.conv1.params", "alexnet", "CONV1 parameters: (11*11*3)*96 = 35k", "35k", conv1.weights,
            "ledger('alexnet'): features.conv1 weights",
            f"Exactly 34,848 weights; with the 96 biases, {conv1.params:,} parameters.",
        ),
        _computed("alexnet.pool1.params", "alexnet", "MAXPOOL1 parameters: 0", "0",
                  next(r for r in led.rows if r.name == "features.pool1").params,
                  "ledger('alexnet'): features.pool1 parameters"),
    ]
    from cnnviz import models

    info = models.info("alexnet")
    claims += [
        _paper("alexnet.error", "alexnet", "AlexNet: Error: 16.4% (2012)", "16.4%", 16.4,
               100 * info.reported_error, f"{100 * info.reported_error:.1f}%",
               "krizhevsky2012imagenet, Table 2 (ILSVRC-2012 test, top-5)",
               "Top-5 error of the average of five CNNs; one CNN alone had 18.2% on the validation set."),
        _paper("alexnet.ensemble", "alexnet", "7 CNN Ensemble: 18.2% → 15.4%", "15.4%", 15.4, 15.4, "15.4%",
               "krizhevsky2012imagenet, Table 2 (validation top-5; 15.3% on the test set)",
               "Seven CNNs, two of them pre-trained on the ImageNet Fall 2011 release; 18.2% is one CNN."),
        *[
            _paper(f"alexnet.training.{key}", "alexnet", f"{label}", text, value, value, text,
                   "krizhevsky2012imagenet, section 5 (details of learning) and 4.2 (dropout)")
            for key, label, text, value in (
                ("batch", "Batch size 128", "128", 128), ("momentum", "SGD Momentum 0.9", "0.9", 0.9),
                ("lr", "LR: 1e-2, reduced by 10 when val accuracy plateaus", "0.01", 0.01),
                ("weight_decay", "L2 weight decay 5e-4", "0.0005", 0.0005), ("dropout", "Dropout 0.5", "0.5", 0.5),
            )
        ],
        _computed("alexnet.depth", "alexnet", "AlexNet has 8 weight layers (5 conv + 3 FC)", "8",
                  weight_layer_depth("alexnet"), "weight_layer_depth('alexnet')"),
    ]
    return claims


def zfnet_claims() -> list[Claim]:
    from cnnviz import models

    info = models.info("zfnet")
    return [
        _paper("zfnet.error", "zfnet", "ZFNet: Error: 11.7 (2013)", "11.7%", 11.7, 100 * info.reported_error,
               f"{100 * info.reported_error:.1f}%", "russakovsky2015imagenet (ILSVRC-2013 classification results: Clarifai)",
               "11.7% is the ILSVRC-2013 winning entry (Clarifai, Zeiler's ensemble). The ZFNet paper's own best "
               "(zeiler2014visualizing, Table 2) is 14.8% top-5 test error for an ensemble of 6 networks."),
    ]


def vgg_claims() -> list[Claim]:
    from torch import nn

    from cnnviz import models
    from cnnviz.analysis.receptive_field import receptive_field

    led = _ledger("vgg16")
    rows = _lecture_rows(led)
    c, h, w = led.input_size
    stack = ops.stack_vs_large(C=1, k_small=3, n=3)
    three = nn.Sequential(*[nn.Conv2d(1, 1, 3, padding=1) for _ in range(3)])
    rf = receptive_field(three, input_size=(1, 32, 32)).output.rf
    claims = [
        _paper("vgg.error", "vgg", "VGGNet: Errors: 7.3% (2014)", "7.3%", 7.3, 100 * models.info("vgg16").reported_error,
               f"{100 * models.info('vgg16').reported_error:.1f}%",
               "simonyan2015very, Table 7 (ILSVRC-2014 submission, 7 nets, top-5 test)",
               "After the challenge, an ensemble of two networks reached 6.8%."),
        _computed("vgg.three_3x3_rf", "vgg", "Stack of three 3×3 (stride 1) conv layers has the receptive field of "
                  "one 7×7 conv layer", "7", rf, "receptive_field() of three stacked 3×3 convolutions",
                  "The theoretical receptive field; the effective receptive field (Luo et al. 2016) is smaller "
                  "and Gaussian-shaped."),
        _computed("vgg.params_stack", "vgg", "3 × (3 × 3 × C × C) = 27C²", "27", stack.params_stack,
                  "ops.stack_vs_large(C=1, n=3).params_stack"),
        _computed("vgg.params_large", "vgg", "7 × 7 × C × C = 49C²", "49", stack.params_large,
                  "ops.stack_vs_large(C=1, n=3).params_large"),
        _computed("vgg16.input.memory", "vgg", "INPUT: [224x224x3] memory: 224*224*3=150K", "150K", c * h * w,
                  "input size of vgg16"),
    ]
    for index, ((label, memory, weights), row) in enumerate(zip(VGG16_TABLE[1:], rows, strict=True), start=1):
        claims.append(_computed(f"vgg16.row{index}.memory", "vgg", f"{label} memory: {memory}", memory,
                                row.activations, f"ledger('vgg16'): {row.name} output elements"))
        claims.append(_computed(f"vgg16.row{index}.params", "vgg", f"{label} params: {weights}", weights,
                                row.weights, f"ledger('vgg16'): {row.name} weights (not counting biases)"))
    lecture = memory_from_ledger(led, lecture_convention=True)
    full = memory_from_ledger(led)
    table_total = lecture.input_elements + lecture.forward_activations  # the table lists the input too
    total_mb = table_total * 4 / 1e6
    claims += [
        _computed("vgg16.total_memory", "vgg", "TOTAL memory: 24M", "24M", table_total,
                  "memory_report('vgg16', lecture_convention=True): input + conv/pool/fc outputs",
                  f"The table's own rows sum to {table_total / 1e6:.1f}M values. Counting every layer output "
                  f"separately (ReLU and dropout too) gives {(lecture.input_elements + full.forward_activations) / 1e6:.1f}M; "
                  "neither is 24M."),
        _computed("vgg16.total_memory_mb", "vgg", "24M * 4 bytes ~ 96MB / image (only forward!)", "96M",
                  table_total * 4, "forward activations × 4 bytes (float32)",
                  f"{total_mb:.0f} MB per image for the table's rows; the figure follows from the 24M above.",
                  actual_text=f"{total_mb:.1f} MB"),
        _computed("vgg16.total_params", "vgg", "TOTAL params: 138M parameters", "138M", _total_params("vgg16"),
                  "ledger('vgg16').total_params (weights and biases)"),
        _computed("vgg16.depth", "vgg", "VGG16: 16 weight layers", "16", weight_layer_depth("vgg16"),
                  "weight_layer_depth('vgg16')"),
        _computed("vgg19.depth", "vgg", "VGG19: 19 weight layers", "19", weight_layer_depth("vgg19"),
                  "weight_layer_depth('vgg19')"),
    ]
    return claims


# The lecture's Inception example: 28x28x256 input; branches 1x1 128, 3x3 192, 5x5 96 (+ 3x3 pool);
# the reduced module puts 64-filter 1x1 convolutions before the 3x3 and 5x5 and after the pool.
INCEPTION_EXAMPLE = {"in_hw": 28, "in_channels": 256, "c1x1": 128, "c3x3": 192, "c5x5": 96}


def googlenet_claims() -> list[Claim]:
    from cnnviz import models

    naive = ops.inception_naive_cost(**INCEPTION_EXAMPLE)
    reduced = ops.inception_reduced_cost(**INCEPTION_EXAMPLE, reduce3x3=64, reduce5x5=64, pool_proj=64)
    googlenet_params = _total_params("googlenet")
    alexnet_params = _total_params("alexnet")
    n_linear = sum(1 for r in _ledger("googlenet").leaves() if r.type == "Linear")
    info = models.info("googlenet")
    return [
        _computed("googlenet.naive.depth", "googlenet", "Naive module output: 28 × 28 × (128 + 192 + 96 + 256) = "
                  "28 × 28 × 672", "672", naive.output_depth, "ops.inception_naive_cost(...).output_depth"),
        _computed("googlenet.naive.ops", "googlenet", "Naive module conv ops: Total: 854M ops", "854M", naive.macs,
                  "ops.inception_naive_cost(...).macs (multiply-adds)"),
        _computed("googlenet.reduced.ops", "googlenet", "Module with dimension reduction: Total: 358M ops", "358M",
                  reduced.macs, "ops.inception_reduced_cost(..., 64, 64, 64).macs (multiply-adds)",
                  "The six terms the notes list sum to 271,351,808 ≈ 271M multiply-adds; the stated total does "
                  "not follow from its own terms. The saving over the naive module is "
                  f"{naive.macs / reduced.macs:.1f}×, not 854/358 = 2.4×."),
        _computed("googlenet.depth", "googlenet", "22 layers", "22", weight_layer_depth("googlenet"),
                  "weight_layer_depth('googlenet'): conv and FC layers on the longest path",
                  "Counting pooling layers too gives 27, as the paper notes."),
        _computed("googlenet.fc_layers", "googlenet", "No FC layers", "0", n_linear,
                  "ledger('googlenet'): Linear layers",
                  "One FC layer remains: the 1000-way classifier after global average pooling. What GoogLeNet "
                  "drops are AlexNet's and VGG's large FC hidden layers."),
        _ratio("googlenet.vs_alexnet", "googlenet", "12x less params than AlexNet", 12, 1,
               alexnet_params / googlenet_params,
               f"ledger: alexnet {alexnet_params:,} / googlenet {googlenet_params:,} parameters",
               "The GoogLeNet paper states 12× too; counted, it is about 9× (the exact ratio depends on the "
               "AlexNet variant: torchvision's single-tower AlexNet has 61.1M)."),
        _paper("googlenet.error", "googlenet", "6.7% error", "6.7%", 6.7, 100 * info.reported_error,
               f"{100 * info.reported_error:.2f}%", "szegedy2015going, Table 2 (ILSVRC-2014 test, top-5)",
               "7 networks, 144 crops per image."),
    ]


def _worst_ratio(ratios: list[float], expected: float) -> float:
    """The ratio furthest from ``expected``: a "doubles every stage" claim holds only if every step does."""
    return max(ratios, key=lambda r: abs(r - expected))


def resnet_claims() -> list[Claim]:
    from cnnviz import models

    info = models.info("resnet152")
    n_linear = sum(1 for r in _ledger("resnet152").leaves() if r.type == "Linear")
    r34 = _ledger("resnet34")
    convs = sum(1 for r in r34.leaves() if r.type == "Conv2d")
    norms = sum(1 for r in r34.leaves() if r.type == "BatchNorm2d")
    block_3x3 = sum(1 for r in r34.leaves() if r.name.startswith("layer1.0.") and r.kernel == (3, 3))
    stages = [next(r for r in r34.rows if r.name == f"layer{i}") for i in range(1, 5)]
    widths = [s.output_shape[0] for s in stages]
    sizes = [s.output_shape[1] for s in stages]
    width_ratios = [b / a for a, b in itertools.pairwise(widths)]  # "double": every ratio must be 2
    size_ratios = [a / b for a, b in itertools.pairwise(sizes)]
    stem_convs = sum(1 for r in r34.leaves() if r.type == "Conv2d" and not r.name.startswith("layer"))
    claims = [
        _computed("resnet.depth152", "resnet", "152 layers model", "152", weight_layer_depth("resnet152"),
                  "weight_layer_depth('resnet152')"),
        _paper("resnet.error", "resnet", "3.57% error", "3.57%", 3.57, 100 * info.reported_error,
               f"{100 * info.reported_error:.2f}%", "he2016deep, Table 5 (ensemble, ILSVRC-2015 test top-5)"),
        *[
            _computed(f"resnet.depth{d}", "resnet", f"Total depths: 34, 50, 152 — ResNet-{d}", str(d),
                      weight_layer_depth(f"resnet{d}"), f"weight_layer_depth('resnet{d}')")
            for d in (34, 50)
        ],
        _computed("resnet.block_convs", "resnet", "Every residual block has two 3×3 conv layers (ResNet-34)", "2",
                  block_3x3, "ledger('resnet34'): 3×3 convolutions in layer1.0",
                  "For ResNet-50 and deeper the block is a bottleneck: 1×1, 3×3, 1×1."),
        _computed("resnet.double_filters", "resnet", "Periodically, double no. of filters", "2",
                  _worst_ratio(width_ratios, 2),
                  f"ledger('resnet34'): stage widths {', '.join(map(str, widths))}"),
        _computed("resnet.stride2", "resnet", "Downsample spatially using stride 2", "2", _worst_ratio(size_ratios, 2),
                  f"ledger('resnet34'): stage outputs {', '.join(f'{h}×{h}' for h in sizes)}"),
        _computed("resnet.stem", "resnet", "Additional conv layer at the beginning", "1", stem_convs,
                  "ledger('resnet34'): convolutions before the first stage",
                  "A 7×7 convolution with stride 2, followed by a 3×3 max pool with stride 2."),
        _computed("resnet.fc_layers", "resnet", "No FC", "0", n_linear, "ledger('resnet152'): Linear layers",
                  "One FC layer remains, the 1000-way classifier after global average pooling; there are no "
                  "FC hidden layers."),
        _computed("resnet.bn_after_conv", "resnet", "Batch Norm after every CONV layer (ResNet-34: one BN per conv)",
                  str(convs), norms, "ledger('resnet34'): Conv2d and BatchNorm2d layers"),
        _paper("resnet.init", "resnet", "Xavier initialization", "Xavier", 0, 1, "He (MSRA) initialization",
               "he2016deep, section 3.4, citing he2015delving",
               "The paper initialises the weights as in He et al. 2015, not Xavier (Glorot & Bengio 2010)."),
        _paper("resnet.momentum", "resnet", "SGD + momentum (0.9)", "0.9", 0.9, 0.9, "0.9", "he2016deep, section 3.4"),
        _paper("resnet.lr", "resnet", "LR: 0.1, / by 10 when validation error plateaus", "0.1", 0.1, 0.1, "0.1",
               "he2016deep, section 3.4"),
        _paper("resnet.batch", "resnet", "Batch: 256", "256", 256, 256, "256", "he2016deep, section 3.4"),
        _paper("resnet.weight_decay", "resnet", "Weight decay 1e-5", "1e-5", 1e-5, 1e-4, "0.0001 (1e-4)",
               "he2016deep, section 3.4", "The paper uses a weight decay of 0.0001, ten times the notes' figure."),
        _paper("resnet.dropout", "resnet", "No dropout", "0", 0, 0, "no dropout", "he2016deep, section 3.4"),
    ]
    return claims


def wide_resnet_claims() -> list[Claim]:
    wrn, r152 = _total_params("wide_resnet50_2"), _total_params("resnet152")
    return [
        _paper("wrn.outperforms", "wide_resnet", "50 layer wide ResNet outperforms 152 layers original ResNet "
               "(ImageNet top-1 error)", "< 22.16%", 21.9, 21.9, "21.9% vs 22.16%",
               "zagoruyko2016wide (ImageNet results, single crop)",
               f"WRN-50-2-bottleneck has {weight_layer_depth('wide_resnet50_2')} weight layers and {wrn:,} "
               f"parameters; ResNet-152 has {weight_layer_depth('resnet152')} and {r152:,}: fewer layers, more "
               "parameters, and faster to train."),
    ]


def squeezenet_claims() -> list[Claim]:
    alexnet, squeeze = _total_params("alexnet"), _total_params("squeezenet1_0")
    return [
        _ratio("squeezenet.fewer_params", "squeezenet", "AlexNet accuracy with 50× fewer params", 50, 10,
               alexnet / squeeze, f"ledger: alexnet {alexnet:,} / squeezenet1_0 {squeeze:,} parameters"),
        _ratio("squeezenet.smaller", "squeezenet", "500× smaller than AlexNet", 500, 100, alexnet / squeeze,
               "model size in float32: parameters × 4 bytes",
               f"Uncompressed, SqueezeNet is {alexnet / squeeze:.0f}× smaller ({squeeze * 4 / 1e6:.1f} MB against "
               f"{alexnet * 4 / 1e6:.0f} MB). The paper's 510× (0.47 MB) needs Deep Compression (han2016deep): "
               "pruning and 6-bit quantisation on top of the architecture."),
    ]


CHAPTERS: dict[str, Callable[[], list[Claim]]] = {
    "alexnet": alexnet_claims,
    "zfnet": zfnet_claims,
    "vgg": vgg_claims,
    "googlenet": googlenet_claims,
    "resnet": resnet_claims,
    "wide_resnet": wide_resnet_claims,
    "squeezenet": squeezenet_claims,
}


def for_chapter(chapter: str) -> tuple[Claim, ...]:
    """The claims one chapter shows."""
    try:
        return tuple(CHAPTERS[chapter]())
    except KeyError:
        raise KeyError(f"claims: unknown chapter {chapter!r}; chapters: {', '.join(CHAPTERS)}") from None


def check_all() -> tuple[Claim, ...]:
    """Every claim of the notes, chapter by chapter."""
    return tuple(claim for chapter in CHAPTERS for claim in for_chapter(chapter))
