"""The instructors' page: facts computed from the chapters and their exercises."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cnnviz.interact import exercises
from cnnviz.interact.instructors import (
    MINUTES_PER_CODE_CELL,
    PREREQUISITES,
    WORDS_PER_MINUTE,
    chapter_facts,
    launch_links,
    learning_goals,
    overview_markdown,
)

ROOT = Path(__file__).resolve().parents[2]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
CHAPTERS = [Path(c["file"]).name for part in TOC["parts"][1:] for c in part["chapters"]]


def test_learning_goals_from_an_admonition_and_from_a_bold_lead_in():
    admonition = ('<div class="admonition tip">\n<p class="admonition-title">Learning goals</p>\n\n'
                  "- compute a thing;\n- explain another,\n  over two lines.\n\n</div>")  # fmt: skip
    assert learning_goals([admonition]) == ("compute a thing;", "explain another, over two lines.")
    bold = "**Learning goals.** After this chapter you can\n\n- list it;\n- say it.\n\nThe rest."
    assert learning_goals(["# Title", bold]) == ("list it;", "say it.")
    assert learning_goals(["no goals here"]) == ()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_of_the_book_has_goals_times_and_prerequisites(chapter):
    facts = chapter_facts(ROOT / "book" / f"{chapter}.ipynb")
    assert len(facts.goals) >= 3, chapter
    assert facts.words > 500 and facts.code_cells > 0
    expected = facts.words / WORDS_PER_MINUTE + facts.code_cells * MINUTES_PER_CODE_CELL
    assert facts.reading_minutes == -(-expected // 1)
    listed = exercises.for_chapter(chapter) if chapter in exercises.chapters() else ()
    assert facts.exercise_minutes == sum(e.minutes for e in listed)
    assert set(facts.homework) | set(facts.in_class) == {e.id for e in listed}
    assert chapter in PREREQUISITES and all(p in CHAPTERS for p in PREREQUISITES[chapter])


def test_launch_links_and_the_overview():
    links = launch_links("https://github.com/cnnviz/cnnviz", "main", "vgg")
    assert links["Binder"] == "https://mybinder.org/v2/gh/cnnviz/cnnviz/main?labpath=book/vgg.ipynb"
    assert links["Colab"] == "https://colab.research.google.com/github/cnnviz/cnnviz/blob/main/book/vgg.ipynb"
    with pytest.raises(ValueError, match="repository_url must be"):
        launch_links("cnnviz/cnnviz", "main", "vgg")
    text = overview_markdown(ROOT / "book", ["vgg"], "https://github.com/cnnviz/cnnviz", "main")
    assert "`cnnviz assignment vgg -o course/`" in text and "**Homework:** `vgg.cifar_vgg16`" in text


def test_prerequisites_come_earlier_in_the_book():
    """An order, not a cycle: the book read in order meets each chapter's prerequisites first."""
    late = {c: [p for p in PREREQUISITES[c] if CHAPTERS.index(p) >= CHAPTERS.index(c)] for c in PREREQUISITES}
    assert {c: ps for c, ps in late.items() if ps} == {}


def test_the_overview_names_prerequisites_by_title_and_offers_assignments_only_with_exercises():
    text = overview_markdown(ROOT / "book", ["resnext", "compare"], "https://github.com/cnnviz/cnnviz", "main")
    resnet, googlenet = (chapter_facts(ROOT / "book" / f"{c}.ipynb").title for c in ("resnet", "googlenet"))
    assert f"**Prerequisites:** [{resnet}](resnet.ipynb), [{googlenet}](googlenet.ipynb)." in text
    assert "cnnviz assignment resnext" in text and "compare" not in exercises.chapters()
    assert "cnnviz assignment compare" not in text and "(no exercises, so no assignment)" in text


def test_the_instructors_page_is_in_the_table_of_contents():
    getting_started = [Path(c["file"]).name for c in TOC["parts"][0]["chapters"]]
    assert "instructors" in getting_started
    assert (ROOT / "LICENSE").is_file() and (ROOT / "LICENSE-TEXT.md").is_file()
