"""SqueezeNet counted: Fire modules, the paper's design space, model size at a given precision, and the
numbers behind its three design strategies.

Model size is parameters × bits / 8 bytes: the dense weights stored at one precision, nothing else (no
file header, no sparse indices). That is what an architecture alone can give; the paper's "<0.5MB" needs
Deep Compression on top (pruning, then quantisation and Huffman coding), a result only the paper can
report, so it lives in :data:`DEEP_COMPRESSION` with its source.

Megabytes are decimal (10⁶ bytes) throughout the book. The paper's Table 2 writes 4.8MB for SqueezeNet
and 240MB for AlexNet; 1,248,424 × 4 bytes is 4.99 × 10⁶ bytes, 4.76 MiB, so its "MB" for SqueezeNet is
a binary megabyte. The ratios do not depend on the unit.

What the design space buys is the paper's to report: :data:`DESIGN_ACCURACY` holds the ImageNet top-5
accuracy of every network of its Figure 3 (the squeeze ratio SR swept in Fig. 3a, the share of 3×3 filters
in Fig. 3b), each marked as printed on the figure or read off its plot (:data:`READ_OFF_PRECISION`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from cnnviz.analysis import ops
from cnnviz.analysis.ledger import Ledger, ledger
from cnnviz.models.squeezenet import (
    CONFIGS,
    POOL,
    SQUEEZENET_DESIGN,
    DesignSpace,
    FireSpec,
    SqueezeNet,
    design_fire_specs,
)
from cnnviz.validate import one_of, positive_int

__all__ = [
    "PRECISIONS", "DEEP_COMPRESSION", "ReportedSize", "FireCost", "NetworkCost", "fire_cost", "model_bytes",
    "design_cost", "fire_positions", "expand_all_3x3_params", "no_squeeze_3x3_params", "DESIGN_ACCURACY",
    "DesignAccuracy", "READ_OFF_PRECISION", "TEXT_3B_PLATEAU", "design_accuracy", "early_pools_network",
]  # fmt: skip

PRECISIONS = (32, 8, 6)  # bits per weight: float32, and the two Deep Compression settings of Table 2


@dataclass(frozen=True)
class ReportedSize:
    """A model size a paper reports, with where it comes from."""

    model: str  # registry name
    bits: str  # as the paper writes it: "32", "5-8", "6"
    compression: str  # "none", "Deep Compression"
    size_mb: float  # as reported
    ratio: float  # the paper's "reduction in model size vs. AlexNet"
    top1_accuracy: float  # ImageNet, as the table reports it (fractions)
    top5_accuracy: float
    source: str


# Iandola et al. (2016), Table 2: "Comparing SqueezeNet to model compression approaches".
_TABLE2 = "iandola2016squeezenet, Table 2"
DEEP_COMPRESSION: tuple[ReportedSize, ...] = (
    ReportedSize("alexnet", "32", "none", 240, 1, 0.572, 0.803, _TABLE2),
    ReportedSize(
        "alexnet", "5-8", "Deep Compression", 6.9, 35, 0.572, 0.803, _TABLE2 + " (from han2016deep)"
    ),
    ReportedSize("squeezenet1_0", "32", "none", 4.8, 50, 0.575, 0.803, _TABLE2),
    ReportedSize("squeezenet1_0", "8", "Deep Compression", 0.66, 363, 0.575, 0.803, _TABLE2),
    ReportedSize("squeezenet1_0", "6", "Deep Compression", 0.47, 510, 0.575, 0.803, _TABLE2),
)


@dataclass(frozen=True)
class DesignAccuracy:
    """One network of the paper's design-space exploration (its Figure 3), with the accuracy it reports.

    ``top5`` is ImageNet-1k top-5 accuracy in percent, the only accuracy the figure plots (no top-1).
    ``printed`` is True where the figure prints the value as a label beside its point (exact, as the
    paper gives it); False where it is read off the plot, to :data:`READ_OFF_PRECISION`. ``size_mb`` is
    the figure's x-axis label, "MB of weights in model" (binary megabytes, as Table 2's 4.8MB).
    """

    panel: str  # "3a" (SR swept, pct3x3 = 50%) or "3b" (pct3x3 swept, SR = 0.5)
    squeeze_ratio: float
    pct3x3: float  # a fraction, as DesignSpace.pct3x3
    top5: float  # %
    printed: bool
    size_mb: float

    @property
    def source(self) -> str:
        how = (
            "label printed on the figure"
            if self.printed
            else f"read off the plot, ±{READ_OFF_PRECISION:g} points"
        )
        return f"iandola2016squeezenet, Fig. {self.panel} ({how})"


# Iandola et al. (2016), Figure 3 ("Microarchitectural design space exploration"), ImageNet-1k top-5 accuracy.
# Sec. 5.2: "base_e = 128, incr_e = 128, pct3x3 = 0.5, and freq = 2", SR in [0.125, 1.0] (Fig. 3a); Sec. 5.3:
# "base_e = incr_e = 128, freq = 2, SR = 0.500, and we vary pct3x3 from 1% to 99%" (Fig. 3b). Each point is
# "an independent model that was trained from scratch". Printed labels: 80.3% (SqueezeNet, 4.8 MB), 85.3%
# (13 MB) and 86.0% (19 MB) in 3a; 76.3% (5.7 MB), 85.3% (13 MB) and 85.3% (21 MB) in 3b. The other points
# are read off the plot: marker centres against the axis (0 to 100%, about 2.1 px per point in the paper's
# figure), a reading that gives the printed labels back within 0.2 points. The text agrees with the labels
# ("from 80.3% ... with a 4.8MB model to 86.0% with a 19MB model. Accuracy plateaus at 86.0% with SR=0.75"),
# except that it says Fig. 3b "plateaus at 85.6% using 50% 3x3 filters" where the figure labels that point
# (the same network as 3a's SR = 0.5, "the 13MB models ... are the same architecture") 85.3%.
# What the text says of Fig. 3b's 50% point ("plateaus at 85.6% using 50% 3x3 filters"), where the figure
# prints 85.3%: (SR, pct3x3, top-5 in %).
TEXT_3B_PLATEAU = (0.5, 0.5, 85.6)
READ_OFF_PRECISION = 0.5  # percentage points: the reading precision claimed for an unlabelled point
_READ, _PRINTED = False, True
DESIGN_ACCURACY: tuple[DesignAccuracy, ...] = (
    DesignAccuracy("3a", 0.125, 0.5, 80.3, _PRINTED, 4.8),
    DesignAccuracy("3a", 0.25, 0.5, 83.4, _READ, 7.6),
    DesignAccuracy("3a", 0.5, 0.5, 85.3, _PRINTED, 13),
    DesignAccuracy("3a", 0.75, 0.5, 86.0, _PRINTED, 19),
    DesignAccuracy("3a", 1.0, 0.5, 86.0, _READ, 24),
    DesignAccuracy("3b", 0.5, 0.01, 76.3, _PRINTED, 5.7),
    DesignAccuracy("3b", 0.5, 0.125, 80.8, _READ, 7.4),
    DesignAccuracy("3b", 0.5, 0.25, 84.1, _READ, 9.3),
    DesignAccuracy("3b", 0.5, 0.375, 84.7, _READ, 11),
    DesignAccuracy("3b", 0.5, 0.5, 85.3, _PRINTED, 13),
    DesignAccuracy("3b", 0.5, 0.625, 85.7, _READ, 15),
    DesignAccuracy("3b", 0.5, 0.75, 85.5, _READ, 17),
    DesignAccuracy("3b", 0.5, 0.875, 85.6, _READ, 19),
    DesignAccuracy("3b", 0.5, 0.99, 85.3, _PRINTED, 21),
)


def design_accuracy(squeeze_ratio: float, pct3x3: float) -> tuple[DesignAccuracy, ...]:
    """The paper's Figure 3 points at this setting (``pct3x3`` a fraction): none where the paper trained no
    network there (it is never interpolated), one, or two for SR = 0.5 at 50% (the same network in 3a and 3b)."""
    return tuple(p for p in DESIGN_ACCURACY if (p.squeeze_ratio, p.pct3x3) == (squeeze_ratio, pct3x3))


def model_bytes(params: int, bits: int) -> int:
    """Bytes of ``params`` dense weights at ``bits`` per weight, rounded up to whole bytes."""
    positive_int("model_bytes", "params", params)
    positive_int("model_bytes", "bits", bits)
    return -(-params * bits // 8)


@dataclass(frozen=True)
class FireCost:
    """One Fire module on ``hw``×``hw`` maps, counted as the ledger counts the zoo's ``Fire`` (biases included)."""

    spec: FireSpec
    in_channels: int
    hw: int
    squeeze: ops.ConvCost
    expand1x1: ops.ConvCost
    expand3x3: ops.ConvCost

    @property
    def params(self) -> int:
        return self.squeeze.params + self.expand1x1.params + self.expand3x3.params

    @property
    def macs(self) -> int:
        return self.squeeze.macs + self.expand1x1.macs + self.expand3x3.macs


def fire_cost(in_channels: int, hw: int, spec: FireSpec) -> FireCost:
    """Parameters and multiply-adds of a Fire module: squeeze 1×1 (s), expand 1×1 (e1) and 3×3 (e3)."""
    positive_int("fire_cost", "in_channels", in_channels)
    positive_int("fire_cost", "hw", hw)
    return FireCost(
        spec, in_channels, hw,
        ops.conv_cost(hw, in_channels, spec.s1x1, 1, bias=True),
        ops.conv_cost(hw, spec.s1x1, spec.e1x1, 1, bias=True),
        ops.conv_cost(hw, spec.s1x1, spec.e3x3, 3, bias=True),
    )  # fmt: skip


@functools.cache
def _ledger(version: str) -> Ledger:
    return ledger(f"squeezenet{version}")


def fire_positions(version: str = "1_0") -> tuple[tuple[str, int, int], ...]:
    """(name, input channels, map side) of each Fire module of SqueezeNet ``version`` at 224×224, from its ledger."""
    one_of("fire_positions", "version", version, CONFIGS)
    led = _ledger(version)
    squeezes = [r for r in led.rows if r.name.endswith(".squeeze")]
    specs = [layer for layer in CONFIGS[version]["layers"] if layer != POOL]  # type: ignore[attr-defined]
    return tuple(
        (spec.name, r.input_shape[0], r.input_shape[1]) for spec, r in zip(specs, squeezes, strict=True)
    )


@dataclass(frozen=True)
class NetworkCost:
    """A SqueezeNet at one point of the design space: parameters, multiply-adds and Fire modules."""

    version: str
    design: DesignSpace
    fires: tuple[FireCost, ...]
    params: int
    macs: int

    def size_bytes(self, bits: int) -> int:
        return model_bytes(self.params, bits)


def design_cost(
    squeeze_ratio: float = SQUEEZENET_DESIGN.squeeze_ratio, pct3x3: float = SQUEEZENET_DESIGN.pct3x3,
    version: str = "1_0",
) -> NetworkCost:  # fmt: skip
    """SqueezeNet ``version`` with its Fire modules set by SR and pct3x3 (:func:`design_fire_specs`), counted
    with :mod:`cnnviz.analysis.ops`. conv1 and conv10 do not depend on the design: their counts are read
    from the ledger of the zoo's network, and so are the map sizes the Fire modules run at."""
    one_of("design_cost", "version", version, CONFIGS)
    design = replace(SQUEEZENET_DESIGN, squeeze_ratio=squeeze_ratio, pct3x3=pct3x3)
    positions = fire_positions(version)
    specs = design_fire_specs(design, [name for name, _, _ in positions])
    channels = positions[0][1]  # conv1's filters
    fires = []
    for spec, (_, _, hw) in zip(specs, positions, strict=True):
        fires.append(fire_cost(channels, hw, spec))
        channels = spec.out_channels
    rows = {r.name: r for r in _ledger(version).leaves()}
    conv1, conv10 = rows["features.0"], rows["classifier.1"]
    return NetworkCost(
        version, design, tuple(fires),
        params=conv1.params + conv10.params + sum(f.params for f in fires),
        macs=conv1.macs + conv10.macs + sum(f.macs for f in fires),
    )  # fmt: skip


# --- the paper's three design strategies, each as a counterfactual on the network ----------------


def expand_all_3x3_params(version: str = "1_0") -> int:
    """Strategy 1 (replace 3×3 filters with 1×1): the Fire modules' parameters if every expand filter
    were 3×3 (same e1x1 + e3x3 filters), against :func:`design_cost`'s Fire parameters."""
    net = design_cost(version=version)
    return sum(
        f.squeeze.params + ops.conv_cost(f.hw, f.spec.s1x1, f.spec.out_channels, 3, bias=True).params
        for f in net.fires
    )


def no_squeeze_3x3_params(version: str = "1_0") -> tuple[int, int]:
    """Strategy 2 (fewer input channels to the 3×3 filters): (the 3×3 filters' weights as built, fed by the
    squeeze layer; the same filters fed by the Fire module's whole input)."""
    net = design_cost(version=version)
    squeezed = sum(f.expand3x3.weights for f in net.fires)
    unsqueezed = sum(f.in_channels * 9 * f.spec.e3x3 for f in net.fires)
    return squeezed, unsqueezed


def early_pools_network(num_classes: int = 1000) -> SqueezeNet:
    """Strategy 3 (downsample late) undone on SqueezeNet 1.0 alone: its conv1, Fire modules and conv10, with
    its max pools where SqueezeNet 1.1 has them (after conv1, fire3 and fire5 instead of conv1, fire4 and
    fire8). SqueezeNet 1.1 also changes conv1 (64 3×3 filters for 96 7×7), so 1.0 against 1.1 mixes two
    changes; this network changes only where the pools are. Built from the zoo's :class:`SqueezeNet`; the
    same parameters as 1.0."""
    positive_int("early_pools_network", "num_classes", num_classes)
    late, early = CONFIGS["1_0"], CONFIGS["1_1"]
    fires = [layer for layer in late["layers"] if layer != POOL]  # type: ignore[attr-defined]
    if fires != [layer for layer in early["layers"] if layer != POOL]:  # type: ignore[attr-defined]
        raise AssertionError("SqueezeNet 1.0 and 1.1 share Table 1's Fire modules: only the pools move")
    return SqueezeNet("squeezenet1_0_early_pools", late["conv1"], early["layers"], num_classes, 3, 0.5)  # type: ignore[arg-type]
