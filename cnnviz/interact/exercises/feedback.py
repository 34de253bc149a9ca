"""What ``check`` answers, and how an answer a student types is read and judged.

One rule reads answers, here and in the book's answer boxes (``book/_assets/cnnviz-exercises.js`` implements
the same steps; ``tests/interact/answer_cases.py`` holds the cases both must agree on).

**Reading** (:func:`read_answer`). An answer is a number, then optionally a power of ten, then optionally a
unit:

- the number: digits with at most one point for decimals (``0.5``, ``.5``, ``116.``); thousands may be
  grouped in threes by commas, spaces or underscores (``51,200``, ``51 200``, ``51_200``), one kind throughout;
  a sign may lead (``-3``, ``+3``, ``−3``);
- the power of ten: ``1.2e6``, ``1.2E+6``, ``1.2×10^6`` (also ``x``, ``*``, ``·``; ``**`` for ``^``;
  ``10⁶``), or a suffix: ``k``/``K``/``thousand`` (10³), ``M``/``million`` (10⁶), ``G``/``billion`` (10⁹);
- the unit: where the exercise's answer is in pixels, ``px``/``pixel(s)``; where it is in bytes, ``B``,
  ``kB``, ``MB``, ``GB`` (powers of 1000) and ``KiB``, ``MiB``, ``GiB`` (powers of 1024), converted to bytes;
  where the answer is not a whole number, ``%`` (``44.37%`` is 0.4437). Any other word is refused, never
  dropped: the message says to type the number alone.

Refused, with what to type instead: an ambiguous point (``51.200``: 51200 or 51.2?; one to three digits, a
point, exactly three digits, and no power of ten after), points grouping thousands (``445.644.800``), a
decimal comma (``1,16``, ``0,5``), groups not in threes (``1,23,456``), two points (``1.2.3``), a lower-case
``m`` (milli or million?), ``KB`` (1000 or 1024?), a percentage for a whole-number answer, nothing at all.

**Judging** (:func:`judge`). *Right*: the number equals the computed value (whole numbers: exactly; an
exercise with a tolerance: within that relative error). *Close*: not right, but the computed value rounded to
the significant figures typed is the number typed, i.e. it differs by at most half a unit in the last digit
typed, and at least two figures were typed. Every digit typed counts except leading zeros: ``51.2k`` and
``5.12e4`` have three, ``51200`` has five, ``0.0045`` two. *Wrong*: otherwise, with which way it is off.
"""

from __future__ import annotations

import html
import math
import numbers
import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["ANSWER_UNITS", "VERDICTS", "Feedback", "Reading", "judge", "read_answer", "read_number",
           "verdict_badge", "verdict_sentence"]  # fmt: skip

RIGHT, CLOSE, WRONG, UNREAD = "right", "close", "wrong", "unread"
VERDICTS = {RIGHT: "Right", CLOSE: "Close", WRONG: "Wrong", UNREAD: "Not read"}  # the word shown with each
ANSWER_UNITS = ("", "px", "B")  # what an exercise's answer may be in: a plain number, pixels, bytes
MIN_CLOSE_FIGURES = 2  # fewer typed figures are never "close"
CLOSE_SLACK = 1e-9  # relative slack on "half a unit in the last digit", for computed values like 43.549999...

_SPACE = " \t\n\r\u00a0\u2009\u202f"
_GROUPING = ",_ \u00a0\u2009\u202f"
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
_TYPED = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "\u2212": "-"})  # fullwidth digits, −
_BODY = re.compile("(?:[0-9]|\\.[0-9])[0-9.,_ \u00a0\u2009\u202f]*")
_E_POWER = re.compile("[eE]([+-]?[0-9]{1,4})")
_TIMES = "(?:×|x|X|\\*|·|⋅)[ \u00a0]*10"
_TIMES_POWER = re.compile(_TIMES + "[ \u00a0]*(?:\\^|\\*\\*)[ \u00a0]*([+-]?[0-9]{1,4})")
_TIMES_SUPERSCRIPT = re.compile(_TIMES + "([⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4})")
_WORD = re.compile("[A-Za-z]+")
SCALES = {"k": 3, "K": 3, "thousand": 3, "M": 6, "million": 6, "G": 9, "billion": 9}
PIXELS = ("px", "pixel", "pixels")  # any case
BYTES = {
    "B": (0, 0),
    "byte": (0, 0),
    "bytes": (0, 0),
    "kB": (3, 0),
    "MB": (6, 0),
    "GB": (9, 0),
    "KiB": (0, 1),
    "MiB": (0, 2),
    "GiB": (0, 3),
}  # unit: (power of 10, power of 1024)
EXAMPLES = "51200, 51,200, 51.2k or 5.12e4"


@dataclass(frozen=True)
class Reading:
    """An answer as read: its value, how many significant figures were typed and half a unit in the last
    typed digit (both in the answer's unit), or why it was not read."""

    text: str  # as typed, trimmed
    value: float | None = None
    figures: int = 0
    half_unit: float = 0.0
    refusal: str = ""  # '' when read


def _quote(text: str) -> str:
    return f"\u201c{text}\u201d"


def _refuse(text: str, why: str) -> Reading:
    return Reading(text, refusal=why)


def _strip(text: str) -> str:
    return text.strip(_SPACE)


def _digits_only(text: str) -> str:
    return "".join(c for c in text if c in "0123456789.")


def _decimal(int_digits: str, frac: str) -> str:
    """The shorter of int.frac with trailing zeros of frac dropped: '51', '200' -> '51.2'; '1', '000' -> '1'."""
    frac = frac.rstrip("0")
    return f"{int_digits or '0'}.{frac}" if frac else int_digits or "0"


def _number_body(text: str, body: str) -> tuple[str, str, str] | Reading:
    """The integer digits, fraction digits (None: no point) and group separator of a number's body."""
    points = body.count(".")
    grouping = {c for c in body if c in _GROUPING}
    if points > 1:
        if not grouping and re.fullmatch("[1-9][0-9]{0,2}(\\.[0-9]{3})+", body):
            plain = body.replace(".", "")
            return _refuse(text, f"{_quote(body)}: a point marks decimals here; for thousands type {plain} "
                           f"or {int(plain):,}.")  # fmt: skip
        return _refuse(text, f"{_quote(body)} has more than one point: type one number with at most one "
                       "decimal point, e.g. 1.25.")  # fmt: skip
    int_part, point, frac = body.partition(".")
    if "," in frac:  # 1.234,5: points for thousands, a comma for decimals
        whole, _, decimals = body.rpartition(",")
        return _refuse(text, f"{_quote(body)}: type a point for decimals and nothing (or commas) between "
                       f"thousands: {_digits_only(whole).replace('.', '')}.{decimals}.")  # fmt: skip
    if any(c in _GROUPING for c in frac):
        return _refuse(text, f"{_quote(body)}: group digits in threes before the point only: "
                       f"{_digits_only(body)}.")  # fmt: skip
    if not grouping:
        return int_part, frac if point else None, ""
    groups = re.split("[" + _GROUPING + "]", int_part)
    if (
        len(grouping) == 1
        and re.fullmatch("[1-9][0-9]{0,2}", groups[0])
        and all(re.fullmatch("[0-9]{3}", g) for g in groups[1:])
    ):
        return "".join(groups), frac if point else None, grouping.pop()
    if (
        grouping == {","}
        and len(groups) == 2
        and not point
        and all(re.fullmatch("[0-9]+", g) for g in groups)
    ):
        plain = "" if groups[0].startswith("0") else f"; without it: {groups[0]}{groups[1]}"
        return _refuse(text, f"{_quote(body)}: a comma groups thousands in threes (as in 51,200); for a "
                       f"decimal type a point: {groups[0]}.{groups[1]}{plain}.")  # fmt: skip
    return _refuse(text, f"{_quote(body)}: group digits in threes (51,200 or 51 200), or type them without "
                   f"separators: {_digits_only(body)}.")  # fmt: skip


def read_answer(text: str, unit: str = "", whole: bool = False) -> Reading:
    """Read a typed answer by the rule of this module's docstring.

    ``unit`` is what the exercise's answer is in ('' a plain number, 'px' pixels, 'B' bytes); ``whole`` says
    the answer is a whole number (a count), for which a percentage is refused.
    """
    if unit not in ANSWER_UNITS:
        raise ValueError(f"read_answer: unit must be one of {ANSWER_UNITS}, got {unit!r}")
    typed = _strip(str(text).translate(_TYPED))
    if not typed:
        return _refuse(typed, f"type a number, e.g. {EXAMPLES}.")
    sign, rest = ("-" if typed[0] == "-" else "", _strip(typed[1:])) if typed[0] in "+-" else ("", typed)
    match = _BODY.match(rest)
    if match is None:
        return _refuse(typed, f"{_quote(typed)} is not a number: type digits, e.g. {EXAMPLES}.")
    body = match.group(0).rstrip(_GROUPING)
    tail = _strip(rest[len(body) :])
    parsed = _number_body(typed, body)
    if isinstance(parsed, Reading):
        return parsed
    int_digits, frac, _ = parsed
    exponent, binary, scaled = 0, 0, False
    power = _E_POWER.match(tail) or _TIMES_POWER.match(tail)
    superscript = None if power else _TIMES_SUPERSCRIPT.match(tail)
    word = None if power or superscript else _WORD.match(tail)
    if power or superscript:
        exponent = int((power or superscript).group(1).translate(_SUPERSCRIPT))
        tail, scaled = _strip(tail[(power or superscript).end() :]), True
    elif word and word.group(0) in SCALES:
        exponent = SCALES[word.group(0)]
        tail, scaled = _strip(tail[word.end() :]), True
    elif word and word.group(0) == "m":
        return _refuse(
            typed, f"{_quote('m')} could mean milli or million: type M for million, k for thousand."
        )
    number = _strip(typed[: len(typed) - len(tail)]) if tail else typed  # what was typed, less any unit
    if scaled and (tail in SCALES or tail[:1] in ("×", "x", "X", "*", "·", "⋅")):
        return _refuse(typed, f"{_quote(typed)}: give the power of ten once, e.g. 1.2e6 or 1.2M.")
    if tail.startswith(("^", "**")):
        return _refuse(typed, f"{_quote(typed)}: write a power of ten as 1e6 or 1×10^6.")
    if not scaled and frac is not None and re.fullmatch("[1-9][0-9]{0,2}\\.[0-9]{3}", body):
        plain = int_digits + frac
        return _refuse(typed, f"{_quote(body)} could mean {plain} or {_decimal(int_digits, frac)}: type "
                       f"{plain} (or {int(plain):,}) for the first, {_decimal(int_digits, frac)} for the "
                       "second.")  # fmt: skip
    if tail == "%":
        if whole:
            return _refuse(typed, f"this answer is a whole number, not a percentage: type it without %, e.g. "
                           f"{_strip(number)}.")  # fmt: skip
        exponent -= 2
    elif tail.lower() in PIXELS and unit == "px":
        pass
    elif tail in BYTES and unit == "B":
        exponent, binary = exponent + BYTES[tail][0], BYTES[tail][1]
    elif tail == "KB" and unit == "B":
        return _refuse(typed, f"{_quote('KB')} could be 1000 or 1024 bytes: type kB (1000) or KiB (1024).")
    elif tail:
        alone = f"type the number alone, without {_quote(tail)}: {number}."
        if tail in BYTES or tail == "KB":
            return _refuse(typed, f"this answer is not a size in bytes; {alone}")
        return _refuse(typed, alone)
    frac = frac or ""
    scale = 1024.0**binary
    value = float(f"{sign}{int_digits or '0'}.{frac or '0'}e{exponent}") * scale
    if not math.isfinite(value):
        return _refuse(typed, f"{_quote(typed)} is too large to read.")
    figures = len((int_digits + frac).lstrip("0"))
    half_unit = float(f"5e{exponent - len(frac) - 1}") * scale
    return Reading(typed, value, figures, half_unit)


def read_number(value: numbers.Real, unit: str = "", whole: bool = False) -> Reading:
    """A Python number as an answer: an int as its digits (all significant), a float as the shortest
    decimal that gives it back (``4.254925e8`` has seven figures; trailing zeros of a float do not count)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"read_number: value must be an int or a float, got {type(value).__name__}")
    if isinstance(value, numbers.Integral):
        text, shown = str(int(value)), f"{int(value):,}"
    else:
        value = float(value)
        if not math.isfinite(value):
            return _refuse(repr(value), f"{value!r} is not a number: type digits, e.g. {EXAMPLES}.")
        text, shown = format(Decimal(repr(value)).normalize(), "E"), repr(value)
    reading = read_answer(text, unit, whole)
    return Reading(shown, reading.value, reading.figures, reading.half_unit, reading.refusal)


def judge(reading: Reading, expected: float, rel_tol: float = 0.0, whole: bool = False) -> tuple[str, str]:
    """The verdict (right, close, wrong, unread) on a reading and what to say after the verdict's word."""
    if reading.refusal:
        return UNREAD, reading.refusal
    given, expected = reading.value, float(expected)
    off = abs(given - expected)
    right = given == expected if rel_tol == 0 else off <= rel_tol * max(abs(given), abs(expected))
    if right:
        return RIGHT, ""
    if reading.figures >= MIN_CLOSE_FIGURES and off <= reading.half_unit * (1 + CLOSE_SLACK):
        more = "it is a whole number: type every digit." if whole else "give it to more figures."
        return (
            CLOSE,
            f"{reading.text} agrees with the answer to {reading.figures} significant figures; {more}",
        )
    if given < 0 <= expected:
        return WRONG, f"{reading.text} is negative; the answer is not."
    return WRONG, f"{reading.text} is too {'large' if given > expected else 'small'}."


def verdict_sentence(verdict: str, detail: str) -> str:
    """The verdict's word and what follows it, as one line: 'Right.', 'Close: 445.6M is ...'."""
    return VERDICTS[verdict] + (f": {detail}" if detail else ".")


# Badge colours: white text on each (contrast 4.5:1 or more, WCAG AA), the same in light and dark themes, so
# the word reads whatever the page behind it; the site's stylesheet (cnnviz.css) uses the same colours.
BADGE_COLOURS = {RIGHT: "#00704f", CLOSE: "#8a5a00", WRONG: "#b0301c", UNREAD: "#595959"}


def verdict_badge(verdict: str) -> str:
    """The verdict's word as a badge with its own background (readable on light and dark pages alike)."""
    style = f"background:{BADGE_COLOURS[verdict]};color:#ffffff;padding:0 0.35em;border-radius:3px"
    return f'<strong class="cnnviz-verdict cnnviz-verdict-{verdict}" style="{style}">{VERDICTS[verdict]}</strong>'


@dataclass(frozen=True)
class Feedback:
    exercise: str
    correct: bool
    message: str  # begins with the verdict's word: "Right: ...", "Close: ...", "Wrong: ...", "Not read: ..."
    working: str = ""  # Markdown: how a right answer is reached (computed exercises that have a working)
    verdict: str = ""  # right, close, wrong or unread; '' : right if correct, else wrong

    @property
    def status(self) -> str:
        return self.verdict or (RIGHT if self.correct else WRONG)

    def _detail(self) -> str:
        word = VERDICTS[self.status]
        return self.message[len(word) :].lstrip(":. ") if self.message.startswith(word) else self.message

    def __str__(self) -> str:
        return self.message + (f"\n\n{self.working}" if self.working else "")

    def _repr_markdown_(self) -> str:
        text = f"**{VERDICTS[self.status]}.** {self._detail()}".rstrip()
        return text + (f"\n\n**Working:** {self.working}" if self.working else "")

    def _repr_html_(self) -> str:
        colour = BADGE_COLOURS[self.status]
        working = ""
        if self.working:
            from cnnviz.interact.exercises.page import working_html

            working = working_html(self.working)
        return (f'<div class="cnnviz-feedback" data-verdict="{self.status}" style="border-left:4px solid '
                f'{colour};padding-left:0.6em"><p>{verdict_badge(self.status)} {html.escape(self._detail())}</p>'
                f"{working}</div>")  # fmt: skip
