"""The lint of comparison words: it finds a planted word, and passes the chapter layer as it stands."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from cnnviz.chapters import CHAPTER_MODULES, lint
from cnnviz.chapters.lint import (
    WORDS,
    has_number,
    lint_chapters,
    lint_module,
    lint_notebook,
    lint_text,
    sentences,
)
from cnnviz.chapters.words import COUNT, compare

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "cnnviz" / "chapters"


def _module(tmp_path: Path, source: str, name: str = "planted.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def _notebook(tmp_path: Path, cells: list[tuple[str, str]]) -> Path:
    path = tmp_path / "planted.ipynb"
    nb = {"cells": [{"cell_type": kind, "metadata": {}, "source": source, **({"outputs": [], "execution_count": None}
                     if kind == "code" else {})} for kind, source in cells],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}  # fmt: skip
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


# --- the rule -------------------------------------------------------------------------------------


def test_sentences_are_cut_at_stops_list_items_table_cells_and_blank_lines():
    text = "One 1. Two? Three!\nStill three.\n\nFour\n- five\n* six\n1. seven\n| eight | nine |\n## ten\neleven"
    assert [s.strip() for s in sentences(text)] == [
        "One 1.", "Two?", "Three!", "Still three.", "Four", "- five", "* six", "1.", "seven", "eight", "nine",
        "## ten", "eleven",
    ]
    assert sentences("25.0M and 3.9G stay whole.") == ["25.0M and 3.9G stay whole."]


@pytest.mark.parametrize(
    ("sentence", "number"),
    [("ResNeXt-50", True), ("{{resnext_params}} parameters", True), ("\x00 parameters", True),
     ("no number here", False), ("{count} as Markdown", False)],
)  # fmt: skip
def test_what_counts_as_a_number(sentence: str, number: bool):
    assert has_number(sentence) is number
    assert has_number("{count} in a Python string", python=True)


@pytest.mark.parametrize("word", WORDS)
def test_every_word_is_found_beside_a_number_whatever_its_case(word: str):
    found = lint_text(f"The 32×4d block is {word.upper()} the ResNet block.", "x")
    assert [f.word.lower() for f in found] == [word]
    assert lint_text(f"The block is {word} the other one.", "x") == []  # no number, no finding
    assert lint_text(f"The 32×4d block is fine. It is {word} the other one.", "x") == []  # another sentence


def test_words_match_on_word_boundaries_only():
    assert lint_text("Layer 3 is farther, almost, onlyish, smallerness, halfway.", "x") == []
    assert [f.word for f in lint_text("Layer 3 is more\n   than that.", "x")] == ["more\n   than"]


# --- planted in a module and a notebook ----------------------------------------------------------


def test_a_planted_word_in_a_module_is_reported(tmp_path: Path):
    path = _module(tmp_path, '''
        """A planted chapter."""
        params = 25.0

        def text() -> str:
            return f"ResNeXt-50 has about twice the {params}M parameters."

        def fine() -> str:
            return "ResNeXt-50 has 25.0M parameters, fewer than ResNet-50."  # typed: found too

        def checked(f) -> None:
            require(f.x < f.y, "the sentence says ResNeXt-50 has fewer parameters")  # a check: skipped
    ''')
    found = lint_module(path, "planted.py")
    assert [(f.where, f.word) for f in found] == [("planted.py:6", "about twice"), ("planted.py:9", "fewer")]
    assert found[0].sentence == "ResNeXt-50 has about twice the {…}M parameters."
    assert "not from cnnviz.chapters.words" in str(found[0])


def test_a_word_that_words_returns_into_a_field_is_not_a_finding(tmp_path: Path):
    path = _module(tmp_path, '''
        def text(a, b) -> str:
            return f"ResNeXt-29 has {a} parameters, {compare(a, b, COUNT)} the {b} of 8×64d."
    ''')
    assert lint_module(path) == []


def test_compare_picks_another_word_when_the_numbers_change():
    def sentence(c16: int, c8: int) -> str:
        return f"ResNeXt-29 (16×64d) has {c16:,} parameters, {compare(c16, c8, COUNT)} the {c8:,} of 8×64d."

    assert "about twice the" in sentence(68_155_210, 34_426_698)
    assert "more than the" in sentence(50_000_000, 34_426_698)
    assert "many times the" in sentence(200_000_000, 34_426_698)
    assert "fewer than the" in sentence(30_000_000, 34_426_698)


def test_a_planted_word_in_a_notebook_is_reported(tmp_path: Path):
    path = _notebook(tmp_path, [
        ("markdown", "# Title\n\nResNeXt-50 has about twice the 25.0M parameters. Half of it is fine."),
        ("code", '%pip install cnnviz\nprose(r"""\nIts {{rf}}-pixel field covers the image many times over.\n""")'),
        ("code", 'Markdown(f"{n} paths, only a few")\nprint("only 4 channels")  # printed output: not read'),
        ("code", "this is not python ("),
    ])  # fmt: skip
    found = lint_notebook(path, "planted.ipynb")
    assert [(f.where, f.word) for f in found] == [
        ("planted.ipynb, cell 0", "about twice"),
        ("planted.ipynb, cell 1, line 2", "many times"),
        ("planted.ipynb, cell 2, line 1", "only"),
    ]


def test_lint_chapters_reads_the_package_and_the_notebooks_of_moved_chapters(tmp_path: Path, monkeypatch):
    package = tmp_path / "chapters"
    package.mkdir()
    _module(package, '"""ok"""\nTEXT = "ResNeXt-50 is only 25.0M."\n', "demo.py")
    _module(package, '"""the word picker"""\nWORDS = "only 4, about twice 2"\n', "words.py")  # exempt
    (tmp_path / "book").mkdir()
    _notebook(tmp_path / "book", [("markdown", "Only 4 paths.")]).rename(tmp_path / "book" / "demo.ipynb")
    _notebook(tmp_path / "book", [("markdown", "Only 4 paths.")]).rename(tmp_path / "book" / "pending.ipynb")
    monkeypatch.setattr("cnnviz.chapters.CHAPTER_MODULES", {"demo": "cnnviz.chapters.demo"})
    found = lint_chapters(tmp_path, package)
    assert [(f.where, f.word) for f in found] == [("cnnviz/chapters/demo.py:2", "only"), ("book/demo.ipynb, cell 0", "Only")]


# --- the chapter layer as it stands --------------------------------------------------------------


def test_the_chapter_modules_type_no_comparison_word_beside_a_number():
    found = [f for module in sorted(PACKAGE.glob("*.py")) if module.name != lint.WORD_PICKER
             for f in lint_module(module, f"cnnviz/chapters/{module.name}")]  # fmt: skip
    assert not found, "\n".join(map(str, found))


# Each notebook of a chapter on the layer, once its prose cells call the chapter module. A notebook still
# holding its own prose templates is expected to fail (strict: the mark goes when the notebook is clean).
NOTEBOOKS_WITH_OWN_PROSE: set[str] = set()


@pytest.mark.parametrize(
    "chapter",
    [pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=f"book/{c}.ipynb still types its own prose"))
     if c in NOTEBOOKS_WITH_OWN_PROSE else c for c in sorted(CHAPTER_MODULES)],
)  # fmt: skip
def test_the_notebooks_on_the_layer_type_no_comparison_word_beside_a_number(chapter: str):
    found = lint_notebook(ROOT / "book" / f"{chapter}.ipynb", f"book/{chapter}.ipynb")
    assert not found, "\n".join(map(str, found))
