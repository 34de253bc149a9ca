"""The site's answer boxes read and judge answers by the rule of cnnviz.interact.exercises.feedback: the
book's script, run in Chromium, agrees with the Python rule on the shared cases (tests/interact/answer_cases.py)
and on a grid of generated forms, and a box says its verdict in a word on a coloured badge."""

from __future__ import annotations

import itertools
from pathlib import Path

from cnnviz.interact import exercises
from cnnviz.interact.exercises.feedback import BADGE_COLOURS, VERDICTS, judge, read_answer
from cnnviz.interact.exercises.page import card_html
from tests.browser.pages import chapter_page
from tests.browser.site import SITE
from tests.interact.answer_cases import JUDGED, READ, REFUSED

ASSETS = Path(__file__).resolve().parents[2] / "book" / "_assets"
SCRIPT = (ASSETS / "cnnviz-exercises.js").read_text()

# Generated forms: every number body with every tail, for every unit an answer may be in, whole or not.
BODIES = ["51200", "51,200", "51 200", "51.2", "0.05", ".5", "1,16", "0,5", "51.200", "1 2", "445.644.800",
          "12,345.67", "1.234,5", "-3", "007", "1.2.3", "abc", ""]  # fmt: skip
TAILS = ["", "k", " K", "M", " thousand", "e6", "E-3", "×10^6", " x 10**2", "·10⁻³", " px", "px", " Pixels", "%",
         " MB", " MiB", " KB", " kB", " apples", "m", "e3k", "^2"]  # fmt: skip
GRID = [(b + t, unit, whole) for b, t in itertools.product(BODIES, TAILS) for unit in ("", "px", "B")
        for whole in (True, False)]  # fmt: skip


def _python(typed: str, unit: str, whole: bool) -> dict:
    r = read_answer(typed, unit, whole)
    return {
        "text": r.text,
        "value": r.value,
        "figures": r.figures,
        "halfUnit": r.half_unit,
        "refusal": r.refusal,
    }


def _rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


def test_the_script_reads_every_case_as_python_does(browser):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(f"<script>{SCRIPT}</script>")
    cases = [(t, u, w) for t, u, w, _ in READ + REFUSED] + GRID
    got = page.evaluate("cases => cases.map(([t, u, w]) => window.cnnvizAnswers.read(t, u, w))", cases)
    differ = [(case, js, _python(*case)) for case, js in zip(cases, got, strict=True) if js != _python(*case)]
    assert differ == [], f"{len(differ)} of {len(cases)} differ, e.g. {differ[:3]}"
    read = sum(1 for js in got if js["refusal"] == "")
    assert 0 < read < len(cases)  # the grid holds both read and refused forms
    judged = page.evaluate(
        "cases => cases.map(([t, e, tol, w]) => window.cnnvizAnswers.judge(window.cnnvizAnswers.read(t, '', w), e, tol, w))",
        [list(case[:4]) for case in JUDGED],
    )
    for (typed, expected, rel_tol, whole, verdict), js in zip(JUDGED, judged, strict=True):
        assert js == list(judge(read_answer(typed, "", whole), expected, rel_tol, whole)), typed
        assert js[0] == verdict, typed
    assert errors == []
    page.close()


def _answer(page, box, text: str, enter: bool = False) -> tuple[str, str]:
    box.locator("input").fill(text)
    if enter:
        box.locator("input").press("Enter")
    else:
        box.locator("button").click()
    return box.get_attribute("data-verdict"), box.locator(".cnnviz-answer-feedback").inner_text()


def test_a_box_says_right_close_wrong_or_not_read_in_a_word_on_its_colour(browser):
    demo = exercises.Exercise("demo.macs", "How many multiply-adds?", answer=lambda: 445_644_800, hint="Count.",
                              unit="px")  # fmt: skip
    page = browser.new_page()
    page.set_content(
        f"<style>{(ASSETS / 'cnnviz.css').read_text()}</style>{card_html(demo)}<script>{SCRIPT}</script>"
    )
    box = page.locator("div.cnnviz-answer-box")
    assert box.is_visible() and "significant figures" in box.locator(".cnnviz-answer-rule").inner_text()
    for typed, verdict, says in [("445,644,800", "right", ""), ("445.6M", "close", "4 significant figures"),
                                 ("445.7M", "wrong", "too large. Try the hint."), ("51.200", "unread", "type 51200"),
                                 ("445644800 px", "right", ""), ("12 apples", "unread", "without “apples”: 12")]:  # fmt: skip
        got, text = _answer(page, box, typed, enter=verdict == "close")
        assert got == verdict and text.startswith(VERDICTS[verdict]) and says in text, (typed, text)
        badge = box.locator(".cnnviz-verdict")
        assert badge.inner_text() == VERDICTS[verdict]
        colours = badge.evaluate("b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]")
        assert colours == [_rgb(BADGE_COLOURS[verdict]), "rgb(255, 255, 255)"], (verdict, colours)
    page.close()


def test_the_built_pages_boxes_state_the_rule_and_keep_their_colours_in_both_themes(open_page):
    built = [c for c in exercises.chapters() if (SITE / f"book/{c}.html").is_file()]
    assert built, f"no chapter with exercises in the build at {SITE}"
    page, problems = open_page(chapter_page(built[0]))
    exercise = next(e for e in exercises.for_chapter(built[0]) if e.kind == exercises.COMPUTED)
    box = page.locator(f'div.cnnviz-exercise[data-exercise="{exercise.id}"] div.cnnviz-answer-box')
    assert box.is_visible() and box.locator(".cnnviz-answer-rule").is_visible()
    for theme in ("light", "dark"):
        page.evaluate("t => document.documentElement.setAttribute('data-theme', t)", theme)
        for typed, verdict in ((str(exercise.expected()), "right"), ("0.5.5", "unread"), ("-1", "wrong")):
            assert _answer(page, box, typed)[0] == verdict, (theme, typed)
            colours = box.locator(".cnnviz-verdict").evaluate(
                "b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]"
            )
            assert colours == [_rgb(BADGE_COLOURS[verdict]), "rgb(255, 255, 255)"], (theme, verdict, colours)
    assert problems.all() == []
