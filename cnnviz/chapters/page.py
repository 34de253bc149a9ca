"""A chapter's page: its facts, computed once, and its named paragraphs, each with the checks that keep it true.

A chapter module builds one :class:`Page` from a function that computes its facts (a frozen dataclass) and
the names of its paragraphs, then gives each paragraph its text: a function of the facts that returns
Markdown, with its checks at the top::

    page = Page("resnext", Facts.compute, PARAGRAPHS)

    @page.text("cifar")
    def _cifar(f: Facts) -> str:
        require(f.c8.receptive_field > 0, "the sentence gives ResNeXt-29's receptive field")
        return f\"\"\"
            Its receptive field of {f.c8.receptive_field} pixels is {compare(f.c8.receptive_field, 32, SIZE)}
            the 32-pixel image.
        \"\"\"

    paragraph = page.paragraph  # chapter.paragraph("cifar") in the notebook
    facts = page.facts

A page's diagrams are listed too (``Page("resnext", Facts.compute, PARAGRAPHS, FIGURES)``), each with what it
shows, a function of the facts; :meth:`Page.caption` ends that with what the drawing call did::

    @page.figure("paths")
    def _paths(f: Facts) -> str:
        return f"the ResNeXt-50 block of conv2_x as C = {f.c8.cardinality} paths"

    caption = page.caption  # chapter.caption("paths", diagram) in the notebook

The paragraph before a chapter's claim cards is :func:`claims_intro`, one sentence for every chapter.

The facts are computed on the first call of :meth:`Page.facts` or :meth:`Page.paragraph`, never at import,
and kept for the rest of the process. :func:`require` raises :class:`CheckFailed`, which the page re-raises
naming the chapter and the paragraph, so a changed number fails the build (the notebook's cell raises)
instead of leaving a false sentence. A paragraph's Markdown is also refused when it still holds a
placeholder (``{{name}}``, or ``{f.x}`` from an f-string without its ``f``) or Sphinx markup that a
notebook would show verbatim (:func:`cnnviz.interact.prose.unresolved_markup`).
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from cnnviz.analysis.claims import Claim, tally
from cnnviz.interact.prose import Paragraph, unresolved_markup

__all__ = ["CheckFailed", "Page", "claims_intro", "folded", "require", "unfilled_placeholders"]

F = TypeVar("F")

# What a filled paragraph must not hold: a Prose-style placeholder, or an f-string field left unformatted
# (an attribute, call or index inside single braces; LaTeX's \sum_{i=1}^{C} has none of these).
_PLACEHOLDER = re.compile(r"\{\{\s*[A-Za-z_]\w*\s*\}\}|\{[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\(|\[)[^{}\n]*\}")


class CheckFailed(AssertionError):
    """A paragraph's check no longer holds: the sentence it guards would be false."""


def require(condition: bool, why: str) -> None:
    """Stop the paragraph unless ``condition`` holds; ``why`` says what in the sentence depends on it."""
    if not condition:
        raise CheckFailed(why)


def unfilled_placeholders(markdown: str) -> list[str]:
    """The ``{{name}}`` placeholders and unformatted f-string fields (``{f.x}``) left in ``markdown``."""
    return [m.group(0) for m in _PLACEHOLDER.finditer(markdown)]


class Page(Generic[F]):
    """One chapter's facts and paragraphs; see the module docstring."""

    def __init__(
        self,
        chapter: str,
        compute: Callable[[], F],
        paragraphs: tuple[str, ...],
        figures: tuple[str, ...] = (),
    ) -> None:
        for kind, names in (("paragraph", paragraphs), ("figure", figures)):
            if len(set(names)) != len(names):
                raise ValueError(f"Page({chapter!r}): a {kind} name is listed twice in {names}")
        self.chapter = chapter
        self.paragraphs = paragraphs
        self.figures = figures
        self._compute = compute
        self._facts: F | None = None
        self._texts: dict[str, Callable[[F], str]] = {}
        self._shows: dict[str, Callable[[F], str]] = {}

    def text(self, name: str) -> Callable[[Callable[[F], str]], Callable[[F], str]]:
        """Decorator: the function that writes paragraph ``name`` (listed in the page's paragraphs)."""
        return self._register("paragraph", name, self.paragraphs, self._texts, "texts")

    def figure(self, name: str) -> Callable[[Callable[[F], str]], Callable[[F], str]]:
        """Decorator: the function that says what diagram ``name`` (listed in the page's figures) shows, the
        first part of its caption."""
        return self._register("figure", name, self.figures, self._shows, "descriptions")

    def _register(
        self, kind: str, name: str, listed: tuple[str, ...], written: dict[str, Callable[[F], str]], what: str
    ) -> Callable[[Callable[[F], str]], Callable[[F], str]]:
        if name not in listed:
            raise ValueError(
                f"{self.chapter}: {kind} {name!r} is not listed; listed: {', '.join(listed) or 'none'}"
            )
        if name in written:
            raise ValueError(f"{self.chapter}: {kind} {name!r} has two {what}")

        def register(write: Callable[[F], str]) -> Callable[[F], str]:
            written[name] = write
            return write

        return register

    def facts(self) -> F:
        """The chapter's facts, computed on the first call and kept for the rest of the process."""
        if self._facts is None:
            try:
                self._facts = self._compute()
            except CheckFailed as failed:
                raise CheckFailed(f"{self.chapter} (its facts): {failed}") from None
        return self._facts

    def paragraph(self, name: str, facts: F | None = None) -> Paragraph:
        """Paragraph ``name`` filled with the chapter's facts (or with ``facts``), after its checks pass."""
        if name not in self.paragraphs:
            raise KeyError(f"{self.chapter}: no paragraph {name!r}; paragraphs: {', '.join(self.paragraphs)}")
        if name not in self._texts:
            raise KeyError(f"{self.chapter}: paragraph {name!r} is listed but has no text")
        try:
            markdown = self._texts[name](self.facts() if facts is None else facts)
        except CheckFailed as failed:
            raise CheckFailed(f"{self.chapter}, paragraph {name!r}: {failed}") from None
        markdown = textwrap.dedent(markdown).strip("\n")
        left = unfilled_placeholders(markdown) + unresolved_markup(markdown)
        if left:
            raise ValueError(
                f"{self.chapter}, paragraph {name!r}: {', '.join(left)} would be shown verbatim; fill it from "
                "the facts (an f-string) or write plain Markdown"
            )
        return Paragraph(markdown)

    def shows(self, figure: str, facts: F | None = None) -> str:
        """What diagram ``figure`` shows, in the words of its :meth:`figure` function (the chapter's facts, or
        ``facts``)."""
        if figure not in self.figures:
            raise KeyError(f"{self.chapter}: no figure {figure!r}; figures: {', '.join(self.figures)}")
        if figure not in self._shows:
            raise KeyError(f"{self.chapter}: figure {figure!r} is listed but has no description")
        try:
            return self._shows[figure](self.facts() if facts is None else facts)
        except CheckFailed as failed:
            raise CheckFailed(f"{self.chapter}, caption {figure!r}: {failed}") from None

    def caption(self, figure: str, diagram: object, facts: F | None = None) -> Paragraph:
        """The caption of diagram ``figure`` (one of the page's figures): what it shows (:meth:`shows`), then
        what its drawing call did, in the words :mod:`cnnviz.render.diagrams` gives it (``diagram.caption``:
        what is drawn as one node, what is dashed), so the caption cannot claim what the drawing does not do."""
        if figure not in self.figures:
            raise KeyError(f"{self.chapter}: no figure {figure!r}; figures: {', '.join(self.figures)}")
        drawn = getattr(diagram, "caption", "")
        if not isinstance(drawn, str) or not drawn.strip():
            raise CheckFailed(f"{self.chapter}, caption {figure!r}: the diagram says nothing about what its call "
                              "drew (no Diagram.caption); draw it with cnnviz.render.diagrams")  # fmt: skip
        markdown = f"*Figure: {self.shows(figure, facts)}; {drawn.strip().rstrip('.')}.*"
        left = unfilled_placeholders(markdown) + unresolved_markup(markdown)
        if left:
            raise ValueError(f"{self.chapter}, caption {figure!r}: {', '.join(left)} would be shown verbatim")
        return Paragraph(markdown)

    def all(self, facts: F | None = None) -> dict[str, Paragraph]:
        """Every paragraph, in the listed order: the whole page's checks at once (the tests call this)."""
        return {name: self.paragraph(name, facts) for name in self.paragraphs}


def claims_intro(
    claims: Iterable[Claim],
    about: str,
    basis: str,
    *,
    kind: str = "bullets",
    detail: str = "",
    then: str = "",
) -> str:
    """The paragraph before a chapter's claim cards: how many ``kind`` (bullets, or "points" where the notes
    also state figures outside bullets) the notes have ``about`` the chapter's subject, and as how many
    statements the book checks them, ``basis`` (what it checks them on), with ``detail`` after
    the count where one bullet takes several statements. It ends with a colon, the cards following, or with
    ``then``, one more sentence. Every statement must check a bullet of the notes (the count names no others)::

        claims_intro(f.claims, "on ResNeXt", "on the zoo's modules and against the paper")
        # "The notes have N bullets on ResNeXt; the book checks them as M statements, on the zoo's modules
        #  and against the paper:"
    """
    notes = tally(claims)
    require(not notes.beyond_notes, "the text says every statement checks a bullet of the notes")
    require(notes.bullets > 1, f"the text counts the notes' {kind} in the plural")
    statements = f"{notes.statements} statement{'s' if notes.statements != 1 else ''}"
    text = (
        f"The notes have {notes.bullets} {kind} {about}; the book checks them as {statements}"
        f"{detail}, {basis}"
    )
    return f"{text}. {then.strip()}" if then.strip() else f"{text}:"


def folded(summary: str, content: object) -> Paragraph:
    """``content`` (Markdown: a string, or anything with a ``markdown`` attribute, such as
    ``Prose.source(...)``) in a collapsed ``<details>`` block under the line ``summary``: what a reader can
    open when they want it (a long listing, a ledger). Plain HTML and Markdown, so it folds alike on the
    site, in JupyterLab and in Colab. Every chapter module binds it (``chapter.folded(...)`` in a notebook)."""
    body = getattr(content, "markdown", content)
    if not isinstance(body, str):
        raise TypeError(f"folded: content must be Markdown text, got {type(content).__name__}")
    return Paragraph(f'<details class="cnnviz-fold">\n<summary>{html.escape(summary)}</summary>\n\n'
                     f"{body.strip()}\n\n</details>")  # fmt: skip
