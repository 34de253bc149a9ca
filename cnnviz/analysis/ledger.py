"""The layer ledger: every layer of a network with its shapes, activations, parameters and MACs.

Collection is torchinfo's: one forward pass of a single zero image through ``torchinfo.summary`` gives,
per module call, the input and output shapes, the depth in the module tree and the attribute names.
This module adds what torchinfo does not give: qualified names (``layer1.0.conv1``), kernel, stride,
padding and groups, the split of parameters into weights and biases, per-image activation counts and
bytes, container subtotals, modules that the forward pass never runs, and MACs by the lecture's formula.

Counting conventions (the same everywhere in cnnviz):

* **MACs** are multiply-accumulates of the weights, per image, *bias additions not counted*:
  convolution ``out_H * out_W * out_C * (in_C / groups) * kH * kW``, linear ``in * out``. Every other
  layer (ReLU, pooling, batch norm, LRN, dropout) counts 0 MACs. This is the lecture's "ops"
  (``28x28x128x1x1x256``). torchinfo's own "Mult-Adds" differ: it adds the bias additions of a
  convolution (``out_C * out_H * out_W``) and of a linear layer (``out``), and counts a batch norm as
  ``batch * 2C``; so we use our formula and ignore torchinfo's column.
* **Activations** of a row are the element count of its output, per image. The total counts the
  outputs of the leaf modules as the ledger lists them: an in-place ReLU, a Flatten (a view) and a
  Dropout are counted like any other layer, though in memory they may share their input's storage.
* **Parameters**: a leaf's own parameters, split into biases (parameters whose name ends in ``bias``)
  and weights (everything else, including batch norm's scale). A module run twice (shared) is listed
  at each call, its parameters counted at the first call only, its MACs at every call (the work is
  done twice). A parameter tensor shared by two modules is counted once. Modules the forward pass
  never runs (e.g. auxiliary classifiers in eval mode) are listed with empty shapes and zero MACs,
  so that ``total_params == sum(p.numel() for p in model.parameters())`` always holds.

The forward pass runs in eval mode under ``torch.no_grad()``; afterwards the mode of every submodule
is restored, torchinfo's hooks are gone and torch's random-number state is untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torchinfo
import torchinfo.torchinfo as _torchinfo_impl
from torch import nn

from cnnviz.analysis.resolve import check_input_fits, resolve_model
from cnnviz.analysis.tracing import eval_mode
from cnnviz.validate import positive_int

__all__ = ["LayerRecord", "Ledger", "ledger"]


@dataclass(frozen=True)
class LayerRecord:
    """One module call of the forward pass (or one module that never ran, with empty shapes)."""

    name: str  # qualified module name, "layer1.0.conv1"
    type: str  # class name, "Conv2d"
    depth: int  # nesting depth in the module tree, 1 = top-level child
    is_leaf: bool
    kernel: tuple[int, int] | None
    stride: tuple[int, int] | None
    padding: tuple[int, int] | None
    groups: int | None
    input_shape: tuple[int, ...]  # per image, no batch dim, e.g. (64, 56, 56); () if never run
    output_shape: tuple[int, ...]
    activations: int  # output numel per image
    activation_bytes: int  # activations * element size (float32 -> 4)
    weights: int  # leaf: own parameters that are not biases; container: total of its subtree
    biases: int
    macs: int  # multiply-adds per image (leaf: own; container: subtree sum)

    @property
    def params(self) -> int:
        return self.weights + self.biases

    @property
    def executed(self) -> bool:
        """False for a module the forward pass never ran (listed only for its parameters)."""
        return bool(self.output_shape)


@dataclass(frozen=True)
class Ledger:
    model: str
    input_size: tuple[int, int, int]
    rows: tuple[LayerRecord, ...]  # pre-order (forward execution order), containers included
    total_params: int  # == sum(p.numel() for p in model.parameters())
    total_macs: int  # leaves only
    total_activations: int  # leaves only

    def leaves(self) -> tuple[LayerRecord, ...]:
        return tuple(row for row in self.rows if row.is_leaf)

    def at_depth(self, depth: int) -> tuple[LayerRecord, ...]:
        """Collapsed view: the rows at ``depth`` plus the leaves shallower than it (torchinfo's ``depth``)."""
        positive_int("Ledger.at_depth", "depth", depth)
        return tuple(row for row in self.rows if row.depth == depth or (row.is_leaf and row.depth < depth))

    @property
    def max_depth(self) -> int:
        return max((row.depth for row in self.rows), default=0)


# --- inputs -------------------------------------------------------------------------------------


# --- per-module facts ---------------------------------------------------------------------------


def _pair(value: object) -> tuple[int, int] | None:
    if value is None:
        return None
    if isinstance(value, int):
        return (value, value)
    values = tuple(int(v) for v in value)  # type: ignore[union-attr]
    if len(values) == 1:
        return (values[0], values[0])
    return values[-2:]  # type: ignore[return-value]


def _geometry(module: nn.Module) -> tuple[tuple[int, int] | None, ...]:
    kernel = _pair(getattr(module, "kernel_size", None))
    if kernel is None:
        return None, None, None
    stride = _pair(getattr(module, "stride", None) or kernel)  # pools default stride = kernel
    padding = getattr(module, "padding", 0)
    if isinstance(padding, str):  # "valid" or "same" (stride 1)
        dilation = _pair(getattr(module, "dilation", 1)) or (1, 1)
        if padding == "valid":
            padding = (0, 0)
        else:
            padding = tuple(d * (k - 1) // 2 for k, d in zip(kernel, dilation, strict=True))
    return kernel, stride, _pair(padding)


def _conv_or_linear_macs(
    module: nn.Module, input_shape: tuple[int, ...], output_shape: tuple[int, ...]
) -> int:
    """MACs per image by the lecture's formula, bias additions not counted (see the module docstring)."""
    if not output_shape:
        return 0
    out_numel = _numel(output_shape)
    if isinstance(module, nn.modules.conv._ConvNd):
        k = _numel(module.kernel_size)
        if module.transposed:  # each input element scatters into out_C/groups * k outputs
            return _numel(input_shape) * (module.out_channels // module.groups) * k
        return out_numel * (module.in_channels // module.groups) * k
    if isinstance(module, nn.Linear):
        return out_numel * module.in_features  # out_numel = rows * out_features
    if isinstance(module, nn.Bilinear):
        return out_numel * module.in1_features * module.in2_features
    return 0


def _numel(shape: Sequence[int]) -> int:
    n = 1
    for s in shape:
        n *= int(s)
    return n


def _per_image(size: Sequence) -> tuple[int, ...]:
    """torchinfo's size of a batch-of-one tensor, without the batch dimension."""
    dims = [int(s) for s in size if isinstance(s, int)]
    return tuple(dims[1:]) if dims else ()


# --- collection ---------------------------------------------------------------------------------


def _collect(module: nn.Module, input_size: tuple[int, int, int]) -> list:
    """torchinfo's per-call LayerInfo list for one zero image (on the module's device, which may be
    ``meta``); leaves nothing behind."""
    cache = getattr(_torchinfo_impl, "_cached_forward_pass", None)
    cache_key = type(module).__name__
    previous = cache.get(cache_key, cache) if isinstance(cache, dict) else None
    # A zero tensor, not torchinfo's torch.rand input: shapes do not depend on values, and rand would
    # advance the global random state.
    device = next((p.device for p in module.parameters()), torch.device("cpu"))
    x = torch.zeros(1, *input_size, device=device)
    try:
        with eval_mode(module):  # torchinfo's own mode="eval" restores one flag for every submodule
            stats = torchinfo.summary(
                module,
                input_data=x,
                verbose=0,
                depth=100,
                col_names=("input_size", "output_size", "num_params"),
                mode="eval",
                device=device,
            )
    except RuntimeError as error:
        # torchinfo wraps every failure in "Failed to run torchinfo"; the model's own error (e.g. the
        # zoo's "input ... is too small" ValueError) is the one the reader needs.
        if error.__cause__ is not None:
            raise error.__cause__ from None
        raise
    finally:
        # torchinfo stores every summary in a module-level cache keyed by class name (even with
        # cache_forward_pass=False), which would keep the model alive; put back what was there.
        if isinstance(cache, dict):
            if previous is cache:
                cache.pop(cache_key, None)
            else:
                cache[cache_key] = previous
    return stats.summary_list


def _qualified_name(info) -> str:
    parts = []
    while info is not None and info.depth > 0:
        parts.append(info.var_name)
        info = info.parent_info
    return ".".join(reversed(parts))


def ledger(model: str | nn.Module, input_size: tuple[int, int, int] | None = None, **model_kwargs) -> Ledger:
    """The layer ledger of ``model`` (a registry name or an nn.Module) for one image of ``input_size``.

    A registry name is built with ``models.get(name, **model_kwargs)`` and defaults to the input size
    the registry lists for it; an nn.Module needs ``input_size``. A too-small input raises the model's
    own ValueError.
    """
    # A registry name is built on the meta device: shapes, counts and bytes need no weights or values,
    # and skipping them makes the ledger of ResNet-152 about four times faster.
    module, label, size = resolve_model(
        model, input_size, model_kwargs, meta=isinstance(model, str), check=False
    )
    try:
        infos = _collect(module, size)
    except RuntimeError:
        check_input_fits(module, size, label)  # an input too small: this ValueError says where and what fits
        raise

    root_is_leaf = not any(True for _ in module.children())
    qualified = {id(m): name for name, m in module.named_modules() if name}  # one walk, not one per row
    seen_calls: set[int] = set()
    seen_params: set[int] = set()
    raw: list[dict] = []
    for info in infos:
        if info.depth == 0 and not root_is_leaf:
            continue
        m = info.module
        executed = bool(info.executed)
        in_shape = _per_image(info.input_size) if executed else ()
        out_shape = _per_image(info.output_size) if executed else ()
        is_leaf = not any(True for _ in m.children())
        weights = biases = 0
        if id(m) not in seen_calls:  # a shared module's parameters are counted at its first call
            for pname, p in m.named_parameters(recurse=False):
                if id(p) in seen_params:
                    continue
                seen_params.add(id(p))
                if pname.endswith("bias"):
                    biases += p.numel()
                else:
                    weights += p.numel()
        seen_calls.add(id(m))
        kernel, stride, padding = _geometry(m)
        activations = _numel(out_shape) if out_shape else 0
        raw.append(
            dict(
                module=m,
                name=qualified.get(id(m)) or _qualified_name(info) or type(m).__name__,
                type=info.class_name,
                depth=max(info.depth, 1),
                is_leaf=is_leaf,
                kernel=kernel,
                stride=stride,
                padding=padding,
                groups=getattr(m, "groups", None) if isinstance(getattr(m, "groups", None), int) else None,
                input_shape=in_shape,
                output_shape=out_shape,
                activations=activations,
                activation_bytes=int(info.output_bytes) if executed else 0,  # batch of one
                weights=weights,
                biases=biases,
                macs=_conv_or_linear_macs(m, in_shape, out_shape) if is_leaf else 0,
            )
        )
    _add_unexecuted(module, raw, seen_calls, seen_params)
    _add_subtotals(raw)

    rows = tuple(LayerRecord(**{k: v for k, v in r.items() if k != "module"}) for r in raw)
    leaves = [r for r in rows if r.is_leaf]
    return Ledger(
        model=label,
        input_size=size,
        rows=rows,
        # Counted from the model itself: parameters held directly by the root module have no row.
        total_params=sum(p.numel() for p in module.parameters()),
        total_macs=sum(r.macs for r in leaves),
        total_activations=sum(r.activations for r in leaves),
    )


def _add_unexecuted(root: nn.Module, raw: list[dict], seen_calls: set[int], seen_params: set[int]) -> None:
    """Insert rows for modules the forward pass never ran, after the rows of their parent's subtree."""
    names = {id(m): name for name, m in root.named_modules() if name}
    depth_of = {name: name.count(".") + 1 for name in names.values()}
    for name, m in root.named_modules():
        if not name or id(m) in seen_calls:
            continue
        seen_calls.add(id(m))
        weights = biases = 0
        for pname, p in m.named_parameters(recurse=False):
            if id(p) not in seen_params:
                seen_params.add(id(p))
                if pname.endswith("bias"):
                    biases += p.numel()
                else:
                    weights += p.numel()
        parent = name.rpartition(".")[0]
        position = len(raw)
        for i, r in enumerate(raw):  # after the last row at or under the parent
            if not parent or r["name"] == parent or r["name"].startswith(parent + "."):
                position = i + 1
        kernel, stride, padding = _geometry(m)
        raw.insert(
            position,
            dict(
                module=m,
                name=name,
                type=type(m).__name__,
                depth=depth_of[name],
                is_leaf=not any(True for _ in m.children()),
                kernel=kernel,
                stride=stride,
                padding=padding,
                groups=getattr(m, "groups", None) if isinstance(getattr(m, "groups", None), int) else None,
                input_shape=(),
                output_shape=(),
                activations=0,
                activation_bytes=0,
                weights=weights,
                biases=biases,
                macs=0,
            ),
        )


def _add_subtotals(raw: list[dict]) -> None:
    """Containers: their own direct parameters plus the weights, biases and MACs of their subtree."""
    for i, row in enumerate(raw):
        if row["is_leaf"]:
            continue
        weights, biases, macs = row["weights"], row["biases"], 0
        for child in raw[i + 1 :]:
            if child["depth"] <= row["depth"]:
                break
            # every descendant row holds only its own parameters until its own subtotal is taken,
            # and rows are visited top-down, so a descendant container still holds its own here
            weights += child["weights"]
            biases += child["biases"]
            macs += child["macs"]
        row["subtotal"] = (weights, biases, macs)
    for row in raw:
        if "subtotal" in row:
            row["weights"], row["biases"], row["macs"] = row.pop("subtotal")
