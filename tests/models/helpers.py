"""Small helpers the model tests share."""

from __future__ import annotations

import functools

import torch
from torch import nn

from cnnviz import models


def n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def output_shapes(model: nn.Module, x: torch.Tensor, names: list[str]) -> dict[str, tuple[int, ...]]:
    """The output shape (without the batch) of each named submodule on input ``x``."""
    shapes: dict[str, tuple[int, ...]] = {}
    handles = [
        model.get_submodule(name).register_forward_hook(
            lambda _m, _i, out, name=name: shapes.__setitem__(name, tuple(out.shape[1:]))
        )
        for name in names
    ]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for handle in handles:
            handle.remove()
    return shapes


@functools.cache
def build(name: str, **kwargs: object) -> nn.Module:
    """A registry model in eval mode, seeded, built once per test module (conftest clears the cache)."""
    torch.manual_seed(0)
    return models.get(name, **kwargs).eval()


def feature_shapes(model: nn.Module, x: torch.Tensor) -> dict[str, tuple[int, ...]]:
    """Run ``model.features`` layer by layer; the output shape (without the batch) after each layer."""
    shapes = {}
    with torch.no_grad():
        for name, layer in model.features.named_children():
            x = layer(x)
            shapes[name] = tuple(x.shape[1:])
    return shapes
