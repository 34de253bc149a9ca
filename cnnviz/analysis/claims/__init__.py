"""Every statement of the lecture notes, checked, one module per chapter.

Each :class:`Claim` holds one statement as the notes make it, the figure they give, the figure ``cnnviz``
computes (or, for results and training settings that only the paper can give, the figure the paper reports,
with its citation), and a :class:`Verdict` of three values:

* ``HOLDS``: the evidence agrees with the statement. A computed figure holds when it rounds to the stated
  one at the precision the notes use ("35k" is checked to the nearest thousand, "1,728" exactly);
* ``OFF``: the evidence disagrees; the claim's note says why;
* ``NOT_TESTABLE``: nothing the book can run here tests the statement (a claim about training, checked
  without a trained network), and the claim says in ``would_test`` what would test it, naming the paper's
  own evidence.

Each claim also names the :class:`Bullet` of the notes it checks: one bullet (a line of the notes, or one
of its tables) is often checked as several statements, and a chapter counts bullets, not table rows
(:func:`tally`, :func:`bullet_counts`). A bullet holds when all its statements hold, is off when any is
off, and is otherwise not testable here.

A chapter's claims live in ``cnnviz/analysis/claims/<chapter>.py`` as a function ``claims()`` (built
with the constructors of :mod:`cnnviz.analysis.claims.make`), in the order the chapter shows them, beside
the bullets they check; :data:`CHAPTERS` lists the chapters in the book's order. In a notebook::

    from cnnviz.analysis.claims import bullet_counts, for_chapter
    for_chapter("vgg")      # the claims the VGG chapter shows
    bullet_counts("vgg")    # how many of the notes' bullets about VGG hold, are off, or are not testable

The notes are the lecture notes the book follows (``cnn-architectures-lecture-notes.md``); the papers are
the ones in ``cnnviz/references.bib``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "Claim", "Verdict", "Bullet", "BulletCheck", "BulletTally", "COMPUTED", "PAPER", "CHAPTERS",
    "parse_figure", "for_chapter", "check_all", "tally", "bullet_counts",
]

COMPUTED = "computed"
PAPER = "paper"

# The chapters with claims, in the book's order: each is a module of this package.
CHAPTERS = (
    "alexnet", "zfnet", "vgg", "googlenet", "nin", "resnet", "wide_resnet", "resnext", "stochastic_depth",
    "fractalnet", "densenet", "squeezenet",
)


class Verdict(StrEnum):
    """What the evidence says about a statement. The values are the words a table prints."""

    HOLDS = "holds"
    OFF = "off"
    NOT_TESTABLE = "not testable here"

    @classmethod
    def of(cls, holds: bool) -> Verdict:
        """HOLDS or OFF, from a check that could be made."""
        return cls.HOLDS if holds else cls.OFF


@dataclass(frozen=True)
class Bullet:
    """One bullet of the lecture notes: a line, or one of its tables, as the notes write it."""

    key: str  # stable key, "<chapter>.<name>": "stochastic_depth.vanishing_grads"
    text: str  # the bullet as the notes write it; " … " joins the first and last line of a span (a table)

    def __post_init__(self) -> None:
        if not self.key or not self.text.strip():
            raise ValueError(f"Bullet({self.key!r}, {self.text!r}): a bullet needs a key and its text in the notes")


@dataclass(frozen=True)
class Claim:
    id: str  # stable key, "vgg16.total_params"
    chapter: str  # the chapter that shows it: "alexnet", "zfnet", "vgg", "googlenet", "resnet", ...
    statement: str  # what the notes say, in their words
    stated: str  # the figure as the notes write it: "35k", "16.4%" ("—" where they give none)
    stated_value: float  # that figure as a number
    actual_value: float  # what cnnviz computes, or what the paper reports
    actual: str  # the actual figure, formatted for reading
    basis: str  # COMPUTED or PAPER
    source: str  # how it was computed, or the citation (bibkey and where in the paper)
    verdict: Verdict
    note: str = ""  # why it is off, or what to keep in mind
    credited: str = ""  # where a reported figure comes from when it is not the chapter's paper
    would_test: str = ""  # NOT_TESTABLE only, and required there: what would test the statement
    bullet: Bullet | None = None  # the bullet of the notes it checks; None for a figure the notes do not state
    # True exactly when the verdict is HOLDS: derived, never passed, and a field so that a serialised claim
    # (``cnnviz claims --format json``) carries it.
    holds: bool = field(init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.verdict, Verdict):
            raise ValueError(
                f"claim {self.id!r}: verdict must be a Verdict (HOLDS, OFF or NOT_TESTABLE), got {self.verdict!r}"
            )
        if self.verdict is Verdict.NOT_TESTABLE and not self.would_test.strip():
            raise ValueError(
                f"claim {self.id!r}: a NOT_TESTABLE verdict needs would_test, what would test the statement "
                "(e.g. the training runs, and the paper's own evidence)"
            )
        if self.verdict is not Verdict.NOT_TESTABLE and self.would_test:
            raise ValueError(
                f"claim {self.id!r}: would_test is only for a NOT_TESTABLE verdict; its verdict is {self.verdict.name}"
            )
        if self.bullet is not None and not isinstance(self.bullet, Bullet):
            raise ValueError(f"claim {self.id!r}: bullet must be a Bullet or None, got {self.bullet!r}")
        object.__setattr__(self, "holds", self.verdict is Verdict.HOLDS)

    @property
    def basis_text(self) -> str:
        """Whose figure the actual value is: "" (computed), "paper", or the credited source."""
        return "" if self.basis == COMPUTED else (self.credited or "paper")

    @property
    def verdict_text(self) -> str:
        """The verdict in words: "holds (paper)", "off: 33.7M (-13%)", "not testable here: <what would>"."""
        if self.verdict is Verdict.HOLDS:
            return f"holds ({self.basis_text})" if self.basis_text else "holds"
        if self.verdict is Verdict.NOT_TESTABLE:
            return f"not testable here: {self.would_test}"
        off = self.actual_value - self.stated_value
        # a relative error only where the notes state a number ("35k", "12×"), never for a qualitative claim
        if self.stated_value and self.actual_value and any(ch.isdigit() for ch in self.stated):
            return f"off: {self.actual} ({off / self.stated_value:+.0%})"
        return f"off: {self.actual}"


@dataclass(frozen=True)
class BulletCheck:
    """One bullet of the notes and the statements that check it."""

    bullet: Bullet
    claims: tuple[Claim, ...]

    @property
    def verdict(self) -> Verdict:
        """OFF if any statement is off; else NOT_TESTABLE if any is not testable here; else HOLDS."""
        verdicts = {c.verdict for c in self.claims}
        for verdict in (Verdict.OFF, Verdict.NOT_TESTABLE):
            if verdict in verdicts:
                return verdict
        return Verdict.HOLDS


@dataclass(frozen=True)
class BulletTally:
    """The claims of a chapter (or any claims) counted by the notes' bullets, in the order they first appear."""

    checks: tuple[BulletCheck, ...]
    beyond_notes: tuple[Claim, ...] = ()  # statements that check no bullet (a paper's figure the notes omit)

    def count(self, verdict: Verdict) -> int:
        """How many bullets have ``verdict``."""
        return sum(1 for check in self.checks if check.verdict is verdict)

    @property
    def bullets(self) -> int:
        return len(self.checks)

    @property
    def statements(self) -> int:
        """How many statements check the bullets (the rows of their table)."""
        return sum(len(check.claims) for check in self.checks)

    @property
    def holds(self) -> int:
        return self.count(Verdict.HOLDS)

    @property
    def off(self) -> int:
        return self.count(Verdict.OFF)

    @property
    def not_testable(self) -> int:
        return self.count(Verdict.NOT_TESTABLE)

    def rows(self, key: str) -> tuple[Claim, ...]:
        """The statements that check the bullet ``key``."""
        for check in self.checks:
            if check.bullet.key == key:
                return check.claims
        raise KeyError(f"tally: no bullet {key!r}; bullets: {', '.join(c.bullet.key for c in self.checks)}")


def tally(claims: Iterable[Claim]) -> BulletTally:
    """Count ``claims`` by bullet: each bullet once, however many statements check it."""
    grouped: dict[str, list[Claim]] = {}
    bullets: dict[str, Bullet] = {}
    beyond = []
    for claim in claims:
        if claim.bullet is None:
            beyond.append(claim)
            continue
        key = claim.bullet.key
        if key in bullets and bullets[key] != claim.bullet:
            raise ValueError(
                f"tally: bullet {key!r} has two texts, {bullets[key].text!r} and {claim.bullet.text!r} "
                f"(claim {claim.id!r})"
            )
        bullets.setdefault(key, claim.bullet)
        grouped.setdefault(key, []).append(claim)
    checks = tuple(BulletCheck(bullets[key], tuple(group)) for key, group in grouped.items())
    return BulletTally(checks, tuple(beyond))


def bullet_counts(chapter: str) -> BulletTally:
    """A chapter's claims counted by the notes' bullets."""
    return tally(for_chapter(chapter))


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
