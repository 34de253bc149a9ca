"""What ``check`` answers: right or not, and a message that says why."""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Feedback:
    exercise: str
    correct: bool
    message: str
    working: str = ""  # Markdown: how a right answer is reached (computed exercises that have a working)

    def __str__(self) -> str:
        return self.message + (f"\n\n{self.working}" if self.working else "")

    def _repr_markdown_(self) -> str:
        text = ("✅ " if self.correct else "❌ ") + self.message
        return text + (f"\n\n**Working:** {self.working}" if self.working else "")

    def _repr_html_(self) -> str:
        colour = "#009E73" if self.correct else "#D55E00"  # Okabe–Ito green / vermillion
        mark = "✅" if self.correct else "❌"
        working = ""
        if self.working:
            from cnnviz.interact.exercises.page import working_html

            working = working_html(self.working)
        return (f'<div style="border-left:4px solid {colour};padding-left:0.6em"><p>{mark} '
                f"{html.escape(self.message)}</p>{working}</div>")  # fmt: skip
