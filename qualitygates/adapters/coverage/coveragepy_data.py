"""coverage.py's `.coverage` SQLite data file, read through coverage.py's own API.

The data file holds the lines (and arcs) that ran, not the statements that could have:
those come from the source files, exactly as `coverage report` finds them. So the data
is reported with `coverage.Coverage(data_file=...)` and its JSON report (the same
analysis `coverage report` prints), honouring the coverage configuration (`config`, or
coverage's own search from the current folder, as `coverage report` does).

Paths in a data file are where the tests ran. When they are not there, the sources are
looked for under `source_root` (default: the data file's folder) by the longest tail of
the recorded path that exists there, and that one prefix is remapped for every file, as
coverage's own `[paths]` setting would. Without sources there is no total: an error.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from qualitygates.adapters._io import open_report
from qualitygates.adapters.coverage.coveragepy_json import read_coverage_json
from qualitygates.adapters.coverage.store import LineStore
from qualitygates.errors import AdapterError

_SEPARATORS = re.compile(r"[\\/]+")


def read_data_file(
    path: Path, store: LineStore, source_root: Path | None, config: Path | None
) -> None:
    """Add the statements and branches of a `.coverage` data file to `store`."""
    import coverage
    from coverage.exceptions import CoverageException

    with tempfile.TemporaryDirectory(prefix="qualitygates-coverage-") as tmp:
        report = Path(tmp) / "coverage.json"
        # coverage.py writes its schema into any SQLite file it opens without one: it
        # only ever sees a (decompressed) copy, checked to be coverage data first.
        copy = _checked_copy(path, Path(tmp))
        try:
            data_path = _with_sources(copy, path, Path(tmp), source_root or path.parent)
            cov = coverage.Coverage(
                data_file=str(data_path), config_file=str(config) if config else True
            )
            cov.load()
            cov.json_report(outfile=str(report), ignore_errors=False)
        except CoverageException as exc:
            raise AdapterError(f"{path}: coverage.py cannot report this data: {exc}") from None
        # The JSON's own timestamp is now, not the run's: it is not returned.
        read_coverage_json(report, store, label=path)


def _checked_copy(path: Path, tmp: Path) -> Path:
    """A private copy of the data file, after checking it holds coverage.py's tables."""
    copy = tmp / "original.coverage"
    with open_report(path) as source, copy.open("wb") as target:
        shutil.copyfileobj(source, target)
    try:
        with closing(sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)) as db:
            found = db.execute(
                "select count(*) from sqlite_master where name = 'coverage_schema'"
            ).fetchone()
    except sqlite3.Error as exc:
        raise AdapterError(f"{path} is not a readable SQLite file: {exc}") from None
    if not found or not found[0]:
        raise AdapterError(
            f"{path} is an SQLite file but not coverage.py data (no coverage_schema table)"
        )
    return copy


def _with_sources(copy: Path, path: Path, tmp: Path, root: Path) -> Path:
    """The data file to report: `copy`, or one whose file paths point at the sources."""
    from coverage import CoverageData

    data = CoverageData(basename=str(copy))
    data.read()
    measured = sorted(data.measured_files())
    if not measured:
        raise AdapterError(f"{path} measures no files: the tests ran no measured code")
    missing = [name for name in measured if not Path(name).is_file()]
    if not missing:
        return copy
    remap = _remapper(missing[0], root)
    unresolved = [n for n in missing if remap is None or not Path(remap(n)).is_file()]
    if remap is None or unresolved:
        raise AdapterError(
            f"{path}: the source file {unresolved[0]} it measured is not there nor under "
            f"{root}; coverage.py needs the sources to count statements: run where they "
            "are checked out, or set source_root to that checkout"
        )
    remapped = CoverageData(basename=str(tmp / ".coverage"))
    remapped.update(data, map_path=remap)
    remapped.write()
    return tmp / ".coverage"


def _remapper(recorded: str, root: Path) -> Callable[[str], str] | None:
    """Map the prefix of `recorded` that is not under `root` onto `root`, for every path."""
    parts = _parts(recorded)
    for cut in range(len(parts)):
        if root.joinpath(*parts[cut:]).is_file():
            prefix = parts[:cut]
            break
    else:
        return None

    def remap(name: str) -> str:
        own = _parts(name)
        if own[: len(prefix)] != prefix:
            return name
        return str(root.joinpath(*own[len(prefix) :]))

    return remap


def _parts(name: str) -> list[str]:
    """Path components, whatever the separators of the machine that wrote them."""
    return [part for part in _SEPARATORS.split(name) if part]
