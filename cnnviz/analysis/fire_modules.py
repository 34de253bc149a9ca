"""SqueezeNet counted: Fire modules, the paper's design space, model size at a given precision, and the
numbers behind its three design strategies.

Model size is parameters × bits / 8 bytes: the dense weights stored at one precision, nothing else (no
file header, no sparse indices). That is what an architecture alone can give; the paper's "<0.5MB" needs
Deep Compression on top (pruning, then quantisation and Huffman coding), a result only the paper can
report, so it lives in :data:`DEEP_COMPRESSION` with its source.

Megabytes are decimal (10⁶ bytes) throughout the book. The paper's Table 2 writes 4.8MB for SqueezeNet
and 240MB for AlexNet; 1,248,424 × 4 bytes is 4.99 × 10⁶ bytes, 4.76 MiB, so its "MB" for SqueezeNet is
a binary megabyte. The ratios do not depend on the unit.
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
    design_fire_specs,
)
from cnnviz.validate import one_of, positive_int

__all__ = [
    "PRECISIONS", "DEEP_COMPRESSION", "ReportedSize", "FireCost", "NetworkCost", "fire_cost", "model_bytes",
    "design_cost", "fire_positions", "expand_all_3x3_params", "no_squeeze_3x3_params",
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
    ReportedSize("alexnet", "5-8", "Deep Compression", 6.9, 35, 0.572, 0.803, _TABLE2 + " (from han2016deep)"),
    ReportedSize("squeezenet1_0", "32", "none", 4.8, 50, 0.575, 0.803, _TABLE2),
    ReportedSize("squeezenet1_0", "8", "Deep Compression", 0.66, 363, 0.575, 0.803, _TABLE2),
    ReportedSize("squeezenet1_0", "6", "Deep Compression", 0.47, 510, 0.575, 0.803, _TABLE2),
)


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
    return tuple((spec.name, r.input_shape[0], r.input_shape[1]) for spec, r in zip(specs, squeezes, strict=True))


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
    return sum(f.squeeze.params + ops.conv_cost(f.hw, f.spec.s1x1, f.spec.out_channels, 3, bias=True).params
               for f in net.fires)


def no_squeeze_3x3_params(version: str = "1_0") -> tuple[int, int]:
    """Strategy 2 (fewer input channels to the 3×3 filters): (the 3×3 filters' weights as built, fed by the
    squeeze layer; the same filters fed by the Fire module's whole input)."""
    net = design_cost(version=version)
    squeezed = sum(f.expand3x3.weights for f in net.fires)
    unsqueezed = sum(f.in_channels * 9 * f.spec.e3x3 for f in net.fires)
    return squeezed, unsqueezed
