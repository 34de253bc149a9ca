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
