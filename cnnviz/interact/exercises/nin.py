"""Exercises of the Network in Network chapter: answers computed from the zoo's NiN and cnnviz.analysis."""

from __future__ import annotations

from cnnviz.interact.exercises import REASONING, TASK, Exercise


def _cifar_params(classes: int) -> int:
    import torch

    from cnnviz import models

    with torch.device("meta"):  # parameter counts only: no weights drawn
        return sum(p.numel() for p in models.get("nin_cifar", num_classes=classes).parameters())


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
        id="nin.cifar_params",
        question="Build the CIFAR NiN for **{classes}** classes (`models.get(\"nin_cifar\", num_classes={classes})`). "
        "How many parameters (weights and biases) has it?",
        answer=_cifar_params,
        params={"classes": 100},
        variants=({"classes": 20}, {"classes": 43}),
        hint="Only the last 1×1 convolution depends on the number of classes: start from the CIFAR-10 network's "
        "total and change that layer from 10 to the new number of filters (192 weights and one bias per filter).",
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
        unit="px",
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
    Exercise(
        id="nin.gap_vs_fc",
        kind=REASONING,
        question="NiN ends with global average pooling over one feature map per class instead of fully-connected "
        "layers. Give two advantages the paper claims for it, and one thing it gives up.",
        hint="Count the parameters of the head; think about what each of the last maps has to mean.",
        solution="(1) **No parameters** in the head: nothing to overfit there (the paper calls it a structural "
        "regulariser), where AlexNet-style fully-connected layers hold most of a network's parameters and "
        "need dropout. (2) **Interpretability and correspondence**: each of the last maps is forced to be a "
        "confidence map of one class, averaged over positions, so the link between feature maps and "
        "categories is direct. (3) It sums out spatial information, so it is more robust to translations of "
        "the input and accepts any input size. It gives up the ability to weigh positions differently and to "
        "mix classes' evidence in a learned layer; the last mlpconv must produce exactly as many maps as "
        "classes.",
    ),
    Exercise(
        id="nin.mlpconv_is_1x1",
        kind=REASONING,
        question="The paper describes an mlpconv layer as a small multilayer perceptron slid over the input. Explain "
        "why that is the same as a k×k convolution followed by 1×1 convolutions (with ReLUs), and what the "
        "1×1 convolutions add that a wider k×k convolution would not.",
        hint="What does a 1×1 convolution compute at one position?",
        solution="At one position, a 1×1 convolution computes a weighted sum over the input **channels** only: "
        "a fully-connected layer applied to the channel vector of that pixel, with the same weights at every "
        "pixel. A k×k convolution followed by ReLU and two such 1×1 layers is therefore an MLP whose first "
        "layer sees a k×k patch and whose later layers mix channels, shared across positions: the mlpconv. "
        "The 1×1 layers add **non-linearity and cross-channel mixing** (the paper's 'cascaded cross channel "
        "parametric pooling') at a cost of C_in·C_out per position, with no growth of the receptive field; a "
        "wider k×k layer would add only linear filters, at k² times the cost per filter.",
    ),
    Exercise(
        id="nin.alexnet_with_nin_head",
        kind=TASK,
        question="Change the network: write `build()` returning AlexNet's convolutional part (the zoo's "
        "`alexnet().features`) with **NiN's head** instead of fc6–fc8: a 1×1 convolution from conv5's 256 maps "
        "to one map per class (1000 classes), a ReLU, and global average pooling, flattened to (N, 1000).",
        hint="`nn.Conv2d(256, 1000, kernel_size=1)`, `nn.ReLU()`, `nn.AdaptiveAvgPool2d(1)`, `nn.Flatten()` after "
        "`alexnet().features`, in an `nn.Sequential`.",
        solution='''from torch import nn

from cnnviz.models.alexnet import alexnet


def build() -> nn.Module:
    features = alexnet().features  # ends with pool5: 256 maps of 6×6 for a 227×227 image
    return nn.Sequential(
        features, nn.Conv2d(256, 1000, kernel_size=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten()
    )
''',
        input_size=(3, 227, 227),
    ),
]
