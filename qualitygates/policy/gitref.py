"""`--policy-ref`: read the policy and the files it names from a git ref.

A pull request must not weaken the gate that judges it, so CI can read `gates.yaml`,
its waivers and its sign-offs as they are on `origin/main` while the reports come from
the working tree. Relative paths still resolve from the policy's folder in the tree.
"""

from __future__ import annotations

import atexit
import dataclasses
import shutil
import tempfile
from pathlib import Path

from qualitygates import gitcmd
from qualitygates.errors import PolicyError
from qualitygates.policy.model import Check, Policy

GIT_TIMEOUT_S = 30


class GitRefReader:
    """Reads files as they are at `ref`; a file missing there is a PolicyError."""

    def __init__(self, ref: str) -> None:
        self.ref = ref

    def __call__(self, path: Path) -> str:
        folder = path.resolve().parent
        if not folder.is_dir():
            raise FileNotFoundError(path)
        # Strict UTF-8: a policy that is not text is an error here, as it is on disk.
        result = _git().run(folder, "show", f"{self.ref}:./{path.name}", errors="strict")
        if result.returncode != 0:
            self._explain(folder, path, result.stderr)
        return result.stdout.removeprefix("\ufeff")

    def _explain(self, folder: Path, path: Path, stderr: str) -> None:
        if _git().commit_id(folder, self.ref) is None:
            shallow = _git().is_shallow(folder)
            hint = " (this is a shallow clone: fetch with fetch-depth: 0)" if shallow else ""
            raise PolicyError(
                f"--policy-ref {self.ref}: no such commit or branch here{hint}; "
                f"fetch it first, e.g. git fetch origin main"
            )
        if "does not exist" in stderr or "exists on disk, but not in" in stderr:
            raise PolicyError(f"{path} is not in {self.ref}: --policy-ref reads it from there")
        raise PolicyError(f"--policy-ref {self.ref}: git could not read {path}: {stderr.strip()}")


def _git() -> gitcmd.Git:
    """git for `--policy-ref`, within `GIT_TIMEOUT_S` as it is now (tests shorten it)."""
    return gitcmd.Git(
        GIT_TIMEOUT_S,
        missing=lambda: PolicyError("--policy-ref needs git, which is not installed here"),
        late=lambda exc: PolicyError(
            f"git {' '.join(exc.command)} did not answer within {exc.seconds_text} s"
        ),
    )


def pin_signed_files(policy: Policy, reader: GitRefReader) -> Policy:
    """The policy with each attestations record replaced by its copy from the ref.

    Sign-offs are evidence a pull request must not be able to add for itself: the record
    is read as it is at the ref, written to a private temporary file for the adapter.
    """
    folder = Path(tempfile.mkdtemp(prefix="qualitygates-ref-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)

    def pinned(gate_id: str, check: Check) -> Check:
        if check.adapter != "attestations" or not check.options.get("path"):
            return check
        source = Path(str(check.options["path"]))
        copy = folder / f"{gate_id}.{check.id}{source.suffix}"
        copy.write_text(reader(source), encoding="utf-8")
        return dataclasses.replace(check, options={**check.options, "path": str(copy)})

    gates = [
        dataclasses.replace(gate, checks=tuple(pinned(gate.id, c) for c in gate.checks))
        for gate in policy.gates
    ]
    return dataclasses.replace(policy, gates=tuple(gates))
