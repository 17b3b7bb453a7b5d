"""Every key a policy may hold, with what it means: the one list that both the validator
and `qualitygates schema` (the JSON Schema for editors) are made from."""

from __future__ import annotations

TOP_KEYS: dict[str, str] = {
    "version": "Policy format version; must be 1.",
    "extends": "Base policies this one builds on, applied in order: paths, git+URL@REF#path, "
    "or {source: https://..., sha256: ...}.",
    "gates": "The gates, each a list of checks.",
    "waivers": "Waivers for every check: a list, or the path of a waivers file.",
    "waiver_notice_days": "A waiver expiring within this many days is reported (default 14).",
    "waiver_ceiling": "The most severe finding a waiver may accept, e.g. high: a critical one "
    "then cannot be waived. A policy that extends a base cannot raise it.",
    "history": "Where runs are recorded: a SQLite file, or a postgresql:// URL.",
    "projects": "Run the policy over each of these roots: {name, root, variables}.",
}
GATE_KEYS: dict[str, str] = {
    "id": "Identifier: letters, digits, '-', '_' or '.'.",
    "name": "Name shown in reports.",
    "description": "What the gate protects.",
    "blocking": "false: failures are reported and the gate only warns.",
    "checks": "The checks of this gate.",
    "locked": "true: a policy that extends this one cannot change this gate.",
}
CHECK_KEYS: dict[str, str] = {
    "id": "Identifier, unique within its gate.",
    "name": "Name shown in reports.",
    "description": "What the check verifies.",
    "adapter": "The adapter that reads the source (see `qualitygates adapters`).",
    "with": "The adapter's options (see `qualitygates explain ADAPTER`).",
    "conditions": "Conditions: 'METRIC OP VALUE', or {expr, on_fail, on_no_baseline}.",
    "blocking": "false: failures and errors are reported but never block.",
    "on_error": "fail (default) or warn: what a missing or unreadable source does.",
    "waivers": "Waivers of this check: a list, or the path of a waivers file.",
    "max_age": "The report's own timestamp must be this recent, e.g. 24h or 7d.",
    "commit": "The commit the report must describe, e.g. ${GITHUB_SHA}.",
    "severity_map": "Findings' severities by rule or id (a glob): {D*: info, S608: critical}.",
    "locked": "true: a policy that extends this one cannot change this check.",
}
CONDITION_KEYS: dict[str, str] = {
    "expr": "The condition, e.g. 'line_rate >= 80%'.",
    "on_fail": "fail (default) or warn.",
    "on_no_baseline": "warn (default) or fail, when a baseline condition has no baseline.",
    "description": "Why this threshold.",
    "locked": "true: a policy that extends this one cannot change this condition.",
}
WAIVER_KEYS: dict[str, str] = {
    "id": "The finding's id: a CVE, GHSA, rule id or secret rule.",
    "reason": "Why the finding is accepted (mandatory).",
    "expires": "Last day the waiver applies (UTC), e.g. 2026-12-31.",
    "owner": "Who answers for it.",
    "package": "Only findings in this package (name, or name@version).",
    "path": "Only findings in files matching this glob.",
    "purl": "Only findings of this package URL.",
}
