"""The zoo compared: records, reported errors with sources, timing (measured, only checked to be positive)."""

from __future__ import annotations

import pytest
from torch import nn

from cnnviz import models
from cnnviz.analysis import compare
from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.analysis.ledger import ledger
from cnnviz.analysis.memory import memory_report
from cnnviz.analysis.receptive_field import receptive_field
from cnnviz.render.compare import FORMATS, comparison_records, render_comparison


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
    assert families >= set(compare.CHAPTER_PAGES) - {"ResNet (CIFAR)"}
    assert set(compare.CHAPTER_PAGES) == set(models.families())


def test_registry_errors_agree_where_the_metric_is_the_same():
    # the registry's figure for these networks is the same single-model figure the comparison uses
    assert compare.REPORTED["squeezenet1_0"].top5 == models.info("squeezenet1_0").reported_error
    assert compare.REPORTED["resnet50"].top5 == models.info("resnet50").reported_error
    assert compare.REPORTED["densenet121"].top1 == models.info("densenet121").reported_error
    assert compare.REPORTED["resnet110"].top1 == models.info("resnet110").reported_error


def test_row_numbers_come_from_the_analyses():
    row = compare.compare_row("squeezenet1_1", timed=False)
    led = ledger("squeezenet1_1")
    mem = memory_report("squeezenet1_1")
    assert (row.params, row.macs) == (led.total_params, led.total_macs)
    assert (row.forward_bytes, row.training_bytes) == (mem.forward_bytes, mem.backward_saved_bytes)
    assert row.depth == weight_layer_depth("squeezenet1_1") == 18
    assert row.receptive_field == receptive_field("squeezenet1_1").output.rf
    assert (row.year, row.chapter, row.seconds) == (2016, "squeezenet", None)


class Tiny(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(self.conv(x).mean((2, 3)))


def test_a_readers_module_gets_a_row_and_is_timed():
    row = compare.compare_row(Tiny(), (3, 16, 16), name="tiny", repeats=1)
    assert (row.name, row.family, row.chapter, row.year, row.reported) == ("tiny", "", "", None, None)
    assert row.params == 3 * 4 * 9 + 4 + 4 * 2 + 2 and row.depth == 2 and row.receptive_field == 3
    assert row.seconds is not None and row.seconds > 0


def test_comparison_adds_the_reference_and_times_imagenet_only():
    comp = compare.comparison(["nin_cifar", "squeezenet1_1"], repeats=1)
    assert [r.name for r in comp.rows] == ["alexnet", "nin_cifar", "squeezenet1_1"]
    assert comp.row("nin_cifar").seconds is None  # CIFAR rows are not timed
    assert comp.row("squeezenet1_1").seconds > 0 and comp.time_ratio("alexnet") == 1.0
    assert comp.time_ratio("squeezenet1_1") > 0
    assert comp.machine.threads >= 1 and comp.machine.processor
    with pytest.raises(KeyError, match=r"Comparison.row: no network 'vgg16'"):
        comp.row("vgg16")


def test_comparison_errors():
    with pytest.raises(KeyError, match=r"unknown model name 'squeezenet2'"):
        compare.comparison(["squeezenet2"])
    with pytest.raises(ValueError, match=r"comparison: repeats must be a positive integer, got 0"):
        compare.comparison(["nin_cifar"], repeats=0)


def test_renderers():
    comp = compare.comparison(["squeezenet1_0", "resnet110"], timed=False)
    records = comparison_records(comp)
    assert [r["network"] for r in records] == ["squeezenet1_0", "resnet110"]
    assert records[0]["top5_error"] == 0.197 and records[0]["source"] == "iandola2016squeezenet, Table 2"
    for fmt in FORMATS:
        assert "squeezenet1_0" in render_comparison(comp, fmt)
    text = render_comparison(comp, "text")
    assert text.splitlines()[0].split()[:3] == ["network", "year", "dataset"]
    with pytest.raises(ValueError, match=r"render_comparison: fmt must be one of 'text', 'markdown', 'csv', "
                                         r"'json', got 'html'"):
        render_comparison(comp, "html")


def test_picks_follow_their_comparison():
    comp = compare.comparison(["alexnet", "squeezenet1_0", "squeezenet1_1", "resnet50", "densenet121", "nin_cifar",
                               "resnet110"], timed=False)
    phone = compare.pick(comp, "phone")
    assert phone.row.name == min((r for r in comp.rows if r.dataset == "ImageNet"), key=lambda r: r.params).name
    assert phone.runner_up.params >= phone.row.params
    server = compare.pick(comp, "gpu server")
    assert server.row.name == "resnet50"  # 22.85% top-1 against DenseNet-121's 25.02%
    demo = compare.pick(comp, "teaching demo")
    assert demo.row.dataset == "CIFAR-10" and demo.row.macs <= demo.runner_up.macs
    with pytest.raises(ValueError, match=r"pick: purpose must be one of 'phone', 'gpu server', 'teaching demo'"):
        compare.pick(comp, "watch")
    with pytest.raises(ValueError, match=r"pick\('teaching demo'\): the comparison has no network"):
        compare.pick(compare.comparison(["squeezenet1_1"], timed=False), "teaching demo")


def test_markdown_columns_and_datasets():
    from cnnviz.render.compare import comparison_markdown

    comp = compare.comparison(["squeezenet1_0", "resnet110"], timed=False)
    table = comparison_markdown(comp, links=True, columns=("network", "top-1 error"), datasets=["CIFAR-10"],
                                machine=False)
    assert table.splitlines() == ["| network | top-1 error |", "|:---|---:|", "| [resnet110](resnet.ipynb) | 6.43% |"]
    with pytest.raises(ValueError, match=r"comparison_markdown: unknown columns \['flops'\]"):
        comparison_markdown(comp, columns=("network", "flops"))
