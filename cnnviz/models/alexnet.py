"""AlexNet: the 2012 paper's two-tower network, and torchvision's single-tower "one weird trick" variant.

``alexnet`` follows Krizhevsky, Sutskever & Hinton (NIPS 2012), Section 3 and Figure 2:

=====  ==========================================  ===============  ====================
layer  paper                                       output (C×H×W)   connections
=====  ==========================================  ===============  ====================
conv1  96 11×11/4, pad 0, ReLU, LRN, maxpool 3/2   96×55×55 → 27    both towers
conv2  256 5×5/1, pad 2, ReLU, LRN, maxpool 3/2    256×27×27 → 13   within a tower
conv3  384 3×3/1, pad 1, ReLU                      384×13×13        across towers
conv4  384 3×3/1, pad 1, ReLU                      384×13×13        within a tower
conv5  256 3×3/1, pad 1, ReLU, maxpool 3/2         256×13×13 → 6    within a tower
fc6    4096, ReLU, dropout 0.5                     4096             dense
fc7    4096, ReLU, dropout 0.5                     4096             dense
fc8    1000                                        1000             dense
=====  ==========================================  ===============  ====================

Notes on faithfulness:

* Input 227×227. The paper says 224×224, but (224 − 11)/4 + 1 is not an integer; 227 gives the 55×55 of
  the paper's Figure 2 (and is what the lecture notes and Caffe use).
* The two GPUs are grouped convolutions: conv2, conv4 and conv5 see only their own tower's maps
  (``groups=2``); conv3 and the FC layers see both. ``towers=1`` gives the dense single-tower network.
* LRN comes *before* pooling, as in the paper: LRN is applied after the ReLU (Section 3.3) and
  "max-pooling layers ... follow both response-normalization layers" (Section 3.5). The CS231n slide the
  lecture notes copy lists CONV1 → MAX POOL1 → NORM1 instead; the shapes after each pool are the same.
* LRN uses the paper's formula b = a / (k + α Σ a²)^β with k=2, n=5, α=1e-4, β=0.75. torch's
  ``nn.LocalResponseNorm`` divides α by n (Caffe's convention), so we pass α·n (see :func:`paper_lrn`).
* Dropout zeroes the *outputs* of fc6 and fc7 (the paper's "first two fully-connected layers");
  torchvision instead drops the *inputs* of fc6 and fc7.
* Initialisation (Section 5): weights N(0, 0.01²); biases 1 in conv2, conv4, conv5 and the fully-connected
  *hidden* layers fc6, fc7; 0 in conv1, conv3 and the output layer fc8.
* Parameters: 60,965,224 — the paper's "60 million". The dense single tower (``towers=1``) would have
  62,378,344: the split saves 1,413,120 weights in conv2/4/5. Figures like "62.3M" quote the dense net.
  torchvision's ``alexnet`` (61,100,840) is a different network, :func:`alexnet_owt` below.

``alexnet_owt`` is torchvision's ``alexnet``: the single-column network of Krizhevsky's "One weird trick
for parallelizing convolutional neural networks" (arXiv 1404.5997) as torchvision ships it: 224×224 input,
conv widths 64, 192, 384, 256, 256, conv1 padded by 2, no LRN, an ``AdaptiveAvgPool2d((6, 6))`` (the
identity at 224, lets other sizes ≥ 63 run), dropout before fc6 and fc7, PyTorch's default initialisation.
Module names equal torchvision's, so ``from_torchvision("alexnet", state_dict)`` loads its weights as is.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

from cnnviz.models.base import ConvNet
from cnnviz.models.registry import Paper, register, register_torchvision
from cnnviz.validate import positive_int, probability

KRIZHEVSKY_2012 = Paper(
    title="ImageNet Classification with Deep Convolutional Neural Networks",
    authors="Alex Krizhevsky, Ilya Sutskever, Geoffrey E. Hinton",
    year=2012,
    arxiv=None,  # NIPS 2012; never on arXiv
    bibkey="krizhevsky2012imagenet",
)
KRIZHEVSKY_2014 = Paper(
    title="One weird trick for parallelizing convolutional neural networks",
    authors="Alex Krizhevsky",
    year=2014,
    arxiv="1404.5997",
    bibkey="krizhevsky2014one",
)

# Section 3.3: "k = 2, n = 5, α = 10^-4, and β = 0.75", in the paper's formula (α not divided by n).
# Section 3.2: "A single GTX 580 GPU has only 3GB of memory, which limits the maximum size of the networks
# that can be trained on it." (GB as the paper writes it; compared with decimal byte counts.)
GPU_MEMORY_BYTES = 3 * 10**9
# Table 2: the ILSVRC-2012 winning entry averaged 7 CNNs (two pre-trained on ImageNet Fall 2011): 15.3% top-5
# test error. The registry's reported error is the paper's 5-CNN result (16.4%), the figure the lecture quotes.
ILSVRC2012_ENTRY_ERROR = 0.153
ILSVRC2012_ENTRY = "ILSVRC-2012 winning entry: 7 CNNs, two pre-trained on ImageNet Fall 2011 (paper's Table 2)"
GPU_NAME = "GTX 580"

LRN_PAPER = {"size": 5, "alpha": 1e-4, "beta": 0.75, "k": 2.0}


def paper_lrn(size: int = 5, alpha: float = 1e-4, beta: float = 0.75, k: float = 2.0) -> nn.LocalResponseNorm:
    """Local response normalisation with the AlexNet paper's α: b = a / (k + α Σ_{n maps} a²)^β.

    torch (like Caffe) computes b = a / (k + α/n Σ a²)^β, so the paper's α is passed as α·n.
    A plain ``nn.LocalResponseNorm`` (not a subclass) keeps the model torch.fx-traceable.
    """
    return nn.LocalResponseNorm(size, alpha=alpha * size, beta=beta, k=k)


# --- the 2012 paper's network ------------------------------------------------------------------------


class AlexNet(ConvNet):
    """AlexNet as in the 2012 paper: 227×227 input, two towers as grouped convolutions, LRN."""

    image_size = 227

    def __init__(
        self, num_classes: int = 1000, in_channels: int = 3, towers: int = 2, dropout: float = 0.5
    ) -> None:
        super().__init__("alexnet", in_channels)
        positive_int("alexnet", "num_classes", num_classes)
        positive_int("alexnet", "towers", towers)
        p = probability("alexnet", "dropout", dropout)
        if 32 % towers:  # each tower needs a whole share of 96, 256 and 384 maps
            raise ValueError(
                f"alexnet: towers={towers} does not divide the layer widths 96, 256, 384; "
                "valid towers: 1, 2, 4, 8, 16, 32 (the paper uses 2)"
            )
        self.towers = towers
        self.features = nn.Sequential(
            OrderedDict(
                conv1=nn.Conv2d(in_channels, 96, kernel_size=11, stride=4),
                relu1=nn.ReLU(),
                norm1=paper_lrn(**LRN_PAPER),
                pool1=nn.MaxPool2d(kernel_size=3, stride=2),  # overlapping pooling: z=3 > s=2
                conv2=nn.Conv2d(96, 256, kernel_size=5, padding=2, groups=towers),
                relu2=nn.ReLU(),
                norm2=paper_lrn(**LRN_PAPER),
                pool2=nn.MaxPool2d(kernel_size=3, stride=2),
                conv3=nn.Conv2d(256, 384, kernel_size=3, padding=1),  # the towers talk here
                relu3=nn.ReLU(),
                conv4=nn.Conv2d(384, 384, kernel_size=3, padding=1, groups=towers),
                relu4=nn.ReLU(),
                conv5=nn.Conv2d(384, 256, kernel_size=3, padding=1, groups=towers),
                relu5=nn.ReLU(),
                pool5=nn.MaxPool2d(kernel_size=3, stride=2),
            )
        )
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            OrderedDict(
                fc6=nn.Linear(256 * 6 * 6, 4096),
                relu6=nn.ReLU(),
                drop6=nn.Dropout(p),
                fc7=nn.Linear(4096, 4096),
                relu7=nn.ReLU(),
                drop7=nn.Dropout(p),
                fc8=nn.Linear(4096, num_classes),
            )
        )
        self._init_as_in_paper()

    def _init_as_in_paper(self) -> None:
        bias_one = {"conv2", "conv4", "conv5", "fc6", "fc7"}
        for name, module in [*self.features.named_children(), *self.classifier.named_children()]:
            if isinstance(module, nn.Conv2d | nn.Linear):
                nn.init.normal_(module.weight, mean=0.0, std=0.01)
                nn.init.constant_(module.bias, 1.0 if name in bias_one else 0.0)

    def check_input(self, x: torch.Tensor) -> None:
        super().check_input(x)
        if isinstance(x, torch.Tensor) and tuple(x.shape[2:]) != (self.image_size, self.image_size):
            raise ValueError(
                f"alexnet: the paper's network takes {self.image_size}x{self.image_size} images (fc6 expects "
                f"a 6x6x256 map), got {'x'.join(map(str, x.shape[2:]))}; for other sizes use alexnet_owt"
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        x = self.features(x)  # (N, 256, 6, 6)
        x = self.flatten(x)  # (N, 9216)
        return self.classifier(x)  # (N, num_classes)


# --- torchvision's single-tower variant ------------------------------------------------------------


class AlexNetOWT(ConvNet):
    """torchvision's AlexNet ("one weird trick" single column): 64-192-384-256-256, no LRN."""

    def __init__(self, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> None:
        super().__init__("alexnet_owt", in_channels)
        positive_int("alexnet_owt", "num_classes", num_classes)
        p = probability("alexnet_owt", "dropout", dropout)
        # Indices match torchvision's state-dict keys: features.0 .. features.12, classifier.1/.4/.6.
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 64, kernel_size=11, stride=4, padding=2),  # 0
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2),  # 3
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1),  # 6
            nn.ReLU(),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),  # 8
            nn.ReLU(),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),  # 10
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))  # identity at 224×224
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            nn.Dropout(p),
            nn.Linear(256 * 6 * 6, 4096),  # 1
            nn.ReLU(),
            nn.Dropout(p),
            nn.Linear(4096, 4096),  # 4
            nn.ReLU(),
            nn.Linear(4096, num_classes),  # 6
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        x = self.features(x)  # (N, 256, 6, 6) at 224×224
        x = self.avgpool(x)  # (N, 256, 6, 6)
        x = self.flatten(x)  # (N, 9216)
        return self.classifier(x)  # (N, num_classes)


# --- builders ------------------------------------------------------------------------------------------


def alexnet(
    *, num_classes: int = 1000, in_channels: int = 3, towers: int = 2, dropout: float = 0.5
) -> AlexNet:
    """AlexNet as in the 2012 paper: two towers (grouped conv2/4/5), LRN, 227×227 input."""
    return AlexNet(num_classes=num_classes, in_channels=in_channels, towers=towers, dropout=dropout)


def alexnet_owt(*, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> AlexNetOWT:
    """torchvision's single-tower AlexNet ("one weird trick"): no LRN, 224×224 input."""
    return AlexNetOWT(num_classes=num_classes, in_channels=in_channels, dropout=dropout)


# --- registered names ----------------------------------------------------------------------------------

register(
    "alexnet", alexnet, family="AlexNet", paper=KRIZHEVSKY_2012, input_size=(3, 227, 227), dataset="ImageNet",
    reported_error=0.164, error_metric="ILSVRC-2012 top-5 error (test, 5-CNN ensemble)",
)
register(
    "alexnet_owt", alexnet_owt, family="AlexNet", paper=KRIZHEVSKY_2014, input_size=(3, 224, 224),
    dataset="ImageNet",
)
register_torchvision("alexnet", alexnet_owt)
