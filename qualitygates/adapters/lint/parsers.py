"""Turn the parsed JSON of ESLint, ruff and pylint into findings.

Each parser takes the already loaded document and validates every field it reads, so an
odd report raises `AdapterError` naming the file and the field, never a `KeyError`.
Each finding keeps its tool's own level in `extra["level"]` (`error` or `warning`), which
the `errors` and `warnings` metrics count; its severity, on the one scale, comes from
`severity` (a ruff rule's family, an ESLint rule's type, a pylint message's type).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from qualitygates.adapters._io import expect_type
from qualitygates.adapters.lint.severity import PYLINT, eslint_severity, ruff_severity
from qualitygates.errors import AdapterError
from qualitygates.finding import NO_EXTRA
from qualitygates.model import Finding, FindingKind, JsonScalar, Location, Severity

#: A finding's `extra`: its tool's level, shared by the findings of each level.
LEVEL = "level"
LEVELS: dict[str, Mapping[str, JsonScalar]] = {w: {LEVEL: w} for w in ("error", "warning")}
ESLINT_LEVELS = {2: "error", 1: "warning"}
# pylint's own exit-status bits rank fatal and error above the rest; teams gate on those.
PYLINT_LEVELS = {t: "error" if t in ("fatal", "error") else "warning" for t in PYLINT}
#: A pylint finding's `extra`: its message type and level, shared by the findings of each.
_PYLINT_TYPES: dict[str, Mapping[str, JsonScalar]] = {
    t: {"type": t, LEVEL: level} for t, level in PYLINT_LEVELS.items()
}
# ruff has no levels (every violation fails `ruff check`); newer ruff writes "error".
RUFF_LEVELS = ("error", "warning")

ESLINT_PARSE_ERROR = "parse-error"
ESLINT_CORE = "eslint-core"  # a message from ESLint itself (unused directive, ignored file)
RUFF_SYNTAX_ERROR = "invalid-syntax"  # ruff >= 0.12 spells it so; older ruff wrote code null


@dataclass(frozen=True)
class Report:
    """One report being read: its file (for messages) and the folder paths are shown from."""

    path: Path
    base_dir: Path

    def field(
        self, obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str
    ) -> Any:
        """`obj[key]`, which must exist and be of `kind`."""
        if key not in obj:
            raise AdapterError(f"{self.path}: {where}.{key} is missing; is this a complete report?")
        return expect_type(obj[key], kind, self.path, f"{where}.{key}")

    def optional(
        self, obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str
    ) -> Any:
        """`obj[key]` when present and not null, else None."""
        value = obj.get(key)
        return None if value is None else expect_type(value, kind, self.path, f"{where}.{key}")

    def finding(
        self, tool: str, rule: str, severity: Severity, message: str,
        *, file: str, line: int | None, column: object = None, fixable: bool = False,
        extra: Mapping[str, JsonScalar] = NO_EXTRA,
    ) -> Finding:  # fmt: skip
        """A lint finding: its id is the rule, its fingerprint ignores the line. `column` is
        1-based and only kept when it is one (it decides nothing, so it is never an error)."""
        shown = shown_path(file, self.base_dir)
        line = line if line and line > 0 else None
        column = column if type(column) is int and column > 0 and line else None
        return Finding(
            id=rule,
            tool=tool,
            severity=severity,
            message=message,
            rule=rule,
            location=Location(shown, line, None, column),
            fixable=fixable,
            kind=FindingKind.LINT,
            extra=extra,
            identity=(tool, rule, shown, message),
        )


def shown_path(raw: str, base_dir: Path) -> str:
    """A report's file path, relative to the policy's folder when it lies inside it."""
    path = PurePath(raw)
    if path.is_absolute():
        try:
            return path.relative_to(base_dir).as_posix()
        except ValueError:
            return raw
    return path.as_posix()


def parse_eslint(
    results: list[Any], report: Report, rule_types: Mapping[str, str] | None = None
) -> list[Finding]:
    """ESLint `--format json` (a list of file results) or json-with-metadata's `results`,
    whose `rulesMeta` gives `rule_types` (rule -> problem, suggestion or layout)."""
    findings: list[Finding] = []
    for index, result in enumerate(results):
        where = f"results[{index}]"
        expect_type(result, dict, report.path, where)
        file = report.field(result, "filePath", str, where)
        messages = report.field(result, "messages", list, where)
        for number, message in enumerate(messages):
            findings.append(_eslint_message(
                message, file, report, f"{where}.messages[{number}]", rule_types or {}
            ))  # fmt: skip
    return findings


def _eslint_message(
    message: Any, file: str, report: Report, where: str, rule_types: Mapping[str, str]
) -> Finding:
    expect_type(message, dict, report.path, where)
    level = message.get("severity")
    if type(level) is not int or level not in ESLINT_LEVELS:  # not True, 2.0 or [2]
        raise AdapterError(
            f"{report.path}: {where}.severity is {level!r}, not 1 or 2 (ESLint's warning or error)"
        )
    text = report.field(message, "message", str, where)
    rule = report.optional(message, "ruleId", str, where)
    if rule is None:
        fatal = message.get("fatal") is True
        rule = ESLINT_PARSE_ERROR if fatal else ESLINT_CORE
        severity = Severity.HIGH if fatal else Severity.LOW
    else:
        severity = eslint_severity(level, rule_types.get(rule))
    fixable = isinstance(message.get("fix"), dict)  # suggestions are not applied by --fix
    line = report.optional(message, "line", int, where)
    return report.finding(
        "eslint", rule, severity, text,
        file=file, line=line, column=message.get("column"), fixable=fixable,
        extra=LEVELS[ESLINT_LEVELS[level]],
    )  # fmt: skip


def parse_ruff(violations: list[Any], report: Report) -> list[Finding]:
    """`ruff check --output-format json`: a list of violations, each an error."""
    findings: list[Finding] = []
    for index, violation in enumerate(violations):
        where = f"[{index}]"
        expect_type(violation, dict, report.path, where)
        rule = report.optional(violation, "code", str, where) or RUFF_SYNTAX_ERROR
        level = report.optional(violation, "severity", str, where) or "error"
        location = report.optional(violation, "location", dict, where) or {}
        line = report.optional(location, "row", int, f"{where}.location")
        findings.append(
            report.finding(
                "ruff",
                rule,
                ruff_severity(rule),
                report.field(violation, "message", str, where),
                file=report.field(violation, "filename", str, where),
                line=line,
                column=location.get("column"),
                fixable=_ruff_fixable(violation, report, where),
                # an unknown level counts against you, as an error
                extra=LEVELS[level if level in RUFF_LEVELS else "error"],
            )
        )
    return findings


def _ruff_fixable(violation: Mapping[str, Any], report: Report, where: str) -> bool:
    """Whether plain `ruff check --fix` applies the fix: only "safe" ones, as ruff counts."""
    fix = report.optional(violation, "fix", dict, where)
    if fix is None:
        return False
    applicability: str | None = report.optional(fix, "applicability", str, f"{where}.fix")
    return applicability == "safe"


def parse_pylint(messages: list[Any], report: Report, id_key: str) -> list[Finding]:
    """pylint `--output-format=json` (`id_key` "message-id") or json2's `messages` ("messageId")."""
    findings: list[Finding] = []
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        expect_type(message, dict, report.path, where)
        kind = report.field(message, "type", str, where)
        if kind not in PYLINT:
            known = ", ".join(PYLINT)
            raise AdapterError(f"{report.path}: {where}.type is {kind!r}, not one of {known}")
        symbol = report.optional(message, "symbol", str, where)
        rule = symbol or report.field(message, id_key, str, where)
        findings.append(
            report.finding(
                "pylint",
                rule,
                PYLINT[kind],
                report.field(message, "message", str, where),
                file=report.field(message, "path", str, where),
                line=report.optional(message, "line", int, where),
                column=_pylint_column(message.get("column")),
                extra=_PYLINT_TYPES[kind],
            )
        )
    return findings


def _pylint_column(column: object) -> int | None:
    """pylint counts columns from 0; a location's column counts from 1."""
    return column + 1 if type(column) is int and column >= 0 else None
