"""The words of a sentence that compares numbers, picked from the numbers.

A chapter's sentence never types "about twice", "half", "many times", "more than", "fewer", "larger",
"only", "far" or "most" next to a number: it asks this module, which picks the word from the numbers by a
stated rule, so a changed number changes the word (or drops it) instead of leaving a false sentence.
:mod:`cnnviz.chapters.lint` fails the build on those words anywhere else in a sentence with a number.

The rules, with ``r = a / b`` (both positive):

=====================  ========================================================================
``compare(a, b)``      ``"twice"`` if r == 2; ``"about twice"`` if 1.8 <= r <= 2.2;
                       ``"half"`` if r == 0.5; ``"about half"`` if 0.45 <= r <= 0.55;
                       ``"many times"`` if r >= 5;
                       ``"about the same as"`` if |r - 1| <= 0.05 (``same``);
                       otherwise the comparative of ``kind`` and "than": ``"more than"`` /
                       ``"fewer than"`` (COUNT), ``"more than"`` / ``"less than"`` (AMOUNT),
                       ``"larger than"`` / ``"smaller than"`` (SIZE), ``"higher than"`` /
                       ``"lower than"`` (LEVEL). ``multiples=False`` skips the first three rules.
``comparative(a, b)``  the comparative alone, for "N fewer parameters than": ``"more"`` if a > b,
                       ``"fewer"`` (or less, smaller, lower) if a < b; equal numbers are an error.
``only(v, of=b)``      ``"only <v>"`` if 0 <= v <= 0.25 * b, else ``"<v>"``.
``far(a, b)``          ``"far above"`` / ``"far below"`` if one is at least 10 times the other,
                       else ``"above"`` / ``"below"``; equal numbers are an error.
``share(p, w)``        how much of ``w`` the part ``p`` is: ``"all"`` if p == w, ``"most"`` if
                       p / w > 0.55, ``"about half"`` if 0.45 <= p / w <= 0.55, ``"part"`` if
                       0 < p / w < 0.45, ``"none"`` if p == 0.
=====================  ========================================================================

Each threshold is compared with a slack of one part in a billion, so that floating-point rounding does not
move a ratio that sits on it (1.05 / 1 is within the 5% of "about the same as").

Every phrase from :func:`compare` reads before a noun phrase: "68.2M parameters, about twice the 34.4M of
8×64d" and "25.0M, fewer than ResNet-50's 25.6M" are both English, whichever phrase comes back. Examples::

    compare(68_155_210, 34_426_698, COUNT)   'about twice'
    compare(25_028_904, 25_557_032, COUNT)   'fewer than'
    compare(39, 32, SIZE)                    'larger than'
    compare(50, 101)                         'about half'
    only(4, of=64, shown="4 channels")       'only 4 channels'
    share(122, 141)                          'most'
"""

from __future__ import annotations

import math

__all__ = [
    "AMOUNT", "COUNT", "LEVEL", "SIZE", "FAR", "HALF", "MANY_TIMES", "MOST", "ONLY", "SAME", "TWICE",
    "compare", "comparative", "far", "only", "share",
]  # fmt: skip

# What the comparatives compare: things counted (parameters, blocks), amounts (work, memory), sizes
# (a receptive field, an image) and levels (an error rate).
COUNT, AMOUNT, SIZE, LEVEL = "count", "amount", "size", "level"
_COMPARATIVES = {
    COUNT: ("more", "fewer"),
    AMOUNT: ("more", "less"),
    SIZE: ("larger", "smaller"),
    LEVEL: ("higher", "lower"),
}

TWICE = (1.8, 2.2)  # "about twice": the ratio within this band (inclusive)
HALF = (0.45, 0.55)  # "about half"
MANY_TIMES = 5.0  # "many times": the ratio at least this
SAME = 0.05  # "about the same as": within this fraction of the other number
ONLY = 0.25  # "only": at most this fraction of the reference
FAR = 10.0  # "far": one number at least this many times the other
MOST = 0.55  # "most": more than this share (above the "about half" band)
# Thresholds are compared with this slack, so that a ratio meant to sit on a threshold (1.05 / 1) is not
# pushed off it by floating-point rounding.
_EPS = 1e-9


def _numbers(func: str, **values: float) -> None:
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"{func}({name}={value!r}): a finite number is needed")


def _kind(func: str, kind: str) -> tuple[str, str]:
    if kind not in _COMPARATIVES:
        raise ValueError(f"{func}(kind={kind!r}): kinds are {', '.join(_COMPARATIVES)}")
    return _COMPARATIVES[kind]


def compare(a: float, b: float, kind: str = AMOUNT, *, multiples: bool = True, same: float = SAME) -> str:
    """The phrase that puts ``a`` beside ``b``, by the rules of the module docstring (``b`` > 0, ``a`` >= 0).

    The phrase goes before ``b``'s noun phrase: f"ResNeXt-50 has 25.0M parameters, {compare(...)} ResNet-50's
    25.6M". ``multiples=False`` keeps to "about the same as" and the comparatives (for error rates, say,
    where "twice" reads oddly).
    """
    _numbers("compare", a=a, b=b, same=same)
    more, less = _kind("compare", kind)
    if b <= 0 or a < 0 or same < 0:
        raise ValueError(f"compare(a={a!r}, b={b!r}, same={same!r}): b must be positive, a and same not negative")
    r = a / b
    if multiples:
        if r == 2:
            return "twice"
        if TWICE[0] - _EPS <= r <= TWICE[1] + _EPS:
            return "about twice"
        if r == 0.5:
            return "half"
        if HALF[0] - _EPS <= r <= HALF[1] + _EPS:
            return "about half"
        if r >= MANY_TIMES - _EPS:
            return "many times"
    if abs(r - 1) <= same + _EPS:
        return "about the same as"
    return f"{more} than" if r > 1 else f"{less} than"


def comparative(a: float, b: float, kind: str = AMOUNT) -> str:
    """``"more"`` when ``a`` > ``b``, the kind's opposite (``"fewer"``, ``"less"``, ``"smaller"``,
    ``"lower"``) when ``a`` < ``b``: the word of "528,128 fewer parameters than ResNet-50". Equal numbers are
    an error, since the sentence states a difference."""
    _numbers("comparative", a=a, b=b)
    more, less = _kind("comparative", kind)
    if a == b:
        raise ValueError(f"comparative(a={a!r}, b={b!r}): the numbers are equal; the sentence states a difference")
    return more if a > b else less


def only(value: float, of: float, *, shown: str | None = None, at_most: float = ONLY) -> str:
    """``shown`` (default ``str(value)``) with "only" before it when ``value`` is at most ``at_most`` of
    ``of``: only(4, of=64, shown="4 channels") is "only 4 channels"; only(24, of=64) is "24"."""
    _numbers("only", value=value, of=of, at_most=at_most)
    if of <= 0 or value < 0:
        raise ValueError(f"only(value={value!r}, of={of!r}): of must be positive and value not negative")
    text = str(value) if shown is None else shown
    return f"only {text}" if value / of <= at_most + _EPS else text


def far(a: float, b: float, *, above: str = "above", below: str = "below", factor: float = FAR) -> str:
    """``above`` or ``below`` (``a`` against ``b``), with "far" before it when one is at least ``factor``
    times the other: far(1.9e-6, 1e-4) is "far below". Both positive; equal numbers are an error."""
    _numbers("far", a=a, b=b, factor=factor)
    if a <= 0 or b <= 0:
        raise ValueError(f"far(a={a!r}, b={b!r}): both must be positive")
    if a == b:
        raise ValueError(f"far(a={a!r}, b={b!r}): the numbers are equal; the sentence states a difference")
    word = above if a > b else below
    return f"far {word}" if max(a, b) / min(a, b) >= factor - _EPS else word


def share(part: float, whole: float) -> str:
    """How much of ``whole`` the ``part`` is: "all", "most", "about half", "part" or "none" (the rules of
    the module docstring), for "{share(...)} of the gap comes from the first blocks"."""
    _numbers("share", part=part, whole=whole)
    if whole <= 0 or not 0 <= part <= whole:
        raise ValueError(f"share(part={part!r}, whole={whole!r}): need 0 <= part <= whole and whole > 0")
    s = part / whole
    if part == whole:
        return "all"
    if s > MOST + _EPS:
        return "most"
    if HALF[0] - _EPS <= s <= HALF[1] + _EPS:
        return "about half"
    return "part" if s > 0 else "none"
