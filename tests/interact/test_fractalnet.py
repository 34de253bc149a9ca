"""The FractalNet chapter's code: block counts, drop-path samples, the claims, the exercises, the kernel-free
figure and the live widget. Expected figures are computed from the zoo's FractalBlock and FractalNet."""

from __future__ import annotations

import re

import pytest
import torch

from cnnviz.analysis import fractal_paths
from cnnviz.analysis.claims import Verdict, for_chapter
from cnnviz.interact import widgets
from cnnviz.interact.exercises import for_chapter as exercises_for
from cnnviz.interact.static.fractalnet import count_text, drop_path_diagram, fractal_figure, sample_text
from cnnviz.models.fractalnet import ConvUnit, FractalBlock, Join, fractal_joins, fractalnet
from cnnviz.render import theme


@pytest.mark.parametrize("C", [1, 2, 3, 4, 5])
def test_block_count_follows_the_expansion_rule_and_the_built_block(C: int) -> None:
    c = fractal_paths.fractal_block_count(C)
    if C > 1:
        assert c.paths == fractal_paths.fractal_block_count(C - 1).paths ** 2 + 1
    block = FractalBlock(2, 2, C, local_drop=0.0, dropout=0.0)
    assert c.convs == sum(isinstance(m, ConvUnit) for m in block.modules())
    assert c.joins == sum(isinstance(m, Join) for m in block.modules()) == len(fractal_joins(C))
    assert (c.longest, c.shortest) == (2 ** (C - 1), 1)
    assert sum(ways for _, ways in c.path_lengths) == c.paths


def test_path_counts_for_c_1_to_4() -> None:
    assert [fractal_paths.fractal_block_count(C).paths for C in range(1, 5)] == [1, 2, 5, 26]


def _record_forward(columns: int, seed: int) -> tuple[set[str], list[tuple[int, tuple[int, ...]]]]:
    """Run a one-block FractalNet without dropout in training mode under ``seed``: the ConvUnits that ran
    and, per join, which inputs the output averages (read back from distinct random inputs)."""
    torch.manual_seed(1234)
    net = fractalnet(columns=columns, blocks=1, channels=[3], dropout=False, num_classes=2).train()
    block = net.features.block1
    ran: set[str] = set()
    joins: list[tuple[int, tuple[int, ...]]] = []
    hooks = []
    for name, m in block.named_modules():
        if isinstance(m, ConvUnit):
            hooks.append(m.register_forward_hook(lambda mod, i, o, name=name: ran.add(name)))
        elif isinstance(m, Join):
            step = int(name.removeprefix("join"))

            def hook(mod, inputs, output, step=step):
                joined = fractal_joins(columns)[step]
                for r in range(1, len(inputs) + 1):
                    import itertools

                    for subset in itertools.combinations(range(len(inputs)), r):
                        mean = torch.stack([inputs[i] for i in subset]).mean(0)
                        if torch.allclose(mean, output, atol=1e-6):
                            joins.append((step, tuple(joined[i] for i in subset)))
                            return

            hooks.append(m.register_forward_hook(hook))
    x = torch.randn(2, 3, 8, 8)
    torch.manual_seed(seed)
    net(x)
    for h in hooks:
        h.remove()
    return ran, joins


@pytest.mark.parametrize("seed", range(10))
def test_drop_path_sample_is_what_the_zoo_draws(seed: int) -> None:
    s = fractal_paths.drop_path_sample(3, seed)
    ran, joins = _record_forward(3, seed)
    if s.kind == "global":
        assert ran == {f"column{s.column}.{k}" for k in range(2 ** (s.column - 1))} and joins == []
    else:
        assert len(ran) == 7 and joins == [(step, kept) for step, _, kept in s.kept]


def test_a_sample_does_not_depend_on_the_samples_drawn_before_it() -> None:
    """The one-channel block is built once and reused: a seed draws the same sample whatever came before."""
    first = fractal_paths.drop_path_sample(4, 5)
    for seed in range(12):
        fractal_paths.drop_path_sample(4, seed)
        fractal_paths.drop_path_sample(4, seed, local_drop=0.5)
    assert fractal_paths.drop_path_sample(4, 5) == first


def test_drop_path_sample_restores_the_random_state_and_validates() -> None:
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    fractal_paths.drop_path_sample(4, 3)
    assert torch.equal(torch.rand(3), expected)
    with pytest.raises(ValueError, match="seed"):
        fractal_paths.drop_path_sample(3, -1)
    with pytest.raises(ValueError, match="local_drop"):
        fractal_paths.drop_path_sample(3, 0, local_drop=2)
    whole = fractal_paths.drop_path_sample(3, 0, global_drop_ratio=0.0, local_drop=0.0)
    assert whole.kind == "local" and whole.convs == 7 and whole.paths == 5


def test_claims_and_verdicts() -> None:
    claims = {c.id: c for c in for_chapter("fractalnet")}
    assert {i: c.verdict for i, c in claims.items()} == {
        "fractalnet.shallow_to_deep": Verdict.NOT_TESTABLE, "fractalnet.no_residuals": Verdict.HOLDS,
        "fractalnet.shallow_and_deep": Verdict.HOLDS, "fractalnet.drop_path": Verdict.HOLDS,
        "fractalnet.full_at_test": Verdict.HOLDS, "fractalnet.paper_params": Verdict.OFF,
    }  # fmt: skip
    paper = claims["fractalnet.paper_params"]
    assert not paper.holds and paper.stated == "38.6M" and paper.actual == "33.7M"
    assert paper.actual_value == sum(p.numel() for p in fractalnet().parameters())
    assert claims["fractalnet.full_at_test"].actual_value == 7


def test_exercises_answer_from_the_zoo() -> None:
    answers = {e.id: e.expected() for e in exercises_for("fractalnet") if e.kind == "computed"}
    assert answers["fractalnet.paths"] == 26**2 + 1
    assert answers["fractalnet.convs_40_layers"] == 5 * 15
    assert answers["fractalnet.whole_block_local"] == pytest.approx(0.85**5, abs=1e-4)


def test_figure_rows_and_readout() -> None:
    figure = fractal_figure()
    assert figure.sliders == ("columns", "drop_sample")
    assert [p["name"] for p in figure.spec["params"]] == ["columns", "drop_sample"]
    data = figure.datasets()
    texts = {(r["C"], r["sample"], r["line"]): r["text"] for r in data["fractal_text"]}
    assert len(texts) == 4 * 12 * 2
    for C in range(1, 5):
        total = fractal_paths.fractal_block_count(C)
        units = [r for r in data["fractal_units"] if r["C"] == C and r["sample"] == 1]
        assert len(units) == total.convs
        for n in range(1, 13):
            s = fractal_paths.drop_path_sample(C, n)
            assert texts[(C, n, 0)] == count_text(total)
            assert texts[(C, n, 1)] == sample_text(s, total)
            alive = sum(r["alive"] for r in data["fractal_units"] if r["C"] == C and r["sample"] == n)
            assert alive == s.convs
    assert "C = 3: 7 convolutions, 2 joins, 5 paths" in figure.fallback
    with pytest.raises(ValueError, match="drop_sample"):
        fractal_figure(drop_sample=13)


def test_drop_path_diagram_dashes_what_the_sample_drops() -> None:
    s = fractal_paths.drop_path_sample(3, 5)
    dot = drop_path_diagram(3, 5)
    source = dot.source
    dead = [f"column{j}.{k}.conv" for j in (1, 2, 3) for k in range(2 ** (j - 1)) if f"column{j}.{k}.conv" not in s.live]
    assert dead and all(f'"{name}" [color="{theme.DIMMED}"' in source for name in dead)
    # the label's title is wrapped into table rows: read its cells' text joined back into one line
    label = " ".join(re.findall(r'<TD COLSPAN="\d+" BORDER="0">([^<]*)</TD>', source))
    assert "dashed" in source and sample_text(s, fractal_paths.fractal_block_count(3)) in label


def test_render_fractal_and_widget() -> None:
    view = widgets.render_fractal(4, 3, diagram=False)
    assert view.numbers["paths"] == 26 and view.numbers["convs"] == 15
    assert view.numbers["sample_convs"] == fractal_paths.drop_path_sample(4, 3).convs
    box = widgets.fractal_widget(diagram=False)
    controls = box.explorer.controls
    controls["columns"].value = 2
    assert box.explorer.view.numbers["paths"] == 2
    before = controls["drop_sample"].value
    box.sample_button.click()
    assert controls["drop_sample"].value == before + 1
    assert box.explorer.view.numbers["sample_convs"] == fractal_paths.drop_path_sample(2, before + 1).convs
