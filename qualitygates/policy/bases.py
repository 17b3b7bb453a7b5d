"""Where a base policy (`extends:`) comes from, and reading it: a path, git, pinned HTTPS.

- A path is read like the policy itself (from `--policy-ref`'s ref when given), relative
  to the file that names it.
- `git+URL@REF#path/in/repo`: REF is a tag or a full commit id; a branch moves under the
  policy's feet, so it is refused unless the entry says `allow_moving_ref: true`. Only
  https, ssh and file URLs are fetched (no plain http, no `ext::` commands), and git never
  prompts. A path a git base names is read from the same repository and commit.
- `{source: https://..., sha256: HEX}` (or `https://...#sha256=HEX`): fetched with TLS
  verified (REQUESTS_CA_BUNDLE for a private CA), and refused unless its SHA-256 is the pin.

Fetched bases are kept in the user's cache folder (`QUALITYGATES_CACHE_DIR`, else
`$XDG_CACHE_HOME/qualitygates`, else `~/.cache/qualitygates`). `--offline` reads only
that cache, and a base not in it is an error. Every limit of a policy file holds for a
base: 2 MiB, and each git or HTTPS request ends within its time.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from qualitygates.errors import PolicyError
from qualitygates.policy.yaml_source import MAX_POLICY_BYTES, Located

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_GIT_SCHEMES = ("https://", "ssh://", "file://")
SOURCE_KEYS = ("source", "sha256", "allow_moving_ref")


@dataclass(frozen=True)
class Source:
    """One `extends:` entry, resolved against the file that names it."""

    kind: str  # "path", "git" or "https"
    location: str  # the file's absolute path, or the repository's or the file's URL
    ref: str = ""  # git: the tag, commit or branch
    inner: str = ""  # git: the file's path in the repository
    sha256: str = ""  # https: the pin
    allow_moving_ref: bool = False

    @property
    def label(self) -> str:
        """How messages, `policy show` and `--require-base` name it."""
        if self.kind == "git":
            return f"git+{self.location}@{self.ref}#{self.inner}"
        return self.location

    def relative(self, text: str) -> Source:
        """A path that this base names, read from where this base was read."""
        if self.kind == "path":
            return Source("path", os.path.normpath(Path(self.location).parent / text))
        if self.kind == "git":
            inner = posixpath.normpath(posixpath.join(posixpath.dirname(self.inner), text))
            if inner.startswith("../") or inner == "..":
                raise PolicyError(f"{text} is outside the repository of {self.label}")
            return Source("git", self.location, self.ref, inner, allow_moving_ref=True)
        raise PolicyError(
            f"{text}: a base fetched over HTTPS can only extend git or pinned HTTPS sources"
        )


def source_of(node: Located, naming: Source) -> Source:
    """The source an `extends:` entry names; PolicyError saying what is wrong with it."""
    spec, pin, moving = _entry(node)
    if spec.startswith("git+"):
        return _git_source(spec[4:], moving)
    if spec.startswith(("https://", "http://")):
        url, _, fragment = spec.partition("#")
        pin = pin or fragment.removeprefix("sha256=")
        if not url.startswith("https://"):
            raise PolicyError(f"{spec}: a base is fetched over HTTPS only (TLS verified)")
        if not _SHA256.match(pin.lower()):
            raise PolicyError(
                f"{spec}: an HTTPS base must be pinned with its SHA-256, "
                "as {source: URL, sha256: HEX} or URL#sha256=HEX"
            )
        return Source("https", url, sha256=pin.lower())
    if "://" in spec:
        raise PolicyError(f"{spec}: a base is a path, git+URL@REF#path, or a pinned https URL")
    return naming.relative(spec)


def _entry(node: Located) -> tuple[str, str, bool]:
    """(source, sha256, allow_moving_ref) of a string or mapping entry."""
    if isinstance(node.value, str) and node.value.strip():
        return node.value.strip(), "", False
    if node.is_mapping and isinstance(getattr(node.value.get("source"), "value", None), str):
        unknown = set(node.value) - set(SOURCE_KEYS)
        if unknown:
            raise PolicyError(f"unknown key {sorted(unknown)[0]!r} in an extends entry")
        pin = node.value.get("sha256")
        moving = node.value.get("allow_moving_ref")
        return (
            str(node.value["source"].value).strip(),
            str(pin.value) if pin is not None else "",
            moving is not None and moving.value is True,
        )
    raise PolicyError("an extends entry is a path, git+URL@REF#path, or {source: ..., sha256: ...}")


def _git_source(spec: str, moving: bool) -> Source:
    address, _, inner = spec.partition("#")
    url, at, ref = address.rpartition("@")
    # A ref with a '/' is most likely the end of `ssh://git@host/repo` written without @REF.
    if not at or "/" in ref or not url or not inner:
        raise PolicyError(f"git+{spec}: write git+URL@REF#path/in/repo (REF a tag or commit)")
    if not url.startswith(_GIT_SCHEMES):
        raise PolicyError(f"git+{spec}: only https://, ssh:// and file:// repositories are read")
    inner = posixpath.normpath(inner.lstrip("/"))
    if inner.startswith(".."):
        raise PolicyError(f"git+{spec}: the path must be inside the repository")
    return Source("git", url, ref, inner, allow_moving_ref=moving)


def cache_dir() -> Path:
    """Where fetched bases are kept."""
    chosen = os.environ.get("QUALITYGATES_CACHE_DIR")
    if chosen:
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "qualitygates"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def capped(text: str, label: str) -> str:
    if len(text.encode("utf-8")) > MAX_POLICY_BYTES:
        raise PolicyError(f"{label} is larger than {MAX_POLICY_BYTES // (1024 * 1024)} MiB")
    return text


def is_commit(ref: str) -> bool:
    return bool(_COMMIT.match(ref))
