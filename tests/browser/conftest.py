"""Serve the built site on 127.0.0.1 and drive Debian's Chromium against it with Playwright.

Every request that leaves 127.0.0.1 is aborted and recorded, so a page that needs the network fails.
"""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest

from tests.browser.site import SITE

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site at {SITE}: run `make book` (or `make test`, which builds it) first")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium not found: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageProblems:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"HTTP {m}" for m in self.bad_responses]
            + [f"external request blocked: {m}" for m in self.external_requests]
        )


@pytest.fixture
def open_page(browser, site_url):
    """open_page(path) -> (page, problems): the page loaded with the network cut off at 127.0.0.1."""
    contexts = []

    def _open(path: str):
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        problems = PageProblems()

        def route(route_):
            host = urlparse(route_.request.url).hostname
            if host == "127.0.0.1":
                route_.continue_()
            else:
                problems.external_requests.append(route_.request.url)
                route_.abort()

        page.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and problems.console_errors.append(m.text))
        page.on("pageerror", lambda e: problems.page_errors.append(str(e)))
        page.on("response", lambda r: r.status >= 400 and problems.bad_responses.append(f"{r.status} {r.url}"))
        response = page.goto(f"{site_url}/{path}", wait_until="networkidle")
        assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
        return page, problems

    yield _open
    for context in contexts:
        context.close()

