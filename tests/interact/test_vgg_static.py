"""The VGG chapter's kernel-free figures: the readouts fit a phone's column, the stack figure's numbers are
``ops.stack_vs_large``'s, and the configuration figure puts each network's measured cost beside the paper's
errors for it, like with like (training scale S = 256 in Tables 3 and 4)."""

from __future__ import annotations

import json

import pytest

from cnnviz.analysis import ops
from cnnviz.interact.static import vgg as figures
from cnnviz.interact.static.base import StaticFigure
from cnnviz.models import vgg as vgg_models
from tests.interact.specs import title_lines, widths


@pytest.fixture(scope="module")
def stack() -> StaticFigure:
    return figures.stack_vs_large_figure()


@pytest.fixture(scope="module")
def configs() -> StaticFigure:
    return figures.configuration_figure()


@pytest.mark.parametrize("name", ["stack", "configs"])
def test_every_view_and_line_fits_a_phone(name: str, request: pytest.FixtureRequest):
    figure: StaticFigure = request.getfixturevalue(name)
    assert widths(figure.spec) and max(widths(figure.spec)) <= figures.PANEL_WIDTH
    titles = title_lines(figure.spec)
    assert titles and max(len(t) for t in titles) <= figures.READOUT_CHARS, max(titles, key=len)


def test_the_readouts_fit_at_every_position():
    stack_rows = figures.stack_vs_large_rows(range(16, 513, 16), range(1, 6))
    lines = [line for r in stack_rows if r["design"] == "stack" for line in figures.stack_readout(r)]
    lines += [line for r in figures.configuration_rows() for line in figures.configuration_readout(r)]
    assert max(len(line) for line in lines) <= figures.READOUT_CHARS, max(lines, key=len)


def test_the_stack_readout_is_ops_and_says_nothing_false_at_n_1():
    for C, n in ((64, 3), (512, 5), (128, 2)):
        row = next(r for r in figures.stack_vs_large_rows([C], [n]) if r["design"] == "stack")
        s = ops.stack_vs_large(C, 3, n)
        lines = figures.stack_readout(row)
        assert f"{n}-layer stack: {9 * n}C² = {s.params_stack:,} weights" in lines
        assert f"one {s.k_large}×{s.k_large}: {s.k_large**2}C² = {s.params_large:,} weights" in lines
        assert f"the stack needs {s.params_ratio:.3f}× the weights" in lines
        assert f"ReLUs: {n} in the stack, 1 in the {s.k_large}×{s.k_large}" in lines
    one = next(r for r in figures.stack_vs_large_rows([16], [1]) if r["design"] == "stack")
    text = " ".join(figures.stack_readout(one))
    assert "1 ReLUs" not in text and "n = 1: the same 3×3 layer on both sides" in text


def test_the_stack_figure_states_the_papers_n_2_test(stack: StaticFigure):
    spec = json.dumps(stack.spec, ensure_ascii=False)
    assert f"top-1 error {vgg_models.SHALLOW_5X5_TOP1_HIGHER}% higher" in spec and "Sec. 4.1" in spec
    assert "datum.n == 2" in spec  # the ratio curve marks the paper's depth
    assert "cnnviz.analysis" not in spec  # the figure says what to look at, not how it was made


def test_the_configuration_rows_are_the_zoo_and_the_tables():
    from cnnviz.analysis.configs import param_count
    from cnnviz.analysis.ledger import ledger

    rows = figures.configuration_rows()
    assert [r["config"] for r in rows] == list(vgg_models.CONFIGS)
    for r in rows:
        assert r["params"] == param_count(r["name"]) and r["macs"] == ledger(r["name"]).total_macs
        assert (r["top1"], r["top5"]) == vgg_models.SINGLE_SCALE_ERRORS[(r["config"], *figures.SINGLE_SCALE)]
        multi = vgg_models.MULTI_SCALE_ERRORS.get((r["config"], *figures.MULTI_SCALE))
        assert (multi is None) == ("top1_multi" not in r)
        if multi is not None:
            assert (r["top1_multi"], r["top5_multi"]) == multi
    # like with like: one training scale for both tables
    assert figures.SINGLE_SCALE[0] == figures.MULTI_SCALE[0] == "256"


def test_the_configuration_readout(configs: StaticFigure):
    rows = {r["config"]: r for r in figures.configuration_rows()}
    d = figures.configuration_readout(rows["D"])
    assert d[0] == "config D (vgg16): 16 weight layers" and f"{rows['D']['params']:,} parameters" in d
    assert "top-1 27.0%, top-5 8.8% val. error" in d and "top-1 26.6%, top-5 8.6% val. error" in d
    assert "not in Table 4 (it tests B to E)" in figures.configuration_readout(rows["A"])
    (param,) = configs.spec["params"]
    assert param["name"] == "config" and param["value"] == "D" and param["bind"]["input"] == "radio"
    assert param["bind"]["options"] == list(vgg_models.CONFIGS) and configs.sliders == ("config",)
    assert "datum.config == config" in json.dumps(configs.spec)


def test_bad_arguments_name_what_is_valid():
    with pytest.raises(ValueError, match=r"configuration_figure: config='F' is not a configuration of Table 1; "
                                         r"valid: A, A-LRN, B, C, D, E"):  # fmt: skip
        figures.configuration_figure(config="F")
    with pytest.raises(ValueError, match=r"n=6 is not a slider position; valid: 1 to 5"):
        figures.stack_vs_large_figure(n=6)
