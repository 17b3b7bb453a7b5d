"""Small helpers shared by the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.interface import Adapter, Collection, CollectRequest

FIXED_NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
DATA = Path(__file__).parent / "data"


def corpus_root() -> Path:
    """The shared corpus folder (env QUALITYGATES_CORPUS, default ../shared/corpus)."""
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    return Path(os.environ.get("QUALITYGATES_CORPUS", default))


def corpus_files(*patterns: str) -> list[Path]:
    """Corpus files matching globs, sorted; empty when the corpus is absent."""
    root = corpus_root()
    if not root.is_dir():
        return []
    found: set[Path] = set()
    for pattern in patterns:
        found.update(p for p in root.glob(pattern) if p.is_file())
    return sorted(found)


def corpus_params(*patterns: str) -> list[Any]:
    """pytest parameters for corpus files; one skipped parameter when the corpus is absent."""
    files = corpus_files(*patterns)
    if not files:
        reason = f"corpus not found at {corpus_root()} (set QUALITYGATES_CORPUS)"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="no-corpus")]
    root = corpus_root()
    return [pytest.param(p, id=str(p.relative_to(root))) for p in files]


def collect(
    adapter: type[Adapter],
    metrics: tuple[str, ...] = (),
    base_dir: Path | None = None,
    **options: Any,
) -> Collection:
    """Run one adapter directly, as the engine would, with options as written in `with:`."""
    request = CollectRequest(
        check_id="test",
        options=options,
        metrics=metrics,
        base_dir=base_dir or Path.cwd(),
        now=FIXED_NOW,
    )
    return adapter().collect(request)


ROOT = Path(__file__).resolve().parents[1]


def qualitygates(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m qualitygates ARGS` in a subprocess, exactly as a CI step runs it."""
    return subprocess.run(
        [sys.executable, "-m", "qualitygates", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


class LineUnion:
    """Coverage per (file, line) counted the plain way a test counts it: a line is covered
    if any listing covers it, and keeps its best-covered branches."""

    def __init__(self) -> None:
        self.lines: dict[tuple[str, int], int] = {}
        self.branches: dict[tuple[str, int], tuple[int, int]] = {}

    def line(self, key: tuple[str, int], covered: bool) -> None:
        self.lines[key] = max(self.lines.get(key, 0), int(covered))

    def branch(self, key: tuple[str, int], covered: int, total: int) -> None:
        from qualitygates.adapters.coverage.store import better

        old = self.branches.get(key)
        if old is None or better((covered, total), old):
            self.branches[key] = (covered, total)

    def totals(self) -> tuple[int, int, int, int]:
        """lines_valid, lines_covered, branches_valid, branches_covered."""
        return (
            len(self.lines),
            sum(self.lines.values()),
            sum(total for _, total in self.branches.values()),
            sum(covered for covered, _ in self.branches.values()),
        )
