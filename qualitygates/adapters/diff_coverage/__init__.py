"""The `diff_coverage` adapter: coverage of the lines a change adds (new code).

The changed lines come from `git diff` against the merge base of HEAD and
`compare_branch` (default `origin/main`), working tree included, as diff-cover's default
(`git` module). The coverage comes from the coverage adapter's own readers, every report
merged as a union: a changed line is coverable when a report measures it, covered when a
report says it ran (diff-cover: "covered if it is covered in ANY of the reports"). Report
file names are matched to the checkout's paths by `paths`.

`new_line_rate` is 100 * covered / coverable, unrounded (diff-cover truncates it to an
integer, or rounds to 2 places with --total-percent-float). When no changed line is
coverable it is absent, an error of any condition on it, and `new_lines` reads 0: diff-cover,
Codecov and SonarQube all call that 100 %. Each uncovered changed line is a finding
`uncovered-new-code` at its file and line, so a waiver (scoped by `path`) can accept some;
`new_lines_missed` counts those not waived.
"""

from __future__ import annotations

from qualitygates.adapters.diff_coverage.adapter import DiffCoverageAdapter

__all__ = ["DiffCoverageAdapter"]
