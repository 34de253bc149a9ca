"""The training loop: schedule, learning, exact resume from a checkpoint, the quick preset's command."""

import json

import pytest
import torch

from cnnviz.cli import main as cli_main
from cnnviz.experiments.__main__ import build_parser, config_for, main
from cnnviz.experiments.data import synthetic_shapes
from cnnviz.experiments.train import CHECKPOINT, PRESETS, TrainConfig, differences_from_paper, train


@pytest.fixture(scope="module")
def shapes():
    return synthetic_shapes(n_train=320, n_test=100, seed=1)


TINY = TrainConfig(iterations=12, milestones=(6, 9), batch_size=16, log_every=4, checkpoint_every=4,
                   n_train=128, n_test=64, eval_batch_size=64, seed=5)


def test_paper_schedule():
    paper = PRESETS["paper"]
    assert (paper.iterations, paper.milestones, paper.batch_size) == (64_000, (32_000, 48_000), 128)
    assert (paper.lr, paper.momentum, paper.weight_decay) == (0.1, 0.9, 1e-4)
    assert [paper.lr_at(i) for i in (0, 31_999, 32_000, 47_999, 48_000, 63_999)] == pytest.approx(
        [0.1, 0.1, 0.01, 0.01, 0.001, 0.001]
    )
    quick = PRESETS["quick"]  # the same shape of schedule: divide by 10 at 1/2 and 3/4 of the run
    assert [m / quick.iterations for m in quick.milestones] == [0.5, 0.75]


def test_config_errors():
    with pytest.raises(ValueError, match=r"TrainConfig: batch_size must be a positive integer, got 0"):
        TrainConfig(batch_size=0)
    with pytest.raises(ValueError, match=r"milestones must increase strictly within \(0, iterations=100\), "
                                         r"got \(50, 100\)"):
        TrainConfig(iterations=100, milestones=(50, 100))


def test_train_errors(shapes):
    message = r"train: resnet50 is not a 32x32 \(CIFAR\) network; valid models: .*plain20"
    with pytest.raises(ValueError, match=message):
        train("resnet50", shapes, TINY, progress=False)
    with pytest.raises(ValueError, match=r"batch_size=256 exceeds the 128 training images"):
        train("plain20", shapes, TrainConfig(**{**TINY.__dict__, "batch_size": 256}), progress=False)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match=r"device='cuda' but torch.cuda.is_available\(\) is False"):
            train("plain20", shapes, TINY, device="cuda", progress=False)


def test_short_run_lowers_the_loss_and_leaves_global_rng_alone(shapes):
    state = torch.get_rng_state()
    # 64 images seen 20 times each: the network memorises them, so the loss falls by a wide margin on any CPU
    config = TrainConfig(iterations=40, milestones=(30,), batch_size=32, log_every=10, checkpoint_every=40,
                         n_train=64, n_test=100, eval_batch_size=100, seed=0)
    log = train("plain20", shapes, config, progress=False)
    assert torch.equal(torch.get_rng_state(), state)
    assert log.model == "plain20" and log.iterations == (10, 20, 30, 40)
    assert len(log.train_error) == len(log.test_error) == len(log.train_loss) == 4
    assert all(0 <= e <= 1 for e in log.train_error + log.test_error)
    assert log.train_loss[-1] < log.train_loss[0] - 0.3, log.train_loss
    assert log.train_loss[0] < 2.6  # starts near ln 10 = 2.30: He init and BN keep the outputs tame
    meta = log.meta
    assert meta["seed"] == 0 and meta["dataset"] == "synthetic" and meta["n_train"] == 64
    assert meta["images_per_second"] > 0 and meta["wall_time_s"] > 0 and meta["device"] == "cpu"
    assert meta["config"]["milestones"] == [30]


def test_resume_from_checkpoint_gives_the_uninterrupted_run(shapes, tmp_path):
    whole = train("resnet20", shapes, TINY, run_dir=tmp_path / "whole", progress=False)
    # "interrupted" after 6 iterations, between two log points (counters mid-way), then resumed
    part = train("resnet20", shapes, TINY, run_dir=tmp_path / "resumed", progress=False, stop_at=6)
    assert part.iterations == (4,)
    saved = torch.load(tmp_path / "resumed" / CHECKPOINT, weights_only=True)
    assert saved["iteration"] == 6 and saved["seen"] == 2 * 16
    resumed = train("resnet20", shapes, TINY, run_dir=tmp_path / "resumed", progress=False)
    assert resumed.iterations == whole.iterations == (4, 8, 12)
    assert resumed.train_error == whole.train_error
    assert resumed.train_loss == whole.train_loss
    assert resumed.test_error == whole.test_error
    a = torch.load(tmp_path / "whole" / CHECKPOINT, weights_only=True)["model_state"]
    b = torch.load(tmp_path / "resumed" / CHECKPOINT, weights_only=True)["model_state"]
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    # a checkpoint of another configuration is not silently reused
    with pytest.raises(ValueError, match=r"checkpoint.pt belongs to another run"):
        train("resnet20", shapes, TrainConfig(**{**TINY.__dict__, "seed": 6}), run_dir=tmp_path / "whole",
              progress=False)


ENTRY_POINTS = {"python -m cnnviz.experiments": main, "cnnviz": cli_main}


@pytest.mark.first
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_quick_preset_command(entry, tmp_path, capsys):
    argv = ["degradation", "--preset", "quick", "--models", "plain20", "--iterations", "4",
            "--out", str(tmp_path / "out"), "--runs", str(tmp_path / "runs"), "--no-progress"]
    assert ENTRY_POINTS[entry](argv) == 0
    data = json.loads((tmp_path / "out" / "plain20-seed0.json").read_text())
    assert data["iterations"] == [4] and data["model"] == "plain20"
    meta = data["meta"]
    assert meta["preset"] == "quick" and meta["dataset"] == "synthetic"
    assert meta["n_train"] == 5_000 and meta["n_test"] == 500
    assert meta["config"]["milestones"] == [2, 3] and meta["config"]["batch_size"] == 32
    assert meta["command"].startswith("python -m cnnviz.experiments degradation --preset quick")
    [run] = (tmp_path / "runs").glob("quick-synthetic-*-seed0")  # the settings' hash names the folder
    assert (run / "plain20" / CHECKPOINT).is_file()
    assert "plain20: train error" in capsys.readouterr().out


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_command_errors(entry, capsys):
    assert ENTRY_POINTS[entry](["degradation", "--dataset", "cifar10"]) == 2
    assert "--dataset cifar10 needs --cifar-dir DIR" in capsys.readouterr().err
    args = build_parser().parse_args(["degradation", "--preset", "paper", "--iterations", "640"])
    config = config_for(args)
    assert (config.iterations, config.milestones, config.batch_size) == (640, (320, 480), 128)


def test_cpu_preset_and_what_it_changes():
    cpu = PRESETS["cpu"]
    assert cpu.milestones == (cpu.iterations // 2, cpu.iterations * 3 // 4)  # the paper's 1/2 and 3/4
    assert cpu.lr <= 0.1 * cpu.batch_size / 128  # the paper's rate scaled to the batch, not above it
    changed = differences_from_paper(cpu)
    assert set(changed) == {"iterations", "milestones", "lr", "batch_size", "n_train", "n_test"}
    assert changed["lr"] == {"paper": 0.1, "run": cpu.lr}
    assert differences_from_paper(PRESETS["paper"]) == {}
