"""The ResNet chapter's explorers: the degradation curves, one depth at a time, kernel-free and live."""

from __future__ import annotations

import pytest

from cnnviz.experiments.logs import RunLog
from cnnviz.interact.static.resnet import degradation_figure, degradation_rows
from cnnviz.interact.widgets import degradation_widget, render_degradation


def _logs() -> dict[str, RunLog]:
    def log(name: str, end: float) -> RunLog:
        return RunLog(name, (10, 20), (0.9, end), (0.85, end - 0.05), {})

    return {n: log(n, e) for n, e in (("plain20", 0.3), ("plain56", 0.6), ("resnet20", 0.25), ("resnet56", 0.2),
                                      ("resnet110", 0.15))}


def test_rows_are_percentages_with_the_final_point_marked() -> None:
    rows = degradation_rows({"plain56": _logs()["plain56"]})
    assert len(rows) == 4  # two log points x training and test
    (final,) = [r for r in rows if "readout" in r]  # the last training-error point carries the readout
    assert (final["kind"], final["iteration"], final["error"]) == ("training", 20, 60.0)
    assert final["readout"] == "plain-56 ends at 60.0% training and 55.0% test error"
    assert {r["network"] for r in rows} == {"plain-56"} and rows[0]["family"] == "plain" and rows[0]["depth"] == 56


def test_figure_offers_only_depths_with_both_networks() -> None:
    figure = degradation_figure(_logs())
    assert figure.sliders == ("depth",)
    (param,) = [p for p in figure.spec["params"] if p["name"] == "depth"]
    assert param["bind"]["options"] == [20, 56] and param["value"] == 56  # no plain-110 log: 110 is not offered
    depths = {r["depth"] for r in figure.datasets()["degradation"]}
    assert depths == {20, 56}
    assert "plain56: 60.0% training, 55.0% test error" in figure.fallback
    with pytest.raises(ValueError, match=r"depth=110 has no pair of logs; valid depths: \[20, 56\]"):
        degradation_figure(_logs(), depth=110)


def test_live_view_and_widget() -> None:
    view = render_degradation(_logs(), 20)
    assert view.rows == (("plain-20", "30.0%", "25.0%"), ("ResNet-20", "25.0%", "20.0%"))
    assert view.numbers["resnet20_test"] == pytest.approx(0.2) and view.diagram is not None
    with pytest.raises(ValueError, match="depth=110 needs a plain and a residual log"):
        render_degradation(_logs(), 110)
    box = degradation_widget(_logs())
    toggle = box.explorer.controls["depth"]
    assert toggle.value == 56 and [v for _, v in toggle.options] == [20, 56]
    toggle.value = 20
    assert box.explorer.view.title == "Plain vs residual, 20 layers"
