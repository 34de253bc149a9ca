"""The intro, AlexNet and ZFNet pages of the built site: figures load, diagrams show the right layers, and the
numbers on the page are the ones cnnviz computes."""

from __future__ import annotations

import re
from urllib.request import urlopen

import pytest

from cnnviz.interact.exercises import for_chapter
from tests.browser.site import SITE

pytestmark = pytest.mark.skipif(
    not (SITE / "book" / "alexnet.html").is_file(), reason="the built site has no AlexNet chapter"
)


def _images(page) -> list[dict]:
    return page.eval_on_selector_all(
        "article img",
        "imgs => imgs.map(i => ({src: i.src, alt: i.alt, ok: i.complete && i.naturalWidth > 0}))",
    )


def _svg_titles(url: str) -> set[str]:
    with urlopen(url) as response:  # noqa: S310 - the local test server
        svg = response.read().decode("utf-8")
    return {re.sub(r"&#45;", "-", t) for t in re.findall(r"<title>([^<]*)</title>", svg)}


def _page_text(page) -> str:
    return page.inner_text("article")


def _assert_clean(problems) -> None:
    assert problems.all() == [], "\n".join(problems.all())


def test_intro_timeline_figure_and_chapter_map(open_page) -> None:
    from cnnviz.format import percent
    from cnnviz.render.timeline import chapter_map, imagenet_timeline

    page, problems = open_page("book/intro.html")
    _assert_clean(problems)
    images = [i for i in _images(page) if i["src"].endswith(".svg") and "logo" not in i["src"]]
    assert len(images) == 1 and images[0]["ok"], images
    assert images[0]["alt"].startswith("Bar chart of ImageNet top-5 error")
    with urlopen(images[0]["src"]) as response:  # noqa: S310
        svg = response.read().decode("utf-8")
    timeline = imagenet_timeline()
    for entry in timeline.entries:  # every bar label is in the figure (matplotlib writes text as <!-- ... -->)
        assert f"{percent(entry.top5_error)}" in svg and f"{entry.depth} layers" in svg
    text = _page_text(page)
    first, last = timeline.entries[0], timeline.entries[-1]
    assert f"fell from {percent(first.top5_error)} to {percent(last.top5_error)}" in text
    assert percent(timeline.human_error) in text
    table = page.inner_text("table.cnnviz-map")
    for row in chapter_map():
        assert row.chapter in table and f"{row.params:,}" in table and row.model in table
    assert page.locator("nav.bd-links a", has_text="AlexNet").count() >= 1  # the table of contents


def test_alexnet_page_diagram_figures_and_numbers(open_page) -> None:
    from cnnviz.analysis.ledger import ledger

    page, problems = open_page("book/alexnet.html")
    _assert_clean(problems)
    images = [i for i in _images(page) if i["src"].endswith(".svg") and "logo" not in i["src"]]
    assert all(i["ok"] for i in images), images
    diagrams = [i for i in images if "features.conv1" in _svg_titles(i["src"])]
    assert len(diagrams) == 1, [i["src"] for i in images]
    titles = _svg_titles(diagrams[0]["src"])
    assert {"features.conv1", "features.norm1", "features.pool1", "features.conv5", "classifier.fc6",
            "classifier.fc8"} <= titles  # fmt: skip
    alts = " ".join(i["alt"] for i in images)
    assert "Two horizontal bar charts" in alts and "Heat map of the input gradient" in alts

    led = ledger("alexnet")
    dense = ledger("alexnet", towers=1)
    text = _page_text(page)
    assert f"{led.total_params:,}" in text
    assert f"{dense.total_params:,}" in text
    assert f"{dense.total_params - led.total_params:,}" in text
    assert "[55x55x96] CONV1: 96 11x11 filters at stride 4, pad 0" in text
    assert "[6x6x256] MAX POOL3: 3x3 filters at stride 2" in text
    fc6 = next(r for r in led.rows if r.name == "classifier.fc6")
    assert f"{100 * fc6.params / led.total_params:.1f}%" in text
    # the claims table marks the two norm-layer volumes as off, everything else as holding
    claims = page.locator("table.cnnviz-claims").first.inner_text()
    assert claims.count("✗") == 2 and "55x55x96" in claims
    # the exercises are cards with an answer box; the self-check cells are for Jupyter and not on the site
    assert page.locator("div.cnnviz-exercise").count() == len(for_chapter("alexnet"))
    assert text.count("No answer yet") == 0


def test_zfnet_page_diff_diagram_and_numbers(open_page) -> None:
    from cnnviz.analysis.diff import layer_diff
    from cnnviz.analysis.ledger import ledger

    page, problems = open_page("book/zfnet.html")
    _assert_clean(problems)
    images = [i for i in _images(page) if i["src"].endswith(".svg") and "logo" not in i["src"]]
    assert len(images) == 1 and images[0]["ok"], images
    titles = _svg_titles(images[0]["src"])
    assert {"a/features.conv1", "b/features.conv1", "a/classifier.fc8", "b/classifier.fc8"} <= titles, titles

    text = _page_text(page)
    for name, kwargs in (("alexnet", {}), ("zfnet", {}), ("zfnet", {"wide": True})):
        assert f"{ledger(name, **kwargs).total_params:,}" in text
    changed = {c.a.split(".")[-1] for c in layer_diff("alexnet", "zfnet") if c.change == "changed"}
    assert changed == {"conv1", "conv2", "conv4", "conv5"}
    diff_table = page.locator("table").filter(has_text="kernel: (11, 11) → (7, 7)")
    assert diff_table.count() == 1
    assert "[110x110x96] CONV1: 96 7x7 filters at stride 2, pad 1" in text
    assert page.locator("div.cnnviz-exercise").count() == len(for_chapter("zfnet"))
    assert text.count("No answer yet") == 0
