"""Where and when a run happened: commit, branch, CI provider, run URL, policy digest, time.

`RunContext.detect` reads the CI provider's own environment variables (GitHub Actions,
GitLab CI, Jenkins, CircleCI, Azure Pipelines, Bitbucket Pipelines, Buildkite), lets
`QUALITYGATES_COMMIT`, `QUALITYGATES_BRANCH`, `QUALITYGATES_RUN_URL` and
`QUALITYGATES_CI_PROVIDER` override them, and asks git for whatever is still missing.
CI checkouts are often a detached HEAD, which is why the provider's variables come first.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from qualitygates import gitcmd
from qualitygates.errors import HistoryError

Env = Mapping[str, str]
GIT_TIMEOUT = 5.0


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class RunContext:
    """The context recorded with a run; every field but the time may be unknown."""

    commit: str | None = None
    branch: str | None = None
    ci_provider: str | None = None
    run_url: str | None = None
    policy_digest: str | None = None
    recorded_at: datetime = field(default_factory=_utc_now)

    @classmethod
    def detect(
        cls,
        env: Env | None = None,
        cwd: str | Path | None = None,
        *,
        policy_digest: str | None = None,
        recorded_at: datetime | None = None,
        use_git: bool = True,
    ) -> RunContext:
        """The context of this run, from `env` (default: os.environ), then git in `cwd`."""
        env = os.environ if env is None else env
        found = _from_provider(env)
        found = replace(
            found,
            commit=_get(env, "QUALITYGATES_COMMIT") or found.commit,
            branch=_get(env, "QUALITYGATES_BRANCH") or found.branch,
            ci_provider=_get(env, "QUALITYGATES_CI_PROVIDER") or found.ci_provider,
            run_url=_get(env, "QUALITYGATES_RUN_URL") or found.run_url,
        )
        if use_git and not (found.commit and found.branch):
            found = replace(
                found,
                commit=found.commit or _git(cwd, "rev-parse", "--verify", "-q", "HEAD"),
                branch=found.branch or _git(cwd, "symbolic-ref", "--short", "-q", "HEAD"),
            )
        return replace(
            found, policy_digest=policy_digest, recorded_at=_as_utc(recorded_at or _utc_now())
        )


def policy_digest(paths: Iterable[str | Path]) -> str:
    """`sha256:<hex>` over the contents of the policy file (and any file it includes)."""
    digest = hashlib.sha256()
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise HistoryError(f"cannot read {path} to record its digest: {exc.strerror}") from None
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return f"sha256:{digest.hexdigest()}"


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _get(env: Env, *names: str) -> str | None:
    """The first of `names` that is set to something other than blanks."""
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return value
    return None


def _branch(ref: str | None) -> str | None:
    """`refs/heads/main` or Jenkins' `origin/main` -> `main`."""
    if not ref:
        return None
    for prefix in ("refs/heads/", "origin/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def _github(env: Env) -> RunContext | None:
    # https://docs.github.com/en/actions/reference/variables-reference
    if env.get("GITHUB_ACTIONS") != "true":
        return None
    # On a pull request GITHUB_REF_NAME is "123/merge"; the branch is GITHUB_HEAD_REF.
    on_branch = env.get("GITHUB_REF_TYPE", "branch") == "branch"
    branch = _get(env, "GITHUB_HEAD_REF") or (_get(env, "GITHUB_REF_NAME") if on_branch else None)
    url = None
    if _get(env, "GITHUB_REPOSITORY") and _get(env, "GITHUB_RUN_ID"):
        server = _get(env, "GITHUB_SERVER_URL") or "https://github.com"
        url = f"{server}/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}"
    return RunContext(_get(env, "GITHUB_SHA"), branch, "github", url)


def _gitlab(env: Env) -> RunContext | None:
    # https://docs.gitlab.com/ci/variables/predefined_variables/
    if env.get("GITLAB_CI") != "true":
        return None
    branch = _get(env, "CI_COMMIT_BRANCH", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME")
    url = _get(env, "CI_JOB_URL", "CI_PIPELINE_URL")
    return RunContext(_get(env, "CI_COMMIT_SHA"), branch, "gitlab", url)


def _jenkins(env: Env) -> RunContext | None:
    # https://www.jenkins.io/doc/book/pipeline/jenkinsfile/#using-environment-variables
    if not _get(env, "JENKINS_URL", "JENKINS_HOME"):
        return None
    branch = _branch(_get(env, "CHANGE_BRANCH", "BRANCH_NAME", "GIT_BRANCH"))
    return RunContext(_get(env, "GIT_COMMIT"), branch, "jenkins", _get(env, "BUILD_URL"))


Provider = Callable[[Env], RunContext | None]


def _flagged(provider: str, flag: str, commit: str, branch: str, url: str) -> Provider:
    """A provider that sets `flag` to "true" and names the commit, the branch and the build's
    URL in one variable each."""

    def detect(env: Env) -> RunContext | None:
        if env.get(flag) != "true":
            return None
        return RunContext(_get(env, commit), _get(env, branch), provider, _get(env, url))

    return detect


_circleci = _flagged("circleci", "CIRCLECI", "CIRCLE_SHA1", "CIRCLE_BRANCH", "CIRCLE_BUILD_URL")


def _azure(env: Env) -> RunContext | None:
    if env.get("TF_BUILD", "").lower() != "true":
        return None
    ref = _get(env, "SYSTEM_PULLREQUEST_SOURCEBRANCH", "BUILD_SOURCEBRANCH")
    url = None
    parts = [_get(env, n) for n in ("SYSTEM_COLLECTIONURI", "SYSTEM_TEAMPROJECT", "BUILD_BUILDID")]
    if all(parts):
        base, project, build = parts
        url = f"{str(base).rstrip('/')}/{project}/_build/results?buildId={build}"
    return RunContext(_get(env, "BUILD_SOURCEVERSION"), _branch(ref), "azure", url)


def _bitbucket(env: Env) -> RunContext | None:
    if not _get(env, "BITBUCKET_BUILD_NUMBER"):
        return None
    url = None
    if _get(env, "BITBUCKET_GIT_HTTP_ORIGIN"):
        url = (
            f"{env['BITBUCKET_GIT_HTTP_ORIGIN']}/pipelines/results/{env['BITBUCKET_BUILD_NUMBER']}"
        )
    return RunContext(
        _get(env, "BITBUCKET_COMMIT"), _get(env, "BITBUCKET_BRANCH"), "bitbucket", url
    )


_buildkite = _flagged(
    "buildkite", "BUILDKITE", "BUILDKITE_COMMIT", "BUILDKITE_BRANCH", "BUILDKITE_BUILD_URL"
)

_PROVIDERS: tuple[Provider, ...] = (
    _github,
    _gitlab,
    _jenkins,
    _circleci,
    _azure,
    _bitbucket,
    _buildkite,
)


def _from_provider(env: Env) -> RunContext:
    for provider in _PROVIDERS:
        found = provider(env)
        if found is not None:
            return found
    # Most CI services set CI=true; an unknown one is still worth telling from a laptop.
    return RunContext(ci_provider="ci" if env.get("CI", "").lower() in ("true", "1") else None)


def _git(cwd: str | Path | None, *args: str) -> str | None:
    """One line of git output, or None: git missing, not a repository, detached HEAD."""
    try:
        return gitcmd.line(cwd, *args, limit=GIT_TIMEOUT)
    except (gitcmd.GitError, OSError):
        return None
