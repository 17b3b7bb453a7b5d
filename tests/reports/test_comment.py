"""`qualitygates comment` against a loopback GitHub and GitLab (tests/reports/code_hosts.py):
one sticky comment, created once and edited after, found across pages; refusals and busy
servers; the token only ever sent to the API and never shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualitygates.api import render_result
from qualitygates.model import Status
from qualitygates.reports.comment import MARKER
from tests.helpers import qualitygates
from tests.reports.code_hosts import TOKEN, CodeHost
from tests.reports.rich import rich_result
from tests.reports.test_markdown_report import gates_with

GITHUB_ENV = {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/shop",
              "GITHUB_TOKEN": TOKEN, "GITLAB_CI": ""}  # fmt: skip
GITLAB_ENV = {"GITLAB_CI": "true", "CI_PROJECT_ID": "acme/shop", "CI_MERGE_REQUEST_IID": "7",
              "GITLAB_TOKEN": TOKEN, "GITHUB_ACTIONS": ""}  # fmt: skip


def saved(folder: Path, result: object = None) -> str:
    (folder / "result.json").write_bytes(render_result(result or rich_result(), "json"))
    return "result.json"


def github_event(folder: Path) -> dict[str, str]:
    (folder / "event.json").write_text(json.dumps({"pull_request": {"number": 7}}))
    return {"GITHUB_EVENT_PATH": str(folder / "event.json")}


@pytest.mark.parametrize("provider", ["github", "gitlab"])
def test_one_comment_is_created_then_edited_never_a_second(tmp_path: Path, provider: str) -> None:
    with CodeHost(provider) as host:
        env = ({**GITHUB_ENV, **github_event(tmp_path), "GITHUB_API_URL": host.url}
               if provider == "github" else {**GITLAB_ENV, "CI_API_V4_URL": host.url})  # fmt: skip
        first = qualitygates("comment", saved(tmp_path), cwd=tmp_path, env=env)
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip() == f"comment created on {provider} #7"
        assert len(host.comments) == 4 and host.comments[-1]["body"].startswith(MARKER)
        assert "Quality gates failed" in host.comments[-1]["body"]
        host.comments.append({"id": 200, "body": "a later review comment"})  # ours is on page 2
        again = qualitygates("comment", saved(tmp_path, gates_with([Status.PASSED])),
                             cwd=tmp_path, env=env)  # fmt: skip
        assert again.stdout.strip() == f"comment updated on {provider} #7"
    assert len(host.comments) == 5
    ours = [c for c in host.comments if MARKER in c["body"]]
    assert len(ours) == 1 and "**1/1 gates passed" in ours[0]["body"]  # the second result
    assert {method for method, _, _ in host.seen} >= {
        "GET",
        "POST",
        "PATCH" if provider == "github" else "PUT",
    }
    assert TOKEN not in first.stdout + first.stderr + again.stdout + again.stderr


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (401, "the token was refused (401): check that it is set and still valid"),
        (403, "the token may not comment there, or the API's rate limit is spent (403)"),
        (404, "there is no such request, or the token cannot see it (404)"),
    ],
)
def test_a_refusal_is_one_warning_and_never_a_failed_step(
    tmp_path: Path, status: int, sentence: str
) -> None:
    with CodeHost("github") as host:
        host.faults = [(status, {})]
        env = {**GITHUB_ENV, **github_event(tmp_path), "GITHUB_API_URL": host.url}
        done = qualitygates("comment", saved(tmp_path), cwd=tmp_path, env=env)
    assert done.returncode == 0  # the gate's verdict is run's exit code, not the comment's
    assert (
        done.stderr.strip()
        == f"warning: the comment was not posted: GET on github #7 in acme/shop: {sentence}"
    )
    assert TOKEN not in done.stdout + done.stderr and len(host.comments) == 3


def test_a_busy_server_is_asked_again_as_it_says(tmp_path: Path) -> None:
    with CodeHost("gitlab") as host:
        host.faults = [(429, {"Retry-After": "0"}), (503, {"Retry-After": "0"})]
        env = {**GITLAB_ENV, "CI_API_V4_URL": host.url}
        done = qualitygates("comment", saved(tmp_path), cwd=tmp_path, env=env)
    assert done.returncode == 0 and "comment created" in done.stdout, done.stderr


def test_the_token_goes_nowhere_but_the_named_api(tmp_path: Path) -> None:
    with CodeHost("github") as host:
        host.faults = [(302, {"Location": "http://127.0.0.2:9/elsewhere"})]
        env = {**GITHUB_ENV, **github_event(tmp_path), "GITHUB_API_URL": host.url}
        done = qualitygates("comment", saved(tmp_path), cwd=tmp_path, env=env)
    assert "redirected the request (302); the token is sent to no other address" in done.stderr
    assert all(path.startswith("/repos/acme/shop/") for _, path, _ in host.seen)
    env = {**GITHUB_ENV, "GITHUB_API_URL": "http://api.example.com",
           "GITHUB_REF": "refs/pull/7/merge"}  # fmt: skip
    plain = qualitygates("comment", saved(tmp_path), cwd=tmp_path, env=env)
    assert plain.returncode == 2 and "must be https://" in plain.stderr


def test_what_is_missing_is_named(tmp_path: Path) -> None:
    done = qualitygates("comment", saved(tmp_path), cwd=tmp_path,
                        env={**GITHUB_ENV, "GITHUB_EVENT_PATH": "", "GITHUB_REF": "refs/heads/main"})  # fmt: skip
    assert done.returncode == 2 and "no --pr (or a pull_request event)" in done.stderr
    done = qualitygates("comment", saved(tmp_path), cwd=tmp_path,
                        env={"GITHUB_ACTIONS": "", "GITLAB_CI": ""})  # fmt: skip
    assert done.returncode == 2 and "give --provider github|gitlab" in done.stderr


def test_a_large_result_fits_githubs_comment(tmp_path: Path) -> None:
    with CodeHost("github") as host:
        env = {**GITHUB_ENV, "GITHUB_API_URL": host.url}
        big = gates_with([Status.PASSED] * 200 + [Status.FAILED], rows=20)
        done = qualitygates("comment", saved(tmp_path, big), "--pr", "7", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert len(host.comments[-1]["body"]) <= 65_536


def test_a_server_that_pages_for_ever_or_answers_garbage_is_an_error(tmp_path: Path) -> None:
    with CodeHost("gitlab", page_size=1, others=150) as host:  # 150 pages of one comment
        env = {**GITLAB_ENV, "CI_API_V4_URL": host.url}
        endless = qualitygates("comment", saved(tmp_path), cwd=tmp_path, env=env)
    assert endless.returncode == 0
    assert "lists more than 100 pages of comments on #7: not looking further" in endless.stderr
    assert len(host.comments) == 150  # nothing posted
    with CodeHost("github") as host:
        host.faults = [(200, {})]  # a JSON object where the page of comments should be
        env = {**GITHUB_ENV, **github_event(tmp_path), "GITHUB_API_URL": host.url}
        garbage = qualitygates("comment", saved(tmp_path), cwd=tmp_path, env=env)
    assert "answered the comments of #7 with something other than a JSON list" in garbage.stderr
    assert len(host.comments) == 3
