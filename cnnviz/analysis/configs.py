"""A family's configuration table as records: the VGG paper's Table 1, column by column, with the parameter
count of each built network (built on the meta device: shapes only, no weights drawn)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["VGGConfig", "vgg_configs", "param_count"]


def param_count(name: str) -> int:
    """Parameters (weights and biases) of the registry's ``name``, counted on the meta device."""

    from cnnviz import models
    from cnnviz.analysis.resolve import shapes_only

    with shapes_only():  # shapes only: no weights are drawn
        return sum(p.numel() for p in models.get(name).parameters())


@dataclass(frozen=True)
class VGGConfig:
    """One column of the VGG paper's Table 1: its letter, the registry name, its five stages (each a tuple of
    layers in the paper's notation, ``conv3-64``) and the built network's parameters."""

    letter: str
    name: str
    weight_layers: int
    stages: tuple[tuple[str, ...], ...]
    params: int


def _stages(layers: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Split a Table 1 column into its stages (each ends at a maxpool)."""
    stages, current = [], []
    for layer in layers:
        if layer == "maxpool":
            stages.append(tuple(current))
            current = []
        else:
            current.append(layer)
    return tuple(stages)


def vgg_configs() -> tuple[VGGConfig, ...]:
    """The configurations A to E of the paper (``cnnviz.models.vgg.CONFIGS``), in the table's order."""
    from cnnviz.models import vgg

    names = {letter: name for name, letter in vgg.NAMES.items()}
    return tuple(
        VGGConfig(
            letter, names[letter], vgg.weight_layers(letter), _stages(layers), param_count(names[letter])
        )
        for letter, layers in vgg.CONFIGS.items()
    )
