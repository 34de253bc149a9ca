"""One row of numbers per network: what the chapters' comparison tables show, measured, never typed.

:func:`network_summary` gathers, for a registry name or a module, the parameters and multiply-adds (from the
ledger), the depth in weight layers on the longest path (:mod:`cnnviz.analysis.depth`) and the theoretical
receptive field of the last spatial feature map (:mod:`cnnviz.analysis.receptive_field`).
"""

from __future__ import annotations

from dataclasses import dataclass

from torch import nn

from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.analysis.ledger import ledger
from cnnviz.analysis.receptive_field import receptive_field

__all__ = ["NetworkSummary", "network_summary"]


@dataclass(frozen=True)
class NetworkSummary:
    name: str
    input_size: tuple[int, int, int]
    params: int
    macs: int  # multiply-adds of convolutions and linear layers, weights only, per image
    weight_layers: int  # on the longest path from input to output
    receptive_field: int  # of the last spatial feature map, one side, in input pixels


def network_summary(model: str | nn.Module, input_size: tuple[int, int, int] | None = None) -> NetworkSummary:
    """The :class:`NetworkSummary` of ``model`` (a registry name or a module) at ``input_size``."""
    led = ledger(model, input_size)
    rf = receptive_field(model, led.input_size)
    return NetworkSummary(led.model, led.input_size, led.total_params, led.total_macs, weight_layer_depth(model),
                          rf.output.rf)
