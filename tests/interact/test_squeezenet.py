"""SqueezeNet's design-space explorers (kernel-free and live) and the comparison chapter's figures."""

from __future__ import annotations

import json

import pytest

from cnnviz import models
from cnnviz.analysis.compare import compare_row, comparison
from cnnviz.analysis.ledger import ledger
from cnnviz.interact.squeezenet_widget import render_squeezenet, squeezenet_widget
from cnnviz.interact.static.compare import AXES, compare_figure, compare_rows, depth_timeline_figure
from cnnviz.interact.static.squeezenet import PCT3X3, SQUEEZE_RATIOS, squeezenet_figure, squeezenet_row


@pytest.fixture(scope="module")
def figure():
    return squeezenet_figure()


def test_squeezenet_figure_carries_every_setting(figure):
    rows = figure.datasets()["squeezenet_design"]
    assert len(rows) == len(SQUEEZE_RATIOS) * len(PCT3X3) == 56
    assert figure.sliders == ("sr", "pct3x3")
    default = next(r for r in rows if (r["sr"], r["pct3x3"]) == (0.125, 50))
    assert default["params"] == ledger("squeezenet1_0").total_params
    html = figure.html()
    assert 'name="sr"' not in html  # sliders are drawn by Vega, named by the params
    assert json.loads(figure.spec_json())["params"][0]["name"] in ("sr", "pct3x3")


@pytest.mark.parametrize(("sr", "pct"), [(0.5, 25.0), (1.0, 87.5)])
def test_squeezenet_rows_agree_with_the_built_network(sr, pct):
    row = squeezenet_row(sr, pct, ledger("alexnet").total_params)
    led = ledger(models.get("squeezenet1_0", squeeze_ratio=sr, pct3x3=pct / 100), (3, 224, 224))
    assert (row["params"], row["macs"]) == (led.total_params, led.total_macs)
    assert f"{led.total_params:,} parameters" in row["text_counts"]


def test_squeezenet_figure_errors():
    with pytest.raises(ValueError, match=r"squeezenet_figure: sr=0.3 is not a slider position; valid: 0.125"):
        squeezenet_figure(sr=0.3)
    with pytest.raises(ValueError, match=r"squeezenet_figure: pct3x3=50.5 is not a slider position"):
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


def test_live_widget_wires_sliders():
    box = squeezenet_widget()
    controls = box.explorer.controls
    assert set(controls) == {"sr_percent", "pct3x3", "version"}
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
