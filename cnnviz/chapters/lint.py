"""A lint for comparison words typed beside numbers: they must come from :mod:`cnnviz.chapters.words`.

The rule, exactly:

1. **The words.** :data:`WORDS`, matched case-insensitively on word boundaries (a two-word phrase with any
   run of whitespace between its words): only, far, half, most, many times, about twice, more than, less
   than, fewer, larger, smaller.
2. **The sentences.** A text is cut into blocks of lines: a blank line ends a block; a Markdown heading
   (``#`` to ``######`` and a space) and a table row (a line that starts with ``|``) are blocks of their
   own; a list item (a line that starts with ``-``, ``*``, ``+`` or a number and ``.`` or ``)``, then a
   space) starts a block. A table row is cut again at every ``|``. A block is cut into sentences after every
   ``.``, ``!`` or ``?`` that is followed by whitespace (so "Fig. 3" and "1. seven" are cut too).
3. **A number.** A sentence has a number when it holds a digit, a Prose placeholder (``{{name}}``), a
   replacement field of an f-string, or a ``str.format`` field (``{name}``, ``{name.attr}``,
   ``{name:spec}``) in a Python string.
4. **A finding** is a word of rule 1 in a sentence of rule 2 that has a number of rule 3.
5. **What is read.** (a) Every string literal of every module of ``cnnviz/chapters/`` except ``words.py``
   (the module that picks the words): an f-string is read as one text, its replacement fields standing for
   numbers (so the words that :mod:`~cnnviz.chapters.words` returns into a field are never findings); the
   arguments of ``require(...)`` are skipped (they say what a check guards, and no reader sees them unless
   it fails).
   (b) In the notebook ``book/<chapter>.ipynb`` of every chapter on the layer (not in ``PENDING``): each
   Markdown cell, and in each code cell the string arguments of calls named ``prose``, ``Markdown`` or
   ``Paragraph`` (the templates and text a cell displays). A code cell that does not parse as Python
   (after IPython's ``%`` and ``!`` lines are blanked) is read for none.

A sentence that needs one of the words beside a number gets it from :mod:`cnnviz.chapters.words`:
``compare``, ``comparative``, ``only``, ``far`` and ``share`` pick it by stated thresholds, and drop it or
change it when the numbers change. :func:`lint_chapters` reads the package and the notebooks; ``tests/chapters/test_prose_lint.py``
fails on any finding.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["WORDS", "Finding", "has_number", "lint_chapters", "lint_module", "lint_notebook", "lint_text",
           "sentences"]  # fmt: skip

WORDS = (
    "only", "far", "half", "most", "many times", "about twice", "more than", "less than", "fewer", "larger",
    "smaller",
)  # fmt: skip
WORD_PICKER = "words.py"  # the module that picks the words: exempt
DISPLAY_CALLS = ("prose", "Markdown", "Paragraph")  # notebook calls whose string arguments a reader sees

_WORD = re.compile(r"\b(" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in WORDS) + r")\b", re.I)
_FIELD = "\x00"  # an f-string's replacement field, while its text is read
_NUMBER = re.compile(r"\d|\{\{\s*[A-Za-z_]\w*\s*\}\}|" + _FIELD)
_FORMAT_FIELD = re.compile(r"(?<!\{)\{[A-Za-z_][\w.]*(?:![rsa])?(?::[^{}]*)?\}(?!\})")
_OWN_LINE = re.compile(r"[ \t]*(?:#{1,6}\s|\|)")  # a heading or a table row: a block of its own
_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d+[.)])\s")  # a list item: starts a block
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Finding:
    where: str  # "cnnviz/chapters/resnext.py:120" or "book/resnext.ipynb, cell 20"
    word: str  # as written
    sentence: str  # whitespace collapsed; an f-string's fields shown as {…}

    def __str__(self) -> str:
        return f"{self.where}: {self.word!r} beside a number, not from cnnviz.chapters.words: {self.sentence}"


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences by rule 2 of the module docstring."""
    blocks: list[list[str]] = []
    alone = True  # the previous line ends its block (a heading, a table row, a blank line)
    for line in text.split("\n"):
        own, blank = bool(_OWN_LINE.match(line)), not line.strip()
        if own or blank or alone or _ITEM.match(line):
            blocks.append([])
        blocks[-1].append(line)
        alone = own or blank
    out = []
    for block in ("\n".join(lines) for lines in blocks):
        cells = block.split("|") if block.lstrip().startswith("|") else [block]
        for cell in cells:
            out += [s for s in _SENTENCE_END.split(cell) if s.strip()]
    return out


def has_number(sentence: str, *, python: bool = False) -> bool:
    """Whether ``sentence`` has a number by rule 3 (``python``: also ``str.format`` fields)."""
    return bool(_NUMBER.search(sentence) or (python and _FORMAT_FIELD.search(sentence)))


def lint_text(text: str, where: str, *, python: bool = False) -> list[Finding]:
    """The findings of one text (a Markdown cell, a template, an f-string read with its fields marked)."""
    found = []
    for sentence in sentences(text):
        if has_number(sentence, python=python):
            for match in _WORD.finditer(sentence):
                shown = " ".join(sentence.replace(_FIELD, "{…}").split())
                found.append(Finding(where, match.group(0), shown))
    return found


def _read_string(node: ast.expr) -> str | None:
    """A string literal's text (an f-string's fields marked as numbers), or None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else _FIELD for v in node.values)
    return None


def _is_call_to(node: ast.AST, names: tuple[str, ...]) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id in names) or (isinstance(func, ast.Attribute) and func.attr in names)


def _strings(tree: ast.AST, *, skip_calls: tuple[str, ...] = ()) -> list[tuple[int, str]]:
    """Every string literal under ``tree`` (an f-string once, not its parts), with its line; the
    arguments of calls named in ``skip_calls`` left out."""
    out: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if skip_calls and _is_call_to(node, skip_calls):
            visit(node.func)  # type: ignore[attr-defined]
            return
        text = _read_string(node) if isinstance(node, ast.expr) else None
        if text is not None:
            out.append((node.lineno, text))  # type: ignore[attr-defined]
            if isinstance(node, ast.JoinedStr):  # its fields may hold strings of their own
                for value in node.values:
                    if isinstance(value, ast.FormattedValue):
                        visit(value.value)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return out


def lint_module(path: Path, label: str | None = None) -> list[Finding]:
    """The findings in the string literals of one Python module (rule 5a)."""
    label = label or str(path)
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    found = []
    for line, text in _strings(tree, skip_calls=("require",)):
        found += lint_text(text, f"{label}:{line}", python=True)
    return found


def _code(source: str) -> str:
    """A code cell's source with IPython's magics and shell lines blanked, so that ``ast`` reads it."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def lint_notebook(path: Path, label: str | None = None) -> list[Finding]:
    """The findings of one notebook (rule 5b): its Markdown cells and the strings it displays."""
    label = label or str(path)
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    found = []
    for index, cell in enumerate(cells):
        source = "".join(cell.get("source", ""))
        where = f"{label}, cell {index}"
        if cell.get("cell_type") == "markdown":
            found += lint_text(source, where)
        elif cell.get("cell_type") == "code":
            try:
                tree = ast.parse(_code(source))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if _is_call_to(node, DISPLAY_CALLS):
                    for argument in node.args:  # type: ignore[attr-defined]
                        for line, text in _strings(argument):
                            found += lint_text(text, f"{where}, line {line}", python=True)
    return found


def lint_chapters(root: Path, package: Path | None = None) -> list[Finding]:
    """Every finding of the chapter layer: the modules of ``cnnviz/chapters/`` (``package``, by default the
    installed one) and the notebooks under ``root/book/`` of the chapters on the layer."""
    from cnnviz.chapters import CHAPTER_MODULES

    package = Path(package or Path(__file__).parent)
    found = []
    for module in sorted(package.glob("*.py")):
        if module.name != WORD_PICKER:
            found += lint_module(module, f"cnnviz/chapters/{module.name}")
    for chapter in CHAPTER_MODULES:
        notebook = Path(root) / "book" / f"{chapter}.ipynb"
        found += lint_notebook(notebook, f"book/{chapter}.ipynb")
    return found
