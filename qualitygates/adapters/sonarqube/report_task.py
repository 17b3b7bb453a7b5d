"""The scanner's `report-task.txt`: where the analysis it just uploaded can be followed.

Every SonarScanner (CLI, Maven, Gradle, .NET) writes this file after uploading a report,
in Java `.properties` syntax (`java.util.Properties.load`): `key=value`, `key:value` or
`key value`; `\\:`, `\\=`, `\\\\`, `\\t`, `\\n`, `\\uXXXX` escapes; a backslash at the end of
a line continues it; lines starting with `#` or `!` are comments. Only the first unescaped
separator splits the key from the value, so `ceTaskUrl=https\\://x/y?id\\=a=b` has the
value `https://x/y?id=a=b`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qualitygates import gitcmd
from qualitygates.adapters._io import read_bytes, require_nonempty
from qualitygates.errors import AdapterError

#: Where each scanner writes it, relative to the project folder (the quality-gate action's
#: README): the CLI scanner and scan actions, Maven, Gradle, .NET.
DEFAULT_LOCATIONS = (
    ".scannerwork/report-task.txt",
    "target/sonar/report-task.txt",
    "build/sonar/report-task.txt",
    ".sonarqube/out/.sonar/report-task.txt",
)
MAX_BYTES = 1024 * 1024  # a real file is a few hundred bytes
_SEPARATORS = "=:"
_WHITESPACE = " \t\f"
_SIMPLE_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


@dataclass(frozen=True)
class ReportTask:
    """What `report-task.txt` says about one uploaded analysis."""

    path: Path
    project: str
    task_id: str
    server_url: str | None = None
    organization: str | None = None
    branch: str | None = None
    pull_request: str | None = None
    server_version: str | None = None


def refuse_committed(path: Path) -> None:
    """Refuse a report-task.txt that git tracks: the scanner writes it during the CI job, so a
    committed one came with the change being judged, and its project and task (which the
    gate read comes from) could name another, passing analysis."""
    try:
        asked = gitcmd.run(path.parent, "ls-files", "--error-unmatch", "--", path.name, limit=10.0)
    except (gitcmd.GitMissing, OSError):
        return  # no git: not a checkout whose files a change could bring
    except gitcmd.GitLate:
        raise AdapterError(f"git did not say in time whether {path} is committed") from None
    if asked.returncode == 0:
        raise AdapterError(
            f"{path} is committed to the repository: the scanner writes it during the CI job, "
            "and a committed one could point at another analysis; remove it from git "
            "(and add .scannerwork/ to .gitignore)"
        )


def find_report_task(base_dir: Path) -> Path | None:
    """The first default location under `base_dir` that holds a report-task.txt, if any."""
    for relative in DEFAULT_LOCATIONS:
        candidate = base_dir / relative
        if candidate.is_file():
            return candidate
    return None


def read_report_task(path: Path) -> ReportTask:
    """Read and check one report-task.txt; raise AdapterError naming the file otherwise."""
    require_nonempty(path)
    refuse_committed(path)
    data = read_bytes(path, MAX_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # Properties.store writes ISO-8859-1
    try:
        values = parse_properties(text)
    except ValueError as exc:
        raise AdapterError(f"{path} is not a valid properties file: {exc}") from None
    missing = [key for key in ("projectKey", "ceTaskId") if not values.get(key)]
    if missing:
        raise AdapterError(
            f"{path} has no {' or '.join(missing)}: it is not a SonarScanner report-task.txt; "
            "point report_task at the file the scanner wrote, or set 'project' instead"
        )
    return ReportTask(
        path=path,
        project=values["projectKey"],
        task_id=values["ceTaskId"],
        server_url=values.get("serverUrl") or None,
        organization=values.get("organization") or None,
        branch=values.get("branch") or None,
        pull_request=values.get("pullRequest") or None,
        server_version=values.get("serverVersion") or None,
    )


def parse_properties(text: str) -> dict[str, str]:
    """Parse Java `.properties` text as `Properties.load` does; later keys win.

    Raises ValueError for a malformed `\\uXXXX` escape, as Java does.
    """
    values: dict[str, str] = {}
    for line in _logical_lines(text):
        key, value = _split(line)
        values[_unescape(key)] = _unescape(value)
    return values


def _logical_lines(text: str) -> Iterator[str]:
    """Non-blank, non-comment lines with continuations joined (escapes still raw)."""
    pending: str | None = None
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.lstrip(_WHITESPACE)
        if pending is None and (not line or line[0] in "#!"):
            continue
        joined = line if pending is None else pending + line
        if _continues(joined):
            pending = joined[:-1]
            continue
        pending = None
        yield joined
    if pending:
        yield pending  # a continuation at the very end of the file ends the line


def _continues(line: str) -> bool:
    """True when the line ends in an odd number of backslashes."""
    trailing = len(line) - len(line.rstrip("\\"))
    return trailing % 2 == 1


def _split(line: str) -> tuple[str, str]:
    """Key and raw value: the key ends at the first unescaped `=`, `:` or whitespace."""
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\":
            index += 2
            continue
        if char in _SEPARATORS or char in _WHITESPACE:
            break
        index += 1
    key, rest = line[:index], line[index:]
    rest = rest.lstrip(_WHITESPACE)
    if rest[:1] and rest[0] in _SEPARATORS:
        rest = rest[1:].lstrip(_WHITESPACE)
    return key, rest


def _unescape(raw: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char != "\\" or index + 1 >= len(raw):
            out.append(char)
            index += 1
            continue
        code = raw[index + 1]
        if code == "u":
            digits = raw[index + 2 : index + 6]
            if len(digits) != 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise ValueError(f"malformed \\uxxxx escape near {raw[index : index + 6]!r}")
            out.append(chr(int(digits, 16)))
            index += 6
            continue
        out.append(_SIMPLE_ESCAPES.get(code, code))
        index += 2
    return _join_surrogates("".join(out))


def _join_surrogates(text: str) -> str:
    """`\\ud83d\\ude00` escapes (Java's UTF-16) into the one character they stand for."""
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
