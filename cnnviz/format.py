"""How the book writes numbers: counts, shapes, byte sizes, percentages.

One home for every number format, importable from every layer (models, analysis, render, interact):

    count(61_100_840)                 '61,100,840'   exact, with thousands separators
    short_count(3_211_264)            '3.2M'         the lecture's rounding: 150K, 3.2M, 138M, 15G
    compact_count(61_100_840)         '61.1M'        three significant figures (diagram labels)
    si_count(138_357_544)             '138.4M'       one decimal and an SI prefix (k, M, G)
    hwc((64, 224, 224))               '224x224x64'   the lecture's H x W x C order
    chw((3, 224, 224))                '3x224x224'    PyTorch's C x H x W order
    pair((3, 3)), pair((1, 2))        '3', '1x2'     a kernel, stride or padding
    lecture_memory((64, 224, 224), n) '224*224*64=3.2M'
    lecture_bytes(60_950_432)         '61MB'
    megabytes(60_950_432)             '61.0 MB'
    percent(0.0357)                   '3.57%'

Pure functions of their arguments, no locale: the golden files of the tables pin these strings.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "count",
    "short_count",
    "compact_count",
    "si_count",
    "hwc",
    "chw",
    "pair",
    "lecture_memory",
    "lecture_bytes",
    "megabytes",
    "percent",
    "compare",
    "times",
]


# --- counts ---------------------------------------------------------------------------------------


def count(n: float) -> str:
    """Exact, with thousands separators: 1234 -> "1,234"; a fraction keeps two decimals: "1,234.57"."""
    if isinstance(n, int):
        return f"{n:,}"
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.2f}"


def short_count(n: int) -> str:
    """A count as the lecture writes it: 4096, 25K, 150K, 800K, 3.2M, 24M, 138M, 15G.

    Exact below 10,000 (no separator); thousands to two significant figures (150,528 -> 150K); millions
    and billions with one decimal below 10 (3.2M) and rounded to a whole number above (138M).
    """
    if n < 10_000:
        return str(n)
    if n < 1_000_000:  # two significant figures: 150,528 -> 150K, 802,816 -> 800K
        digits = len(str(n))
        return f"{round(n, 2 - digits) // 1000}K"
    unit, scale = ("G", 10**9) if n >= 10**9 else ("M", 10**6)
    value = n / scale
    return f"{value:.1f}{unit}" if value < 10 else f"{round(value)}{unit}"


def compact_count(n: int) -> str:
    """Three significant figures with K, M or G: 25,088 -> "25.1K", 61,100,840 -> "61.1M"; exact with
    separators below 10,000 ("9,999")."""
    if n < 10_000:
        return f"{n:,}"
    for suffix, scale in (("G", 10**9), ("M", 10**6), ("K", 10**3)):
        if n >= scale:
            return f"{n / scale:.3g}{suffix}"
    raise AssertionError("unreachable: n >= 10,000 has a suffix")


def si_count(n: float) -> str:
    """One decimal and an SI prefix: 138,357,544 -> "138.4M", 34,848 -> "34.8k"; below 1,000 as
    :func:`count`."""
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= scale:
            return f"{n / scale:.1f}{suffix}"
    return count(n)


# --- shapes ---------------------------------------------------------------------------------------


def hwc(shape: Sequence[int] | None, sep: str = "x", *, vector_as_volume: bool = False) -> str:
    """A (C, H, W) shape in the lecture's H x W x C order: (64, 224, 224) -> "224x224x64".

    A vector (N,) reads "N", or "1x1xN" with ``vector_as_volume`` (the lecture's VGG table writes an FC
    output as a 1x1 volume); any other shape is joined in its own order; no shape is "". ``sep="×"`` for
    figures.
    """
    if not shape:
        return ""
    if len(shape) == 3:
        c, h, w = shape
        return f"{h}{sep}{w}{sep}{c}"
    if len(shape) == 1 and vector_as_volume:
        return f"1{sep}1{sep}{shape[0]}"
    return sep.join(map(str, shape))


def chw(shape: Sequence[int] | None, sep: str = "x") -> str:
    """A shape in its own (PyTorch's C x H x W) order: (3, 224, 224) -> "3x224x224"; no shape is ""."""
    return sep.join(map(str, shape)) if shape else ""


def pair(value: Sequence[float] | None) -> str:
    """A kernel size, stride or padding (h, w): "3" when square, "1x2" otherwise; fractions rounded to
    two decimals (a receptive field's stride can be 0.5); None is ""."""
    if value is None:
        return ""
    a, b = (int(v) if float(v).is_integer() else round(v, 2) for v in value)
    return str(a) if a == b else f"{a}x{b}"


# --- the lecture's memory notation and byte sizes -------------------------------------------------


def lecture_memory(shape: Sequence[int], n: int) -> str:
    """An activation volume as the lecture's tables write it: "224*224*64=3.2M"; a vector as its count."""
    if len(shape) == 3:
        c, h, w = shape
        return f"{h}*{w}*{c}={short_count(n)}"
    return short_count(n)


def lecture_bytes(n: int) -> str:
    """Bytes in the lecture's decimal units: 60,950,432 -> "61MB" (as its "24M * 4 bytes ~ 96MB");
    below 10,000 "4096 bytes"."""
    text = short_count(n)
    return f"{text}B" if text[-1] in "KMG" else f"{text} bytes"


def megabytes(n: float, decimals: int = 1) -> str:
    """Bytes in decimal megabytes: 60,950,432 -> "61.0 MB" (``decimals=0``: "61 MB")."""
    return f"{n / 1e6:.{decimals}f} MB"


# --- percentages ----------------------------------------------------------------------------------


def percent(fraction: float, decimals: int | None = None) -> str:
    """A fraction as a percentage: 0.164 -> "16.4%", 0.0357 -> "3.57%", 0.07 -> "7%" (as many decimals as
    the figure has, at most two); ``decimals`` fixes them: percent(0.067, 2) -> "6.70%"."""
    if decimals is not None:
        return f"{100 * fraction:.{decimals}f}%"
    return f"{100 * fraction:.2f}".rstrip("0").rstrip(".") + "%"


# --- comparisons: the words of a sentence that compares two computed numbers -------------------------------


def compare(a: float, b: float, *, tolerance: float = 0.05, more: str = "more than", less: str = "less than",
            same: str = "about the same as") -> str:
    """The words that compare ``a`` with ``b``: ``more`` if ``a`` exceeds ``b`` by more than ``tolerance``
    (a fraction of ``b``), ``less`` if it falls short by more than that, ``same`` otherwise.

    A sentence takes its comparison from here ("training needs 2.2 GB, {compare(...)} the 3 GB of one
    card"), so a changed number changes the words instead of leaving a false sentence.
    compare(2.2, 3) -> "less than"; compare(3.1, 3) -> "about the same as".
    """
    if b == 0 or tolerance < 0:
        raise ValueError(f"compare(a={a!r}, b={b!r}, tolerance={tolerance!r}): b must be non-zero and "
                         "tolerance at least 0")
    if a > b * (1 + tolerance):
        return more
    if a < b * (1 - tolerance):
        return less
    return same


def times(a: float, b: float, digits: int = 2) -> str:
    """``a`` as a multiple of ``b``: times(6_379_728, 6_998_552) -> "0.91×" (at most ``digits`` decimals)."""
    if b == 0:
        raise ValueError(f"times(a={a!r}, b={b!r}): b must be non-zero")
    text = f"{a / b:.{digits}f}"
    if "." in text:  # trailing zeros of the decimals only: 260 stays 260
        text = text.rstrip("0").rstrip(".")
    return text + "×"
