"""The options `coverage` and `diff_coverage` share: which reports, and how to read them.

`diff_coverage` reads its reports with the `coverage` adapter's readers, so both declare
these options from here, in one wording, and a policy can move a `with:` between them.
"""

from __future__ import annotations

from qualitygates.adapters._options import path_option
from qualitygates.adapters.interface import OptionKind, OptionSpec

#: The formats with lines, which both adapters read (and merge line by line).
FORMATS = ("cobertura", "jacoco", "coveragepy-json", "coveragepy-data", "lcov")
#: Istanbul's json-summary: totals per file, no lines; only `coverage` reads it.
SUMMARY = "istanbul-summary"

REPORTS = path_option("Coverage report(s)", "merged line by line")


def format_option(formats: tuple[str, ...]) -> OptionSpec:
    return OptionSpec(
        "format",
        OptionKind.CHOICE,
        "Read every report as this format instead of detecting it from its content.",
        default="auto",
        choices=("auto", *formats),
    )


READING: tuple[OptionSpec, ...] = (
    format_option(FORMATS),
    OptionSpec(
        "source_root",
        OptionKind.PATH,
        "For .coverage data: the checkout whose sources were measured, when they are "
        "not at the recorded paths (default: the data file's folder).",
    ),
    OptionSpec(
        "config",
        OptionKind.PATH,
        "For .coverage data: the coverage.py configuration, as `coverage report "
        "--rcfile` takes it (default: coverage's own search from the current folder).",
    ),
)

#: The first bytes of an SQLite file: a coverage.py `.coverage` data file starts so.
SQLITE_MAGIC = b"SQLite format 3\x00"
