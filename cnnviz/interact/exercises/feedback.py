"""What ``check`` answers: right or not, and a message that says why."""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Feedback:
    exercise: str
    correct: bool
    message: str

    def __str__(self) -> str:
        return self.message

    def _repr_markdown_(self) -> str:
        return ("✅ " if self.correct else "❌ ") + self.message

    def _repr_html_(self) -> str:
        colour = "#009E73" if self.correct else "#D55E00"  # Okabe–Ito green / vermillion
        mark = "✅" if self.correct else "❌"
        return f'<p style="border-left:4px solid {colour};padding-left:0.6em">{mark} {html.escape(self.message)}</p>'
