"""`cnnviz train`: a zoo network or the reader's own class, trained and logged in the book's format."""

import json
import re

import pytest
import torch

from cnnviz.cli import main

NETS = '''
from torch import nn

class Tiny(nn.Module):
    def __init__(self, width=4):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(3, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(),
                                 nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, 10))

    def forward(self, x):
        return self.net(x)

class FiveLogits(Tiny):
    def forward(self, x):
        return self.net(x)[:, :5]

class NeedsArguments(nn.Module):
    def __init__(self, depth):
        super().__init__()

class NotAModule:
    pass
'''


@pytest.fixture(autouse=True)
def restore_threads():
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def nets(tmp_path):
    path = tmp_path / "nets.py"
    path.write_text(NETS)
    return path


def test_trains_the_readers_class_and_writes_a_log(nets, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["train", f"{nets}:Tiny", "--preset", "quick", "--iterations", "4", "--seed", "2", "--out", str(out),
            "--threads", "1", "--no-progress"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Tiny: training error ") and "test error" in printed
    data = json.loads((out / "Tiny-seed2.json").read_text())
    assert data["model"] == "Tiny" and data["iterations"][-1] == 4 and data["meta"]["seed"] == 2
    assert str(tmp_path) not in data["meta"]["command"]  # no machine paths in a log
    assert data["meta"]["command"].startswith("cnnviz train nets.py:Tiny")


@pytest.mark.parametrize(("name", "message"), [
    ("FiveLogits", r"FiveLogits must output 10 logits per image, shape \(N, 10\); for N = 2 it gave \(2, 5\)"),
    ("NeedsArguments", r"NeedsArguments needs arguments \(depth\)"),
    ("NotAModule", r"NotAModule is not an nn.Module class"),
    ("Missing", r"has no class 'Missing'; nn.Module classes in it: FiveLogits, NeedsArguments, Tiny"),
])
def test_bad_classes_get_one_clear_line_and_leave_nothing(nets, tmp_path, capsys, name, message):
    out = tmp_path / "out"
    argv = ["train", f"{nets}:{name}", "--preset", "quick", "--iterations", "2", "--out", str(out), "--no-progress"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("cnnviz train: error: ") and len(err.strip().splitlines()) == 1
    assert re.search(message, err), err
    assert not out.exists()


def test_unknown_model_and_missing_cifar_folder(tmp_path, capsys):
    assert main(["train", "resnet50", "--out", str(tmp_path)]) == 2
    assert "not a 32x32 (CIFAR) network" in capsys.readouterr().err
    assert main(["train", "plain20", "--dataset", "cifar10", "--cifar-dir", str(tmp_path / "none")]) == 2
    assert "load_cifar10: no folder" in capsys.readouterr().err
    assert main(["train", "plain20", "--dataset", "cifar10"]) == 2
    assert "--dataset cifar10 needs --cifar-dir DIR" in capsys.readouterr().err
