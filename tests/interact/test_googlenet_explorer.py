"""The GoogLeNet chapter's explorers: the kernel-free figure fits a phone's column, its readout is one spec
rendered as text and as Vega expressions over the fields the browser computes, its numbers are ops', and both
explorers say the right thing where the "reductions" are wider than what they reduce."""

from __future__ import annotations

import itertools
import json

import pytest

from cnnviz.analysis import ops
from cnnviz.interact import widgets
from cnnviz.interact.static import googlenet as figures
from cnnviz.interact.static import readout
from cnnviz.interact.static.base import StaticFigure
from cnnviz.models.lecture import INCEPTION
from tests.interact.specs import title_lines, widths


@pytest.fixture(scope="module")
def figure() -> StaticFigure:
    return figures.inception_cost_figure()


def test_every_view_and_title_line_fits_a_phone(figure: StaticFigure):
    assert widths(figure.spec) and max(widths(figure.spec)) <= figures.PANEL_WIDTH
    titles = title_lines(figure.spec)
    assert titles and max(len(t) for t in titles) <= figures.READOUT_CHARS, max(titles, key=len)
    assert max(len(line) for line in figures.PAPER_LINES) <= figures.READOUT_CHARS


@pytest.mark.parametrize("value", [figures.FILTER_GRID[0], figures.FILTER_GRID[1]])
def test_the_readout_fits_at_the_ends_of_every_slider(value: int):
    """The lines are longest where the numbers are: every knob at one end, and each alone at the other."""
    lines = []
    for knob in [None, *INCEPTION.filters]:
        position = {k: value for k in INCEPTION.filters} if knob is None else {knob: value}
        lines += figures.inception_readout(figures.readout_row(**position))
    assert max(len(line) for line in lines) <= figures.READOUT_CHARS, max(lines, key=len)


def test_the_readout_is_ops_and_the_expressions_read_the_browsers_fields(figure: StaticFigure):
    row = figures.readout_row()
    naive = ops.inception_naive_cost(**INCEPTION.naive)
    reduced = ops.inception_reduced_cost(**INCEPTION.reduced)
    lines = figures.inception_readout(row)
    assert lines[0] == f"naive: {naive.macs:,} multiply-adds,"
    assert lines[3] == f"{reduced.params:,} weights, output depth {reduced.output_depth}"
    assert lines[4] == f"1×1 reductions: {naive.macs / reduced.macs:.2f}× fewer multiply-adds"
    spec = json.dumps(figure.spec)
    for parts in figures.READOUT_LINES:  # the page draws the same lines from the same spec
        assert json.dumps(readout.expr(parts))[1:-1] in spec
    fields = {p.name for parts in figures.READOUT_LINES for p in parts if isinstance(p, readout.Field)}
    fields |= {f.name for parts in figures.READOUT_LINES for p in parts if isinstance(p, readout.When)
               for f in (*p.then, *p.other) if isinstance(f, readout.Field)}  # fmt: skip
    assert fields <= set(row), "every field the readout reads is one the browser computes"
    for name in fields - {"ratio", "inverse"}:  # summed in the browser from the branch rows
        assert f'"{name}":"sum({name})"' in spec.replace(" ", "") or f'"as":"{name}"' in spec.replace(
            " ", ""
        ), name


@pytest.mark.parametrize(
    "position",
    [
        {},
        {"c5x5": 32, "reduce5x5": 16},
        {"reduce3x3": 384, "c3x3": 384},
        dict.fromkeys(INCEPTION.filters, 16),
    ],
)
def test_the_rows_the_browser_sums_are_the_readouts_numbers(figure: StaticFigure, position: dict):
    values = INCEPTION.filters | position
    rows = [r for r in figure.datasets()["inception"] if all(r.get(k, v) == v for k, v in values.items())]
    row = figures.readout_row(**position)
    for module in ("naive", "reduced"):
        mine = [r for r in rows if r["module"] == module]
        assert sorted(r["branch"] for r in mine) == ["1x1", "3x3", "5x5", "pool"]
        for measure in ("macs", "params", "depth"):
            assert sum(r[measure] for r in mine) == row[f"{module}_{measure}"], (module, measure)


def test_wide_reductions_are_said_to_add_work():
    grid = range(figures.FILTER_GRID[0], figures.FILTER_GRID[1] + 1, figures.FILTER_GRID[2])
    wider = [(r, c) for r, c in itertools.product(grid, grid)
             if figures.readout_row(reduce3x3=r, c3x3=c)["ratio"] < 1]  # fmt: skip
    assert wider, "some slider positions make the reduced module the dearer one"
    r, c = wider[0]
    row = figures.readout_row(reduce3x3=r, c3x3=c)
    assert figures.inception_readout(row)[4] == f"reduced needs {row['inverse']:.2f}× the naive multiply-adds"
    view = widgets.render_inception(reduce3x3=r, c3x3=c, diagram=False)
    assert "fewer" not in view.table and f"{row['inverse']:.2f}× the multiply-adds" in view.table
    assert "× fewer multiply-adds" in widgets.render_inception(diagram=False).table


def test_the_figure_says_what_the_paper_reports_for_these_knobs(figure: StaticFigure):
    text = " ".join(figures.PAPER_LINES)
    assert "no error" in text and '"relatively minor"' in text and "Sec. 5" in text
    assert text in figure.fallback
    spec = json.dumps(figure.spec, ensure_ascii=False)
    assert all(json.dumps(line, ensure_ascii=False)[1:-1] in spec for line in figures.PAPER_LINES)


@pytest.mark.parametrize(("in_channels", "out_channels", "kernel"), [(256, 192, 3), (256, 96, 5), (256, 384, 3),
                                                                      (192, 32, 5), (7, 7, 1), (64, 64, 3)])  # fmt: skip
def test_the_widest_saving_reduction_is_the_last_width_that_saves_work(in_channels, out_channels, kernel):
    """Brute force: every width r from 1 to the input's, the branch with a 1×1 reduction to r against the
    convolution alone, both from ops (the map size cancels, so any will do)."""
    alone = ops.conv_cost(14, in_channels, out_channels, kernel).macs
    saving = [r for r in range(1, in_channels + 1)
              if ops.conv_cost(14, in_channels, r, 1).macs + ops.conv_cost(14, r, out_channels, kernel).macs < alone]  # fmt: skip
    widest = figures.widest_saving_reduction(in_channels, out_channels, kernel)
    assert saving == list(range(1, widest + 1))  # every narrower width saves too, none wider
    even = ops.reduction_break_even(in_channels, out_channels, kernel)
    assert widest < even <= widest + 1 and even < in_channels
    tie = [r for r in range(1, in_channels + 1) if ops.conv_cost(14, in_channels, r, 1).macs
           + ops.conv_cost(14, r, out_channels, kernel).macs == alone]  # fmt: skip
    assert tie == ([round(even)] if even == round(even) else [])


def test_the_widest_saving_reduction_refuses_bad_input():
    with pytest.raises(ValueError, match="kernel must be a positive integer, got 1.5"):
        figures.widest_saving_reduction(256, 192, 1.5)


def test_the_readout_is_the_last_view_right_above_the_sliders(figure: StaticFigure):
    last = json.dumps(figure.spec["vconcat"][-1])
    # each line a view named readout_<letter> (with the index Vega-Lite appends)
    assert all(f'"name": "readout_{c}' in last for c in "abcdefghij"[: len(figures.READOUT_LINES)])
    assert not any('"name": "readout_a' in json.dumps(v) for v in figure.spec["vconcat"][:-1])
    row = figures.readout_row(reduce3x3=384, c3x3=384)
    assert figures.inception_readout(row)[-1] == (
        f"a 1×1 reduce pays up to {figures.widest_saving_reduction(INCEPTION.in_channels, 384, 3)} (3×3), "
        f"{figures.widest_saving_reduction(INCEPTION.in_channels, INCEPTION.c5x5, 5)} (5×5)"
    )
