"""Benchmark: Cobertura and JaCoCo (2 M lines) and JUnit (200 k cases) XML, against expat.

Targets (issue 9): at least 0.8x a bare expat pass that refuses entity declarations over
the same file, with memory that stays flat as the file grows. Contenders, same file, same
run: `wc -l`, that bare expat pass, `xml.etree.ElementTree.iterparse`, and our adapter.

    python benchmarks/xml_bench.py [--lines 2000000] [--cases 200000] [--repeat 3] [--only junit]

JaCoCo (the same number of lines as Cobertura) has no target of its own; it is shown for
the same comparison.

Every contender imports what it needs before its clock starts (start-up is measured by
`startup_bench.py`). With `--repeat N` each contender runs N times, interleaved, and its
fastest run is shown (a loaded machine slows some runs; the fastest is the least disturbed).
Our adapter also reads a quarter of the file, to show how its memory grows.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import fastest, run_contender, table, wc_l


def write_cobertura(path: Path, lines: int) -> None:
    """coverage.py's Cobertura layout: packages, classes (files) of ~200 lines, branches."""
    rng = random.Random(3)
    per_file = 200
    with path.open("w") as out:
        out.write('<?xml version="1.0" ?>\n<coverage version="7.17.4" timestamp="1795528194911" '
                  'lines-valid="0" lines-covered="0" line-rate="0" branches-valid="0" '
                  'branches-covered="0" branch-rate="0" complexity="0">\n'
                  "\t<sources>\n\t\t<source>/src</source>\n\t</sources>\n\t<packages>\n")  # fmt: skip
        files = lines // per_file
        for package in range(max(1, files // 50)):
            out.write(
                f'\t\t<package name="pkg{package}" line-rate="0" branch-rate="0" complexity="0">\n\t\t\t<classes>\n'
            )
            for number in range(50):
                name = f"pkg{package}/mod{number}.py"
                out.write(f'\t\t\t\t<class name="mod{number}.py" filename="{name}" complexity="0" '
                          'line-rate="0" branch-rate="0">\n\t\t\t\t\t<methods/>\n\t\t\t\t\t<lines>\n')  # fmt: skip
                for line in range(1, per_file + 1):
                    hits = 1 if rng.random() < 0.8 else 0
                    if line % 10 == 0:
                        taken = rng.randint(0, 2)
                        out.write(f'\t\t\t\t\t\t<line number="{line}" hits="{hits}" branch="true" '
                                  f'condition-coverage="{taken * 50}% ({taken}/2)"/>\n')  # fmt: skip
                    else:
                        out.write(f'\t\t\t\t\t\t<line number="{line}" hits="{hits}"/>\n')
                out.write("\t\t\t\t\t</lines>\n\t\t\t\t</class>\n")
            out.write("\t\t\t</classes>\n\t\t</package>\n")
        out.write("\t</packages>\n</coverage>\n")


def write_jacoco(path: Path, lines: int) -> None:
    """JaCoCo's layout: a DOCTYPE, packages of classes and source files of ~200 lines."""
    rng = random.Random(4)
    per_file = 200
    with path.open("w") as out:
        out.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC '
                  '"-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="bench">'
                  '<sessioninfo id="bench" start="1795528194911" dump="1795528195911"/>')  # fmt: skip
        files = max(1, lines // per_file)
        for package in range(max(1, files // 50)):
            out.write(f'<package name="com/example/p{package}">')
            for number in range(min(50, files)):
                out.write(f'<class name="com/example/p{package}/C{number}" '
                          f'sourcefilename="C{number}.java"><method name="run" desc="()V" line="3">'
                          '<counter type="LINE" missed="1" covered="2"/></method></class>')  # fmt: skip
            for number in range(min(50, files)):
                out.write(f'<sourcefile name="C{number}.java">')
                for line in range(1, per_file + 1):
                    ci = 3 if rng.random() < 0.8 else 0
                    mb, cb = (1, 1) if line % 10 == 0 else (0, 0)
                    out.write(
                        f'<line nr="{line}" mi="{0 if ci else 2}" ci="{ci}" mb="{mb}" cb="{cb}"/>'
                    )
                out.write('<counter type="LINE" missed="40" covered="160"/></sourcefile>')
            out.write("</package>")
        out.write("</report>")


def write_junit(path: Path, cases: int) -> None:
    """Surefire-like: suites of 100 cases, some failures with messages and stack traces."""
    rng = random.Random(5)
    with path.open("w") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')
        for suite in range(cases // 100):
            out.write(f'  <testsuite name="com.example.Suite{suite}" tests="100" failures="0" errors="0" '
                      f'skipped="0" time="1.5" timestamp="2026-11-24T12:00:00">\n')  # fmt: skip
            for case in range(100):
                out.write(
                    f'    <testcase classname="com.example.Suite{suite}" name="test{case}" time="0.012"'
                )
                roll = rng.random()
                if roll < 0.01:
                    trace = "at com.example.Thing.method(Thing.java:42)\n" * 8
                    out.write(
                        '>\n      <failure message="expected 1 but was 2" type="AssertionError">'
                    )
                    out.write(trace + "</failure>\n    </testcase>\n")
                elif roll < 0.03:
                    out.write('>\n      <skipped message="disabled"/>\n    </testcase>\n')
                else:
                    out.write("/>\n")
            out.write("  </testsuite>\n")
        out.write("</testsuites>\n")


EXPAT = """
import sys, time
from xml.parsers import expat
def refuse(*args):
    raise ValueError("entity declarations are refused")
started = time.perf_counter()
count = 0
def start(tag, attrs):
    global count
    if tag == TAG:
        count += 1
parser = expat.ParserCreate()
parser.StartElementHandler = start
parser.EntityDeclHandler = refuse
parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
with open(sys.argv[1], "rb") as f:
    while chunk := f.read(1 << 20):
        parser.Parse(chunk, False)
parser.Parse(b"", True)
print(time.perf_counter() - started, count, TAG)
"""

ITERPARSE = """
import sys, time
import xml.etree.ElementTree as ET
started = time.perf_counter()
count = 0
for _, elem in ET.iterparse(sys.argv[1]):
    if elem.tag == TAG:
        count += 1
    elem.clear()
print(time.perf_counter() - started, count, TAG)
"""

ADAPTER = """
import sys, time
from datetime import datetime, timezone
from pathlib import Path
from qualitygates.adapters.interface import CollectRequest
from qualitygates.plugins import adapter_registry
from qualitygates.readers import paused_gc  # the engine runs every collect so
adapter = adapter_registry().load(NAME)()  # imports, as the baselines', before the clock
started = time.perf_counter()
request = CollectRequest("bench", {"path": [sys.argv[1]]}, (), Path.cwd(), datetime.now(timezone.utc))
with paused_gc():
    collection = adapter.collect(request)
metric = collection.metrics[METRIC]
print(time.perf_counter() - started, METRIC, metric.value)
"""


def bench(
    title: str,
    path: Path,
    tag: str,
    adapter: str,
    metric: str,
    repeat: int = 1,
    quarter: Path | None = None,
) -> str:
    reference = wc_l(path)
    ours = f"NAME = {adapter!r}\nMETRIC = {metric!r}\n" + ADAPTER
    contenders = [
        ("expat, entities refused (baseline)", f"TAG = {tag!r}\n" + EXPAT),
        ("ElementTree.iterparse", f"TAG = {tag!r}\n" + ITERPARSE),
        (f"qualitygates {adapter} adapter", ours),
    ]
    rows = fastest(contenders, path, repeat)
    ratio = rows[0].seconds / rows[2].seconds
    lines = [
        table(title, path.stat().st_size, rows, reference),
        f"  adapter / expat baseline: {ratio:.2f}x (target >= 0.8x)",
    ]
    if quarter is not None:  # memory as the file grows: the same adapter on a quarter of it
        small = run_contender("quarter", ours, quarter)
        lines.append(
            f"  adapter peak RSS: {small.peak_mib:.0f} MB on a quarter of the file, "
            f"{rows[2].peak_mib:.0f} MB on all of it"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000, help="Cobertura <line> elements")
    parser.add_argument("--cases", type=int, default=200_000, help="JUnit test cases")
    parser.add_argument("--repeat", type=int, default=1, help="runs per contender (fastest shown)")
    parser.add_argument("--only", choices=("cobertura", "jacoco", "junit"), help="run one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cobertura, junit = Path(tmp) / "coverage.xml", Path(tmp) / "junit.xml"
        quarter = Path(tmp) / "quarter.xml"
        if args.only in (None, "cobertura"):
            write_cobertura(cobertura, args.lines)
            write_cobertura(quarter, args.lines // 4)
            title = f"Cobertura, {args.lines:,} lines"
            print(bench(title, cobertura, "line", "coverage", "lines_valid", args.repeat, quarter))
            cobertura.unlink()
        if args.only in (None, "jacoco"):
            write_jacoco(cobertura, args.lines)
            write_jacoco(quarter, args.lines // 4)
            title = f"JaCoCo, {args.lines:,} lines"
            print(bench(title, cobertura, "line", "coverage", "lines_valid", args.repeat, quarter))
            cobertura.unlink()
        if args.only in (None, "junit"):
            write_junit(junit, args.cases)
            write_junit(quarter, args.cases // 4)
            title = f"JUnit, {args.cases:,} test cases"
            print(bench(title, junit, "testcase", "junit", "tests", args.repeat, quarter))
    return 0


if __name__ == "__main__":
    sys.exit(main())
