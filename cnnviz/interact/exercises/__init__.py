"""Exercises with self-check cells: the student computes a figure, ``check`` says whether it is right.

Each chapter's exercises live in ``cnnviz/interact/exercises/<chapter>.py`` as :class:`Exercise` records
whose answers are computed by ``cnnviz`` when checked (never typed), so an answer can never disagree with
the chapter's tables. In a notebook::

    from cnnviz.interact.exercises import check, show
    show("alexnet.conv2_weights")          # the question
    check("alexnet.conv2_weights", 307_200)  # -> "Right: ..." or "Not quite: ..." with a hint
"""

from __future__ import annotations

import html
import importlib
import math
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    id: str  # "<chapter>.<name>"
    question: str  # Markdown
    answer: Callable[[], float | int | str]  # computed by cnnviz when checked
    hint: str = ""
    rel_tol: float = 0.0  # accepted relative error (0: exact)

    @property
    def chapter(self) -> str:
        return self.id.split(".", 1)[0]


@dataclass(frozen=True)
class Feedback:
    exercise: str
    correct: bool
    message: str

    def __str__(self) -> str:
        return self.message

    def _repr_markdown_(self) -> str:
        return ("✅ " if self.correct else "❌ ") + self.message

    def _repr_html_(self) -> str:
        colour = "#009E73" if self.correct else "#D55E00"  # Okabe–Ito green / vermillion
        mark = "✅" if self.correct else "❌"
        return f'<p style="border-left:4px solid {colour};padding-left:0.6em">{mark} {html.escape(self.message)}</p>'


def _chapter_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__))


def for_chapter(chapter: str) -> tuple[Exercise, ...]:
    """The exercises of one chapter, in the order the chapter asks them."""
    if chapter not in _chapter_modules():
        raise KeyError(f"exercises: no exercises for chapter {chapter!r}; chapters: {', '.join(_chapter_modules())}")
    module = importlib.import_module(f"{__name__}.{chapter}")
    return tuple(module.EXERCISES)


def get(exercise_id: str) -> Exercise:
    chapter = exercise_id.split(".", 1)[0]
    exercises = {e.id: e for e in for_chapter(chapter)}
    try:
        return exercises[exercise_id]
    except KeyError:
        raise KeyError(
            f"exercises: unknown exercise {exercise_id!r}; {chapter} has: {', '.join(exercises)}"
        ) from None


def show(exercise_id: str):
    """The question, for display in a notebook."""
    from IPython.display import Markdown

    return Markdown(get(exercise_id).question)


def _matches(given: object, expected: float | int | str, rel_tol: float) -> bool:
    if isinstance(expected, str):
        return str(given).strip().lower() == expected.strip().lower()
    if isinstance(given, bool) or not isinstance(given, int | float):
        return False
    if rel_tol == 0:
        return given == expected
    return math.isclose(given, expected, rel_tol=rel_tol)


def check(exercise_id: str, answer: object) -> Feedback:
    """Compare the student's ``answer`` with the figure cnnviz computes; say what is wrong if it is."""
    exercise = get(exercise_id)
    if answer is None or answer is ...:
        return Feedback(exercise_id, False, "No answer yet: replace the ... with your answer and run the cell again.")
    expected = exercise.answer()
    if _matches(answer, expected, exercise.rel_tol):
        shown = f"{expected:,}" if isinstance(expected, int) else str(expected)
        return Feedback(exercise_id, True, f"Right: {shown}.")
    message = f"Not quite: {answer!r} is not it."
    if isinstance(expected, int | float) and isinstance(answer, int | float) and not isinstance(answer, bool):
        if expected and math.isclose(answer, expected, rel_tol=0.05):
            message = f"Close: {answer:,} is within 5% but not exact."
        elif expected and answer:
            message += " It is " + ("too large." if answer > expected else "too small.")
    if exercise.hint:
        message += f" Hint: {exercise.hint}"
    return Feedback(exercise_id, False, message)
