"""The book's citation keys in words: ``he2016deep`` -> "He et al. 2016", for text a reader sees (a claim's
source) rather than a bibliography.

The authors and years come from the book's bibliography, ``cnnviz/references.bib``, the one place they are
written: one author gives "Krizhevsky 2014", two "Zagoruyko and Komodakis 2016", more "He et al. 2016"; where
two entries would read alike, they get a letter in the bibliography's order ("He et al. 2016a", "2016b").
The bibliography is package data, so an installed copy (Colab's ``pip install``) reads the same file;
:func:`labels` of a path with no file is empty, and :func:`readable` then leaves keys as they are.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

__all__ = ["BIBLIOGRAPHY", "labels", "readable"]

BIBLIOGRAPHY = Path(__file__).resolve().parents[1] / "references.bib"  # package data: Colab has it too

_ENTRY = re.compile(r"^@\w+\{([^,\s]+),(.*?)^\}", re.M | re.S)
_ACCENTS = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303"}


def _field(body: str, name: str) -> str | None:
    """The value of field ``name`` of a BibTeX entry's body (braced, one level of inner braces)."""
    found = re.search(rf"\b{name}\s*=\s*\{{((?:[^{{}}]|\{{[^{{}}]*\}})*)\}}", body, flags=re.I)
    return found.group(1) if found else None


def _plain(tex: str) -> str:
    """BibTeX text without its markup: ``Doll{\\'a}r`` -> "Dollár"."""
    import unicodedata

    text = re.sub(r"\{?\\([\'`\"^~])\{?(\w)\}?\}?", lambda m: m.group(2) + _ACCENTS[m.group(1)], tex)
    return unicodedata.normalize("NFC", text.replace("{", "").replace("}", ""))


def _surname(author: str) -> str:
    """The surname of one author: "He, Kaiming" -> "He"; "van der Maaten, Laurens" -> "van der Maaten"."""
    author = author.strip()
    return author.split(",")[0].strip() if "," in author else author.split()[-1]


def _label(authors: str, year: str) -> str:
    names = [_surname(a) for a in re.split(r"\s+and\s+", _plain(authors)) if a.strip()]
    if len(names) > 2:
        return f"{names[0]} et al. {year}"
    return f"{' and '.join(names)} {year}"


@functools.cache
def labels(path: Path = BIBLIOGRAPHY) -> dict[str, str]:
    """Every key of the bibliography at ``path`` with its label ("He et al. 2016a"); empty where there is no
    file. An entry without author or year is an error that names it."""
    if not path.is_file():
        return {}
    found: dict[str, str] = {}
    for key, body in _ENTRY.findall(path.read_text(encoding="utf-8")):
        authors, year = _field(body, "author"), _field(body, "year")
        if not authors or not year:
            raise ValueError(f"{path.name}: entry {key!r} needs an author and a year to be cited in words")
        found[key] = _label(authors, year.strip())
    alike: dict[str, list[str]] = {}
    for key, label in found.items():
        alike.setdefault(label, []).append(key)
    for label, keys in alike.items():
        if len(keys) > 1:
            for letter, key in zip("abcdefghijklmnopqrstuvwxyz", keys, strict=False):
                found[key] = label + letter
    return found


def readable(text: str, path: Path = BIBLIOGRAPHY) -> str:
    """``text`` with each citation key of the bibliography replaced by its label: "huang2017densely, Sec. 5"
    -> "Huang et al. 2017, Sec. 5". Words that are not keys stay as they are."""
    known = labels(path)
    if not known:
        return text
    return re.sub(r"\b[a-z][a-z-]*\d{4}[a-z]+\b", lambda m: known.get(m.group(0), m.group(0)), text)
