"""What every network of the zoo shares: a name and an input check that speak the reader's language.

Each model is a :class:`ConvNet`, a plain ``nn.Module``: it states its ``in_channels`` and its name, and its
``forward`` starts with ``self.check_input(x)``, so a wrong channel count is caught before torch sees it.
An input too small for the network is diagnosed where an analysis resolves its input size
(:func:`cnnviz.analysis.resolve.check_fits`), not in ``forward``.
"""

from __future__ import annotations

import torch
import torch.fx
from torch import nn

from cnnviz.validate import positive_int


class ConvNet(nn.Module):
    """Base class of the zoo's networks: a name for messages and the input channel count."""

    def __init__(self, name: str, in_channels: int) -> None:
        super().__init__()
        positive_int(name, "in_channels", in_channels)
        self.model_name = name
        self.in_channels = in_channels

    def check_input(self, x: torch.Tensor) -> None:
        if isinstance(x, torch.fx.Proxy):  # symbolic tracing: there are no values to check
            return
        if not isinstance(x, torch.Tensor) or x.dim() != 4:
            shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            raise ValueError(
                f"{self.model_name}: expected a batch of images of shape (N, {self.in_channels}, H, W), "
                f"got {shape}"
            )
        if x.shape[1] != self.in_channels:
            raise ValueError(
                f"{self.model_name}: input has {x.shape[1]} channels, but the network was built with "
                f"in_channels={self.in_channels}; pass a (N, {self.in_channels}, H, W) batch or build "
                f"the model with in_channels={x.shape[1]}"
            )
