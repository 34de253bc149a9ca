"""Kernel-free interactive figures: sliders that respond on the published page, with no kernel.

Each explorer precomputes its numbers with :mod:`cnnviz.analysis.ops` for every slider position and
ships them inside a Vega-Lite spec (written with altair). In the browser, a slider only *filters* the
precomputed rows (and Vega sums the rows of one module's branches); no formula is re-derived in
JavaScript. The book's script ``book/_assets/cnnviz-figures.js`` embeds every
``<div class="cnnviz-vega" data-spec=...>`` with the vendored Vega bundles; JupyterLab renders the
``application/vnd.vegalite.v6+json`` output natively.

Every slider is a Vega-Lite parameter with a stable name; Vega renders it as
``<input type="range" name="{param}">``, which is how a browser test finds it. Each figure also shows its
current numbers as text marks (the "readout"), so a test can read them back.

altair is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cnnviz.analysis import ops
from cnnviz.models.lecture import INCEPTION, RESNEXT_BLOCK, RESNEXT_TABLE2, STACK_VS_LARGE
from cnnviz.render import theme

if TYPE_CHECKING:
    import altair

__all__ = [
    "StaticFigure",
    "VEGALITE_MIME",
    "inception_cost_figure",
    "stack_vs_large_figure",
    "cardinality_figure",
    "degradation_figure",
    "degradation_rows",
]

VEGALITE_MIME = "application/vnd.vegalite.v6+json"
GREY = "#888888"  # text, axes and legends: legible on the book's light and dark pages
FONT = "Helvetica, Arial, sans-serif"
BRANCH_COLOURS = {  # Okabe–Ito
    "1x1": theme.OKABE_ITO["sky_blue"],
    "3x3": theme.OKABE_ITO["blue"],
    "5x5": theme.OKABE_ITO["vermillion"],
    "pool": theme.OKABE_ITO["bluish_green"],
}

_INCEPTION_LABELS = {
    "c1x1": "1×1 filters",
    "c3x3": "3×3 filters",
    "c5x5": "5×5 filters",
    "reduce3x3": "3×3 reduce (1×1)",
    "reduce5x5": "5×5 reduce (1×1)",
    "pool_proj": "pool proj (1×1)",
}

@dataclass(frozen=True)
class StaticFigure:
    """A Vega-Lite spec with a text fallback, displayed as HTML the book's script turns into a chart.

    ``alt`` is the figure's accessible name (``aria-label``); ``fallback`` is the text shown until the
    chart renders (or without JavaScript), by default ``alt``.
    """

    spec: Mapping[str, Any]
    alt: str
    fallback: str = ""
    sliders: tuple[str, ...] = field(default=())  # names of the bound params, in display order

    def spec_json(self) -> str:
        """The spec as compact JSON with sorted keys: the same bytes on every build."""
        return json.dumps(self.spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def html(self) -> str:
        """``<div class="cnnviz-vega" role="figure" aria-label=... data-spec=...>fallback</div>``.

        The attribute is single-quoted, so the JSON's many double quotes need no escaping (that halves
        the page weight); ``&``, ``<``, ``>`` and ``'`` are escaped.
        """
        spec = self.spec_json()
        for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("'", "&#39;")):
            spec = spec.replace(char, entity)
        text = html.escape(self.fallback or self.alt)
        return (
            f'<div class="cnnviz-vega" role="figure" aria-label="{html.escape(self.alt)}" '
            f"data-spec='{spec}'>{text}</div>"
        )

    def datasets(self) -> dict[str, list[dict[str, Any]]]:
        """The precomputed rows the spec carries, by dataset name."""
        return {name: list(rows) for name, rows in self.spec.get("datasets", {}).items()}

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        return {"text/html": self.html(), VEGALITE_MIME: json.loads(self.spec_json())}


# --- helpers -------------------------------------------------------------------------------------


def _grid(func: str, name: str, minimum: int, maximum: int, step: int) -> list[int]:
    for key, value in (("minimum", minimum), ("maximum", maximum), ("step", step)):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"{func}: {name} slider {key} must be a positive integer, got {value!r}")
    if maximum < minimum:
        raise ValueError(f"{func}: {name} slider maximum {maximum} is below its minimum {minimum}")
    return list(range(minimum, maximum + 1, step))


def _on_grid(func: str, name: str, value: object, grid: Sequence[int]) -> int:
    if value not in grid or isinstance(value, bool):
        raise ValueError(
            f"{func}: {name}={value!r} is not a slider position; valid: {grid[0]} to {grid[-1]} in steps of "
            f"{grid[1] - grid[0] if len(grid) > 1 else 1}"
        )
    return value  # type: ignore[return-value]


def _slider(alt: Any, name: str, value: int, grid: Sequence[int], label: str) -> altair.Parameter:
    step = grid[1] - grid[0] if len(grid) > 1 else 1
    bind = alt.binding_range(min=grid[0], max=grid[-1], step=step, name=f"{label} ")
    return alt.param(name=name, value=value, bind=bind)


def _style(chart: altair.TopLevelMixin) -> altair.TopLevelMixin:
    """Transparent background, mid-grey text and axes, Okabe–Ito categories."""
    return (
        chart.configure(background="transparent", font=FONT)
        .configure_view(stroke=None)
        .configure_title(color=GREY, subtitleColor=GREY, anchor="start", fontSize=14, subtitleFontSize=12)
        .configure_axis(
            labelColor=GREY, titleColor=GREY, domainColor=GREY, tickColor=GREY, gridColor=GREY,
            gridOpacity=0.25,
        )
        .configure_legend(labelColor=GREY, titleColor=GREY)
        .configure_header(labelColor=GREY, titleColor=GREY)
        .configure_text(color=GREY, fontSize=12)
        .configure_range(category=list(theme.OKABE_ITO.values())[:7])
    )


def _readout(alt: Any, base: altair.Chart, lines: int, width: int, name: str) -> altair.Chart:
    """Text lines (field ``text``, ordered by ``line``): the figure's current numbers, as text."""
    return (
        base.mark_text(align="left", baseline="middle", fontSize=13)
        .encode(
            x=alt.value(0),
            y=alt.Y("line:O", axis=None, scale=alt.Scale(domain=list(range(lines)))),
            text="text:N",
        )
        .properties(width=width, height=20 * lines, name=name)
    )


def _figure(
    chart: altair.TopLevelMixin, alt_text: str, fallback: str, sliders: Sequence[str]
) -> StaticFigure:
    spec = _style(chart).to_dict()  # altair validates against the Vega-Lite v6 schema here
    return StaticFigure(spec=spec, alt=alt_text, fallback=fallback, sliders=tuple(sliders))


# --- a. Inception: naive module vs 1x1 dimension reductions ----------------------------------------


def _branch_rows(cost: ops.InceptionCost, knobs: Mapping[str, Mapping[str, int]]) -> list[dict[str, Any]]:
    return [
        {"module": cost.kind, "branch": b.name, **knobs[b.name], "macs": b.macs, "params": b.params,
         "depth": b.out_channels}
        for b in cost.branches
    ]  # fmt: skip


def inception_rows(
    in_hw: int = INCEPTION.in_hw,
    in_channels: int = INCEPTION.in_channels,
    filters: Sequence[int] = tuple(range(16, 385, 16)),
) -> list[dict[str, Any]]:
    """One row per (module, branch, knob values of that branch): MACs, params and output depth.

    A module's cost is the sum of its branches, and each branch depends only on its own knobs (the 1×1
    branch on ``c1x1``; the reduced 3×3 branch on ``reduce3x3`` and ``c3x3``; ...), so this table holds
    every slider position with ~1,300 rows instead of the 24^6 of a full grid. Knobs a branch does not
    depend on are absent from its rows.
    """
    rows: list[dict[str, Any]] = []
    f0 = filters[0]
    for c in filters:  # the branch's knob c, the others at an arbitrary f0; only that branch is kept
        naive = ops.inception_naive_cost(in_hw, in_channels, c, c, c)
        reduced = ops.inception_reduced_cost(in_hw, in_channels, c, c, c, f0, f0, c)
        knobs = {"1x1": {"c1x1": c}, "3x3": {"c3x3": c}, "5x5": {"c5x5": c}, "pool": {}}
        rows += [r for r in _branch_rows(naive, knobs) if r["branch"] != "pool" or c == f0]
        knobs = {"1x1": {"c1x1": c}, "3x3": {}, "5x5": {}, "pool": {"pool_proj": c}}
        rows += [r for r in _branch_rows(reduced, knobs) if r["branch"] in ("1x1", "pool")]
    for r in filters:  # the reduced 3x3 and 5x5 branches depend on two knobs each
        for c in filters:
            reduced = ops.inception_reduced_cost(in_hw, in_channels, f0, c, c, r, r, f0)
            knobs = {"1x1": {}, "3x3": {"reduce3x3": r, "c3x3": c}, "5x5": {"reduce5x5": r, "c5x5": c},
                     "pool": {}}  # fmt: skip
            rows += [row for row in _branch_rows(reduced, knobs) if row["branch"] in ("3x3", "5x5")]
    order = {"naive": 0, "reduced": 1}
    branch = {"1x1": 0, "3x3": 1, "5x5": 2, "pool": 3}
    rows.sort(
        key=lambda r: (order[r["module"]], branch[r["branch"]], *(r.get(k, 0) for k in INCEPTION.filters))
    )
    return rows


def inception_cost_figure(
    in_hw: int = INCEPTION.in_hw,
    in_channels: int = INCEPTION.in_channels,
    *,
    minimum: int = 16,
    maximum: int = 384,
    step: int = 16,
    **defaults: int,
) -> StaticFigure:
    """Naive vs dimension-reduced Inception module: multiply-adds, parameters and output depth.

    Six sliders (params ``c1x1``, ``c3x3``, ``c5x5``, ``reduce3x3``, ``reduce5x5``, ``pool_proj``), each
    from ``minimum`` to ``maximum`` in steps of ``step`` filters, all live at once: the precomputed table
    (see :func:`inception_rows`) holds every branch at every position of its own knobs, and the browser sums
    the branches of the current position. ``defaults`` set the starting positions (by default the lecture's
    example, :data:`cnnviz.models.lecture.INCEPTION`: naive ops on 28×28×256 854,196,224).
    """
    import altair as alt

    func = "inception_cost_figure"
    for key in defaults:
        if key not in INCEPTION.filters:
            valid = ", ".join(INCEPTION.filters)
            raise ValueError(f"{func}: unknown slider {key!r}; valid sliders: {valid}")
    grid = _grid(func, "filter", minimum, maximum, step)
    values = {k: _on_grid(func, k, v, grid) for k, v in (INCEPTION.filters | defaults).items()}
    ops.inception_naive_cost(in_hw, in_channels, 1, 1, 1)  # validates in_hw and in_channels
    hw = in_hw if isinstance(in_hw, int) else in_hw[0]
    params = [_slider(alt, k, v, grid, _INCEPTION_LABELS[k]) for k, v in values.items()]

    current = " && ".join(f"(!isValid(datum.{k}) || datum.{k} == {k})" for k in INCEPTION.filters)
    base = alt.Chart(alt.Data(name="inception")).transform_filter(current)
    module_axis = alt.Axis(
        title=None, labelExpr="datum.value == 'naive' ? 'naive' : 'with 1×1 reductions'", labelFontSize=12
    )
    colour = alt.Color(
        "branch:N",
        scale=alt.Scale(domain=list(BRANCH_COLOURS), range=list(BRANCH_COLOURS.values())),
        legend=alt.Legend(title="branch", orient="right"),
    )

    def panel(measure: str, title: str) -> alt.LayerChart:
        bars = base.mark_bar().encode(
            y=alt.Y("module:N", sort=["naive", "reduced"], axis=module_axis),
            x=alt.X(f"sum({measure}):Q", title=title, axis=alt.Axis(format="~s")),
            color=colour,
            tooltip=["module:N", "branch:N", alt.Tooltip(f"{measure}:Q", format=",")],
        )
        totals = (
            # distinct field names per panel: Vega-Lite merges look-alike transforms across views
            base.transform_aggregate(**{f"total_{measure}": f"sum({measure})"}, groupby=["module"])
            .transform_calculate(**{f"label_{measure}": f"format(datum.total_{measure}, '.3~s')"})
            .mark_text(align="left", dx=4)
            .encode(
                y=alt.Y("module:N", sort=["naive", "reduced"]),
                x=f"total_{measure}:Q",
                text=f"label_{measure}:N",
            )
        )
        return alt.layer(bars, totals).properties(width=420, height=56)

    per_module = (
        base.transform_aggregate(
            macs="sum(macs)", params="sum(params)", depth="sum(depth)", groupby=["module"]
        ).transform_calculate(
            line="datum.module == 'naive' ? 0 : 1",
            text=(
                "(datum.module == 'naive' ? 'naive: ' : 'with 1×1 reductions: ') + format(datum.macs, ',')"
                f" + ' multiply-adds, ' + format(datum.params, ',') + ' parameters, output {hw}×{hw}×'"
                " + datum.depth"
            ),
        )
    )
    ratio = base.transform_calculate(
        naive="datum.module == 'naive' ? datum.macs : 0", reduced="datum.module == 'reduced' ? datum.macs : 0"
    ).transform_aggregate(naive="sum(naive)", reduced="sum(reduced)").transform_calculate(
        line="2",
        text="'the 1×1 reductions need ' + format(datum.naive / datum.reduced, '.2f')"
        " + '× fewer multiply-adds'",
    )
    readout = alt.layer(
        _readout(alt, per_module, 3, 420, "readout_modules"), _readout(alt, ratio, 3, 420, "readout_ratio")
    )

    naive = ops.inception_naive_cost(in_hw, in_channels, values["c1x1"], values["c3x3"], values["c5x5"])
    reduced = ops.inception_reduced_cost(in_hw, in_channels, values["c1x1"], values["c3x3"], values["c5x5"],
                                         values["reduce3x3"], values["reduce5x5"], values["pool_proj"])
    shape = f"{hw}×{hw}×{in_channels}"
    chart = alt.vconcat(
        readout,
        panel("macs", "multiply-adds per image"),
        panel("params", "parameters (weights, no biases)"),
        panel("depth", "output depth (channels)"),
        spacing=14,
    ).add_params(*params).properties(
        title=alt.Title(
            f"Inception module on a {shape} input: naive vs 1×1 dimension reductions",
            subtitle="Move the sliders: every number is precomputed by cnnviz.analysis.ops.",
        ),
        datasets={"inception": inception_rows(in_hw, in_channels, grid)},
    )
    fallback = (
        f"Inception module on {shape}: naive {naive.macs:,} multiply-adds and {naive.params:,} parameters "
        f"(output depth {naive.output_depth}); with 1×1 reductions {reduced.macs:,} multiply-adds and "
        f"{reduced.params:,} parameters (output depth {reduced.output_depth})."
    )
    alt_text = f"Bar charts of the cost of a naive and a dimension-reduced Inception module, {shape} input"
    return _figure(chart, alt_text, fallback, list(values))


# --- b. a stack of 3x3 convolutions vs one large one ----------------------------------------------


def stack_vs_large_rows(channels: Sequence[int], depths: Sequence[int]) -> list[dict[str, Any]]:
    """Two rows per (C, n): the stack of n 3×3 convs and the single (2n+1)×(2n+1) conv."""
    rows = []
    for c in channels:
        for n in depths:
            s = ops.stack_vs_large(c, 3, n)
            common = {"C": c, "n": n, "rf": s.receptive_field, "ratio": round(s.params_ratio, 6)}
            label = f"{n} stacked 3×3 conv" + ("s" if n > 1 else "")
            rows.append({**common, "design": "stack", "label": label,
                         "coef": 9 * n, "params": s.params_stack, "relus": s.nonlinearities_stack})
            rows.append({**common, "design": "large", "label": f"one {s.k_large}×{s.k_large} conv",
                         "coef": s.k_large**2, "params": s.params_large, "relus": s.nonlinearities_large})
    return rows


def stack_vs_large_figure(
    C: int = STACK_VS_LARGE.C,
    n: int = STACK_VS_LARGE.n,
    *,
    channels: Sequence[int] = tuple(range(16, 513, 16)),
    max_n: int = 5,
) -> StaticFigure:
    """n stacked 3×3 convolutions vs one (2n+1)×(2n+1) convolution, C channels in and out.

    Sliders: ``C`` (channels, the values of ``channels``) and ``n`` (1 to ``max_n``). Parameters n·9C²
    vs (2n+1)²C² (no biases; also the multiply-adds per output position), the common receptive field
    2n+1 and the ratio, from :func:`cnnviz.analysis.ops.stack_vs_large`. Defaults: VGG's three 3×3 vs one 7×7.
    """
    import altair as alt

    func = "stack_vs_large_figure"
    channels = list(channels)
    if not channels or any(isinstance(c, bool) or not isinstance(c, int) or c <= 0 for c in channels):
        raise ValueError(f"{func}: channels must be positive integers, got {channels!r}")
    steps = {b - a for a, b in zip(channels, channels[1:], strict=False)}
    if len(steps) > 1 or (steps and min(steps) <= 0):
        raise ValueError(f"{func}: channels must be evenly spaced and increasing (a slider): {channels!r}")
    depths = _grid(func, "n", 1, max_n, 1)
    _on_grid(func, "C", C, channels)
    _on_grid(func, "n", n, depths)
    params = [_slider(alt, "C", C, channels, "channels C"), _slider(alt, "n", n, depths, "stack depth n")]

    data = alt.Data(name="stack_vs_large")
    base = alt.Chart(data).transform_filter("datum.C == C && datum.n == n")
    colour = alt.Color(
        "design:N",
        scale=alt.Scale(
            domain=["stack", "large"], range=[theme.OKABE_ITO["blue"], theme.OKABE_ITO["vermillion"]]
        ),
        legend=None,
    )
    y = alt.Y("label:N", sort=alt.EncodingSortField("coef", op="min"), title=None,
              axis=alt.Axis(labelFontSize=12))
    bars = base.mark_bar().encode(
        y=y, x=alt.X("params:Q", title="parameters (weights, no biases)", axis=alt.Axis(format="~s")),
        color=colour, tooltip=["label:N", alt.Tooltip("params:Q", format=","), "rf:Q"],
    )
    labels = base.transform_calculate(text="datum.coef + 'C² = ' + format(datum.params, ',')").mark_text(
        align="left", dx=4
    ).encode(y=y, x="params:Q", text="text:N")
    stack = base.transform_filter("datum.design == 'stack'")
    readout = _readout(
        alt,
        stack.transform_calculate(
            line="0",
            text=(
                "'receptive field ' + datum.rf + '×' + datum.rf + ' for both; the stack has '"
                " + format(datum.ratio, '.3f') + '× the parameters and '"
                " + datum.relus + ' ReLUs instead of 1'"
            ),
        ),
        1,
        460,
        "readout",
    )
    ratio_curve = (
        alt.Chart(data)
        .transform_filter("datum.C == C && datum.design == 'stack'")
        .mark_line(point=True, color=GREY)
        .encode(
            x=alt.X("n:O", title="stack depth n", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("ratio:Q", title="stack / large parameters", scale=alt.Scale(domain=[0, 1])),
        )
    )
    ratio_now = stack.mark_point(size=120, filled=True, color=theme.OKABE_ITO["vermillion"]).encode(
        x="n:O", y="ratio:Q"
    )
    chart = alt.vconcat(
        readout,
        alt.layer(bars, labels).properties(width=460, height=70),
        alt.layer(ratio_curve, ratio_now).properties(width=220, height=120, title="n·9 / (2n+1)², for any C"),
        spacing=14,
    ).add_params(*params).properties(
        title=alt.Title(
            "A stack of 3×3 convolutions vs one large convolution with the same receptive field",
            subtitle="Move the sliders: every number is precomputed by cnnviz.analysis.ops.",
        ),
        datasets={"stack_vs_large": stack_vs_large_rows(channels, depths)},
    )
    s = ops.stack_vs_large(C, 3, n)
    fallback = (
        f"{n} stacked 3×3 convolutions of {C} channels: {s.params_stack:,} parameters ({9 * n}C²); one "
        f"{s.k_large}×{s.k_large} convolution: {s.params_large:,} ({s.k_large**2}C²); same receptive field "
        f"{s.receptive_field}."
    )
    alt_text = "Bar chart of the parameters of a stack of 3×3 convolutions and of one large convolution"
    return _figure(chart, alt_text, fallback, ["C", "n"])


# --- c. ResNeXt: cardinality at a fixed budget ----------------------------------------------------


def cardinality_rows(
    cardinalities: Sequence[int],
    widths: Sequence[int],
    in_hw: int = RESNEXT_BLOCK.in_hw,
    channels: int = RESNEXT_BLOCK.channels,
) -> list[dict[str, Any]]:
    """One row per (C, d): the ResNeXt block (``channels`` in and out, C paths of width d) as a grouped
    bottleneck, convolution weights only, from :func:`cnnviz.analysis.ops.bottleneck_block_cost`."""
    budget = ops.bottleneck_block_cost(in_hw, channels, RESNEXT_BLOCK.resnet_width, out_channels=channels).params
    table2 = set(RESNEXT_TABLE2)
    rows = []
    for c in cardinalities:
        for d in widths:
            cost = ops.bottleneck_block_cost(in_hw, channels, c * d, groups=c, out_channels=channels)
            row = {"C": c, "d": d, "width": c * d, "params": cost.params, "macs": cost.macs,
                   "vs_resnet": round(cost.params / budget, 4)}
            if (c, d) in table2:
                row["table2"] = f"{c}×{d}d"
            rows.append(row)
    return rows


def cardinality_figure(
    cardinality: int = RESNEXT_BLOCK.cardinality,
    bottleneck_width: int = RESNEXT_BLOCK.bottleneck_width,
    *,
    max_cardinality: int = 32,
    max_width: int = 64,
    in_hw: int = RESNEXT_BLOCK.in_hw,
    channels: int = RESNEXT_BLOCK.channels,
) -> StaticFigure:
    """Parameters and multiply-adds of one ResNeXt block (conv2 stage: 256-d in and out, 56×56) vs C and d.

    Sliders: ``cardinality`` (C, 1 to ``max_cardinality``) and ``bottleneck_width`` (d, 1 to ``max_width``),
    the names of the ResNeXt builders' keyword arguments. The paper's Table 2 configurations (1×64d,
    2×40d, 4×24d, 8×14d, 32×4d) are marked: all near the ResNet-50 bottleneck's 69,632 parameters. Counts
    are convolution weights (batch norm not counted, as in the paper's "~70k"), from
    :func:`cnnviz.analysis.ops.bottleneck_block_cost` (the tests check them against the built block).
    """
    import altair as alt

    func = "cardinality_figure"
    cards = _grid(func, "cardinality", 1, max_cardinality, 1)
    widths = _grid(func, "bottleneck_width", 1, max_width, 1)
    _on_grid(func, "cardinality", cardinality, cards)
    _on_grid(func, "bottleneck_width", bottleneck_width, widths)
    params = [
        _slider(alt, "cardinality", cardinality, cards, "cardinality C"),
        _slider(alt, "bottleneck_width", bottleneck_width, widths, "path width d"),
    ]
    rows = cardinality_rows(cards, widths, in_hw, channels)
    resnet = (1, RESNEXT_BLOCK.resnet_width)
    budget = next(r["params"] for r in rows if (r["C"], r["d"]) == resnet) if max_width >= resnet[1] else None

    data = alt.Data(name="resnext_block")
    base = alt.Chart(data)
    x = alt.X(
        "C:Q",
        title="cardinality C (paths)",
        scale=alt.Scale(type="log", base=2, domain=[0.8, max_cardinality * 1.25]),
        axis=alt.Axis(values=[c for c in (1, 2, 4, 8, 16, 32, 64) if c <= max_cardinality], format="d"),
    )
    y = alt.Y("params:Q", title="parameters per block", scale=alt.Scale(type="log"),
              axis=alt.Axis(format="~s"))  # fmt: skip
    same_d = (
        base.transform_filter("datum.d == bottleneck_width")
        .mark_line(color=theme.OKABE_ITO["sky_blue"])
        .encode(x=x, y=y)
    )
    table2 = base.transform_filter("isValid(datum.table2)")
    paper_points = table2.mark_point(size=70, filled=True, color=GREY).encode(
        x=x, y=y, tooltip=["table2:N", alt.Tooltip("params:Q", format=",")]
    )
    paper_labels = table2.mark_text(dy=-10, fontSize=11).encode(x=x, y=y, text="table2:N")
    current = base.transform_filter("datum.C == cardinality && datum.d == bottleneck_width")
    now = current.mark_point(size=160, filled=True, color=theme.OKABE_ITO["vermillion"]).encode(x=x, y=y)
    layers = [same_d, paper_points, paper_labels, now]
    if budget is not None:
        layers.insert(0, alt.Chart(alt.Data(values=[{"params": budget}])).mark_rule(
            strokeDash=[4, 4], color=GREY
        ).encode(y=alt.Y("params:Q")))
    readout = _readout(
        alt,
        current.transform_calculate(
            line="0",
            text=(
                "'C = ' + datum.C + ' paths of width d = ' + datum.d + ' (block width ' + datum.width + '): '"
                " + format(datum.params, ',') + ' parameters'"
            ),
        ),
        2,
        460,
        "readout_params",
    )
    readout2 = _readout(
        alt,
        current.transform_calculate(
            line="1",
            text=(
                f"format(datum.macs, ',') + ' multiply-adds at {in_hw}×{in_hw}; '"
                " + format(datum.vs_resnet, '.2f')"
                " + '× the ResNet-50 bottleneck (1×64d)'"
            ),
        ),
        2,
        460,
        "readout_macs",
    )
    chart = alt.vconcat(
        alt.layer(readout, readout2),
        alt.layer(*layers).properties(width=460, height=240),
        spacing=14,
    ).add_params(*params).properties(
        title=alt.Title(
            f"ResNeXt block ({channels}-d in and out, {in_hw}×{in_hw}): cardinality vs width",
            subtitle=(
                "Grey: the paper's Table 2 (dashed: the ResNet-50 bottleneck, 1×64d), all about the same "
                "budget; blue: this d at every C; orange: the sliders' block."
            ),
        ),
        datasets={"resnext_block": rows},
    )
    cost = ops.bottleneck_block_cost(in_hw, channels, cardinality * bottleneck_width, groups=cardinality,
                                     out_channels=channels)
    fallback = (
        f"ResNeXt block with C = {cardinality} paths of width d = {bottleneck_width}: {cost.params:,} "
        f"parameters and {cost.macs:,} multiply-adds; the paper's Table 2 keeps about 70k parameters "
        "with 1×64d, 2×40d, 4×24d, 8×14d and 32×4d."
    )
    alt_text = "Chart of ResNeXt block parameters against cardinality, with the paper's Table 2 points"
    return _figure(chart, alt_text, fallback, ["cardinality", "bottleneck_width"])


# --- d. ResNet: the degradation curves, one depth at a time -----------------------------------------


def degradation_rows(curves: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per (network, log point, kind): the curves of plain and residual nets as percentages.

    ``curves`` maps a name (``plain20`` ... ``resnet56``) to a record with ``iterations``, ``train_error``
    and ``test_error`` (a :class:`cnnviz.experiments.logs.RunLog`).
    """
    from cnnviz.render.curves import curve_label, family_and_depth

    rows = []
    for name, curve in curves.items():
        family, depth = family_and_depth(name)
        for kind, errors in (("training", curve.train_error), ("test", curve.test_error)):
            for iteration, error in zip(curve.iterations, errors, strict=True):
                rows.append({"network": curve_label(name), "family": family, "depth": depth, "kind": kind,
                             "iteration": iteration, "error": round(100 * error, 2),
                             "final": iteration == curve.iterations[-1]})
    return rows


def degradation_figure(curves: Mapping[str, Any], depth: int | None = None) -> StaticFigure:
    """The training (dashed) and test (solid) error of plain-D and ResNet-D for one depth D at a time.

    One radio button per depth that has both a plain and a residual log (param ``depth``, default the
    deepest); the readout gives both networks' final errors. ``curves`` as in :func:`degradation_rows`.
    """
    import altair as alt

    from cnnviz.render.curves import family_and_depth

    func = "degradation_figure"
    by_family: dict[str, set[int]] = {"plain": set(), "resnet": set()}
    for name in curves:
        family, d = family_and_depth(name)
        by_family[family].add(d)
    depths = sorted(by_family["plain"] & by_family["resnet"])
    if not depths:
        raise ValueError(f"{func}: needs a plain and a residual log of the same depth, got {sorted(curves)}")
    depth = depths[-1] if depth is None else depth
    if depth not in depths:
        raise ValueError(f"{func}: depth={depth!r} has no pair of logs; valid depths: {depths}")
    rows = degradation_rows({n: c for n, c in curves.items() if family_and_depth(n)[1] in depths})

    pick = alt.param(name="depth", value=depth,
                     bind=alt.binding_radio(options=depths, labels=[f"{d} layers" for d in depths],
                                            name="depth "))
    data = alt.Data(name="degradation")
    base = alt.Chart(data).transform_filter("datum.depth == depth")
    colour = alt.Color("family:N", title=None, scale=alt.Scale(
        domain=["plain", "resnet"], range=[theme.OKABE_ITO["vermillion"], theme.OKABE_ITO["blue"]]),
        legend=alt.Legend(labelExpr="datum.label == 'plain' ? 'plain' : 'ResNet'", orient="top"))
    dash = alt.StrokeDash("kind:N", title=None, scale=alt.Scale(domain=["training", "test"],
                                                                range=[[5, 3], [1, 0]]),
                          legend=alt.Legend(orient="top"))
    lines = base.mark_line(strokeWidth=2).encode(
        x=alt.X("iteration:Q", title="iteration"),
        y=alt.Y("error:Q", title="error (%)", scale=alt.Scale(domain=[0, 100])),
        color=colour, strokeDash=dash, detail="network:N",
        tooltip=["network:N", "kind:N", "iteration:Q", alt.Tooltip("error:Q", format=".1f")],
    ).properties(width=460, height=260)
    final = base.transform_filter("datum.final")
    lines_text = []
    for line, family in enumerate(("plain", "resnet")):
        lines_text.append(_readout(
            alt,
            final.transform_filter(f"datum.family == '{family}'")
            .transform_pivot("kind", value="error", groupby=["network"])
            .transform_calculate(
                line=str(line),
                text="datum.network + ' ends at ' + format(datum.training, '.1f') + '% training and '"
                     " + format(datum.test, '.1f') + '% test error'",
            ),
            2, 460, f"readout_{family}",
        ))
    chart = alt.vconcat(alt.layer(*lines_text), lines, spacing=10).add_params(pick).properties(
        title=alt.Title("Plain vs residual network of one depth",
                        subtitle="Dashed: training error, solid: test error; pick a depth."),
        datasets={"degradation": rows},
    )
    fallback = "; ".join(
        f"{name}: {100 * c.train_error[-1]:.1f}% training, {100 * c.test_error[-1]:.1f}% test error"
        for name, c in curves.items()
    )
    alt_text = "Line chart of training and test error of the plain and residual network of a chosen depth"
    return _figure(chart, alt_text, fallback, ["depth"])
