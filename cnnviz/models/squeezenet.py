"""SqueezeNet: Iandola, Han, Moskewicz, Ashraf, Dally, Keutzer, "SqueezeNet: AlexNet-level accuracy with
50x fewer parameters and <0.5MB model size" (2016).

The Fire module squeezes its input with ``s1x1`` 1×1 filters and expands the result with ``e1x1`` 1×1
and ``e3x3`` 3×3 filters side by side (concatenated: ``e1x1 + e3x3`` output channels). Keeping
``s1x1 < e1x1 + e3x3`` limits the channels the 3×3 filters see; using 1×1 filters for half the
expand layer cuts their cost 9×. There is no fully connected layer: ``conv10`` (1×1, one map per class)
is followed by global average pooling.

* ``squeezenet1_0``: the paper's Table 1 (conv1 96 7×7/2, fire2..fire9, conv10), 1,248,424 parameters,
  identical to torchvision (module names too: ``features.3.squeeze``, ``classifier.1``). The paper's
  Table 1 lists a 224×224 input but its 111×111 conv1 output comes from the 227×227 input of the Caffe
  model; both sizes end in 13×13 before conv10. Max pools use ceil mode (Caffe's rounding), as torchvision.
* ``squeezenet1_1``: the authors' v1.1 from their GitHub release (not in the paper): 64 3×3/2 conv1,
  pools moved earlier; the authors announce "2.4× less computation" (the ledger's
  multiply-adds give a little less: see the SqueezeNet chapter); 1,235,496 parameters, identical to torchvision.
* ``squeezenet1_0_bypass``: the paper's "simple bypass" (Section 6, Figure 2 middle): an identity
  shortcut added around fire3, fire5, fire7, fire9, the Fire modules whose input and output channel
  counts agree. No parameters are added (1,248,424); the paper reports 60.4% top-1 / 82.5% top-5 for it
  against 57.5% / 80.3% for vanilla SqueezeNet.

* The design space of the paper's Section 5 (:class:`DesignSpace`): the squeeze ratio SR and the share
  of 3×3 filters ``pct3x3`` set every Fire module's filter counts; ``squeezenet(squeeze_ratio=...,
  pct3x3=...)`` builds any point of it (the paper's Figure 3 sweeps SR from 0.125 to 1 and pct3x3 from
  1% to 99%). SqueezeNet is the point SR = 0.125, pct3x3 = 0.5.

The lecture's claims, checked against the paper: "AlexNet accuracy with 50× fewer parameters" is the
uncompressed model (1.25M against AlexNet's 60M: 48×; the paper's Table 2 rounds to 50×, 4.8MB vs 240MB).
"500× smaller" is *with* Deep Compression (Han et al. 2016: pruning plus 6-bit quantisation):
0.47MB against 240MB, the paper's 510×; the architecture alone is ~50× smaller.

Initialisation as torchvision (the Caffe model used Xavier): Kaiming uniform for convolutions,
N(0, 0.01) for conv10, biases 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import torch
from torch import nn

from cnnviz.models.base import ConvNet
from cnnviz.models.registry import Paper, register, register_torchvision
from cnnviz.validate import boolean, integer, one_of, positive_int, probability

PAPER = Paper(
    title="SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and <0.5MB model size",
    authors=(
        "Forrest N. Iandola, Song Han, Matthew W. Moskewicz, Khalid Ashraf, William J. Dally, Kurt Keutzer"
    ),
    year=2016,
    arxiv="1602.07360",
    bibkey="iandola2016squeezenet",
)


# --- the architecture as data ---------------------------------------------------------------------

@dataclass(frozen=True)
class FireSpec:
    """One Fire module of the paper's Table 1: squeeze s1x1, expand e1x1 and e3x3 filter counts."""

    name: str  # the paper's name, "fire2"
    s1x1: int
    e1x1: int
    e3x3: int
    bypass: bool = False  # identity shortcut (the simple-bypass variant)

    @property
    def out_channels(self) -> int:
        return self.e1x1 + self.e3x3


POOL = "maxpool"  # a 3×3/2 max pool in the layer lists below

# Layer lists after conv1 (and its ReLU): Fire specs and pools, in order.
CONFIGS: dict[str, dict[str, object]] = {
    "1_0": dict(
        conv1=(96, 7),  # filters, kernel (stride 2)
        layers=(
            POOL,
            FireSpec("fire2", 16, 64, 64),
            FireSpec("fire3", 16, 64, 64),
            FireSpec("fire4", 32, 128, 128),
            POOL,
            FireSpec("fire5", 32, 128, 128),
            FireSpec("fire6", 48, 192, 192),
            FireSpec("fire7", 48, 192, 192),
            FireSpec("fire8", 64, 256, 256),
            POOL,
            FireSpec("fire9", 64, 256, 256),
        ),
    ),
    "1_1": dict(
        conv1=(64, 3),
        layers=(
            POOL,
            FireSpec("fire2", 16, 64, 64),
            FireSpec("fire3", 16, 64, 64),
            POOL,
            FireSpec("fire4", 32, 128, 128),
            FireSpec("fire5", 32, 128, 128),
            POOL,
            FireSpec("fire6", 48, 192, 192),
            FireSpec("fire7", 48, 192, 192),
            FireSpec("fire8", 64, 256, 256),
            FireSpec("fire9", 64, 256, 256),
        ),
    ),
}
SIMPLE_BYPASS = ("fire3", "fire5", "fire7", "fire9")  # in channels == out channels


# --- the paper's design space (Section 5) ---------------------------------------------------------

@dataclass(frozen=True)
class DesignSpace:
    """The metaparameters of the paper's Section 5.1: Fire module i (0 for fire2) has
    e_i = base_e + incr_e·⌊i / freq⌋ expand filters, of which e_i,3x3 = e_i·pct3x3 are 3×3, and
    s_i,1x1 = SR·e_i squeeze filters. SqueezeNet itself is base_e = 128, incr_e = 128, freq = 2,
    pct3x3 = 0.5, SR = 0.125 (Table 1's Fire modules, for 1.0 and 1.1 alike)."""

    base_e: int = 128
    incr_e: int = 128
    freq: int = 2
    pct3x3: float = 0.5
    squeeze_ratio: float = 0.125  # SR


SQUEEZENET_DESIGN = DesignSpace()
N_FIRE = 8  # fire2 .. fire9


def design_fire_specs(design: DesignSpace, names: Sequence[str] | None = None) -> tuple[FireSpec, ...]:
    """The Fire modules of ``design``. Filter counts that are not whole (1% of 128 3×3 filters) are rounded,
    keeping at least one filter of each kind; SR must lie in (0, 1] and pct3x3 in (0, 1)."""
    where = "squeezenet design space"
    positive_int(where, "base_e", design.base_e)
    integer(where, "incr_e", design.incr_e, minimum=0)
    positive_int(where, "freq", design.freq)
    probability(where, "squeeze_ratio", design.squeeze_ratio, allow_zero=False)
    probability(where, "pct3x3", design.pct3x3, allow_zero=False, allow_one=False)
    names = names or tuple(f"fire{i + 2}" for i in range(N_FIRE))
    specs = []
    for i, name in enumerate(names):
        e = design.base_e + design.incr_e * (i // design.freq)
        e3 = min(max(round(e * design.pct3x3), 1), e - 1)  # a Fire module keeps both expand kinds
        s = max(round(design.squeeze_ratio * e), 1)
        specs.append(FireSpec(name, s, e - e3, e3))
    return tuple(specs)


# --- blocks ---------------------------------------------------------------------------------------

class Fire(nn.Module):
    """Squeeze (1×1, s1x1) then expand with 1×1 (e1x1) and 3×3 (e3x3) filters, concatenated."""

    def __init__(self, in_channels: int, s1x1: int, e1x1: int, e3x3: int) -> None:
        super().__init__()
        self.squeeze = nn.Conv2d(in_channels, s1x1, kernel_size=1)
        self.squeeze_activation = nn.ReLU(inplace=False)
        self.expand1x1 = nn.Conv2d(s1x1, e1x1, kernel_size=1)
        self.expand1x1_activation = nn.ReLU(inplace=False)
        self.expand3x3 = nn.Conv2d(s1x1, e3x3, kernel_size=3, padding=1)
        self.expand3x3_activation = nn.ReLU(inplace=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = self.squeeze_activation(self.squeeze(x))  # (N, s1x1, H, W)
        return torch.cat(
            [self.expand1x1_activation(self.expand1x1(s)), self.expand3x3_activation(self.expand3x3(s))],
            dim=1,
        )  # (N, e1x1 + e3x3, H, W)


class BypassFire(Fire):
    """A Fire module with the paper's simple bypass: its input is added to its output."""

    def __init__(self, in_channels: int, s1x1: int, e1x1: int, e3x3: int) -> None:
        if in_channels != e1x1 + e3x3:
            raise ValueError(
                f"BypassFire: an identity bypass needs in_channels == e1x1 + e3x3, "
                f"got {in_channels} and {e1x1} + {e3x3}"
            )
        super().__init__(in_channels, s1x1, e1x1, e3x3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x) + x  # (N, e1x1 + e3x3, H, W)


# --- the network ----------------------------------------------------------------------------------

class SqueezeNet(ConvNet):
    """conv1, Fire modules with three max pools, then dropout, conv10, ReLU and global average pooling."""

    def __init__(
        self,
        name: str,
        conv1: tuple[int, int],
        layers: Sequence[FireSpec | str],
        num_classes: int,
        in_channels: int,
        dropout: float,
    ) -> None:
        super().__init__(name, in_channels)
        filters, kernel = conv1
        self.fire_specs = tuple(layer for layer in layers if isinstance(layer, FireSpec))
        modules: list[nn.Module] = [nn.Conv2d(in_channels, filters, kernel, stride=2), nn.ReLU(inplace=False)]
        channels = filters
        for layer in layers:
            if layer == POOL:
                modules.append(nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True))
            else:
                assert isinstance(layer, FireSpec)
                fire = BypassFire if layer.bypass else Fire
                modules.append(fire(channels, layer.s1x1, layer.e1x1, layer.e3x3))
                channels = layer.out_channels
        self.features = nn.Sequential(*modules)  # torchvision's indices: features.3 is fire2
        conv10 = nn.Conv2d(channels, num_classes, kernel_size=1)  # classifier.1, as torchvision
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), conv10, nn.ReLU(inplace=False), nn.AdaptiveAvgPool2d(1)
        )
        self.flatten = nn.Flatten(1)

        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                if module is conv10:
                    nn.init.normal_(module.weight, mean=0.0, std=0.01)
                else:
                    nn.init.kaiming_uniform_(module.weight)
                nn.init.zeros_(module.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        x = self.features(x)  # (N, 512, 13, 13) for a 224×224 or 227×227 input
        x = self.classifier(x)  # (N, num_classes, 1, 1)
        return self.flatten(x)  # (N, num_classes)


# --- builders -------------------------------------------------------------------------------------

def squeezenet(
    *,
    version: str = "1_0",
    bypass: bool = False,
    num_classes: int = 1000,
    in_channels: int = 3,
    dropout: float = 0.5,
    squeeze_ratio: float = SQUEEZENET_DESIGN.squeeze_ratio,
    pct3x3: float = SQUEEZENET_DESIGN.pct3x3,
) -> SqueezeNet:
    """SqueezeNet ``version`` "1_0" (the paper) or "1_1"; ``bypass`` adds the paper's simple bypass;
    ``squeeze_ratio`` (SR) and ``pct3x3`` move it in the paper's design space (Section 5, Figure 3).

    At the defaults the Fire modules are Table 1's. With the simple bypass, the Fire modules whose input
    and output channel counts agree get the shortcut (in the design space too: the expand widths do not
    depend on SR or pct3x3, so these are always fire3, fire5, fire7 and fire9).
    """
    name = f"squeezenet{version}" + ("_bypass" if bypass else "")
    one_of("squeezenet", "version", version, CONFIGS)
    boolean(name, "bypass", bypass)
    positive_int(name, "num_classes", num_classes)
    probability(name, "dropout", dropout)
    config = CONFIGS[version]
    table1 = [layer for layer in config["layers"] if isinstance(layer, FireSpec)]  # type: ignore[attr-defined]
    design = replace(SQUEEZENET_DESIGN, squeeze_ratio=squeeze_ratio, pct3x3=pct3x3)
    # Table 1's Fire modules at the paper's point of the design space (the tests pin that they agree)
    fires = iter(table1 if design == SQUEEZENET_DESIGN else design_fire_specs(design, [f.name for f in table1]))
    layers = [
        replace(next(fires), bypass=bypass and layer.name in SIMPLE_BYPASS) if isinstance(layer, FireSpec)
        else layer
        for layer in config["layers"]  # type: ignore[attr-defined]
    ]
    conv1: tuple[int, int] = config["conv1"]  # type: ignore[assignment]
    return SqueezeNet(name, conv1, layers, num_classes, in_channels, dropout)


def squeezenet_named(
    *, version: str, bypass: bool, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5,
    squeeze_ratio: float = SQUEEZENET_DESIGN.squeeze_ratio, pct3x3: float = SQUEEZENET_DESIGN.pct3x3,
) -> SqueezeNet:
    """SqueezeNet 1.0 (the paper's Table 1), 1.1 (the authors' cheaper release) or 1.0 with simple bypass."""
    return squeezenet(
        version=version, bypass=bypass, num_classes=num_classes, in_channels=in_channels, dropout=dropout,
        squeeze_ratio=squeeze_ratio, pct3x3=pct3x3,
    )


# --- registered names -----------------------------------------------------------------------------

_COMMON = dict(family="SqueezeNet", paper=PAPER, input_size=(3, 224, 224), dataset="ImageNet")
register(
    "squeezenet1_0", squeezenet_named, **_COMMON, reported_error=0.197, error_metric="ILSVRC top-5 error",
    kwargs={"version": "1_0", "bypass": False},
)
register("squeezenet1_1", squeezenet_named, **_COMMON, kwargs={"version": "1_1", "bypass": False})
register(
    "squeezenet1_0_bypass", squeezenet_named, **_COMMON, reported_error=0.175,
    error_metric="ILSVRC top-5 error", kwargs={"version": "1_0", "bypass": True},
)
register_torchvision("squeezenet1_0", lambda: squeezenet(version="1_0"))
register_torchvision("squeezenet1_1", lambda: squeezenet(version="1_1"))
