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

The facts are computed on the first call of :meth:`Page.facts` or :meth:`Page.paragraph`, never at import,
and kept for the rest of the process. :func:`require` raises :class:`CheckFailed`, which the page re-raises
naming the chapter and the paragraph, so a changed number fails the build (the notebook's cell raises)
instead of leaving a false sentence. A paragraph's Markdown is also refused when it still holds a
placeholder (``{{name}}``, or ``{f.x}`` from an f-string without its ``f``) or Sphinx markup that a
notebook would show verbatim (:func:`cnnviz.interact.prose.unresolved_markup`).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import Generic, TypeVar

from cnnviz.interact.prose import Paragraph, unresolved_markup

__all__ = ["CheckFailed", "Page", "require", "unfilled_placeholders"]

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

    def __init__(self, chapter: str, compute: Callable[[], F], paragraphs: tuple[str, ...]) -> None:
        if len(set(paragraphs)) != len(paragraphs):
            raise ValueError(f"Page({chapter!r}): a paragraph name is listed twice in {paragraphs}")
        self.chapter = chapter
        self.paragraphs = paragraphs
        self._compute = compute
        self._facts: F | None = None
        self._texts: dict[str, Callable[[F], str]] = {}

    def text(self, name: str) -> Callable[[Callable[[F], str]], Callable[[F], str]]:
        """Decorator: the function that writes paragraph ``name`` (listed in the page's paragraphs)."""
        if name not in self.paragraphs:
            raise ValueError(f"{self.chapter}: paragraph {name!r} is not listed; listed: {', '.join(self.paragraphs)}")
        if name in self._texts:
            raise ValueError(f"{self.chapter}: paragraph {name!r} has two texts")

        def register(write: Callable[[F], str]) -> Callable[[F], str]:
            self._texts[name] = write
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

    def all(self, facts: F | None = None) -> dict[str, Paragraph]:
        """Every paragraph, in the listed order: the whole page's checks at once (the tests call this)."""
        return {name: self.paragraph(name, facts) for name in self.paragraphs}
