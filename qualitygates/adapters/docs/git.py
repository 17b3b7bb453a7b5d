"""When a file last changed, according to git (`git log -1 --format=%cI -- FILE`).

A shallow clone answers with the date of its one fetched commit for every file, which
would make a year-old runbook look fresh; so a shallow clone is refused with the fix
(`fetch-depth: 0` on actions/checkout), never read. git ends within its limit and the
check's time, killed if it must be.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from qualitygates import gitcmd
from qualitygates.durations import parse_instant
from qualitygates.errors import AdapterError

GIT_TIMEOUT_SECONDS = 30.0
_FIX = "fetch the full history (actions/checkout with fetch-depth: 0, GitLab GIT_DEPTH: 0)"


def last_commit_time(path: Path) -> datetime:
    """The committer date of the last commit that touched `path`, in UTC."""
    folder = path.parent
    if _git(folder, "rev-parse", "--is-inside-work-tree") != "true":
        raise AdapterError(f"{path} is not in a git work tree, so its age is unknown: {_FIX}")
    if _git(folder, "rev-parse", "--is-shallow-repository") == "true":
        raise AdapterError(f"{path} is in a shallow git clone, so its age is unknown: {_FIX}")
    stamp = _git(folder, "log", "-1", "--format=%cI", "--", path.name)
    if not stamp:
        raise AdapterError(
            f"{path} has no commit in the git history: commit it, or {_FIX} if it was committed"
        )
    try:
        return parse_instant(stamp)
    except ValueError as exc:
        raise AdapterError(f"git log gave an unreadable date for {path}: {exc}") from None


_GIT = gitcmd.Git(
    GIT_TIMEOUT_SECONDS,
    missing=lambda: AdapterError(
        "git is not installed, so file ages cannot be checked: install git"
    ),
    late=lambda exc: AdapterError(f"{exc} in {exc.cwd}"),
)


def _git(folder: Path, *args: str) -> str:
    try:
        done = _GIT.run(folder, *args)
    except OSError as exc:
        raise AdapterError(f"git {args[0]} failed in {folder}: {exc}") from None
    if done.returncode != 0:
        if args[0] == "rev-parse" and "not a git repository" in done.stderr:
            return "false"
        raise AdapterError(f"git {args[0]} failed in {folder}: {gitcmd.first_line(done.stderr)}")
    return done.stdout.strip()
