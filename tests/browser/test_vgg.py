"""The VGG chapter on the built site: its diagrams and figures, and both kernel-free explorers.

(Console errors, 4xx and external requests of every page are checked by test_site.py.)

Expected numbers are computed here with cnnviz, never typed: a control moved on the static page must show
the readout that ``cnnviz.interact.static.vgg`` computes for that setting.
"""

from __future__ import annotations

from cnnviz.analysis.claims.make import cached_ledger
from cnnviz.analysis.memory import memory_from_ledger
from cnnviz.interact.static.vgg import (
    configuration_readout,
    configuration_rows,
    stack_readout,
    stack_vs_large_rows,
)
from cnnviz.models.lecture import STACK_VS_LARGE
from tests.browser.pages import (
    chapter_page,
    diagram_titles,
    move_slider,
    nth_figure,
    page_text,
    wait_for_text,
)


def _stack_lines(C: int, n: int) -> list[str]:
    return stack_readout(next(r for r in stack_vs_large_rows([C], [n]) if r["design"] == "stack"))


def test_vgg_page_shows_its_diagrams_and_figures(open_page):
    page, _problems = open_page(chapter_page("vgg"))
    titles = diagram_titles(page)
    stack = next((t for t in titles if "stack_vs_large" in t), None)
    assert stack is not None, "the stack_vs_large module diagram is missing"
    assert {"0/0", "0/1", "0/2", "1/0"} <= stack  # three 3×3 convs in one part, one 7×7 in the other
    diff = next((t for t in titles if "vgg16_vs_vgg19" in t), None)
    assert diff is not None, "the VGG16/VGG19 diff diagram is missing"
    assert {"cluster_a/", "cluster_b/", "a/input", "b/input"} <= diff
    # the matplotlib figures (where memory/params live, ERF) are <img>s with their alt text
    alts = page.eval_on_selector_all("main img", "imgs => imgs.map(i => i.alt)")
    assert any("bar charts over VGG16" in a for a in alts), alts
    assert any("conv5_3" in a for a in alts), alts
    body = page_text(page)  # folded blocks opened
    assert "CONV3-64: [224x224x64]" in body and "TOTAL params: 138M parameters" in body
    lecture = memory_from_ledger(cached_ledger("vgg16"), lecture_convention=True)
    assert "TOTAL memory: 24M" in body and f"{lecture.forward_total:,}" in body  # the claim and its value
    assert "class VGG" in body and "def make_features" in body  # the code being taught, folded
    assert "the question has no answer" in body and "not testable here" in body


def test_vgg_stack_sliders_respond_without_a_kernel(open_page):
    page, _problems = open_page(chapter_page("vgg"))
    figure = nth_figure(page, 0)
    for line in _stack_lines(STACK_VS_LARGE.C, STACK_VS_LARGE.n):
        wait_for_text(page, figure, line)
    wait_for_text(page, figure, "The paper's test of n = 2 (its Sec. 4.1):")
    for C, n in ((256, 2), (512, 5), (16, 1)):
        move_slider(page, "C", C, within=figure)
        move_slider(page, "n", n, within=figure)
        for line in _stack_lines(C, n):
            wait_for_text(page, figure, line)


def test_vgg_configurations_respond_without_a_kernel(open_page):
    page, _problems = open_page(chapter_page("vgg"))
    figure = nth_figure(page, 1)
    rows = configuration_rows()
    for line in configuration_readout(next(r for r in rows if r["config"] == "D")):
        wait_for_text(page, figure, line)
    for row in rows:
        page.locator(f'{figure} input[type="radio"][name="config"][value="{row["config"]}"]').check()
        for line in configuration_readout(row):
            wait_for_text(page, figure, line)
