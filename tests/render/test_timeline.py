"""The intro's ImageNet timeline and chapter map: the data they collect, and what the figure draws."""

from __future__ import annotations

import io
import re

import matplotlib
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from cnnviz import models
from cnnviz.render.theme import MUTED
from cnnviz.render.timeline import (
    BOOK_CHAPTERS,
    CHALLENGE_ENTRIES,
    HUMAN_TOP5_ERROR,
    ILSVRC_ENTRIES,
    Timeline,
    TimelineEntry,
    chapter_map,
    imagenet_timeline,
    plot_timeline,
)
from tests.render.test_plots import assert_on_paper


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return imagenet_timeline()


def test_timeline_is_the_lectures_sequence_with_registry_errors(timeline: Timeline) -> None:
    assert [(e.year, e.model) for e in timeline.entries] == [
        (2012, "alexnet"), (2013, "zfnet"), (2014, "vgg16"), (2014, "googlenet"), (2015, "resnet152"),
    ]  # fmt: skip
    # one kind of figure: each team's challenge entry (AlexNet's winning 7-CNN entry, not the paper's 5 CNNs)
    assert [e.top5_error for e in timeline.entries] == [0.153, 0.117, 0.073, 0.0667, 0.0357]
    for entry in timeline.entries:
        info = models.info(entry.model)
        if entry.model in CHALLENGE_ENTRIES:
            assert entry.top5_error != info.reported_error and "entry" in entry.error_metric
        else:
            assert entry.top5_error == info.reported_error
            assert entry.error_metric == info.error_metric
        assert "top-5" in entry.error_metric
        # the registry's metric names the same ILSVRC edition the timeline places the entry in
        assert re.search(rf"ILSVRC[- ]{entry.year}", entry.error_metric), entry.error_metric
    assert timeline.human_error == HUMAN_TOP5_ERROR == 0.051
    assert timeline.human_source == "russakovsky2015imagenet"


def test_timeline_depth_and_params_are_computed(timeline: Timeline) -> None:
    by_model = {e.model: e for e in timeline.entries}
    assert {m: e.depth for m, e in by_model.items()} == {
        "alexnet": 8, "zfnet": 8, "vgg16": 16, "googlenet": 22, "resnet152": 152,
    }  # fmt: skip
    # meta-device counts equal the paper-faithful totals pinned in the model tests
    assert by_model["alexnet"].params == 60_965_224
    assert by_model["zfnet"].params == 62_357_608
    assert by_model["vgg16"].params == 138_357_544


def test_timeline_entry_label() -> None:
    entry = TimelineEntry(2012, "alexnet", "AlexNet", 2012, 0.164, "top-5", 8, 1)
    assert entry.label == "AlexNet\n2012"


def test_timeline_rejects_a_model_without_a_top5_error() -> None:
    with pytest.raises(ValueError, match=r"imagenet_timeline: alexnet_owt has no reported top-5 error"):
        imagenet_timeline([(2014, "alexnet_owt")])
    with pytest.raises(ValueError, match=r"resnet18 has no reported top-5 error.*top-1"):
        imagenet_timeline([(2015, "resnet18")])  # its reported figure is a top-1 error


def test_plot_timeline_draws_bars_labels_and_human_line(timeline: Timeline) -> None:
    rc_before = dict(matplotlib.rcParams)
    fig = plot_timeline(timeline)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert [round(b.get_height(), 2) for b in bars] == [15.3, 11.7, 7.3, 6.67, 3.57]
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["15.3%\n8 layers", "11.7%\n8 layers", "7.3%\n16 layers", "6.67%\n22 layers", "3.57%\n152 layers"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "AlexNet\n2012", "ZFNet\n2013", "VGG\n2014", "GoogLeNet\n2014", "ResNet\n2015",
    ]  # fmt: skip
    (human,) = ax.get_lines()
    assert human.get_ydata()[0] == pytest.approx(5.1)
    assert human.get_linestyle() == "--"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["human (5.1%)", "top-5 error of the entry"]
    # the ResNet label sits above the human line, not on it
    assert ax.texts[-1].xy[1] == pytest.approx(5.1)
    # legible in both of the site's modes: opaque paper, dark text
    assert_on_paper(fig)
    assert ax.get_facecolor()[3] == 0.0
    assert matplotlib.colors.to_hex(ax.yaxis.label.get_color()) == MUTED.lower()
    assert all(matplotlib.colors.to_hex(t.get_color()) == MUTED.lower() for t in ax.texts)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    assert dict(matplotlib.rcParams) == rc_before


def test_plot_timeline_into_given_axes_and_empty_timeline(timeline: Timeline) -> None:
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_timeline(timeline, ax=ax) is fig
    with pytest.raises(ValueError, match="plot_timeline: the timeline has no entries"):
        plot_timeline(Timeline((), 0.051, "russakovsky2015imagenet"))


def test_chapter_map_has_one_computed_row_per_chapter() -> None:
    rows = chapter_map()
    assert [r.chapter for r in rows] == [c for c, _ in BOOK_CHAPTERS]
    alexnet, zfnet = rows[0], rows[1]
    assert (alexnet.model, alexnet.year, alexnet.depth, alexnet.params) == ("alexnet", 2012, 8, 60_965_224)
    assert alexnet.variants == ("alexnet", "alexnet_owt")
    assert alexnet.bibkey == "krizhevsky2012imagenet"
    assert alexnet.paper == "ImageNet Classification with Deep Convolutional Neural Networks"
    assert (zfnet.depth, zfnet.params, zfnet.reported_error) == (8, 62_357_608, 0.117)
    for row in rows:
        assert row.model in row.variants
        assert row.depth >= 8 and row.params > 0
    # the ILSVRC entries of the timeline are the first chapters' networks
    assert [r.model for r in rows[:5]] == [name for _, name in ILSVRC_ENTRIES]


def test_chapter_map_links_written_chapters_and_marks_the_rest_planned():
    from pathlib import Path

    from cnnviz.render.timeline import chapter_map, chapter_map_html, chapter_page

    rows = chapter_map()
    assert [chapter_page(r.chapter) for r in rows][:8] == [
        "alexnet", "zfnet", "vgg", "googlenet", "resnet", "nin", "wide_resnet", "resnext"]  # the notebooks' names
    written = {p.stem for p in (Path(__file__).resolve().parents[2] / "book").glob("*.ipynb")}
    html = chapter_map_html(rows, written)
    for row in rows:
        page = chapter_page(row.chapter)
        if page in written:
            assert f"<a href='{page}.html'><b>{row.chapter}</b></a>" in html
        else:
            assert f"<b>{row.chapter}</b><br><small>(planned)</small>" in html
    assert html.count("(planned)") == len(rows) - len({chapter_page(r.chapter) for r in rows} & written)
