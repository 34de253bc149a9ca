"""What a run records besides its errors: gradient norms per stage, layer responses at the end, the options
the degradation sweep needs (input size, width, warm-up) and logs that keep several seeds apart."""

import json

import pytest
import torch
from torch import nn

from cnnviz import models
from cnnviz.experiments.data import synthetic_shapes
from cnnviz.experiments.logs import load_logs, load_runs, save_log
from cnnviz.experiments.probes import config_of, judge, load_grid
from cnnviz.experiments.recorders import GradientRecorder, gradient_groups, response_std
from cnnviz.experiments.train import TrainConfig, downsample, train


@pytest.fixture(scope="module")
def shapes():
    return synthetic_shapes(n_train=256, n_test=64, seed=2)


SMALL = TrainConfig(iterations=8, milestones=(4, 6), batch_size=16, log_every=4, checkpoint_every=8, n_train=128,
                    n_test=64, eval_batch_size=64, train_eval_size=32, response_batch=16, seed=3)


def test_gradient_groups_are_the_first_conv_then_each_stage():
    model = models.get("plain20")
    groups = gradient_groups(model)
    assert list(groups) == ["conv1", "layer1", "layer2", "layer3"]
    assert groups["conv1"] == [model.conv1.weight]
    assert len(groups["layer1"]) == 6  # three blocks of two 3x3 convolutions
    with pytest.raises(ValueError, match="has no nn.Conv2d layer"):
        gradient_groups(nn.Linear(3, 2))


def test_recorder_averages_norms_over_the_steps_of_an_interval():
    model = nn.Sequential(nn.Conv2d(1, 1, 1, bias=False))
    recorder = GradientRecorder(model)
    for value in (3.0, 5.0):  # a 1x1x1x1 weight: its gradient's L2 norm and mean |g| are |value|
        model[0].weight.grad = torch.full_like(model[0].weight, -value)
        recorder.record()
    norms, means = recorder.take()
    assert norms == {"conv1": pytest.approx(4.0)} and means == {"conv1": pytest.approx(4.0)}
    with pytest.raises(ValueError, match="no step recorded"):
        recorder.take()  # reset after take


def test_response_std_hooks_every_3x3_layer_and_leaves_no_trace():
    model = models.get("resnet20").train()
    stds = response_std(model, torch.randn(8, 3, 32, 32))
    # the stem's BN and two per block (18 blocks x ... 9 blocks of resnet20): 1 + 2 * 9
    assert len(stds.layers) == 19 and stds.layers[0] == "bn1" and stds.layers[1] == "layer1.0.bn1"
    assert all(s > 0 for s in stds.std)
    assert model.training and not any(m._forward_hooks for m in model.modules())
    # a hand-made check: a BN in eval mode with weight w and fresh running stats scales a standard normal by w
    net = nn.Sequential(nn.Conv2d(1, 1, 3, padding=1, bias=False), nn.BatchNorm2d(1))
    nn.init.dirac_(net[0].weight)
    net[1].weight.data.fill_(2.0)
    out = response_std(net, torch.randn(64, 1, 16, 16, generator=torch.Generator().manual_seed(0)))
    assert out.std[0] == pytest.approx(2.0, rel=0.03)


def test_downsample_average_pools_and_names_valid_sizes():
    images = torch.arange(16, dtype=torch.uint8).view(1, 1, 4, 4).expand(1, 3, 4, 4)
    small = downsample(images, 2)
    assert small.shape == (1, 3, 2, 2) and small[0, 0].tolist() == [[2, 4], [10, 12]]  # 2.5 rounds to even
    assert downsample(images, 4) is images
    with pytest.raises(ValueError, match=r"input_size must divide the images' 4 px, got 3; valid: 1, 2, 4"):
        downsample(images, 3)


def test_options_train_and_are_recorded_as_differences(shapes):
    config = TrainConfig(**{**SMALL.__dict__, "input_size": 16, "width": 4, "warmup": True})
    log = train("plain20", shapes, config, progress=False)
    differs = log.meta["differs_from_paper"]
    assert differs["input_size"] == {"paper": 32, "run": 16} and differs["width"] == {"paper": 16, "run": 4}
    assert differs["warmup"] == {"paper": False, "run": True}
    assert "train_eval_size" not in differs  # a measurement, not a setting
    assert log.meta["augment_pad"] == 2 and log.meta["threads"] == 1 and len(log.meta["load_average"]["end"]) == 3
    # warm-up: lr / 10 until a log interval's training error is below 80%
    assert log.series["lr"][0] == pytest.approx(0.01)  # the first interval always trains at lr / 10
    assert set(log.gradients["grad_norm"]) == {"conv1", "layer1", "layer2", "layer3"}
    assert all(len(v) == len(log.iterations) for v in log.gradients["grad_mean_abs"].values())
    assert len(log.series["train_eval_error"]) == len(log.iterations) == 2
    assert len(log.responses["std"]) == 19  # plain20: the stem and 18 convolutions in blocks
    with pytest.raises(ValueError, match=r"resnext29_8x64d has no width option"):
        train("resnext29_8x64d", shapes, TrainConfig(**{**SMALL.__dict__, "width": 4}), progress=False)


def test_warmup_lowers_the_rate_until_the_error_falls_below_80_percent(shapes):
    # at chance (90% error) the warm-up never ends in 8 iterations of a tiny run: the rate stays lr / 10
    config = TrainConfig(**{**SMALL.__dict__, "warmup": True, "lr": 0.1, "n_train": 128})
    log = train("plain20", shapes, config, progress=False)
    errors = log.train_error
    ended = log.meta["warmup_end"]
    if ended is None:
        assert all(e >= 0.8 for e in errors) and log.series["lr"] == pytest.approx((0.01, 0.0001))  # /10 from 6
    else:
        assert errors[log.iterations.index(ended)] < 0.8


def test_weights_are_saved_as_float16(shapes, tmp_path):
    path = tmp_path / "w" / "plain20-seed3.pt"
    train("plain20", shapes, SMALL, progress=False, weights_path=path)
    state = torch.load(path, weights_only=True)
    assert state["conv1.weight"].dtype == torch.float16
    model = models.get("plain20")
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})


def test_a_second_seed_does_not_overwrite_the_first(shapes, tmp_path):
    for seed in (3, 4):
        save_log(train("plain20", shapes, TrainConfig(**{**SMALL.__dict__, "seed": seed}), progress=False), tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["plain20-seed3.json", "plain20-seed4.json"]
    runs = load_runs(tmp_path)
    assert list(runs) == [("plain20", 3), ("plain20", 4)]
    assert json.loads((tmp_path / "plain20-seed4.json").read_text())["meta"]["seed"] == 4
    with pytest.raises(ValueError, match="several seeds of plain20; read it with load_runs"):
        load_logs(tmp_path)


def test_the_shipped_probe_grid_is_valid_and_its_rule_judges(tmp_path):
    from importlib.resources import files

    grid = load_grid(files("cnnviz.experiments") / "runs" / "degradation-probes" / "grid.json")
    configs = [config_of(grid, probe) for probe in grid["probes"]]
    assert all(c.seed == 0 and c.milestones == (c.iterations // 2, c.iterations * 3 // 4) for c in configs)

    class Fake:
        def __init__(self, model, loss, error):
            self.model, self.series, self.meta = model, {"train_eval_loss": (loss,), "train_eval_error": (error,)}, {
                "wall_time_s": 1.0}

    probe = grid["probes"][0]
    stuck = judge(grid, probe, Fake("plain56", 2.1, 0.79), None)
    assert not stuck.learns and not stuck.passes
    learns = judge(grid, probe, Fake("plain56", 1.2, 0.45), Fake("plain20", 0.5, 0.2))
    assert learns.learns and learns.passes and learns.reference_error == 0.2
    inverted = judge(grid, probe, Fake("plain56", 1.2, 0.45), Fake("plain20", 1.5, 0.5))
    assert inverted.learns and not inverted.passes  # learns, but no degradation: not picked
    bad = tmp_path / "grid.json"
    bad.write_text(json.dumps({**grid, "probes": [{**probe, "batch": 3}]}))
    with pytest.raises(ValueError, match="unknown setting"):
        load_grid(bad)


def test_batch_norm_ablation_trains_without_any_batch_norm(shapes):
    from cnnviz.models.cifar_resnet import cifar_resnet

    net = cifar_resnet(20, residual=False, batch_norm=False)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in net.modules())
    bn_params = sum(p.numel() for m in cifar_resnet(20, residual=False).modules()
                    if isinstance(m, nn.BatchNorm2d) for p in m.parameters())
    assert sum(p.numel() for p in net.parameters()) == 269_722 - bn_params  # nothing else changes
    with pytest.raises(ValueError, match="batch_norm must be True or False"):
        cifar_resnet(20, batch_norm="no")
    log = train("plain20", shapes, TrainConfig(**{**SMALL.__dict__, "batch_norm": False}), progress=False)
    assert log.meta["differs_from_paper"]["batch_norm"] == {"paper": True, "run": False}
    assert log.responses is None  # no batch norm after a 3x3 conv: no Fig. 7 responses


def test_warmup_limit_ends_the_warmup_of_a_network_stuck_above_80_percent(shapes):
    config = TrainConfig(**{**SMALL.__dict__, "warmup": True, "warmup_limit": 4, "lr": 0.1, "milestones": (6, 7)})
    log = train("plain20", shapes, config, progress=False)
    assert log.meta["warmup_end"] == 4  # at the first log point at or after the limit, whatever the error
    assert log.series["lr"] == pytest.approx((0.01, 0.001))  # then 0.1 again, divided by 10 at 6 and at 7
    assert log.meta["differs_from_paper"]["warmup_limit"] == {"paper": None, "run": 4}
    with pytest.raises(ValueError, match="warmup_limit must be a positive integer"):
        TrainConfig(warmup_limit=0)
