"""Live widgets for a kernel (Jupyter, Binder, Colab): sliders that rebuild a module and re-render it.

Thin by design: each ``render_*`` function computes a :class:`View` (a table, the headline numbers
and, where one exists, a diagram) from plain arguments and is tested on its own; each ``*_widget``
function only wires ipywidgets sliders to it with ``ipywidgets.interactive_output``. On the static site
the same cell shows the figure at the sliders' defaults (and :mod:`cnnviz.interact.static` has
kernel-free sliders).

The widget returned is an ``ipywidgets.VBox`` (sliders, then the output) with one extra attribute,
``explorer``: an :class:`ExplorerState` holding the sliders by name and the latest :class:`View`.

ipywidgets, IPython and graphviz are imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from cnnviz.analysis import dense_blocks, fractal_paths, ops
from cnnviz.analysis.ops import mlpconv_cost
from cnnviz.models.lecture import INCEPTION, MLPCONV_EXAMPLE, RESNEXT_BLOCK, STACK_VS_LARGE
from cnnviz.validate import boolean, one_of, positive_int

if TYPE_CHECKING:
    import ipywidgets

__all__ = [
    "View",
    "ExplorerState",
    "Knob",
    "WIDTH_KNOBS",
    "render_inception",
    "render_stack_vs_large",
    "render_cardinality",
    "render_filter_count",
    "inception_widget",
    "stack_vs_large_widget",
    "cardinality_widget",
    "filter_count_widget",
    "render_degradation",
    "degradation_widget",
    "width_knobs",
    "render_mlpconv",
    "mlpconv_widget",
    "render_wide_resnet",
    "wide_resnet_widget",
    "render_fractal",
    "fractal_widget",
    "render_densenet",
    "densenet_widget",
    "render_stochastic_depth",
    "stochastic_depth_widget",
]


def _cell(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


@dataclass(frozen=True)
class View:
    """What an explorer shows for one setting of its sliders: a table (as data), a note, a diagram.

    Displayed as HTML (JupyterLab, Colab and the book's widget manager all render it) with a Markdown
    and a plain-text alternative, then the diagram.
    """

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    numbers: Mapping[str, int | float]  # the headline numbers, by name (what the tests check)
    note: str = ""
    diagram: Any = None  # a graphviz.Digraph, or None
    error: str | None = None  # the reader-facing message when the setting is invalid (numbers then empty)

    @property
    def table(self) -> str:
        """The table as Markdown (integers with thousands separators), then the note."""
        if not self.header:
            return ""
        rule = "|" + "|".join("---:" if i else "---" for i in range(len(self.header))) + "|"
        lines = ["| " + " | ".join(self.header) + " |", rule]
        lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in self.rows]
        return "\n".join(lines) + (f"\n\n{self.note}" if self.note else "")

    def markdown(self) -> str:
        return f"**{self.title}**\n\n{self.error if self.error is not None else self.table}"

    def html(self) -> str:
        out = [f"<p><strong>{escape(self.title)}</strong></p>"]
        if self.error is not None:
            return out[0] + f"<p>{escape(self.error)}</p>"
        head = "".join(f"<th>{escape(h)}</th>" for h in self.header)
        body = "".join(
            "<tr>" + "".join(f'<td style="text-align:{"right" if i else "left"}">{escape(_cell(v))}</td>'
                             for i, v in enumerate(row)) + "</tr>"
            for row in self.rows
        )  # fmt: skip
        out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        if self.note:
            out.append(f"<p>{escape(self.note)}</p>")
        return "".join(out)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        return {"text/html": self.html(), "text/markdown": self.markdown(), "text/plain": self.markdown()}

    def outputs(self) -> list[Any]:
        """The objects to ``display``: this view's table, then the diagram if any."""
        return [self] + ([self.diagram] if self.diagram is not None else [])


@dataclass
class ExplorerState:
    """The sliders of an explorer by name, and the :class:`View` it shows now (updated on every change)."""

    controls: dict[str, Any]
    view: View | None = None
    render: Callable[..., View] | None = field(default=None, repr=False)


def _slider(name: str, value: int, minimum: int, maximum: int, step: int, label: str) -> ipywidgets.IntSlider:
    import ipywidgets as w

    return w.IntSlider(
        value=value, min=minimum, max=maximum, step=step, description=label, continuous_update=False,
        style={"description_width": "initial"}, layout=w.Layout(width="420px"),
    )  # fmt: skip


def _wire(
    render: Callable[..., View], controls: dict[str, Any], fixed: Mapping[str, Any]
) -> ipywidgets.VBox:
    """Wire ``controls`` to ``render`` (plus the ``fixed`` keyword arguments); nothing else."""
    import ipywidgets as w
    from IPython.display import display

    state = ExplorerState(controls=controls, render=render)

    def update(**values: int) -> None:
        state.view = render(**values, **fixed)
        display(*state.view.outputs())

    output = w.interactive_output(update, controls)
    box = w.VBox([w.VBox(list(controls.values())), output])
    box.explorer = state
    return box


# --- Inception: naive vs dimension-reduced --------------------------------------------------------


def render_inception(
    c1x1: int = INCEPTION.c1x1,
    c3x3: int = INCEPTION.c3x3,
    c5x5: int = INCEPTION.c5x5,
    reduce3x3: int = INCEPTION.reduce3x3,
    reduce5x5: int = INCEPTION.reduce5x5,
    pool_proj: int = INCEPTION.pool_proj,
    *,
    in_hw: int = INCEPTION.in_hw,
    in_channels: int = INCEPTION.in_channels,
    diagram: bool = True,
) -> View:
    """Per-branch cost of the naive and the dimension-reduced Inception module (from ``ops``), and the
    reduced module's diagram (``cnnviz.render.diagrams.module_diagram("inception_reduced", ...)``)."""
    naive = ops.inception_naive_cost(in_hw, in_channels, c1x1, c3x3, c5x5)
    reduced = ops.inception_reduced_cost(
        in_hw, in_channels, c1x1, c3x3, c5x5, reduce3x3, reduce5x5, pool_proj
    )
    rows = [
        (n.name, n.macs, n.params, n.out_channels, r.macs, r.params, r.out_channels)
        for n, r in zip(naive.branches, reduced.branches, strict=True)
    ]
    rows.append(("total", naive.macs, naive.params, naive.output_depth, reduced.macs, reduced.params,
                 reduced.output_depth))  # fmt: skip
    header = ("branch", "naive MACs", "naive params", "naive depth", "reduced MACs", "reduced params",
              "reduced depth")  # fmt: skip
    h, w = naive.in_hw
    if reduced.macs <= naive.macs and reduced.params <= naive.params:
        note = (
            f"The 1×1 reductions need {naive.macs / reduced.macs:.2f}× fewer multiply-adds and "
            f"{naive.params / reduced.params:.2f}× fewer parameters (weights, no biases)."
        )
    else:  # reductions wider than what they reduce: the "reduced" module costs more than the naive one
        note = (
            f"The module with 1×1 reductions needs {reduced.macs / naive.macs:.2f}× the multiply-adds and "
            f"{reduced.params / naive.params:.2f}× the parameters (weights, no biases) of the naive one."
        )
    picture = None
    if diagram:
        from cnnviz.render.diagrams import module_diagram

        picture = module_diagram(
            "inception_reduced", in_channels=in_channels, hw=h, c1x1=c1x1, c3x3_reduce=reduce3x3, c3x3=c3x3,
            c5x5_reduce=reduce5x5, c5x5=c5x5, pool_proj=pool_proj,
        )  # fmt: skip
    numbers = {
        "naive_macs": naive.macs, "naive_params": naive.params, "naive_depth": naive.output_depth,
        "reduced_macs": reduced.macs, "reduced_params": reduced.params, "reduced_depth": reduced.output_depth,
    }  # fmt: skip
    title = f"Inception module on a {h}×{w}×{in_channels} input"
    return View(title, header, tuple(rows), numbers, note, picture)


def inception_widget(
    in_hw: int = INCEPTION.in_hw, in_channels: int = INCEPTION.in_channels, *, diagram: bool = True
) -> ipywidgets.VBox:
    """Sliders for the six filter counts of an Inception module (16 to 384 in steps of 16; the lecture's
    example at start) wired to :func:`render_inception`."""
    labels = {
        "c1x1": "1×1 filters", "c3x3": "3×3 filters", "c5x5": "5×5 filters", "reduce3x3": "3×3 reduce (1×1)",
        "reduce5x5": "5×5 reduce (1×1)", "pool_proj": "pool proj (1×1)",
    }  # fmt: skip
    controls = {k: _slider(k, v, 16, 384, 16, labels[k]) for k, v in INCEPTION.filters.items()}
    fixed = {"in_hw": in_hw, "in_channels": in_channels, "diagram": diagram}
    return _wire(render_inception, controls, fixed)


# --- VGG: a stack of 3x3 convolutions against one large filter ----------------------------------


def render_stack_vs_large(C: int = STACK_VS_LARGE.C, n: int = STACK_VS_LARGE.n, *, diagram: bool = True) -> View:
    """``n`` stacked 3×3 convolutions of ``C`` channels against the one filter with the same receptive
    field (from ``ops.stack_vs_large``), and the module diagram of both."""
    s = ops.stack_vs_large(C, 3, n)
    k = s.k_large
    rows = (
        (f"{n} × 3×3 conv", s.receptive_field, s.params_stack, s.nonlinearities_stack),
        (f"1 × {k}×{k} conv", s.receptive_field, s.params_large, s.nonlinearities_large),
    )
    note = f"{9 * n}C² against {k * k}C² weights: the stack needs {s.params_ratio:.2f}× the large filter's."
    picture = None
    if diagram:
        from cnnviz.render.diagrams import module_diagram

        picture = module_diagram("stack_vs_large", n=n, channels=C)
    numbers = {"params_stack": s.params_stack, "params_large": s.params_large, "rf": s.receptive_field}
    header = ("layers", "receptive field", "weights", "non-linearities")
    return View(f"{n} stacked 3×3 convolutions against one {k}×{k}, C = {C}", header, rows, numbers, note, picture)


def stack_vs_large_widget(*, diagram: bool = True) -> ipywidgets.VBox:
    """Sliders for the channels C (16 to 512) and the stack depth n (1 to 5), wired to
    :func:`render_stack_vs_large`."""
    controls = {
        "C": _slider("C", STACK_VS_LARGE.C, 16, 512, 16, "channels C"),
        "n": _slider("n", STACK_VS_LARGE.n, 1, 5, 1, "stack depth n"),
    }
    return _wire(render_stack_vs_large, controls, {"diagram": diagram})


# --- ResNeXt: cardinality -------------------------------------------------------------------------


def render_cardinality(
    cardinality: int = RESNEXT_BLOCK.cardinality,
    bottleneck_width: int = RESNEXT_BLOCK.bottleneck_width,
    *,
    channels: int = RESNEXT_BLOCK.channels,
    in_hw: int = RESNEXT_BLOCK.in_hw,
    form: str = "grouped",
    diagram: bool = True,
    matched: bool = False,
) -> View:
    """Build one ResNeXt block (``channels`` in and out, C = ``cardinality`` paths of width d =
    ``bottleneck_width``; ``form`` "grouped" (Fig. 3c) or "paths" (Fig. 3a)) and count it.

    ``params`` counts every parameter of the built block (batch norm included); ``conv_params`` the
    convolution weights only, the paper's "~70k" convention, compared with the ResNet-50 bottleneck (1×64d).
    ``matched=True`` ("matched complexity") ignores ``bottleneck_width``: d follows C, the width of
    :func:`cnnviz.analysis.ops.matched_cardinality_width` that keeps the bottleneck's budget.
    """
    from torch import nn

    from cnnviz.analysis.ledger import ledger
    from cnnviz.models.resnet import Bottleneck
    from cnnviz.models.resnext import FORMS, AggregatedBottleneck

    positive_int("render_cardinality", "cardinality", cardinality)
    positive_int("render_cardinality", "bottleneck_width", bottleneck_width)
    one_of("render_cardinality", "form", form, FORMS)
    boolean("render_cardinality", "matched", matched)
    if matched:
        bottleneck_width = ops.matched_cardinality_width(cardinality, channels, RESNEXT_BLOCK.resnet_width)
    width = cardinality * bottleneck_width
    block_cls = Bottleneck if form == "grouped" else AggregatedBottleneck
    block = block_cls(channels, channels, 1, width=width, groups=cardinality, stride_in_3x3=True)
    counted = ledger(block, (channels, in_hw, in_hw))
    conv_params = sum(m.weight.numel() for m in block.modules() if isinstance(m, nn.Conv2d))
    resnet = ops.bottleneck_block_cost(in_hw, channels, RESNEXT_BLOCK.resnet_width, out_channels=channels)
    header = ("block", "C", "d", "width C·d", "conv params", "all params", "MACs")
    rows = (
        (f"ResNeXt ({form})", cardinality, bottleneck_width, width, conv_params, counted.total_params,
         counted.total_macs),
        ("ResNet-50 bottleneck", 1, RESNEXT_BLOCK.resnet_width, RESNEXT_BLOCK.resnet_width, resnet.params, "",
         resnet.macs),
    )  # fmt: skip
    note = (
        f"{conv_params / resnet.params:.2f}× the convolution parameters of the ResNet-50 bottleneck; "
        "the paper's Table 2 keeps about the same budget with 1×64d, 2×40d, 4×24d, 8×14d and 32×4d."
    )
    picture = None
    if diagram:
        from cnnviz.render.diagrams import module_diagram

        kind = "resnext_grouped" if form == "grouped" else "resnext_paths"
        picture = module_diagram(kind, in_channels=channels, cardinality=cardinality, width=bottleneck_width,
                                 hw=in_hw)  # fmt: skip
    numbers = {
        "width": width, "params": counted.total_params, "conv_params": conv_params,
        "macs": counted.total_macs,
        "resnet_params": resnet.params, "resnet_macs": resnet.macs,
    }  # fmt: skip
    title = f"ResNeXt block, {cardinality} paths of width {bottleneck_width} ({channels}-d, {in_hw}×{in_hw})"
    if matched:
        title += ", matched complexity (d follows C)"
    return View(title, header, rows, numbers, note, picture)


def cardinality_widget(
    channels: int = RESNEXT_BLOCK.channels,
    in_hw: int = RESNEXT_BLOCK.in_hw,
    *,
    form: str = "grouped",
    diagram: bool = True,
    matched: bool = False,
) -> ipywidgets.VBox:
    """Sliders for C (1 to 64) and d (1 to 128), ResNeXt-50's 32×4d at start, and a "matched complexity"
    checkbox (``matched`` sets it at start): when ticked, d follows C (the d slider is set to the matched
    width and disabled). Wired to :func:`render_cardinality`."""
    import ipywidgets as w

    boolean("cardinality_widget", "matched", matched)
    controls = {
        "cardinality": _slider("cardinality", RESNEXT_BLOCK.cardinality, 1, 64, 1, "cardinality C"),
        "bottleneck_width": _slider("bottleneck_width", RESNEXT_BLOCK.bottleneck_width, 1, 128, 1, "path width d"),
        "matched": w.Checkbox(value=matched, description="matched complexity (d follows C)", indent=False),
    }

    def follow(_change: object = None) -> None:  # the d slider shows the width the block is built with
        d_slider = controls["bottleneck_width"]
        d_slider.disabled = controls["matched"].value
        if controls["matched"].value:
            d_slider.value = ops.matched_cardinality_width(controls["cardinality"].value, channels,
                                                           RESNEXT_BLOCK.resnet_width)

    follow()
    controls["matched"].observe(follow, names="value")
    controls["cardinality"].observe(follow, names="value")
    fixed = {"channels": channels, "in_hw": in_hw, "form": form, "diagram": diagram}
    return _wire(render_cardinality, controls, fixed)


# --- a model's width knobs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Knob:
    """A builder keyword argument that sets filter counts, and its slider range."""

    label: str
    minimum: int
    maximum: int
    step: int


# The keyword arguments of the registry's builders that set filter counts.
WIDTH_KNOBS = {
    "width": Knob("bottleneck width (conv2_x)", 8, 256, 8),
    "cardinality": Knob("cardinality C", 1, 64, 1),
    "bottleneck_width": Knob("path width d", 1, 128, 1),
    "growth_rate": Knob("growth rate k", 4, 64, 4),
}


def _builds(model_name: str, **kwargs: object) -> bool:
    """Whether ``model_name`` accepts ``kwargs`` (built on the meta device: no memory, no init cost)."""
    import torch

    from cnnviz import models

    try:
        with torch.device("meta"):
            models.get(model_name, **kwargs)
    except ValueError:
        return False
    return True


def width_knobs(model_name: str) -> dict[str, int]:
    """The filter-count knobs ``model_name`` accepts, with their defaults (e.g. ``resnet50``: ``width``).

    A knob the builder takes but rejects away from its default (``width`` of the basic-block ResNet-18)
    is left out.
    """
    from cnnviz import models

    kwargs = models.kwargs_of(model_name)
    knobs = {}
    for name, knob in WIDTH_KNOBS.items():
        if name in kwargs and isinstance(kwargs[name].default, int):
            default = kwargs[name].default
            other = default + knob.step if default + knob.step <= knob.maximum else default - knob.step
            if _builds(model_name, **{name: other}):
                knobs[name] = default
    return knobs


_totals_cache: dict[tuple, tuple[int, int, int]] = {}


def _totals(
    model_name: str, input_size: tuple[int, int, int] | None, kwargs: Mapping[str, int]
) -> tuple[int, int, int]:
    from cnnviz.analysis.ledger import ledger

    key = (model_name, input_size, tuple(sorted(kwargs.items())))
    if key not in _totals_cache:
        counted = ledger(model_name, input_size, **kwargs)
        _totals_cache[key] = (counted.total_params, counted.total_macs, counted.total_activations)
        if len(_totals_cache) > 64:  # a small cache: sliding back to a setting is instant
            _totals_cache.pop(next(iter(_totals_cache)))
    return _totals_cache[key]


def render_filter_count(
    model_name: str, input_size: tuple[int, int, int] | None = None, **knobs: int
) -> View:
    """Rebuild ``model_name`` with ``knobs`` (e.g. ``width=32``) and compare its ledger totals with the
    registered defaults. An invalid combination gives a View whose ``error`` is the builder's message."""
    from cnnviz import models

    defaults = {k: p.default for k, p in models.kwargs_of(model_name).items() if k in knobs}
    title = f"{model_name}(" + ", ".join(f"{k}={v}" for k, v in knobs.items()) + ")"
    try:
        params, macs, activations = _totals(model_name, input_size, knobs)
    except ValueError as error:
        return View(title, (), (), {}, error=f"Not a valid setting: {error}")
    base = _totals(model_name, input_size, defaults)
    default = ", ".join(f"{k}={v}" for k, v in defaults.items())
    header = ("", f"default ({default})", "this setting", "ratio")
    rows = tuple(
        (label, b, v, f"{v / b:.2f}×")
        for label, b, v in zip(("parameters", "MACs per image", "activations per image"), base,
                               (params, macs, activations), strict=True)
    )  # fmt: skip
    size = input_size or models.info(model_name).input_size
    numbers = {"params": params, "macs": macs, "activations": activations, "default_params": base[0],
               "default_macs": base[1], "default_activations": base[2]}  # fmt: skip
    return View(f"{title} at input {'×'.join(map(str, size))}", header, rows, numbers)


def filter_count_widget(
    model_name: str, input_size: tuple[int, int, int] | None = None, knobs: Sequence[str] | None = None
) -> ipywidgets.VBox:
    """Sliders for ``model_name``'s filter-count knobs (:data:`WIDTH_KNOBS` that it accepts, or ``knobs``)
    wired to :func:`render_filter_count`: the model is rebuilt and its ledger totals shown."""
    available = width_knobs(model_name)
    if not available:
        raise ValueError(
            f"filter_count_widget: {model_name} has no filter-count knob (one of {', '.join(WIDTH_KNOBS)} "
            "that its builder accepts away from the default); resnet50, resnext50_32x4d and densenet121 "
            "have some"
        )
    chosen = list(available) if knobs is None else list(knobs)
    for name in chosen:
        if name not in available:
            raise ValueError(
                f"filter_count_widget: {model_name} has no knob {name!r}; its knobs: {', '.join(available)}"
            )
    controls = {}
    for name in chosen:
        knob, default = WIDTH_KNOBS[name], available[name]
        low, high = min(knob.minimum, default), max(knob.maximum, default)
        controls[name] = _slider(name, default, low, high, knob.step, knob.label)
    return _wire(render_filter_count, controls, {"model_name": model_name, "input_size": input_size})



# --- ResNet: the degradation curves ---------------------------------------------------------------


def render_degradation(curves: Mapping[str, Any], depth: int) -> View:
    """The plain and residual network of ``depth`` from ``curves`` (name -> run log): their final errors as
    a table and their curves drawn by :func:`cnnviz.render.curves.plot_degradation`."""
    from cnnviz.render.curves import curve_label, family_and_depth, plot_degradation
    from cnnviz.render.plots import svg

    pair = {name: c for name, c in curves.items() if family_and_depth(name)[1] == depth}
    families = {family_and_depth(name)[0] for name in pair}
    if families != {"plain", "resnet"}:
        depths = sorted({family_and_depth(n)[1] for n in curves})
        raise ValueError(f"render_degradation: depth={depth!r} needs a plain and a residual log; depths: {depths}")
    rows = tuple(
        (curve_label(name), f"{100 * c.train_error[-1]:.1f}%", f"{100 * c.test_error[-1]:.1f}%")
        for name, c in sorted(pair.items())
    )
    numbers = {f"{name}_{kind}": getattr(c, f"{kind}_error")[-1] for name, c in pair.items()
               for kind in ("train", "test")}  # fmt: skip
    figure = svg(plot_degradation(pair))
    header = ("network", "final training error", "final test error")
    return View(f"Plain vs residual, {depth} layers", header, rows, numbers, diagram=figure)


def degradation_widget(curves: Mapping[str, Any]) -> ipywidgets.VBox:
    """One toggle button per depth with a plain and a residual log, wired to :func:`render_degradation`."""
    import ipywidgets as w

    from cnnviz.render.curves import family_and_depth

    found: dict[int, set[str]] = {}
    for name in curves:
        family, depth = family_and_depth(name)
        found.setdefault(depth, set()).add(family)
    depths = sorted(d for d, families in found.items() if families == {"plain", "resnet"})
    if not depths:
        raise ValueError(f"degradation_widget: no depth has both a plain and a residual log: {sorted(curves)}")
    toggle = w.ToggleButtons(options=[(f"{d} layers", d) for d in depths], value=depths[-1], description="depth")
    return _wire(render_degradation, {"depth": toggle}, {"curves": curves})


# --- Network in Network: the mlpconv block's micro-network ----------------------------------------


def render_mlpconv(
    cccp_layers: int = MLPCONV_EXAMPLE.cccp_layers,
    cccp_width: int = MLPCONV_EXAMPLE.cccp_width,
    *,
    in_channels: int = MLPCONV_EXAMPLE.in_channels,
    hw: int = MLPCONV_EXAMPLE.hw,
    kernel: int = MLPCONV_EXAMPLE.kernel,
    conv_filters: int = MLPCONV_EXAMPLE.conv_filters,
    diagram: bool = True,
) -> View:
    """Build the zoo's :class:`cnnviz.models.nin.Mlpconv` (a ``kernel``×``kernel`` conv with ``conv_filters``
    filters, then ``cccp_layers`` 1×1 convs of ``cccp_width``), measure it with the ledger, and set it beside
    the k×k convolution alone (``cccp_layers = 0``)."""
    from cnnviz.analysis.ledger import ledger
    from cnnviz.models.nin import Mlpconv, MlpconvSpec

    cost = mlpconv_cost(cccp_layers, cccp_width, in_channels=in_channels, hw=hw, kernel=kernel,
                        conv_filters=conv_filters)  # validates the arguments in the reader's terms
    channels = (conv_filters,) + (cccp_width,) * cccp_layers
    block = Mlpconv(in_channels, MlpconvSpec(channels, kernel, padding=kernel // 2))
    counted = ledger(block, (in_channels, hw, hw))
    alone = mlpconv_cost(0, 1, in_channels=in_channels, hw=hw, kernel=kernel, conv_filters=conv_filters)
    header = ("block", "weight layers per filter", "output depth", "params", "MACs")
    rows = (
        (f"mlpconv: {kernel}×{kernel} conv + {cccp_layers} × 1×1", cccp_layers + 1, cost.out_channels,
         counted.total_params, counted.total_macs),
        (f"{kernel}×{kernel} conv alone", 1, conv_filters, alone.params, alone.macs),
    )  # fmt: skip
    note = (
        f"The 1×1 layers do {cost.cccp_macs / cost.macs:.1%} of the block's multiply-adds; the block costs "
        f"{cost.macs / alone.macs:.2f}× the {kernel}×{kernel} convolution alone, and its receptive field is "
        f"still {kernel}×{kernel}."
    )
    picture = None
    if diagram:
        from cnnviz.render.diagrams import module_diagram

        picture = module_diagram("mlpconv", in_channels=in_channels, hw=hw, kernel=kernel, channels=channels)
    numbers = {
        "params": counted.total_params, "macs": counted.total_macs, "depth": cccp_layers + 1,
        "out_channels": cost.out_channels, "conv_params": alone.params, "conv_macs": alone.macs,
    }  # fmt: skip
    title = f"mlpconv block, {cccp_layers} 1×1 layers of width {cccp_width} ({in_channels} in, {hw}×{hw})"
    return View(title, header, rows, numbers, note, picture)


def mlpconv_widget(*, diagram: bool = True) -> ipywidgets.VBox:
    """Sliders for the number of 1×1 layers (0 to 4) and their width (16 to 384), the CIFAR NiN's second
    block at start, wired to :func:`render_mlpconv`."""
    controls = {
        "cccp_layers": _slider("cccp_layers", MLPCONV_EXAMPLE.cccp_layers, 0, 4, 1, "1×1 layers"),
        "cccp_width": _slider("cccp_width", MLPCONV_EXAMPLE.cccp_width, 16, 384, 16, "1×1 width"),
    }
    return _wire(render_mlpconv, controls, {"diagram": diagram})


# --- Wide ResNet: depth d and width factor k ------------------------------------------------------


def render_wide_resnet(depth: int = 28, k: int = 10, *, diagram: bool = False) -> View:
    """Build the zoo's WRN-``depth``-``k`` (on the meta device: shapes only) and count it with the ledger and
    :func:`cnnviz.analysis.depth.weight_layer_depth`; beside it, the thin WRN-d'-1 with the same parameter
    budget (:func:`cnnviz.analysis.ops.thin_twin`), and the paper's CIFAR-10 errors for WRN-d-k where it reports
    any (:func:`cnnviz.interact.static.wide_resnet.paper_or_none`). ``diagram`` adds the block-level diagram.
    An invalid depth gives a View whose ``error`` is the builder's message."""
    import torch

    from cnnviz.analysis.depth import weight_layer_depth
    from cnnviz.analysis.ledger import ledger
    from cnnviz.analysis.ops import thin_twin
    from cnnviz.models.wide_resnet import wide_resnet

    title = f"WRN-{depth}-{k} on CIFAR (32×32)"
    try:
        with torch.device("meta"):
            net = wide_resnet(depth, k)
    except ValueError as error:
        return View(title, (), (), {}, error=f"Not a valid setting: {error}")
    counted = ledger(net, (3, 32, 32))
    layers = weight_layer_depth(net)
    twin = thin_twin(counted.total_params)
    header = ("network", "parameters", "multiply-adds", "layers in sequence", "multiply-adds per layer")
    rows = (
        (f"WRN-{depth}-{k}", counted.total_params, counted.total_macs, layers, round(counted.total_macs / layers)),
        (f"WRN-{twin.depth}-1 (same budget, thin)", twin.params, twin.macs, twin.weight_layers,
         round(twin.macs_per_layer)),
    )  # fmt: skip
    from cnnviz.interact.static.wide_resnet import PAPER_HEAD, paper_or_none

    note = (
        f"The thin network needs {twin.weight_layers / layers:.0f}× the layers in sequence for the same parameters; "
        f"each of its layers has {counted.total_macs / layers / twin.macs_per_layer:.0f}× less work to spread "
        f"over a parallel processor. {PAPER_HEAD} {'; '.join(paper_or_none(depth, k))} (Zagoruyko & Komodakis "
        "2016; each table's preprocessing and runs as it states them)."
    )
    picture = None
    if diagram:
        from cnnviz.render.diagrams import network_diagram

        picture = network_diagram(net, level="block", input_size=(3, 32, 32))
    numbers = {
        "params": counted.total_params, "macs": counted.total_macs, "layers": layers,
        "twin_depth": twin.depth, "twin_params": twin.params, "twin_layers": twin.weight_layers,
    }  # fmt: skip
    return View(title, header, rows, numbers, note, picture)


def wide_resnet_widget(*, diagram: bool = False) -> ipywidgets.VBox:
    """Sliders for the depth d (10 to 100, d = 6n + 4) and the width factor k (1 to 16), WRN-28-10 at start,
    wired to :func:`render_wide_resnet`."""
    controls = {
        "depth": _slider("depth", 28, 10, 100, 6, "depth d"),
        "k": _slider("k", 10, 1, 16, 1, "width factor k"),
    }
    return _wire(render_wide_resnet, controls, {"diagram": diagram})


# --- FractalNet: columns C and drop-path samples --------------------------------------------------


def render_fractal(columns: int = 3, drop_sample: int = 1, *, diagram: bool = True) -> View:
    """Count the zoo's C-column fractal block (:func:`cnnviz.analysis.fractal_paths.fractal_block_count`) and draw
    drop-path sample ``drop_sample`` (:func:`cnnviz.analysis.fractal_paths.drop_path_sample`, seed = sample number);
    ``diagram`` adds the block's diagram with the dropped part dashed."""
    from cnnviz.interact.static.fractalnet import drop_path_diagram, sample_text

    positive_int("render_fractal", "columns", columns)
    positive_int("render_fractal", "drop_sample", drop_sample)
    total = fractal_paths.fractal_block_count(columns)
    sample = fractal_paths.drop_path_sample(columns, drop_sample)
    header = ("", "convolutions", "joins", "paths", "longest path", "shortest path")
    kept_joins = sum(f"join{step}" in sample.live for step, _, _ in sample.kept)
    rows = (
        (f"block, C = {columns}", total.convs, total.joins, total.paths, total.longest, total.shortest),
        (f"sample {drop_sample} ({sample.kind})", sample.convs, kept_joins, sample.paths, sample.longest,
         sample.shortest),
    )  # fmt: skip
    numbers = {"convs": total.convs, "joins": total.joins, "paths": total.paths, "longest": total.longest,
               "shortest": total.shortest, "sample_convs": sample.convs, "sample_paths": sample.paths}  # fmt: skip
    picture = drop_path_diagram(columns, drop_sample) if diagram else None
    return View(f"Fractal block with C = {columns} columns", header, rows, numbers,
                "Drop-path " + sample_text(sample, total) + ".", picture)  # fmt: skip


def fractal_widget(*, diagram: bool = True) -> ipywidgets.VBox:
    """A slider for C (1 to 6), one for the drop-path sample, and a "sample a drop-path" button that moves
    to the next sample, wired to :func:`render_fractal`."""
    import ipywidgets as w

    controls = {
        "columns": _slider("columns", 3, 1, 6, 1, "columns C"),
        "drop_sample": _slider("drop_sample", 1, 1, 1000, 1, "drop-path sample"),
    }
    box = _wire(render_fractal, controls, {"diagram": diagram})
    button = w.Button(description="sample a drop-path")

    def next_sample(_: object) -> None:
        slider = controls["drop_sample"]
        slider.value = slider.value % slider.max + 1

    button.on_click(next_sample)
    box.children = (box.children[0], button, *box.children[1:])
    box.sample_button = button  # not a control: interactive_output reads every control's value
    return box


# --- DenseNet: growth rate, layers per block, bottleneck, compression ------------------------------


def render_densenet(
    k: int = 12, layers: int = 16, bottleneck: bool = True, compression: float = 0.5, *, diagram: bool = False
) -> View:
    """Build the zoo's CIFAR DenseNet (``cifar_densenet``) with three dense blocks of ``layers`` layers, growth
    rate ``k`` and compression θ (16 channels into the first block, or 2k with the bottleneck, as the paper
    builds them; on the meta device: shapes only), count it with the ledger, and put beside each block the
    activation memory training keeps, counted the chapter's three ways (the kernel-free explorer's
    :data:`cnnviz.interact.static.densenet.MEMORY`: what autograd keeps, what a memory-efficient implementation
    keeps, each map stored once), in MB of float32 per image. ``diagram`` adds the network drawn stage by stage
    (each dense block one node). An invalid setting gives a View whose ``error`` says why."""
    import torch

    from cnnviz.analysis.ledger import ledger
    from cnnviz.interact.static.densenet import MEMORY
    from cnnviz.models.densenet import cifar_densenet

    kind = "bottleneck" if bottleneck else "basic"
    title = f"CIFAR DenseNet, k = {k}, {layers} {kind} layers per block, θ = {compression:g}"
    try:
        positive_int("render_densenet", "layers", layers)
        depth = (6 if bottleneck is True else 3) * layers + 4  # what cifar_densenet reads back as n layers
        with torch.device("meta"):
            net = cifar_densenet(depth=depth, growth_rate=k, bottleneck=bottleneck, compression=compression)
    except ValueError as error:
        return View(title, (), (), {}, error=f"Not a valid setting: {error}")
    counted = ledger(net, (3, 32, 32))
    by_name = {r.name: r for r in counted.rows}
    init = net.channels[0].in_channels
    body = dense_blocks.densenet_blocks_cost(
        init, (layers,) * 3, k, 32, bottleneck=bottleneck, compression=compression
    )
    # activation elements per image kept for training, in the order of MEMORY's labels
    memory = (dense_blocks.autograd_saved_elements, dense_blocks.memory_efficient_elements,
              lambda block: block.shared_elements)  # fmt: skip
    header = ("block", "input channels of its layers", "channels out", "parameters", "multiply-adds per image",
              *(f"{label}, MB per image" for _, _, label in MEMORY))  # fmt: skip
    rows = []
    for i, (channels, cost) in enumerate(zip(net.channels, body.blocks, strict=True), start=1):
        record = by_name[f"features.denseblock{i}"]
        out = channels.out_channels if channels.transition_out is None else (
            f"{channels.out_channels} → θ: {channels.transition_out}")  # fmt: skip
        rows.append((f"dense block {i} ({cost.hw}×{cost.hw})", f"{cost.layer_inputs[0]} … {cost.layer_inputs[-1]}",
                     out, record.params, record.macs, *(f"{4 * kept(cost) / 1e6:,.1f}" for kept in memory)))  # fmt: skip
    numbers = {
        "params": counted.total_params, "macs": counted.total_macs, "body_params": body.params,
        "body_macs": body.macs, "out_channels": net.channels[-1].out_channels, "depth": depth, "init_channels": init,
    }  # fmt: skip
    for (name, _, _), kept in zip(MEMORY, memory, strict=True):  # "kept", "efficient", "once": elements
        numbers[name.removesuffix("_mb")] = sum(kept(b) for b in body.blocks)
    from cnnviz.analysis.claims.densenet import table2_row
    from cnnviz.interact.static.densenet import NONE, PAPER_HEAD, paper_lines

    paper = table2_row(k, layers, bottleneck, compression)
    note = (
        f"{net.model_name}: depth L = {depth}, {init} channels into the first block. Whole network (with the "
        f"first convolution and the classifier): {counted.total_params:,} parameters, {counted.total_macs:,} "
        f"multiply-adds per 32×32 image. Memory: the dense blocks' activations kept for training, float32 (4 bytes "
        f"each), per image. {PAPER_HEAD} "
        + ("; ".join(paper_lines(paper)) if paper else NONE[0]) + "."
    )
    picture = None
    if diagram:
        from cnnviz.render.diagrams import network_diagram

        picture = network_diagram(net, input_size=(3, 32, 32))  # each dense block one node: readable
    return View(title, header, tuple(rows), numbers, note, picture)


def densenet_widget(*, diagram: bool = False) -> ipywidgets.VBox:
    """Sliders for the growth rate k (4 to 48), the layers per block (1 to 48) and the compression θ in
    percent (10 to 100), and a bottleneck box, DenseNet-BC-100 at start, wired to :func:`render_densenet`."""
    import ipywidgets as w

    controls = {
        "k": _slider("k", 12, 4, 48, 4, "growth rate k"),
        "layers": _slider("layers", 16, 1, 48, 1, "layers per block"),
        "bottleneck": w.Checkbox(value=True, description="bottleneck (DenseNet-B)", indent=False),
        "compression": _slider("compression", 50, 10, 100, 10, "compression θ (%)"),
    }

    def render(k: int, layers: int, bottleneck: bool, compression: int, diagram: bool) -> View:
        return render_densenet(k, layers, bool(bottleneck), compression / 100, diagram=diagram)

    box = _wire(render, controls, {"diagram": diagram})
    box.explorer.render = render_densenet
    return box


# --- Stochastic depth: survival probabilities and a sampled network -------------------------------


def render_stochastic_depth(p_last_percent: int = 50, rule: str = "linear", sample: int = 1) -> View:
    """Build the zoo's ResNet-110 with stochastic depth, set its survival probabilities by ``rule``
    (:func:`cnnviz.analysis.ops.survival_probabilities`, p_L = ``p_last_percent``/100) and run one training
    forward pass on a blank image after ``torch.manual_seed(sample)``: a table per stage of the expected and
    the sampled number of blocks that run, with the expected saving
    (:func:`cnnviz.analysis.stochastic_depth.network_cost`). torch's random state is restored."""
    import torch

    from cnnviz.analysis.stochastic_depth import network_cost
    from cnnviz.format import percent
    from cnnviz.models.stochastic_depth import stochastic_depth_resnet

    one_of("render_stochastic_depth", "rule", rule, ops.SURVIVAL_RULES)
    title = f"ResNet-110 with stochastic depth: p_L = {p_last_percent / 100:.2f}, {rule} rule, sample #{sample}"
    if isinstance(p_last_percent, bool) or not isinstance(p_last_percent, int) or not 0 <= p_last_percent <= 100:
        return View(title, (), (), {}, error=f"Not a valid setting: p_L must be 0 to 100 percent, got {p_last_percent!r}")
    cost = network_cost(p_last_percent / 100, rule)
    net = stochastic_depth_resnet(110, cost.p_last)
    blocks = net.blocks()
    for block, p in zip(blocks, cost.survival, strict=True):
        block.survival_prob = p
    net.train()
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(sample)
        net(torch.zeros(1, 3, 32, 32))
    dropped = set(net.dropped_blocks())
    per_stage = len(blocks) // 3
    header = ("stage", "blocks", "p_l (first to last)", "expected to run", "run in this sample")
    rows = []
    for s in range(3):
        idx = range(s * per_stage, (s + 1) * per_stage)
        ps = [cost.survival[i] for i in idx]
        rows.append((f"layer{s + 1}", per_stage, f"{ps[0]:.3f} to {ps[-1]:.3f}", f"{sum(ps):.2f}",
                     sum(i not in dropped for i in idx)))  # fmt: skip
    active = len(blocks) - len(dropped)
    rows.append(("all", len(blocks), "", f"{cost.expected_blocks:.2f}", active))
    note = (
        f"This sample runs {active} of {len(blocks)} blocks ({2 * active + 2} weight layers in sequence); on "
        f"average {cost.expected_blocks:.2f} run, saving {percent(cost.saving, 1)} of the training "
        f"multiply-adds. At test time all {len(blocks)} run, each residual scaled by p_l."
    )
    numbers = {"expected_blocks": cost.expected_blocks, "saving": cost.saving, "active": active,
               "dropped": len(dropped)}  # fmt: skip
    return View(title, header, tuple(rows), numbers, note)


def stochastic_depth_widget() -> ipywidgets.VBox:
    """A slider for p_L (percent), the rule (linear or uniform) and a "sample a network" button that draws a
    new training step (it moves the ``sample`` seed on, and is the box's ``sample_button``), wired to
    :func:`render_stochastic_depth`."""
    import ipywidgets as w

    controls = {
        "p_last_percent": _slider("p_last_percent", 50, 0, 100, 5, "p_L (%)"),
        "rule": w.ToggleButtons(options=list(ops.SURVIVAL_RULES), value="linear", description="rule"),
        "sample": _slider("sample", 1, 1, 10_000, 1, "sample #"),
    }
    box = _wire(render_stochastic_depth, controls, {})
    button = w.Button(description="sample a network")

    def draw(_button: object) -> None:
        sample = controls["sample"]
        sample.value = sample.value % sample.max + 1

    button.on_click(draw)
    box.children = (box.children[0], button, *box.children[1:])
    box.sample_button = button  # not among the controls: interactive_output reads their values
    return box
