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
    check("alexnet.conv2_weights", 307_200)  # -> "Right: ...", "Close: ..." or "Wrong: ..." with a hint
    check("alexnet.conv2_weights", "307.2k")  # typed as on the site: read by the same rule as its answer box

How a typed answer is read, and what counts as right and close, is stated once in
:mod:`cnnviz.interact.exercises.feedback`; the site's answer boxes follow the same rule.
"""

from __future__ import annotations

import importlib
import numbers
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from cnnviz.interact.exercises.feedback import (
    ANSWER_UNITS,
    RIGHT,
    UNREAD,
    WRONG,
    Feedback,
    judge,
    read_answer,
    read_number,
    verdict_sentence,
)

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
    # computed: what the answer is in, for the units a student may type after it: '' a plain number (no unit
    # read), 'px' pixels (px, pixel, pixels), 'B' bytes (B, kB, MB, GB, KiB, MiB, GiB, converted)
    unit: str = ""

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
        if self.unit not in ANSWER_UNITS:
            raise ValueError(f"Exercise {self.id!r}: unit must be one of {', '.join(map(repr, ANSWER_UNITS))}, "
                             f"got {self.unit!r}")  # fmt: skip
        if self.unit and self.kind != COMPUTED:
            raise ValueError(f"Exercise {self.id!r}: only a computed exercise has a unit, got {self.unit!r}")
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


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_task(exercise: Exercise, build: object) -> Feedback:
    from torch import nn

    if not callable(build) or isinstance(build, nn.Module):
        return Feedback(exercise.id, False, f"Not read: pass your build function itself (check({exercise.id!r}, "
                        "build)), not what it returns.", verdict=UNREAD)  # fmt: skip
    try:
        got = measure(build, exercise.input_size)
    except Exception as error:  # the student's network: say what went wrong in their terms
        return Feedback(exercise.id, False, f"Wrong: building or running your network on a "
                        f"{'×'.join(map(str, exercise.input_size))} input failed: {type(error).__name__}: {error}")  # fmt: skip
    want = exercise.expected()
    wrong = [f"{key} is {got[key]!r}, expected {want[key]!r}" for key in want if got[key] != want[key]]
    if not wrong:
        return Feedback(exercise.id, True, f"Right: {got['parameters']:,} parameters, output {got['output shape']}.")
    message = "Wrong: " + "; ".join(wrong) + "."
    if exercise.hint:
        message += f" Hint: {exercise.hint}"
    return Feedback(exercise.id, False, message)


def check(exercise_id: str, answer: object) -> Feedback:
    """Compare the student's ``answer`` with what cnnviz computes; say whether it is right, close or wrong.

    A computed answer may be a number (``51200``, ``4.254925e8``) or a string typed as on the book's site
    (``"51,200"``, ``"51.2k"``, ``"1.2e6"``, ``"116 px"``): both are read by the rule of
    :mod:`cnnviz.interact.exercises.feedback`, the one the site's answer boxes follow. *Right*: the computed
    value exactly (within the exercise's tolerance, where it has one). *Close*: the computed value rounded to
    the significant figures given (two or more; every digit typed counts, leading zeros aside). *Wrong*:
    otherwise, with which way it is off and the hint. A form that could be read two ways (``"51.200"``,
    ``"1,16"``) or a unit the exercise is not in is not read: the feedback says what to type.

    For a task, ``answer`` is the student's ``build`` function. A reasoning question is not checked by
    machine: the feedback points to the model answer.
    """
    exercise = get(exercise_id)
    if answer is None or answer is ...:
        return Feedback(exercise_id, False, "Not read: no answer yet; replace the ... with your answer and run "
                        "the cell again.", verdict=UNREAD)  # fmt: skip
    if exercise.kind == REASONING:
        return Feedback(exercise_id, False, "Not read: a reasoning question is not checked by machine; compare "
                        "your answer with the model answer under the question (click 'Answer').", verdict=UNREAD)  # fmt: skip
    if exercise.kind == TASK:
        return _check_task(exercise, answer)
    expected = exercise.expected()
    if isinstance(expected, str):
        right = str(answer).strip().lower() == expected.strip().lower()
        return Feedback(exercise_id, right, f"Right: {expected}." if right else
                        f"Wrong: {answer!r} is not it." + (f" Hint: {exercise.hint}" if exercise.hint else ""))  # fmt: skip
    whole = _whole(expected)
    if isinstance(answer, str):
        reading = read_answer(answer, exercise.unit, whole)
    elif isinstance(answer, numbers.Real) and not isinstance(answer, bool):
        reading = read_number(answer, exercise.unit, whole)
    else:
        return Feedback(exercise_id, False, f"Not read: {answer!r} is not a number; give a number (51200) or "
                        "text as typed on the site ('51.2k').", verdict=UNREAD)  # fmt: skip
    verdict, detail = judge(reading, expected, exercise.rel_tol, whole)
    if verdict == RIGHT:
        shown = f"{expected:,}" if whole else f"{expected:.6g}"
        return Feedback(exercise_id, True, f"Right: {shown}.", exercise.worked(), verdict=RIGHT)
    message = verdict_sentence(verdict, detail)
    if verdict == WRONG and exercise.hint:
        message += f" Hint: {exercise.hint}"
    return Feedback(exercise_id, False, message, verdict=verdict)
