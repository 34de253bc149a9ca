"""The self-check mechanism: right, close, wrong, missing answers and unknown exercises."""

from __future__ import annotations

import pytest

from cnnviz.interact import exercises


def test_every_chapter_module_defines_exercises_with_computable_answers():
    for chapter in exercises._chapter_modules():
        for exercise in exercises.for_chapter(chapter):
            assert exercise.id.startswith(f"{chapter}.")
            assert exercise.question
            answer = exercise.answer()
            assert isinstance(answer, int | float | str)
            # the computed answer passes its own check
            assert exercises.check(exercise.id, answer).correct


def test_wrong_answer_says_which_way_and_hints(monkeypatch):
    fake = exercises.Exercise("demo.x", "What is 6 x 7?", lambda: 42, hint="multiply")
    monkeypatch.setattr(exercises, "get", lambda _id: fake)
    assert exercises.check("demo.x", 42).correct
    wrong = exercises.check("demo.x", 50)
    assert not wrong.correct and "too large" in wrong.message and "Hint: multiply" in wrong.message
    assert "Close" in exercises.check("demo.x", 41).message
    assert "No answer yet" in exercises.check("demo.x", ...).message
    assert "✅" in exercises.check("demo.x", 42)._repr_html_()


def test_unknown_chapter_and_exercise():
    with pytest.raises(KeyError, match="no exercises for chapter 'lenet'"):
        exercises.for_chapter("lenet")
