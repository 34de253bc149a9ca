"""Theoretical receptive fields of any network of the zoo, branches and joins included.

The quantities and the recursion are those of Araujo, Norris & Sim, "Computing Receptive Fields of
Convolutional Neural Networks", Distill (2019). Per axis, a layer with kernel ``k``, stride ``s``,
left padding ``p`` and dilation ``d`` maps the receptive field ``r``, the jump (effective stride) ``j``
and the effective padding ``P`` of its input to those of its output::

    r_out = r_in + (k - 1) * d * j_in      j_out = j_in * s      P_out = P_in + p * j_in

Output unit ``i`` then sees input pixels ``-P + i*j`` to ``-P + i*j + r - 1`` (pixels outside the image
are padding), so its centre is at ``-P + i*j + (r - 1)/2``. Pooling with ``ceil_mode`` changes only the
output size, not ``r``, ``j`` or ``P``. Two 3x3 convs give ``r = 5``, three give ``7``: the VGG argument.

Where branches meet (``add``, ``cat``, ``mul``, ``stack``...), the receptive field is the union of the
branches' regions: for *aligned* branches (same jump, same centre) that is the largest branch's field,
Distill's ``max`` rule. Branches whose jumps or centres differ are reported in ``RFReport.warnings``.

How it works: :func:`cnnviz.analysis.tracing.trace` turns the model (in eval mode) into a graph; each
node is run once on *meta* tensors (shapes only, no arithmetic, weights never read) to know its output
shape, and a rule per operation propagates ``(r, j, P)``. An operation without a rule on a spatial tensor
raises ``NotImplementedError`` naming it: no silent guess. A registry name is built on the meta device,
so even ResNet-152 takes a fraction of a second.

Conventions: ``rf``, ``stride`` and ``padding`` of a record are the larger of the two axes (equal for
the square kernels of the zoo). ``sees_whole_input`` is ``rf >= H`` and ``rf >= W``: the receptive field
is at least as large as the image (a unit near the border may still have part of it in the padding).
The ``output`` record is the last spatial map before global pooling or flattening.
"""

from __future__ import annotations

import difflib
import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import fx, nn

from cnnviz.analysis.resolve import resolve_model
from cnnviz.analysis.tracing import module_calls, module_path, trace
from cnnviz.format import pair

__all__ = [
    "Geometry",
    "RFRecord",
    "RFReport",
    "layer_geometry",
    "receptive_field",
]


# --- records ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RFRecord:
    name: str  # qualified module name ("layer1.0.conv1"), or "<module>:<op>" for a join ("layer1.0:add")
    type: str  # module class ("Conv2d") or operation ("add", "cat")
    rf: int  # receptive field size in input pixels (larger axis)
    stride: int  # effective stride (jump) w.r.t. the input
    padding: float  # effective padding P (Distill)
    output_hw: tuple[int, int] | None
    sees_whole_input: bool  # rf >= input size on both axes, at the given input size


@dataclass(frozen=True)
class RFReport:
    model: str
    input_size: tuple[int, int, int]
    rows: tuple[RFRecord, ...]  # layers that change the receptive field, and joins, in execution order
    output: RFRecord  # the last spatial feature map before global pooling / the classifier
    warnings: tuple[str, ...]  # misaligned branches at joins, uneven adaptive pooling

    def row(self, name: str) -> RFRecord:
        """The row called ``name``; KeyError with close matches otherwise."""
        for record in self.rows:
            if record.name == name:
                return record
        names = [r.name for r in self.rows]
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise KeyError(f"{self.model}: no receptive-field row {name!r}.{hint}")

    def first_seeing_whole_input(self) -> RFRecord | None:
        """The first row whose receptive field covers the whole input, or None."""
        return next((r for r in self.rows if r.sees_whole_input), None)


@dataclass(frozen=True)
class Geometry:
    """Per-axis ``(h, w)`` receptive-field geometry of one feature map (what an ``RFRecord`` summarises)."""

    rf: tuple[int, int]
    jump: tuple[float, float]
    padding: tuple[float, float]
    output_hw: tuple[int, int]

    def box(self, i: int, j: int) -> tuple[tuple[float, float], tuple[float, float]]:
        """Input rows ``(first, last)`` and columns ``(first, last)`` seen by output unit ``(i, j)``."""
        top = -self.padding[0] + i * self.jump[0]
        left = -self.padding[1] + j * self.jump[1]
        return (top, top + self.rf[0] - 1), (left, left + self.rf[1] - 1)

    def centre(self, i: int, j: int) -> tuple[float, float]:
        """Centre ``(row, column)`` in input pixels of the receptive field of output unit ``(i, j)``."""
        (top, bottom), (left, right) = self.box(i, j)
        return (top + bottom) / 2, (left + right) / 2

    def record(self, name: str, type_: str, input_hw: tuple[int, int]) -> RFRecord:
        return RFRecord(
            name=name,
            type=type_,
            rf=max(self.rf),
            stride=_as_int(max(self.jump)),
            padding=float(max(self.padding)),
            output_hw=self.output_hw,
            sees_whole_input=self.rf[0] >= input_hw[0] and self.rf[1] >= input_hw[1],
        )


def _as_int(value: float) -> int:
    return int(value) if float(value).is_integer() else math.ceil(value)


# --- node states -----------------------------------------------------------------------------------
# A traced value is one of: spatial (a Geometry), CONST (does not depend on the input: weights,
# Python numbers, shapes), or Global (depends on the input but has no spatial layout any more).


class _Const:
    def __repr__(self) -> str:
        return "CONST"


CONST = _Const()


@dataclass(frozen=True)
class _Global:
    source: RFRecord | None  # the last spatial map before the spatial layout ended


State = Geometry | _Const | _Global


# --- layer rules -----------------------------------------------------------------------------------


def _pair(value: object) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    first, second = value  # type: ignore[misc]
    return int(first), int(second)


def _window(g: Geometry, kernel, stride, padding, dilation, out_hw: tuple[int, int]) -> Geometry:
    """Distill's recursion for a sliding window (convolution or pooling)."""
    k, s, p, d = _pair(kernel), _pair(stride), _pair(padding), _pair(dilation)
    return Geometry(
        rf=tuple(g.rf[a] + (k[a] - 1) * d[a] * g.jump[a] for a in (0, 1)),  # type: ignore[arg-type]
        jump=tuple(g.jump[a] * s[a] for a in (0, 1)),  # type: ignore[arg-type]
        padding=tuple(g.padding[a] + p[a] * g.jump[a] for a in (0, 1)),  # type: ignore[arg-type]
        output_hw=out_hw,
    )


def _conv_padding(conv: nn.Conv2d) -> tuple[int, int]:
    if conv.padding == "valid":
        return 0, 0
    if conv.padding == "same":  # torch pads the extra pixel of an even total on the right/bottom
        pairs = zip(conv.kernel_size, conv.dilation, strict=True)
        return tuple(d * (k - 1) // 2 for k, d in pairs)  # type: ignore[return-value]
    return _pair(conv.padding)


def _rounded(g: Geometry) -> Geometry:
    return Geometry(_rint(g.rf), _rint(g.jump), _rint(g.padding), g.output_hw)


def _rint(values) -> tuple:
    """Round the float products of the recursion back to ints where they are whole."""
    return tuple(int(v) if float(v).is_integer() else v for v in values)


PASS_THROUGH_MODULES: tuple[type[nn.Module], ...] = (
    # pointwise or per-channel in eval mode, or acting across channels only: the map keeps its geometry
    nn.BatchNorm2d,
    nn.ReLU,
    nn.ReLU6,
    nn.LeakyReLU,
    nn.PReLU,
    nn.ELU,
    nn.SELU,
    nn.CELU,
    nn.GELU,
    nn.SiLU,
    nn.Mish,
    nn.Sigmoid,
    nn.Tanh,
    nn.Hardtanh,
    nn.Hardswish,
    nn.Hardsigmoid,
    nn.Softplus,
    nn.Softmax2d,
    nn.Dropout,
    nn.Dropout2d,
    nn.AlphaDropout,
    nn.Identity,
    nn.LocalResponseNorm,  # normalises across neighbouring channels, not pixels
    nn.ChannelShuffle,
)
PAD_MODULES = (nn.ZeroPad2d, nn.ConstantPad2d, nn.ReflectionPad2d, nn.ReplicationPad2d)

# Elementwise operations of two or more tensors: a join where two spatial branches meet.
JOIN_FUNCTIONS: dict[object, str] = {
    operator.add: "add",
    operator.iadd: "add",
    operator.sub: "sub",
    operator.mul: "mul",
    operator.imul: "mul",
    operator.truediv: "div",
    torch.add: "add",
    torch.sub: "sub",
    torch.mul: "mul",
    torch.div: "div",
    torch.maximum: "maximum",
    torch.minimum: "minimum",
}
JOIN_METHODS = {"add", "add_", "sub", "sub_", "mul", "mul_", "div", "div_", "maximum", "minimum"}
CONCAT_FUNCTIONS: dict[object, str] = {torch.cat: "cat", torch.concat: "cat", torch.stack: "stack"}
PASS_THROUGH_FUNCTIONS: set[object] = {
    F.relu, F.relu_, torch.relu, torch.relu_, F.relu6, F.leaky_relu, F.elu, F.gelu, F.silu, F.hardswish,
    torch.sigmoid, F.sigmoid, torch.tanh, F.tanh, F.dropout, F.dropout2d, F.batch_norm,
    F.local_response_norm, operator.neg, torch.neg, torch.abs, torch.clone, torch.channel_shuffle,
}  # fmt: skip
PASS_THROUGH_METHODS = {
    "relu", "relu_", "sigmoid", "sigmoid_", "tanh", "tanh_", "neg", "abs", "clone", "contiguous",
    "float", "double", "half", "to", "type_as", "detach", "clamp", "clamp_", "clamp_min", "clamp_max",
    "pow", "sqrt", "exp", "__neg__",
}  # fmt: skip
REDUCTIONS = {torch.mean: "mean", torch.sum: "sum", torch.amax: "amax", torch.max: "max"}
REDUCTION_METHODS = {"mean", "sum", "amax", "max", "norm"}
RESHAPES = {torch.flatten: "flatten", torch.reshape: "reshape"}
RESHAPE_METHODS = {"flatten", "view", "reshape"}
METADATA_METHODS = {"size", "dim", "numel", "type", "ndimension"}
SPLIT_METHODS = {"chunk", "split", "unbind"}


# --- the propagation -------------------------------------------------------------------------------


class _Propagator:
    """Walks the fx graph once, running each node on meta tensors and propagating its state."""

    def __init__(self, gm: fx.GraphModule, input_size: tuple[int, int, int], model_name: str) -> None:
        self.gm = gm
        self.input_size = input_size
        self.input_hw = (input_size[1], input_size[2])
        self.model_name = model_name
        self.values: dict[fx.Node, object] = {}
        self.arguments: dict[fx.Node, tuple[tuple, dict]] = {}  # evaluated args and kwargs of each node
        self.states: dict[fx.Node, object] = {}  # State, or a list/tuple of them (split outputs)
        self.rows: list[tuple[fx.Node, RFRecord]] = []
        self.warnings: list[str] = []
        self.labels: dict[fx.Node, str] = {}
        self._label_counts: dict[str, int] = {}

    # -- running on meta tensors --

    def _meta_value(self, node: fx.Node, args: tuple, kwargs: dict) -> object:
        if node.op == "placeholder":
            return torch.empty((1, *self.input_size), device="meta")
        if node.op == "get_attr":
            value = _fetch_attr(self.gm, str(node.target))
            return value.to("meta") if isinstance(value, torch.Tensor) else value
        try:
            if node.op == "call_module":
                module = self.gm.get_submodule(str(node.target))
                if isinstance(module, PASS_THROUGH_MODULES) and len(args) == 1 and not kwargs:
                    # shape-preserving: skip running it (batch norm on meta tensors is slow to decompose)
                    return args[0]
                tensors = dict(module.named_parameters()) | dict(module.named_buffers())
                if any(t.device.type != "meta" for t in tensors.values()):
                    meta = {k: torch.empty_like(t, device="meta") for k, t in tensors.items()}
                    return torch.func.functional_call(module, meta, args, kwargs)
                return module(*args, **kwargs)
            if node.op == "call_function":
                return node.target(*args, **kwargs)  # type: ignore[operator]
            if node.op == "call_method":
                return getattr(args[0], str(node.target))(*args[1:], **kwargs)
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001 - re-raised with the node named
            raise RuntimeError(
                f"receptive_field({self.model_name}): could not run node {node.name!r} "
                f"({self._describe(node)}) on shape-only tensors: {error}"
            ) from error
        raise AssertionError(node.op)

    # -- names --

    def _label(self, node: fx.Node, op: str) -> str:
        if node.op == "call_module":
            base = str(node.target)
        else:
            path = module_path(node)
            base = f"{path}:{op}" if path else op
        count = self._label_counts.get(base, 0)
        self._label_counts[base] = count + 1
        label = base if count == 0 else f"{base}#{count + 1}"
        self.labels[node] = label
        return label

    def _describe(self, node: fx.Node) -> str:
        if node.op == "call_module":
            return f"{type(self.gm.get_submodule(str(node.target))).__name__} module {str(node.target)!r}"
        target = getattr(node.target, "__name__", str(node.target))
        where = module_path(node)
        return f"{node.op} {target!r}" + (f" in {where!r}" if where else "")

    # -- the walk --

    def run(self) -> None:
        for node in self.gm.graph.nodes:
            if node.op == "output":
                continue
            args = fx.node.map_arg(node.args, lambda n: self.values[n])
            kwargs = fx.node.map_arg(node.kwargs, lambda n: self.values[n])
            self.arguments[node] = (args, kwargs)
            value = self._meta_value(node, args, kwargs)
            self.values[node] = value
            self.states[node] = self._state(node, value)

    def _inputs(self, node: fx.Node) -> list[fx.Node]:
        return list(dict.fromkeys(node.all_input_nodes))

    def _spatial_inputs(self, node: fx.Node) -> list[fx.Node]:
        return [n for n in self._inputs(node) if isinstance(self.states[n], Geometry)]

    def _input_state(self, node: fx.Node) -> object:
        first = node.args[0] if node.args else None
        return self.states[first] if isinstance(first, fx.Node) else CONST

    def _arg(self, node: fx.Node, position: int, name: str, default: object = None) -> object:
        """An argument of ``node`` by position or keyword, evaluated (a traced ``x.shape[1]`` is an int)."""
        args, kwargs = self.arguments[node]
        if name in kwargs:
            return kwargs[name]
        return args[position] if len(args) > position else default

    def _out_hw(self, value: object) -> tuple[int, int]:
        assert isinstance(value, torch.Tensor)
        return int(value.shape[-2]), int(value.shape[-1])

    def _record(self, node: fx.Node, op: str, geometry: Geometry) -> Geometry:
        geometry = _rounded(geometry)
        self.rows.append((node, geometry.record(self._label(node, op), op, self.input_hw)))
        return geometry

    def _end(self, state: object, node: fx.Node) -> _Global:
        """The spatial layout ends here (global pooling, flattening): remember the last spatial map."""
        if isinstance(state, Geometry):
            source = node.args[0]
            assert isinstance(source, fx.Node)
            name = self.labels.get(source) or self._plain_name(source)
            return _Global(state.record(name, self._type_name(source), self.input_hw))
        return state if isinstance(state, _Global) else _Global(None)

    def _plain_name(self, node: fx.Node) -> str:
        if node.op == "call_module":
            return str(node.target)
        if node.op == "placeholder":
            return "input"
        path = module_path(node)
        return f"{path}:{node.name}" if path else node.name

    def _type_name(self, node: fx.Node) -> str:
        if node.op == "call_module":
            return type(self.gm.get_submodule(str(node.target))).__name__
        if node.op == "placeholder":
            return "input"
        return str(getattr(node.target, "__name__", node.target))

    def _unknown(self, node: fx.Node) -> NotImplementedError:
        return NotImplementedError(
            f"receptive_field({self.model_name}): no receptive-field rule for {self._describe(node)} "
            f"(fx node {node.name!r}) acting on a spatial feature map; add a rule to "
            f"cnnviz/analysis/receptive_field.py rather than guess"
        )

    def _state(self, node: fx.Node, value: object) -> object:
        if node.op == "placeholder":
            return Geometry((1, 1), (1, 1), (0, 0), self.input_hw)
        if node.op == "get_attr":
            return CONST
        inputs = self._inputs(node)
        states = [self.states[n] for n in inputs]
        if not any(isinstance(s, Geometry) or _has_geometry(s) for s in states):
            # nothing spatial flows in: constants stay constant, anything derived from the input is global
            return _Global(_first_source(states)) if any(_is_global(s) for s in states) else CONST
        if node.op == "call_module":
            return self._module_state(node, value)
        return self._function_state(node, value)

    # -- modules --

    def _module_state(self, node: fx.Node, value: object) -> object:
        module = self.gm.get_submodule(str(node.target))
        state = self._input_state(node)
        if not isinstance(state, Geometry):
            raise self._unknown(node)
        kind = type(module).__name__
        if isinstance(module, nn.Conv2d):
            padding = _conv_padding(module)
            out_hw = self._out_hw(value)
            geometry = _window(state, module.kernel_size, module.stride, padding, module.dilation, out_hw)
            return self._record(node, kind, geometry)
        if isinstance(module, nn.MaxPool2d | nn.AvgPool2d):
            dilation = module.dilation if isinstance(module, nn.MaxPool2d) else 1
            stride = module.stride if module.stride is not None else module.kernel_size
            out_hw = self._out_hw(value)
            geometry = _window(state, module.kernel_size, stride, module.padding, dilation, out_hw)
            return self._record(node, kind, geometry)
        if isinstance(module, nn.AdaptiveAvgPool2d | nn.AdaptiveMaxPool2d):
            return self._adaptive(node, state, value, kind)
        if isinstance(module, PAD_MODULES):
            return self._pad(node, state, _pair4(module.padding), value, kind)
        if isinstance(module, PASS_THROUGH_MODULES):
            return _with_hw(state, self._out_hw(value))
        if isinstance(module, nn.Flatten):
            return self._reshape(node, state, value)
        raise self._unknown(node)

    def _adaptive(self, node: fx.Node, state: Geometry, value: object, kind: str) -> object:
        in_hw, out_hw = state.output_hw, self._out_hw(value)
        if out_hw == (1, 1):
            return self._end(state, node)  # global pooling: the spatial layout ends
        kernel, stride = [], []
        for size, out in zip(in_hw, out_hw, strict=True):
            if size % out == 0:
                kernel.append(size // out)
                stride.append(size // out)
            else:  # torch's windows run from floor(i*size/out) to ceil((i+1)*size/out): uneven
                kernel.append(max(-(-(i + 1) * size // out) - (i * size // out) for i in range(out)))
                stride.append(size / out)
        if any(isinstance(s, float) for s in stride):
            self.warnings.append(
                f"{node.target}: adaptive pooling from {in_hw[0]}x{in_hw[1]} to {out_hw[0]}x{out_hw[1]} has "
                f"uneven windows; the receptive field is that of the widest window ({max(kernel)}), the "
                f"stride the average ratio"
            )
        geometry = Geometry(
            rf=tuple(state.rf[a] + (kernel[a] - 1) * state.jump[a] for a in (0, 1)),  # type: ignore[arg-type]
            jump=tuple(state.jump[a] * stride[a] for a in (0, 1)),  # type: ignore[arg-type]
            padding=state.padding,
            output_hw=out_hw,
        )
        return self._record(node, kind, geometry)

    def _pad(self, node: fx.Node, state: Geometry, pad: tuple[int, int, int, int], value: object, kind: str):
        left, _right, top, _bottom = pad
        geometry = Geometry(
            state.rf,
            state.jump,
            (state.padding[0] + top * state.jump[0], state.padding[1] + left * state.jump[1]),
            self._out_hw(value),
        )
        if (left, top) == (0, 0) and geometry.output_hw == state.output_hw:
            return geometry  # channel-only padding (the zero-padding shortcut): not a layer of the table
        return self._record(node, kind, geometry)

    def _reshape(self, node: fx.Node, state: Geometry, value: object) -> object:
        before = self.values[node.args[0]]  # type: ignore[index]
        assert isinstance(before, torch.Tensor)
        if isinstance(value, torch.Tensor) and value.dim() >= 3 and value.shape[-2:] == before.shape[-2:]:
            return _with_hw(state, self._out_hw(value))  # channels regrouped, the map is intact
        return self._end(state, node)

    # -- functions and methods --

    def _function_state(self, node: fx.Node, value: object) -> object:
        target = node.target
        method = str(target) if node.op == "call_method" else None
        spatial = self._spatial_inputs(node)
        state = self._input_state(node)

        if target in JOIN_FUNCTIONS or method in JOIN_METHODS:
            op = JOIN_FUNCTIONS.get(target) or str(method).rstrip("_")
            return self._join(node, op, value)
        if target in CONCAT_FUNCTIONS:
            dim = self._arg(node, 1, "dim", 0)
            first = self._arg(node, 0, "tensors")
            tensors = first[0] if isinstance(first, list | tuple) and first else None
            spatial_cat = isinstance(tensors, torch.Tensor) and _is_spatial_dim(dim, tensors.dim())
            if target is torch.cat and spatial_cat:
                raise NotImplementedError(
                    f"receptive_field({self.model_name}): {self._describe(node)} concatenates along a "
                    f"spatial axis (dim={dim}); the result has no single receptive-field geometry"
                )
            return self._join(node, CONCAT_FUNCTIONS[target], value)
        if target is operator.getitem:
            return self._getitem(node, value)
        if target is getattr or method in METADATA_METHODS:
            return CONST
        if not isinstance(state, Geometry):
            if _has_geometry(state) and (method in SPLIT_METHODS or target in (torch.chunk, torch.split)):
                return state
            # a spatial tensor enters as a later argument (e.g. a mask or weight): no rule for that
            raise self._unknown(node)
        if target in PASS_THROUGH_FUNCTIONS or method in PASS_THROUGH_METHODS:
            if len(spatial) > 1:
                return self._join(node, getattr(target, "__name__", str(method)), value)
            return _with_hw(state, self._out_hw(value))
        if target in REDUCTIONS or method in REDUCTION_METHODS:
            return self._reduction(node, state, value)
        if target in RESHAPES or method in RESHAPE_METHODS:
            return self._reshape(node, state, value)
        if method in SPLIT_METHODS or target in (torch.chunk, torch.split, torch.unbind):
            return self._split(node, state, value)
        if target is F.pad:
            pad = self._arg(node, 1, "pad")
            return self._pad(node, state, _pad_from_functional(pad), value, "pad")
        if target in FUNCTIONAL_WINDOWS:
            return self._functional_window(node, state, value)
        if target in (F.adaptive_avg_pool2d, F.adaptive_max_pool2d):
            return self._adaptive(node, state, value, target.__name__)
        raise self._unknown(node)

    def _join(self, node: fx.Node, op: str, value: object) -> object:
        branches = self._spatial_inputs(node)
        globals_ = [n for n in self._inputs(node) if _is_global(self.states[n])]
        if globals_ and branches:
            raise NotImplementedError(
                f"receptive_field({self.model_name}): {self._describe(node)} combines a spatial map with a "
                f"globally pooled tensor ({globals_[0].name!r}, e.g. squeeze-and-excitation gating): every "
                f"unit then depends on the whole image"
            )
        if len(branches) == 1:
            (only,) = branches
            geometry = self.states[only]
            assert isinstance(geometry, Geometry)
            return _with_hw(geometry, self._out_hw(value))  # a branch and constants (e.g. x * 0.5)
        geometries = [self.states[b] for b in branches]
        label = self._label(node, op)
        names = [self._branch_name(b) for b in branches]
        jumps = {g.jump for g in geometries}  # type: ignore[union-attr]
        centres = {g.centre(0, 0) for g in geometries}  # type: ignore[union-attr]
        if len(jumps) > 1 or len(centres) > 1:
            detail = ", ".join(
                f"{n} (stride {pair(g.jump)}, centre of unit 0 at {pair(g.centre(0, 0))})"
                for n, g in zip(names, geometries, strict=True)  # type: ignore[misc]
            )
            self.warnings.append(f"{label}: misaligned branches: {detail}")
        # the union of the regions the branches see, for unit 0; jump of the coarsest branch
        tops = [[-g.padding[a] for g in geometries] for a in (0, 1)]  # type: ignore[union-attr]
        ends = [[-g.padding[a] + g.rf[a] - 1 for g in geometries] for a in (0, 1)]  # type: ignore[union-attr]
        geometry = Geometry(
            rf=tuple(max(ends[a]) - min(tops[a]) + 1 for a in (0, 1)),  # type: ignore[arg-type]
            jump=tuple(max(g.jump[a] for g in geometries) for a in (0, 1)),  # type: ignore
            padding=tuple(-min(tops[a]) for a in (0, 1)),  # type: ignore[arg-type]
            output_hw=self._out_hw(value),
        )
        geometry = _rounded(geometry)
        self.rows.append((node, geometry.record(label, op, self.input_hw)))
        return geometry

    def _branch_name(self, node: fx.Node) -> str:
        """The nearest labelled layer upstream of ``node`` along its first inputs (for messages)."""
        current: fx.Node | None = node
        while current is not None:
            if current in self.labels:
                return self.labels[current]
            if current.op == "placeholder":
                return "input"
            if current.op == "call_module":
                return str(current.target)
            current = next(iter(current.all_input_nodes), None)
        return node.name

    def _getitem(self, node: fx.Node, value: object) -> object:
        source = node.args[0]
        state = self.states[source] if isinstance(source, fx.Node) else CONST
        if isinstance(state, list | tuple):
            return state[self._arg(node, 1, "index")]  # type: ignore[index]
        if not isinstance(state, Geometry):
            return state
        tensor = self.values[source]  # type: ignore[index]
        assert isinstance(tensor, torch.Tensor)
        index = self._arg(node, 1, "index")
        index = index if isinstance(index, tuple) else (index,)
        if any(isinstance(i, torch.Tensor) for i in index):
            raise self._unknown(node)  # indexing by a tensor: gather, not a regular grid
        if Ellipsis in index:
            at = index.index(Ellipsis)
            index = index[:at] + (slice(None),) * (tensor.dim() - len(index) + 1) + index[at + 1 :]
        index = index + (slice(None),) * (tensor.dim() - len(index))
        if None in index:
            raise self._unknown(node)
        spatial = index[tensor.dim() - 2 :]
        if not all(isinstance(i, slice) for i in spatial):
            raise self._unknown(node)  # an integer index drops a spatial axis
        starts, steps = [], []
        for axis, item in enumerate(spatial):
            start, _stop, step = item.indices(int(tensor.shape[tensor.dim() - 2 + axis]))
            starts.append(start)
            steps.append(step)
        geometry = Geometry(
            rf=state.rf,
            jump=tuple(state.jump[a] * steps[a] for a in (0, 1)),  # type: ignore[arg-type]
            padding=tuple(state.padding[a] - starts[a] * state.jump[a] for a in (0, 1)),  # type: ignore
            output_hw=self._out_hw(value),
        )
        if steps == [1, 1] and starts == [0, 0]:
            return geometry  # channel slice or a no-op: not a layer of the table
        return self._record(node, "slice", geometry)

    def _reduction(self, node: fx.Node, state: Geometry, value: object) -> object:
        tensor = self.values[node.args[0]]  # type: ignore[index]
        assert isinstance(tensor, torch.Tensor)
        dim = self._arg(node, 1, "dim")
        dims = range(tensor.dim()) if dim is None else (dim if isinstance(dim, list | tuple) else (dim,))
        reduced = {d % tensor.dim() for d in dims if isinstance(d, int)}
        spatial = reduced & {tensor.dim() - 2, tensor.dim() - 1}
        if not spatial:
            result = value[0] if isinstance(value, tuple) else value  # max(dim) gives (values, indices)
            return _with_hw(state, self._out_hw(result))
        if len(spatial) == 2:
            return self._end(state, node)  # global pooling written as x.mean((2, 3))
        raise self._unknown(node)

    def _split(self, node: fx.Node, state: Geometry, value: object) -> object:
        position = 1 if node.target == "unbind" or node.target is torch.unbind else 2
        dim = self._arg(node, position, "dim", 0)
        tensor = self.values[node.args[0]]  # type: ignore[index]
        assert isinstance(tensor, torch.Tensor) and isinstance(value, list | tuple)
        if isinstance(dim, int) and _is_spatial_dim(dim, tensor.dim()):
            raise self._unknown(node)
        return tuple(_with_hw(state, self._out_hw(v)) for v in value)

    def _functional_window(self, node: fx.Node, state: Geometry, value: object) -> object:
        names, defaults = FUNCTIONAL_WINDOWS[node.target]
        args, kwargs = self.arguments[node]
        bound = dict(zip(names, args[1:], strict=False)) | dict(kwargs)
        params = {k: bound.get(k, defaults.get(k)) for k in names}
        if node.target is F.conv2d:
            params["kernel_size"] = tuple(params["weight"].shape[-2:])  # type: ignore[union-attr]
            if isinstance(params["padding"], str):
                raise self._unknown(node)
        stride = params["stride"] if params["stride"] not in (None, [], ()) else params["kernel_size"]
        geometry = _window(state, params["kernel_size"], stride, params["padding"], params["dilation"],
                           self._out_hw(value))  # fmt: skip
        return self._record(node, node.target.__name__, geometry)  # type: ignore[union-attr]


# positional parameters after the input, and defaults, of the functional sliding windows
FUNCTIONAL_WINDOWS: dict[Callable, tuple[list[str], dict[str, object]]] = {
    F.conv2d: (["weight", "bias", "stride", "padding", "dilation", "groups"],
               {"stride": 1, "padding": 0, "dilation": 1}),
    F.max_pool2d: (["kernel_size", "stride", "padding", "dilation", "ceil_mode"],
                   {"stride": None, "padding": 0, "dilation": 1}),
    F.avg_pool2d: (["kernel_size", "stride", "padding", "ceil_mode"],
                   {"stride": None, "padding": 0, "dilation": 1}),
}  # fmt: skip


def _pair4(padding: object) -> tuple[int, int, int, int]:
    if isinstance(padding, int):
        return padding, padding, padding, padding
    return tuple(int(p) for p in padding)  # type: ignore[union-attr,return-value]


def _pad_from_functional(pad: object) -> tuple[int, int, int, int]:
    """F.pad's ``(W left, W right, H top, H bottom, ...channels)`` as ``(left, right, top, bottom)``."""
    values = [int(p) for p in pad] + [0, 0, 0, 0]  # type: ignore[union-attr]
    return values[0], values[1], values[2], values[3]


def _is_spatial_dim(dim: int, ndim: int) -> bool:
    return dim % ndim in (ndim - 2, ndim - 1)


def _with_hw(g: Geometry, hw: tuple[int, int]) -> Geometry:
    return g if g.output_hw == hw else Geometry(g.rf, g.jump, g.padding, hw)


def _has_geometry(state: object) -> bool:
    return isinstance(state, Geometry) or (
        isinstance(state, list | tuple) and any(isinstance(s, Geometry) for s in state)
    )


def _is_global(state: object) -> bool:
    if isinstance(state, list | tuple):
        return any(_is_global(s) for s in state)
    return isinstance(state, _Global)


def _first_source(states: Sequence[object]) -> RFRecord | None:
    for s in states:
        if isinstance(s, _Global) and s.source is not None:
            return s.source
    return None


def _fetch_attr(root: nn.Module, target: str) -> object:
    value: object = root
    for part in target.split("."):
        value = getattr(value, part)
    return value




# --- entry points ----------------------------------------------------------------------------------


def _propagate(module: nn.Module, label: str, input_size: tuple[int, int, int]) -> _Propagator:
    gm = fx.GraphModule(module, trace(module, where="receptive_field", label=label))
    propagator = _Propagator(gm, input_size, label)
    with torch.no_grad():
        propagator.run()
    return propagator


def receptive_field(
    model: str | nn.Module, input_size: tuple[int, int, int] | None = None, **model_kwargs
) -> RFReport:
    """The theoretical receptive field of every layer of ``model`` at ``input_size`` (C, H, W).

    ``model`` is a registry name (built with ``model_kwargs`` on the meta device: no weights) or an
    ``nn.Module`` (left untouched: its mode is restored, its weights are never read). The rows are the
    layers that change the receptive field (convolutions, pooling, padding, slicing) and the joins of
    branches; pointwise layers (BN, ReLU, dropout, LRN) keep the field of their input and get no row.
    """
    module, label, size = resolve_model(model, input_size, model_kwargs, "receptive_field", meta=True)
    propagator = _propagate(module, label, size)
    rows = tuple(record for _node, record in propagator.rows)
    return RFReport(
        model=label,
        input_size=size,
        rows=rows,
        output=_output_record(propagator),
        warnings=tuple(dict.fromkeys(propagator.warnings)),
    )


def _output_record(p: _Propagator) -> RFRecord:
    output = next(n for n in p.gm.graph.nodes if n.op == "output")
    leaves: list[fx.Node] = []
    fx.node.map_arg(output.args, leaves.append)
    for leaf in leaves:
        state = p.states[leaf]
        while isinstance(state, list | tuple) and state:
            state = state[0]
        if isinstance(state, Geometry):
            name = p.labels.get(leaf) or p._plain_name(leaf)
            return state.record(name, p._type_name(leaf), p.input_hw)
        if isinstance(state, _Global) and state.source is not None:
            return state.source
    raise ValueError(f"receptive_field({p.model_name}): the output does not depend on a spatial input")


def layer_geometry(
    model: str | nn.Module, layer: str, input_size: tuple[int, int, int] | None = None, **model_kwargs
) -> tuple[Geometry, RFRecord, int]:
    """Geometry of the output of module ``layer`` (a leaf or a container such as ``"layer3"``).

    Returns the per-axis geometry, its summary record, and how many times the forward pass calls the
    module (the geometry is that of the last call). Unknown names raise a ValueError listing the valid
    ones, with close matches first.
    """
    module, label, size = resolve_model(model, input_size, model_kwargs, "layer_geometry", meta=True)
    valid = [name for name, _m in module.named_modules() if name]
    if layer not in valid:
        close = difflib.get_close_matches(str(layer), valid, n=5, cutoff=0.5)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        shown = ", ".join(valid[:40]) + (f", ... ({len(valid)} in all)" if len(valid) > 40 else "")
        raise ValueError(f"{label}: unknown layer {layer!r}.{hint} Valid layers: {shown}")
    propagator = _propagate(module, label, size)
    calls = module_calls(propagator.gm.graph).get(layer)
    if not calls:
        raise ValueError(
            f"{label}: layer {layer!r} is never called itself by the eval-mode forward pass (a container "
            f"whose parts are called one by one, or a branch used only in training); pick a submodule"
        )
    node = calls[-1]
    state = propagator.states[node]
    if not isinstance(state, Geometry):
        raise ValueError(
            f"{label}: layer {layer!r} has no spatial output (global pooling or flattening comes before it)"
        )
    name = propagator.labels.get(node) or layer
    return state, state.record(name, propagator._type_name(node), propagator.input_hw), len(calls)
