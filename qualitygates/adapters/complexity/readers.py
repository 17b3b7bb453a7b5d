"""Read radon JSON and lizard XML/CSV reports as a stream of functions and complexities."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualitygates.adapters._io import decode_head, expect_type, open_report
from qualitygates.adapters._xml import iter_xml
from qualitygates.errors import AdapterError
from qualitygates.readers import read_json

FORMATS = ("radon", "lizard-xml", "lizard-csv")
_LIZARD_ITEM = re.compile(r"(?P<name>.*)\(\.\.\.\) at (?P<file>.*):(?P<line>\d+)", re.DOTALL)
_CSV_HEADER = "NLOC"
# lizard's CSV columns: NLOC, CCN, token, PARAM, length, location, file, function, long_name,
# start, end (extensions may append more).
_CSV_CCN, _CSV_FILE, _CSV_NAME, _CSV_START, _CSV_COLUMNS = 1, 6, 7, 9, 11


@dataclass(frozen=True)
class Function:
    """One function's cyclomatic complexity, where the tool found it."""

    tool: str
    name: str
    file: str
    line: int | None
    complexity: int


def detect(path: Path) -> str:
    """radon JSON, lizard XML or lizard CSV, from the first bytes of the file."""
    with open_report(path) as stream:
        try:
            head = decode_head(stream.read(512)).lstrip()  # UTF-16 too
        except (OSError, EOFError) as exc:
            raise AdapterError(f"{path} cannot be read: {exc}") from exc
    if head.startswith("{"):
        return "radon"
    if head.startswith("<"):
        return "lizard-xml"
    if head[:1].isdigit() or head.startswith(_CSV_HEADER):
        return "lizard-csv"
    raise AdapterError(
        f"{path} is not a radon JSON, lizard XML or lizard CSV report: write it with "
        "radon cc -j, lizard --xml or lizard --csv"
    )


def read_radon(path: Path) -> Iterator[Function]:
    """Every function, method and closure of a `radon cc -j` report, once each."""
    data = expect_type(read_json(path, "radon"), dict, path, "the report")
    for file, blocks in data.items():
        if isinstance(blocks, dict) and "error" in blocks:
            reason = blocks["error"]
            raise AdapterError(
                f"{path}: radon could not analyse {file} ({reason}); fix or exclude that file"
            )
        radon_file = _RadonFile(path, file)
        for index, block in enumerate(expect_type(blocks, list, path, f"[{file!r}]")):
            radon_file.walk(block, f"[{file!r}][{index}]")
        yield from radon_file.seen.values()


@dataclass
class _RadonFile:
    """The blocks of one analysed file, each function kept once by (line, column)."""

    path: Path
    file: str
    seen: dict[tuple[int, int], Function] = field(default_factory=dict)

    def walk(self, block: Any, where: str, parent: str = "", owner: str = "") -> None:
        """Record a function (and its closures), or walk a class's methods."""
        expect_type(block, dict, self.path, where)
        kind = expect_type(block.get("type"), str, self.path, f"{where}.type")
        name = expect_type(block.get("name"), str, self.path, f"{where}.name")
        if kind == "class":
            for key in ("methods", "inner_classes"):
                children = expect_type(block.get(key, []), list, self.path, f"{where}.{key}")
                for index, child in enumerate(children):
                    self.walk(child, f"{where}.{key}[{index}]", owner=name)
            return
        line = expect_type(block.get("lineno"), int, self.path, f"{where}.lineno")
        complexity = expect_type(block.get("complexity"), int, self.path, f"{where}.complexity")
        column = block.get("col_offset")
        position = (line, column if isinstance(column, int) else 0)
        shown = self._shown(block, name, parent, owner)
        self.seen.setdefault(position, Function("radon", shown, self.file, line, complexity))
        chain = f"{parent}.{name}" if parent else name
        closures = expect_type(block.get("closures", []), list, self.path, f"{where}.closures")
        for index, child in enumerate(closures):
            self.walk(child, f"{where}.closures[{index}]", chain)

    @staticmethod
    def _shown(block: dict[str, Any], name: str, parent: str, owner: str) -> str:
        """As `radon cc --show-closures` prints it: Class.method, Outer.Inner.method, outer.inner."""
        classname = block.get("classname")
        if owner or isinstance(classname, str):
            return f"{owner or classname}.{name}"
        return f"{parent}.{name}" if parent else name


def read_lizard_xml(path: Path) -> Iterator[Function]:
    """The `<item>`s of the Function measure of `lizard --xml`, read as a stream."""
    reader = _LizardXml(path)
    for event, tag, payload in iter_xml(path, frozenset({"label", "value"})):
        function = reader.event(event, tag, payload)
        if function is not None:
            yield function


@dataclass
class _LizardXml:
    """State of a lizard XML stream: the current measure, its labels, the open item."""

    path: Path
    started: bool = False
    in_functions: bool = False
    labels: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    item: str = ""

    def event(self, event: str, tag: str, payload: dict[str, str] | str) -> Function | None:
        if event == "start" and isinstance(payload, dict):
            self.start(tag, payload)
        elif self.in_functions and tag == "label":
            self.labels.append(str(payload).strip())
        elif self.in_functions and tag == "value":
            self.values.append(str(payload).strip())
        elif self.in_functions and tag == "item":
            return _lizard_item(self.path, self.item, self.labels, self.values)
        return None

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if not self.started and tag != "cppncss":
            raise AdapterError(f"{self.path} is XML but not lizard --xml output (root <{tag}>)")
        self.started = True
        if tag == "measure":
            self.in_functions, self.labels = attrs.get("type") == "Function", []
        elif tag == "item":
            self.item, self.values = attrs.get("name", ""), []


def _lizard_item(path: Path, name: str, labels: list[str], values: list[str]) -> Function:
    match = _LIZARD_ITEM.fullmatch(name)
    if match is None or "CCN" not in labels or len(values) != len(labels):
        raise AdapterError(f"{path}: lizard item {name!r} does not hold a function and its CCN")
    ccn = _integer(values[labels.index("CCN")], path, f"the CCN of {name!r}")
    return Function("lizard", match["name"], match["file"], int(match["line"]), ccn)


def read_lizard_csv(path: Path) -> Iterator[Function]:
    """The rows of `lizard --csv`, read as a stream."""
    import csv  # here: only lizard's CSV needs it

    with open_report(path) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        try:
            for number, row in enumerate(csv.reader(text), start=1):
                if not row or (number == 1 and row[0] == _CSV_HEADER):
                    continue
                yield _lizard_row(path, number, row)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise AdapterError(f"{path} is not a readable lizard CSV file: {exc}") from exc


def _lizard_row(path: Path, number: int, row: list[str]) -> Function:
    if len(row) < _CSV_COLUMNS:
        raise AdapterError(
            f"{path}: line {number} has {len(row)} columns, not lizard --csv's {_CSV_COLUMNS} "
            "(the file looks truncated or is another CSV)"
        )
    ccn = _integer(row[_CSV_CCN], path, f"line {number}'s CCN")
    start = _integer(row[_CSV_START], path, f"line {number}'s start line")
    return Function("lizard", row[_CSV_NAME], row[_CSV_FILE], start, ccn)


def _integer(text: str, path: Path, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise AdapterError(f"{path}: {what} is {text!r}, not a whole number") from None


READERS = {"radon": read_radon, "lizard-xml": read_lizard_xml, "lizard-csv": read_lizard_csv}
