"""Screenshot a page of the built site (headless Chromium, served from 127.0.0.1).

With no options it takes the README's screenshot. For reading a page as REVIEW.md asks::

    python -m scripts.screenshot book/vgg.html --full-page --width 1280 --dark --out vgg-1280-dark.png
    python -m scripts.screenshot book/vgg.html --full-page --width 390 --out vgg-390.png
"""

import argparse
import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", help="path of the page inside the site, e.g. book/vgg.html")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html", help="the built site's folder")
    parser.add_argument("--scroll-to", default=None, help="CSS selector to scroll into view first")
    parser.add_argument("--width", type=int, default=1280, help="viewport width in CSS pixels (390: a phone)")
    parser.add_argument("--dark", action="store_true", help="the theme's dark mode")
    parser.add_argument("--full-page", action="store_true", help="the whole page, not the first screen")
    args = parser.parse_args()
    if args.width < 200:
        parser.error(f"--width {args.width}: give a viewport width of at least 200 pixels")
    if not (args.site / args.page).is_file():
        parser.error(f"page {args.page!r}: no such file in {args.site} (build the site first)")

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(args.site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": args.width, "height": 860},
                                    color_scheme="dark" if args.dark else "light")
            # The book theme keeps the reader's choice in localStorage; set it before the page's scripts run.
            mode = "dark" if args.dark else "light"
            page.add_init_script(f"localStorage.setItem('theme', '{mode}'); localStorage.setItem('mode', '{mode}');")
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{args.page}", wait_until="networkidle")
            if page.locator("div.cnnviz-vega").count():  # kernel-free figures render after load
                page.wait_for_selector("div.cnnviz-vega[data-rendered=true]")
            if args.scroll_to:
                page.locator(args.scroll_to).first.scroll_into_view_if_needed()
            page.screenshot(path=str(args.out), full_page=args.full_page)
            browser.close()
    finally:
        server.shutdown()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
