"""The cnnviz command: exit codes, one-line errors, JSON structure."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import subprocess
import sys
import types
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


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


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


def test_table_json(capsys) -> None:
    code, out, err = run(capsys, "table", SMALL, "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert set(data) == {"model", "input", "rows", "total"}
    assert data["model"] == SMALL and data["input"] == [3, 32, 32]
    for row in data["rows"]:
        assert set(row) == {"name", "type", "output_shape", "activations", "weights", "biases", "params", "macs"}
        assert row["params"] == row["weights"] + row["biases"]
    total = data["total"]
    assert set(total) == {"params", "macs", "activations"}
    model = models.get(SMALL)
    assert total["params"] == sum(p.numel() for p in model.parameters())
    assert sum(r["macs"] for r in data["rows"]) == total["macs"]


def test_table_depth_input_and_param(capsys) -> None:
    code, out, _ = run(capsys, "table", SMALL, "--depth", "1", "--input", "3,64,64", "--param", "num_classes=7",
                       "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["input"] == [3, 64, 64]
    assert "layer1" in [r["name"] for r in data["rows"]]
    assert data["rows"][-1]["output_shape"] == [7]


@pytest.mark.parametrize("fmt, first", [("text", f"{SMALL}, input 3x32x32"), ("md", "| Layer |"), ("csv", "name,type,")])
def test_table_formats(capsys, fmt: str, first: str) -> None:
    code, out, _ = run(capsys, "table", SMALL, "--format", fmt)
    assert code == 0 and out.startswith(first)


def test_table_lecture(capsys) -> None:
    if "vgg16" not in models.names():
        pytest.skip("vgg16 not registered yet")
    code, out, _ = run(capsys, "table", "vgg16", "--format", "lecture")
    assert code == 0
    assert out.splitlines()[1].split() == ["CONV3-64:", "[224x224x64]", "memory:", "224*224*64=3.2M", "params:",
                                           "(3*3*3)*64", "=", "1,728"]


def test_table_lecture_alexnet_style(capsys) -> None:
    if "alexnet" not in models.names():
        pytest.skip("alexnet not registered yet")
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
        (["table", "alexnet", "--input", "3,24,24"], "alexnet: "),  # the model's own diagnosis
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
    assert parse_params(["depth=20", "bottleneck=true", "name=x=y"]) == {"depth": 20, "bottleneck": True, "name": "x=y"}


def test_rf_json(capsys) -> None:
    if not _has("cnnviz.analysis.receptive_field"):
        pytest.skip("receptive_field not written yet")
    rf = pytest.importorskip("cnnviz.analysis.receptive_field")
    if not hasattr(rf, "receptive_field"):
        pytest.skip("receptive_field() not written yet")
    code, out, err = run(capsys, "rf", "vgg16" if "vgg16" in models.names() else SMALL, "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert set(data) == {"model", "rows", "output"}
    assert all(set(r) == {"name", "rf", "stride", "padding"} for r in data["rows"])
    assert set(data["output"]) == {"rf", "stride", "padding"}
    if data["model"] == "vgg16":  # conv5_3 -> pool5: RF 212, stride 32 (Araujo et al., Distill 2019)
        assert (data["output"]["rf"], data["output"]["stride"]) in {(196, 16), (212, 32)}


def test_diagram_dot_and_svg(capsys, tmp_path: Path) -> None:
    if not _has("cnnviz.render.diagrams"):
        pytest.skip("diagrams not written yet")
    code, out, _ = run(capsys, "diagram", SMALL)
    assert code == 0 and out.lstrip().startswith("digraph")
    target = tmp_path / "net.dot"
    code, out, _ = run(capsys, "diagram", SMALL, "-o", str(target))
    assert code == 0 and target.read_text().lstrip().startswith("digraph")
    code, _, err = run(capsys, "diagram", SMALL, "-o", str(tmp_path / "net.pdf"))
    assert code == 2 and "-o must name a .svg, .dot or .gv file" in err


def test_erf_unknown_layer(capsys) -> None:
    erf = pytest.importorskip("cnnviz.analysis.erf")
    if not hasattr(erf, "effective_receptive_field"):
        pytest.skip("effective_receptive_field() not written yet")
    code, out, err = run(capsys, "erf", SMALL, "--layer", "no_such_layer")
    assert code == 2 and err.count("\n") == 1 and "no_such_layer" in err


@dataclasses.dataclass(frozen=True)
class _Claim:
    claim: str
    stated: str
    computed: int
    ok: bool


def test_claims_calls_check_all(capsys, monkeypatch) -> None:
    """The wiring only (the real checks are the claims module's own tests): a stand-in module."""
    fake = types.ModuleType("cnnviz.analysis.claims")
    fake.check_all = lambda: [_Claim("VGG16 params", "138M", 138_357_544, True)]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cnnviz.analysis.claims", fake)
    code, out, _ = run(capsys, "claims", "--format", "json")
    assert code == 0
    assert json.loads(out) == [{"claim": "VGG16 params", "stated": "138M", "computed": 138_357_544, "ok": True}]
    code, out, _ = run(capsys, "claims")
    assert code == 0 and out.count("\n") == 1 and "VGG16 params" in out


def test_claims_missing(capsys, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "cnnviz.analysis.claims", None)  # import now fails as if absent
    code, out, err = run(capsys, "claims")
    assert (code, out) == (1, "")
    assert "the claim checks is not available" in err and err.count("\n") == 1


def test_python_dash_m() -> None:
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "cnnviz", "list", "--format", "json"],
        cwd=root, capture_output=True, text=True, env={"PYTHONPATH": str(root), "PATH": ""}, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    names = json.loads(done.stdout)
    assert SMALL in names and all(isinstance(n, str) for n in names)
