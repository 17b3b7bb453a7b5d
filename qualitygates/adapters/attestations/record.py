"""The attestation record: a YAML (or JSON) file of manual checks signed off by people.

```yaml
attestations:
  - check: rollback-drill        # the name the policy requires
    result: pass                 # pass | fail
    by: alice                    # who ran it
    at: 2026-11-20T10:00:00Z     # when (ISO date or date-time; UTC when no zone)
    evidence: https://ci.example.com/runs/123   # optional link
    approver: bob                # optional; required distinct from `by` when asked
    policy: sha256:…             # the resolved policy it was signed under (`attest` adds it)
```
A bare list of entries, or the same shape in JSON, is read too. `append_attestation`
adds one entry, keeping the file's existing text (comments, order) when it is YAML.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from qualitygates.adapters._io import decode_text, read_bytes
from qualitygates.durations import parse_instant
from qualitygates.errors import AdapterError
from qualitygates.readers import InvalidJson, parse_json
from qualitygates.readers.yamldata import YamlDataError, load_yaml_data

MAX_RECORD_BYTES = 16 * 1024 * 1024
RESULTS = ("pass", "fail")
KEYS = frozenset({"check", "result", "by", "at", "evidence", "approver", "note", "policy"})
HEADER = (
    "# Manual checks signed off for qualitygates; add entries with `qualitygates attest`.\n"
    "# Each entry: check, result (pass|fail), by, at (ISO time), evidence, approver, and the\n"
    "# policy digest it was signed under.\n"
)
_BLANK_OR_COMMENT = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n?)*")


@dataclass(frozen=True)
class Attestation:
    """One signed-off run of a manual check."""

    check: str
    result: str
    by: str
    at: datetime
    evidence: str | None
    approver: str | None
    index: int  # position in the file, 1-based: breaks ties between equal times


def read_record(path: Path) -> list[Attestation]:
    """Every entry of the record, validated; AdapterError naming the entry otherwise."""
    data = _load(path)
    entries = data.get("attestations") if isinstance(data, Mapping) else data
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise AdapterError(f"{path} should hold an attestations list (see qualitygates attest)")
    return [_entry(path, index, item) for index, item in enumerate(entries, 1)]


def _load(path: Path) -> Any:
    text = decode_text(read_bytes(path, MAX_RECORD_BYTES), path)
    if not text.strip():
        raise AdapterError(f"{path} is empty: record sign-offs with qualitygates attest")
    if path.suffix.lower() == ".json":
        try:
            return parse_json(text, str(path), "sign-off")
        except InvalidJson as exc:
            raise AdapterError(str(exc)) from None
    try:
        return load_yaml_data(text)
    except YamlDataError as exc:
        raise AdapterError(f"{path} {exc}") from None


def _entry(path: Path, index: int, item: object) -> Attestation:
    where = f"{path}: entry {index}"
    if not isinstance(item, Mapping):
        raise AdapterError(f"{where} should be a mapping with check, result, by and at")
    unknown = sorted(str(k) for k in set(item) - KEYS)
    if unknown:
        raise AdapterError(
            f"{where} has an unknown key {unknown[0]!r} (use {', '.join(sorted(KEYS))})"
        )
    fields = {
        key: _text(item.get(key)) for key in ("check", "result", "by", "evidence", "approver")
    }
    for key in ("check", "result", "by"):
        if not fields[key]:
            raise AdapterError(f"{where} has no {key!r}")
    result = str(fields["result"]).lower()
    if result not in RESULTS:
        raise AdapterError(f"{where}: result {fields['result']!r} should be pass or fail")
    try:
        at = parse_instant(item.get("at"))
    except ValueError as exc:
        raise AdapterError(f"{where} ({fields['check']}): 'at' {exc}") from None
    return Attestation(
        check=str(fields["check"]),
        result=result,
        by=str(fields["by"]),
        at=at,
        evidence=fields["evidence"],
        approver=fields["approver"],
        index=index,
    )


def _text(value: object) -> str | None:
    if value is None or isinstance(value, (Mapping, list)):
        return None
    return str(value).strip() or None


def append_attestation(
    path: Path,
    check: str,
    result: str,
    by: str,
    evidence: str | None,
    at: datetime,
    approver: str | None = None,
    policy_digest: str | None = None,
) -> None:
    """Append one entry to the record at `path`, creating it when absent; atomic.

    A YAML file keeps its text: the entry is added as a list item at the end when the
    attestations list ends the file; otherwise (and for JSON) the file is rewritten.
    """
    entry = _new_entry(check, result, by, evidence, at, approver)
    if policy_digest:
        entry["policy"] = policy_digest
    if not path.exists():
        text = _fresh(path, entry)
    elif path.suffix.lower() == ".json":
        text = _append_json(path, entry)
    else:
        text = _append_yaml(path, entry)
    _write_atomic(path, text)


def _new_entry(
    check: str, result: str, by: str, evidence: str | None, at: datetime, approver: str | None
) -> dict[str, str]:
    if result not in RESULTS:
        raise AdapterError(f"result {result!r} should be pass or fail")
    if not check.strip() or not by.strip():
        raise AdapterError("an attestation needs a check name and who ran it (--by)")
    moment = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
    stamp = moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()
    entry = {
        "check": check.strip(),
        "result": result,
        "by": by.strip(),
        "at": stamp.replace("+00:00", "Z"),
    }
    if evidence:
        entry["evidence"] = evidence
    if approver:
        entry["approver"] = approver
    return entry


def _fresh(path: Path, entry: dict[str, str]) -> str:
    if path.suffix.lower() == ".json":
        return json.dumps({"attestations": [entry]}, indent=2) + "\n"
    return HEADER + "attestations:\n" + _yaml_item(entry, 2)


def _yaml_item(entry: dict[str, str], indent: int) -> str:
    dumped = yaml.safe_dump([entry], sort_keys=False, default_flow_style=False, allow_unicode=True)
    return "".join(" " * indent + line for line in dumped.splitlines(keepends=True))


def _append_json(path: Path, entry: dict[str, str]) -> str:
    data = _load(path)
    entries = data.get("attestations") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise AdapterError(f"{path} should hold an attestations list; not changing it")
    entries.append(entry)
    return json.dumps(data, indent=2) + "\n"


def _append_yaml(path: Path, entry: dict[str, str]) -> str:
    text = decode_text(read_bytes(path, MAX_RECORD_BYTES), path)
    before = read_record(path) if text.strip() else []
    appended = _append_in_place(text, entry)
    if appended is not None and _adds_one(appended, len(before)):
        return appended
    data = yaml.safe_load(text) if text.strip() else None
    if isinstance(data, list):
        data.append(entry)
    elif isinstance(data, dict) and isinstance(data.get("attestations", []) or [], list):
        data["attestations"] = [*(data.get("attestations") or []), entry]
    elif data is None:
        data = {"attestations": [entry]}
    else:
        raise AdapterError(f"{path} should hold an attestations list; not changing it")
    comments = re.match(r"(?:#[^\n]*\n)*", text)
    head = comments.group(0) if comments else ""
    return head + yaml.safe_dump(
        data, sort_keys=False, default_flow_style=False, allow_unicode=True
    )


def _append_in_place(text: str, entry: dict[str, str]) -> str | None:
    """The text with the entry added after the last item, or None when that is not safe."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    node = root
    if isinstance(root, yaml.MappingNode):
        node = next((v for k, v in root.value if getattr(k, "value", None) == "attestations"), None)
    if not isinstance(node, yaml.SequenceNode) or node.flow_style or not node.value:
        return None
    if _BLANK_OR_COMMENT.fullmatch(text[node.end_mark.index :]) is None:
        return None  # other keys follow the list: appending at the end would misplace it
    base = text if text.endswith("\n") else text + "\n"
    return base + _yaml_item(entry, node.start_mark.column)


def _adds_one(text: str, count: int) -> bool:
    """Whether `text` reads back as the old entries plus exactly one."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    entries = data.get("attestations") if isinstance(data, dict) else data
    return isinstance(entries, list) and len(entries) == count + 1


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and os.replace: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
