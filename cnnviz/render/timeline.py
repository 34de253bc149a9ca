"""The book's opening figure and table: the ImageNet winners year by year, and a map of the chapters.

Collect, then present: :func:`imagenet_timeline` reads each winner's reported error from the model
registry and computes its depth and parameters (:class:`Timeline`, plain frozen data);
:func:`plot_timeline` draws it with matplotlib's object API (no pyplot, no rcParams). :func:`chapter_map`
collects one row per chapter of the book for the intro's table.

Depth and parameters are counted on models built on the ``meta`` device: the shapes are real, no
weights are allocated or drawn, so even VGG16's 138M parameters cost nothing to count.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cnnviz import models
from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.analysis.resolve import build
from cnnviz.format import count, percent
from cnnviz.models import alexnet as alexnet_model
from cnnviz.render.plots import legend, new_figure, style_axes
from cnnviz.render.theme import MUTED, OKABE_ITO

__all__ = [
    "ILSVRC_ENTRIES",
    "HUMAN_TOP5_ERROR",
    "TimelineEntry",
    "Timeline",
    "imagenet_timeline",
    "plot_timeline",
    "ChapterRow",
    "chapter_map_html",
    "chapter_page",
    "BOOK_CHAPTERS",
    "chapter_map",
]

# The lecture's sequence of ILSVRC classification entries: (challenge year, registry name). VGG was second
# in the 2014 classification task (GoogLeNet won it); the lecture lists both, as we do.
ILSVRC_ENTRIES: tuple[tuple[int, str], ...] = (
    (2012, "alexnet"),
    (2013, "zfnet"),
    (2014, "vgg16"),
    (2014, "googlenet"),
    (2015, "resnet152"),
)

# The chart shows one kind of figure: the top-5 test error of each team's challenge entry. Where a
# network's registry records its paper's result instead, the entry's figure and what it is are here.
CHALLENGE_ENTRIES: dict[str, tuple[float, str]] = {
    "alexnet": (alexnet_model.ILSVRC2012_ENTRY_ERROR, alexnet_model.ILSVRC2012_ENTRY),
}

# Russakovsky et al. (2015), section 6.4: the better-trained of the two human annotators (Karpathy)
# reached 5.1% top-5 error on 1,500 ILSVRC-2012 test images.
HUMAN_TOP5_ERROR = 0.051
HUMAN_SOURCE = "russakovsky2015imagenet"

BAR_COLOUR = OKABE_ITO["sky_blue"]
HUMAN_COLOUR = OKABE_ITO["vermillion"]


@dataclass(frozen=True)
class TimelineEntry:
    year: int  # the ILSVRC edition the entry competed in
    model: str  # registry name
    family: str
    paper_year: int
    top5_error: float  # a fraction: 0.164 is 16.4%
    error_metric: str  # what the registry says the figure is
    depth: int  # weight layers on the longest path (weight_layer_depth)
    params: int

    @property
    def label(self) -> str:
        return f"{self.family}\n{self.year}"


@dataclass(frozen=True)
class Timeline:
    entries: tuple[TimelineEntry, ...]
    human_error: float
    human_source: str  # bibkey


def imagenet_timeline(entries: Sequence[tuple[int, str]] = ILSVRC_ENTRIES) -> Timeline:
    """The ILSVRC classification entries with their top-5 error (the challenge entry's: the registry's, or
    :data:`CHALLENGE_ENTRIES` where the registry records a paper's result), depth and parameters (computed).

    Raises ``ValueError`` for a model without a reported top-5 error: the figure compares top-5 only.
    """
    rows = []
    for year, name in entries:
        info = models.info(name)
        metric = info.error_metric or ""
        error = info.reported_error
        if name in CHALLENGE_ENTRIES:
            error, metric = CHALLENGE_ENTRIES[name][0], "top-5 " + CHALLENGE_ENTRIES[name][1]
        if error is None or "top-5" not in metric:
            raise ValueError(
                f"imagenet_timeline: {name} has no reported top-5 error (error_metric={info.error_metric!r}); "
                "the timeline needs ImageNet top-5 errors, e.g. alexnet, zfnet, vgg16, googlenet, resnet152"
            )
        net = build(name, meta=True)
        rows.append(
            TimelineEntry(
                year=year, model=name, family=info.family, paper_year=info.paper.year,
                top5_error=error, error_metric=metric, depth=weight_layer_depth(net),
                params=sum(p.numel() for p in net.parameters()),
            )
        )  # fmt: skip
    return Timeline(tuple(rows), HUMAN_TOP5_ERROR, HUMAN_SOURCE)


def plot_timeline(timeline: Timeline, ax: Axes | None = None) -> Figure:
    """Bars of top-5 error per entry, each labelled with its error and depth; a dashed line for humans."""
    if not timeline.entries:
        raise ValueError("plot_timeline: the timeline has no entries")
    if ax is None:
        fig, ax = new_figure((7.0, 3.9))
    else:
        fig = ax.get_figure()  # type: ignore[assignment]
    xs = list(range(len(timeline.entries)))
    errors = [100 * e.top5_error for e in timeline.entries]
    bars = ax.bar(xs, errors, width=0.62, color=BAR_COLOUR, edgecolor=MUTED, linewidth=0.8,
                  label="top-5 error of the entry")  # fmt: skip
    human = 100 * timeline.human_error
    for bar, entry in zip(bars, timeline.entries, strict=True):
        top = bar.get_height() if bar.get_height() > human else human  # keep labels clear of the human line
        ax.annotate(
            f"{percent(entry.top5_error)}\n{entry.depth} layers", (bar.get_x() + bar.get_width() / 2, top),
            xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize=9, color=MUTED,
        )  # fmt: skip
    ax.axhline(human, color=HUMAN_COLOUR, linestyle="--", linewidth=1.6, label=f"human ({percent(timeline.human_error)})")
    ax.set_xticks(xs, [e.label for e in timeline.entries])
    ax.set_ylabel("ImageNet top-5 error (%)")
    ax.set_ylim(0, max(errors) * 1.3)
    ax.set_title("ILSVRC classification entries (top-5 test error): error falls as depth grows", fontsize=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    legend(ax, loc="upper right", fontsize=8)
    style_axes(ax)
    return fig


# --- the map of the book ---------------------------------------------------------------------------

# One network per chapter, in the book's order: (chapter title, registry name of its main network).
BOOK_CHAPTERS: tuple[tuple[str, str], ...] = (
    ("AlexNet", "alexnet"),
    ("ZFNet", "zfnet"),
    ("VGG", "vgg16"),
    ("GoogLeNet", "googlenet"),
    ("ResNet", "resnet152"),
    ("Network in Network", "nin_cifar"),
    ("Wide ResNet", "wrn28_10"),
    ("ResNeXt", "resnext50_32x4d"),
    ("Stochastic Depth", "stochastic_depth110"),
    ("FractalNet", "fractalnet20"),
    ("DenseNet", "densenet121"),
    ("SqueezeNet", "squeezenet1_0"),
)


@dataclass(frozen=True)
class ChapterRow:
    chapter: str
    model: str  # the chapter's main network (registry name)
    variants: tuple[str, ...]  # every registry name of the same family
    year: int  # of the paper
    paper: str  # title
    authors: str
    bibkey: str
    dataset: str
    depth: int
    params: int
    reported_error: float | None
    error_metric: str | None


def chapter_map(chapters: Sequence[tuple[str, str]] = BOOK_CHAPTERS) -> tuple[ChapterRow, ...]:
    """One row per chapter: its network's paper, depth and parameters (computed), reported error."""
    rows = []
    for chapter, name in chapters:
        info = models.info(name)
        net = build(name, meta=True)
        rows.append(
            ChapterRow(
                chapter=chapter, model=name,
                variants=tuple(models.names(family=info.family)),
                year=info.paper.year, paper=info.paper.title, authors=info.paper.authors,
                bibkey=info.paper.bibkey, dataset=info.dataset, depth=weight_layer_depth(net),
                params=sum(p.numel() for p in net.parameters()), reported_error=info.reported_error,
                error_metric=info.error_metric,
            )
        )  # fmt: skip
    return tuple(rows)


def _first_author(authors: str) -> str:
    """"Alex Krizhevsky, Ilya Sutskever, ..." -> "Krizhevsky et al."."""
    names = [a.strip() for a in authors.replace(" and ", ", ").split(",") if a.strip()]
    surname = names[0].split()[-1] if names else authors
    return surname + (" et al." if len(names) > 1 else "")


_SHORT_PAGES = {"Network in Network": "nin"}  # chapters whose page is named by the usual abbreviation


def chapter_page(chapter: str) -> str:
    """The page name of a chapter: "GoogLeNet" -> "googlenet", "Wide ResNet" -> "wide_resnet",
    "Network in Network" -> "nin"."""
    return _SHORT_PAGES.get(chapter, chapter.lower().replace(" ", "_"))


def chapter_map_html(rows: Sequence[ChapterRow], written: Collection[str] = ()) -> str:
    """The intro's map of the book as an HTML table, one row per chapter; a chapter whose page name is in
    ``written`` links to its page, the others are marked as planned."""
    import html

    body = []
    for row in rows:
        page = chapter_page(row.chapter)
        title = (
            f"<a href='{page}.html'><b>{row.chapter}</b></a>" if page in written
            else f"<b>{row.chapter}</b><br><small>(planned)</small>"
        )  # fmt: skip
        others = [v for v in row.variants if v != row.model]
        error = (
            f"{percent(row.reported_error)} <small>({html.escape(row.error_metric or '')})</small>"
            if row.reported_error is not None else "—"
        )  # fmt: skip
        body.append(
            f"<tr><td>{title}</td><td>{row.year}</td><td><i>{html.escape(row.paper)}</i> "
            f"<small>({html.escape(_first_author(row.authors))})</small></td><td><code>{row.model}</code>"
            + (f"<br><small>also: {', '.join(others)}</small>" if others else "")
            + f"</td><td style='text-align:right'>{row.depth}</td>"
            f"<td style='text-align:right'>{count(row.params)}</td><td>{error}</td></tr>"
        )
    head = "".join(f"<th>{h}</th>" for h in ("Chapter", "Year", "Paper", "Network", "Depth", "Parameters", "Reported error"))
    return f"<table class='cnnviz-map'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
