"""RunContext.detect: each CI provider's variables, the overrides, and git as the fallback."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from qualitygates.history import HistoryError, RunContext, policy_digest

SHA = "0123456789abcdef0123456789abcdef01234567"


def detect(env: dict[str, str]) -> tuple[str | None, str | None, str | None, str | None]:
    found = RunContext.detect(env, use_git=False)
    return found.commit, found.branch, found.ci_provider, found.run_url


GITHUB = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_SHA": SHA,
    "GITHUB_REF": "refs/heads/main",
    "GITHUB_REF_NAME": "main",
    "GITHUB_REF_TYPE": "branch",
    "GITHUB_HEAD_REF": "",
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "acme/shop",
    "GITHUB_RUN_ID": "9876",
}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (GITHUB, (SHA, "main", "github", "https://github.com/acme/shop/actions/runs/9876")),
        (
            {**GITHUB, "GITHUB_REF_NAME": "12/merge", "GITHUB_HEAD_REF": "feature/login"},
            (SHA, "feature/login", "github", "https://github.com/acme/shop/actions/runs/9876"),
        ),
        (
            {**GITHUB, "GITHUB_REF_NAME": "v1.2.0", "GITHUB_REF_TYPE": "tag"},
            (SHA, None, "github", "https://github.com/acme/shop/actions/runs/9876"),
        ),
        (
            {
                "GITLAB_CI": "true",
                "CI_COMMIT_SHA": SHA,
                "CI_COMMIT_BRANCH": "main",
                "CI_JOB_URL": "https://gitlab.example/acme/shop/-/jobs/55",
                "CI_PIPELINE_URL": "https://gitlab.example/acme/shop/-/pipelines/7",
            },
            (SHA, "main", "gitlab", "https://gitlab.example/acme/shop/-/jobs/55"),
        ),
        (
            {
                "GITLAB_CI": "true",
                "CI_COMMIT_SHA": SHA,
                "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "fix",
            },
            (SHA, "fix", "gitlab", None),
        ),
        (
            {
                "JENKINS_URL": "https://jenkins.example/",
                "GIT_COMMIT": SHA,
                "GIT_BRANCH": "origin/release",
                "BUILD_URL": "https://jenkins.example/job/shop/42/",
            },
            (SHA, "release", "jenkins", "https://jenkins.example/job/shop/42/"),
        ),
        (
            {"JENKINS_HOME": "/var/jenkins", "BRANCH_NAME": "PR-3", "CHANGE_BRANCH": "feature/a"},
            (None, "feature/a", "jenkins", None),
        ),
        (
            {
                "CIRCLECI": "true",
                "CIRCLE_SHA1": SHA,
                "CIRCLE_BRANCH": "main",
                "CIRCLE_BUILD_URL": "https://circleci.com/gh/acme/shop/3",
            },
            (SHA, "main", "circleci", "https://circleci.com/gh/acme/shop/3"),
        ),
        (
            {
                "TF_BUILD": "True",
                "BUILD_SOURCEVERSION": SHA,
                "BUILD_SOURCEBRANCH": "refs/heads/main",
                "SYSTEM_COLLECTIONURI": "https://dev.azure.com/acme/",
                "SYSTEM_TEAMPROJECT": "shop",
                "BUILD_BUILDID": "77",
            },
            (SHA, "main", "azure", "https://dev.azure.com/acme/shop/_build/results?buildId=77"),
        ),
        (
            {
                "BITBUCKET_BUILD_NUMBER": "5",
                "BITBUCKET_COMMIT": SHA,
                "BITBUCKET_BRANCH": "main",
                "BITBUCKET_GIT_HTTP_ORIGIN": "http://bitbucket.org/acme/shop",
            },
            (SHA, "main", "bitbucket", "http://bitbucket.org/acme/shop/pipelines/results/5"),
        ),
        (
            {
                "BUILDKITE": "true",
                "BUILDKITE_COMMIT": SHA,
                "BUILDKITE_BRANCH": "main",
                "BUILDKITE_BUILD_URL": "https://buildkite.com/acme/shop/builds/9",
            },
            (SHA, "main", "buildkite", "https://buildkite.com/acme/shop/builds/9"),
        ),
        ({"CI": "true"}, (None, None, "ci", None)),
        ({}, (None, None, None, None)),
    ],
    ids=[
        "github",
        "github-pr",
        "github-tag",
        "gitlab",
        "gitlab-mr",
        "jenkins",
        "jenkins-pr",
        "circleci",
        "azure",
        "bitbucket",
        "buildkite",
        "generic-ci",
        "nothing",
    ],
)
def test_each_provider_is_read_from_its_own_variables(
    env: dict[str, str], expected: tuple[str | None, ...]
) -> None:
    assert detect(env) == expected


def test_qualitygates_variables_override_the_provider() -> None:
    env = {
        **GITHUB,
        "QUALITYGATES_COMMIT": "feed",
        "QUALITYGATES_BRANCH": "trunk",
        "QUALITYGATES_CI_PROVIDER": "tekton",
        "QUALITYGATES_RUN_URL": "https://tekton.example/run/1",
    }
    assert detect(env) == ("feed", "trunk", "tekton", "https://tekton.example/run/1")


def test_the_time_and_digest_are_taken_as_given_in_utc() -> None:
    local = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    found = RunContext.detect({}, use_git=False, policy_digest="sha256:x", recorded_at=local)
    assert found.recorded_at == local
    assert found.recorded_at.tzinfo is timezone.utc
    assert found.policy_digest == "sha256:x"
    naive = RunContext.detect({}, use_git=False, recorded_at=datetime(2026, 3, 1, 9, 30))
    assert naive.recorded_at == datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)


def test_without_a_time_it_is_now() -> None:
    before = datetime.now(timezone.utc)
    assert before <= RunContext.detect({}, use_git=False).recorded_at <= datetime.now(timezone.utc)


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with one commit on branch `trunk`."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    _git(tmp_path, "init", "-q", "-b", "trunk")
    (tmp_path / "f.txt").write_text("x\n")
    _git(tmp_path, "add", "f.txt")
    _git(tmp_path, "commit", "-q", "-m", "one")
    return tmp_path


def test_git_fills_in_what_the_environment_does_not_say(repo: Path) -> None:
    head = _git(repo, "rev-parse", "HEAD")
    assert RunContext.detect({}, repo).commit == head
    assert RunContext.detect({}, repo).branch == "trunk"
    assert RunContext.detect({"CI_COMMIT_BRANCH": "x"}, repo).branch == "trunk"  # not GitLab
    found = RunContext.detect({"GITLAB_CI": "true", "CI_COMMIT_BRANCH": "main"}, repo)
    assert (found.commit, found.branch) == (head, "main")  # the provider's branch wins


def test_a_detached_head_has_no_branch(repo: Path) -> None:
    _git(repo, "checkout", "-q", "--detach")
    found = RunContext.detect({}, repo)
    assert found.commit == _git(repo, "rev-parse", "HEAD")
    assert found.branch is None


def test_outside_a_repository_git_says_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    found = RunContext.detect({}, tmp_path)
    assert (found.commit, found.branch) == (None, None)


def test_the_policy_digest_follows_the_files_contents(tmp_path: Path) -> None:
    policy, waivers = tmp_path / "gates.yaml", tmp_path / "waivers.yaml"
    policy.write_text("version: 1\n")
    waivers.write_text("waivers: []\n")
    first = policy_digest([policy, waivers])
    assert first.startswith("sha256:")
    assert len(first) == len("sha256:") + 64
    assert policy_digest([policy, waivers]) == first
    assert policy_digest([policy]) != first
    policy.write_text("version: 1 \n")
    assert policy_digest([policy, waivers]) != first


def test_an_unreadable_policy_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "gates.yaml"
    with pytest.raises(
        HistoryError,
        match=f"^cannot read {missing} to record its digest: No such file or directory$",
    ):
        policy_digest([missing])
