"""Options shared by the whole suite."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden", action="store_true", default=False,
        help="rewrite the golden files (rendered tables, DOT sources) instead of comparing with them",
    )  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``first`` run before the others (a stable sort, the rest keep their order): on pytest-xdist's
    workers the longest tests then start early, instead of one of them leaving a worker running alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("first") is None)
