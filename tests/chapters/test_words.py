"""The comparison words: each rule at and just past its threshold."""

from __future__ import annotations

import pytest

from cnnviz.chapters.words import AMOUNT, COUNT, LEVEL, SIZE, comparative, compare, far, only, share


@pytest.mark.parametrize(
    ("a", "b", "word"),
    [
        (2, 1, "twice"), (1.8, 1, "about twice"), (2.2, 1, "about twice"), (1.79, 1, "more than"),
        (2.21, 1, "more than"),
        (1, 2, "half"), (0.45, 1, "about half"), (0.55, 1, "about half"), (0.44, 1, "less than"),
        (0.56, 1, "less than"),
        (5, 1, "many times"), (4.99, 1, "more than"), (100, 1, "many times"),
        (1.05, 1, "about the same as"), (0.95, 1, "about the same as"), (1, 1, "about the same as"),
        (1.06, 1, "more than"), (0.94, 1, "less than"),
        (0.1, 1, "less than"),  # no "many times" downwards: a small fraction is "less than"
    ],
)  # fmt: skip
def test_compare_thresholds(a: float, b: float, word: str):
    assert compare(a, b) == word


@pytest.mark.parametrize(
    ("kind", "more", "less"),
    [(COUNT, "more than", "fewer than"), (AMOUNT, "more than", "less than"), (SIZE, "larger than", "smaller than"),
     (LEVEL, "higher than", "lower than")],
)  # fmt: skip
def test_compare_kinds(kind: str, more: str, less: str):
    assert compare(13, 10, kind) == more
    assert compare(7, 10, kind) == less


def test_the_resnext_numbers_pick_their_words():
    assert compare(68_155_210, 34_426_698, COUNT) == "about twice"  # ResNeXt-29 16×64d against 8×64d
    assert compare(39, 32, SIZE) == "larger than"  # its receptive field against the image, not "many times"
    assert compare(25_028_904, 25_557_032, COUNT) == "about the same as"  # within 5% ...
    assert compare(25_028_904, 25_557_032, COUNT, same=0.01) == "fewer than"  # ... not within 1%
    assert compare(50, 101) == "about half"


def test_multiples_off_keeps_to_comparatives():
    assert compare(2, 1, LEVEL, multiples=False) == "higher than"
    assert compare(0.5, 1, LEVEL, multiples=False) == "lower than"
    assert compare(10, 1, multiples=False) == "more than"


def test_comparative():
    assert comparative(-653_056, 0, COUNT) == "fewer"
    assert comparative(124_928, 0, COUNT) == "more"
    assert comparative(16, 20, LEVEL) == "lower"
    assert comparative(2, 1, SIZE) == "larger"
    with pytest.raises(ValueError, match="equal"):
        comparative(3, 3)


def test_only_at_its_threshold():
    assert only(16, of=64) == "only 16"  # exactly a quarter
    assert only(17, of=64) == "17"
    assert only(4, of=64, shown="4 channels") == "only 4 channels"
    assert only(24, of=64, shown="24 channels") == "24 channels"
    assert only(5, of=10, at_most=0.5) == "only 5"


def test_far_at_its_threshold():
    assert far(1e-5, 1e-4) == "far below"  # exactly ten times
    assert far(1.1e-5, 1e-4) == "below"
    assert far(10, 1) == "far above"
    assert far(9.9, 1) == "above"
    assert far(2e-6, 1e-4, below="under") == "far under"
    with pytest.raises(ValueError, match="equal"):
        far(1, 1)


@pytest.mark.parametrize(
    ("part", "whole", "word"),
    [(10, 10, "all"), (0.56, 1, "most"), (0.551, 1, "most"), (0.55, 1, "about half"), (0.45, 1, "about half"),
     (0.44, 1, "part"), (0, 1, "none"), (122_028_032, 141_295_616, "most")],
)  # fmt: skip
def test_share_thresholds(part: float, whole: float, word: str):
    assert share(part, whole) == word


@pytest.mark.parametrize(
    "call",
    [lambda: compare(1, 0), lambda: compare(-1, 1), lambda: compare(1, 1, "weight"), lambda: compare(float("nan"), 1),
     lambda: compare(True, 1), lambda: only(1, of=0), lambda: far(0, 1), lambda: share(2, 1), lambda: share(1, 0)],
)  # fmt: skip
def test_bad_numbers_are_refused(call):
    with pytest.raises(ValueError):
        call()
