"""Kernel-free figure of the ZFNet chapter: AlexNet's 11×11/4 first layer against ZFNet's 7×7/2."""

from __future__ import annotations

from cnnviz.interact.static.base import StaticFigure
from cnnviz.interact.static.first_layer import first_layer, first_layer_figure

__all__ = ["conv1_change_figure"]


def conv1_change_figure(kernel: int | None = None, stride: int | None = None) -> StaticFigure:
    """ZFNet's first layer with sliders for its filter size and stride (it starts at the paper's 7×7/2), and
    AlexNet's 11×11/4 conv1 on its own input as a fixed line to compare with."""
    return first_layer_figure(first_layer("zfnet", "ZFNet"), kernel, stride,
                              compare=(first_layer("alexnet", "AlexNet"),))
