"""An exercise as it appears on a page: the question, a hint and the answer (both collapsed), and an answer box.

The card is plain HTML, so it reads the same in JupyterLab, Colab and on the book's site. The answer box is
hidden (``hidden`` and ``display:none``: a sanitising front end that drops one still hides it) until the
book's script (``book/_assets/cnnviz-exercises.js``) finds it on the site and wires it: there, a reader
types a number and the page says, in a word and a colour, whether it is right, close or wrong, with no
kernel. In Jupyter the box stays hidden and the exercise's ``check(...)`` cell does the same, with a kernel.
Both read the answer by one rule (:mod:`cnnviz.interact.exercises.feedback`), which the box states under
itself (:func:`answer_rule`).

Why not jupyterquiz: its numeric questions would do, but it injects its whole script (~40 kB) with every
question, draws its own question box in fixed colours (which the site's light/dark themes cannot restyle for
contrast), and has no hint or model-answer block; the box here is a dozen lines of the book's own script.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

from cnnviz.interact.exercises import COMPUTED, REASONING, TASK, Exercise
from cnnviz.interact.exercises.feedback import MIN_CLOSE_FIGURES

KIND_LABEL = {COMPUTED: "compute", REASONING: "reason", TASK: "change the network"}


def markdown_html(text: str) -> str:
    """Markdown (CommonMark, with tables) as HTML; raw HTML in the text is escaped."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text).strip()


def format_value(value: object) -> str:
    """A computed answer as the page shows it: thousands separators for integers, up to 6 significant
    digits for the rest."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.6g}" if abs(value) >= 1e-4 else f"{value:.3g}"


def working_html(working: str) -> str:
    """How a computed answer is reached (Markdown) as HTML, under a "Working:" line; '' for none."""
    if not working.strip():
        return ""
    return f'<div class="cnnviz-exercise-working"><p><em>Working:</em></p>{markdown_html(working)}</div>'


def answer_html(exercise: Exercise) -> str:
    """The revealed answer: the computed value (and how it is reached, where the exercise says), the model
    answer, or the reference network's code."""
    if exercise.kind == COMPUTED:
        value = f"<p><strong>{html.escape(format_value(exercise.expected()))}</strong></p>"
        return value + working_html(exercise.worked())
    if exercise.kind == REASONING:
        return markdown_html(exercise.solution)
    measured = exercise.expected()
    return (
        markdown_html(f"```python\n{exercise.solution.strip()}\n```")
        + f"<p>It has <strong>{measured['parameters']:,}</strong> parameters and maps a "
        f"{'×'.join(map(str, exercise.input_size))} input to an output of shape "
        f"{html.escape(str(measured['output shape']))}.</p>"
    )


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.6g}%"


_FIGURES = {2: "two", 3: "three", 4: "four"}


def answer_rule(exercise: Exercise, whole: bool | None = None) -> str:
    """How the answer box reads and judges an answer, in a sentence or three (plain text), as the page states
    it next to the box. The rule itself is :mod:`cnnviz.interact.exercises.feedback`. ``whole``: whether the
    answer is a whole number (None: computed here)."""
    if whole is None:
        expected = exercise.expected()
        whole = isinstance(expected, int) and not isinstance(expected, bool)
    right = (f"Right: within {_percent(exercise.rel_tol)} of the computed value." if exercise.rel_tol else
             "Right: the exact value.")  # fmt: skip
    figures = _FIGURES.get(MIN_CLOSE_FIGURES, str(MIN_CLOSE_FIGURES))
    close = f"Close: the value rounded to the significant figures you type (at least {figures}; 51.2k has three)."
    forms = "Type 51200, 51,200, 51 200, 51.2k, 1.2M, 1.2e6 or 1.2×10^6; a point marks decimals."
    extra = {"px": " You may add px.", "B": " Units: B, kB, MB, GB, KiB, MiB, GiB."}[exercise.unit] if exercise.unit else ""
    if not whole:
        extra += " 12.5% is read as 0.125."
    return f"{right} {close} {forms}{extra}"


def answer_box(exercise: Exercise) -> str:
    """A kernel-free box for a numeric answer (hidden until the site's script wires it), with the rule it
    judges by; '' for other exercises."""
    if exercise.kind != COMPUTED:
        return ""
    expected = exercise.expected()
    if isinstance(expected, bool) or not isinstance(expected, int | float):
        return ""
    label = f"answer-{exercise.id.replace('.', '-')}"
    whole = isinstance(expected, int)
    return (
        f'<div class="cnnviz-answer-box" hidden style="display:none" data-expected="{html.escape(json.dumps(expected))}" '
        f'data-rel-tol="{exercise.rel_tol!r}" data-unit="{exercise.unit}" data-whole="{str(whole).lower()}">'
        f'<label for="{label}">Your answer</label> '
        f'<input id="{label}" type="text" inputmode="decimal" autocomplete="off" spellcheck="false" '
        f'aria-describedby="{label}-rule"> '
        '<button type="button">Check</button> '
        '<span class="cnnviz-answer-feedback" role="status" aria-live="polite"></span>'
        f'<p class="cnnviz-answer-rule" id="{label}-rule">{html.escape(answer_rule(exercise, whole))}</p></div>'
    )


def card_html(exercise: Exercise) -> str:
    kind = KIND_LABEL[exercise.kind]
    hint = (
        f'<details class="cnnviz-exercise-hint"><summary>Hint</summary>{markdown_html(exercise.hint)}</details>'
        if exercise.hint
        else ""
    )
    return (
        f'<div class="cnnviz-exercise" data-exercise="{html.escape(exercise.id)}" data-kind="{exercise.kind}">'
        f'<p class="cnnviz-exercise-title">Exercise <code>{html.escape(exercise.id)}</code> · {kind}</p>'
        f"{markdown_html(exercise.text())}{answer_box(exercise)}{hint}"
        f'<details class="cnnviz-exercise-answer"><summary>Answer</summary>{answer_html(exercise)}</details>'
        "</div>"
    )


@dataclass(frozen=True)
class Card:
    """What ``show`` returns: displays as the card (HTML) or, where HTML is not shown, as Markdown."""

    exercise: Exercise

    def _repr_html_(self) -> str:
        return card_html(self.exercise)

    def _repr_markdown_(self) -> str:
        parts = [f"**Exercise `{self.exercise.id}`** ({KIND_LABEL[self.exercise.kind]})", self.exercise.text()]
        if self.exercise.hint:
            parts.append(f"*Hint:* {self.exercise.hint}")
        return "\n\n".join(parts)
