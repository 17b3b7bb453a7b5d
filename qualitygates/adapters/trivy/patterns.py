"""What an entry of a Trivy ignore file matches: package URLs, compared as Trivy's
`purl.Match` compares them, and doublestar path globs (`**`, `*`, `?`, `[...]`, `{a,b}`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from qualitygates.errors import AdapterError


@dataclass(frozen=True)
class Purl:
    """The parts of a package URL that Trivy's `purl.Match` compares."""

    type: str
    namespace: str
    name: str
    version: str = ""
    qualifiers: tuple[tuple[str, str], ...] = ()
    subpath: str = ""

    def matches(self, target: Purl) -> bool:
        """True when `target` satisfies this constraint (a missing version matches any)."""
        if (self.type, self.namespace, self.name) != (target.type, target.namespace, target.name):
            return False
        if self.version and self.version != target.version:
            return False
        if self.subpath and self.subpath != target.subpath:
            return False
        return set(self.qualifiers) <= set(target.qualifiers)


def parse_purl(text: str) -> Purl | None:
    """Parse `pkg:type/namespace/name@version?qualifiers#subpath`; None when it is not one."""
    if not text.startswith("pkg:"):
        return None
    rest, _, subpath = text[4:].partition("#")
    rest, _, query = rest.partition("?")
    kind, _, rest = rest.lstrip("/").partition("/")
    if not kind or not rest:
        return None
    version = ""
    if "@" in rest.rsplit("/", 1)[-1]:
        rest, _, version = rest.rpartition("@")
    namespace, _, name = rest.strip("/").rpartition("/")
    pairs = (q.partition("=") for q in query.split("&") if q)
    qualifiers = tuple(sorted((k.lower(), unquote(v)) for k, _, v in pairs))
    return Purl(
        kind.lower(),
        unquote(namespace),
        unquote(name),
        unquote(version),
        qualifiers,
        subpath.strip("/"),
    )


_GLOB_CACHE: dict[str, re.Pattern[str]] = {}


def glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate a doublestar glob (`**`, `*`, `?`, `[...]`, `{a,b}`) to a regular expression."""
    cached = _GLOB_CACHE.get(pattern)
    if cached is None:
        try:
            cached = re.compile(_translate(pattern))
        except (re.error, ValueError) as exc:
            raise AdapterError(f"invalid path pattern {pattern!r} in the trivyignore file") from exc
        _GLOB_CACHE[pattern] = cached
    return cached


def _translate(pattern: str) -> str:
    out, i, depth = [], 0, 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                raise ValueError("unclosed [")
            body = pattern[i + 1 : end].replace("\\", "\\\\")
            out.append("[^" + body[1:] + "]" if body.startswith(("!", "^")) else "[" + body + "]")
            i = end + 1
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            raise ValueError("unbalanced }")
        out.append(_GLOB_TOKENS.get(char, "|" if char == "," and depth else re.escape(char)))
        i += 1
    if depth:
        raise ValueError("unclosed {")
    return "".join(out)


_GLOB_TOKENS = {"*": "[^/]*", "?": "[^/]", "{": "(?:", "}": ")"}
