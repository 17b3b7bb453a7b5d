"""`qualitygates comment`: one sticky comment with the Markdown summary on a pull request
(GitHub) or a merge request (GitLab), created the first time and edited every time after.

Our comment is found by a hidden marker among the request's comments (every page of them),
so a pipeline that runs again edits it and never posts a second one. The token comes from
the environment and goes only to the API named by `GITHUB_API_URL`, `CI_API_V4_URL` or
`--api-url`: over TLS, verified, never redirected (a redirect is an error), and never
shown. A server that is busy (429, 502-504) or unreachable is tried three times, waiting
as it asks (Retry-After, up to 10 s). Any failure is a `ReportError` with one sentence;
the command line reports it without changing the gate's verdict.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from qualitygates.errors import ReportError, UsageError

MARKER = "<!-- qualitygates: sticky comment, edited by every run -->"
LIMITS = {"github": 65_536, "gitlab": 1_000_000}  # characters a comment may hold
ATTEMPTS, MAX_WAIT = 3, 10.0
MAX_PAGES = 100  # 10,000 comments: a server that pages for ever is not followed for ever
_BUSY = frozenset({429, 502, 503, 504})
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class Target:
    """Where the comment goes: a provider's API, a repository and a request's number."""

    provider: str  # github | gitlab
    api_url: str
    repository: str  # OWNER/NAME on GitHub; a project's id or path on GitLab
    number: int
    token: str

    def __repr__(self) -> str:  # the token never shows, not even in a traceback
        return f"Target({self.provider}, {self.api_url}, {self.repository}, #{self.number})"


def find_target(
    env: Mapping[str, str],
    provider: str | None = None,
    api_url: str | None = None,
    repository: str | None = None,
    number: int | None = None,
) -> Target:
    """The target from the flags, else from CI's standard variables; UsageError naming
    what is missing."""
    provider = provider or _provider(env)
    if provider == "github":
        api = api_url or env.get("GITHUB_API_URL") or "https://api.github.com"
        repo, found = repository or env.get("GITHUB_REPOSITORY"), number or _github_number(env)
        token = env.get("GITHUB_TOKEN") or env.get("GH_TOKEN")
        names = "--repo or GITHUB_REPOSITORY", "--pr (or a pull_request event)", "GITHUB_TOKEN"
    else:
        api = api_url or env.get("CI_API_V4_URL") or "https://gitlab.com/api/v4"
        repo = repository or env.get("CI_PROJECT_ID")
        iid = env.get("CI_MERGE_REQUEST_IID", "")
        found = number or (int(iid) if iid.isdigit() else None)
        token = env.get("GITLAB_TOKEN")
        names = "--repo or CI_PROJECT_ID", "--pr or CI_MERGE_REQUEST_IID", "GITLAB_TOKEN"
    for value, name in zip((repo, found, token), names, strict=True):
        if not value:
            raise UsageError(f"comment on {provider}: no {name}")
    _check_api(api)
    return Target(provider, api.rstrip("/"), str(repo), int(found), str(token))  # type: ignore[arg-type]


def post_comment(target: Target, markdown: str, session: Any = None) -> str:
    """Create or edit our comment; "created" or "updated"."""
    import requests

    http = session or requests.Session()
    body = f"{MARKER}\n{markdown}"
    existing = _find_ours(target, http)
    if target.provider == "github":
        repo = target.repository
        if existing is None:
            _call(target, http, "POST", f"/repos/{repo}/issues/{target.number}/comments", body)
            return "created"
        _call(target, http, "PATCH", f"/repos/{repo}/issues/comments/{existing}", body)
        return "updated"
    notes = f"/projects/{quote(target.repository, safe='')}/merge_requests/{target.number}/notes"
    if existing is None:
        _call(target, http, "POST", notes, body)
        return "created"
    _call(target, http, "PUT", f"{notes}/{existing}", body)
    return "updated"


def _find_ours(target: Target, http: Any) -> int | None:
    """Our comment's id, read page after page; None when there is none yet."""
    if target.provider == "github":
        path = f"/repos/{target.repository}/issues/{target.number}/comments"
    else:
        project = quote(target.repository, safe="")
        path = f"/projects/{project}/merge_requests/{target.number}/notes"
    page: int | None = 1
    while page is not None:
        if page > MAX_PAGES:
            raise ReportError(f"{target.provider} lists more than {MAX_PAGES} pages of comments "
                              f"on #{target.number}: not looking further")  # fmt: skip
        reply = _call(target, http, "GET", f"{path}?per_page=100&page={page}")
        for comment in _comments(target, reply):
            if MARKER in str(comment.get("body") or "") and type(comment.get("id")) is int:
                return int(comment["id"])
        page = _next_page(reply, page)
    return None


def _comments(target: Target, reply: Any) -> list[dict[str, Any]]:
    """A page of comments, as objects; ReportError for anything else."""
    try:
        comments = reply.json() if reply.content else []
    except ValueError:
        comments = None
    if not isinstance(comments, list):
        raise ReportError(f"{target.provider} answered the comments of #{target.number} "
                          "with something other than a JSON list")  # fmt: skip
    return [comment for comment in comments if isinstance(comment, dict)]


def _next_page(reply: Any, page: int) -> int | None:
    """GitHub says `rel="next"` in its Link header; GitLab gives X-Next-Page."""
    following = reply.headers.get("X-Next-Page")
    if following is not None:  # only forward: a page that points back would loop
        return int(following) if str(following).isdigit() and int(following) > page else None
    return page + 1 if 'rel="next"' in reply.headers.get("Link", "") else None


def _call(target: Target, http: Any, method: str, path: str, body: str | None = None) -> Any:
    import requests

    headers = _auth(target)
    data = json.dumps({"body": body}) if body is not None else None
    for attempt in range(1, ATTEMPTS + 1):
        try:
            reply = http.request(method, target.api_url + path, headers=headers, data=data,
                                 timeout=(10, 30), allow_redirects=False)  # fmt: skip
        except requests.RequestException as exc:
            if attempt == ATTEMPTS:
                raise ReportError(f"{target.provider} API at {target.api_url} could not be "
                                  f"reached: {type(exc).__name__}") from None  # fmt: skip
            time.sleep(attempt)
            continue
        if reply.status_code in _BUSY and attempt < ATTEMPTS:
            time.sleep(_wait(reply, attempt))
            continue
        if reply.status_code >= 300:
            raise ReportError(_refusal(target, reply.status_code, method))
        return reply
    raise AssertionError("unreachable")  # pragma: no cover


def _auth(target: Target) -> dict[str, str]:
    if target.provider == "github":
        return {"Authorization": f"Bearer {target.token}", "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28", "Content-Type": "application/json"}  # fmt: skip
    return {"PRIVATE-TOKEN": target.token, "Content-Type": "application/json"}


def _wait(reply: Any, attempt: int) -> float:
    asked = reply.headers.get("Retry-After", "")
    return min(float(asked), MAX_WAIT) if asked.isdigit() else float(attempt)


def _refusal(target: Target, status: int, method: str) -> str:
    where = f"{target.provider} #{target.number} in {target.repository}"
    reasons = {
        401: "the token was refused (401): check that it is set and still valid",
        403: "the token may not comment there, or the API's rate limit is spent (403)",
        404: "there is no such request, or the token cannot see it (404)",
        429: "the API's rate limit is spent (429): try again later",
    }
    if 300 <= status < 400:
        return f"{method} on {where}: the API redirected the request ({status}); the token is sent to no other address"
    return f"{method} on {where}: " + reasons.get(status, f"the API answered {status}")


def _provider(env: Mapping[str, str]) -> str:
    if env.get("GITHUB_ACTIONS") == "true":
        return "github"
    if env.get("GITLAB_CI") == "true":
        return "gitlab"
    raise UsageError("comment: not on GitHub Actions or GitLab CI: give --provider github|gitlab")


def _github_number(env: Mapping[str, str]) -> int | None:
    event = env.get("GITHUB_EVENT_PATH")
    if event and os.path.isfile(event):
        try:
            with open(event, encoding="utf-8") as handle:
                number = json.load(handle).get("pull_request", {}).get("number")
        except (OSError, ValueError, AttributeError):
            number = None
        if type(number) is int:
            return number
    ref = env.get("GITHUB_REF", "")  # refs/pull/12/merge
    parts = ref.split("/")
    return int(parts[2]) if len(parts) == 4 and parts[1] == "pull" and parts[2].isdigit() else None


def _check_api(api: str) -> None:
    parts = urlsplit(api)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        return
    raise UsageError(f"comment: the API address must be https:// (not {parts.scheme or api!r})")
