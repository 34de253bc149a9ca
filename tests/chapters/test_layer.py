"""The chapter layer: every chapter of _toc.yml has its module (or is listed as pending), a module is cheap to
import, no other layer imports it, and a page's paragraphs fail loudly when a check or a number is
missing."""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from cnnviz.chapters import CHAPTER_MODULES, PENDING, load, module_name
from cnnviz.chapters.page import CheckFailed, Page, claims_intro, require, unfilled_placeholders
from cnnviz.interact.prose import unresolved_markup

ROOT = Path(__file__).resolve().parents[2]


def _toc_chapters() -> list[str]:
    """The notebook stems of _toc.yml: its root and every chapter of every part."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]
    return [Path(f).name for f in files]


TOC = _toc_chapters()


def test_pending_and_moved_chapters_cover_the_toc_exactly():
    assert not set(PENDING) & set(CHAPTER_MODULES), "a chapter is both on the layer and pending"
    assert sorted(PENDING) == sorted(set(PENDING)), "PENDING lists a chapter twice"
    assert set(PENDING) | set(CHAPTER_MODULES) == set(TOC), (
        f"not in _toc.yml: {sorted((set(PENDING) | set(CHAPTER_MODULES)) - set(TOC))}; "
        f"neither moved nor pending: {sorted(set(TOC) - set(PENDING) - set(CHAPTER_MODULES))}"
    )


@pytest.mark.parametrize(
    "chapter",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=f"{c} is in PENDING: not on the chapter layer yet"))
        if c in PENDING else c
        for c in TOC
    ],
)  # fmt: skip
def test_every_chapter_has_its_module(chapter: str):
    """A pending chapter fails here (expected); moving it without taking it off PENDING passes, which fails
    the suite (strict), so the list stays true."""
    assert chapter in CHAPTER_MODULES, f"{chapter} has no entry in cnnviz.chapters.CHAPTER_MODULES"
    name = module_name(chapter)
    assert name == f"cnnviz.chapters.{chapter}"
    assert importlib.util.find_spec(name) is not None, f"{name} does not exist"
    module = load(chapter)
    assert isinstance(module.PARAGRAPHS, tuple) and module.PARAGRAPHS
    assert module.page.chapter == chapter and module.page.paragraphs == module.PARAGRAPHS


def test_load_names_pending_and_unknown_chapters():
    with pytest.raises(KeyError, match="not on the chapter layer yet"):
        load(PENDING[0])
    with pytest.raises(KeyError, match="unknown chapter 'resnxt'"):
        load("resnxt")


@pytest.mark.parametrize("chapter", sorted(CHAPTER_MODULES))
def test_importing_a_chapter_builds_nothing(chapter: str):
    """Importing a chapter module computes no facts and builds no network (in a fresh interpreter)."""
    code = textwrap.dedent(f"""
        import torch.nn
        def refuse(self, *args, **kwargs):
            raise RuntimeError("a module was built at import time")
        torch.nn.Module.__init__ = refuse
        import {module_name(chapter)} as chapter
        assert chapter.page._facts is None, "facts computed at import time"
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr


def test_no_other_layer_imports_the_chapters():
    below = [p for p in (ROOT / "cnnviz").rglob("*.py") if "chapters" not in p.parts and p.name != "cli.py"]
    offenders = [str(p.relative_to(ROOT)) for p in below
                 if "cnnviz.chapters" in (text := p.read_text(encoding="utf-8")) or "import chapters" in text]  # fmt: skip
    assert not offenders, f"only the CLI may import the chapter layer; imported from {offenders}"


# --- the page: facts once, paragraphs with their checks ------------------------------------------


@dataclass(frozen=True)
class _Facts:
    paths: int
    width: int


def _page(calls: list[int]) -> Page[_Facts]:
    def compute() -> _Facts:
        calls.append(1)
        return _Facts(32, 4)

    page = Page("demo", compute, ("paths", "left_open", "sphinx"))

    @page.text("paths")
    def _paths(f: _Facts) -> str:
        require(f.paths > 1, "the sentence says the block has several paths")
        return f"""
            The block has {f.paths} paths
            of width {f.width}.
        """

    @page.text("left_open")
    def _left_open(f: _Facts) -> str:
        return "The block has {f.paths} paths."  # the f is missing

    @page.text("sphinx")
    def _sphinx(f: _Facts) -> str:
        return f"See {{cite:p}}`xie2017aggregated` for {f.paths} paths."

    return page


def test_facts_are_computed_once_and_paragraphs_are_markdown():
    calls: list[int] = []
    page = _page(calls)
    assert calls == []  # nothing computed before it is asked for
    paragraph = page.paragraph("paths")
    assert paragraph.markdown == "The block has 32 paths\nof width 4."
    assert paragraph._repr_markdown_() == paragraph.markdown
    page.paragraph("paths")
    assert page.facts() is page.facts() and calls == [1]


def test_a_failed_check_names_the_chapter_the_paragraph_and_the_reason():
    page = _page([])
    with pytest.raises(CheckFailed, match=r"demo, paragraph 'paths': the sentence says the block has several paths"):
        page.paragraph("paths", _Facts(1, 64))


def test_a_placeholder_or_sphinx_markup_left_in_a_paragraph_is_an_error():
    page = _page([])
    with pytest.raises(ValueError, match=r"demo, paragraph 'left_open': \{f.paths\} would be shown verbatim"):
        page.paragraph("left_open")
    with pytest.raises(ValueError, match=r"paragraph 'sphinx': \{cite:p\}`xie2017aggregated`"):
        page.paragraph("sphinx")


def test_paragraph_names_are_listed_and_checked():
    page = _page([])
    with pytest.raises(KeyError, match="no paragraph 'path'; paragraphs: paths, left_open, sphinx"):
        page.paragraph("path")
    with pytest.raises(ValueError, match="'other' is not listed"):
        page.text("other")
    with pytest.raises(ValueError, match="two texts"):
        page.text("paths")
    with pytest.raises(ValueError, match="listed twice"):
        Page("demo", lambda: None, ("a", "a"))
    unwritten = Page("demo", lambda: None, ("a",))
    with pytest.raises(KeyError, match="'a' is listed but has no text"):
        unwritten.paragraph("a")


def test_a_check_in_the_facts_names_the_chapter():
    def compute() -> _Facts:
        require(False, "the widths must match Table 2")
        return _Facts(32, 4)

    with pytest.raises(CheckFailed, match=r"demo \(its facts\): the widths must match Table 2"):
        Page("demo", compute, ("a",)).facts()


# --- captions: what a figure shows, then what its drawing call did --------------------------------------


class _Drawn:
    """A stand-in for a drawn diagram: only its ``caption`` (what the drawing call did) is read."""

    def __init__(self, caption: str) -> None:
        self.caption = caption


def _figures_page() -> Page[_Facts]:
    page = Page("demo", lambda: _Facts(32, 4), ("paths",), ("block", "left_open", "checked"))

    @page.figure("block")
    def _block(f: _Facts) -> str:
        return f"the block as {f.paths} paths of width {f.width}"

    @page.figure("left_open")
    def _left_open(f: _Facts) -> str:
        return "the block as {f.paths} paths"  # the f is missing

    @page.figure("checked")
    def _checked(f: _Facts) -> str:
        require(f.paths > 1, "the caption says the block has several paths")
        return "the block"

    return page


def test_a_caption_is_what_the_figure_shows_then_what_the_drawing_did():
    page = _figures_page()
    assert page.caption("block", _Drawn("each stage drawn as one node.")).markdown == (
        "*Figure: the block as 32 paths of width 4; each stage drawn as one node.*"
    )
    other = page.caption("block", _Drawn("x"), _Facts(2, 64)).markdown
    assert other == "*Figure: the block as 2 paths of width 64; x.*"
    assert page.shows("block") == "the block as 32 paths of width 4"


def test_a_caption_refuses_an_undrawn_diagram_an_unknown_figure_and_a_left_placeholder():
    page = _figures_page()
    with pytest.raises(CheckFailed, match="demo, caption 'block': the diagram says nothing about"):
        page.caption("block", object())
    with pytest.raises(KeyError, match="no figure 'blocks'; figures: block, left_open, checked"):
        page.caption("blocks", _Drawn("x"))
    with pytest.raises(ValueError, match=r"demo, caption 'left_open': \{f.paths\} would be shown verbatim"):
        page.caption("left_open", _Drawn("x"))
    with pytest.raises(CheckFailed, match="demo, caption 'checked': the caption says the block has several"):
        page.caption("checked", _Drawn("x"), _Facts(1, 64))


def test_figure_names_are_listed_and_described_once():
    page = _figures_page()
    with pytest.raises(ValueError, match="figure 'other' is not listed; listed: block, left_open, checked"):
        page.figure("other")
    with pytest.raises(ValueError, match="figure 'block' has two descriptions"):
        page.figure("block")
    with pytest.raises(ValueError, match="a figure name is listed twice"):
        Page("demo", lambda: None, ("a",), ("f", "f"))
    undescribed = Page("demo", lambda: _Facts(32, 4), ("a",), ("f",))
    with pytest.raises(KeyError, match="figure 'f' is listed but has no description"):
        undescribed.caption("f", _Drawn("x"))


# --- the paragraph before the claim cards --------------------------------------------------------------------


def _claims(*bullets: str | None) -> list:
    from cnnviz.analysis.claims import COMPUTED, Bullet, Claim, Verdict

    return [Claim(f"demo.{i}", "demo", f"statement {i}", "1", 1.0, 1.0, "1", COMPUTED, "by hand", Verdict.HOLDS,
                  bullet=None if key is None else Bullet(f"demo.{key}", key)) for i, key in enumerate(bullets)]  # fmt: skip


def test_the_claims_intro_counts_bullets_and_statements():
    three = _claims("a", "b", "b")
    assert claims_intro(three, "on ResNeXt", "on the zoo's modules") == (
        "The notes have 2 bullets on ResNeXt; the book checks them as 3 statements, on the zoo's modules:"
    )
    assert claims_intro(
        three, "about GoogLeNet", "read from the paper", kind="points", detail=", one per figure",
        then="Its error is top-5.",
    ) == (
        "The notes have 2 points about GoogLeNet; the book checks them as 3 statements, one per figure, read "
        "from the paper. Its error is top-5."
    )  # fmt: skip


def test_the_claims_intro_refuses_statements_beyond_the_notes_and_a_single_bullet():
    with pytest.raises(CheckFailed, match="every statement checks a bullet of the notes"):
        claims_intro(_claims("a", "b", None), "on X", "here")
    with pytest.raises(CheckFailed, match="counts the notes' bullets in the plural"):
        claims_intro(_claims("a", "a"), "on X", "here")


# --- the contract every chapter module keeps -------------------------------------------------------


@pytest.mark.parametrize("chapter", sorted(CHAPTER_MODULES))
def test_every_paragraph_is_listed_written_and_renders_filled(chapter: str):
    module = load(chapter)
    assert set(module.page._texts) == set(module.PARAGRAPHS) and module.page.paragraphs == module.PARAGRAPHS
    facts = module.facts()
    assert module.facts() is facts  # computed once per process
    for name in module.PARAGRAPHS:
        markdown = module.paragraph(name).markdown
        assert markdown.strip(), name
        assert unfilled_placeholders(markdown) == [] and unresolved_markup(markdown) == [], name


@pytest.mark.parametrize("chapter", sorted(CHAPTER_MODULES))
def test_a_caption_ends_with_what_the_drawing_call_did(chapter: str):
    module = load(chapter)
    figures = getattr(module, "FIGURES", ())
    assert module.page.figures == figures and set(module.page._shows) == set(figures)
    if not figures:
        return  # a page without diagrams has no captions
    assert module.caption == module.page.caption  # the notebook's chapter.caption is the page's
    drawn = "each stage drawn as one node"
    for figure in figures:
        text = module.caption(figure, _Drawn(drawn)).markdown
        assert text.startswith("*Figure: ") and text.endswith(f"; {drawn}.*"), figure
        with pytest.raises(CheckFailed, match=f"caption '{figure}'.*no Diagram.caption"):
            module.caption(figure, object())
    with pytest.raises(KeyError, match="figures: " + ", ".join(figures)):
        module.caption("no_such_figure", _Drawn(drawn))


def _with_claims() -> list[str]:
    """The chapters on the layer whose facts hold the notes' claims."""
    fields = {c: {f.name for f in dataclasses.fields(load(c).Facts)} for c in sorted(CHAPTER_MODULES)}
    return [c for c, names in fields.items() if "claims" in names]


@pytest.mark.parametrize("chapter", _with_claims())
def test_the_notebook_shows_the_claims_as_cards_citing_papers_in_words(chapter: str):
    """The review: the claims table's columns ran off a phone's screen, and its sources were citation keys."""
    import json
    import re

    from cnnviz.render.claim_cards import claim_cards

    cells = json.loads((ROOT / "book" / f"{chapter}.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "claim_cards(facts.claims)" in code and "claims_table(" not in code
    cards = claim_cards(load(chapter).facts().claims)._repr_html_()
    assert re.findall(r"\b[a-z][a-z-]*\d{4}[a-z]+\b", cards) == []  # no bare citation key left
