"""The rule that reads and judges a typed answer (cnnviz.interact.exercises.feedback), on the shared cases the
site's script is held to as well (tests/browser/test_answer_rule.py), and through ``check`` on every
computed exercise."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from cnnviz.interact import exercises
from cnnviz.interact.exercises.feedback import BADGE_COLOURS, VERDICTS, judge, read_answer, read_number
from cnnviz.interact.exercises.page import answer_box, answer_rule
from tests.interact.answer_cases import JUDGED, READ, REFUSED

CSS = Path(__file__).resolve().parents[2] / "book" / "_assets" / "cnnviz.css"


@pytest.mark.parametrize(("typed", "unit", "whole", "value"), READ)
def test_forms_students_write_are_read(typed, unit, whole, value):
    reading = read_answer(typed, unit, whole)
    assert reading.refusal == "" and reading.value == pytest.approx(value, rel=1e-15), reading


@pytest.mark.parametrize(("typed", "unit", "whole", "what_to_type"), REFUSED)
def test_ambiguous_or_unknown_forms_are_refused_with_what_to_type(typed, unit, whole, what_to_type):
    reading = read_answer(typed, unit, whole)
    assert reading.value is None and what_to_type in reading.refusal, reading


@pytest.mark.parametrize(("typed", "expected", "rel_tol", "whole", "verdict"), JUDGED)
def test_right_close_and_wrong(typed, expected, rel_tol, whole, verdict):
    assert judge(read_answer(typed, "", whole), expected, rel_tol, whole)[0] == verdict


def test_significant_figures_are_the_digits_typed_less_leading_zeros():
    figures = {t: read_answer(t).figures for t in ("51200", "51.2k", "5.12e4", "0.0045", "445.6M", "0.50")}
    assert figures == {"51200": 5, "51.2k": 3, "5.12e4": 3, "0.0045": 2, "445.6M": 4, "0.50": 2}
    assert read_answer("51.2k").half_unit == 50 and read_answer("0.0045").half_unit == pytest.approx(5e-5)


def test_a_python_number_is_read_like_its_shortest_decimal():
    assert read_number(4.254925e8).figures == read_answer("4.254925e8").figures == 7
    assert read_number(51200).figures == 5 and read_number(51200).text == "51,200"
    assert read_number(float("nan")).refusal and read_number(0.5).value == 0.5
    with pytest.raises(TypeError, match="value must be an int or a float, got bool"):
        read_number(True)
    with pytest.raises(ValueError, match="unit must be one of"):
        read_answer("1", unit="m")


def _computed():
    return [e for c in exercises.chapters() for e in exercises.for_chapter(c) if e.kind == exercises.COMPUTED]


@pytest.mark.parametrize("exercise", _computed(), ids=lambda e: e.id)
def test_every_computed_answer_is_right_as_typed_and_close_when_rounded(exercise, monkeypatch):
    value = exercise.expected()  # computed once: check() is given the exercise with this value
    if not isinstance(value, int | float):
        pytest.skip(f"{exercise.id}: the answer is {type(value).__name__}, not a number")
    frozen = dataclasses.replace(exercise, answer=lambda **_: value, working=None)
    monkeypatch.setattr(exercises, "get", lambda _id: frozen)
    forms = [value, str(value), f"{value:,}", f"{value:,}".replace(",", " ")] if isinstance(value, int) else \
        [value, repr(value), f"{value:.6g}"]  # fmt: skip
    for form in forms:
        feedback = exercises.check(exercise.id, form)
        assert feedback.correct and feedback.verdict == "right" and feedback.message.startswith("Right"), form
    rounded = f"{float(f'{value:.3g}'):.2e}".replace("e+0", "e")  # three figures, e.g. 4.46e8
    if isinstance(value, int) and float(rounded) != value:  # close, not right
        feedback = exercises.check(exercise.id, rounded)
        assert feedback.verdict == "close" and "whole number" in feedback.message, (rounded, feedback)
    wrong = exercises.check(exercise.id, value * 3 + 1)
    assert wrong.verdict == "wrong" and "too large" in wrong.message and "Hint:" in wrong.message


def test_check_refuses_with_what_to_type_and_says_it_in_words_and_colour(monkeypatch):
    fake = exercises.Exercise("demo.x", "How many?", answer=lambda: 51_200, hint="count")
    monkeypatch.setattr(exercises, "get", lambda _id: fake)
    refused = exercises.check("demo.x", "51.200")
    assert (
        refused.verdict == "unread"
        and refused.message.startswith("Not read:")
        and "type 51200" in refused.message
    )
    assert "Hint" not in refused.message  # not wrong: not read
    assert exercises.check("demo.x", "1,16").verdict == "unread"
    assert exercises.check("demo.x", [51200]).verdict == "unread"
    for answer, verdict in (("51.2k", "right"), ("51.3k", "wrong"), ("51 199", "wrong")):
        feedback = exercises.check("demo.x", answer)
        html = feedback._repr_html_()
        assert feedback.verdict == verdict and f">{VERDICTS[verdict]}</strong>" in html
        assert f"background:{BADGE_COLOURS[verdict]};color:#ffffff" in html
        assert feedback._repr_markdown_().startswith(f"**{VERDICTS[verdict]}.**")


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_verdict_badges_have_aa_contrast_and_the_site_uses_the_same_colours():
    css = CSS.read_text()
    for verdict, colour in BADGE_COLOURS.items():
        assert 1.05 / (_luminance(colour) + 0.05) >= 4.5, (verdict, colour)  # white text on the badge
        rule = re.search(rf"\.cnnviz-verdict-{verdict} \{{ background-color: (#[0-9a-f]{{6}}); \}}", css)
        assert rule and rule.group(1) == colour, verdict
    assert re.search(r"\.cnnviz-verdict \{ color: #ffffff", css)


def test_the_box_states_its_rule_and_carries_what_the_script_needs():
    exact = exercises.Exercise("demo.x", "How many?", answer=lambda: 51_200, hint="count", unit="px")
    tolerant = exercises.Exercise("demo.y", "How likely?", answer=lambda: 0.4437, hint="p", rel_tol=0.001)
    exact_rule, tolerant_rule = answer_rule(exact), answer_rule(tolerant)
    assert "Right: the exact value." in exact_rule and "px" in exact_rule and "%" not in exact_rule
    assert "significant figures you type (at least two" in exact_rule
    assert "within 0.1% of the computed value" in tolerant_rule and "12.5% is read as" in tolerant_rule
    box = answer_box(exact)
    assert 'data-unit="px" data-whole="true"' in box and 'class="cnnviz-answer-rule"' in box
    assert 'data-unit="" data-whole="false"' in answer_box(tolerant)
    with pytest.raises(ValueError, match="unit must be one of"):
        exercises.Exercise("demo.z", "?", answer=lambda: 1, unit="apples")
    with pytest.raises(ValueError, match="only a computed exercise has a unit"):
        exercises.Exercise("demo.z", "Why?", kind=exercises.REASONING, solution="Because.", unit="px")
