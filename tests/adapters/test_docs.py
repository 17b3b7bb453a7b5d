"""The docs adapter on small Markdown files, and file ages from a real git history."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from qualitygates.adapters.docs import DocsAdapter
from qualitygates.adapters.docs.markdown import github_slug, normalize_title, parse_markdown
from qualitygates.errors import AdapterError
from qualitygates.model import Finding
from tests.helpers import DATA, collect

HERE = DATA / "docs"
RUNBOOK = {"path": "runbook.md", "sections": ["Rollback", "Escalation", "Troubleshooting"]}


def run(base: Path = HERE, **options: object) -> tuple[dict[str, float], list[Finding]]:
    result = collect(DocsAdapter, base_dir=base, **options)
    counts = DocsAdapter().count_findings(result.findings)
    return {k: m.value for k, m in counts.items()}, list(result.findings)


def messages(findings: list[Finding], rule: str) -> list[str]:
    return [f.message for f in findings if f.rule == rule]


def test_complete_runbook_passes() -> None:
    metrics, findings = run(required=[RUNBOOK, "setup.md"])
    assert findings == []
    assert metrics == {
        "missing_files": 0,
        "missing_sections": 0,
        "placeholder_sections": 0,
        "broken_links": 0,
        "stale_files": 0,
        "problems": 0,
    }


def test_numbered_and_nested_headings_match_case_insensitively() -> None:
    entry = {"path": "runbook.md", "sections": ["ROLLBACK", "high latency", "Overview:"]}
    assert run(required=[entry])[1] == []


def test_missing_section_names_the_headings_found() -> None:
    metrics, findings = run(
        required=[{"path": "incomplete.md", "sections": ["Rollback", "Escalation"]}]
    )
    assert metrics["missing_sections"] == 1
    assert messages(findings, "missing-section") == [
        "incomplete.md has no 'Rollback' section (headings found: Checkout service runbook, "
        "Troubleshooting, Escalation, Contacts, Deploy, Steps)"
    ]


def test_placeholder_and_empty_sections() -> None:
    metrics, findings = run(required=["incomplete.md"])
    assert metrics["placeholder_sections"] == 2
    assert messages(findings, "placeholder-section") == [
        "incomplete.md section 'Troubleshooting' (line 5) is only a placeholder "
        "('TODO: write the common failures.'): write it",
        "incomplete.md section 'Escalation' (line 9) is empty: write it",
    ]
    assert [f.location.line for f in findings if f.rule == "placeholder-section"] == [5, 9]


def test_broken_links_and_anchors() -> None:
    metrics, findings = run(required=["incomplete.md"])
    assert metrics["broken_links"] == 2
    assert messages(findings, "broken-link") == [
        "incomplete.md:3: link to 'missing.md' is broken: missing.md does not exist",
        "incomplete.md:13: link to 'setup.md#on-call-rota' is broken: setup.md has no heading "
        "with the anchor #on-call-rota",
    ]


def test_links_can_be_left_unchecked() -> None:
    metrics, _ = run(required=["incomplete.md"], check_links=False)
    assert metrics["broken_links"] == 0


def test_missing_and_empty_files() -> None:
    metrics, findings = run(required=[{"path": "nope.md", "sections": ["Rollback"]}, "empty.md"])
    assert (metrics["missing_files"], metrics["missing_sections"], metrics["problems"]) == (2, 1, 3)
    assert [f.message for f in findings] == [
        "nope.md does not exist: write it, or fix its path under required",
        "nope.md does not exist, so it has no 'Rollback' section",
        "empty.md is empty: write it",
    ]


def test_mapping_form_of_required() -> None:
    metrics, _ = run(required={"runbook.md": ["Rollback"], "incomplete.md": ["Rollback"]})
    assert metrics["missing_sections"] == 1


@pytest.mark.parametrize(
    ("required", "message"),
    [
        ([], "docs option required must list the files to check"),
        ([{"path": "a.md", "section": ["x"]}], "entry 1: unknown key 'section'"),
        ([{"sections": ["x"]}], "entry 1: path must be a file path"),
        ([{"path": "a.md", "sections": [1]}], "entry 1: sections must be a list of heading names"),
    ],
)
def test_bad_option_values(required: object, message: str) -> None:
    with pytest.raises(AdapterError, match=message):
        run(required=required)


def test_bad_max_age() -> None:
    with pytest.raises(AdapterError, match="docs option max_age: 'soon' is not a duration"):
        run(required=["runbook.md"], max_age="soon")


def test_github_slugs() -> None:
    assert github_slug("3. Rollback") == "3-rollback"
    assert github_slug("What's `kubectl`?") == "whats-kubectl"
    assert github_slug("Überblick & Ziele") == "überblick--ziele"
    document = parse_markdown(HERE / "setup.md")
    assert {"install-the-cli", "install-the-cli-1", "setup"} <= document.anchors


def test_normalized_titles() -> None:
    assert normalize_title("3.1 Rollback") == normalize_title("rollback") == "rollback"
    assert normalize_title("2) Escalation:") == "escalation"


def test_headings_in_code_blocks_are_not_sections(tmp_path: Path) -> None:
    (tmp_path / "r.md").write_text("# R\n\ntext\n\n```\n## Rollback\n```\n", encoding="utf-8")
    metrics, _ = run(base=tmp_path, required=[{"path": "r.md", "sections": ["Rollback"]}])
    assert metrics["missing_sections"] == 1


# --- ages from git ---------------------------------------------------------------


def git(folder: Path, *args: str, when: str = "2026-11-01T12:00:00+00:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git(tmp_path, "init", "-q")
    (tmp_path / "old.md").write_text("# Old\n\nwritten long ago\n", encoding="utf-8")
    git(tmp_path, "add", "old.md")
    git(tmp_path, "commit", "-q", "-m", "old", when="2026-06-01T12:00:00+00:00")
    (tmp_path / "new.md").write_text("# New\n\nwritten lately\n", encoding="utf-8")
    git(tmp_path, "add", "new.md")
    git(tmp_path, "commit", "-q", "-m", "new", when="2026-11-20T12:00:00+00:00")
    return tmp_path


def test_stale_file_from_git_history(repo: Path) -> None:
    metrics, findings = run(base=repo, required=["old.md", "new.md"], max_age="90d")
    assert metrics["stale_files"] == 1
    assert messages(findings, "stale-file") == [
        "old.md was last changed 176d ago (2026-06-01), more than the maximum age of 90d: "
        "review it and commit an update"
    ]


def test_per_file_max_age_wins(repo: Path) -> None:
    metrics, _ = run(base=repo, required=[{"path": "old.md", "max_age": "30w"}], max_age="1d")
    assert metrics["stale_files"] == 0


def test_uncommitted_file_has_no_age(repo: Path) -> None:
    (repo / "draft.md").write_text("# Draft\n\ntext\n", encoding="utf-8")
    with pytest.raises(AdapterError, match=r"draft\.md has no commit in the git history"):
        run(base=repo, required=["draft.md"], max_age="90d")


def test_shallow_clone_names_the_fix(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    clone = tmp_path_factory.mktemp("clone") / "c"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)],
                   check=True, capture_output=True)  # fmt: skip
    with pytest.raises(AdapterError, match=r"shallow git clone.*fetch-depth: 0"):
        run(base=clone, required=["old.md"], max_age="90d")


def test_outside_git_names_the_fix(tmp_path: Path) -> None:
    (tmp_path / "r.md").write_text("# R\n\ntext\n", encoding="utf-8")
    with pytest.raises(AdapterError, match=r"not in a git work tree.*fetch-depth: 0"):
        run(base=tmp_path, required=["r.md"], max_age="90d")
