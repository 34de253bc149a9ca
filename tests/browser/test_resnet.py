"""The ResNet chapter on the built site: the degradation curves, the block diagrams and the depth picker.

Expected numbers come from the shipped logs, read here with cnnviz, never typed.
"""

from __future__ import annotations

from pathlib import Path

from cnnviz.experiments.logs import load_logs
from cnnviz.render.curves import curve_label
from tests.browser.pages import chapter_page, diagram_titles, page_text, wait_for_text

LOGS = Path(__file__).resolve().parents[2] / "cnnviz" / "experiments" / "runs" / "degradation-cpu"


def _readout(name: str, log) -> str:
    return (f"{curve_label(name)} ends at {100 * log.train_error[-1]:.1f}% training and "
            f"{100 * log.test_error[-1]:.1f}% test error")


def test_resnet_page_shows_curves_blocks_and_network(open_page):
    page, _problems = open_page(chapter_page("resnet"))
    alts = page.eval_on_selector_all("main img", "imgs => imgs.map(i => i.alt)")
    assert any("plain networks of 20, 32, 44 and 56 layers" in a for a in alts), alts
    assert sum("input gradient" in a for a in alts) == 1, alts  # the ERF maps of plain-56 and ResNet-56, side by side
    titles = diagram_titles(page)
    assert any("basic_block" in t for t in titles) and any("bottleneck" in t for t in titles)
    body = page_text(page)
    assert "class BasicBlock" in body and "class Bottleneck" in body  # the code being taught
    logs = load_logs(LOGS)
    assert f"{100 * logs['resnet56'].test_error[-1]:.1f}%" in body


def test_resnet_depth_picker_responds_without_a_kernel(open_page):
    page, _problems = open_page(chapter_page("resnet"))
    figure = "div.cnnviz-vega"
    page.wait_for_selector(f'{figure} input[type="radio"][name="depth"]', timeout=15_000)
    logs = load_logs(LOGS)
    depths = sorted({int(n.removeprefix("plain")) for n in logs if n.startswith("plain")})
    wait_for_text(page, figure, _readout(f"plain{depths[-1]}", logs[f"plain{depths[-1]}"]))
    for depth in depths:
        page.locator(f'{figure} input[type="radio"][name="depth"][value="{depth}"]').check()
        for name in (f"plain{depth}", f"resnet{depth}"):
            wait_for_text(page, figure, _readout(name, logs[name]))
