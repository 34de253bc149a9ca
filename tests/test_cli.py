"""The cnnviz command: exit codes, one-line errors, JSON structure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cnnviz
from cnnviz import models
from cnnviz.cli import main, parse_params, parse_value

SMALL = "resnet20"  # a registry model that builds and runs in well under a second


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as stop:  # argparse: --help, --version, bad arguments
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json(capsys) -> None:
    code, out, err = run(capsys, "list", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == models.names()


def test_list_text(capsys) -> None:
    code, out, _ = run(capsys, "list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["Name", "Family", "Input", "Dataset"]
    assert len(lines) == 1 + len(models.names())
    row = next(line for line in lines if line.startswith(SMALL + " "))
    assert "3x32x32" in row


def test_list_filters_by_family_and_dataset(capsys) -> None:
    code, out, err = run(capsys, "list", "--family", "ResNet (CIFAR)", "--dataset", "CIFAR-10", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == models.names(family="ResNet (CIFAR)") == [
        "resnet20", "resnet32", "resnet44", "resnet56", "resnet110", "resnet1202",
        "plain20", "plain32", "plain44", "plain56", "plain110",
    ]  # fmt: skip
    code, out, _ = run(capsys, "list", "--dataset", "ImageNet")
    rows = out.splitlines()[1:]
    assert code == 0 and len(rows) == len(models.names(dataset="ImageNet"))
    assert all(row.split()[-1] == "ImageNet" for row in rows)


def test_table_json(capsys) -> None:
    code, out, err = run(capsys, "table", SMALL, "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert set(data) == {"model", "input", "rows", "total"}
    assert data["model"] == SMALL and data["input"] == [3, 32, 32]
    for row in data["rows"]:
        assert set(row) == {
            "name", "type", "output_shape", "activations", "weights", "biases", "params", "macs",
        }
        assert row["params"] == row["weights"] + row["biases"]
    total = data["total"]
    assert set(total) == {"params", "macs", "activations"}
    model = models.get(SMALL)
    assert total["params"] == sum(p.numel() for p in model.parameters())
    assert sum(r["macs"] for r in data["rows"]) == total["macs"]


def test_table_depth_input_and_param(capsys) -> None:
    argv = ["table", SMALL, "--depth", "1", "--input", "3,64,64", "--param", "num_classes=7"]
    argv += ["--format", "json"]
    code, out, _ = run(capsys, *argv)
    data = json.loads(out)
    assert code == 0 and data["input"] == [3, 64, 64]
    assert "layer1" in [r["name"] for r in data["rows"]]
    assert data["rows"][-1]["output_shape"] == [7]


@pytest.mark.parametrize(
    "fmt, first", [("text", f"{SMALL}, input 3x32x32"), ("md", "| Layer |"), ("csv", "name,type,")]
)
def test_table_formats(capsys, fmt: str, first: str) -> None:
    code, out, _ = run(capsys, "table", SMALL, "--format", fmt)
    assert code == 0 and out.startswith(first)


def test_table_lecture(capsys) -> None:
    code, out, _ = run(capsys, "table", "vgg16", "--format", "lecture")
    assert code == 0
    assert out.splitlines()[1].split() == [
        "CONV3-64:", "[224x224x64]", "memory:", "224*224*64=3.2M", "params:", "(3*3*3)*64", "=", "1,728",
    ]


def test_table_lecture_alexnet_style(capsys) -> None:
    code, out, _ = run(capsys, "table", "alexnet", "--format", "lecture")
    assert code == 0 and out.splitlines()[1] == "[55x55x96] CONV1: 96 11x11 filters at stride 4, pad 0"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["table", "resnet21"], "unknown model name 'resnet21'. Did you mean"),
        (["table", SMALL, "--input", "3,32"], "--input must be C,H,W with three positive integers"),
        (["table", SMALL, "--input", "3,a,32"], "--input must be C,H,W"),
        (["table", SMALL, "--param", "nonsense=1"], "unknown keyword argument 'nonsense'"),
        (["table", SMALL, "--param", "oops"], "--param must be KEY=VALUE"),
        (["table", SMALL, "--depth", "0"], "--depth must be an integer >= 1"),
        (["table", SMALL, "--format", "xml"], "invalid choice: 'xml'"),
        (["table"], "the following arguments are required: NAME"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["table", "alexnet", "--input", "3,24,24"], "alexnet: the paper's network takes 227x227 images"),
        (["rf", "alexnet_owt", "--input", "3,24,24"], "alexnet_owt: input of spatial size 24x24 is too small"),
        (["list", "--family", "resnet"], "unknown family 'resnet'; valid: 'AlexNet', "),
        (["list", "--dataset", "cifar10"], "unknown dataset 'cifar10'; valid: 'ImageNet', 'CIFAR-10'"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert message in err


def test_version_and_help(capsys) -> None:
    code, out, _ = run(capsys, "--version")
    assert (code, out) == (0, f"cnnviz {cnnviz.__version__}\n")
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("list", "table", "rf", "erf", "diagram", "claims"):
        assert command in out


@pytest.mark.parametrize(
    "text, value",
    [("3", 3), ("0.5", 0.5), ("true", True), ("False", False), ("none", None), ("abc", "abc"),
     ("3,4,6,3", (3, 4, 6, 3)), ("1e-3", 1e-3)],
)
def test_parse_value(text: str, value: object) -> None:
    assert parse_value(text) == value and type(parse_value(text)) is type(value)


def test_parse_params() -> None:
    parsed = parse_params(["depth=20", "bottleneck=true", "name=x=y"])
    assert parsed == {"depth": 20, "bottleneck": True, "name": "x=y"}


def test_rf_json(capsys) -> None:
    code, out, err = run(capsys, "rf", "vgg16", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert set(data) == {"model", "rows", "output"}
    assert all(set(r) == {"name", "rf", "stride", "padding"} for r in data["rows"])
    assert set(data["output"]) == {"rf", "stride", "padding"}
    # conv5_3 -> pool5: RF 212, stride 32, padding 90 (Araujo et al., Distill 2019)
    assert (data["output"]["rf"], data["output"]["stride"], data["output"]["padding"]) == (212, 32, 90)


def test_diagram_dot_and_svg(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "diagram", SMALL)
    assert code == 0 and out.lstrip().startswith("digraph")
    target = tmp_path / "net.dot"
    code, out, _ = run(capsys, "diagram", SMALL, "-o", str(target))
    assert code == 0 and target.read_text().lstrip().startswith("digraph")
    code, _, err = run(capsys, "diagram", SMALL, "-o", str(tmp_path / "net.pdf"))
    assert code == 2 and "-o must name a .svg, .dot or .gv file" in err


def test_erf_unknown_layer(capsys) -> None:
    code, out, err = run(capsys, "erf", SMALL, "--layer", "no_such_layer")
    assert code == 2 and err.count("\n") == 1 and "no_such_layer" in err


def test_claims_calls_check_all(capsys, monkeypatch) -> None:
    """The wiring only (the real checks are tested in tests/analysis/test_claims.py)."""
    from cnnviz.analysis import claims
    from cnnviz.analysis.claims.make import computed

    claim = computed("demo.vgg16", "vgg", "TOTAL params: 138M", "138M", 138_357_544, "ledger")
    monkeypatch.setattr(claims, "check_all", lambda: (claim,))
    code, out, _ = run(capsys, "claims", "--format", "json")
    assert code == 0
    [row] = json.loads(out)
    assert (row["id"], row["stated"], row["actual_value"], row["holds"], row["verdict"]) == (
        "demo.vgg16", "138M", 138_357_544, True, "holds"
    )
    code, out, _ = run(capsys, "claims")
    assert code == 0 and "TOTAL params: 138M" in out and "holds" in out


# --- compare, and models from a file ----------------------------------------------------------------

def test_compare_markdown_untimed(capsys) -> None:
    code, out, err = run(capsys, "compare", "--models", "squeezenet1_0,squeezenet1_1", "--no-timing",
                         "--format", "markdown")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("| network | year | dataset | top-1 error | top-5 error | protocol | source |")
    rows = [line for line in lines if line.startswith("| squeezenet")]
    assert [r.split(" | ")[0] for r in rows] == ["| squeezenet1_0", "| squeezenet1_1"]
    assert "| 42.5% | 19.7% |" in rows[0] and "iandola2016squeezenet, Table 2" in rows[0]
    assert out.rstrip().endswith("CPU times: not measured.")


def test_compare_json_timed(capsys) -> None:
    code, out, err = run(capsys, "compare", "--models", "squeezenet1_1", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    names = [n["network"] for n in data["networks"]]
    assert names == ["alexnet", "squeezenet1_1"]  # the reference is added to time against
    first, second = data["networks"]
    assert first["time_ratio"] == 1.0 and second["seconds"] > 0 and second["time_ratio"] > 0
    assert data["machine"]["threads"] >= 1 and data["reference"] == "alexnet"
    assert second["params"] == sum(p.numel() for p in models.get("squeezenet1_1").parameters())


def test_compare_csv_and_errors(capsys) -> None:
    code, out, _ = run(capsys, "compare", "--models", "nin_cifar", "--no-timing", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("network,family,chapter,year,dataset,input_size,top1_error")
    assert out.splitlines()[1].startswith("nin_cifar,NiN,nin,")
    code, _, err = run(capsys, "compare", "--models", "squeezenet9", "--no-timing")
    assert code == 2 and "unknown model name 'squeezenet9'" in err
    code, _, err = run(capsys, "compare", "--repeats", "0")
    assert code == 2 and "--repeats must be an integer >= 1, got 0" in err


MODEL_FILE = '''
from torch import nn

class TinyCNN(nn.Module):
    def __init__(self, width: int = 8):
        super().__init__()
        self.conv = nn.Conv2d(3, width, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(width, 10)

    def forward(self, x):
        return self.fc(self.pool(self.conv(x)).flatten(1))

class NeedsArgs(nn.Module):
    def __init__(self, channels, depth=2):
        super().__init__()

def helper():
    return 1
'''


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "mynet.py"
    path.write_text(MODEL_FILE, encoding="utf-8")
    return path


def test_table_of_a_model_from_a_file(capsys, model_file) -> None:
    code, out, err = run(capsys, "table", f"{model_file}:TinyCNN", "--input", "3,32,32", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["model"] == "TinyCNN" and data["input"] == [3, 32, 32]
    assert data["total"]["params"] == 3 * 8 * 9 + 8 + 8 * 10 + 10
    code, out, err = run(capsys, "rf", f"{model_file}:TinyCNN", "--input", "3,32,32")
    assert code == 0 and "RF 3" in out


@pytest.mark.parametrize(
    ("spec", "extra", "message"),
    [
        ("{dir}/missing.py:TinyCNN", ["--input", "3,32,32"], r"model file '.*missing.py' does not exist"),
        ("{file}:Nope", ["--input", "3,32,32"], r"has no class 'Nope'; nn.Module classes in it: NeedsArgs, TinyCNN"),
        ("{file}:NeedsArgs", ["--input", "3,32,32"], r"NeedsArgs needs arguments \(channels\)"),
        ("{file}:helper", ["--input", "3,32,32"], r"helper is not an nn.Module class"),
        ("{file}:TinyCNN", [], r"--input C,H,W is required for a model from a file"),
        ("{file}:TinyCNN", ["--input", "3,32,32", "--param", "width=4"], r"--param applies to registry models"),
    ],
)
def test_model_file_errors(capsys, model_file, spec, extra, message) -> None:
    import re

    spec = spec.format(dir=model_file.parent, file=model_file)
    code, out, err = run(capsys, "table", spec, *extra)
    assert code == 2 and out == ""
    assert err.startswith("cnnviz table: error: ") and len(err.splitlines()) == 1
    assert re.search(message, err), err


def test_model_file_that_fails_to_import(capsys, tmp_path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("import torch\nraise RuntimeError('boom')\n", encoding="utf-8")
    code, _, err = run(capsys, "table", f"{path}:Net", "--input", "3,8,8")
    assert code == 2 and "failed: RuntimeError: boom" in err
