"""The one way qualitygates runs git: bounded, and failing with its caller's own errors.

Timeouts are covered with a git that never answers in `test_subprocesses.py`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from qualitygates import gitcmd
from qualitygates.errors import AdapterError


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    (tmp_path / "f.txt").write_text("one\n")
    for args in (["init", "-q", "-b", "trunk"], ["add", "f.txt"], ["commit", "-q", "-m", "x"]):
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True)
    return tmp_path


GIT = gitcmd.Git(
    30.0,
    missing=lambda: AdapterError("install git"),
    late=lambda exc: AdapterError(f"{exc} (late)"),
)


def test_questions_about_a_checkout(repo: Path) -> None:
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert GIT.commit_id(repo, "trunk") == head
    assert GIT.commit_id(repo, "no-such-branch") is None
    assert GIT.is_shallow(repo) is False
    assert gitcmd.line(repo, "symbolic-ref", "--short", "-q", "HEAD", limit=30.0) == "trunk"
    failed = GIT.run(repo, "show", "trunk:absent.txt")
    assert failed.returncode != 0
    assert "absent.txt" in gitcmd.first_line(failed.stderr)


def test_git_missing_is_the_callers_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no git in it
    with pytest.raises(gitcmd.GitMissing, match="git is not installed"):
        gitcmd.run(tmp_path, "status", limit=5.0)
    with pytest.raises(AdapterError, match=r"^install git$"):
        GIT.commit_id(tmp_path, "HEAD")
    assert gitcmd.first_line("\n  \n") == "no message"


def test_output_that_is_not_utf8_is_replaced_or_refused(repo: Path) -> None:
    (repo / "latin1.txt").write_bytes(b"caf\xe9\n")
    subprocess.run(["git", "add", "latin1.txt"], cwd=repo, check=True)
    shown = GIT.run(repo, "show", ":latin1.txt")
    assert shown.stdout == "caf\ufffd\n"
    with pytest.raises(UnicodeDecodeError):
        GIT.run(repo, "show", ":latin1.txt", errors="strict")
