"""From what a reader passes (a registry name or an nn.Module, and an input size) to a module to measure.

Every analysis entry point (ledger, receptive field, ERF, depth, diagrams) accepts the same two forms;
this is the one place that turns them into ``(module, label, input size)``, with the same errors.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

__all__ = ["build", "check_input_size", "registered_input_size", "resolve_model"]


def check_input_size(input_size: object, where: str = "ledger") -> tuple[int, int, int]:
    """``input_size`` as a ``(C, H, W)`` tuple of positive ints, or a ValueError saying what is valid."""
    valid = isinstance(input_size, Sequence) and not isinstance(input_size, str) and len(input_size) == 3
    if valid:
        valid = all(not isinstance(v, bool) and isinstance(v, int) and v > 0 for v in input_size)
    if not valid:
        raise ValueError(
            f"{where}: input_size must be (C, H, W), three positive integers such as (3, 224, 224), "
            f"got {input_size!r}"
        )
    return tuple(int(v) for v in input_size)  # type: ignore[return-value]


# In-place ops that only write values: on a meta tensor there are no values, so skipping them is exact.
_VALUE_ONLY_INPLACE = {
    "normal_", "uniform_", "fill_", "zero_", "erfinv_", "clamp_", "mul_", "add_", "sub_", "div_", "copy_",
    "exponential_", "random_", "bernoulli_", "log_normal_", "fill_diagonal_",
}  # fmt: skip


class _SkipMetaInit(TorchFunctionMode):
    """While building on the meta device, skip weight initialisation (decomposing ``normal_`` for a meta
    tensor takes longer than building the network)."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if (
            getattr(func, "__name__", "") in _VALUE_ONLY_INPLACE
            and args
            and isinstance(args[0], torch.Tensor)
            and args[0].device.type == "meta"
        ):
            return args[0]
        return func(*args, **(kwargs or {}))


def build(name: str, *, meta: bool = False, **model_kwargs: object) -> nn.Module:
    """Build registry model ``name``. Drawing the initial weights would advance the reader's random state,
    so it happens inside ``fork_rng``; ``meta=True`` builds shapes only (no weights drawn), for analyses
    that never read a value."""
    from cnnviz import models  # imported here so that the analysis package stays cheap to import

    if meta:
        with torch.device("meta"), _SkipMetaInit():
            return models.get(name, **model_kwargs)
    with torch.random.fork_rng(devices=[]):
        return models.get(name, **model_kwargs)


def registered_input_size(module: nn.Module) -> tuple[int, int, int] | None:
    """The registry's nominal input size of a zoo network (known by its ``model_name``), else None."""
    name = getattr(module, "model_name", None)
    if not isinstance(name, str):
        return None
    from cnnviz import models

    try:
        return models.info(name).input_size
    except KeyError:
        return None


def resolve_model(
    model: str | nn.Module, input_size: object, model_kwargs: dict, where: str = "ledger", *, meta: bool = False
) -> tuple[nn.Module, str, tuple[int, int, int]]:
    """``(module, label, input size)`` for a registry name (built, see :func:`build`) or an nn.Module.

    A registry name defaults to the input size the registry lists for it; so does a zoo network passed as a
    module. Any other module needs ``input_size``.
    """
    if isinstance(model, str):
        from cnnviz import models

        entry = models.info(model)  # KeyError with close matches for an unknown name
        size = check_input_size(entry.input_size if input_size is None else input_size, where)
        return build(model, meta=meta, **model_kwargs), model, size
    if isinstance(model, nn.Module):
        if model_kwargs:
            raise ValueError(
                f"{where}: keyword arguments {sorted(model_kwargs)} only apply to a registry model name, "
                f"not to an nn.Module"
            )
        if input_size is None:
            input_size = registered_input_size(model)
        if input_size is None:
            raise ValueError(
                f"{where}: input_size is required for an nn.Module (a registry name knows its own); "
                f"pass input_size=(C, H, W), e.g. (3, 224, 224)"
            )
        label = getattr(model, "model_name", None) or type(model).__name__
        return model, str(label), check_input_size(input_size, where)
    raise TypeError(f"{where}: model must be a registry name or an nn.Module, got {type(model).__name__}")
