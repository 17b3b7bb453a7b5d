"""What changed since a branch: the merge base, and the lines `git diff` adds or changes.

The diff is `git diff <merge base>` against the working tree: the commits of the branch
plus staged and unstaged changes, as diff-cover takes them by default. diff-cover runs
three diffs and merges their line numbers without renumbering, so a staged or unstaged
change above a committed one leaves it looking at the wrong lines; one diff numbers every
line as in the files the coverage was measured on. Untracked files are not changes, as in
diff-cover. Renames are followed, so a moved file is not new code. External diff drivers and textconv filters are
never run: the repository may come from a pull request.

A shallow clone usually lacks the base branch or the merge base; that is an error that
names the fix (`fetch-depth: 0`), never an empty diff. Every git process ends within its
own limit and the check's time (`qualitygates.gitcmd`), killed if it must be.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from qualitygates import gitcmd, subprocesses
from qualitygates.deadline import seconds_text
from qualitygates.errors import AdapterError

GIT_TIMEOUT_S = 60
_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_UNSHALLOW = "actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`"
_DIFF_ARGS = (
    "-c",
    "core.quotePath=false",
    "diff",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--find-renames",
    "--unified=0",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)


@dataclass(frozen=True)
class Changes:
    """The lines added or changed since the merge base, per repository-relative path."""

    root: Path
    base: str  # the merge base's commit id
    lines: dict[str, set[int]]


def changes(repo: Path, compare_branch: str) -> Changes:
    """The changed lines of the checkout holding `repo` since its merge base with a branch."""
    root = repository_root(repo)
    base = merge_base(root, compare_branch)
    return Changes(root, base, changed_lines(root, base))


def repository_root(repo: Path) -> Path:
    """The top folder of the git checkout holding `repo`."""
    if not repo.is_dir():
        raise AdapterError(f"repo {repo} is not a folder: set `repo` to the git checkout")
    result = git(repo, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        raise AdapterError(
            f"{repo} is not inside a git repository ({gitcmd.first_line(result.stderr)}): "
            "run in the checkout the coverage was measured in, or set `repo` to it"
        )
    return Path(result.stdout.strip())


def merge_base(root: Path, branch: str) -> str:
    """`git merge-base HEAD <branch>`, with an error that says how to fix a missing one."""
    if branch.startswith("-") or not branch.strip():
        raise AdapterError(f"compare_branch {branch!r} is not a branch or commit name")
    if not _GIT.commit_id(root, "HEAD"):
        raise AdapterError(f"{root} has no commit yet: there is nothing to compare")
    shallow = _GIT.is_shallow(root)
    target = _GIT.commit_id(root, branch)
    if target is None:
        if shallow:
            raise AdapterError(
                f"compare_branch {branch!r} is not in {root}, a shallow clone: fetch the "
                f"full history ({_UNSHALLOW})"
            )
        raise AdapterError(
            f"compare_branch {branch!r} is not a branch or commit of {root}: fetch it "
            f"({_fetch_hint(branch)}) or set compare_branch"
        )
    result = git(root, "merge-base", "HEAD", target)
    if result.returncode == 0 and result.stdout.strip():
        return result.stdout.strip()
    if shallow:
        raise AdapterError(
            f"HEAD and {branch!r} share no commit in {root}, a shallow clone: fetch the full "
            f"history ({_UNSHALLOW})"
        )
    raise AdapterError(
        f"HEAD and {branch!r} share no history in {root}: set compare_branch to the branch "
        "this one was made from"
    )


def changed_lines(root: Path, base: str) -> dict[str, set[int]]:
    """Run `git diff <base>` (working tree) and read its added lines, streamed."""
    with tempfile.TemporaryFile() as errors:
        try:
            process = gitcmd.start(
                root, *_DIFF_ARGS, base, "--", stdout=subprocess.PIPE, stderr=errors
            )
        except gitcmd.GitMissing:
            raise AdapterError(_NO_GIT) from None
        try:
            with subprocesses.kill_when_late(process, GIT_TIMEOUT_S) as watch:
                assert process.stdout is not None
                lines = parse_diff(process.stdout)  # ends early if the watch kills git
                code = process.wait()
        finally:
            subprocesses.forget(process)  # killed and reaped if parsing failed first
            if process.stdout is not None:
                process.stdout.close()
        if watch.late.is_set():
            raise AdapterError(f"git diff did not finish within {seconds_text(watch.seconds)} s")
        if code != 0:
            errors.seek(0)
            text = errors.read().decode("utf-8", errors="replace")
            raise AdapterError(f"git diff {base[:12]} failed in {root}: {gitcmd.first_line(text)}")
    return lines


def parse_diff(output: Iterable[str]) -> dict[str, set[int]]:
    """The added line numbers per new path of a `git diff --unified=0` output."""
    changed: dict[str, set[int]] = {}
    stream = iter(output)
    path: str | None = None
    for line in stream:
        if line.startswith("+++ "):
            path = _new_path(line[4:].rstrip("\n"))
        elif line.startswith("diff "):
            path = None
        elif line.startswith("@@ ") and path is not None:
            old_count, start, new_count = _hunk(line)
            changed.setdefault(path, set()).update(range(start, start + new_count))
            # Skip the hunk's own lines: an added line may itself start with "+++ ".
            _skip(stream, old_count + new_count)
    return {path: lines for path, lines in changed.items() if lines}


def tracked_files(root: Path) -> Iterator[str]:
    """Every path git tracks in the checkout, relative to its root."""
    result = git(root, "ls-files", "-z")
    if result.returncode != 0:
        raise AdapterError(f"git ls-files failed in {root}: {gitcmd.first_line(result.stderr)}")
    return (name for name in result.stdout.split("\0") if name)


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a read-only git command; git missing or hanging is an AdapterError."""
    return _GIT.run(cwd, *args)


_NO_GIT = "git is not installed here: diff coverage needs it to read what changed"
_GIT = gitcmd.Git(
    GIT_TIMEOUT_S, missing=lambda: AdapterError(_NO_GIT), late=lambda exc: AdapterError(str(exc))
)


def _fetch_hint(branch: str) -> str:
    remote, slash, name = branch.partition("/")
    return f"git fetch {remote} {name}" if slash and name else "git fetch"


def _hunk(line: str) -> tuple[int, int, int]:
    match = _HUNK.match(line)
    if match is None:
        raise AdapterError(f"git diff printed a hunk header it should not: {line.strip()!r}")
    old, start, new = match.groups()
    return (1 if old is None else int(old)), int(start), (1 if new is None else int(new))


def _skip(stream: Iterator[str], count: int) -> None:
    """Pass over the `-`/`+` lines of a hunk (and any "\\ No newline" notes)."""
    while count > 0:
        line = next(stream, None)
        if line is None:
            return
        if not line.startswith("\\"):
            count -= 1


def _new_path(name: str) -> str | None:
    """`b/src/app.py` -> `src/app.py`; None for a deleted file (`/dev/null`)."""
    if name.endswith("\t"):
        name = name[:-1]  # git ends a name that has a space with a tab
    if name.startswith('"'):
        name = _unquote(name)
    if name == "/dev/null":
        return None
    return name[2:] if name.startswith("b/") else name


_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def _unquote(quoted: str) -> str:
    """Undo git's C-style quoting of a path (`"b/a\\tb"`); octal escapes are UTF-8 bytes."""
    body, out, i = quoted[1:-1], bytearray(), 0
    while i < len(body):
        char = body[i]
        if char == "\\" and body[i + 1 : i + 4].isdigit():
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        elif char == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], ord(body[i + 1])))
            i += 2
        else:
            out.extend(char.encode("utf-8"))
            i += 1
    return out.decode("utf-8", errors="replace")
