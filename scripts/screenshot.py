"""Take the README's screenshot of a page of the built site (headless Chromium, served from 127.0.0.1)."""

import argparse
import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("page", help="path of the page inside _build/html, e.g. book/vgg.html")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--scroll-to", default=None, help="CSS selector to scroll into view first")
    args = parser.parse_args()

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(ROOT / "_build" / "html"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{args.page}", wait_until="networkidle")
            if page.locator("div.cnnviz-vega").count():  # kernel-free figures render after load
                page.wait_for_selector("div.cnnviz-vega[data-rendered=true]")
            if args.scroll_to:
                page.locator(args.scroll_to).first.scroll_into_view_if_needed()
            page.screenshot(path=str(args.out))
            browser.close()
    finally:
        server.shutdown()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
