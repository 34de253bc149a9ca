"""Figures of the FractalNet chapter: a fractal block's counts against C, and drop-path samples.

:func:`fractal_figure` is kernel-free (Vega-Lite with precomputed rows): one slider for the number of columns
C, one over precomputed seeded drop-path samples. :func:`drop_path_diagram` draws the zoo's block
(:func:`cnnviz.render.diagrams.module_diagram`) with what one sample drops drawn dashed and grey. The numbers
come from :func:`cnnviz.analysis.fractal_paths.fractal_block_count` and :func:`cnnviz.analysis.fractal_paths.drop_path_sample`.
"""

from __future__ import annotations

from typing import Any

from cnnviz.analysis import fractal_paths
from cnnviz.format import count
from cnnviz.interact.static.base import (
    GREY,
    StaticFigure,
    on_slider_grid,
    readout_lines,
    slider_grid,
    slider_param,
    static_figure,
)
from cnnviz.render import theme

__all__ = ["count_text", "drop_path_diagram", "fractal_figure", "fractal_rows", "sample_text"]



def count_text(c: fractal_paths.FractalCount) -> str:
    """One line for a block's counts (the figure's first readout line)."""
    joins = "1 join" if c.joins == 1 else f"{c.joins} joins"
    paths = "1 path" if c.paths == 1 else f"{count(c.paths)} paths"
    convs = "1 convolution" if c.convs == 1 else f"{c.convs} convolutions"
    longest = "1 convolution" if c.longest == 1 else f"{c.longest} convolutions"
    return f"C = {c.columns}: {convs}, {joins}, {paths}; longest path {longest}, shortest {c.shortest}"


def sample_text(s: fractal_paths.DropPathSample, total: fractal_paths.FractalCount, label: int | None = None) -> str:
    """One line for what a drop-path sample keeps (the figure's second readout line)."""
    name = f"sample {s.seed if label is None else label}"
    if s.kind == "global":
        return (f"{name}: global drop-path, column {s.column} alone: {s.convs} of {total.convs} convolutions, "
                "1 path")  # fmt: skip
    if s.columns == 1:
        return f"{name}: no join to drop from: the block's 1 convolution, 1 path"
    dropped = sum(len(joined) - len(kept) for _, joined, kept in s.kept)
    inputs = "input" if dropped == 1 else "inputs"
    return (f"{name}: local drop-path, {dropped} join {inputs} dropped: {s.convs} of {total.convs} "
            f"convolutions, {count(s.paths)} of {count(total.paths)} paths survive")


def drop_path_diagram(columns: int = 3, seed: int = 1, *, local_drop: float = 0.15,
                      global_drop_ratio: float = 0.5) -> Any:  # fmt: skip
    """The zoo's C-column block (``module_diagram("fractal", columns=C)``) with drop-path sample ``seed``
    (:func:`cnnviz.analysis.fractal_paths.drop_path_sample`) drawn on it: what the sample drops is dashed and grey,
    what survives keeps its colours."""
    from cnnviz.render.diagrams import module_diagram

    sample = fractal_paths.drop_path_sample(columns, seed, local_drop, global_drop_ratio)
    dot = module_diagram("fractal", columns=columns, surviving=(sample.live, sample.live_edges))
    total = fractal_paths.fractal_block_count(columns)
    dot.attr(label=f"Fractal block, C = {columns}, drop-path {sample_text(sample, total)}; dashed: dropped",
             labelloc="b")  # fmt: skip
    return dot


def fractal_rows(max_columns: int = 4, samples: int = 12) -> dict[str, list[dict[str, Any]]]:
    """The figure's rows for C = 1 .. ``max_columns`` and samples 1 .. ``samples`` (seed = sample number):
    ``fractal_units`` (one per conv unit: column, depth span as a fraction of the block, alive),
    ``fractal_joins`` (one per join input: column, depth, kept) and ``fractal_text`` (the readout lines)."""
    from cnnviz.models.fractalnet import column_depth, fractal_joins

    units, joins, text = [], [], []
    for C in range(1, max_columns + 1):
        total = fractal_paths.fractal_block_count(C)
        for n in range(1, samples + 1):
            s = fractal_paths.drop_path_sample(C, n)
            for j in range(1, C + 1):
                for k in range(column_depth(j)):
                    units.append({"C": C, "sample": n, "column": j, "y0": k / column_depth(j),
                                  "y1": (k + 1) / column_depth(j),
                                  "alive": f"column{j}.{k}.conv" in s.live})  # fmt: skip
            kept = {step: k for step, _, k in s.kept}
            for step, joined in fractal_joins(C).items():
                for j in joined:
                    on = f"join{step}" in s.live and (s.kind == "local" and j in kept[step])
                    joins.append({"C": C, "sample": n, "column": j, "y": step / column_depth(C), "kept": on,
                                  "x0": min(joined), "x1": max(joined), "alive": f"join{step}" in s.live})
            text.append({"C": C, "sample": n, "line": 0, "text": count_text(total)})
            text.append({"C": C, "sample": n, "line": 1, "text": sample_text(s, total)})
    return {"fractal_units": units, "fractal_joins": joins, "fractal_text": text}


def fractal_figure(columns: int = 3, drop_sample: int = 1, *, max_columns: int = 4, samples: int = 12
                   ) -> StaticFigure:  # fmt: skip
    """A fractal block against its number of columns C, and seeded drop-path samples of it.

    Sliders: ``columns`` (C, 1 to ``max_columns``) and ``drop_sample`` (1 to ``samples``; sample n is
    :func:`cnnviz.analysis.fractal_paths.drop_path_sample` with seed n, the zoo's drop rates 0.15 local and 0.5 global).
    The readout gives the block's counts (:func:`cnnviz.analysis.fractal_paths.fractal_block_count`) and what the sample
    keeps. The sketch: column j (1 = left, shallowest) is a chain of 2^(j-1) convolutions (boxes) over the
    block's depth (top to bottom); joins are horizontal bars, their inputs dots (filled: kept). Blue boxes
    survive the sample; hollow ones are dropped.
    """
    import altair as alt

    func = "fractal_figure"
    cols = slider_grid(func, "columns", 1, max_columns, 1)
    on_slider_grid(func, "columns", columns, cols)
    grid = slider_grid(func, "drop_sample", 1, samples, 1)
    on_slider_grid(func, "drop_sample", drop_sample, grid)
    params = [slider_param(alt, "columns", columns, cols, "columns C"),
              slider_param(alt, "drop_sample", drop_sample, grid, "drop-path sample")]  # fmt: skip
    rows = fractal_rows(max_columns, samples)
    now = "datum.C == columns && datum.sample == drop_sample"
    xaxis = alt.Axis(title="column (1 = shallowest)", values=cols, format="d")
    xscale = alt.Scale(domain=[0.5, max_columns + 0.5], nice=False)
    yaxis = alt.Axis(title="depth in the block (input at the top)", format="%")
    yscale = alt.Scale(domain=[0, 1], reverse=True, nice=False)
    units = alt.Chart(alt.Data(name="fractal_units")).transform_filter(now).transform_calculate(
        xa="datum.column - 0.3", xb="datum.column + 0.3", ya="datum.y0 + 0.01", yb="datum.y1 - 0.01",
        state="datum.alive ? 'survives' : 'dropped'",
    ).mark_rect(stroke=GREY, strokeWidth=1).encode(
        x=alt.X("xa:Q", axis=xaxis, scale=xscale), x2="xb:Q",
        y=alt.Y("ya:Q", axis=yaxis, scale=yscale), y2="yb:Q",
        fill=alt.Fill("state:N", scale=alt.Scale(domain=["survives", "dropped"],
                                                  range=[theme.OKABE_ITO["sky_blue"], "transparent"]),
                      legend=alt.Legend(title="convolution", orient="top")),  # in view on a phone
        tooltip=[alt.Tooltip("column:Q"), alt.Tooltip("state:N")],
    )  # fmt: skip
    join_data = alt.Chart(alt.Data(name="fractal_joins")).transform_filter(now)
    bars = join_data.transform_calculate(xa="datum.x0 - 0.35", xb="datum.x1 + 0.35").mark_rule(
        strokeWidth=3).encode(
        x=alt.X("xa:Q", scale=xscale, axis=None), x2="xb:Q", y=alt.Y("y:Q", scale=yscale, axis=None),
        color=alt.condition("datum.alive", alt.value(theme.OKABE_ITO["orange"]), alt.value(GREY)),
    )  # fmt: skip
    dots = join_data.mark_point(size=60, filled=True).encode(
        x=alt.X("column:Q", scale=xscale, axis=None), y=alt.Y("y:Q", scale=yscale, axis=None),
        color=alt.condition("datum.kept", alt.value(theme.OKABE_ITO["vermillion"]), alt.value(GREY)),
        opacity=alt.condition("datum.kept", alt.value(1), alt.value(0.4)),
    )  # fmt: skip
    readout = readout_lines(alt, alt.Chart(alt.Data(name="fractal_text")).transform_filter(now), 2, 480,
                            "readout_fractal")  # fmt: skip
    chart = alt.vconcat(
        readout,
        alt.layer(units, bars, dots).properties(width=420, height=300),
        spacing=12,
    ).add_params(*params).properties(
        title=alt.Title(
            "A fractal block: C columns, and what one drop-path sample keeps",
            subtitle=["Column j is a chain of 2^(j-1) convolutions; bars are joins (mean), dots their inputs",
                      "(red: kept). Blue convolutions survive the sample; hollow ones are dropped."],
        ),
        datasets=rows,
    )  # fmt: skip
    total = fractal_paths.fractal_block_count(columns)
    fallback = (f"{count_text(total)}. Drop-path {sample_text(fractal_paths.drop_path_sample(columns, drop_sample), total)}.")
    alt_text = "Sketch of a fractal block's columns and joins, with one drop-path sample's surviving convolutions"
    return static_figure(chart, alt_text, fallback, ["columns", "drop_sample"])
