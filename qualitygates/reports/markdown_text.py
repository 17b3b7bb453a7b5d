"""Text as the Markdown reports write it: escaped, on one line, never a mention or HTML."""

from __future__ import annotations

import html
import re

from qualitygates.model import Status

MAX_CELL = 300  # characters of a message shown in a table cell

ICONS = {
    Status.PASSED: "✅",
    Status.WARNED: "⚠️",
    Status.FAILED: "❌",
    Status.ERROR: "⛔",
    Status.SKIPPED: "⏭️",
}
SEVERITY_ICONS = {
    "critical": "🔴",
    "high": "🟠",
    "medium": "🟡",
    "low": "🔵",
    "info": "⚪",
    "unknown": "⚫",
}
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MENTION = re.compile(r"(?<![\w.])@(?=\w)")  # @name after a word is no mention: a@b


def escape(text: str, limit: int = MAX_CELL) -> str:
    """`text` as inline Markdown on one line: no table break, no HTML, no @mention."""
    text = _shorten(" ".join(text.split()), limit)
    text = html.escape(text, quote=False)
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return _MENTION.sub("@\u2060", text)  # a word joiner keeps GitHub from notifying anyone


def code(text: str, limit: int = MAX_CELL) -> str:
    """`text` as a code span that is safe inside a table cell."""
    text = _shorten(" ".join(text.split()), limit)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
