"""ZFNet: Zeiler & Fergus, "Visualizing and Understanding Convolutional Networks" (arXiv 1311.2901), Fig. 3.

AlexNet with the changes the paper's visualisations suggested: a 7×7 stride-2 first layer (instead of
11×11 stride 4), a stride-2 second layer, and one tower with dense connections ("the sparse connections
used in Krizhevsky's layers 3,4,5 ... are replaced with dense connections"; AlexNet's sparse layers are
in fact 2, 4 and 5, and all of them are dense here).

=====  ====================================================  ===============
layer  Fig. 3                                                output (C×H×W)
=====  ====================================================  ===============
conv1  96 7×7/2, pad 1, ReLU                                 96×110×110
pool1  max 3×3/2 (ceil), then contrast normalisation (LRN)   96×55×55
conv2  256 5×5/2, pad 0, ReLU                                256×26×26
pool2  max 3×3/2 (ceil), then contrast normalisation (LRN)   256×13×13
conv3  384 3×3/1, pad 1, ReLU                                384×13×13
conv4  384 3×3/1, pad 1, ReLU                                384×13×13
conv5  256 3×3/1, pad 1, ReLU                                256×13×13
pool5  max 3×3/2 (ceil)                                      256×6×6
fc6    4096, ReLU, dropout 0.5                               4096
fc7    4096, ReLU, dropout 0.5                               4096
fc8    1000                                                  1000
=====  ====================================================  ===============

The figure gives kernel sizes, strides and map sizes but no padding. We chose the paddings that give its
sizes from a 224×224 crop: conv1 pad 1 ((224 + 2 − 7)/2 + 1 = 110), conv2 pad 0 ((55 − 5)/2 + 1 = 26), and
ceil-mode pooling (Caffe's rounding) for 110 → 55 and 26 → 13; floor rounding would give 54 and 12.
The paper does not give the contrast normalisation's constants; we use AlexNet's LRN (n=5, α=1e-4,
β=0.75, k=2, paper formula). Initialisation (training details): "all weights are initialized to 10^-2
and biases are set to 0", read as N(0, 0.01²) as in the Caffe replications. The paper's training trick
of renormalising conv filters whose RMS exceeds 0.1 is an optimiser detail and not part of the model.

``wide=True`` is Table 2's variant with layers 3, 4, 5 widened to 512, 1024, 512 maps.

Error: the lecture quotes 11.7% top-5, the ILSVRC-2013 winning entry (Clarifai, Zeiler's company).
The paper's own best ImageNet 2012 test result (Table 2, an ensemble of six nets) is 14.8%.

Parameters: 62,357,608 (wide: 107,627,624); torchvision has no ZFNet.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

from cnnviz.models.alexnet import LRN_PAPER, paper_lrn
from cnnviz.models.base import ConvNet
from cnnviz.models.registry import Paper, register
from cnnviz.validate import boolean, positive_int, probability

ZEILER_2013 = Paper(
    title="Visualizing and Understanding Convolutional Networks",
    authors="Matthew D. Zeiler, Rob Fergus",
    year=2013,
    arxiv="1311.2901",
    bibkey="zeiler2014visualizing",
)

# Widths of conv1..conv5: Fig. 3, and Table 2's "layers 3,4,5: 512,1024,512 maps" variant.
WIDTHS = (96, 256, 384, 384, 256)
WIDE_WIDTHS = (96, 256, 512, 1024, 512)


class ZFNet(ConvNet):
    """ZFNet as in Fig. 3 of the paper: 224×224 input, 7×7/2 first layer, one dense tower."""

    image_size = 224

    def __init__(
        self, num_classes: int = 1000, in_channels: int = 3, wide: bool = False, dropout: float = 0.5
    ) -> None:
        super().__init__("zfnet", in_channels)
        positive_int("zfnet", "num_classes", num_classes)
        p = probability("zfnet", "dropout", dropout)
        boolean("zfnet", "wide", wide)
        c1, c2, c3, c4, c5 = WIDE_WIDTHS if wide else WIDTHS
        self.wide = wide
        self.features = nn.Sequential(
            OrderedDict(
                conv1=nn.Conv2d(in_channels, c1, kernel_size=7, stride=2, padding=1),
                relu1=nn.ReLU(),
                pool1=nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
                norm1=paper_lrn(**LRN_PAPER),
                conv2=nn.Conv2d(c1, c2, kernel_size=5, stride=2),
                relu2=nn.ReLU(),
                pool2=nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
                norm2=paper_lrn(**LRN_PAPER),
                conv3=nn.Conv2d(c2, c3, kernel_size=3, padding=1),
                relu3=nn.ReLU(),
                conv4=nn.Conv2d(c3, c4, kernel_size=3, padding=1),
                relu4=nn.ReLU(),
                conv5=nn.Conv2d(c4, c5, kernel_size=3, padding=1),
                relu5=nn.ReLU(),
                pool5=nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
            )
        )
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            OrderedDict(
                fc6=nn.Linear(c5 * 6 * 6, 4096),
                relu6=nn.ReLU(),
                drop6=nn.Dropout(p),
                fc7=nn.Linear(4096, 4096),
                relu7=nn.ReLU(),
                drop7=nn.Dropout(p),
                fc8=nn.Linear(4096, num_classes),
            )
        )
        for module in self.modules():
            if isinstance(module, nn.Conv2d | nn.Linear):
                nn.init.normal_(module.weight, mean=0.0, std=0.01)
                nn.init.zeros_(module.bias)

    def check_input(self, x: torch.Tensor) -> None:
        super().check_input(x)
        if isinstance(x, torch.Tensor) and tuple(x.shape[2:]) != (self.image_size, self.image_size):
            raise ValueError(
                f"zfnet: the paper's network takes {self.image_size}x{self.image_size} images (fc6 expects "
                f"a 6x6 map), got {'x'.join(map(str, x.shape[2:]))}"
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        x = self.features(x)  # (N, 256, 6, 6); (N, 512, 6, 6) when wide
        x = self.flatten(x)  # (N, 9216)
        return self.classifier(x)  # (N, num_classes)


def zfnet(
    *, num_classes: int = 1000, in_channels: int = 3, wide: bool = False, dropout: float = 0.5
) -> ZFNet:
    """ZFNet (Zeiler & Fergus 2013, Fig. 3): AlexNet with a 7×7/2 first layer and one dense tower."""
    return ZFNet(num_classes=num_classes, in_channels=in_channels, wide=wide, dropout=dropout)


# --- registered names ----------------------------------------------------------------------------------

register(
    "zfnet", zfnet, family="ZFNet", paper=ZEILER_2013, input_size=(3, 224, 224), dataset="ImageNet",
    reported_error=0.117, error_metric="ILSVRC-2013 top-5 error (winning entry, as the lecture quotes it)",
)
