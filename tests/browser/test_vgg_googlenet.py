"""The GoogLeNet chapter on the built site: diagrams, figures and kernel-free sliders (VGG's are in
test_vgg.py).

(Console errors, 4xx and external requests of every page are checked by test_site.py.)

Expected numbers are computed here with cnnviz, never typed: a slider moved on the static page must show
what ``cnnviz.analysis.ops`` computes for that setting.
"""

from __future__ import annotations

from cnnviz.analysis import ops
from cnnviz.models.lecture import INCEPTION
from tests.browser.pages import (
    chapter_page,
    diagram_titles,
    move_slider,
    page_text,
    vega_texts,
    wait_for_text,
)

# --- GoogLeNet ---------------------------------------------------------------------------------------


def test_googlenet_page_shows_its_diagrams(open_page):
    page, _problems = open_page(chapter_page("googlenet"))
    titles = diagram_titles(page)
    naive = next((t for t in titles if "inception_naive" in t), None)
    reduced = next((t for t in titles if "inception_reduced" in t), None)
    network = next((t for t in titles if "googlenet_network" in t), None)
    assert naive is not None and reduced is not None and network is not None, titles
    assert {"input", "branch1.conv", "branch2.conv", "branch3.conv", "branch4", "cat"} <= naive
    # the reduced module: 1×1 reductions before the 3×3 and 5×5 and after the pool
    assert {"branch2.0.conv->branch2.1.conv", "branch3.0.conv->branch3.1.conv", "branch4.0->branch4.1.conv"} <= reduced
    modules = {f"cluster_inception{m}" for m in ("3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b")}
    assert modules <= network and {"conv1", "fc"} <= network
    body = page_text(page)
    assert "Total: 358M ops" in body and "271,351,808" in body


def test_googlenet_inception_sliders_respond_without_a_kernel(open_page):
    page, _problems = open_page(chapter_page("googlenet"))
    figure = "div.cnnviz-vega"
    page.wait_for_selector(f'{figure} input[type="range"][name="c5x5"]', timeout=15_000)
    hw, cin = INCEPTION.in_hw, INCEPTION.in_channels
    knobs = INCEPTION.filters
    naive = ops.inception_naive_cost(hw, cin, knobs["c1x1"], knobs["c3x3"], knobs["c5x5"])
    wait_for_text(page, figure, f"naive: {naive.macs:,} multiply-adds")
    for name, value in (("c5x5", 128), ("reduce5x5", 32), ("c1x1", 64), ("pool_proj", 128), ("c3x3", 256),
                        ("reduce3x3", 96)):  # fmt: skip
        move_slider(page, name, value)
        knobs[name] = value
        naive = ops.inception_naive_cost(hw, cin, knobs["c1x1"], knobs["c3x3"], knobs["c5x5"])
        reduced = ops.inception_reduced_cost(hw, cin, **knobs)
        wait_for_text(
            page, figure,
            f"naive: {naive.macs:,} multiply-adds, {naive.params:,} parameters",
        )  # fmt: skip
        wait_for_text(
            page, figure, f"with 1×1 reductions: {reduced.macs:,} multiply-adds, {reduced.params:,} parameters"
        )  # fmt: skip
        texts = vega_texts(page, figure)  # the output depths: the totals of the third panel
        assert str(naive.output_depth) in texts and str(reduced.output_depth) in texts, texts
        wait_for_text(page, figure, f"need {naive.macs / reduced.macs:.2f}× fewer multiply-adds")
    texts = vega_texts(page, figure)
    assert not any("854,196,224" in t for t in texts), "the readout still shows the default setting"
