"""Shared fixtures of the model tests."""

import pytest

from tests.models import helpers


@pytest.fixture(autouse=True, scope="module")
def _free_cached_models():
    """Big networks built by ``helpers.build`` live for one test module, not the whole session."""
    yield
    helpers.build.cache_clear()
