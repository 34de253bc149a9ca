"""What the kernel-free figures' tests read off a Vega-Lite spec: its views, their widths and their title lines."""

from __future__ import annotations

from typing import Any

# The keys under which a view holds further views (concatenations, layers, a facet's or a repeat's view).
_NESTED = ("vconcat", "hconcat", "concat", "layer")


def views(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every view of ``spec``, the spec itself first, with the views its concatenations and layers hold."""
    out = [spec]
    children = [child for key in _NESTED for child in spec.get(key, [])]
    if isinstance(spec.get("spec"), dict):
        children.append(spec["spec"])
    for child in children:
        out += views(child)
    return out


def widths(spec: dict[str, Any]) -> list[int]:
    """The widths of the views of ``spec`` that set one in pixels."""
    return [v["width"] for v in views(spec) if isinstance(v.get("width"), int)]


def title_lines(spec: dict[str, Any]) -> list[str]:
    """Every line of every view's title and subtitle (a title given as one string is one line)."""
    lines: list[str] = []
    for view in views(spec):
        title = view.get("title")
        if isinstance(title, str):
            lines.append(title)
        elif isinstance(title, dict):
            for key in ("text", "subtitle"):
                text = title.get(key, [])
                lines += [text] if isinstance(text, str) else text
    return lines
