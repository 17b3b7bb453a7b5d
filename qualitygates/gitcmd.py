"""Read-only git commands, for every part of qualitygates that asks git something.

Diff coverage (what changed), file ages (`docs`), `--policy-ref` (files at a ref), the
check that a SonarQube report-task.txt is not committed, and the run's own commit and
branch all run git through here. Every git process is registered (`subprocesses`): it
ends within its limit and the check's deadline, killed if it must be, and never outlives
the run. Output is read as UTF-8 with undecodable bytes replaced: git writes paths as the
file system's bytes. External diff drivers and textconv filters are the caller's to turn
off, as `diff_coverage` does for a repository that came with a pull request.

The two failures every caller meets, git missing and git too slow, are `GitMissing` and
`GitLate`. A caller that must fail with its own error declares once, in a `Git`, its
time limit and the errors these become: the fix to name depends on what it asked git for.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from qualitygates import subprocesses
from qualitygates.deadline import seconds_text


class GitError(Exception):
    """git could not answer; the message is one clause, for the caller's sentence."""


class GitMissing(GitError):
    """There is no `git` on PATH to start."""

    def __init__(self) -> None:
        super().__init__("git is not installed")


class GitLate(GitError):
    """git did not answer within its time and was killed."""

    def __init__(self, args: Sequence[str], seconds: float, cwd: Path | str | None) -> None:
        self.command = tuple(args)
        self.seconds = seconds
        self.cwd = cwd
        super().__init__(f"git {args[0]} did not answer within {self.seconds_text} s")

    @property
    def seconds_text(self) -> str:
        """The time git had, as messages show it (`0.5`, `30`)."""
        return seconds_text(self.seconds)


def run(
    cwd: Path | str | None,
    *args: str,
    limit: float,
    errors: str = "replace",
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`git ARGS` in `cwd`, its output captured as text; GitMissing or GitLate when it
    cannot answer, OSError when it cannot start in `cwd`. `errors="strict"` makes output
    that is not UTF-8 a UnicodeDecodeError (a file's content, not git's own words). `env`
    is the whole environment, when not this process's."""
    try:
        return subprocesses.run(
            [_executable(), *args],
            cwd=cwd,
            limit=limit,
            encoding="utf-8",
            errors=errors,
            env=None if env is None else dict(env),
        )
    except subprocess.TimeoutExpired as exc:
        raise GitLate(args, float(exc.timeout), cwd) from None


def start(cwd: Path, *args: str, stdout: int, stderr: IO[bytes]) -> subprocess.Popen[Any]:
    """`git ARGS` started for its output to be streamed (UTF-8 text, bad bytes replaced);
    registered, so `subprocesses.kill_when_late` and the run's end can stop it."""
    return subprocesses.start(
        [_executable(), *args],
        cwd=cwd,
        stdout=stdout,
        stderr=stderr,
        stdin=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        errors="replace",
    )


def line(cwd: Path | str | None, *args: str, limit: float) -> str | None:
    """git's output, stripped, when it succeeds and prints something; else None."""
    return _line(run(cwd, *args, limit=limit))


@dataclass(frozen=True)
class Git:
    """git as one caller runs it: its time limit, and the errors that git missing and git
    too slow become (`missing()`, `late(GitLate)`), each naming the caller's own fix."""

    limit: float
    missing: Callable[[], Exception]
    late: Callable[[GitLate], Exception]

    def run(
        self,
        cwd: Path | str | None,
        *args: str,
        errors: str = "replace",
        env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """`run`, with this caller's limit and errors."""
        try:
            return run(cwd, *args, limit=self.limit, errors=errors, env=env)
        except GitMissing:
            raise self.missing() from None
        except GitLate as exc:
            raise self.late(exc) from None

    def line(self, cwd: Path | str | None, *args: str) -> str | None:
        """git's output, stripped, when it succeeds and prints something; else None."""
        return _line(self.run(cwd, *args))

    def commit_id(self, cwd: Path, name: str) -> str | None:
        """The commit a branch, tag or commit name stands for in the repository, or None."""
        return self.line(cwd, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")

    def is_shallow(self, cwd: Path) -> bool:
        """Whether the checkout is a shallow clone (CI's default `fetch-depth: 1`)."""
        return self.line(cwd, "rev-parse", "--is-shallow-repository") == "true"


def first_line(text: str) -> str:
    """The first line of git's error output that says something."""
    lines = [part.strip() for part in text.splitlines() if part.strip()]
    return lines[0] if lines else "no message"


def _line(done: subprocess.CompletedProcess[str]) -> str | None:
    text = done.stdout.strip()
    return text if done.returncode == 0 and text else None


def _executable() -> str:
    """The `git` on PATH now (a test, or a CI step, may change PATH between runs)."""
    found = shutil.which("git")
    if found is None:
        raise GitMissing
    return found
