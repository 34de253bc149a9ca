"""The one formatter: each format pinned with the strings the tables, diagrams, claims and timeline print."""

from __future__ import annotations

import pytest

from cnnviz.format import (
    chw,
    compact_count,
    compare,
    count,
    hwc,
    lecture_bytes,
    lecture_memory,
    megabytes,
    pair,
    percent,
    short_count,
    si_count,
    times,
)


@pytest.mark.parametrize(
    "n, text",
    [(0, "0"), (1_728, "1,728"), (61_100_840, "61,100,840"), (3.0, "3"), (1_234.5678, "1,234.57")],
)
def test_count_is_exact(n, text):
    assert count(n) == text


@pytest.mark.parametrize(
    "n, text",  # the lecture's VGG16 table: 150K, 3.2M, 15M, 138M; tables.lecture_table's goldens
    [(0, "0"), (4096, "4096"), (9_999, "9999"), (25_088, "25K"), (150_528, "150K"), (802_816, "800K"),
     (1_605_632, "1.6M"), (3_211_264, "3.2M"), (15_237_608, "15M"), (138_357_544, "138M"),
     (15_470_264_320, "15G")],
)  # fmt: skip
def test_short_count_rounds_as_the_lecture(n, text):
    assert short_count(n) == text


@pytest.mark.parametrize(
    "n, text",  # diagram labels and titles
    [(9_999, "9,999"), (10_000, "10K"), (25_088, "25.1K"), (61_100_840, "61.1M"), (138_357_544, "138M"),
     (15_470_264_320, "15.5G")],
)  # fmt: skip
def test_compact_count_keeps_three_significant_figures(n, text):
    assert compact_count(n) == text


@pytest.mark.parametrize(
    "n, text",  # the claims' "actual" column: 61,100,840 (61.1M)
    [(999, "999"), (34_848, "34.8k"), (138_357_544, "138.4M"), (15_470_264_320, "15.5G"), (1_234.5, "1.2k")],
)
def test_si_count(n, text):
    assert si_count(n) == text


@pytest.mark.parametrize(
    "shape, kwargs, text",
    [
        ((64, 224, 224), {}, "224x224x64"),  # the lecture's H x W x C
        ((96, 55, 27), {}, "55x27x96"),
        ((4096,), {}, "4096"),
        ((4096,), {"vector_as_volume": True}, "1x1x4096"),  # the lecture's VGG table: FC as a volume
        ((256, 13, 13), {"sep": "×"}, "13×13×256"),  # diagram labels
        ((1, 2, 3, 4), {}, "1x2x3x4"),
        ((), {}, ""),
        (None, {"sep": "×"}, ""),
    ],
)
def test_hwc(shape, kwargs, text):
    assert hwc(shape, **kwargs) == text


def test_chw():
    assert (chw((3, 224, 224)), chw((10,)), chw(()), chw((3, 32, 32), "×")) == ("3x224x224", "10", "", "3×32×32")


@pytest.mark.parametrize(
    "value, text", [((3, 3), "3"), ((1, 2), "1x2"), ((0.5, 0.5), "0.5"), ((1.0, 2.0), "1x2"), ((1 / 3, 1 / 3), "0.33"), (None, "")]
)
def test_pair(value, text):
    assert pair(value) == text


def test_lecture_memory_and_bytes():
    assert lecture_memory((3, 224, 224), 150_528) == "224*224*3=150K"
    assert lecture_memory((64, 224, 224), 3_211_264) == "224*224*64=3.2M"
    assert lecture_memory((4096,), 4096) == "4096"
    assert lecture_memory((1000,), 25_088) == "25K"
    assert (lecture_bytes(60_950_432), lecture_bytes(96_000_000), lecture_bytes(4096)) == ("61MB", "96MB", "4096 bytes")
    assert (megabytes(60_950_432), megabytes(60_950_432, 0)) == ("61.0 MB", "61 MB")


def test_percent():
    assert (percent(0.164), percent(0.0357), percent(0.07), percent(0.0)) == ("16.4%", "3.57%", "7%", "0%")
    assert (percent(0.067, 2), percent(0.164, 1)) == ("6.70%", "16.4%")


@pytest.mark.parametrize(
    ("a", "b", "words"),
    [(2.2, 3.0, "less than"), (3.5, 3.0, "more than"), (3.1, 3.0, "about the same as"), (2.9, 3.0, "about the same as")],
)
def test_compare_chooses_the_words(a, b, words):
    assert compare(a, b) == words


def test_compare_custom_words_and_errors():
    assert compare(10, 1, more="bigger than", less="smaller than") == "bigger than"
    assert compare(1.0, 1.5, tolerance=0.5) == "about the same as"
    with pytest.raises(ValueError, match="b must be non-zero"):
        compare(1, 0)


def test_times():
    assert times(6_379_728, 6_998_552) == "0.91×"
    assert times(3, 1) == "3×"
    assert times(1, 3, 3) == "0.333×"
    assert times(2604, 10, 0) == "260×" and times(200, 1, 1) == "200×"  # a whole number keeps its zeros
    with pytest.raises(ValueError, match="b must be non-zero"):
        times(1, 0)
