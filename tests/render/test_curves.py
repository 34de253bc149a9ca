"""The degradation figure: two panels, one colour per depth, dashed training and solid test error."""

from __future__ import annotations

import matplotlib
import pytest

from cnnviz.experiments.logs import RunLog
from cnnviz.render.curves import curve_label, final_errors_table, plot_degradation


def _log(model: str, train: float, test: float) -> RunLog:
    meta = {"config": {"milestones": [2, 3]}}
    return RunLog(model, (1, 2, 3, 4), (0.9, 0.6, train + 0.1, train), (0.9, 0.6, test + 0.1, test), meta)


def test_two_panels_with_dashed_training_and_solid_test_curves() -> None:
    rc_before = dict(matplotlib.rcParams)
    logs = [_log("plain20", 0.2, 0.25), _log("plain56", 0.4, 0.45), _log("resnet20", 0.15, 0.2),
            _log("resnet56", 0.1, 0.12)]
    fig = plot_degradation({log.model: log for log in logs})
    plain, residual = fig.axes
    assert plain.get_title() == "plain networks" and residual.get_title().startswith("residual")
    lines = {line.get_label(): line for line in plain.get_lines() if not line.get_label().startswith("_")}
    assert set(lines) == {"plain-20 training", "plain-20 test", "plain-56 training", "plain-56 test"}
    assert lines["plain-56 training"].get_linestyle() == "--" and lines["plain-56 test"].get_linestyle() == "-"
    assert list(lines["plain-56 test"].get_ydata()) == pytest.approx([90, 60, 55, 45])  # percent
    assert lines["plain-20 test"].get_color() != lines["plain-56 test"].get_color()
    # same depth, same colour in both panels
    res = {line.get_label(): line for line in residual.get_lines()}
    assert res["ResNet-56 test"].get_color() == lines["plain-56 test"].get_color()
    # the two learning-rate drops are marked in each panel
    assert sum(line.get_linestyle() == ":" for line in plain.get_lines()) == 2
    assert dict(matplotlib.rcParams) == rc_before


def test_names_and_bad_input() -> None:
    assert curve_label("plain56") == "plain-56" and curve_label("resnet110") == "ResNet-110"
    with pytest.raises(ValueError, match="model 'vgg16' is not a plain or residual CIFAR network"):
        plot_degradation([_log("vgg16", 0.1, 0.1)])
    with pytest.raises(ValueError, match="no curves"):
        plot_degradation([])


def test_final_errors_table() -> None:
    from cnnviz.experiments.logs import summarize

    logs = {log.model: log for log in (_log("plain56", 0.4, 0.45), _log("resnet56", 0.1, 0.12))}
    table = final_errors_table(summarize(logs), {"resnet56": 0.0697}, "paper, CIFAR-10 test (Table 6)")
    assert table.splitlines() == [
        "| network | iterations | training error | test error | paper, CIFAR-10 test (Table 6) |",
        "|:---|---:|---:|---:|---:|",
        "| plain-56 | 4 | 40.0% | 45.0% | – |",
        "| ResNet-56 | 4 | 10.0% | 12.0% | 6.97% |",
    ]
