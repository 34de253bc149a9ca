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
        _name, vgg, family="VGG", paper=SIMONYAN_2014, input_size=(3, 224, 224), dataset="ImageNet",
        reported_error=0.073, error_metric="ILSVRC-2014 top-5 error (test, 7-net submission)",
        description=f"VGG configuration {_config} of Table 1 ({weight_layers(_config)} weight layers)",
        kwargs={"config": _config},
    )
    if _name in TORCHVISION_NAMES:
        register_torchvision(_name, lambda config=_config: vgg(config=config))
del _name, _config
