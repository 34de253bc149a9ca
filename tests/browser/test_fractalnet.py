"""The FractalNet chapter on the built site: the block diagrams, the drop-path samples and the sliders.

Expected numbers are computed here with cnnviz, never typed: a slider moved on the static page must show
what ``cnnviz.analysis.fractal_paths.fractal_block_count`` and ``fractal_paths.drop_path_sample`` compute for that setting.
"""

from __future__ import annotations

from cnnviz.analysis import fractal_paths
from cnnviz.interact.static.fractalnet import count_text, sample_text
from tests.browser.pages import (
    chapter_page,
    diagram_titles,
    move_slider,
    nth_figure,
    page_text,
    wait_for_text,
)


def _readout(columns: int, sample: int) -> tuple[str, str]:
    total = fractal_paths.fractal_block_count(columns)
    return count_text(total), sample_text(fractal_paths.drop_path_sample(columns, sample), total)


def test_fractalnet_page_shows_the_blocks_and_the_network(open_page):
    page, _problems = open_page(chapter_page("fractalnet"))
    titles = diagram_titles(page)
    for C in (2, 3, 4):
        assert any(f"column{C}.0.conv" in ts and f"column{C + 1}.0.conv" not in ts for ts in titles), C
    body = page_text(page)
    assert "class FractalBlock" in body and "class Join" in body  # the code being taught
    for C in range(1, 5):
        assert f"| {C} | {2**C - 1} |" in body or str(fractal_paths.fractal_block_count(C).paths) in body
    assert "38.6M" in body and "33.7M" in body


def test_fractalnet_sliders_respond_without_a_kernel(open_page):
    page, _problems = open_page(chapter_page("fractalnet"))
    figure = nth_figure(page, 0)
    for line in _readout(3, 1):
        wait_for_text(page, figure, line)
    for columns in (1, 2, 4, 3):
        move_slider(page, "columns", columns, within=figure)
        for line in _readout(columns, 1):
            wait_for_text(page, figure, line)
    for sample in range(1, 13):  # every precomputed sample: the kernel-free "sample a drop-path"
        move_slider(page, "drop_sample", sample, within=figure)
        for line in _readout(3, sample):
            wait_for_text(page, figure, line)
    move_slider(page, "columns", 4, within=figure)
    for line in _readout(4, 12):
        wait_for_text(page, figure, line)
