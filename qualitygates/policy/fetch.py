"""Reading a base policy's text from its source: the working tree, git, or HTTPS.

Each read gives the text and its pin: the commit a git base was read at, or the SHA-256
of the text. See `bases` for the rules each kind follows.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from qualitygates import gitcmd
from qualitygates.errors import AdapterError, PolicyError
from qualitygates.policy.bases import Source, cache_dir, cache_key, capped, digest, is_commit
from qualitygates.policy.files import Reader, read_policy

GIT_TIMEOUT_S = 60.0
HTTPS_TIMEOUT_S = 60.0
#: git may speak only these protocols, and never asks for a password on a terminal.
_GIT_SAFETY = (
    "-c", "protocol.allow=never", "-c", "protocol.https.allow=always",
    "-c", "protocol.ssh.allow=always", "-c", "protocol.file.allow=always",
)  # fmt: skip


class BaseReader:
    """Reads bases; `offline` reads fetched ones from the cache only."""

    def __init__(self, reader: Reader, offline: bool = False) -> None:
        self.reader = reader
        self.offline = offline
        self.cache = cache_dir()

    def read(self, source: Source) -> tuple[str, str]:
        """(text, pin) of a base; PolicyError when it cannot be read."""
        if source.kind == "path":
            text = read_policy(Path(source.location), self.reader)
            return text, digest(text)
        if source.kind == "https":
            return self._https(source), source.sha256
        return self._git(source)

    def _https(self, source: Source) -> str:
        kept = self.cache / "https" / f"{source.sha256}.yaml"
        if kept.is_file():
            text = kept.read_text(encoding="utf-8")
            if digest(text) == source.sha256:
                return text
        if self.offline:
            raise PolicyError(f"{source.label} is not in the cache ({self.cache}) and --offline")
        body = _download(source.location)
        try:
            text = capped(body.decode("utf-8-sig"), source.label)
        except UnicodeDecodeError:
            raise PolicyError(f"{source.label} is not UTF-8 text") from None
        found = digest(text)
        if found != source.sha256:
            raise PolicyError(
                f"{source.label} has SHA-256 {found}, not the pinned {source.sha256}: "
                "it changed since it was pinned; review it and pin the new digest"
            )
        _keep(kept, text)
        return text

    def _git(self, source: Source) -> tuple[str, str]:
        repository = self.cache / "git" / cache_key(source.location)
        pins = self.cache / "git" / "refs.json"
        key = f"{source.location}@{source.ref}"
        if self.offline:
            commit = source.ref if is_commit(source.ref) else _load(pins).get(key)
            if commit is None or not repository.is_dir():
                raise PolicyError(
                    f"{source.label} is not in the cache ({self.cache}) and --offline"
                )
        else:
            commit = self._resolve(source)
            if not repository.is_dir():
                repository.mkdir(parents=True)
                _run(source, repository, "init", "--bare", "-q")
            if _run(source, repository, "cat-file", "-e", f"{commit}^{{commit}}", check=False):
                _run(source, repository, "fetch", "-q", "--depth=1", "--no-tags", "--",
                     source.location, commit)  # fmt: skip
            _keep(pins, json.dumps({**_load(pins), key: commit}, indent=1))
        shown = gitcmd.run(
            repository, "show", f"{commit}:{source.inner}", limit=GIT_TIMEOUT_S, errors="strict"
        )
        if shown.returncode != 0:
            raise PolicyError(f"{source.label}: {source.inner} is not in commit {commit}")
        return capped(shown.stdout.removeprefix("\ufeff"), source.label), commit

    def _resolve(self, source: Source) -> str:
        """The commit of the source's ref; a branch only when the entry allows it."""
        if is_commit(source.ref):
            return source.ref
        listed = _run(source, None, "ls-remote", "--", source.location)
        refs: dict[str, str] = {}
        for line in listed.splitlines():
            commit, _, name = line.partition("\t")
            refs[name] = commit
        tag = refs.get(f"refs/tags/{source.ref}^{{}}") or refs.get(f"refs/tags/{source.ref}")
        if tag:
            return tag
        branch = refs.get(f"refs/heads/{source.ref}") or refs.get(source.ref)
        if branch is None:
            raise PolicyError(
                f"{source.label}: {source.ref} is no tag or branch there; pin a tag or a full "
                "40-character commit id"
            )
        if not source.allow_moving_ref:
            raise PolicyError(
                f"{source.label}: {source.ref} is a branch, which moves; pin a tag or a commit, "
                "or say allow_moving_ref: true"
            )
        return branch


def _run(source: Source, cwd: Path | None, *args: str, check: bool = True) -> str:
    """git's output; PolicyError naming the base when it fails (`check`), or '' on success
    and the error text on failure when not `check`."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never"}
    git = gitcmd.Git(
        GIT_TIMEOUT_S,
        missing=lambda: PolicyError(f"{source.label}: reading a git base needs git"),
        late=lambda exc: PolicyError(
            f"{source.label}: git {exc.command[len(_GIT_SAFETY)]} did not answer within "
            f"{exc.seconds_text} s"
        ),
    )
    done = git.run(cwd, *_GIT_SAFETY, *args, env=env)
    if done.returncode != 0:
        if not check:
            return done.stderr or "failed"
        said = " ".join(done.stderr.split())[:300]
        raise PolicyError(f"{source.label}: git {args[0]} failed: {said}")
    return done.stdout if check else ""


def _download(url: str) -> bytes:
    from qualitygates.adapters._http import HttpClient

    try:
        with HttpClient(timeout=HTTPS_TIMEOUT_S, max_bytes=4 * 1024 * 1024) as client:
            return client.get_bytes(url)
    except AdapterError as exc:
        raise PolicyError(f"the base {exc}") from None


def _load(path: Path) -> dict[str, str]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _keep(path: Path, text: str) -> None:
    """Write a cache file atomically (another run may read it at the same time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
