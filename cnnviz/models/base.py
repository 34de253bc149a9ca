"""What every network of the zoo shares: input checks that speak the reader's language.

Each model is a :class:`ConvNet`: it states its ``in_channels`` and its name, and its ``forward`` starts
with ``self.check_input(x)``. A wrong channel count is caught before torch sees it; an input that is too
small is diagnosed after torch fails: the layer where the spatial size collapses is named, with the
smallest square input that works.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.fx
from torch import nn


class ConvNet(nn.Module):
    """Base class of the zoo's networks: a name for messages and the input channel count."""

    def __init__(self, name: str, in_channels: int) -> None:
        super().__init__()
        require_positive_int(name, "in_channels", in_channels)
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

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except RuntimeError as error:
            x = args[0] if args else None
            if isinstance(x, torch.Tensor) and x.dim() == 4 and x.shape[1] == self.in_channels:
                diagnosis = diagnose_small_input(self, tuple(x.shape[2:]))
                if diagnosis is not None:
                    raise ValueError(diagnosis) from error
            raise


def require_positive_int(model: str, param: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{model}: {param} must be a positive integer, got {value!r}")
    return value


def require_probability(model: str, param: str, value: object, *, allow_zero: bool = True) -> float:
    low_ok = (lambda v: v >= 0) if allow_zero else (lambda v: v > 0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not (low_ok(value) and value <= 1):
        bound = "[0, 1]" if allow_zero else "(0, 1]"
        raise ValueError(f"{model}: {param} must be a number in {bound}, got {value!r}")
    return float(value)


def _runs(model: nn.Module, size: int, in_channels: int) -> bool:
    try:
        nn.Module.__call__(model, torch.zeros(1, in_channels, size, size))
        return True
    except RuntimeError:
        return False


def _failing_layer(model: nn.Module, hw: tuple[int, ...], in_channels: int) -> tuple[str, str, tuple]:
    """Run once more with pre-hooks on the leaf layers; the last one entered is where it broke."""
    last: list[tuple[str, str, tuple]] = []
    handles = []

    def hook_for(name: str) -> Callable:
        def hook(module: nn.Module, inputs: tuple) -> None:
            shape = tuple(inputs[0].shape) if inputs and isinstance(inputs[0], torch.Tensor) else ()
            last.append((name, type(module).__name__, shape))

        return hook

    for name, module in model.named_modules():
        if not list(module.children()):
            handles.append(module.register_forward_pre_hook(hook_for(name)))
    try:
        nn.Module.__call__(model, torch.zeros(1, in_channels, *hw))
    except RuntimeError:
        pass
    finally:
        for handle in handles:
            handle.remove()
    return last[-1] if last else ("?", "?", ())


def diagnose_small_input(model: ConvNet, hw: tuple[int, ...]) -> str | None:
    """A message naming the layer where an input of spatial size ``hw`` collapses, or None."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            if _runs(model, max(hw), model.in_channels) and min(hw) == max(hw):
                return None  # the failure was not about the spatial size
            layer, kind, shape = _failing_layer(model, hw, model.in_channels)
            size = max(hw)
            while size <= 4096 and not _runs(model, size, model.in_channels):
                size *= 2
            if size > 4096:
                return None
            low, high = size // 2, size  # smallest working size lies in (low, high]
            while high - low > 1:
                mid = (low + high) // 2
                low, high = (low, mid) if _runs(model, mid, model.in_channels) else (mid, high)
    finally:
        model.train(was_training)
    got = "x".join(str(s) for s in shape[2:]) if len(shape) == 4 else "?"
    return (
        f"{model.model_name}: input of spatial size {'x'.join(map(str, hw))} is too small: it shrinks "
        f"to {got} before layer {layer!r} ({kind}), which cannot process it. "
        f"The smallest square input that works is {high}x{high}."
    )
