"""The exercises' kernel-free answer boxes: the book's script checks a reader's number in the page."""

from __future__ import annotations

from pathlib import Path

from cnnviz.interact import exercises
from cnnviz.interact.exercises.page import card_html
from tests.browser.pages import chapter_page

SCRIPT = Path(__file__).resolve().parents[2] / "book" / "_assets" / "cnnviz-exercises.js"


def _answer(page, exercise_id: str, text: str) -> str:
    box = page.locator(f'div.cnnviz-exercise[data-exercise="{exercise_id}"] div.cnnviz-answer-box')
    assert box.is_visible(), f"{exercise_id}: the answer box is not shown"
    box.locator("input").fill(text)
    box.locator("button").click()
    return box.locator(".cnnviz-answer-feedback").inner_text()


def test_the_script_checks_a_card_without_the_site(browser):
    """The script on a card as cnnviz writes it: exact integers, tolerances, thousands separators, rounding,
    junk (the whole rule's cases: test_answer_rule.py)."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    cards = [exercises.get("alexnet.params_for_classes"), exercises.get("stochastic_depth.expected_blocks")]
    page.set_content("".join(card_html(e) for e in cards) + f"<script>{SCRIPT.read_text()}</script>")
    exact, tolerant = cards
    value = exact.expected()
    assert "Right" in _answer(page, exact.id, f"{value:,}")
    assert "too large" in _answer(page, exact.id, str(value + 10_000_000))
    assert "Close" in _answer(page, exact.id, f"{value:.3e}")
    assert "Wrong" in _answer(page, exact.id, str(value + 1))
    assert "Not read" in _answer(page, exact.id, "lots")
    assert "Right" in _answer(page, tolerant.id, f"{tolerant.expected():.2f}")
    assert not page.locator("details.cnnviz-exercise-answer").first.evaluate("d => d.open")
    assert errors == []
    page.close()


def test_the_chapters_answer_boxes_work_on_the_site(open_page):
    page, problems = open_page(chapter_page("zfnet"))
    exercise = exercises.get("zfnet.ceil_pool2")
    assert page.locator("div.cnnviz-exercise").count() == len(exercises.for_chapter("zfnet"))
    assert "Right" in _answer(page, exercise.id, str(exercise.expected()))
    assert "Wrong" in _answer(page, exercise.id, str(exercise.expected() - 2))
    assert problems.all() == []
