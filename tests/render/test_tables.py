"""Table renderers: golden files for a small model and the lecture's networks, plus format checks."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import torch
from torch import nn

from cnnviz.analysis.ledger import Ledger, ledger
from cnnviz.render import tables

GOLDEN = Path(__file__).parent / "golden"


class Small(nn.Module):
    """A tiny AlexNet-like net: a strided conv, LRN, pools, a nested stage with BN, two FC layers."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 5, stride=2)
        self.relu1 = nn.ReLU(inplace=True)
        self.norm1 = nn.LocalResponseNorm(3)
        self.pool1 = nn.MaxPool2d(3, stride=2)
        self.stage = nn.Sequential(nn.Conv2d(8, 16, 3, padding=1, groups=2), nn.BatchNorm2d(16), nn.ReLU())
        self.pool2 = nn.MaxPool2d(2)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(16 * 2 * 2, 32), nn.ReLU(), nn.Linear(32, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool1(self.norm1(self.relu1(self.conv1(x))))  # (N, 8, 5, 5)
        x = self.pool2(self.stage(x))  # (N, 16, 2, 2)
        return self.classifier(x)  # (N, 10)


@pytest.fixture(scope="module")
def small() -> Ledger:
    return ledger(Small(), (3, 23, 23))


@pytest.fixture(scope="module")
def vgg16() -> Ledger:
    return ledger("vgg16")


def test_small_goldens(small: Ledger, golden) -> None:
    golden(GOLDEN / "small_text.txt", tables.text_table(small))
    golden(GOLDEN / "small_text_depth1.txt", tables.text_table(small, depth=1))
    golden(GOLDEN / "small.md", tables.markdown_table(small, depth=2))
    golden(GOLDEN / "small.csv", tables.csv_table(small))
    golden(GOLDEN / "small.json", tables.json_table(small))
    golden(GOLDEN / "small_lecture_vgg.txt", tables.lecture_table(small, "vgg"))
    golden(GOLDEN / "small_lecture_alexnet.txt", tables.lecture_table(small, "alexnet"))


def test_vgg16_goldens(vgg16: Ledger, golden) -> None:
    golden(GOLDEN / "vgg16_lecture.txt", tables.lecture_table(vgg16))
    golden(GOLDEN / "vgg16_text_depth1.txt", tables.text_table(vgg16, depth=1))


def test_alexnet_golden(golden) -> None:
    golden(GOLDEN / "alexnet_lecture.txt", tables.lecture_table(ledger("alexnet"), "alexnet"))


def test_vgg16_lecture_lines(vgg16: Ledger) -> None:
    """The lecture's own lines, token for token (spacing aside)."""
    lines = [" ".join(line.split()) for line in tables.lecture_table(vgg16).splitlines()]
    assert lines[0] == "INPUT: [224x224x3] memory: 224*224*3=150K params: 0 (not counting biases)"
    assert lines[1] == "CONV3-64: [224x224x64] memory: 224*224*64=3.2M params: (3*3*3)*64 = 1,728"
    assert lines[3] == "POOL2: [112x112x64] memory: 112*112*64=800K params: 0"
    assert lines[18] == "POOL2: [7x7x512] memory: 7*7*512=25K params: 0"
    assert lines[19] == "FC: [1x1x4096] memory: 4096 params: 7*7*512*4096 = 102,760,448"
    assert lines[21] == "FC: [1x1x1000] memory: 1000 params: 4096*1000 = 4,096,000"
    assert lines[-2] == "TOTAL memory: 15M * 4 bytes ~ 61MB / image (only forward! ~*2 for bwd)"
    assert lines[-1] == "TOTAL params: 138M parameters"


def test_small_alexnet_style(small: Ledger) -> None:
    lines = tables.lecture_table(small, "alexnet").splitlines()
    assert lines == [
        "[23x23x3] INPUT",
        "[10x10x8] CONV1: 8 5x5 filters at stride 2, pad 0",
        "[10x10x8] NORM1: Normalization layer",
        "[4x4x8] MAX POOL1: 3x3 filters at stride 2",
        "[4x4x16] CONV2: 16 3x3 filters at stride 1, pad 1, 2 groups",
        "[2x2x16] MAX POOL2: 2x2 filters at stride 2",
        "[32] FC3: 32 neurons",
        "[10] FC4: 10 neurons (class scores)",
    ]


def test_text_table_columns_align(small: Ledger) -> None:
    text = tables.text_table(small)
    lines = text.splitlines()
    assert lines[0].startswith("Small, input 3x23x23")
    header, rule = lines[1], lines[2]
    assert header.split() == ["Layer", "Type", "Kernel/stride", "Output", "Activations", "Params", "MACs"]
    body = lines[3:-2]
    assert len(body) == len(small.leaves())
    ends = {len(line) for line in body}  # the MACs column is right-aligned: every row ends at one column
    assert ends == {len(rule)}
    totals = [f"{small.total_activations:,}", f"{small.total_params:,}", f"{small.total_macs:,}"]
    assert lines[-1].split()[-3:] == totals


def test_collapsed_view_shows_subtotals(small: Ledger) -> None:
    text = tables.text_table(small, depth=1)
    stage = next(line for line in text.splitlines() if line.startswith("stage"))
    row = next(r for r in small.rows if r.name == "stage")
    assert stage.split() == ["stage", "Sequential", "16x4x4", "256", f"{row.params:,}", f"{row.macs:,}"]
    assert row.params == (8 // 2) * 9 * 16 + 16 + 32


def test_json_matches_cli_schema(small: Ledger) -> None:
    data = json.loads(tables.json_table(small))
    assert set(data) == {"model", "input", "rows", "total"}
    assert data["input"] == [3, 23, 23]
    keys = {"name", "type", "output_shape", "activations", "weights", "biases", "params", "macs"}
    assert set(data["rows"][0]) == keys
    assert data["total"] == {
        "params": small.total_params, "macs": small.total_macs, "activations": small.total_activations,
    }
    assert sum(r["params"] for r in data["rows"]) == small.total_params
    assert data["rows"][0] == {
        "name": "conv1", "type": "Conv2d", "output_shape": [8, 10, 10], "activations": 800,
        "weights": 600, "biases": 8, "params": 608, "macs": 60_000,
    }


def test_csv_round_trip(small: Ledger) -> None:
    rows = list(csv.DictReader(io.StringIO(tables.csv_table(small))))
    assert [r["name"] for r in rows] == [r.name for r in small.leaves()]
    assert rows[0]["kernel"] == "5x5" and rows[0]["output_shape"] == "8x10x10" and rows[0]["macs"] == "60000"
    assert sum(int(r["params"]) for r in rows) == small.total_params


def test_markdown_structure(small: Ledger) -> None:
    lines = tables.markdown_table(small, depth=1).splitlines()
    assert lines[0] == "| Layer | Type | Kernel/stride | Output | Activations | Params | MACs |"
    assert lines[1] == "|:---|:---|:---|:---|---:|---:|---:|"
    assert lines[-1].startswith("| **Total** |")
    assert len(lines) == 2 + len(small.at_depth(1)) + 1


def test_dataframe(small: Ledger) -> None:
    pytest.importorskip("pandas")
    frame = tables.to_dataframe(small)
    assert list(frame["name"]) == [r.name for r in small.leaves()]
    assert int(frame["params"].sum()) == small.total_params
    assert int(frame["macs"].sum()) == small.total_macs


def test_bad_style(small: Ledger) -> None:
    with pytest.raises(ValueError, match="style must be 'vgg' or 'alexnet', got 'zf'"):
        tables.lecture_table(small, "zf")


# --- the chapters' tables -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def alexnet() -> Ledger:
    return ledger("alexnet")


def test_memory_tables_golden(alexnet: Ledger, vgg16: Ledger, golden) -> None:
    from cnnviz.analysis.memory import memory_from_ledger

    golden(GOLDEN / "alexnet_memory.md", tables.memory_table(memory_from_ledger(alexnet, optimizer="momentum")))
    batches = {"batch 1": 1, "batch 32": 32}
    text = tables.training_memory_table(
        {k: memory_from_ledger(vgg16, batch_size=b) for k, b in batches.items()},
        lecture={k: memory_from_ledger(vgg16, batch_size=b, lecture_convention=True) for k, b in batches.items()},
    )
    golden(GOLDEN / "vgg16_training_memory.md", text)
    rows = {line.split(" | ")[0].strip("| "): line for line in text.splitlines()}
    assert rows["forward activations (the table's rows)"] == "| forward activations (the table's rows) | 61 | 1,950 |"


def test_memory_table_rows_follow_the_optimizer(small: Ledger) -> None:
    from cnnviz.analysis.memory import memory_from_ledger

    sgd = tables.memory_table(memory_from_ledger(small, optimizer="sgd")).splitlines()
    adam = tables.memory_table(memory_from_ledger(small, batch_size=4, optimizer="adam"), digits=3).splitlines()
    assert len(sgd) == 2 + 4 and len(adam) == 2 + 5
    assert adam[2].startswith("| input, batch of 4 |") and adam[3].startswith("| forward activations, batch of 4 |") and adam[-1].startswith("| Adam moments |")
    assert adam[-1].endswith(f"| {2 * small.total_params:,} | {8 * small.total_params / 1e6:,.3f} MB |")


def test_training_memory_table_needs_the_same_columns(small: Ledger) -> None:
    from cnnviz.analysis.memory import memory_from_ledger

    m = memory_from_ledger(small)
    with pytest.raises(ValueError, match=r"training_memory_table: lecture must have the columns of reports"):
        tables.training_memory_table({"batch 1": m}, lecture={"batch 2": m})


def test_comparison_tables_golden(alexnet: Ledger, golden) -> None:
    dense = ledger("alexnet", towers=1)
    grouped = ["features.conv2", "features.conv4", "features.conv5"]
    text = tables.compare_layers_table(alexnet, dense, grouped, labels=("2 towers", "1 tower"), difference="saved")
    golden(GOLDEN / "alexnet_towers.txt", text)
    last = text.splitlines()[-1].split()
    assert last == ["total", f"{alexnet.total_params:,}", f"{dense.total_params:,}",
                    f"{dense.total_params - alexnet.total_params:,}"]  # fmt: skip
    summary = tables.summary_table({"alexnet (paper)": alexnet, "alexnet, 1 tower": dense})
    golden(GOLDEN / "alexnet_summary.txt", summary)
    assert "[96, 256, 384, 384, 256]" in summary.splitlines()[1] and f"{alexnet.total_macs:,}" in summary
    with pytest.raises(ValueError, match=r"layers \['features.conv9'\] are not in both ledgers"):
        tables.compare_layers_table(alexnet, dense, ["features.conv9"], labels=("a", "b"))


def test_diff_table_golden(small: Ledger, golden) -> None:
    from types import SimpleNamespace as Change

    changes = [
        Change(change="changed", a="conv1", b="conv1", type="Conv2d",
               fields=(("kernel", (5, 5), (3, 3)), ("params", 608, 224))),
        Change(change="removed", a="norm1", b=None, type="LocalResponseNorm", fields=()),
        Change(change="added", a=None, b="pool1", type="MaxPool2d", fields=()),
    ]  # fmt: skip
    text = tables.diff_table(changes, small, small, labels=("A", "B"))
    golden(GOLDEN / "small_diff.md", text)
    lines = text.splitlines()
    assert lines[2] == "| conv1 | kernel: (5, 5) → (3, 3) | 10×10×8, 608 params | 10×10×8, 608 params |"
    assert lines[3] == "| norm1 (LocalResponseNorm) | removed: position in A | 10×10×8 |  |"
    assert lines[4] == "| pool1 (MaxPool2d) | added: position in B |  | 4×4×8 |"


def test_inception_tables_golden(golden) -> None:
    from cnnviz.analysis import ops
    from cnnviz.models.googlenet import INCEPTION_SPECS
    from cnnviz.models.lecture import INCEPTION

    led = ledger("googlenet")
    text = tables.inception_table(led, INCEPTION_SPECS)
    golden(GOLDEN / "googlenet_table1.md", text)
    row = next(line for line in text.splitlines() if line.startswith("| inception3a |"))
    assert row.split(" | ")[4:10] == ["64", "96", "128", "16", "32", "32"]
    assert text.splitlines()[-1].startswith(f"| **total** | | | | | | | | | | **{led.total_params:,}** |")
    naive = tables.inception_cost_text(ops.inception_naive_cost(**INCEPTION.naive))
    reduced = tables.inception_cost_text(ops.inception_reduced_cost(**INCEPTION.reduced))
    golden(GOLDEN / "inception_costs.txt", naive + "\n" + reduced)
    assert naive.splitlines()[-1] == "output 28x28x672; total 854,196,224 multiply-adds"
    assert "[3x3 max pool  ]  keeps all 256 input channels" in naive
    assert reduced.splitlines()[-1] == "output 28x28x480; total 271,351,808 multiply-adds"


def test_vgg_config_html_golden(golden) -> None:
    from cnnviz.analysis.configs import vgg_configs
    from cnnviz.models import vgg

    configs = vgg_configs()
    html = tables.vgg_config_html(configs, vgg.FC_LAYERS)
    golden(GOLDEN / "vgg_configs.html", html + "\n")
    assert [c.letter for c in configs] == ["A", "A-LRN", "B", "C", "D", "E"]
    assert {c.name: c.params for c in configs}["vgg16"] == 138_357_544
    assert html.count("<th>stage ") == 5 and html.count(">maxpool<") == 5 and "<td>138,357,544</td>" in html


def test_rf_tables_golden(vgg16: Ledger, golden) -> None:
    from cnnviz.analysis.lecture import lecture_rows, stage_names
    from cnnviz.analysis.receptive_field import receptive_field

    rows = lecture_rows(vgg16)
    labels = stage_names(rows)
    assert labels[:4] == ("conv1_1", "conv1_2", "pool1", "conv2_1") and labels[-3:] == ("FC6", "FC7", "FC8")
    report = receptive_field("vgg16")
    names = dict(zip((r.name for r in rows), labels, strict=True))
    text = tables.rf_markdown_table(report, names)
    golden(GOLDEN / "vgg16_rf.md", text)
    assert "| conv1_1 | `features.0` | 3×3 | 1 | 224×224 |" in text
    both = tables.rf_comparison_table({"A": receptive_field("alexnet"), "Z": receptive_field("zfnet")})
    golden(GOLDEN / "alexnet_zfnet_rf.md", both)
    assert both.splitlines()[0] == "| layer | A output | A RF / jump | Z output | Z RF / jump |"
    assert both.splitlines()[2] == "| conv1 | 55×55 | 11 / 4 | 110×110 | 7 / 2 |"


def test_network_summary_table() -> None:
    from cnnviz.analysis.summary import NetworkSummary

    rows = [NetworkSummary("resnet18", (3, 224, 224), 11_689_512, 1_814_073_344, 18, 435),
            NetworkSummary("resnet50", (3, 224, 224), 25_557_032, 3_857_973_248, 50, 483)]
    text = tables.network_summary_table(rows, {"block": {"resnet18": "basic"}}, {"resnet50": "ResNet-50"})
    assert text.splitlines() == [
        "| network | block | weight layers | parameters | multiply-adds | receptive field |",
        "|:---|:---|---:|---:|---:|---:|",
        "| resnet18 | basic | 18 | 11,689,512 | 1.8G | 435 |",
        "| ResNet-50 |  | 50 | 25,557,032 | 3.9G | 483 |",
    ]


def test_network_summary_of_a_registry_model() -> None:
    from cnnviz.analysis.summary import network_summary

    s = network_summary("resnet20")
    assert (s.params, s.weight_layers, s.receptive_field, s.input_size) == (269_722, 20, 81, (3, 32, 32))
    assert s.macs == ledger("resnet20").total_macs


def test_markdown_rows() -> None:
    text = tables.markdown_rows(("C", "name", "weights"), [(1, "1×64d", 69_632), (32, "32×4d", 70_144)])
    assert text.splitlines() == ["| C | name | weights |", "|---:|:---|---:|", "| 1 | 1×64d | 69,632 |",
                                 "| 32 | 32×4d | 70,144 |"]
    with pytest.raises(ValueError, match="every row needs 3 cells"):
        tables.markdown_rows(("a", "b", "c"), [(1, 2)])


def test_memory_table_rows_agree_elements_and_bytes(small: Ledger) -> None:
    from cnnviz.analysis.memory import memory_from_ledger

    report = memory_from_ledger(small, batch_size=4, optimizer="adam")
    for line in tables.memory_table(report, digits=6).splitlines()[2:]:
        _label, elements, mb = (cell.strip() for cell in line.strip("|").split("|"))
        assert float(mb.removesuffix(" MB")) == pytest.approx(int(elements.replace(",", "")) * 4 / 1e6)
    assert report.forward_bytes == (4 * report.input_elements + 4 * report.forward_activations) * 4


def test_torchinfo_text_prints_units_as_letters() -> None:
    import torchinfo

    stats = torchinfo.summary(nn.Sequential(nn.Conv2d(3, 8, 3)), input_size=(1, 3, 8, 8), verbose=0)
    text = tables.torchinfo_text(stats)
    assert "Units." not in text and "Total mult-adds (M)" in text
