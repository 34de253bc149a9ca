"""Sweeps: runs on fresh seeds written down first, resumed across sittings, and judged by the issue's criteria."""

import json

import pytest

from cnnviz.experiments.__main__ import main
from cnnviz.experiments.sweeps import Final, config_of_run, degradation_test, final_numbers, load_sweep

SETTINGS = {"iterations": 8, "batch_size": 16, "log_every": 4, "checkpoint_every": 8, "n_train": 128, "n_test": 64,
            "eval_batch_size": 64, "train_eval_size": 32, "response_batch": 16, "input_size": 16, "width": 4}


def write_sweep(folder, runs, variants=None, **changes):
    sweep = {"name": "test-sweep", "written": "before it ran", "purpose": "a test", "dataset": "synthetic",
             "settings": SETTINGS, "variants": variants or {}, "runs": runs, **changes}
    path = folder / "sweep.json"
    path.write_text(json.dumps(sweep))
    return path


def test_a_run_takes_the_sweeps_settings_its_variants_and_its_seed(tmp_path):
    path = write_sweep(tmp_path, [{"network": "plain20", "seed": 5}, {"network": "plain20", "seed": 5,
                                                                      "variant": "lr-half"}],
                       variants={"lr-half": {"lr": 0.05}})
    sweep = load_sweep(path)
    main_config, half = (config_of_run(sweep, run) for run in sweep["runs"])
    assert (main_config.seed, main_config.milestones, main_config.lr) == (5, (4, 6), 0.1)
    assert half.lr == 0.05 and half.width == 4


@pytest.mark.parametrize(("runs", "variants", "message"), [
    ([{"network": "plain20"}], {}, "needs a 'network'"),
    ([{"network": "plain20", "seed": 1, "variant": "fast"}], {}, "names variant 'fast'"),
    ([{"network": "plain20", "seed": 1}, {"network": "plain20", "seed": 1}], {}, "listed twice"),
    ([{"network": "plain20", "seed": 1, "variant": "v"}], {"v": {"seed": 3}}, "unknown or fixed setting"),
    ([{"network": "plain20", "seed": 1}], {"main": {}}, "variant 'main' is the sweep's own"),
])  # fmt: skip
def test_a_bad_sweep_file_is_refused_with_what_is_wrong(tmp_path, runs, variants, message):
    with pytest.raises(ValueError, match=message):
        load_sweep(write_sweep(tmp_path, runs, variants))


def test_the_sweep_command_trains_what_is_missing_and_skips_what_is_logged(tmp_path, capsys):
    path = write_sweep(tmp_path, [{"network": "plain20", "seed": 1}, {"network": "resnet20", "seed": 1,
                                                                      "variant": "lr-half"}],
                       variants={"lr-half": {"lr": 0.05}})
    assert main(["sweep", str(path), "--runs", str(tmp_path / "ckpt")]) == 0
    logs = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("*/*-seed*.json"))
    assert logs == ["lr-half/resnet20-seed1.json", "main/plain20-seed1.json"]
    meta = json.loads((tmp_path / "lr-half" / "resnet20-seed1.json").read_text())["meta"]
    assert meta["seed"] == 1 and meta["jobs"] == 1 and str(tmp_path) not in meta["command"]
    assert capsys.readouterr().out.count("seed 1:") == 2
    assert main(["sweep", str(path), "--runs", str(tmp_path / "ckpt")]) == 0  # nothing left: nothing trained
    assert capsys.readouterr().out == ""
    finals = final_numbers(tmp_path / "main")
    assert list(finals) == ["plain20"] and finals["plain20"].seeds == (1,) and finals["plain20"].spread == 0


def test_the_sweep_command_names_a_missing_file(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "nope.json")]) == 2
    assert "nope.json does not exist" in capsys.readouterr().err


def final(network, errors, loss=1.0):
    mean = sum(errors) / len(errors)
    return Final(network, tuple(range(len(errors))), (loss, loss, loss), (mean, min(errors), max(errors)),
                 (mean, mean, mean))


def test_degradation_is_shown_only_when_every_criterion_holds():
    finals = {"plain20": final("plain20", [0.30, 0.32]), "plain56": final("plain56", [0.45, 0.50]),
              "resnet20": final("resnet20", [0.25, 0.28]), "resnet56": final("resnet56", [0.27, 0.29])}
    assert degradation_test(finals).shown
    stuck = {**finals, "plain56": final("plain56", [0.80, 0.82], loss=2.2)}  # deeper worse, but never learned
    test = degradation_test(stuck)
    assert not test.shown and [c.holds for c in test.criteria] == [False, False, True, True, True]
    beyond = {**finals, "resnet56": final("resnet56", [0.30, 0.31])}  # lowest seed above resnet20's highest
    assert [c.holds for c in degradation_test(beyond).criteria][-1] is False
    inverted = {**finals, "plain56": final("plain56", [0.20, 0.22])}
    assert not degradation_test(inverted).criteria[2].holds
    with pytest.raises(ValueError, match="no runs of resnet56"):
        degradation_test({k: v for k, v in finals.items() if k != "resnet56"})


def test_a_logged_command_keeps_paths_under_the_working_directory_relative_and_drops_others(tmp_path, monkeypatch):
    from cnnviz.experiments.logs import portable_command

    monkeypatch.chdir(tmp_path)
    argv = ["sweep", str(tmp_path / "runs" / "sweep.json"), "--runs=/home/someone/ckpt", "--threads", "1"]
    assert portable_command("python -m cnnviz.experiments", argv) == (
        "python -m cnnviz.experiments sweep runs/sweep.json --runs=ckpt --threads 1")
