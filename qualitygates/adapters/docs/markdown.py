"""A Markdown file as the docs adapter sees it: headings, their sections, links, anchors.

Parsed with markdown-it-py (CommonMark plus tables), never with regular expressions over
the source, so headings inside code blocks, setext headings and reference links come out
as GitHub renders them. Anchors follow GitHub's slugs (github-slugger): lower case,
everything but letters, digits, marks, `_`, `-` and spaces dropped, spaces turned into
`-`, and `-1`, `-2`, ... appended to repeats.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualitygates.adapters._io import decode_text, read_bytes

#: Markdown files are read whole; a runbook larger than this is not a runbook.
MAX_MARKDOWN_BYTES = 16 * 1024 * 1024

# Leading section numbers: "3. ", "3.1 ", "3.1.2) ", "IV. " is left alone on purpose.
_NUMBERING = re.compile(r"^\s*\d+(?:\.\d+)*[.)]?\s+")
# Explicit HTML anchors (`<a name="x">`, `<span id="x">`) that links may also target.
_HTML_ANCHOR = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass
class Section:
    """A heading and the text written directly under it (up to the next heading)."""

    title: str
    level: int
    line: int  # 1-based
    slug: str
    blocks: list[str] = field(default_factory=list)
    has_children: bool = False


@dataclass(frozen=True)
class Link:
    """A link or image target written in the file, with the line it is on."""

    target: str
    line: int


@dataclass
class Document:
    """The parts of one Markdown file the docs checks need."""

    sections: list[Section]
    links: list[Link]
    anchors: set[str]


def normalize_title(title: str) -> str:
    """How headings are compared: numbering dropped, case folded, spaces collapsed."""
    text = _NUMBERING.sub("", title)
    text = " ".join(text.split()).strip(" :.").casefold()
    return text


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading with this text (before de-duplication)."""
    kept = (ch for ch in text.lower() if _slug_keeps(ch))
    return "".join(kept).replace(" ", "-")


def _slug_keeps(ch: str) -> bool:
    return ch in "-_ " or unicodedata.category(ch)[0] in "LNM"


def parse_markdown(path: Path) -> Document:
    """Parse one Markdown file (raises AdapterError when it cannot be read)."""
    from markdown_it import MarkdownIt  # lazy: only the docs adapter needs it

    text = decode_text(read_bytes(path, MAX_MARKDOWN_BYTES), path)
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    return _Builder().build(tokens)


class _Builder:
    """Walks the token stream once, filling sections, links and anchors."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.links: list[Link] = []
        self.anchors: set[str] = set()
        self.seen_slugs: dict[str, int] = {}
        self.in_heading = False

    def build(self, tokens: list[Any]) -> Document:
        for index, token in enumerate(tokens):
            self._token(token, tokens[index + 1] if index + 1 < len(tokens) else None)
        return Document(self.sections, self.links, self.anchors)

    def _token(self, token: Any, following: Any) -> None:
        if token.type == "heading_open":
            self._open_heading(token, following)
        elif token.type == "heading_close":
            self.in_heading = False
        elif token.type == "inline":
            self._inline(token)
        elif token.type in ("fence", "code_block"):
            self._add_block(token.content)
        elif token.type == "html_block":
            self.anchors.update(a.lower() for a in _HTML_ANCHOR.findall(token.content))
            self._add_block(_HTML_COMMENT.sub("", token.content))

    def _open_heading(self, token: Any, inline: Any) -> None:
        title = _plain_text(inline.children or []) if inline is not None else ""
        level = int(token.tag[1:])
        for earlier in reversed(self.sections):
            if earlier.level < level:
                earlier.has_children = True
                break
        slug = self._unique_slug(github_slug(title.strip()))
        self.anchors.add(slug)
        line = token.map[0] + 1 if token.map else 0
        self.sections.append(Section(title.strip(), level, line, slug))
        self.in_heading = True

    def _unique_slug(self, slug: str) -> str:
        # github-slugger: a repeat gets -1, -2, ... and every result is reserved.
        result = slug
        while result in self.seen_slugs:
            self.seen_slugs[slug] += 1
            result = f"{slug}-{self.seen_slugs[slug]}"
        self.seen_slugs[result] = 0
        return result

    def _inline(self, token: Any) -> None:
        line = token.map[0] + 1 if token.map else 0
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                self.links.append(Link(str(child.attrGet("href") or ""), line))
            elif child.type == "image":
                self.links.append(Link(str(child.attrGet("src") or ""), line))
            elif child.type == "html_inline":
                self.anchors.update(a.lower() for a in _HTML_ANCHOR.findall(child.content))
        if not self.in_heading:
            self._add_block(_HTML_COMMENT.sub("", token.content))

    def _add_block(self, text: str) -> None:
        if self.sections:
            self.sections[-1].blocks.append(text)


def _plain_text(children: list[Any]) -> str:
    """A heading's text as GitHub slugs it: text and code, without the markup."""
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_plain_text(child.children or []))
    return "".join(parts)
