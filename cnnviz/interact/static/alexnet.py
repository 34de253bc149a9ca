"""Kernel-free figure of the AlexNet chapter: conv1's 11×11 filters at stride 4, and the alternatives."""

from __future__ import annotations

from cnnviz.interact.static.base import StaticFigure
from cnnviz.interact.static.first_layer import first_layer, first_layer_figure

__all__ = ["conv1_figure"]


def conv1_figure(kernel: int | None = None, stride: int | None = None) -> StaticFigure:
    """AlexNet's first layer with sliders for its filter size and stride (it starts at the paper's 11×11/4)."""
    return first_layer_figure(first_layer("alexnet", "AlexNet"), kernel, stride)
