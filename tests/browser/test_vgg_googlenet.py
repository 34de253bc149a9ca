"""The GoogLeNet chapter on the built site: diagrams, figures and kernel-free sliders (VGG's are in
test_vgg.py).

(Console errors, 4xx and external requests of every page are checked by test_site.py.)

Expected numbers are computed here with cnnviz, never typed: a slider moved on the static page must show
what ``cnnviz.analysis.ops`` computes for that setting.
"""

from __future__ import annotations

from cnnviz.analysis import ops
from cnnviz.interact.static.googlenet import PAPER_LINES, inception_readout, readout_row
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
    assert {
        "branch2.0.conv->branch2.1.conv",
        "branch3.0.conv->branch3.1.conv",
        "branch4.0->branch4.1.conv",
    } <= reduced
    modules = {f"cluster_inception{m}" for m in ("3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b")}
    assert modules <= network and {"conv1", "fc"} <= network
    # first, module by module: each module one node, the auxiliary heads beside the modules they read
    merged = next((t for t in titles if "googlenet_network_merged" in t), None)
    assert merged is not None, titles
    names = {f"inception{m}" for m in ("3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b")}
    assert names | {"stem", "fc", "aux1", "aux2"} <= merged and not any("branch" in t for t in merged)
    assert {
        "inception4a->aux1",
        "inception4d->aux2",
        "maxpool3->inception4a",
        "maxpool4->inception5a",
    } <= merged
    assert titles.index(merged) < titles.index(network), "the module-level diagram comes first"
    body = page_text(page)
    reduced = ops.inception_reduced_cost(**INCEPTION.reduced)
    assert "Total: 358M ops" in body and f"{reduced.macs:,}" in body


def test_googlenet_inception_sliders_respond_without_a_kernel(open_page):
    """Every readout line is what cnnviz.interact.static.googlenet.inception_readout writes for the sliders'
    position (ops' numbers), including the line for reductions that add work."""
    page, _problems = open_page(chapter_page("googlenet"))
    figure = "div.cnnviz-vega"
    page.wait_for_selector(f'{figure} input[type="range"][name="c5x5"]', timeout=15_000)
    knobs = dict(INCEPTION.filters)
    for line in inception_readout(readout_row(**knobs)):
        wait_for_text(page, figure, line)
    for line in PAPER_LINES:  # what the knobs buy: the paper reports no error for them
        wait_for_text(page, figure, line)
    # the last moves make the "reductions" wider than the input, so that the reduced module needs more work
    moves = (("c5x5", 128), ("reduce5x5", 32), ("c1x1", 64), ("pool_proj", 128), ("c3x3", 384), ("reduce3x3", 384),
             ("reduce5x5", 384))  # fmt: skip
    for name, value in moves:
        move_slider(page, name, value)
        knobs[name] = value
        row = readout_row(**knobs)
        for line in inception_readout(row):
            wait_for_text(page, figure, line)
        texts = vega_texts(page, figure)  # the output depths: the labels of the third panel
        assert any(t.endswith(f": {row['naive_depth']}") for t in texts), texts
        assert any(t.endswith(f": {row['reduced_depth']}") for t in texts), texts
    assert row["ratio"] < 1 and any(t.startswith("reduced needs ") for t in vega_texts(page, figure))
    naive = ops.inception_naive_cost(**INCEPTION.naive)
    texts = vega_texts(page, figure)
    assert not any(f"{naive.macs:,}" in t for t in texts), "the readout still shows the default setting"


# Where the live readout lines and the first slider of the Inception figure are on the screen (page pixels).
READOUT_AND_SLIDER_JS = r"""
() => {
  const figure = [...document.querySelectorAll('div.cnnviz-vega')].find(f => f.querySelector('input[name="c5x5"]'));
  const lines = [...figure.querySelectorAll('g.mark-text[class*="readout_"]:not([class*="readout_paper"]) text')]
    .map(t => t.getBoundingClientRect()).filter(r => r.height > 0);
  const slider = figure.querySelector('input[type="range"]').getBoundingClientRect();
  return {lines: lines.length, top: Math.min(...lines.map(r => r.top), slider.top) + scrollY,
          bottom: Math.max(...lines.map(r => r.bottom), slider.bottom) + scrollY};
}
"""


def test_googlenet_readout_and_sliders_share_a_screen(browser, site_url):
    """The readout is right above the sliders: a phone (390×844) and a desktop (1280×900) show the readout and
    the first slider in one viewport, so a reader sees the numbers change as they move it."""
    for width, height in ((390, 844), (1280, 900)):
        context = browser.new_context(viewport={"width": width, "height": height})
        try:
            context.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
            page = context.new_page()
            page.goto(f"{site_url}/{chapter_page('googlenet')}", wait_until="networkidle")
            page.wait_for_selector('div.cnnviz-vega[data-rendered] input[name="c5x5"]', timeout=20_000)
            box = page.evaluate(READOUT_AND_SLIDER_JS)
        finally:
            context.close()
        assert box["lines"] >= len(inception_readout(readout_row())), (width, box)
        span = box["bottom"] - box["top"]
        assert span <= height, f"at {width}×{height} px the readout and the first slider span {span:.0f} px"
