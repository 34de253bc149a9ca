"""The zoo compared: records, reported errors with sources, memory (counted, and measured with saved-tensor
hooks), and CPU times read from a benchmark file (their values are measurements, never checked against a
number; the file's shape and the way the page reads it are)."""

from __future__ import annotations

import dataclasses
import json

import pytest
import torch
from torch import nn

from cnnviz import models
from cnnviz.analysis import compare
from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.analysis.ledger import ledger
from cnnviz.analysis.memory import saved_for_backward
from cnnviz.analysis.receptive_field import receptive_field
from cnnviz.render.compare import (
    FORMATS,
    breakdown_markdown,
    comparison_json,
    comparison_markdown,
    comparison_records,
    inference_times_markdown,
    machine_line,
    memory_markdown,
    render_comparison,
    training_times_markdown,
)


def test_every_network_is_registered_and_every_row_has_a_source():
    for name, reported in compare.REPORTED.items():
        info = models.info(name)  # KeyError if not registered
        assert reported.source, name
        assert reported.protocol, name
        assert reported.dataset == info.dataset, name
        bibkey = reported.source.split(",")[0].split(" ")[0]
        assert bibkey == info.paper.bibkey, name
        for error in (reported.top1, reported.top5):
            assert error is None or 0 < error < 1, name
        if reported.top1 is not None or reported.top5 is not None:
            assert reported.split and "table" in reported.source.lower(), name
        if reported.top1 is not None and reported.top5 is not None:
            assert reported.top5 < reported.top1, name


def test_the_book_is_covered():
    families = {models.info(n).family for n in compare.BOOK_NETWORKS}
    assert families == set(compare.CHAPTER_PAGES)  # ResNet (CIFAR) too: ResNet-20 is the network the book trains
    assert set(compare.CHAPTER_PAGES) == set(models.families())


def test_registry_errors_agree_where_the_metric_is_the_same():
    # the registry's figure for these networks is the same single-model figure the comparison uses
    assert compare.REPORTED["squeezenet1_0"].top5 == models.info("squeezenet1_0").reported_error
    assert compare.REPORTED["resnet50"].top5 == models.info("resnet50").reported_error
    assert compare.REPORTED["densenet121"].top1 == models.info("densenet121").reported_error
    for name in ("resnet20", "resnet110", "nin_cifar", "wrn28_10", "fractalnet20", "densenet_bc_100_12"):
        assert compare.REPORTED[name].top1 == models.info(name).reported_error, name


def test_the_review_s_table_numbers_and_protocols():
    """paper-figures.md: NiN's CIFAR-10 figure is in its Table 1; WRN-50-2's in Table 8; ResNet-18's is for
    option A shortcuts; the CIFAR figures say how many runs stand behind them."""
    assert compare.REPORTED["nin_cifar"].source == "lin2014network, Table 1"
    assert compare.REPORTED["wide_resnet50_2"].source.startswith("zagoruyko2016wide, Table 8")
    assert compare.REPORTED["googlenet"].source == "szegedy2015going, Table 3"
    assert "option A" in compare.REPORTED["resnet18"].protocol
    assert "best of 5 runs" in compare.REPORTED["resnet110"].protocol
    assert "median of 5 runs" in compare.REPORTED["wrn28_10"].protocol
    assert "mean of 10 runs" in compare.REPORTED["resnext29_8x64d"].protocol
    assert "80.3% top-5" in compare.REPORTED["squeezenet1_1"].protocol


def test_row_numbers_come_from_the_analyses():
    row = compare.compare_row("squeezenet1_1")
    led = ledger("squeezenet1_1")
    assert (row.params, row.macs) == (led.total_params, led.total_macs)
    assert row.forward_bytes == 4 * (3 * 224 * 224 + led.total_activations)
    assert row.memory == compare.memory_breakdown("squeezenet1_1")
    assert row.training_bytes == 3 * 4 * led.total_params + row.saved_bytes + row.memory.statistics
    assert row.depth == weight_layer_depth("squeezenet1_1") == 18
    assert row.receptive_field == receptive_field("squeezenet1_1").output.rf
    assert (row.year, row.chapter, row.seconds, row.train_seconds) == (2016, "squeezenet", None, None)


# --- memory: a hand-worked example, then against autograd on real tensors -----------------------------


def _small(relu: nn.Module) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), relu, nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(64, 2))  # fmt: skip


def test_a_small_network_by_hand():
    """(3, 8, 8) in: conv 4×8×8 = 256, batch norm 256, ReLU 256, pool 4×4×4 = 64, flatten 64, linear 2.
    Kept, every output as if kept (4 bytes each): 192 + 256 + 256 + 256 + 64 + 64 + 2 = 1,090 → 4,360 B.
    Saved: the conv's input (768 B), the batch norm's input (1,024), the ReLU's output (1,024, which the pool
    saves too), the pool's int64 indices (64 · 8 = 512), the linear's input (the flattened pool output,
    256): 3,584 B. Not needed: the batch norm's output and the linear's (1,024 + 8); the flatten is a view
    (256); the batch norm's mean and inverse std are 4 + 4 numbers (32 B)."""
    m = compare.memory_breakdown(_small(nn.ReLU()), (3, 8, 8))
    assert (m.kept, m.saved, m.not_needed, m.views, m.indices, m.statistics) == (4360, 3584, 1032, 256, 512, 32)
    assert (m.in_place, m.masks, m.inside_layers, m.between_layers, m.training_only) == (0, 0, 0, 0, 0)
    inplace = compare.memory_breakdown(_small(nn.ReLU(inplace=True)), (3, 8, 8))
    # in place, the ReLU writes over the batch norm's output: one storage, counted twice in kept
    assert (inplace.in_place, inplace.not_needed, inplace.saved) == (1024, 8, 3584)


class _Block(nn.Module):
    """A block whose own code makes a tensor (a concatenation) that the next layer saves, with dropout."""

    def __init__(self) -> None:
        super().__init__()
        self.a, self.b = nn.Conv2d(3, 2, 1), nn.Conv2d(3, 2, 1)
        self.bn = nn.BatchNorm2d(4)
        self.drop = nn.Dropout(0.5)
        self.head = nn.Conv2d(4, 1, 1)

    def forward(self, x):
        return self.head(self.drop(self.bn(torch.cat([self.a(x), self.b(x)], 1))))


def test_tensors_made_between_layers_and_masks_are_added():
    m = compare.memory_breakdown(_Block(), (3, 4, 4))
    # the concatenation (4 × 4 × 4 floats) is made in the block's code and the batch norm saves it; dropout
    # saves a mask as large as its input (float32 on the CPU, the same on the meta device)
    assert (m.between_layers, m.masks) == (4 * 64, 4 * 64)
    assert m.saved == m.kept - m.shared - m.not_needed + m.added


@pytest.mark.parametrize("name", ["resnet20", "nin_cifar", "squeezenet1_1", "fractalnet20", "densenet_bc_100_12"])
def test_the_meta_count_is_what_autograd_saves_on_real_tensors(name):
    """The meta-device pass counts what cnnviz.analysis.memory.saved_for_backward measures on real tensors, in
    the same training step (every path kept where the network drops some)."""
    from cnnviz.analysis.resolve import build

    net = build(name, meta=True, **compare.EVERY_PATH.get(name, {})).to_empty(device="cpu")
    with torch.no_grad():
        for t in (*net.parameters(), *net.buffers()):
            t.zero_()
    real = saved_for_backward(net.train(), torch.zeros(1, *models.info(name).input_size))
    m = compare.memory_breakdown(name)
    assert (m.saved, m.statistics) == (real.activation_bytes, real.other_bytes)


def test_a_readers_module_keeps_its_weights_and_mode():
    net = _small(nn.ReLU()).eval()
    before = [p.detach().clone() for p in net.parameters()]
    m = compare.memory_breakdown(net, (3, 8, 8))
    real = saved_for_backward(net.train(), torch.zeros(1, 3, 8, 8))
    assert m.saved == real.activation_bytes
    net.eval()
    compare.memory_breakdown(net, (3, 8, 8))
    assert not net.training and all(torch.equal(a, b) for a, b in zip(before, net.parameters(), strict=True))
    assert all(p.device.type == "cpu" for p in net.parameters())


def test_the_forward_count_is_the_ledger_s_for_every_book_network():
    for name in compare.BOOK_NETWORKS[::3]:  # a third of them: each pass is a second or two
        m = compare.memory_breakdown(name)
        led = ledger(name)
        assert m.kept == 4 * (led.input_size[0] * led.input_size[1] * led.input_size[2] + led.total_activations)
        assert m.training_only == 0, name  # nothing in the zoo runs only in training (GoogLeNet's aux heads are off)


def test_terms_that_do_not_add_up_are_refused():
    m = compare.memory_breakdown(_small(nn.ReLU()), (3, 8, 8))
    with pytest.raises(ValueError, match="MemoryBreakdown: the terms give"):
        dataclasses.replace(m, saved=m.saved + 4)
    with pytest.raises(TypeError, match="model must be a registry name or an nn.Module, got int"):
        compare.memory_breakdown(3, (3, 8, 8))  # type: ignore[arg-type]


# --- times: a benchmark file, written and read back --------------------------------------------------


def _times(inference: dict[str, list[float]], training: dict[str, list[float]], rounds: int = 5,
           note: str = "") -> compare.ZooTimes:  # fmt: skip
    return compare.ZooTimes(
        date="2025-01-01 00:00 UTC", machine=compare.Machine("a system", "a CPU", "2.x", 2, 2),
        load=compare.Load((0.1, 0.2, 0.3), (0.2, 0.2, 0.3), 0, 1), rounds=rounds, train_batch=4,
        inference={k: compare.Spread.of(v) for k, v in inference.items()},
        training={k: compare.Spread.of(v) for k, v in training.items()}, note=note,
    )  # fmt: skip


def test_the_loader_reads_a_file_the_test_writes(tmp_path, monkeypatch):
    times = _times({"alexnet": [0.02, 0.01, 0.03, 0.02, 0.05]}, {"resnet20": [0.1, 0.2, 0.1, 0.3, 0.1]}, note="n")
    path = tmp_path / "times.json"
    path.write_text(times.to_json())
    read = compare.measured_times(path)
    assert read == dataclasses.replace(times, source="times.json")
    assert (read.inference["alexnet"].median, read.inference["alexnet"].low, read.inference["alexnet"].high) == (
        0.02, 0.01, 0.05)  # fmt: skip
    assert read.epoch_minutes("resnet20") == 0.1 * compare.CIFAR10_TRAIN_IMAGES / 60
    monkeypatch.setenv(compare.TIMES_ENV, str(path))
    assert compare.measured_times() == read  # the environment variable names a development file
    monkeypatch.setenv(compare.TIMES_ENV, str(tmp_path / "missing.json"))
    with pytest.raises(FileNotFoundError, match=r"measured_times: no benchmark file at .*missing.json; write it "
                                                r"with `python -m scripts.bench --only zoo`"):
        compare.measured_times()
    with pytest.raises(KeyError, match="ZooTimes: no training time for 'nin_cifar' in times.json"):
        read.training_spread("nin_cifar")


def test_a_malformed_file_is_refused(tmp_path):
    good = json.loads(_times({"alexnet": [0.1] * 5}, {}).to_json())
    cases = {
        "no rounds": {k: v for k, v in good.items() if k != "rounds"},
        "short": {**good, "rounds": 6},
        "negative": {**good, "inference_seconds_per_image": {"alexnet": [0.1, 0.1, 0.1, 0.1, -1]}},
        "load": {**good, "load": {**good["load"], "before": [0.1]}},
    }
    for label, payload in cases.items():
        path = tmp_path / f"{label}.json"
        path.write_text(json.dumps(payload))
        with pytest.raises(ValueError, match=r"ZooTimes.from_json\(.*\.json\)"):
            compare.measured_times(path)
    with pytest.raises(ValueError, match="Spread.of: samples must be positive seconds"):
        compare.Spread.of([])


def test_time_zoo_times_each_network_once_per_round():
    infer, train = compare.time_zoo(["squeezenet1_1"], ["resnet20"], rounds=2, train_batch=2)
    assert set(infer) == {"squeezenet1_1"} and set(train) == {"resnet20"}
    for spread in (*infer.values(), *train.values()):
        assert len(spread.samples) == 2 and 0 < spread.low <= spread.median <= spread.high
    with pytest.raises(ValueError, match="time_zoo: rounds must be a positive integer, got 0"):
        compare.time_zoo(["alexnet"], rounds=0)
    with pytest.raises(KeyError, match="squeezenet2"):
        compare.time_zoo(["squeezenet2"])


def test_nothing_is_timed_unless_asked(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("timed while building a comparison")

    monkeypatch.setattr(compare, "time_per_image", refuse)
    monkeypatch.setattr(compare, "time_zoo", refuse)
    comp = compare.comparison(["squeezenet1_1", "resnet20"])
    assert comp.repeats == 0 and comp.times is None and comp.row("squeezenet1_1").seconds is None
    assert machine_line(comp) == "CPU times: not measured."


def test_times_come_from_the_file_and_ratios_from_medians():
    times = _times({"alexnet": [0.010] * 5, "squeezenet1_1": [0.004, 0.005, 0.005, 0.006, 0.02]},
                   {"resnet20": [0.01] * 5, "nin_cifar": [0.002] * 5})  # fmt: skip
    comp = compare.comparison(["alexnet", "squeezenet1_1", "resnet20", "nin_cifar"], times=times)
    assert comp.row("squeezenet1_1").seconds == 0.005 and comp.time_ratio("squeezenet1_1") == 0.5
    assert comp.machine == times.machine and comp.times is times
    assert comp.epoch_minutes("nin_cifar") == 0.002 * 50_000 / 60 and comp.epoch_minutes("alexnet") is None
    # the teaching demo follows the measured time, not the multiply-adds (planted: NiN faster than ResNet-20)
    demo = compare.pick(comp, "teaching demo")
    assert (demo.row.name, demo.runner_up.name) == ("nin_cifar", "resnet20")
    assert comp.row("nin_cifar").macs > comp.row("resnet20").macs
    line = machine_line(comp)
    assert "median of 5 interleaved rounds" in line and "0.10 / 0.20 / 0.30 before" in line and "a CPU" in line
    inference = inference_times_markdown(comp)
    assert "| squeezenet1_1 | 5.0 ms | 4.0 ms – 20.0 ms | 0.50× |" in inference
    assert "| nin_cifar | 2.0 ms | 2.0 ms – 2.0 ms | 1.7 min |" in training_times_markdown(comp)
    assert json.loads(comparison_json(comp))["timing"] == line
    mine = compare.compare_row(nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU()), (3, 32, 32), name="mine")
    assert [r.name for r in comp.with_rows(mine).rows][-1] == "mine" and mine.seconds is None


def test_the_teaching_demo_needs_every_training_time():
    comp = compare.comparison(["resnet20", "nin_cifar"], times=_times({}, {"resnet20": [0.01] * 5}))
    with pytest.raises(ValueError, match=r"pick\('teaching demo'\): no training time for nin_cifar"):
        compare.pick(comp, "teaching demo")


def test_a_readers_module_gets_a_row_and_is_timed_only_when_asked():
    class Tiny(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3)
            self.fc = nn.Linear(4, 2)

        def forward(self, x):
            return self.fc(self.conv(x).mean((2, 3)))

    row = compare.compare_row(Tiny(), (3, 16, 16), name="tiny")
    assert (row.name, row.family, row.chapter, row.year, row.reported, row.seconds) == ("tiny", "", "", None, None, None)
    assert row.params == 3 * 4 * 9 + 4 + 4 * 2 + 2 and row.depth == 2 and row.receptive_field == 3
    timed = compare.compare_row(Tiny(), (3, 16, 16), name="tiny", timed=True, repeats=1)
    assert timed.seconds is not None and timed.seconds > 0


def test_live_timing_adds_the_reference_and_times_imagenet_only():
    comp = compare.comparison(["nin_cifar", "squeezenet1_1"], timed=True, repeats=1)
    assert [r.name for r in comp.rows] == ["alexnet", "nin_cifar", "squeezenet1_1"]
    assert comp.row("nin_cifar").seconds is None  # CIFAR rows are not timed
    assert comp.row("squeezenet1_1").seconds > 0 and comp.time_ratio("alexnet") == 1.0
    assert comp.machine.threads >= 1 and comp.machine.processor
    assert "measured now on this machine" in machine_line(comp)
    with pytest.raises(KeyError, match=r"Comparison.row: no network 'vgg16'"):
        comp.row("vgg16")


def test_comparison_errors():
    with pytest.raises(KeyError, match=r"unknown model name 'squeezenet2'"):
        compare.comparison(["squeezenet2"])
    with pytest.raises(ValueError, match=r"comparison: repeats must be a positive integer, got 0"):
        compare.comparison(["nin_cifar"], repeats=0)


def test_renderers():
    comp = compare.comparison(["squeezenet1_0", "resnet110"])
    records = comparison_records(comp)
    assert [r["network"] for r in records] == ["squeezenet1_0", "resnet110"]
    assert records[0]["top5_error"] == 0.197 and records[0]["source"] == "iandola2016squeezenet, Table 2"
    assert records[1]["saved_bytes"] == comp.row("resnet110").memory.saved
    for fmt in FORMATS:
        assert "squeezenet1_0" in render_comparison(comp, fmt)
    text = render_comparison(comp, "text")
    assert text.splitlines()[0].split()[:3] == ["network", "year", "dataset"]
    with pytest.raises(ValueError, match=r"render_comparison: fmt must be one of 'text', 'markdown', 'csv', "
                                         r"'json', got 'html'"):
        render_comparison(comp, "html")
    memory = memory_markdown(comp)
    sq = comp.row("squeezenet1_0")
    assert f"| squeezenet1_0 | {sq.forward_bytes / 1e6:.1f} MB | {sq.saved_bytes / 1e6:.1f} MB |" in memory
    assert "| resnet110 |" in breakdown_markdown(comp.rows)
    with pytest.raises(ValueError, match="inference_times_markdown: the comparison has no benchmark times"):
        inference_times_markdown(comp)


def test_picks_follow_their_comparison():
    comp = compare.comparison(["alexnet", "squeezenet1_0", "squeezenet1_1", "resnet50", "densenet121", "nin_cifar",
                               "resnet110"])  # fmt: skip
    phone = compare.pick(comp, "phone")
    assert phone.row.name == min((r for r in comp.rows if r.dataset == "ImageNet"), key=lambda r: r.params).name
    assert phone.runner_up.params >= phone.row.params
    server = compare.pick(comp, "gpu server")
    assert server.row.name == "resnet50"  # 22.85% top-1 against DenseNet-121's 25.02%
    with pytest.raises(ValueError, match=r"pick: purpose must be one of 'phone', 'gpu server', 'teaching demo'"):
        compare.pick(comp, "watch")
    with pytest.raises(ValueError, match=r"pick\('teaching demo'\): the comparison has no network"):
        compare.pick(compare.comparison(["squeezenet1_1"]), "teaching demo")


def test_markdown_columns_and_datasets():
    comp = compare.comparison(["squeezenet1_0", "resnet110"])
    table = comparison_markdown(comp, links=True, columns=("network", "top-1 error"), datasets=["CIFAR-10"],
                                machine=False)
    assert table.splitlines() == ["| network | top-1 error |", "|:---|---:|", "| [resnet110](resnet.ipynb) | 6.43% |"]
    with pytest.raises(ValueError, match=r"comparison_markdown: unknown columns \['flops'\]"):
        comparison_markdown(comp, columns=("network", "flops"))
