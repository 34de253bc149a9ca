"""VGG: Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition"
(arXiv 1409.1556), configurations A, A-LRN, B, C, D, E of Table 1.

:data:`CONFIGS` holds Table 1 in the paper's own notation: ``"conv3-64"`` is a 3×3 convolution with 64
output channels (stride 1, pad 1, ReLU), ``"conv1-256"`` a 1×1 convolution (config C), ``"maxpool"`` a
2×2 max pool with stride 2, ``"LRN"`` Krizhevsky's local response normalisation (config A-LRN).
Every configuration ends in three fully-connected layers, 4096-4096-1000, with ReLU and dropout 0.5 on
the first two. Five max pools take 224×224 to 7×7×512 before the classifier.

Names: ``vgg11`` = A, ``vgg11_lrn`` = A-LRN, ``vgg13`` = B, ``vgg16_c`` = C, ``vgg16`` = D,
``vgg19`` = E. Module names are torchvision's (``features.N``, ``avgpool``, ``classifier.N``), so
``from_torchvision("vgg16", state_dict)`` loads its weights as they are.

Notes on faithfulness:

* Like torchvision we put an ``AdaptiveAvgPool2d((7, 7))`` before the classifier. At 224×224 the map is
  already 7×7 and it is the identity; it lets other input sizes (≥ 32) run.
* Parameter counts equal torchvision's: A 132,863,336; B 133,047,848; D 138,357,544; E 143,667,240
  (Table 2 of the paper rounds them to 133, 133, 138 and 144 million). A-LRN has A's count (LRN has no
  parameters) and C has 133,638,952 (Table 2: 134 million).
* Initialisation (Section 3.1): the paper samples weights "from a normal distribution with the zero mean
  and 10^-2 variance" and sets biases to zero. We use std 0.01, the reading of the Caffe-era replications;
  a literal variance of 0.01 (std 0.1) makes activations grow layer after layer. (The paper initialised
  its deeper nets from net A, or with Glorot's method in a later note; torchvision uses Kaiming normal.)
* The LRN of A-LRN uses Krizhevsky's constants and formula (see ``alexnet.paper_lrn``).

Results: :data:`SINGLE_SCALE_ERRORS` and :data:`MULTI_SCALE_ERRORS` are the paper's Tables 3 and 4 as data.
The registry's ``reported_error`` is the ILSVRC-2014 submission's 7.3% for C, D and E (the configurations of
that 7-net ensemble, Table 6) and each other configuration's own Table 3 top-5 error at S = Q = 256.
"""

from __future__ import annotations

import torch
from torch import nn

from cnnviz.models.alexnet import LRN_PAPER, paper_lrn
from cnnviz.models.base import ConvNet
from cnnviz.models.registry import Paper, register, register_torchvision
from cnnviz.validate import positive_int, probability

SIMONYAN_2014 = Paper(
    title="Very Deep Convolutional Networks for Large-Scale Image Recognition",
    authors="Karen Simonyan, Andrew Zisserman",
    year=2014,
    arxiv="1409.1556",
    bibkey="simonyan2015very",
)


def _stage(*layers: str) -> tuple[str, ...]:
    return (*layers, "maxpool")


# Table 1, column by column.
CONFIGS: dict[str, tuple[str, ...]] = {
    "A": (
        *_stage("conv3-64"),
        *_stage("conv3-128"),
        *_stage("conv3-256", "conv3-256"),
        *_stage("conv3-512", "conv3-512"),
        *_stage("conv3-512", "conv3-512"),
    ),
    "A-LRN": (
        *_stage("conv3-64", "LRN"),
        *_stage("conv3-128"),
        *_stage("conv3-256", "conv3-256"),
        *_stage("conv3-512", "conv3-512"),
        *_stage("conv3-512", "conv3-512"),
    ),
    "B": (
        *_stage("conv3-64", "conv3-64"),
        *_stage("conv3-128", "conv3-128"),
        *_stage("conv3-256", "conv3-256"),
        *_stage("conv3-512", "conv3-512"),
        *_stage("conv3-512", "conv3-512"),
    ),
    "C": (
        *_stage("conv3-64", "conv3-64"),
        *_stage("conv3-128", "conv3-128"),
        *_stage("conv3-256", "conv3-256", "conv1-256"),
        *_stage("conv3-512", "conv3-512", "conv1-512"),
        *_stage("conv3-512", "conv3-512", "conv1-512"),
    ),
    "D": (
        *_stage("conv3-64", "conv3-64"),
        *_stage("conv3-128", "conv3-128"),
        *_stage("conv3-256", "conv3-256", "conv3-256"),
        *_stage("conv3-512", "conv3-512", "conv3-512"),
        *_stage("conv3-512", "conv3-512", "conv3-512"),
    ),
    "E": (
        *_stage("conv3-64", "conv3-64"),
        *_stage("conv3-128", "conv3-128"),
        *_stage("conv3-256", "conv3-256", "conv3-256", "conv3-256"),
        *_stage("conv3-512", "conv3-512", "conv3-512", "conv3-512"),
        *_stage("conv3-512", "conv3-512", "conv3-512", "conv3-512"),
    ),
}
FC_LAYERS = ("FC-4096", "FC-4096", "FC-1000")  # the rows below the last maxpool in every column

# Registry names in Table 1's order; those torchvision ships are mapped onto its weights 1:1.
NAMES = {"vgg11": "A", "vgg11_lrn": "A-LRN", "vgg13": "B", "vgg16_c": "C", "vgg16": "D", "vgg19": "E"}
TORCHVISION_NAMES = ("vgg11", "vgg13", "vgg16", "vgg19")

# --- the paper's results, as its tables give them -------------------------------------------------------
# ILSVRC-2012 validation set, one network each, top-1 and top-5 error in %. The key is (config, training
# scale S, test scale Q) as the tables write them: S is the smallest side the training images are rescaled
# to ("[256;512]": a random side in that range, scale jittering), Q the test images' smallest side.
# Table 3, "ConvNet performance at a single test scale" (Q = S, or the middle of the range when S jitters):
SINGLE_SCALE_ERRORS: dict[tuple[str, str, str], tuple[float, float]] = {
    ("A", "256", "256"): (29.6, 10.4),
    ("A-LRN", "256", "256"): (29.7, 10.5),
    ("B", "256", "256"): (28.7, 9.9),
    ("C", "256", "256"): (28.1, 9.4),
    ("C", "384", "384"): (28.1, 9.3),
    ("C", "[256;512]", "384"): (27.3, 8.8),
    ("D", "256", "256"): (27.0, 8.8),
    ("D", "384", "384"): (26.8, 8.7),
    ("D", "[256;512]", "384"): (25.6, 8.1),
    ("E", "256", "256"): (27.3, 9.0),
    ("E", "384", "384"): (26.9, 8.7),
    ("E", "[256;512]", "384"): (25.5, 8.0),
}
# Table 4, "ConvNet performance at multiple test scales": the class posteriors averaged over three test
# scales Q. A and A-LRN are not in it.
MULTI_SCALE_ERRORS: dict[tuple[str, str, str], tuple[float, float]] = {
    ("B", "256", "224,256,288"): (28.2, 9.6),
    ("C", "256", "224,256,288"): (27.7, 9.2),
    ("C", "384", "352,384,416"): (27.8, 9.2),
    ("C", "[256;512]", "256,384,512"): (26.3, 8.2),
    ("D", "256", "224,256,288"): (26.6, 8.6),
    ("D", "384", "352,384,416"): (26.5, 8.6),
    ("D", "[256;512]", "256,384,512"): (24.8, 7.5),
    ("E", "256", "224,256,288"): (26.9, 8.7),
    ("E", "384", "352,384,416"): (26.7, 8.6),
    ("E", "[256;512]", "256,384,512"): (24.8, 7.5),
}
# Sec. 4.1: "a shallow net with five 5×5 conv. layers, which was derived from B by replacing each pair of
# 3×3 conv. layers with a single 5×5 conv. layer"; "The top-1 error of the shallow net was measured to be 7%
# higher than that of B (on a center crop)". The paper's words; it does not say points or relative.
SHALLOW_5X5_TOP1_HIGHER = 7  # %, as the sentence writes it
# The ILSVRC-2014 submission (Table 6; Table 7 gives its 7.3% too): an ensemble of seven networks of
# configurations D (three), C (two) and E (two), 7.3% top-5 error on the test set. A, A-LRN and B were not in it.
SUBMISSION_CONFIGS = ("D", "D", "D", "C", "C", "E", "E")
SUBMISSION_TOP5_TEST = 7.3


def reported(config: str) -> tuple[float, str]:
    """The error the registry records for ``config``: the 7-net submission's for the configurations in it,
    else the configuration's own Table 3 figure at S = Q = 256 (the one protocol every column was tested at)."""
    if config not in CONFIGS:
        raise ValueError(
            f"vgg.reported: config {config!r} is not in Table 1; valid configs: {', '.join(CONFIGS)}"
        )
    if config in SUBMISSION_CONFIGS:
        return (
            SUBMISSION_TOP5_TEST / 100,
            "ILSVRC-2014 top-5 error (test, 7-net submission of configs C, D and E)",
        )
    top5 = SINGLE_SCALE_ERRORS[(config, "256", "256")][1]
    return top5 / 100, "top-5 error (ILSVRC-2012 val, this config alone, one test scale S = Q = 256; Table 3)"


def parse_conv(layer: str) -> tuple[int, int]:
    """``"conv3-64"`` → ``(3, 64)``: kernel size and output channels."""
    kernel, channels = layer.removeprefix("conv").split("-")
    return int(kernel), int(channels)


def weight_layers(config: str) -> int:
    """The depth Table 1 states in each column's header: conv layers plus the three FC layers."""
    return sum(layer.startswith("conv") for layer in CONFIGS[config]) + len(FC_LAYERS)


def make_features(config: str, in_channels: int) -> nn.Sequential:
    """The convolutional part of ``config`` as torchvision lays it out (conv, ReLU, ..., max pool)."""
    layers: list[nn.Module] = []
    channels = in_channels
    for layer in CONFIGS[config]:
        if layer == "maxpool":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        elif layer == "LRN":
            layers.append(paper_lrn(**LRN_PAPER))
        else:
            kernel, out = parse_conv(layer)
            layers += [nn.Conv2d(channels, out, kernel_size=kernel, padding=kernel // 2), nn.ReLU()]
            channels = out
    return nn.Sequential(*layers)


class VGG(ConvNet):
    """A VGG network: Table 1's convolutional column, then FC-4096, FC-4096, FC-num_classes."""

    def __init__(
        self, config: str = "D", num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5
    ) -> None:
        if config not in CONFIGS:
            raise ValueError(f"vgg: config {config!r} is not in Table 1; valid configs: {', '.join(CONFIGS)}")
        name = next(name for name, letter in NAMES.items() if letter == config)
        super().__init__(name, in_channels)
        positive_int(self.model_name, "num_classes", num_classes)
        p = probability(self.model_name, "dropout", dropout)
        self.config = config
        self.features = make_features(config, in_channels)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))  # torchvision's addition; the identity at 224×224
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(),
            nn.Dropout(p),
            nn.Linear(4096, 4096),
            nn.ReLU(),
            nn.Dropout(p),
            nn.Linear(4096, num_classes),
        )
        for module in self.modules():
            if isinstance(module, nn.Conv2d | nn.Linear):
                nn.init.normal_(module.weight, mean=0.0, std=0.01)
                nn.init.zeros_(module.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        x = self.features(x)  # (N, 512, 7, 7) at 224×224
        x = self.avgpool(x)  # (N, 512, 7, 7)
        x = self.flatten(x)  # (N, 25088)
        return self.classifier(x)  # (N, num_classes)


def vgg(*, config: str = "D", num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> VGG:
    """VGG (Simonyan & Zisserman 2014): stacks of 3×3 convolutions, Table 1's configurations."""
    return VGG(config=config, num_classes=num_classes, in_channels=in_channels, dropout=dropout)


# --- registered names ----------------------------------------------------------------------------------

for _name, _config in NAMES.items():
    register(
        _name,
        vgg,
        family="VGG",
        paper=SIMONYAN_2014,
        input_size=(3, 224, 224),
        dataset="ImageNet",
        reported_error=reported(_config)[0],
        error_metric=reported(_config)[1],
        description=f"VGG configuration {_config} of Table 1 ({weight_layers(_config)} weight layers)",
        kwargs={"config": _config},
    )
    if _name in TORCHVISION_NAMES:
        register_torchvision(_name, lambda config=_config: vgg(config=config))
del _name, _config
