"""Exercises: every chapter's mix of kinds, computed answers, tasks checked by building, the page's card."""

from __future__ import annotations

import pytest
from torch import nn

from cnnviz.interact import exercises
from cnnviz.interact.exercises.page import card_html


@pytest.mark.parametrize("chapter", exercises.chapters())
def test_every_chapter_has_computed_reasoning_and_a_task(chapter):
    chapter_exercises = exercises.for_chapter(chapter)
    kinds = [e.kind for e in chapter_exercises]
    assert kinds.count(exercises.COMPUTED) >= 2
    assert kinds.count(exercises.REASONING) >= 2
    assert kinds.count(exercises.TASK) >= 1
    assert any(e.variants for e in chapter_exercises), "an assignment needs a question whose answer is not on the page"
    for exercise in chapter_exercises:
        assert exercise.id.startswith(f"{chapter}.") and exercise.hint, exercise.id
        if exercise.kind == exercises.COMPUTED:
            for variant in range(len(exercise.variants) + 1):
                assert isinstance(exercise.expected(variant), int | float | str)
            assert exercises.check(exercise.id, exercise.expected()).correct
        elif exercise.kind == exercises.TASK:
            from cnnviz.interact.exercises import reference_builder

            assert exercises.check(exercise.id, reference_builder(exercise)).correct
        html = card_html(exercise)
        assert "<details" in html and "Answer</summary>" in html


def test_variants_ask_other_numbers():
    for chapter in exercises.chapters():
        for exercise in exercises.for_chapter(chapter):
            values = {repr(exercise.expected(v)) for v in range(len(exercise.variants) + 1)} if exercise.variants else set()
            assert not exercise.variants or len(values) > 1, exercise.id


def test_wrong_answer_says_which_way_and_hints(monkeypatch):
    fake = exercises.Exercise("demo.x", "What is 6 x 7?", answer=lambda: 42, hint="multiply")
    monkeypatch.setattr(exercises, "get", lambda _id: fake)
    assert exercises.check("demo.x", 42).correct
    wrong = exercises.check("demo.x", 50)
    assert not wrong.correct and "too large" in wrong.message and "Hint: multiply" in wrong.message
    assert exercises.check("demo.x", 41).verdict == "wrong"  # two figures typed, both meant: not close
    assert "no answer yet" in exercises.check("demo.x", ...).message
    assert ">Right</strong>" in exercises.check("demo.x", 42)._repr_html_()
    assert ">Wrong</strong>" in wrong._repr_html_()


def test_a_working_is_optional_and_shown_under_the_answer_and_after_a_right_check(monkeypatch):
    from cnnviz.interact.exercises.page import answer_html

    bare = exercises.Exercise("demo.x", "What is 6 x 7?", answer=lambda: 42, hint="multiply")
    assert bare.worked() == "" and "Working" not in answer_html(bare)
    worked = exercises.Exercise("demo.y", "What is {a} x 7?", answer=lambda a: a * 7, hint="multiply",
                                params={"a": 6}, variants=({"a": 5},),
                                working=lambda a: f"{a} · 7 = **{a * 7}**")  # fmt: skip
    assert worked.worked() == "6 · 7 = **42**" and worked.worked(1) == "5 · 7 = **35**"
    html = answer_html(worked)
    assert html.startswith("<p><strong>42</strong></p>") and "<em>Working:</em>" in html and "6 · 7 = <strong>42" in html
    monkeypatch.setattr(exercises, "get", lambda _id: worked)
    right, wrong = exercises.check("demo.y", 42), exercises.check("demo.y", 41)
    assert right.working == "6 · 7 = **42**" and "Working:" in right._repr_html_() and "6 · 7" in right._repr_markdown_()
    assert wrong.working == "" and "Working" not in wrong._repr_html_()  # the working follows a right answer
    with pytest.raises(ValueError, match="only a computed exercise has a working"):
        exercises.Exercise("demo.z", "Why?", kind=exercises.REASONING, solution="Because.", working=lambda: "x")


def test_a_task_is_checked_by_building_the_students_network():
    task = exercises.get("vgg.cifar_vgg16")
    from cnnviz.models.vgg import make_features

    right = exercises.check(task.id, lambda: nn.Sequential(make_features("D", 3), nn.Flatten(), nn.Linear(512, 10)))
    assert right.correct
    wrong = exercises.check(task.id, lambda: nn.Sequential(make_features("D", 3), nn.Flatten(), nn.Linear(512, 100)))
    assert not wrong.correct and "output shape" in wrong.message
    broken = exercises.check(task.id, lambda: nn.Sequential(make_features("D", 3), nn.Linear(512, 10)))
    assert not broken.correct and "failed" in broken.message
    assert "build function itself" in exercises.check(task.id, nn.Linear(1, 1)).message


def test_reasoning_is_not_machine_checked():
    feedback = exercises.check("vgg.why_3x3", "because")
    assert not feedback.correct and "model answer" in feedback.message


def test_the_card_hides_its_answer_box_until_the_site_wires_it():
    html = card_html(exercises.get("alexnet.pool5_size"))
    assert 'class="cnnviz-answer-box" hidden style="display:none" data-expected="7"' in html
    assert "<details class=\"cnnviz-exercise-answer\"><summary>Answer</summary><p><strong>7</strong>" in html
    assert "cnnviz-answer-box" not in card_html(exercises.get("alexnet.why_groups"))


def test_bad_exercises_and_unknown_ids():
    with pytest.raises(KeyError, match="no exercises for chapter 'lenet'"):
        exercises.for_chapter("lenet")
    with pytest.raises(KeyError, match="unknown exercise 'vgg.nope'"):
        exercises.get("vgg.nope")
    with pytest.raises(ValueError, match="kind must be one of"):
        exercises.Exercise("demo.y", "?", kind="essay", answer=lambda: 1)
    with pytest.raises(ValueError, match="variant must be 0"):
        exercises.get("vgg.rf_layer").text(9)
