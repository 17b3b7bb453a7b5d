"""Option declarations adapters share, so that one option reads the same in every `explain`."""

from __future__ import annotations

from qualitygates.adapters.interface import OptionKind, OptionSpec


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
