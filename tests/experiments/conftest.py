"""Shared by the training tests: one torch thread per test module."""

import pytest
import torch


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    # Two threads fight over a shared 2-core machine; one is faster there. Restored afterwards.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
