"""Where the built site is, and which pages it has (read from the build, not from a hand list)."""

import os
from pathlib import Path

# The site `make book` builds; CNNVIZ_SITE points the browser tests at another build of it.
SITE = Path(os.environ.get("CNNVIZ_SITE", Path(__file__).resolve().parents[2] / "_build" / "html"))


def site_pages() -> list[str]:
    """Every HTML page of the built site, as paths relative to its root."""
    if not SITE.is_dir():
        return []
    skip = {"_static", "_sources", "_images"}
    return sorted(
        str(p.relative_to(SITE)) for p in SITE.rglob("*.html") if not skip & set(p.relative_to(SITE).parts)
    )
