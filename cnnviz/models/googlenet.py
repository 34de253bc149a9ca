"""GoogLeNet (Inception v1): Szegedy et al., "Going Deeper with Convolutions" (arXiv 1409.4842), Table 1.

The network of Table 1 and Figure 3, 224×224 input:

===============  ===========  ==============
layer            patch/stride  output (C×H×W)
===============  ===========  ==============
conv1            7×7/2        64×112×112
maxpool1, lrn1   3×3/2        64×56×56
conv2 (reduce)   1×1/1        64×56×56
conv3            3×3/1        192×56×56
lrn2, maxpool2   3×3/2        192×28×28
inception3a, 3b               256, 480 ×28×28
maxpool3         3×3/2        480×14×14
inception4a–4e                512, 512, 512, 528, 832 ×14×14
maxpool4         3×3/2        832×7×7
inception5a, 5b               832, 1024 ×7×7
avgpool          7×7/1        1024×1×1
dropout 40%, fc               num_classes
===============  ===========  ==============

:data:`INCEPTION_SPECS` holds the Inception rows of Table 1 (#1×1, #3×3 reduce, #3×3, #5×5 reduce,
#5×5, pool proj) with each module's input depth; the book and the op-count tools read them.

Notes on faithfulness:

* Every convolution has a bias and a ReLU; there is no batch normalisation (Inception v1 predates it).
* The 5×5 branch is a true 5×5 convolution. torchvision's ``googlenet`` uses a 3×3 there (a bug kept for
  its weights' sake) and adds BatchNorm to every convolution, so its weights cannot be loaded here and we
  register no torchvision mapping.
* The pools round up (``ceil_mode=True``, Caffe's rounding): with floor rounding 3×3/2 pooling takes 112
  to 55 and 14 to 6 instead of Table 1's 56 and 7. All four pools are Table 1's 3×3/2 (torchvision's
  last one is 2×2/2; both give 7×7).
* LRN as in Figure 3 (after maxpool1, and after conv3 before maxpool2). The paper gives no constants; we
  use the BVLC Caffe reference model's (n=5, α=1e-4, β=0.75, Caffe's α/n convention, k=1), which is
  torch's ``nn.LocalResponseNorm`` as is.
* avgpool is ``AdaptiveAvgPool2d(1)``: at 224×224 it is exactly Table 1's 7×7/1 average pool, and it
  lets smaller inputs run.
* The paper gives no initialisation; we follow the BVLC reference model: Caffe's "xavier"
  (uniform ±√(3 / fan_in)) for all weights, biases 0.2, except 0 on the classifier layers.
* ``aux_logits=True`` adds the two auxiliary classifiers of Section 5 after 4a and 4d: average pool 5×5/3
  (→ 4×4), 1×1 conv 128 + ReLU, FC 1024 + ReLU, dropout 70%, linear. In training mode the network then
  returns ``(logits, aux1, aux2)``; in eval mode only the logits (the paper discards them at inference).
  The auxiliary heads need the 14×14 maps of a 224×224 input.

Parameters: 6,998,552 (with aux classifiers 13,378,280). Table 1's params column (weights only, rounded
per row, in K = 1,024: its conv2 + conv3 row's 112K is 114,688) adds up to 6,797.7K, about 6.96 million, 0.4%
below what its channel counts give (its conv1 row's 2.7K is the outlier); the arithmetic of its own channel counts gives 6,990,272 weights
plus 8,280 biases. torchvision's ``googlenet`` has 6,624,904 (aux off): its 3×3 "5×5" branches have
fewer weights, and its convolutions have no bias but BatchNorm's scale and shift instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import torch
from torch import nn

from cnnviz.models.base import ConvNet
from cnnviz.models.registry import Paper, register
from cnnviz.validate import boolean, positive_int, probability

SZEGEDY_2014 = Paper(
    title="Going Deeper with Convolutions",
    authors="Christian Szegedy, Wei Liu, Yangqing Jia, Pierre Sermanet, Scott Reed, Dragomir Anguelov, "
    "Dumitru Erhan, Vincent Vanhoucke, Andrew Rabinovich",
    year=2014,
    arxiv="1409.4842",
    bibkey="szegedy2015going",
)


@dataclass(frozen=True)
class InceptionSpec:
    """One Inception row of Table 1; ``in_channels`` is the depth of the module's input."""

    in_channels: int
    n1x1: int
    n3x3_reduce: int
    n3x3: int
    n5x5_reduce: int
    n5x5: int
    pool_proj: int

    @property
    def out_channels(self) -> int:
        return self.n1x1 + self.n3x3 + self.n5x5 + self.pool_proj


# Table 1: name → (input depth, #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj).
INCEPTION_SPECS: dict[str, InceptionSpec] = {
    "3a": InceptionSpec(192, 64, 96, 128, 16, 32, 32),
    "3b": InceptionSpec(256, 128, 128, 192, 32, 96, 64),
    "4a": InceptionSpec(480, 192, 96, 208, 16, 48, 64),
    "4b": InceptionSpec(512, 160, 112, 224, 24, 64, 64),
    "4c": InceptionSpec(512, 128, 128, 256, 24, 64, 64),
    "4d": InceptionSpec(512, 112, 144, 288, 32, 64, 64),
    "4e": InceptionSpec(528, 256, 160, 320, 32, 128, 128),
    "5a": InceptionSpec(832, 256, 160, 320, 32, 128, 128),
    "5b": InceptionSpec(832, 384, 192, 384, 48, 128, 128),
}

# BVLC reference model's LRN (torch's convention = Caffe's: α is divided by n).
LRN_BVLC = {"size": 5, "alpha": 1e-4, "beta": 0.75, "k": 1.0}


class ConvReLU(nn.Module):
    """A convolution (with bias) followed by a ReLU: every convolution of GoogLeNet."""

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0
    ) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding)
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.conv(x))


class InceptionModule(nn.Module):
    """Figure 2(b): 1×1, 1×1→3×3, 1×1→5×5 and 3×3 max pool→1×1 branches, concatenated by depth."""

    def __init__(self, spec: InceptionSpec) -> None:
        super().__init__()
        self.spec = spec
        c = spec.in_channels
        self.branch1 = ConvReLU(c, spec.n1x1, 1)
        self.branch2 = nn.Sequential(
            ConvReLU(c, spec.n3x3_reduce, 1), ConvReLU(spec.n3x3_reduce, spec.n3x3, 3, padding=1)
        )
        self.branch3 = nn.Sequential(  # a true 5×5 (torchvision: 3×3)
            ConvReLU(c, spec.n5x5_reduce, 1), ConvReLU(spec.n5x5_reduce, spec.n5x5, 5, padding=2)
        )
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1), ConvReLU(c, spec.pool_proj, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # (N, in, H, W) → (N, n1x1 + n3x3 + n5x5 + pool_proj, H, W)
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], dim=1)


# The auxiliary losses are added to the total loss with this discount weight during training (Section 5).
AUX_LOSS_WEIGHT = 0.3


class AuxClassifier(nn.Module):
    """Section 5's auxiliary head: avg pool 5×5/3, 1×1 conv 128, FC 1024, dropout 0.7, linear."""

    def __init__(self, in_channels: int, num_classes: int) -> None:
        super().__init__()
        self.avgpool = nn.AvgPool2d(kernel_size=5, stride=3)
        self.conv = ConvReLU(in_channels, 128, 1)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(128 * 4 * 4, 1024)
        self.relu = nn.ReLU()
        self.dropout = nn.Dropout(0.7)
        self.fc2 = nn.Linear(1024, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.avgpool(x)  # (N, C, 4, 4) from 14×14
        x = self.flatten(self.conv(x))  # (N, 2048)
        x = self.dropout(self.relu(self.fc1(x)))  # (N, 1024)
        return self.fc2(x)  # (N, num_classes)


class GoogLeNetOutputs(NamedTuple):
    """What GoogLeNet returns in training mode when built with ``aux_logits=True``."""

    logits: torch.Tensor
    aux1: torch.Tensor
    aux2: torch.Tensor


class GoogLeNet(ConvNet):
    """GoogLeNet as in Table 1 of the paper: true 5×5 branches, ReLU, LRN, no batch normalisation."""

    def __init__(
        self, num_classes: int = 1000, in_channels: int = 3, aux_logits: bool = False, dropout: float = 0.4
    ) -> None:
        super().__init__("googlenet", in_channels)
        positive_int("googlenet", "num_classes", num_classes)
        p = probability("googlenet", "dropout", dropout)
        boolean("googlenet", "aux_logits", aux_logits)
        self.aux_logits = aux_logits
        self.conv1 = ConvReLU(in_channels, 64, 7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.lrn1 = nn.LocalResponseNorm(**LRN_BVLC)
        self.conv2 = ConvReLU(64, 64, 1)  # Table 1's "#3×3 reduce" of the second conv row
        self.conv3 = ConvReLU(64, 192, 3, padding=1)
        self.lrn2 = nn.LocalResponseNorm(**LRN_BVLC)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a = InceptionModule(INCEPTION_SPECS["3a"])
        self.inception3b = InceptionModule(INCEPTION_SPECS["3b"])
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4a = InceptionModule(INCEPTION_SPECS["4a"])
        self.inception4b = InceptionModule(INCEPTION_SPECS["4b"])
        self.inception4c = InceptionModule(INCEPTION_SPECS["4c"])
        self.inception4d = InceptionModule(INCEPTION_SPECS["4d"])
        self.inception4e = InceptionModule(INCEPTION_SPECS["4e"])
        self.maxpool4 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception5a = InceptionModule(INCEPTION_SPECS["5a"])
        self.inception5b = InceptionModule(INCEPTION_SPECS["5b"])
        self.avgpool = nn.AdaptiveAvgPool2d(1)  # = 7×7/1 average pool at 224×224
        self.flatten = nn.Flatten()
        self.dropout = nn.Dropout(p)
        self.fc = nn.Linear(1024, num_classes)
        self.aux1 = AuxClassifier(INCEPTION_SPECS["4a"].out_channels, num_classes) if aux_logits else None
        self.aux2 = AuxClassifier(INCEPTION_SPECS["4d"].out_channels, num_classes) if aux_logits else None
        self._init_as_bvlc()

    def _init_as_bvlc(self) -> None:
        classifiers = {self.fc} | ({self.aux1.fc2, self.aux2.fc2} if self.aux1 and self.aux2 else set())
        for module in self.modules():
            if isinstance(module, nn.Conv2d | nn.Linear):
                bound = math.sqrt(3.0 / module.weight[0].numel())  # Caffe's xavier: variance 1 / fan_in
                nn.init.uniform_(module.weight, -bound, bound)
                nn.init.constant_(module.bias, 0.0 if module in classifiers else 0.2)

    def forward(self, x: torch.Tensor) -> torch.Tensor | GoogLeNetOutputs:
        self.check_input(x)
        x = self.conv1(x)  # (N, 64, 112, 112)
        x = self.lrn1(self.maxpool1(x))  # (N, 64, 56, 56)
        x = self.conv3(self.conv2(x))  # (N, 192, 56, 56)
        x = self.maxpool2(self.lrn2(x))  # (N, 192, 28, 28)
        x = self.inception3a(x)  # (N, 256, 28, 28)
        x = self.inception3b(x)  # (N, 480, 28, 28)
        x = self.maxpool3(x)  # (N, 480, 14, 14)
        x = self.inception4a(x)  # (N, 512, 14, 14)
        aux1 = self.aux1(x) if self.aux1 is not None and self.training else None
        x = self.inception4b(x)  # (N, 512, 14, 14)
        x = self.inception4c(x)  # (N, 512, 14, 14)
        x = self.inception4d(x)  # (N, 528, 14, 14)
        aux2 = self.aux2(x) if self.aux2 is not None and self.training else None
        x = self.inception4e(x)  # (N, 832, 14, 14)
        x = self.maxpool4(x)  # (N, 832, 7, 7)
        x = self.inception5a(x)  # (N, 832, 7, 7)
        x = self.inception5b(x)  # (N, 1024, 7, 7)
        x = self.flatten(self.avgpool(x))  # (N, 1024)
        logits = self.fc(self.dropout(x))  # (N, num_classes)
        if aux1 is not None and aux2 is not None:
            return GoogLeNetOutputs(logits, aux1, aux2)
        return logits


def googlenet(
    *, num_classes: int = 1000, in_channels: int = 3, aux_logits: bool = False, dropout: float = 0.4
) -> GoogLeNet:
    """GoogLeNet / Inception v1 (Szegedy et al. 2014): nine Inception modules, true 5×5 branches, no BN."""
    return GoogLeNet(num_classes=num_classes, in_channels=in_channels, aux_logits=aux_logits, dropout=dropout)


# --- registered names ----------------------------------------------------------------------------------

register(
    "googlenet", googlenet, family="GoogLeNet", paper=SZEGEDY_2014, input_size=(3, 224, 224), dataset="ImageNet",
    reported_error=0.0667, error_metric="ILSVRC-2014 top-5 error (test, 7-model ensemble, 144 crops)",
)
