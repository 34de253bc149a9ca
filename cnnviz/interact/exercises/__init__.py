"""Exercises: computed questions, reasoning and design questions, and "change the network" tasks.

Each chapter's exercises live in ``cnnviz/interact/exercises/<chapter>.py`` as a list ``EXERCISES`` of
:class:`Exercise` records; adding a chapter's exercises is adding that one module (and, for an instructor's
rubrics, one file in the repository's ``instructors/rubrics/``). Three kinds:

- ``computed``: a number the reader works out. The question is a template over ``params`` (the values the
  book asks about); ``answer(**params)`` computes it with ``cnnviz``, never a typed number. ``variants`` are
  other values of the same parameters: ``cnnviz assignment`` asks those, so a graded answer is not the one
  the book's page reveals.
- ``reasoning``: an argument or a design choice. ``solution`` is the model answer the page reveals; the
  rubric an instructor grades with is kept out of the package (see :mod:`cnnviz.interact.assignment`).
- ``task``: change the network. The reader writes ``build() -> nn.Module``; ``check`` builds it (on the meta
  device: no weights drawn) and compares what :func:`measure` measures with the same measurements of the
  reference solution, whose source is ``solution``.

In a notebook::

    from cnnviz.interact.exercises import check, show
    show("alexnet.conv2_weights")            # the question, a hint and (collapsed) the answer
    check("alexnet.conv2_weights", 307_200)  # -> "Right: ..." or "Not quite: ..." with a hint
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from cnnviz.interact.exercises.feedback import Feedback

__all__ = ["COMPUTED", "KINDS", "REASONING", "TASK", "Exercise", "Feedback", "chapters", "check", "for_chapter",
           "get", "measure", "show"]  # fmt: skip

COMPUTED, REASONING, TASK = "computed", "reasoning", "task"
KINDS = (COMPUTED, REASONING, TASK)
# Minutes a student needs, by kind: what the instructors' page adds up (a rule of thumb, stated there).
MINUTES = MappingProxyType({COMPUTED: 5, REASONING: 10, TASK: 20})
# Where an exercise fits best: quick computations in class, arguments and tasks at home (overridable).
SETTING = MappingProxyType({COMPUTED: "class", REASONING: "class", TASK: "homework"})

Number = int | float


@dataclass(frozen=True)
class Exercise:
    id: str  # "<chapter>.<name>"
    question: str  # Markdown; ``{name}`` fields are filled from ``params``
    kind: str = COMPUTED
    answer: Callable[..., Number | str] | None = None  # computed: called with **params
    hint: str = ""
    rel_tol: float = 0.0  # computed: accepted relative error (0: exact)
    params: Mapping[str, Any] = field(default_factory=dict)  # the values the book's page asks about
    variants: tuple[Mapping[str, Any], ...] = ()  # computed: other values, asked by assignments
    solution: str = ""  # reasoning: the model answer (Markdown); task: Python source defining build()
    input_size: tuple[int, int, int] | None = None  # task: the input the built network is measured on
    setting: str = ""  # "class" or "homework"; empty: by kind
    # computed: how the answer is reached (Markdown), a function of the same params as ``answer`` that
    # derives it step by step from cnnviz (never typed); shown under the revealed answer and after a right check
    working: Callable[..., str] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Exercise {self.id!r}: kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.kind == COMPUTED and self.answer is None:
            raise ValueError(f"Exercise {self.id!r}: a computed exercise needs an answer function")
        if self.kind in (REASONING, TASK) and not self.solution:
            raise ValueError(f"Exercise {self.id!r}: a {self.kind} exercise needs a solution")
        if self.working is not None and self.kind != COMPUTED:
            raise ValueError(f"Exercise {self.id!r}: only a computed exercise has a working; a {self.kind} "
                             "exercise shows its solution")  # fmt: skip
        if self.kind == TASK and self.input_size is None:
            raise ValueError(f"Exercise {self.id!r}: a task needs the input_size its network is measured on")

    @property
    def chapter(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.id.split(".", 1)[1]

    @property
    def minutes(self) -> int:
        return MINUTES[self.kind]

    @property
    def where(self) -> str:
        return self.setting or SETTING[self.kind]

    def _params(self, variant: int) -> Mapping[str, Any]:
        if variant == 0:
            return self.params
        if not 1 <= variant <= len(self.variants):
            raise ValueError(
                f"Exercise {self.id!r}: variant must be 0 (the book's) .. {len(self.variants)}, got {variant!r}"
            )
        return self.variants[variant - 1]

    def text(self, variant: int = 0) -> str:
        """The question as asked: the template filled with the book's values (0) or a variant's."""
        return self.question.format(**self._params(variant))

    def worked(self, variant: int = 0) -> str:
        """How the answer of the book's values (0) or a variant's is reached (Markdown); '' without a working."""
        if self.working is None:
            return ""
        return self.working(**self._params(variant)).strip()

    def expected(self, variant: int = 0) -> Number | str | dict[str, object]:
        """The right answer: computed by cnnviz (computed), or the reference network's measurements (task)."""
        if self.kind == COMPUTED:
            return self.answer(**self._params(variant))
        if self.kind == TASK:
            return measure(reference_builder(self), self.input_size)
        raise ValueError(f"Exercise {self.id!r}: a reasoning exercise has a model answer, not a value")


def reference_builder(exercise: Exercise) -> Callable[[], Any]:
    """The ``build`` function defined by a task's solution source (run, so the shown source is what counts)."""
    namespace: dict[str, Any] = {}
    exec(compile(exercise.solution, f"<solution of {exercise.id}>", "exec"), namespace)  # noqa: S102 - our own source
    return namespace["build"]


def measure(build: Callable[[], Any], input_size: tuple[int, int, int]) -> dict[str, object]:
    """What a task checks of a network: its parameter count and the shape of its output for one image.

    The network is built on the meta device (no weights drawn, no memory for them) and run on a meta
    tensor, so even a VGG-sized answer is measured in milliseconds.
    """
    import torch
    from torch import nn

    with torch.device("meta"):
        net = build() if callable(build) and not isinstance(build, nn.Module) else build
    if not isinstance(net, nn.Module):
        raise TypeError(f"measure: build() must return an nn.Module, got {type(net).__name__}")
    params = sum(p.numel() for p in net.parameters())
    was_training = net.training
    net.eval()
    try:
        with torch.no_grad():
            out = net(torch.empty(1, *input_size, device="meta"))
    finally:
        net.train(was_training)
    if isinstance(out, tuple | list):  # e.g. (logits, aux...): the first output is the prediction
        out = out[0]
    return {"parameters": params, "output shape": tuple(out.shape)}


_SUPPORT = frozenset({"feedback", "page", "zoo"})  # modules of this package that are not chapters


def chapters() -> list[str]:
    """The chapters that have exercises (one module each)."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name not in _SUPPORT)


def for_chapter(chapter: str) -> tuple[Exercise, ...]:
    """The exercises of one chapter, in the order the chapter asks them."""
    if chapter not in chapters():
        raise KeyError(f"exercises: no exercises for chapter {chapter!r}; chapters: {', '.join(chapters())}")
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
    """The exercise as a card: question, hint, the answer collapsed, and on the book's site an answer box."""
    from cnnviz.interact.exercises.page import Card

    return Card(get(exercise_id))


def _matches(given: object, expected: Number | str, rel_tol: float) -> bool:
    if isinstance(expected, str):
        return str(given).strip().lower() == expected.strip().lower()
    if isinstance(given, bool) or not isinstance(given, int | float):
        return False
    if rel_tol == 0:
        return given == expected
    return math.isclose(given, expected, rel_tol=rel_tol)


def _check_task(exercise: Exercise, build: object) -> Feedback:
    from torch import nn

    if not callable(build) or isinstance(build, nn.Module):
        return Feedback(exercise.id, False, f"Not quite: pass your build function itself (check({exercise.id!r}, "
                        "build)), not what it returns.")  # fmt: skip
    try:
        got = measure(build, exercise.input_size)
    except Exception as error:  # the student's network: say what went wrong in their terms
        return Feedback(exercise.id, False, f"Not quite: building or running your network on a "
                        f"{'×'.join(map(str, exercise.input_size))} input failed: {type(error).__name__}: {error}")  # fmt: skip
    want = exercise.expected()
    wrong = [f"{key} is {got[key]!r}, expected {want[key]!r}" for key in want if got[key] != want[key]]
    if not wrong:
        return Feedback(exercise.id, True, f"Right: {got['parameters']:,} parameters, output {got['output shape']}.")
    message = "Not quite: " + "; ".join(wrong) + "."
    if exercise.hint:
        message += f" Hint: {exercise.hint}"
    return Feedback(exercise.id, False, message)


def check(exercise_id: str, answer: object) -> Feedback:
    """Compare the student's ``answer`` with what cnnviz computes; say what is wrong if it is.

    For a task, ``answer`` is the student's ``build`` function. A reasoning question is not checked by
    machine: the feedback points to the model answer.
    """
    exercise = get(exercise_id)
    if answer is None or answer is ...:
        return Feedback(exercise_id, False, "No answer yet: replace the ... with your answer and run the cell again.")
    if exercise.kind == REASONING:
        return Feedback(exercise_id, False, "A reasoning question is not checked by machine: compare your answer "
                        "with the model answer under the question (click 'Answer').")  # fmt: skip
    if exercise.kind == TASK:
        return _check_task(exercise, answer)
    expected = exercise.expected()
    if _matches(answer, expected, exercise.rel_tol):
        shown = f"{expected:,}" if isinstance(expected, int) else str(expected)
        return Feedback(exercise_id, True, f"Right: {shown}.", exercise.worked())
    message = f"Not quite: {answer!r} is not it."
    if isinstance(expected, int | float) and isinstance(answer, int | float) and not isinstance(answer, bool):
        if expected and math.isclose(answer, expected, rel_tol=0.05):
            message = f"Close: {answer:,} is within 5% but not exact."
        elif expected and answer:
            message += " It is " + ("too large." if answer > expected else "too small.")
    if exercise.hint:
        message += f" Hint: {exercise.hint}"
    return Feedback(exercise_id, False, message)
