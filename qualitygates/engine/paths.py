"""Finding locations relative to the repository's root, as code hosts attach them to a diff.

Tools write the paths they were given, often the CI runner's absolute checkout path
(`/home/runner/work/shop/shop/src/app.py`): annotations, Code Quality and SARIF only attach
to a diff's lines when the path is the repository's (`src/app.py`). A path under the root
(or a `file://` URI of one) loses the root; any other is left as the tool wrote it. The
fingerprint keeps what the adapter made it from, so baselines still match.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from qualitygates.model import Finding


def repository_root(start: Path) -> Path:
    """The nearest folder from `start` up that holds `.git`; `start` itself when none does."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def relative_to(root: Path | None, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """`findings` with each path under `root` made relative to it (the same tuple when none is)."""
    if root is None:
        return findings
    prefixes = (f"{root.as_posix().rstrip('/')}/", f"file://{root.as_posix().rstrip('/')}/")
    if not any(f.location.path and f.location.path.startswith(prefixes) for f in findings):
        return findings
    return tuple(_relative(finding, prefixes) for finding in findings)


def _relative(finding: Finding, prefixes: tuple[str, str]) -> Finding:
    path = finding.location.path
    if not path or not path.startswith(prefixes):
        return finding
    cut = len(prefixes[1]) if path.startswith(prefixes[1]) else len(prefixes[0])
    return dataclasses.replace(
        finding, location=dataclasses.replace(finding.location, path=path[cut:])
    )
