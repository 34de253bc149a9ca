"""From what a reader passes (a registry name or an nn.Module, and an input size) to a module to measure.

Every analysis entry point (ledger, receptive field, ERF, depth, diagrams) accepts the same two forms;
this is the one place that turns them into ``(module, label, input size)``, with the same errors.

It is also where an input too small for the network is caught: :func:`check_input_fits` runs the network
once on the meta device (shapes only, no arithmetic, no weights copied) and, where the spatial size
collapses, raises a ValueError naming the layer and the smallest square input that works. The models stay
plain ``nn.Module``s: their ``forward`` checks only the channel count.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from itertools import chain

import torch
from torch import nn
from torch.func import functional_call
from torch.overrides import TorchFunctionMode

from cnnviz.analysis.tracing import eval_mode

__all__ = [
    "build", "check_input_fits", "check_input_size", "registered_input_size", "resolve_model",
]  # fmt: skip


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


# --- input too small: one shape-only pass on the meta device --------------------------------------

_LARGEST_SEARCHED = 4096  # the smallest working square is searched up to this side


def _meta_runner(module: nn.Module, channels: int):
    """A function ``hw -> error or None`` running ``module`` on a meta batch of spatial size ``hw``: the
    parameters and buffers are swapped for meta tensors of their shapes (no copy of the weights)."""
    meta = {
        name: torch.empty_like(t, device="meta")
        for name, t in chain(module.named_parameters(), module.named_buffers())
    }

    def run(hw: tuple[int, int]) -> RuntimeError | None:
        try:
            functional_call(module, meta, (torch.zeros(1, channels, *hw, device="meta"),))
        except RuntimeError as error:
            return error
        return None

    return run


def _last_layer_entered(module: nn.Module, run, hw: tuple[int, int]) -> tuple[str, str, tuple[int, ...]]:
    """Run once more with pre-hooks on the leaf layers; the last one entered is where it broke."""
    entered: list[tuple[str, str, tuple[int, ...]]] = []

    def hook_for(name: str):
        def hook(layer: nn.Module, inputs: tuple) -> None:
            x = inputs[0] if inputs else None
            entered.append((name, type(layer).__name__, tuple(x.shape) if isinstance(x, torch.Tensor) else ()))

        return hook

    handles = [
        m.register_forward_pre_hook(hook_for(name))
        for name, m in module.named_modules()
        if not list(m.children())
    ]
    try:
        run(hw)
    finally:
        for handle in handles:
            handle.remove()
    return entered[-1] if entered else ("?", "?", ())


def check_input_fits(module: nn.Module, input_size: tuple[int, int, int], label: str | None = None) -> None:
    """A ValueError if an input of ``input_size`` (C, H, W) shrinks to nothing inside ``module``.

    The message names the layer that cannot process what is left and the smallest square input that
    works. Any other failure (a channel mismatch, an op the meta device lacks) is left for the analysis
    itself to report; a ValueError from the model's own input check propagates as it is.
    """
    label = label or getattr(module, "model_name", None) or type(module).__name__
    channels, hw = input_size[0], (input_size[1], input_size[2])
    with eval_mode(module), torch.no_grad():  # eval: no dropout or random block drops, no aux heads
        run = _meta_runner(module, channels)
        try:
            if run(hw) is None:
                return
        except NotImplementedError:  # an op without a meta kernel: nothing can be said up front
            return
        low, high = 0, min(hw)  # double ``high`` until a square of that side works; ``low`` last failed
        while high <= _LARGEST_SEARCHED and run((high, high)) is not None:
            low, high = high, 2 * high
        if high > _LARGEST_SEARCHED:
            return  # no size works: the failure is not about the spatial size
        while high - low > 1:  # the smallest working side lies in (low, high]
            mid = (low + high) // 2
            low, high = (low, mid) if run((mid, mid)) is None else (mid, high)
        layer, kind, shape = _last_layer_entered(module, run, hw)
    got = "x".join(map(str, shape[2:])) if len(shape) == 4 else "?"
    raise ValueError(
        f"{label}: input of spatial size {hw[0]}x{hw[1]} is too small: it shrinks to {got} before layer "
        f"{layer!r} ({kind}), which cannot process it. The smallest square input that works is {high}x{high}."
    )


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


@contextlib.contextmanager
def shapes_only() -> Iterator[None]:
    """Modules built inside are on the meta device, their weight initialisation skipped: shapes and counts
    without values, in a fraction of the time (a meta ``normal_`` alone costs more than the network)."""
    with torch.device("meta"), _SkipMetaInit():
        yield


def build(name: str, *, meta: bool = False, **model_kwargs: object) -> nn.Module:
    """Build registry model ``name``. Drawing the initial weights would advance the reader's random state,
    so it happens inside ``fork_rng``; ``meta=True`` builds shapes only (no weights drawn), for analyses
    that never read a value."""
    from cnnviz import models  # imported here so that the analysis package stays cheap to import

    if meta:
        with shapes_only():
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
    model: str | nn.Module,
    input_size: object,
    model_kwargs: dict,
    where: str = "ledger",
    *,
    meta: bool = False,
    check: bool = True,
) -> tuple[nn.Module, str, tuple[int, int, int]]:
    """``(module, label, input size)`` for a registry name (built, see :func:`build`) or an nn.Module.

    A registry name defaults to the input size the registry lists for it; so does a zoo network passed as a
    module. Any other module needs ``input_size``. An input size the network cannot process (too small)
    raises the ValueError of :func:`check_input_fits`; ``check=False`` leaves that to the caller, which
    runs the network anyway and calls :func:`check_input_fits` only when its own pass fails (the up-front
    meta pass costs seconds on the deepest networks).
    """
    from cnnviz import models

    module, label, size = _resolve(model, input_size, model_kwargs, where, meta)
    if not check:
        return module, label, size
    if not (isinstance(model, str) and not model_kwargs and size == models.info(model).input_size):
        # A registry model as registered, at its nominal size, fits (tests/models/test_registry.py runs
        # each one): skipping the meta pass there saves seconds on the deepest networks (ResNet-1202).
        check_input_fits(module, size, label)
    return module, label, size


def _resolve(
    model: str | nn.Module, input_size: object, model_kwargs: dict, where: str, meta: bool
) -> tuple[nn.Module, str, tuple[int, int, int]]:
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
