"""The comparison chapter module: every paragraph renders from the facts, the page times nothing while it is
built, and a changed number fails the paragraph that cites it (or changes its words or its pick).

The CPU times here are a benchmark file this test writes (seconds proportional to the multiply-adds, with a
spread), so the tests do not depend on the machine that ran ``make bench``: they check what the page says
about any such file."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from cnnviz.analysis import compare
from cnnviz.chapters import compare as chapter
from cnnviz.chapters.page import CheckFailed

ROOT = Path(__file__).resolve().parents[2]


def _synthetic_times(rounds: int = 5) -> compare.ZooTimes:
    """A benchmark file's content, invented: time ∝ multiply-adds, each round a little slower than the last."""
    from cnnviz import models
    from cnnviz.analysis.ledger import ledger

    def spread(seconds: float) -> compare.Spread:
        return compare.Spread.of([seconds * (1 + 0.01 * r) for r in range(rounds)])

    macs = {name: ledger(name).total_macs for name in compare.BOOK_NETWORKS}
    inference = {n: spread(m / 2e10) for n, m in macs.items() if models.info(n).dataset == compare.TIMED_DATASET}
    training = {n: spread(3 * m / 2e10) for n, m in macs.items() if models.info(n).dataset == compare.TRAINED_DATASET}
    return compare.ZooTimes(
        date="2025-01-01 00:00 UTC", machine=compare.Machine("a system", "a CPU", "2.x", 2, 2),
        load=compare.Load((0.05, 0.1, 0.1), (0.9, 0.3, 0.2), 0, 0), rounds=rounds, train_batch=32,
        inference=inference, training=training,
    )  # fmt: skip


@pytest.fixture(scope="module")
def times_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "zoo_times.json"
    path.write_text(_synthetic_times().to_json())
    return path


@pytest.fixture(scope="module")
def facts(times_file: Path) -> chapter.Facts:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(compare.TIMES_ENV, str(times_file))
        mp.setattr(compare, "time_per_image", _refuse)  # the page times nothing while it is built
        mp.setattr(compare, "time_zoo", _refuse)
        return chapter.Facts.compute()


def _refuse(*args, **kwargs):
    raise AssertionError("the comparison chapter timed something while computing its facts")


def _text(facts: chapter.Facts, name: str) -> str:
    return " ".join(chapter.paragraph(name, facts).markdown.split())


def _with_row(facts: chapter.Facts, name: str, **changes) -> chapter.Facts:
    rows = tuple(dataclasses.replace(r, **changes) if r.name == name else r for r in facts.comp.rows)
    return dataclasses.replace(facts, comp=dataclasses.replace(facts.comp, rows=rows))


def _with_memory(facts: chapter.Facts, name: str, **changes) -> chapter.Facts:
    """The facts with network ``name``'s memory terms changed, and its saved bytes what the terms then give."""
    terms = {**dataclasses.asdict(facts.row(name).memory), **changes}
    terms["saved"] = (terms["kept"] + terms["training_only"] - terms["in_place"] - terms["views"] - terms["not_needed"]
                      + terms["indices"] + terms["masks"] + terms["inside_layers"] + terms["between_layers"])  # fmt: skip
    changes["saved"] = terms["saved"]
    return _with_row(facts, name, memory=dataclasses.replace(facts.row(name).memory, **changes))


def test_every_paragraph_renders(facts: chapter.Facts):
    paragraphs = chapter.page.all(facts)
    assert list(paragraphs) == list(chapter.PARAGRAPHS)
    assert all(p.markdown.strip() for p in paragraphs.values())


def test_the_facts_read_the_benchmark_file(facts: chapter.Facts, times_file: Path):
    assert facts.times.source == times_file.name and facts.comp.times is facts.times
    written = json.loads(times_file.read_text())["inference_seconds_per_image"]
    assert facts.row("vgg16").seconds == sorted(written["vgg16"])[2]  # the median of five
    assert facts.row("resnet20").train_seconds == facts.times.training["resnet20"].median
    assert facts.row("resnet20").seconds is None  # CIFAR-10 networks: training times only


def test_the_idea_comes_first_and_names_the_three_kinds(facts: chapter.Facts):
    text = _text(facts, "idea")
    for kind in ("**reported**", "**counted**", "**measured**"):
        assert kind in text
    ax, sq = facts.row("alexnet"), facts.row("squeezenet1_0")
    assert f"{sq.forward_bytes / 1e6:.1f} MB of activations, more than AlexNet's {ax.forward_bytes / 1e6:.1f} MB" in text
    assert "the median of 5 rounds" in text
    with pytest.raises(CheckFailed, match="paragraph 'idea': the text says SqueezeNet 1.0 produces more"):
        chapter.paragraph("idea", _with_memory(facts, "squeezenet1_0", kept=ax.forward_bytes // 2,
                                              not_needed=0, views=0))  # fmt: skip


def test_memory_is_counted_then_measured_and_the_total_adds_the_state(facts: chapter.Facts):
    for r in facts.comp.rows:
        assert r.training_bytes == 12 * r.params + r.memory.saved + r.memory.statistics, r.name
        assert r.training_bytes > r.forward_bytes, r.name  # the issue: training below forward no more
    wrn, fractal = facts.row("wrn28_10"), facts.row("fractalnet20")
    why = _text(facts, "memory_why")
    assert f"keep {wrn.saved_bytes / 1e6:.1f} MB and {fractal.saved_bytes / 1e6:.1f} MB" in why
    assert "Outputs the backward pass does not need" in why and "max pooling keeps the position" in why
    above = [r.name for r in facts.comp.rows if r.saved_bytes > r.forward_bytes]
    assert f"({' and '.join([', '.join(above[:-1]), above[-1]])})" in why


def test_an_explanation_that_no_longer_holds_fails(facts: chapter.Facts):
    r50 = facts.row("resnet50").memory
    # ResNet-50 keeping more than it produces, by an unexplained addition: "less kept" no longer follows
    planted = _with_memory(facts, "resnet50", not_needed=0, between_layers=r50.between_layers + r50.not_needed)
    with pytest.raises(CheckFailed, match="paragraph 'memory_why': the text takes ResNet-50 as its example"):
        chapter.paragraph("memory_why", planted)
    planted = _with_memory(facts, "resnet20", in_place=4, views=facts.row("resnet20").memory.views - 4)
    with pytest.raises(CheckFailed, match="no zoo network has an in-place layer"):
        chapter.paragraph("memory_why", planted)
    with pytest.raises(CheckFailed, match="WRN's dropout layers are off"):
        chapter.paragraph("memory_why", dataclasses.replace(facts, dropout={**facts.dropout, "wrn28_10": (0.3,)}))


def test_the_times_caption_states_machine_load_rounds_and_spread(facts: chapter.Facts):
    text = _text(facts, "times")
    t = facts.times
    assert "a CPU (2 logical cores, 2 torch threads)" in text and t.date in text
    assert "5 interleaved rounds" in text and "0.05 before and 0.90 after" in text
    assert "every ratio is of medians" in text and "Note on this run" not in text
    noted = dataclasses.replace(facts, comp=dataclasses.replace(facts.comp, times=dataclasses.replace(t, note="x")))
    assert "**Note on this run: x.**" in chapter.paragraph("times", noted).markdown
    short = dataclasses.replace(facts, comp=dataclasses.replace(facts.comp, times=dataclasses.replace(t, rounds=3)))
    with pytest.raises(CheckFailed, match="at least five rounds"):
        chapter.paragraph("times", short)


def test_the_teaching_demo_follows_the_measured_minutes(facts: chapter.Facts):
    from cnnviz.analysis.compare import pick

    demo = facts.pick("teaching demo")
    minutes = facts.comp.epoch_minutes(demo.row.name)
    assert f"{minutes:.0f} min per epoch" in _text(facts, "picks") or f"{minutes:.1f} min per epoch" in _text(
        facts, "picks")  # fmt: skip
    # planted: NiN made the fastest to train; the pick (and the text) follow the measurement
    nin = facts.row("nin_cifar")
    planted = _with_row(facts, "nin_cifar", train_seconds=demo.row.train_seconds / 10)
    planted = dataclasses.replace(planted, picks=tuple(
        pick(planted.comp, p.purpose) for p in facts.picks))  # fmt: skip
    assert planted.pick("teaching demo").row.name == nin.name
    text = _text(planted, "picks")
    assert f"per training epoch on the benchmark's CPU is {nin.name}" in text
    assert "Counting alone would have chosen" in text  # the multiply-adds no longer agree with the time
    stale = dataclasses.replace(planted, picks=facts.picks)  # a pick that does not follow the minutes
    with pytest.raises(CheckFailed, match="the demo pick trains an epoch fastest"):
        chapter.paragraph("picks", stale)


def test_the_words_follow_the_numbers(facts: chapter.Facts):
    vgg, r50 = facts.row("vgg16"), facts.row("resnet50")
    remember = _text(facts, "remember")
    word = "more" if vgg.saved_bytes > r50.saved_bytes else "fewer"  # activations are counted: "fewer"
    assert f"but saves {word} activations for training" in remember
    swapped = _with_memory(facts, "vgg16", between_layers=vgg.memory.between_layers + 2 * r50.saved_bytes)
    assert "but saves more activations for training" in _text(swapped, "remember")
    with pytest.raises(CheckFailed, match="VGG16 is heavier in parameters and work"):
        chapter.paragraph("remember", _with_row(facts, "vgg16", params=r50.params // 2))


def test_exercise_answers_are_folded_and_computed(facts: chapter.Facts):
    gpu = chapter.paragraph("exercise_gpu", facts).markdown
    question, answer = gpu.split('<div class="admonition dropdown">')
    assert "16 GB" in question and answer.rstrip().endswith("</div>")
    r50 = facts.row("resnet50")
    limit = (chapter.GPU_BYTES - r50.state_bytes) // (r50.saved_bytes + r50.memory.statistics)
    assert f"resnet50 {limit};" in answer
    assert not question.startswith(" ")  # not an indented code block


def test_the_notebook_times_nothing_at_build_time():
    nb = json.loads((ROOT / "book" / "compare.ipynb").read_text())
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        tags = cell["metadata"].get("tags", [])
        if cell["cell_type"] != "code":
            continue
        assert "timed=True" not in source and "time_per_image" not in source and "time_zoo" not in source
        if "time_yours" in source:
            assert "skip-execution" in tags  # a reader's action: the book's build does not run it
    first = [i for i, c in enumerate(nb["cells"]) if 'chapter.paragraph("idea")' in "".join(c["source"])][0]
    tables = [i for i, c in enumerate(nb["cells"]) if "comparison_markdown(" in "".join(c["source"])]
    assert first < min(tables)  # the one idea before the tables


def test_time_yours_says_it_is_one_run():
    from torch import nn

    text = chapter.time_yours(nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU()), (3, 32, 32)).markdown
    assert text.startswith("One run on this machine, now:") and "torch threads" in text
