"""``--regen-golden``: rewrite the golden files under tests/render/golden instead of comparing with them.

Use it as ``pytest tests/render --regen-golden`` (pytest reads this conftest's options only when
tests/render or a file in it is named on the command line); ``CNNVIZ_REGEN_GOLDEN=1`` works from anywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    try:
        parser.addoption("--regen-golden", action="store_true", default=False, help="rewrite golden files")
    except ValueError:  # already added by another conftest
        pass


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """``golden(filename, text)``: compare ``text`` with the golden file, or rewrite it."""
    regen = bool(request.config.getoption("--regen-golden", default=False)) or os.environ.get(
        "CNNVIZ_REGEN_GOLDEN"
    ) == "1"

    def check(filename: str, text: str) -> None:
        path = GOLDEN / filename
        if regen:
            GOLDEN.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"missing golden file {path}; run `pytest tests/render --regen-golden`"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"{filename} differs from its golden file; if intended, use --regen-golden"

    return check
