"""What the chapters' exercise modules compute their answers from: the zoo's networks on the meta device."""

from __future__ import annotations

import torch
from torch import nn


def meta(name: str, **kwargs: object) -> nn.Module:
    """The registry network built on the meta device: shapes and parameter counts, no weights drawn."""
    from cnnviz.analysis.resolve import build

    return build(name, meta=True, **kwargs)


def params(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


def output_hw(module: nn.Module, size: int, channels: int = 3) -> int:
    """The height (= width) of ``module``'s output for one square ``size``×``size`` image (meta tensors)."""
    with torch.no_grad():
        return int(module(torch.empty(1, channels, size, size, device="meta")).shape[-1])


def until(sequential: nn.Sequential, name: str) -> nn.Sequential:
    """The layers of a named ``nn.Sequential`` up to and including ``name``."""
    names = list(sequential._modules)
    if name not in names:
        raise KeyError(f"until: no layer {name!r}; layers: {', '.join(names)}")
    return sequential[: names.index(name) + 1]
