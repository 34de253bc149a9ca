"""The Stochastic Depth chapter on the built site: the block, the claims, the p_L/rule explorer and the
"sample a network" slider.

Expected readouts are computed here with cnnviz, never typed: a control moved on the static page must show
what ``cnnviz.analysis.stochastic_depth`` computes for that setting (the expected depth and saving, and the
blocks the zoo's network drops after ``torch.manual_seed(sample)``).
"""

from __future__ import annotations

from cnnviz.analysis.stochastic_depth import network_cost, sample_dropped
from cnnviz.interact.static.stochastic_depth import P_LAST_PERCENTS, SAMPLES, survival_readout
from tests.browser.pages import (
    chapter_page,
    diagram_titles,
    move_slider,
    nth_figure,
    page_text,
    wait_for_text,
)


def _sample_line(sample: int) -> str:
    cost = network_cost(0.5)
    active = cost.num_blocks - len(sample_dropped(cost.survival, sample))
    return f"sample #{sample}: {active} of {cost.num_blocks} blocks run, {2 * active + 2} weight layers in sequence"


def _pick_rule(page, figure: str, rule: str) -> None:
    radio = page.locator(f'{figure} input[type="radio"][value="{rule}"]')
    assert radio.count() == 1, f"expected one radio button {rule!r} in {figure}, found {radio.count()}"
    radio.evaluate("el => { el.checked = true; el.dispatchEvent(new Event('change', {bubbles: true})); }")


def test_stochastic_depth_page_shows_the_block_and_the_claims(open_page):
    page, _problems = open_page(chapter_page("stochastic_depth"))
    assert diagram_titles(page), "the stochastic depth block diagram is missing"
    body = page_text(page)
    assert "class StochasticDepthBlock" in body  # the code being taught
    assert "output is exactly the input: True" in body and "output is exactly the input: False" in body
    assert f"{network_cost().expected_blocks:.2f} of 54" in body
    for statement in ("Reduce vanishing grads", "Randomly drop a subset of layers", "Bypass with Identity function",
                      "Use full deep networks at test time"):
        assert statement in body


def test_sample_slider_responds_without_a_kernel(open_page):
    page, _problems = open_page(chapter_page("stochastic_depth"))
    figure = nth_figure(page, 0)
    wait_for_text(page, figure, _sample_line(1))
    for sample in (*SAMPLES[1:], 1):
        move_slider(page, "sample", sample, within=figure)
        wait_for_text(page, figure, _sample_line(sample))


def test_survival_slider_and_rule_respond_without_a_kernel(open_page):
    page, _problems = open_page(chapter_page("stochastic_depth"))
    figure = nth_figure(page, 1)
    for line in survival_readout(50, "linear"):
        wait_for_text(page, figure, line)
    for rule in ("uniform", "linear"):
        _pick_rule(page, figure, rule)
        for p in (*P_LAST_PERCENTS[::4], 100, 0, 50):
            move_slider(page, "p_last", p, within=figure)
            for line in survival_readout(p, rule):
                wait_for_text(page, figure, line)
