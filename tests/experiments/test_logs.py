"""The run-log format: round trip, validation messages, summary."""

import json

import pytest

from cnnviz.experiments.logs import (
    REQUIRED_META,
    FinalError,
    RunLog,
    degradation_story,
    load_log,
    load_logs,
    save_log,
    summarize,
)

META = {key: None for key in REQUIRED_META} | {"seed": 0, "dataset": "synthetic", "preset": "quick"}


def _log(model="plain20", **changes):
    fields = dict(model=model, iterations=(40, 80), train_error=(0.8, 0.5), test_error=(0.85, 0.55),
                  meta=dict(META), train_loss=(2.1, 1.4))
    return RunLog(**(fields | changes))


def test_round_trip(tmp_path):
    log = _log()
    path = save_log(log, tmp_path / "out")
    assert path == tmp_path / "out" / "plain20-seed0.json"
    data = json.loads(path.read_text())
    assert list(data) == ["model", "iterations", "train_error", "test_error", "train_loss", "meta"]
    assert data["iterations"] == [40, 80] and data["test_error"] == [0.85, 0.55]
    assert load_log(path) == log
    assert load_log(save_log(_log(train_loss=None), tmp_path)).train_loss is None


def _write(tmp_path, data):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"iterations": None}, r"missing key\(s\) iterations; required: model, iterations, train_error"),
        ({"model": ""}, r"'model' must be a non-empty string, got ''"),
        ({"test_error": [0.5]},
         r"equal lengths, got \{'iterations': 2, 'train_error': 2, 'test_error': 1, 'train_loss': 2\}"),
        ({"iterations": [80, 40]}, r"iterations must increase strictly, got 80 then 40"),
        ({"iterations": [40, 80.5]}, r"iterations\[1\] must be a non-negative integer, got 80.5"),
        ({"train_error": [0.8, 12.0]}, r"train_error\[1\] must be a fraction in \[0, 1\], got 12.0"),
        ({"train_loss": [1.0, -1.0]}, r"train_loss\[1\] must be a non-negative number, got -1.0"),
        ({"meta": {"seed": 0}}, r"meta lacks command, git_commit, hardware, wall_time_s, dataset, preset"),
        ({"train_error": "0.8"}, r"'train_error' must be a list, got str"),
    ],
)
def test_validation_errors_name_the_problem(tmp_path, change, message):
    data = _log().to_json()
    for key, value in change.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    with pytest.raises(ValueError, match=message):
        load_log(_write(tmp_path, data))


def test_not_json_and_missing_files(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{")
    with pytest.raises(ValueError, match=r"x.json: not valid JSON"):
        load_log(path)
    with pytest.raises(ValueError, match=r"expected a JSON object, got list"):
        load_log(_write(tmp_path, [1]))
    with pytest.raises(FileNotFoundError, match=r"run log .*nope.json does not exist"):
        load_log(tmp_path / "nope.json")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match=r"empty holds no \*.json run logs"):
        load_logs(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match=r"no run-log folder .*missing"):
        load_logs(tmp_path / "missing")


def test_load_logs_orders_plain_then_residual_by_depth_and_summarizes(tmp_path):
    for model in ("resnet56", "plain56", "resnet20", "plain20", "plain110"):
        save_log(_log(model, test_error=(0.9, int(model[-2:]) / 1000)), tmp_path)
    logs = load_logs(tmp_path)
    assert list(logs) == ["plain20", "plain56", "plain110", "resnet20", "resnet56"]
    rows = summarize(tmp_path)
    assert rows[0] == FinalError("plain20", 80, 0.5, 0.02)
    assert rows[-1] == FinalError("resnet56", 80, 0.5, 0.056)
    assert [row.model for row in rows] == list(logs)
    assert summarize(logs) == rows


def _curves(plain20, plain56, resnet20, resnet56):
    """Logs of four networks with the given training errors at three log points."""
    def log(model, train):
        return _log(model, iterations=(1, 2, 3), train_error=train, test_error=train, train_loss=None)

    return {log.model: log for log in (log("plain20", plain20), log("plain56", plain56),
                                       log("resnet20", resnet20), log("resnet56", resnet56))}


def test_degradation_story_measures_the_four_relations():
    story = degradation_story(_curves((0.9, 0.5, 0.3), (0.9, 0.8, 0.6), (0.8, 0.4, 0.2), (0.8, 0.3, 0.1)))
    assert (story.shallow, story.deep) == (20, 56)
    assert story.deep_plain_above == 2 / 3  # equal at the first point: not above
    assert story.residual_below_plain == {20: True, 56: True}
    assert story.deep_residual_not_worse and not story.holds  # the plain gap is not there at every point

    story = degradation_story(_curves((0.9, 0.5, 0.3), (0.95, 0.8, 0.6), (0.8, 0.4, 0.35), (0.8, 0.3, 0.4)))
    assert story.deep_plain_above == 1.0
    assert story.residual_below_plain == {20: False, 56: True}
    assert not story.deep_residual_not_worse and not story.holds

    story = degradation_story(_curves((0.9, 0.5, 0.3), (0.95, 0.8, 0.6), (0.8, 0.4, 0.2), (0.8, 0.3, 0.2)))
    assert story.holds  # equal final errors count as "not worse"


def test_degradation_story_needs_two_common_depths():
    logs = _curves((0.9,) * 3, (0.9,) * 3, (0.9,) * 3, (0.9,) * 3)
    del logs["resnet56"]
    with pytest.raises(ValueError, match="at least two common depths"):
        degradation_story(logs)


def test_shipped_runs_are_found_inside_the_package():
    from cnnviz.experiments.logs import load_runs, shipped_runs

    folder = shipped_runs("degradation-cpu")
    assert folder.parts[-3:] == ("experiments", "runs", "degradation-cpu")
    runs = load_runs(folder)
    assert ("plain56", 0) in runs and all(log.meta["seed"] == seed for (_, seed), log in runs.items())
    with pytest.raises(FileNotFoundError, match=r"no run set 'nope'; shipped: .*degradation-cpu"):
        shipped_runs("nope")
