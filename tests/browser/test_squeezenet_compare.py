"""The SqueezeNet chapter and the comparison chapter on the built site: diagrams, claims, tables, the design-space
sliders and the comparison's axis menus and tooltips.

(Console errors, 4xx and external requests of every page are checked by test_site.py.)

Expected numbers are computed here with cnnviz, never typed: a slider moved on the static page must show what
:func:`cnnviz.interact.static.squeezenet.squeezenet_row` (checked against the zoo's built network) computes;
the comparison's counts come from the ledger; its times are read from the benchmark file the page reads
(``measured_times``: set ``CNNVIZ_ZOO_TIMES`` to the file the site was built with, if not the package's).
"""

from __future__ import annotations

from cnnviz.analysis.compare import BOOK_NETWORKS, measured_times
from cnnviz.analysis.fire_modules import model_bytes
from cnnviz.analysis.ledger import ledger
from cnnviz.chapters.squeezenet import TABLE3
from cnnviz.format import compact_count
from cnnviz.interact.static.compare import AXES
from cnnviz.interact.static.squeezenet import readout_text, squeezenet_row
from cnnviz.render.citations import labels
from tests.browser.pages import (
    chapter_page,
    choose_option,
    diagram_titles,
    move_slider,
    nth_figure,
    page_text,
    vega_texts,
    wait_for_text,
)


def _squeezenet_readouts(sr: float, pct: float) -> list[str]:
    return readout_text(squeezenet_row(sr, pct))


def test_squeezenet_page_shows_the_fire_module_the_networks_and_the_claims(open_page):
    page, _problems = open_page(chapter_page("squeezenet"))
    titles = diagram_titles(page)
    fire = next((t for t in titles if "squeeze" in t and "expand3x3" in t), None)
    assert fire is not None, titles
    assert {"input->squeeze", "squeeze->expand1x1", "squeeze->expand3x3"} <= fire
    assert any(any("squeezenet1_0_bypass" in title for title in t) for t in titles), "the bypass diagram is missing"
    body = page_text(page)  # the claims that hold are folded
    assert "class Fire" in body  # the code being taught
    for name in ("squeezenet1_0", "squeezenet1_1"):
        assert f"{ledger(name).total_params:,}" in body
    squeeze = ledger("squeezenet1_0").total_params
    for bits in (32, 8, 6):
        assert f"{model_bytes(squeeze, bits) / 2**20:.2f} MiB" in body  # the size table, in the paper's MB (MiB)
    assert "500× smaller than AlexNet (with Deep Compression)" in body
    assert f"{labels()['iandola2016squeezenet']}, Table 2" in body  # the claim cards cite in words
    for row in TABLE3:  # the paper's Table 3, which the bypass exercise's answer cites
        assert row.architecture in body
    assert "{{" not in body


def test_squeezenet_explorer_responds_without_a_kernel(open_page):
    """The slider (SR) and the menu (the paper's shares of 3×3 filters) change the readout: the cost, and the
    paper's Fig. 3 accuracy where it has a network, or that it has none."""
    page, _problems = open_page(chapter_page("squeezenet"))
    figure = "div.cnnviz-vega"
    page.wait_for_selector(f'{figure} input[type="range"][name="sr"]', timeout=15_000)
    page.wait_for_selector(f'{figure} select[name="pct3x3"]', timeout=15_000)
    for text in _squeezenet_readouts(0.125, 50.0):
        wait_for_text(page, figure, text)
    sr, pct = 0.125, 50.0
    moves = (("sr", 0.5), ("pct3x3", 25.0), ("sr", 1.0), ("pct3x3", 50.0), ("sr", 0.375), ("pct3x3", 99.0))
    for name, value in moves:
        if name == "sr":
            move_slider(page, name, value)
            sr = value
        else:
            choose_option(page, name, f"{value:g}")
            pct = value
        for text in _squeezenet_readouts(sr, pct):
            wait_for_text(page, figure, text)
    # SR = 0.375 at 99%: neither of the paper's sweeps
    assert "Paper: reports no network at this setting" in _squeezenet_readouts(sr, pct)
    default = _squeezenet_readouts(0.125, 50.0)[2]
    assert not any(default in t for t in vega_texts(page, figure)), "the readout still shows the default setting"


def test_compare_page_shows_every_network_with_its_counts_and_sources(open_page):
    page, _problems = open_page(chapter_page("compare"))
    body = page_text(page)
    for name in BOOK_NETWORKS:
        assert name in body, name
        assert compact_count(ledger(name).total_params) in body
    assert "he2016deep, Table 3" in body and "single model, 10 crops" in body
    # the times come from the benchmark file, with its machine, load and rounds named
    times = measured_times()
    assert "interleaved rounds" in body and "torch threads" in body and times.date in body
    assert f"{times.load.before[0]:.2f} before" in body
    for link in ("resnet.html", "squeezenet.html", "densenet.html"):
        assert page.locator(f'main a[href*="{link}"]').count() > 0, f"no link to {link}"
    assert "MyCNN" in body and "RF 18" in body  # your own network: its ledger, receptive field and row
    assert "One run on this machine" not in body  # a reader's timing cell is not run by the build
    assert "{{" not in body


def test_compare_axes_menus_and_tooltips_work_without_a_kernel(open_page):
    page, _problems = open_page(chapter_page("compare"))
    figure = nth_figure(page, 0)
    page.wait_for_selector(f'{figure} select[name="xaxis"]', timeout=15_000)
    wait_for_text(page, figure, f"x: {AXES['macs']}")
    wait_for_text(page, figure, "squeezenet1_0")
    assert "nin_cifar" not in " ".join(vega_texts(page, figure))  # ImageNet only by default
    choose_option(page, "xaxis", "params", within=figure)
    choose_option(page, "yaxis", "training_mb", within=figure)
    wait_for_text(page, figure, f"x: {AXES['params']}")
    wait_for_text(page, figure, f"y: {AXES['training_mb']}")
    choose_option(page, "dataset", "CIFAR-10", within=figure)
    wait_for_text(page, figure, "nin_cifar")
    assert "squeezenet1_0" not in " ".join(vega_texts(page, figure))
    # hover a point: the tooltip lists its numbers
    point = page.locator(f'{figure} g.mark-symbol path[aria-label*="network: nin_cifar;"]')
    assert point.count() == 1
    point.hover()
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=10_000)
    tooltip = page.inner_text("#vg-tooltip-element")
    assert "nin_cifar" in tooltip and "parameters" in tooltip and "lin2014network, Table 1" in tooltip
