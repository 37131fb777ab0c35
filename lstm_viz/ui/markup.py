"""Putting text that may come from a student (a typed sequence, a file name) into Markdown, as text.

Streamlit never renders HTML here (``unsafe_allow_html`` is never used for such text); these helpers
also keep Markdown from reading ``*``, ``_`` or backticks in it as formatting.
"""

from __future__ import annotations

MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!|<>$~"


def plain(text: str) -> str:
    """``text`` shown as written: every Markdown special character escaped."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in text)


def code(text: str) -> str:
    """``text`` as an inline code span (backticks, which would end the span, become ′; blanks are quoted)."""
    shown = text.replace("`", "′") if text.strip() else repr(text)
    return f"`{shown}`"
