"""Every quantitative statement of the lecture notes, checked, one module per chapter.

Each :class:`Claim` holds the statement as the notes make it, the figure they give, the figure ``cnnviz``
computes (or, for results and training settings that only the paper can give, the figure the paper reports,
with its citation), and a verdict. A computed figure *holds* when it rounds to the stated one at the
precision the notes use ("35k" is checked to the nearest thousand, "1,728" exactly).

A chapter's claims live in ``cnnviz/analysis/claims/<chapter>.py`` as a function ``claims()`` (built
with the constructors of :mod:`cnnviz.analysis.claims.make`), in the order the chapter shows them;
:data:`CHAPTERS` lists the chapters in the book's order. In a notebook::

    from cnnviz.analysis.claims import for_chapter
    for_chapter("vgg")      # the claims the VGG chapter shows

The notes are the lecture notes the book follows (``cnn-architectures-lecture-notes.md``); the papers are
the ones in ``book/references.bib``.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

__all__ = ["Claim", "COMPUTED", "PAPER", "CHAPTERS", "parse_figure", "for_chapter", "check_all"]

COMPUTED = "computed"
PAPER = "paper"

# The chapters with claims, in the book's order: each is a module of this package.
CHAPTERS = (
    "alexnet", "zfnet", "vgg", "googlenet", "nin", "resnet", "wide_resnet", "resnext", "stochastic_depth",
    "fractalnet", "densenet", "squeezenet",
)

@dataclass(frozen=True)
class Claim:
    id: str  # stable key, "vgg16.total_params"
    chapter: str  # the chapter that shows it: "alexnet", "zfnet", "vgg", "googlenet", "resnet", ...
    statement: str  # what the notes say, in their words
    stated: str  # the figure as the notes write it: "35k", "16.4%"
    stated_value: float  # that figure as a number
    actual_value: float  # what cnnviz computes, or what the paper reports
    actual: str  # the actual figure, formatted for reading
    basis: str  # COMPUTED or PAPER
    source: str  # how it was computed, or the citation (bibkey and where in the paper)
    holds: bool
    note: str = ""  # why it is off, or what to keep in mind
    credited: str = ""  # where a reported figure comes from when it is not the chapter's paper

    @property
    def basis_text(self) -> str:
        """Whose figure the actual value is: "" (computed), "paper", or the credited source."""
        return "" if self.basis == COMPUTED else (self.credited or "paper")

    @property
    def verdict(self) -> str:
        if self.holds:
            return f"holds ({self.basis_text})" if self.basis_text else "holds"
        off = self.actual_value - self.stated_value
        if self.stated_value and self.actual_value:
            return f"off: {self.actual} ({off / self.stated_value:+.0%})"
        return f"off: {self.actual}"


_SUFFIX = {"": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}


def parse_figure(text: str) -> tuple[float, float]:
    """A figure as the notes write it -> (value, resolution): "35k" -> (35000, 1000), "1,728" -> (1728, 1).

    The resolution is the unit of the last significant stated digit ("800K" -> 100K, "150K" -> 10K,
    "3.2M" -> 0.1M): a claim holds when the computed value rounds to the stated one at that resolution.
    """
    match = re.fullmatch(r"\s*([0-9][0-9,]*)(?:\.([0-9]+))?\s*([kKMG]?)\s*", text)
    if not match:
        raise ValueError(f"parse_figure: cannot read {text!r} as a figure like '35k', '3.2M' or '1,728'")
    whole, frac, suffix = match.groups()
    scale = _SUFFIX[suffix]
    digits = len(frac or "")
    integer = whole.replace(",", "")
    value = (int(integer) + (int(frac) / 10**digits if frac else 0)) * scale
    if frac or int(integer) == 0:
        return value, scale / 10**digits
    trailing_zeros = len(integer) - len(integer.rstrip("0"))
    return value, scale * 10**trailing_zeros


def for_chapter(chapter: str) -> tuple[Claim, ...]:
    """The claims one chapter shows."""
    if chapter not in CHAPTERS:
        raise KeyError(f"claims: unknown chapter {chapter!r}; chapters: {', '.join(CHAPTERS)}")
    return tuple(importlib.import_module(f"{__name__}.{chapter}").claims())


def check_all() -> tuple[Claim, ...]:
    """Every claim of the notes, chapter by chapter."""
    return tuple(claim for chapter in CHAPTERS for claim in for_chapter(chapter))
