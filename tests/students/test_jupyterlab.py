"""A student in JupyterLab: a real JupyterLab (the Binder environment) on 127.0.0.1, driven by Chromium.

Opens a chapter, runs all its cells (JupyterLab runs the live-widget cells too), saves it, and checks what
the student sees: no error output, the kernel-free figure drawn (an SVG from Vega, not its fallback text),
the prose with its numbers (no unresolved ``{{name}}`` or MyST role), and a live slider that, moved with the
keyboard, changes the explorer's readout. A copy of ``book/`` is served, so the checkout stays untouched.
The last screen is saved to ``_build/students/jupyterlab.png``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from scripts.student_env import ensure
from tests.browser.conftest import CHROMIUM_ARGS

pytestmark = pytest.mark.students

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = "googlenet.ipynb"  # a kernel-free figure, a live explorer with sliders, prose with numbers
SHOT = ROOT / "_build" / "students" / "jupyterlab.png"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    venv = ensure("binder")
    tmp = tmp_path_factory.mktemp("lab")
    book = tmp / "book"
    shutil.copytree(ROOT / "book", book, ignore=shutil.ignore_patterns("_vendor", "_build", ".ipynb_checkpoints"))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                     ("JUPYTERLAB_SETTINGS_DIR", "settings"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")):  # fmt: skip
        env[var] = str(tmp / sub)
    # No "get notified about Jupyter news?" toast: it would cover part of the page (and the screenshot).
    notification = tmp / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # Every cell rendered, not only those near the viewport, so the whole notebook's text can be read.
    tracker = tmp / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    log = (tmp / "lab.log").open("w")
    server = subprocess.Popen(
        [str(venv / "bin" / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={book}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.expose_app_in_browser=True", "--LabApp.extension_manager=readonly", "--allow-root"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start:\n{(tmp / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, token, book
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.mark.first
def test_a_chapter_runs_in_jupyterlab(lab: tuple[str, str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    base, token, book = lab
    page_errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", lambda route: route.continue_() if urlparse(route.request.url).hostname == "127.0.0.1"
                       else route.abort())  # fmt: skip
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            page.goto(f"{base}/lab/tree/{CHAPTER}?token={token}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
            page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext.session", timeout=120_000)  # fmt: skip
            # Run all cells and wait for the last one, then save (the file is then read back below).
            page.evaluate("""async () => {
                const panel = window.jupyterapp.shell.currentWidget;
                await panel.sessionContext.ready;
                await window.jupyterapp.commands.execute("notebook:run-all-cells");
                await window.jupyterapp.commands.execute("docmanager:save");
            }""")
            page.wait_for_function("""() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                .every((p) => !p.textContent.includes('*'))""", timeout=300_000)  # fmt: skip

            # No error output (read from the saved notebook: every output, however it is drawn).
            saved = json.loads((book / CHAPTER).read_text())
            errors = [o for c in saved["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
            assert errors == [], [e.get("ename") for e in errors]
            executed = [c for c in saved["cells"] if c["cell_type"] == "code" and c.get("execution_count")]
            assert len(executed) == sum(c["cell_type"] == "code" for c in saved["cells"])

            # The kernel-free figure: drawn by Vega as SVG inside the output, its fallback text replaced.
            figure = page.locator(".jp-OutputArea-output div.cnnviz-vega").first
            figure.scroll_into_view_if_needed()
            page.wait_for_selector(".jp-OutputArea-output div.cnnviz-vega[data-rendered='true'] svg", timeout=60_000)
            assert figure.locator("svg").count() >= 1
            assert figure.locator("input[type='range']").count() >= 1  # its sliders, without a kernel

            # The prose shows its numbers: nothing unresolved in what is rendered (Markdown cells and outputs;
            # the prose cells' own code, with its {{name}} placeholders, is their input, not what they show).
            rendered = page.locator(".jp-MarkdownCell .jp-RenderedMarkdown, .jp-OutputArea-output")
            text = "\n".join(rendered.all_inner_texts())
            for unresolved in ("{{", "{glue", "{cite", "{doc}", "```{"):
                assert unresolved not in text, f"{CHAPTER} shows {unresolved!r} to the reader"
            prose_outputs = [o for c in saved["cells"] if re.search(r"\b(prose|paragraph)\(", "".join(c["source"]))
                             for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})]  # fmt: skip
            assert prose_outputs, f"{CHAPTER}: no prose cell displayed its sentences"
            numbers = {n for o in prose_outputs for n in re.findall(r"\d{1,3}(?:,\d{3})+", "".join(o["data"]["text/markdown"]))}
            missing = sorted(n for n in numbers if n not in text)
            assert numbers and missing == [], f"{CHAPTER}: the prose's numbers not on the screen: {missing}"

            # A live slider: move it with the keyboard; the explorer's readout changes.
            explorer = page.locator(".jp-OutputArea-output .widget-vbox").filter(has=page.locator(".widget-slider")).first
            explorer.scroll_into_view_if_needed()
            output = explorer.locator(".widget-output").first
            page.wait_for_function("(el) => el.innerText.trim().length > 0", arg=output.element_handle(), timeout=60_000)
            before = output.inner_text()
            readout = explorer.locator(".widget-readout").first
            value = readout.inner_text()
            explorer.locator(".noUi-handle").first.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_function("([el, old]) => el.innerText !== old", arg=[output.element_handle(), before],
                                   timeout=60_000)  # fmt: skip
            assert readout.inner_text() != value
            figure.scroll_into_view_if_needed()
            SHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOT))
        finally:
            browser.close()
    assert page_errors == []
