"""The site build's parallel reading (``scripts/build_site.py``); the build itself runs in ``make site``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from jupyter_book import sphinx
from jupyter_book.config import get_final_config
from sphinx.application import Sphinx

from scripts import build_site

ROOT = Path(__file__).resolve().parents[1]


def test_jobs_reach_sphinx(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = {}
    monkeypatch.setattr(sphinx, "build_sphinx", lambda *args, jobs=None, **kwargs: seen.setdefault("jobs", jobs))
    build_site.with_jobs(2)
    sphinx.build_sphinx("src", "out")
    assert seen == {"jobs": 2}


def test_no_jobs_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="--jobs 0: give 1 or more"):
        build_site.with_jobs(0)


def test_every_extension_of_the_book_allows_parallel_reading_and_writing(tmp_path: Path, monkeypatch) -> None:
    """Sphinx set up as the build sets it up (the book's configuration, two processes): an extension that
    does not declare itself parallel-safe would make it warn (an error under -W) and read serially."""
    monkeypatch.syspath_prepend(str(ROOT / "book" / "_ext"))
    config, _ = get_final_config(user_yaml=ROOT / "_config.yml", sourcedir=ROOT,
                                 cli_config={"latex_individualpages": False})  # fmt: skip
    assert "myst_nb" in config["extensions"] and "cnnviz_site" in config["extensions"]
    warnings = io.StringIO()
    app = Sphinx(str(ROOT), None, str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
                 confoverrides=config, status=None, warning=warnings, parallel=2)  # fmt: skip
    assert app.is_parallel_allowed("read") and app.is_parallel_allowed("write"), warnings.getvalue()
    assert "parallel" not in warnings.getvalue()
