"""A chapter's sentences with the numbers cnnviz computed, readable wherever the notebook runs.

A chapter computes a figure in a code cell and cites it in a sentence. The sentence cannot be a Markdown
cell with a build-time substitution: JupyterLab, Notebook 7, VS Code and Colab do not resolve those, so a
student running the notebook would read placeholders. Instead the chapter collects its numbers in a
:class:`Prose` and displays each such paragraph from a code cell (tagged ``remove-input`` on the site)::

    prose = Prose()
    prose.glue("googlenet_reduced_macs", f"{reduced.macs:,}")
    prose("The six convolutions cost {{googlenet_reduced_macs}} multiply-adds.")

The result is plain Markdown (with ``$math$`` and, for boxes, raw HTML ``<div class="admonition ...">``),
which the site and every notebook front end render the same way. A placeholder without a value, or a
Sphinx role that only a book build would resolve, is an error rather than a sentence with a hole in it.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import dataclass, field

__all__ = ["Paragraph", "Prose", "unresolved_markup"]

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
# What only a Sphinx build resolves: roles ({cite:p}`key`, {glue:text}`name`, {doc}`page`) and directive
# fences (```{admonition}, ```{literalinclude}); a plain notebook front end shows them verbatim.
_ROLE = re.compile(r"(?<![\w`])\{[a-z][a-z0-9_-]*(?::[a-z][a-z0-9_-]*)?\}`[^`\n]+`")
_DIRECTIVE = re.compile(r"^\s*(```+|:::+)\s*\{[a-z][a-z0-9_-]*\}", re.M)


def unresolved_markup(markdown: str) -> list[str]:
    """The Sphinx roles and directive fences in ``markdown`` that a plain notebook would show verbatim."""
    found = [m.group(0) for m in _ROLE.finditer(markdown)]  # e.g. {cite:p}`he2016deep`
    found += [m.group(0).strip() for m in _DIRECTIVE.finditer(markdown)]
    return found


@dataclass(frozen=True)
class Paragraph:
    """Markdown to display: JupyterLab, Colab and the book's build all render ``text/markdown``."""

    markdown: str

    def __str__(self) -> str:
        return self.markdown

    def _repr_markdown_(self) -> str:
        return self.markdown


@dataclass
class Prose:
    """The numbers one chapter cites, by name, and the paragraphs that cite them."""

    numbers: dict[str, str] = field(default_factory=dict)

    def glue(self, name: str, value: object) -> None:
        """Remember ``value`` (shown with ``str``) under ``name``; running a cell again replaces it."""
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"Prose.glue(name={name!r}): a name is letters, digits and underscores")
        self.numbers[name] = str(value)

    def __getitem__(self, name: str) -> str:
        return self.numbers[name]

    def fill(self, template: str) -> str:
        """``template`` with every ``{{name}}`` replaced by its number."""
        missing = sorted({m.group(1) for m in _PLACEHOLDER.finditer(template)} - self.numbers.keys())
        if missing:
            known = ", ".join(sorted(self.numbers)) or "none yet"
            raise KeyError(f"Prose: no number named {', '.join(missing)}; run the cells above first (known: {known})")
        markup = unresolved_markup(template)
        if markup:
            raise ValueError(
                f"Prose: {', '.join(markup)} is Sphinx markup that a notebook shows verbatim; "
                "write a plain Markdown link, a citation in text or an HTML admonition instead"
            )
        return _PLACEHOLDER.sub(lambda m: self.numbers[m.group(1)], textwrap.dedent(template).strip("\n"))

    def __call__(self, template: str) -> Paragraph:
        """The paragraph, ready to display: ``prose("... {{name}} ...")`` as the last line of a cell."""
        return Paragraph(self.fill(template))

    @staticmethod
    def source(obj: object, start_at: str | None = None, end_at: str | None = None) -> Paragraph:
        """The source code of a class, function or module of cnnviz, as a highlighted code block.

        This is how a chapter shows the code it measures: the code is read from the installed package, so
        the page shows exactly what ran. ``start_at``/``end_at`` keep the lines from the first line that
        contains ``start_at`` to the next that contains ``end_at`` (both included), e.g. a table of a module.
        """
        try:
            code = inspect.getsource(obj)  # type: ignore[arg-type]
        except (TypeError, OSError) as error:
            raise ValueError(f"Prose.source(obj={obj!r}): no source available ({error})") from None
        if start_at is not None or end_at is not None:
            lines = code.splitlines()
            first = next((i for i, line in enumerate(lines) if start_at is None or start_at in line), None)
            if first is None:
                raise ValueError(f"Prose.source(start_at={start_at!r}): no such line in {getattr(obj, '__name__', obj)}")
            last = next((i for i in range(first, len(lines)) if end_at is None or end_at in lines[i]), None)
            if last is None:
                raise ValueError(f"Prose.source(end_at={end_at!r}): no such line after {start_at!r}")
            code = "\n".join(lines[first : last + 1 if end_at is not None else len(lines)])
        return Paragraph(f"```python\n{textwrap.dedent(code).rstrip()}\n```")
