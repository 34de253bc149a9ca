"""Checks of the integer, probability, flag and choice parameters every layer takes.

Each check returns the value it accepts and otherwise raises a ``ValueError`` that names the callable, the
parameter, what is valid and the value it got, in the reader's words::

    >>> positive_int("alexnet", "towers", 0)
    Traceback (most recent call last):
    ValueError: alexnet: towers must be a positive integer, got 0

``where`` is the name the reader called (a registry name such as ``"resnet50"``, or a function such as
``"TrainConfig"``). ``bool`` is never accepted as a number: ``True`` is an int to Python, not to a reader.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TypeVar

__all__ = ["bad_parameter", "boolean", "integer", "one_of", "positive_int", "probability"]

T = TypeVar("T")


def bad_parameter(where: str, param: str, valid: str, value: object) -> ValueError:
    """The one wording of a bad parameter: ``"{where}: {param} must be {valid}, got {value!r}"``."""
    return ValueError(f"{where}: {param} must be {valid}, got {value!r}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def integer(where: str, param: str, value: object, *, minimum: int = 1, below: int | None = None) -> int:
    """``value`` if it is an int with ``minimum <= value`` (and ``value < below`` when given)."""
    if _is_int(value) and value >= minimum and (below is None or value < below):  # type: ignore[operator]
        return value  # type: ignore[return-value]
    if below is not None:
        valid = f"an integer in [{minimum}, {below})"
    else:
        valid = {1: "a positive integer", 0: "a non-negative integer"}.get(minimum, f"an integer >= {minimum}")
    raise bad_parameter(where, param, valid, value)


def positive_int(where: str, param: str, value: object) -> int:
    """``value`` if it is an int >= 1 (a channel count, a depth, a number of classes)."""
    return integer(where, param, value)


def probability(
    where: str, param: str, value: object, *, allow_zero: bool = True, allow_one: bool = True
) -> float:
    """``value`` as a float if it is a number in [0, 1]; ``allow_zero``/``allow_one`` close the ends."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok:
        ok = (value >= 0 if allow_zero else value > 0) and (value <= 1 if allow_one else value < 1)  # type: ignore[operator]
    if not ok:
        interval = f"{'[' if allow_zero else '('}0, 1{']' if allow_one else ')'}"
        raise bad_parameter(where, param, f"a number in {interval}", value)
    return float(value)  # type: ignore[arg-type]


def boolean(where: str, param: str, value: object) -> bool:
    """``value`` if it is ``True`` or ``False`` (not 1, 0 or a string)."""
    if not isinstance(value, bool):
        raise bad_parameter(where, param, "True or False", value)
    return value


def one_of(where: str, param: str, value: T, choices: Collection[T]) -> T:
    """``value`` if it is one of ``choices``; the message lists them (as ``repr``: 'grouped', 50)."""
    if value not in list(choices):  # by ==: an unhashable value is just not valid
        raise bad_parameter(where, param, f"one of {', '.join(map(repr, choices))}", value)
    return value
