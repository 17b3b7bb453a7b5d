"""SARIF 2.1.0 from any tool (ruff, bandit, ESLint, Semgrep, CodeQL, Trivy, gitleaks, ...).

Semantics (OASIS SARIF 2.1.0; GitHub code scanning for `security-severity`):

- a result's level is its `level`, else its rule's `defaultConfiguration.level`, else
  `warning`; a result whose `kind` is not `fail` defaults to `none`, and `kind: pass` or
  `notApplicable` results are not findings;
- `security-severity` (result or rule `properties`, a string or a number) gives the band:
  critical >= 9.0, high >= 7.0, medium >= 4.0, low > 0 (bandit writes its own
  `issue_severity` HIGH/MEDIUM/LOW instead, read as that band); it also sets the finding's
  severity, which otherwise follows the level (error high, warning medium, note low, none
  info). Where results exist but neither they nor any rule carry a band, the tool grades
  nothing by security and `security.<band>` is an error, never a reassuring 0. A
  `security-severity` that is not a number from 0 to 10, an `issue_severity` that is not
  UNDEFINED/LOW/MEDIUM/HIGH/CRITICAL, and a level that is not one of SARIF's four are
  errors naming the file, never ignored;
- results with `suppressions` are listed as waived unless a suppression is `underReview`
  or `rejected` (an absent status means accepted); `baselineState: absent` results (gone
  since the baseline) are dropped;
- a file without `runs` is not SARIF, zero runs means nothing ran, a run without a
  `results` array produced nothing, and `invocations[].executionSuccessful: false` means
  the tool failed: all four are errors, never a clean pass.

Paths are the artifact URIs as written, joined with relative `uriBaseId` bases and
percent-decoded; an absolute base (a CI workspace) is left out so a path-scoped waiver
written for the repository matches on any machine.

Metrics: `results.<level|total>`, `security.<band>`, `tool.<tool>.<level|total>` (tool =
driver name, lower case, spaces as `-`) and `rule.<ruleId>.<level|total>` (rule ids as the
tool spells them; a rule with no result counts 0). A requested rule must be one the runs
list or found, a catalogued rule of ruff, bandit or ESLint where that tool ran, or one of
the check's `extra_rules`: any other is an error, never a 0.
"""

from __future__ import annotations

from qualitygates.adapters.sarif.adapter import SarifAdapter

__all__ = ["SarifAdapter"]
