"""A lint finding's severity on the one scale, from what its tool says of it.

The `errors` and `warnings` metrics keep counting the tool's own levels (a finding's
`extra["level"]`); the severity only orders and colours findings where people read them
(SARIF level, Code Quality, annotations, HTML, Markdown), so a docstring nit is no longer
ranked beside a syntax error. The README's severity table lists these mappings.

- ruff has no levels of its own: every violation is an error. The severity comes from the
  rule's family (its code's prefix): syntax errors, undefined names and pylint errors are
  high; security (flake8-bandit), pyflakes, bugbear and complexity medium; docstrings,
  imports order, annotations and to-dos info; the rest (pycodestyle, simplifications,
  upgrades, naming, ...) low.
- ESLint: its severity (2 error, 1 warning) and, where json-with-metadata gives it, the
  rule's type: a `problem` keeps error high, a `suggestion` is one step lower, `layout`
  two. A parse error is high, ESLint's own notices (an unused directive) low.
- pylint: fatal and error high, warning medium, refactor and convention low, info info.
"""

from __future__ import annotations

from qualitygates.model import Severity

CRITICAL, HIGH, MEDIUM, LOW, INFO = (
    Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO,
)  # fmt: skip

#: ruff rule-code prefixes, matched longest first (`PLE` before `P`, `E9` before `E`).
RUFF_FAMILIES: dict[str, Severity] = {
    "invalid-syntax": HIGH, "E9": HIGH, "F63": HIGH, "F7": HIGH, "F82": HIGH, "PLE": HIGH,
    "S": MEDIUM, "F": MEDIUM, "B": MEDIUM, "C90": MEDIUM, "PLW": MEDIUM, "A": MEDIUM,
    "ASYNC": MEDIUM, "BLE": MEDIUM, "DTZ": MEDIUM, "PGH": MEDIUM, "RUF0": MEDIUM,
    "D": INFO, "I": INFO, "ANN": INFO, "COM": INFO, "Q": INFO, "CPY": INFO, "TD": INFO,
    "FIX": INFO, "ERA": INFO, "EM": INFO, "INP": INFO, "T20": INFO,
}  # fmt: skip
_LONGEST = max(map(len, RUFF_FAMILIES))

#: ESLint (severity, rule type) -> severity; a rule of unknown type counts as a problem.
_ESLINT = {
    (2, "problem"): HIGH, (2, "suggestion"): MEDIUM, (2, "layout"): LOW,
    (1, "problem"): MEDIUM, (1, "suggestion"): LOW, (1, "layout"): INFO,
}  # fmt: skip

PYLINT = {"fatal": HIGH, "error": HIGH, "warning": MEDIUM, "refactor": LOW, "convention": LOW,
          "info": INFO}  # fmt: skip


def ruff_severity(code: str) -> Severity:
    """The severity of a ruff rule, from its family; low when the family is not listed."""
    for size in range(min(len(code), _LONGEST), 0, -1):
        family = RUFF_FAMILIES.get(code[:size])
        if family is not None:
            return family
    return LOW


def eslint_severity(level: int, rule_type: str | None) -> Severity:
    """The severity of an ESLint rule's message (level 2 or 1), given the rule's type."""
    return _ESLINT.get((level, rule_type or "problem"), HIGH if level == 2 else MEDIUM)
