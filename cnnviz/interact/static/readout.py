"""An explorer's readout, written once: each line is a tuple of parts, rendered in Python (the text the chapter
and its tests read) and as a Vega expression (what the kernel-free figure draws as the sliders move).

A part is a string, or one of the classes below. :func:`text` and :func:`expr` are the two renderings; a test
that compares them on every row of a figure (as the chapters' tests do) keeps the page and the figure saying
the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cnnviz.interact.static.base import readout_lines

__all__ = ["Either", "Field", "When", "expr", "layer", "optional", "plural", "quote", "text"]


@dataclass(frozen=True)
class Field:
    """A row's field; ``fmt`` is "", "," or a precision such as ".1f": the same in Python's format() and
    d3-format."""

    name: str
    fmt: str = ""


@dataclass(frozen=True)
class When:
    """``then`` where ``test(row)`` holds (``vega`` is the same test as a Vega expression over ``datum``),
    else ``other``."""

    test: Callable[[dict[str, Any]], bool]
    vega: str
    then: tuple[Any, ...]
    other: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Either:
    """A row's text field, or, where the row lacks it, the parts of ``otherwise``."""

    name: str
    otherwise: tuple[Any, ...] = ()


def optional(name: str) -> Either:
    """A text field that only some rows have: nothing where a row lacks it."""
    return Either(name)


def plural(field: str, one: str, many: str) -> When:
    """``one`` where the row's ``field`` is 1, else ``many``."""
    return When(lambda row: row[field] == 1, f"datum.{field} == 1", (one,), (many,))


def text(parts: Sequence[Any], row: dict[str, Any]) -> str:
    """The line as the page writes it for ``row``."""
    out = ""
    for part in parts:
        if isinstance(part, Field):
            out += format(row[part.name], part.fmt)
        elif isinstance(part, When):
            out += text(part.then if part.test(row) else part.other, row)
        elif isinstance(part, Either):
            out += row[part.name] if part.name in row else text(part.otherwise, row)
        elif isinstance(part, str):
            out += part
        else:
            raise TypeError(f"a readout part must be a string, Field, When or Either, not {part!r}")
    return out


def quote(value: str) -> str:
    """``value`` as a Vega string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def expr(parts: Sequence[Any]) -> str:
    """The line as a Vega expression over ``datum`` (the figure's current row)."""
    terms = []
    for part in parts:
        if isinstance(part, Field):
            # '' + keeps a number that starts the line from being added to the next number
            terms.append(f"format(datum.{part.name}, '{part.fmt}')" if part.fmt else f"('' + datum.{part.name})")
        elif isinstance(part, When):
            terms.append(f"(({part.vega}) ? {expr(part.then)} : {expr(part.other)})")
        elif isinstance(part, Either):
            terms.append(f"(isValid(datum.{part.name}) ? datum.{part.name} : {expr(part.otherwise)})")
        elif isinstance(part, str):
            terms.append(quote(part))
        else:
            raise TypeError(f"a readout part must be a string, Field, When or Either, not {part!r}")
    return " + ".join(terms) if terms else "''"


def layer(alt: Any, current: Any, exprs: Sequence[str], width: int, names: Sequence[str]) -> Any:
    """The readout: one text line per expression, over ``current`` (the chart filtered to the sliders' row),
    each a named view (the browser tests find a line by its name)."""
    if len(exprs) != len(names):
        raise ValueError(f"layer: {len(exprs)} expressions but {len(names)} names; give one name per line")
    views = [
        readout_lines(alt, current.transform_calculate(line=str(i), text=line), len(exprs), width, name)
        for i, (line, name) in enumerate(zip(exprs, names, strict=True))
    ]
    return alt.layer(*views)
