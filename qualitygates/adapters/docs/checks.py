"""The docs checks themselves: entries, sections, placeholders and links.

Each check returns `Problem`s; the adapter turns them into findings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from qualitygates.adapters._required import EntryForm
from qualitygates.adapters.docs.markdown import Document, normalize_title, parse_markdown
from qualitygates.errors import AdapterError

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
_MAX_LISTED = 12


@dataclass(frozen=True)
class DocFile:
    """One required file: where it is, the sections it must have, its maximum age."""

    path: Path
    sections: tuple[str, ...] = ()
    max_age: str | None = None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file; `key` tells problems of the same rule apart."""

    rule: str
    path: Path
    line: int | None
    message: str
    key: str


def parse_entries(value: object, base: Path) -> list[DocFile]:
    """The `required` option: paths, {path, sections, max_age} entries, or path -> sections."""
    if isinstance(value, Mapping):
        value = [{"path": k, "sections": v} for k, v in value.items()]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise AdapterError("docs option required must list the files to check, e.g. [RUNBOOK.md]")
    return [_entry(item, index, base) for index, item in enumerate(value, 1)]


_ENTRY = EntryForm(
    "docs option required",
    ("path", "sections", "max_age"),
    "a path or a mapping with path and sections",
    "a file path",
    list_keys=True,
)


def _entry(item: object, index: int, base: Path) -> DocFile:
    where, path, fields = _ENTRY.read(item, index)
    sections = fields.get("sections") or []
    if isinstance(sections, str):
        sections = [sections]
    if not isinstance(sections, list) or not all(isinstance(s, str) and s for s in sections):
        raise AdapterError(f"{where}: sections must be a list of heading names")
    max_age = fields.get("max_age")
    if max_age is not None and not isinstance(max_age, str):
        raise AdapterError(f"{where}: max_age must be a duration such as 90d")
    return DocFile(base / path, tuple(sections), max_age)


def missing_file(entry: DocFile, shown: str) -> list[Problem]:
    """An absent file, and each section it should have had (so no section count passes)."""
    found = [
        Problem(
            "missing-file",
            entry.path,
            None,
            f"{shown} does not exist: write it, or fix its path under required",
            "",
        )
    ]
    for name in entry.sections:
        message = f"{shown} does not exist, so it has no {name!r} section"
        found.append(Problem("missing-section", entry.path, None, message, normalize_title(name)))
    return found


def sections(entry: DocFile, document: Document, shown: str) -> list[Problem]:
    """A missing-section problem for each required heading the file lacks."""
    have = {normalize_title(s.title) for s in document.sections}
    titles = [s.title for s in document.sections]
    listed = ", ".join(titles[:_MAX_LISTED]) + (", ..." if len(titles) > _MAX_LISTED else "")
    context = f"headings found: {listed}" if titles else "it has no headings"
    return [
        Problem(
            "missing-section",
            entry.path,
            None,
            f"{shown} has no {name!r} section ({context})",
            normalize_title(name),
        )
        for name in entry.sections
        if normalize_title(name) not in have
    ]


def placeholders(
    entry: DocFile, document: Document, shown: str, markers: Sequence[str]
) -> list[Problem]:
    """Sections with nothing written under them, or only a TODO/TBD placeholder."""
    found: list[Problem] = []
    for section in document.sections:
        blocks = [b.strip() for b in section.blocks if b.strip()]
        if not blocks and section.has_children:
            continue  # a heading that only groups sub-sections is not empty
        if not blocks:
            state = "is empty"
        elif all(_is_placeholder(b, markers) for b in blocks):
            state = f"is only a placeholder ({_first_line(blocks[0])!r})"
        else:
            continue
        message = f"{shown} section {section.title!r} (line {section.line}) {state}: write it"
        key = f"{normalize_title(section.title)}#{section.slug}"
        found.append(Problem("placeholder-section", entry.path, section.line, message, key))
    return found


def _is_placeholder(block: str, markers: Sequence[str]) -> bool:
    text = block.lstrip("-*_>#[(` \t").upper()
    return any(re.match(rf"{re.escape(m.upper())}(?!\w)", text) for m in markers)


def _first_line(text: str) -> str:
    line = text.splitlines()[0]
    return line if len(line) <= 60 else line[:57] + "..."


class LinkChecker:
    """Resolves relative links against the file system and anchors against headings."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.documents: dict[Path, Document] = {}

    def check(self, path: Path, document: Document, shown: str) -> list[Problem]:
        """A broken-link problem for each relative link or anchor that does not resolve."""
        self.documents[path.resolve()] = document
        found = []
        for link in document.links:
            reason = self.broken_reason(path, link.target)
            if reason:
                message = f"{shown}:{link.line}: link to {link.target!r} is broken: {reason}"
                found.append(Problem("broken-link", path, link.line, message, link.target))
        return found

    def broken_reason(self, source: Path, target: str) -> str | None:
        """Why `target`, written in `source`, does not resolve; None when it does."""
        if _SCHEME.match(target) or target.startswith("//"):
            return None  # external: not fetched
        if not target.strip():
            return "the link has no target"
        raw_path, _, anchor = target.partition("#")
        file_part = unquote(raw_path.split("?", 1)[0])
        if not file_part:
            resolved = source
        elif file_part.startswith("/"):
            resolved = self.root / file_part.lstrip("/")
        else:
            resolved = source.parent / file_part
        if not resolved.exists():
            return f"{_display(resolved, self.root)} does not exist"
        if anchor and resolved.is_file() and resolved.suffix.lower() in _MARKDOWN_SUFFIXES:
            return self._missing_anchor(resolved, unquote(anchor))
        return None

    def _missing_anchor(self, target: Path, anchor: str) -> str | None:
        wanted = anchor.lower().removeprefix("user-content-")
        key = target.resolve()
        if key not in self.documents:
            self.documents[key] = parse_markdown(target)
        anchors = self.documents[key].anchors
        if wanted in anchors:
            return None
        return f"{_display(target, self.root)} has no heading with the anchor #{wanted}"


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
