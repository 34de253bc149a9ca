"""SqueezeNet's design-space explorers (kernel-free and live) and the comparison chapter's figures."""

from __future__ import annotations

import json

import pytest

from cnnviz import models
from cnnviz.analysis.compare import compare_row, comparison
from cnnviz.analysis.fire_modules import design_accuracy
from cnnviz.analysis.ledger import ledger
from cnnviz.interact.squeezenet_widget import paper_accuracy, render_squeezenet, squeezenet_widget
from cnnviz.interact.static.compare import AXES, compare_figure, compare_rows, depth_timeline_figure
from cnnviz.interact.static.squeezenet import (
    PANEL_WIDTH,
    PCT3X3,
    READOUT_CHARS,
    SQUEEZE_RATIOS,
    readout_text,
    squeezenet_figure,
    squeezenet_row,
)


@pytest.fixture(scope="module")
def figure():
    return squeezenet_figure()


def test_squeezenet_figure_carries_every_setting(figure):
    rows = figure.datasets()["squeezenet_design"]
    assert len(rows) == len(SQUEEZE_RATIOS) * len(PCT3X3) == 72
    assert PCT3X3[0] == 1 and PCT3X3[-1] == 99  # the ends of the paper's Fig. 3b, as the text says
    assert figure.sliders == ("sr", "pct3x3")
    default = next(r for r in rows if (r["sr"], r["pct3x3"]) == (0.125, 50))
    assert default["params"] == ledger("squeezenet1_0").total_params
    html = figure.html()
    assert 'name="sr"' not in html  # sliders are drawn by Vega, named by the params
    spec = json.loads(figure.spec_json())
    menu = next(p for p in spec["params"] if p["name"] == "pct3x3")["bind"]
    assert menu["input"] == "select" and menu["options"] == list(PCT3X3)


@pytest.mark.parametrize(("sr", "pct"), [(0.5, 25.0), (1.0, 87.5), (0.375, 1.0), (0.5, 99.0)])
def test_squeezenet_rows_agree_with_the_built_network(sr, pct):
    row = squeezenet_row(sr, pct)
    led = ledger(models.get("squeezenet1_0", squeeze_ratio=sr, pct3x3=pct / 100), (3, 224, 224))
    assert (row["params"], row["macs"]) == (led.total_params, led.total_macs)
    assert f"{led.total_params:,} parameters" in row["text_params"]


def test_the_paper_accuracy_sits_only_at_the_papers_settings(figure):
    """Fig. 3a's points at 50% 3×3, Fig. 3b's at SR = 0.5, nothing in between: no interpolation."""
    rows = figure.datasets()["squeezenet_design"]
    for r in rows:
        points = design_accuracy(r["sr"], r["pct3x3"] / 100)
        assert {k for k in r if k.startswith("top5_")} == {f"top5_{p.panel}" for p in points}
        lines = readout_text(r)
        if not points:
            assert lines[4] == "Paper: reports no network at this setting"
        elif points[0].printed:
            assert lines[4].startswith(f"Paper: {points[0].top5:.1f}% top-5 (Fig. 3") and "printed" in lines[4]
        else:
            assert f"about {points[0].top5:.1f}% top-5 (read off Fig. 3" in lines[4] and "±0.5" in lines[5]
    on_a = {r["sr"] for r in rows if "top5_3a" in r}
    on_b = {r["pct3x3"] for r in rows if "top5_3b" in r}
    assert on_a == {0.125, 0.25, 0.5, 0.75, 1.0} and on_b == set(PCT3X3)
    assert all(r["pct3x3"] == 50 for r in rows if "top5_3a" in r) and all(r["sr"] == 0.5 for r in rows if "top5_3b" in r)
    squeezenet = next(r for r in rows if (r["sr"], r["pct3x3"]) == (0.125, 50))
    assert readout_text(squeezenet)[4:] == ["Paper: 80.3% top-5 (Fig. 3a, printed)",
                                            "SqueezeNet itself: top-1 57.5% (Table 2)"]  # fmt: skip


def test_the_figure_fits_a_phone(figure):
    """Every view PANEL_WIDTH wide, every readout, title and subtitle line at most READOUT_CHARS characters."""
    spec = json.loads(figure.spec_json())
    for row in figure.datasets()["squeezenet_design"]:
        assert max(len(line) for line in readout_text(row)) <= READOUT_CHARS
    title = spec["title"]
    assert all(len(line) <= READOUT_CHARS for line in [title["text"], *title["subtitle"]])
    widths = []

    def walk(node):
        if isinstance(node, dict):
            if "width" in node and isinstance(node["width"], int):
                widths.append(node["width"])
            if isinstance(node.get("title"), dict):
                sub = node["title"].get("subtitle", [])
                assert all(len(line) <= READOUT_CHARS for line in ([sub] if isinstance(sub, str) else sub))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec["vconcat"])
    assert widths and set(widths) == {PANEL_WIDTH}
    assert "red dot" not in figure.spec_json()  # the marker is orange, and the subtitle says so


def test_the_cost_panel_keeps_one_scale(figure):
    """The parameters' axis is fixed to the largest setting, so moving pct3x3 moves the line (the review saw
    an auto-rescaled axis that hid the change)."""
    spec = json.loads(figure.spec_json())
    rows = figure.datasets()["squeezenet_design"]
    domains = []

    def walk(node):
        if isinstance(node, dict):
            y = node.get("encoding", {}).get("y", {})
            if y.get("field") == "params":
                domains.append(y.get("scale", {}).get("domain"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    assert domains and all(d == [0, max(r["params"] for r in rows)] for d in domains)


def test_squeezenet_figure_errors():
    with pytest.raises(ValueError, match=r"squeezenet_figure: sr=0.3 is not a slider position; valid: 0.125"):
        squeezenet_figure(sr=0.3)
    with pytest.raises(ValueError, match=r"squeezenet_figure: pct3x3=50.5 is not a slider position; valid: 1, 12.5"):
        squeezenet_figure(pct3x3=50.5)


def test_live_widget_matches_the_static_figure(figure):
    view = render_squeezenet(50, 25)
    static = next(r for r in figure.datasets()["squeezenet_design"] if (r["sr"], r["pct3x3"]) == (0.5, 25.0))
    assert (view.numbers["params"], view.numbers["macs"]) == (static["params"], static["macs"])
    assert view.numbers["bytes6"] * 8 == pytest.approx(6 * view.numbers["params"], abs=8)
    default = render_squeezenet()
    assert default.numbers["params"] == ledger("squeezenet1_0").total_params
    assert [row[0] for row in default.rows] == [f"fire{i}" for i in range(2, 10)]
    assert render_squeezenet(12, 50, "1_1").numbers["macs"] == ledger("squeezenet1_1").total_macs
    assert render_squeezenet(12, 50, "1_0", diagram=True).diagram is not None
    assert render_squeezenet(0, 50).error.startswith("Not a valid setting: squeezenet design space: squeeze_ratio")
    assert "version must be one of" in render_squeezenet(12, 50, "3_0").error


def test_live_widget_gives_the_papers_accuracy_where_it_has_a_network():
    assert "80.3% ImageNet top-5 accuracy here (printed on its Fig. 3a; no top-1)" in render_squeezenet().note
    assert "read off its Fig. 3a, to ±0.5 points" in render_squeezenet(25, 50).note
    assert "Fig. 3a and Fig. 3b" in render_squeezenet(50, 50).note
    assert "reports no network at this setting" in render_squeezenet(33, 40).note
    assert "reports no network" in paper_accuracy(0.5, 12)  # 12%, not the paper's 12.5%: no interpolation


def test_live_widget_wires_sliders():
    box = squeezenet_widget()
    controls = box.explorer.controls
    assert set(controls) == {"sr_percent", "pct3x3", "version"}
    assert (controls["sr_percent"].min, controls["sr_percent"].step) == (1, 1)  # 25, 50 and 75 are reachable
    controls["version"].value = 1
    assert box.explorer.view.numbers["macs"] == ledger("squeezenet1_1").total_macs


@pytest.fixture(scope="module")
def comp():
    return comparison(["alexnet", "squeezenet1_0", "nin_cifar"], timed=False)


def test_compare_figure(comp):
    fig = compare_figure(comp)
    rows = fig.datasets()["networks"]
    assert rows == compare_rows(comp)
    squeeze = next(r for r in rows if r["network"] == "squeezenet1_0")
    assert (squeeze["top1"], squeeze["top5"]) == (42.5, 19.7)
    assert squeeze["params"] == ledger("squeezenet1_0").total_params
    assert fig.sliders == ("xaxis", "yaxis", "dataset")
    spec = json.loads(fig.spec_json())
    options = next(p for p in spec["params"] if p["name"] == "xaxis")["bind"]["options"]
    assert options == list(AXES)
    assert "nin_cifar" not in fig.fallback  # the ImageNet view by default
    with pytest.raises(ValueError, match=r"compare_figure: x must be one of 'macs'"):
        compare_figure(comp, x="flops")
    with pytest.raises(ValueError, match=r"compare_figure: dataset must be one of"):
        compare_figure(comp, dataset="MNIST")


def test_a_readers_row_and_the_timeline(comp):
    import torch.nn as nn

    mine = compare_row(nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Conv2d(4, 4, 3)), (3, 32, 32), name="mine",
                       timed=False)
    fig = compare_figure(comparison(["squeezenet1_0"], timed=False, extra=[mine]))
    assert any(r["network"] == "mine" and r["dataset"] == "your network" for r in fig.datasets()["networks"])
    timeline = depth_timeline_figure(comp)
    assert "squeezenet1_0 (2016): 18 layers" in timeline.fallback


def test_every_computed_exercise_shows_its_working():
    """A revealed answer shows how it is reached, generated from the computation and ending in the answer."""
    from cnnviz.interact import exercises

    computed = [e for e in exercises.for_chapter("squeezenet") if e.kind == exercises.COMPUTED]
    assert computed
    for exercise in computed:
        for variant in range(len(exercise.variants) + 1):
            working = exercise.worked(variant)
            assert working.endswith(f"**{exercise.expected(variant):,}**."), (exercise.id, variant)


def test_a_working_that_does_not_add_up_fails(monkeypatch):
    from cnnviz.interact.exercises import get
    from cnnviz.interact.exercises import squeezenet as module

    monkeypatch.setattr(module, "_fire_params", lambda fire: 1)
    with pytest.raises(AssertionError, match="the working adds up to the answer"):
        get("squeezenet.fire_params").worked()
