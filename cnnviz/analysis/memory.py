"""Memory accounting: what a network holds for one forward pass, for training, for a batch and a dtype.

Everything is counted from the layer ledger (one forward pass with torchinfo), in elements per image,
then turned into bytes for a batch size and a dtype by the record's properties.

What is counted
---------------
* **forward activations**: the outputs of the leaf layers, as the ledger lists them. In-place ReLUs,
  views (Flatten) and Dropout are counted like any other layer, although in memory they may share their
  input's storage: this is "every output as if kept", the accounting the lecture does.
  ``input_elements`` (the image itself) is kept apart; ``forward_total`` adds it.
* **lecture convention** (``lecture_convention=True``): only the outputs of convolution, pooling and
  fully connected layers, plus the input, exactly the rows of the lecture's VGG16 table
  (:func:`cnnviz.analysis.lecture.lecture_rows`).
  For VGG16 this gives 15,237,608 elements (15.2M, 61 MB in float32) per image. The lecture's
  "TOTAL memory: 24M * 4 bytes ~ 96MB" does not follow from its own table, whose rows sum to 15.2M;
  the full count (every leaf output, ReLUs and dropout included) is 28.7M.
* **saved for the backward pass** (an approximation of what autograd keeps, by layer type):
  convolution and linear layers keep their input (to compute the weight gradient); ReLU, sigmoid and
  tanh keep their output; batch norm keeps its input (its per-channel statistics are negligible);
  pooling keeps its input, and max pooling also its argmax indices (int64, 8 bytes each); local
  response normalization keeps input and output; dropout keeps its mask (1 byte per element); other
  layers (Flatten, Identity, additions, concatenations) keep nothing. A tensor saved by two layers (an
  in-place ReLU's output that is also the next convolution's input) is counted by each, so this is an
  upper bound on what PyTorch actually stores.
* **parameters, gradients** (one per parameter) and **optimizer state**: none for plain SGD, one
  momentum buffer per parameter for SGD with momentum, two moments for Adam.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from torch import nn

from cnnviz.analysis.lecture import CONV_TYPES, NORM_TYPES, POOL_TYPES, lecture_rows
from cnnviz.analysis.ledger import LayerRecord, Ledger, ledger
from cnnviz.validate import positive_int

__all__ = [
    "MemoryReport", "memory_report", "memory_from_ledger", "DTYPE_BYTES", "OPTIMIZER_STATES", "SavedTensors",
    "saved_for_backward",
]  # fmt: skip

DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8}
OPTIMIZER_STATES = {"sgd": 0, "momentum": 1, "adam": 2}  # state tensors per parameter
_INDEX_BYTES = 8  # max-pool indices are int64
_MASK_BYTES = 1  # dropout masks are bool

_KEEP_OUTPUT = ("ReLU", "ReLU6", "Sigmoid", "Tanh")
_KEEP_INPUT = (*CONV_TYPES, "Linear", *POOL_TYPES, "BatchNorm1d", "BatchNorm2d", "GroupNorm", "LayerNorm")
_KEEP_BOTH = NORM_TYPES


@dataclass(frozen=True)
class MemoryReport:
    """Element counts per image (``*_elements``/activations) and bytes for the batch (properties)."""

    model: str
    input_size: tuple[int, int, int]
    batch_size: int
    dtype: str
    bytes_per_element: int
    lecture_convention: bool
    optimizer: str  # "sgd", "momentum" or "adam"
    input_elements: int  # per image
    forward_activations: int  # per image: leaf outputs (or conv/pool/fc outputs, lecture convention)
    saved_for_backward: int  # per image, elements of ``dtype``
    saved_indices: int  # per image, max-pool indices (int64)
    saved_masks: int  # per image, dropout masks (bool)
    params: int
    gradients: int
    optimizer_state: int

    @property
    def forward_total(self) -> int:
        """Input plus activations, elements per image (the lecture's TOTAL memory)."""
        return self.input_elements + self.forward_activations

    @property
    def forward_bytes(self) -> int:
        """Input and every counted output kept, for the whole batch."""
        return self.batch_size * self.forward_total * self.bytes_per_element

    @property
    def backward_saved_bytes(self) -> int:
        per_image = (
            self.saved_for_backward * self.bytes_per_element
            + self.saved_indices * _INDEX_BYTES
            + self.saved_masks * _MASK_BYTES
        )
        return self.batch_size * per_image

    @property
    def param_bytes(self) -> int:
        return self.params * self.bytes_per_element

    @property
    def gradient_bytes(self) -> int:
        return self.gradients * self.bytes_per_element

    @property
    def optimizer_bytes(self) -> int:
        return self.optimizer_state * self.bytes_per_element

    @property
    def inference_bytes(self) -> int:
        """Parameters plus every activation kept (an upper bound: inference can free as it goes)."""
        return self.param_bytes + self.forward_bytes

    @property
    def training_bytes(self) -> int:
        """Parameters, gradients, optimizer state and what the backward pass needs, for the batch."""
        return self.param_bytes + self.gradient_bytes + self.optimizer_bytes + self.backward_saved_bytes


def _saved(row: LayerRecord) -> tuple[int, int, int]:
    """(elements of dtype, int64 indices, bool mask elements) this layer keeps for backward, per image."""
    n_in = 1
    for s in row.input_shape:
        n_in *= s
    n_out = row.activations
    if not row.executed:
        return 0, 0, 0
    if row.type in _KEEP_OUTPUT:
        return n_out, 0, 0
    if row.type in _KEEP_BOTH:
        return n_in + n_out, 0, 0
    if row.type in _KEEP_INPUT:
        return n_in, n_out if "Max" in row.type else 0, 0
    if row.type.startswith("Dropout"):
        return 0, 0, n_out
    return 0, 0, 0


def _check(batch_size: object, dtype: object, optimizer: object) -> None:
    positive_int("memory", "batch_size", batch_size)
    if dtype not in DTYPE_BYTES:
        raise ValueError(f"memory: dtype must be one of {', '.join(DTYPE_BYTES)}, got {dtype!r}")
    if optimizer not in OPTIMIZER_STATES:
        raise ValueError(f"memory: optimizer must be one of {', '.join(OPTIMIZER_STATES)}, got {optimizer!r}")


def memory_from_ledger(
    led: Ledger,
    batch_size: int = 1,
    dtype: str = "float32",
    optimizer: str = "momentum",
    lecture_convention: bool = False,
) -> MemoryReport:
    """The memory record of an existing ledger (no further forward pass)."""
    _check(batch_size, dtype, optimizer)
    c, h, w = led.input_size
    if lecture_convention:
        forward = sum(r.activations for r in lecture_rows(led))
    else:
        forward = led.total_activations
    saved = [_saved(r) for r in led.leaves()]
    return MemoryReport(
        model=led.model,
        input_size=led.input_size,
        batch_size=batch_size,
        dtype=dtype,
        bytes_per_element=DTYPE_BYTES[dtype],
        lecture_convention=lecture_convention,
        optimizer=optimizer,
        input_elements=c * h * w,
        forward_activations=forward,
        saved_for_backward=sum(s[0] for s in saved),
        saved_indices=sum(s[1] for s in saved),
        saved_masks=sum(s[2] for s in saved),
        params=led.total_params,
        gradients=led.total_params,
        optimizer_state=OPTIMIZER_STATES[optimizer] * led.total_params,
    )


def memory_report(
    model: str | nn.Module,
    input_size: tuple[int, int, int] | None = None,
    *,
    batch_size: int = 1,
    dtype: str = "float32",
    optimizer: str = "momentum",
    lecture_convention: bool = False,
    **model_kwargs,
) -> MemoryReport:
    """Memory of ``model`` (a registry name or an nn.Module, as for ``ledger``) for a batch and a dtype.

    >>> m = memory_report("vgg16", lecture_convention=True)       # doctest: +SKIP
    >>> m.forward_total, m.params                                 # doctest: +SKIP
    (15237608, 138357544)
    """
    _check(batch_size, dtype, optimizer)
    return memory_from_ledger(
        ledger(model, input_size, **model_kwargs),
        batch_size=batch_size,
        dtype=dtype,
        optimizer=optimizer,
        lecture_convention=lecture_convention,
    )


# --- what autograd actually keeps, measured ----------------------------------------------------------


@dataclass(frozen=True)
class SavedTensors:
    """What autograd keeps for the backward pass of one forward call (:func:`saved_for_backward`), in bytes.

    Each storage is counted once: a tensor saved by two operations (a ReLU's output that the next convolution
    saves too) or a view of a saved tensor (a slice of it) is one storage. Parameters, buffers and anything in
    ``exclude`` are left out: they are kept whether or not a backward pass follows.
    """

    activation_bytes: int  # storages of saved tensors with two or more dimensions: activations, per batch
    other_bytes: int  # storages of saved tensors of zero or one dimension (batch norm's per-channel statistics)
    saved: int  # tensors packed, one per save (before storages are deduplicated)
    storages: int  # distinct storages counted in the two byte counts

    @property
    def total_bytes(self) -> int:
        return self.activation_bytes + self.other_bytes


def saved_for_backward(forward: Callable[..., object], *inputs: object, exclude: Iterable[object] = ()) -> SavedTensors:
    """Run ``forward(*inputs)`` once and measure what autograd saves for its backward pass, with
    :func:`torch.autograd.graph.saved_tensors_hooks` (see :class:`SavedTensors`).

    ``forward`` is a module (run in the mode it is in: ``.train()`` for what training keeps, whose parameters
    and buffers are left out) or any callable; ``exclude`` lists further tensors, or modules whose parameters
    and buffers, to leave out. Nothing is saved unless an input or a parameter requires grad.

    >>> block = DenseBlock(3, 2, 2, bottleneck=True).train()                  # doctest: +SKIP
    >>> saved_for_backward(block, torch.randn(1, 3, 4, 4, requires_grad=True)) # doctest: +SKIP
    """
    import torch

    if not callable(forward):
        raise TypeError(f"saved_for_backward: forward must be a module or a callable, got {type(forward).__name__}")
    kept: list[torch.Tensor] = []

    def tensors_of(thing: object) -> list[torch.Tensor]:
        if isinstance(thing, nn.Module):
            return [*thing.parameters(), *thing.buffers()]
        if isinstance(thing, torch.Tensor):
            return [thing]
        raise TypeError(f"saved_for_backward: exclude holds tensors or modules, got {type(thing).__name__}")

    for x in inputs:
        if isinstance(x, torch.Tensor) and x.device.type == "meta":
            raise ValueError("saved_for_backward: inputs must hold data (a meta tensor has no storage to count)")
    left_out = [*(tensors_of(forward) if isinstance(forward, nn.Module) else []),
                *(t for thing in exclude for t in tensors_of(thing))]  # fmt: skip
    skipped = {t.untyped_storage().data_ptr() for t in left_out}
    sizes: dict[int, tuple[int, bool]] = {}  # storage address -> (bytes, is an activation)

    def pack(t: torch.Tensor) -> torch.Tensor:
        kept.append(t)  # held until the count is done, so that no storage is freed and its address reused
        storage = t.untyped_storage()
        address = storage.data_ptr()
        if address not in skipped and address not in sizes:
            sizes[address] = (storage.nbytes(), t.dim() >= 2)
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = forward(*inputs)
    activation = sum(n for n, is_activation in sizes.values() if is_activation)
    other = sum(n for n, is_activation in sizes.values() if not is_activation)
    del out  # the graph, and the tensors it saved, go with the count's references when this returns
    return SavedTensors(activation, other, len(kept), len(sizes))
