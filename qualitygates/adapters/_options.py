"""Option declarations adapters share, so that one option reads the same in every `explain`."""

from __future__ import annotations

from pathlib import Path

from qualitygates.adapters.interface import OptionKind, OptionSpec
from qualitygates.errors import AdapterError


def path_option(what: str, merged: str = "all are merged", *, single: bool = False) -> OptionSpec:
    """The required `path` option of an adapter that reads files.

    `what` names them ("Trivy JSON report(s)"). By default the option takes a glob or a
    list of globs, each of which must match (`expand_paths`), and `merged` says how the
    files found add up; with `single`, it is one file. Either way the policy's folder is
    where a relative path starts.
    """
    if single:
        return OptionSpec("path", OptionKind.PATH, f"{what}: one file", required=True)
    return OptionSpec(
        "path", OptionKind.PATHS, f"{what}: a glob or a list of globs; {merged}", required=True
    )


def format_option(formats: tuple[str, ...]) -> OptionSpec:
    """The `format` option of an adapter that reads reports of several tools (`formats`),
    which it tells apart by their content; `check_format` holds a report to it."""
    return OptionSpec(
        "format",
        OptionKind.CHOICE,
        "the tool that wrote the reports; detected from the content when not set",
        choices=formats,
    )


def check_format(path: Path, found: str, wanted: str | None, shown: str = "") -> None:
    """An AdapterError when the `format` option names another tool than the one whose
    report `path` is (`found`, named `shown` in the message when given)."""
    if wanted is not None and wanted != found:
        raise AdapterError(f"{path} is {shown or found}, not {wanted} as the `format` option says")
