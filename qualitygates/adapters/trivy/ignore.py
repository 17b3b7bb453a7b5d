"""Trivy's own ignore files, `.trivyignore` and `.trivyignore.yaml`, read as Trivy reads them.

Semantics follow aquasecurity/trivy `pkg/result/ignore.go` and `filter.go`:

- the file kind is chosen by extension: `.yml`/`.yaml` is YAML, anything else plain;
- plain: one ID per line (`#` comments and blank lines skipped), an optional `exp:YYYY-MM-DD`
  field; a plain ID applies to every kind of finding;
- YAML: sections `vulnerabilities`, `misconfigurations`, `secrets`, `licenses`, entries
  `{id, paths, purls, expired_at, statement}`; `paths` are doublestar globs matched against
  the result target (and, for vulnerabilities, `PkgPath`), `purls` (vulnerabilities only)
  match type, namespace and name, and version, subpath and qualifiers when the entry has them;
- an entry whose date is before now (dates are midnight UTC) no longer applies.

Where Trivy only logs (a bad `exp:` date drops the line; a missing file is empty), this
reader raises `AdapterError`: a waiver file the policy names must say what it means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

from qualitygates.adapters._io import decode_text, read_bytes
from qualitygates.adapters.trivy.patterns import Purl, glob_regex, parse_purl
from qualitygates.errors import AdapterError
from qualitygates.readers.yamldata import YamlDataError, load_yaml_data

SECTIONS = ("vulnerabilities", "misconfigurations", "secrets", "licenses")
_ENTRY_KEYS = frozenset({"id", "paths", "purls", "expired_at", "statement"})


@dataclass(frozen=True)
class IgnoreEntry:
    """One entry of an ignore file; `where` names its file (and line) for the waiver reason."""

    id: str
    where: str
    paths: tuple[str, ...] = ()
    purls: tuple[Purl, ...] = ()
    expires: datetime | None = None
    statement: str = ""

    def matches(self, finding_id: str, path: str, purl: Purl | None) -> bool:
        if finding_id != self.id:
            return False
        if self.paths and not any(glob_regex(p).fullmatch(path) for p in self.paths):
            return False
        return purl is None or not self.purls or any(p.matches(purl) for p in self.purls)

    @property
    def reason(self) -> str:
        """The waiver reason shown in reports: `trivyignore: FILE:LINE statement`."""
        return f"trivyignore: {self.where}" + (f" {self.statement}" if self.statement else "")


@dataclass(frozen=True)
class IgnoreRules:
    """The entries still in force, by finding kind, with Trivy's matching rules."""

    vulnerabilities: tuple[IgnoreEntry, ...] = ()
    misconfigurations: tuple[IgnoreEntry, ...] = ()
    secrets: tuple[IgnoreEntry, ...] = ()
    licenses: tuple[IgnoreEntry, ...] = ()

    @property
    def any(self) -> bool:
        """True when at least one entry is in force."""
        return bool(self.vulnerabilities or self.misconfigurations or self.secrets or self.licenses)

    def vulnerability(
        self, vuln_id: str, target: str, pkg_path: str, purl: str | None
    ) -> IgnoreEntry | None:
        """The entry ignoring a vulnerability: tried on the target, then on `PkgPath`."""
        parsed = parse_purl(purl) if purl else None
        for path in (target, pkg_path):
            found = _first(self.vulnerabilities, vuln_id, path, parsed)
            if found:
                return found
        return None

    def misconfiguration(self, check_id: str, avd_id: str, target: str) -> IgnoreEntry | None:
        """The entry ignoring a misconfiguration, by its ID or its AVD ID."""
        for ident in (check_id, avd_id):
            found = _first(self.misconfigurations, ident, target, None) if ident else None
            if found:
                return found
        return None

    def secret(self, rule_id: str, target: str) -> IgnoreEntry | None:
        """The entry ignoring a secret rule in a file."""
        return _first(self.secrets, rule_id, target, None)

    def license(self, name: str, file_path: str) -> IgnoreEntry | None:
        """The entry ignoring a license; an AND/OR expression needs each part ignored."""
        found = _first(self.licenses, name, file_path, None)
        if found or not _COMPOUND.search(name):
            return found
        parts = [p.strip("() ") for p in _COMPOUND.split(name)]
        matched = [_first(self.licenses, p, file_path, None) for p in parts if p]
        if matched and all(matched):
            return matched[0]
        return None


_COMPOUND = re.compile(r"\s+(?:AND|OR)\s+")


def _first(
    entries: Iterable[IgnoreEntry], ident: str, path: str, purl: Purl | None
) -> IgnoreEntry | None:
    return next((e for e in entries if e.matches(ident, path, purl)), None)


def load_ignore_file(path: Path, now: datetime) -> IgnoreRules:
    """Read a `.trivyignore` or `.trivyignore.yaml`, keeping the entries not expired at `now`."""
    if not path.is_file():
        raise AdapterError(
            f"the trivyignore file {path} does not exist: fix the path in the policy"
        )
    text = decode_text(read_bytes(path), path) if path.stat().st_size else ""
    if path.suffix in (".yml", ".yaml"):
        rules = _parse_yaml(text, path)
    else:
        entries = tuple(_parse_plain(text, path))
        rules = IgnoreRules(entries, entries, entries, entries)
    return IgnoreRules(
        *(tuple(e for e in getattr(rules, s) if _in_force(e, now)) for s in SECTIONS)
    )


def _in_force(entry: IgnoreEntry, now: datetime) -> bool:
    # Trivy prunes entries whose date is before now; dates are midnight UTC (ignore.go Prune).
    return entry.expires is None or not entry.expires < now


def _parse_plain(text: str, path: Path) -> Iterable[IgnoreEntry]:
    comments: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            comments = []
            continue
        if line.startswith("#"):
            comments.append(line.lstrip("#").strip())
            continue
        fields = line.split()
        expiry = next((f[4:] for f in fields[1:] if f.startswith("exp:")), None)
        where = f"{path.name}:{number}"
        yield IgnoreEntry(
            id=fields[0],
            where=where,
            expires=_parse_date(expiry, f"{path}:{number}") if expiry is not None else None,
            statement=" ".join(c for c in comments if c),
        )
        comments = []


def _parse_yaml(text: str, path: Path) -> IgnoreRules:
    try:
        data = load_yaml_data(text) if text.strip() else {}
    except YamlDataError as exc:
        raise AdapterError(f"{path} {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise AdapterError(
            f"{path}: a .trivyignore.yaml must be a mapping of {', '.join(SECTIONS)}"
        )
    unknown = sorted(str(k) for k in data if k not in SECTIONS)
    if unknown:
        raise AdapterError(
            f"{path}: unknown section {unknown[0]!r} (expected one of {', '.join(SECTIONS)})"
        )
    sections = {s: tuple(_yaml_entries(data.get(s), path, s)) for s in SECTIONS}
    return IgnoreRules(**sections)


def _yaml_entries(items: Any, path: Path, section: str) -> Iterable[IgnoreEntry]:
    if items is None:
        return
    if not isinstance(items, list):
        raise AdapterError(f"{path}: {section} must be a list of entries")
    for index, item in enumerate(items):
        where = f"{path}: {section}[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise AdapterError(f"{where} needs an 'id'")
        unknown = sorted(str(k) for k in item if k not in _ENTRY_KEYS)
        if unknown:
            raise AdapterError(
                f"{where}: unknown key {unknown[0]!r} (expected {', '.join(sorted(_ENTRY_KEYS))})"
            )
        expiry = item.get("expired_at")
        yield IgnoreEntry(
            id=item["id"],
            where=f"{path.name} {section}[{index}]",
            paths=tuple(_strings(item.get("paths"), f"{where}.paths")),
            purls=tuple(_purls(item.get("purls"), f"{where}.purls")),
            expires=None if expiry is None else _parse_date(expiry, f"{where}.expired_at"),
            statement=str(item.get("statement") or ""),
        )


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AdapterError(f"{where} must be a list of strings")
    for pattern in value:
        glob_regex(pattern)  # validate now, as Trivy does when it loads the file
    return value


def _purls(value: Any, where: str) -> list[Purl]:
    purls = []
    for text in _strings(value, where):
        parsed = parse_purl(text)
        if parsed is None:
            raise AdapterError(f"{where}: {text!r} is not a package URL (pkg:type/name@version)")
        purls.append(parsed)
    return purls


def _parse_date(value: Any, where: str) -> datetime:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, date):
        raise AdapterError(f"{where}: the expiry date must be YYYY-MM-DD")
    return datetime.combine(value, time(0), tzinfo=timezone.utc)
