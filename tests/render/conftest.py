"""``golden(path, text)``: compare rendered output with its golden file, or rewrite it with
``pytest --regen-golden`` (or ``CNNVIZ_REGEN_GOLDEN=1``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    regen = bool(request.config.getoption("--regen-golden")) or os.environ.get("CNNVIZ_REGEN_GOLDEN") == "1"

    def check(path: Path, text: str) -> None:
        if regen:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"missing golden file {path}; run `pytest --regen-golden`"
        assert text == path.read_text(encoding="utf-8"), f"{path.name} differs from its golden file (--regen-golden)"

    return check
