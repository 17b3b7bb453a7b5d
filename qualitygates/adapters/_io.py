"""Finding and reading report files: globs, then `qualitygates.readers`.

Every adapter that reads files goes through these helpers, so a missing file, a glob that
matches nothing, a file that is not a regular file, an empty or truncated file all fail the
same way, with the path named. Opening and parsing are `qualitygates.readers`' (re-exported
here for the adapters).
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qualitygates.errors import AdapterError
from qualitygates.readers import regular_file_problem
from qualitygates.readers.files import (
    GZIP_MAGIC,
    MAX_WHOLE_FILE_BYTES,
    decode_head,
    decode_text,
    open_report,
    read_bytes,
    require_nonempty,
)

__all__ = [
    "GZIP_MAGIC",
    "MAX_WHOLE_FILE_BYTES",
    "decode_head",
    "decode_text",
    "existing_file",
    "expand_paths",
    "expect_type",
    "looks_like_xml",
    "open_report",
    "read_bytes",
    "require_nonempty",
]


def expand_paths(patterns: str | Sequence[str]) -> list[Path]:
    """Expand globs to existing files, sorted; every pattern must match at least one file."""
    if isinstance(patterns, (str, os.PathLike)):
        patterns = [str(patterns)]
    found: list[Path] = []
    for pattern in patterns:
        matches = _glob_one(str(pattern))
        if not matches:
            raise AdapterError(_no_match_message(str(pattern)))
        found.extend(m for m in matches if m not in found)
    return found


def existing_file(path: Path, advice: str) -> Path:
    """`path` when it is a file (`path_option(single=True)`), else an AdapterError:
    `<path> does not exist: <advice>`, where the advice says how the file comes to be."""
    if not path.is_file():
        raise AdapterError(f"{path} does not exist: {advice}")
    return path


def _glob_one(pattern: str) -> list[Path]:
    """The files a pattern names; a FIFO, device, dangling link or loop among them is an
    error (a pull request can commit such a link), a directory a glob matches is passed over."""
    if not glob.has_magic(pattern):
        path = Path(pattern)
        if path.is_dir():
            raise AdapterError(f"{pattern} is a directory, not a report file")
        if not os.path.lexists(path):
            return []
        _refuse_irregular(path)
        return [path]
    found = []
    for name in sorted(glob.glob(pattern, recursive=True)):
        path = Path(name)
        if not path.is_dir():
            _refuse_irregular(path)
            found.append(path)
    return found


def _refuse_irregular(path: Path) -> None:
    problem = regular_file_problem(path)
    if problem:
        raise AdapterError(problem)


def _no_match_message(pattern: str) -> str:
    if glob.has_magic(pattern):
        return f"no file matches {pattern}: check the path, or that the tool ran before this step"
    return f"{pattern} does not exist: check the path, or that the tool ran before this step"


def expect_type(value: Any, kind: type | tuple[type, ...], path: Path, where: str) -> Any:
    """Return `value` if it is of `kind`, else raise an AdapterError naming the field."""
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise AdapterError(f"{path}: {where} should be a number, not a boolean")
    if not isinstance(value, kind):
        expected = (
            kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        )
        raise AdapterError(
            f"{path}: {where} should be {_article(expected)}, not {type(value).__name__}"
        )
    return value


def _article(name: str) -> str:
    names = {"dict": "an object", "list": "an array", "str": "a string", "int": "an integer"}
    return names.get(name, f"a {name}")


def looks_like_xml(path: Path) -> bool:
    """Whether a report starts with `<` (after a BOM or blanks; UTF-16 too)."""
    with open_report(path) as stream:
        return decode_head(stream.read(64)).lstrip("\ufeff \t\r\n").startswith("<")
