"""Exercises of the Network in Network chapter: answers computed from the zoo's NiN and cnnviz.analysis."""

from __future__ import annotations

from cnnviz.interact.exercises import Exercise


def _cifar100_params() -> int:
    import torch

    from cnnviz import models

    with torch.device("meta"):  # parameter counts only: no weights drawn
        return sum(p.numel() for p in models.get("nin_cifar", num_classes=100).parameters())


def _imagenet_fc6_params() -> int:
    from torch import nn

    from cnnviz.analysis.ledger import ledger

    # The ImageNet NiN's last mlpconv block before its class maps: the input of an AlexNet-style fc6.
    trunk = next(r for r in ledger("nin_imagenet").rows if r.name == "features.mlpconv4.cccp1")
    c, h, w = trunk.output_shape
    fc6 = nn.Sequential(nn.Flatten(), nn.Linear(c * h * w, 4096))
    return ledger(fc6, (c, h, w)).total_params


def _rf_cifar_mlpconv2() -> int:
    from cnnviz.analysis.receptive_field import receptive_field

    return receptive_field("nin_cifar").row("features.mlpconv2.cccp2").rf


def _one_more_cccp_macs() -> int:
    from cnnviz.analysis.ops import mlpconv_cost

    return mlpconv_cost(3, 192).macs - mlpconv_cost(2, 192).macs


EXERCISES = [
    Exercise(
        id="nin.cifar100_params",
        question="Build the CIFAR NiN for CIFAR-100 (`models.get(\"nin_cifar\", num_classes=100)`). How many "
        "parameters (weights and biases) has it?",
        answer=_cifar100_params,
        hint="Only the last 1×1 convolution depends on the number of classes: start from the CIFAR-10 network's "
        "total and change that layer from 10 to 100 filters (192 weights and one bias per filter).",
    ),
    Exercise(
        id="nin.imagenet_fc6_params",
        question="Give the ImageNet NiN an AlexNet-style head: flatten the 6×6×1024 output of `mlpconv4.cccp1` "
        "into a fully-connected layer of 4096 units. How many parameters (weights and biases) has that one layer?",
        answer=_imagenet_fc6_params,
        hint="6 · 6 · 1024 inputs, each connected to each of the 4096 units, plus one bias per unit.",
    ),
    Exercise(
        id="nin.rf_cifar_mlpconv2",
        question="What is the theoretical receptive field (one side, in input pixels) of the output of the CIFAR "
        "NiN's second mlpconv block (`features.mlpconv2`)?",
        answer=_rf_cifar_mlpconv2,
        hint="The 1×1 convolutions do not widen the field. Follow the 5×5 conv (stride 1), the 3×3/2 max pool and "
        "the next 5×5 conv, which now steps 2 input pixels per output pixel.",
    ),
    Exercise(
        id="nin.one_more_cccp_macs",
        question="The CIFAR NiN's second block works on 16×16 maps with 192 channels after its 5×5 convolution. "
        "How many multiply-adds (weights only) does a third 1×1 convolution of 192 filters add per image?",
        answer=_one_more_cccp_macs,
        hint="A 1×1 convolution costs H·W·C_in·C_out multiply-adds.",
    ),
]
