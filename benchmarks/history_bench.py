"""The history store at 100,000 runs, as a user meets it: whole `qualitygates` processes.

A store is filled with N runs of a four-check policy (two years of CI, a run every few
minutes, 90 % on main, JUnit failures on 5 % of runs and their retries on the same commit),
written in bulk through the store's own row builder. Then, on SQLite and on PostgreSQL
(where a server can be started), each command a user runs on it is timed as a whole
process, median of --repeat rounds, interleaved with the same command on a store of 1,000
runs and with the run that reads no history:

- `run` with conditions on history (median, anomaly, drift, flaky_tests), recording the run;
- `trend METRIC --since 90d`, `history`, `history flaky --since 30d`,
  `history report --period MONTH` and `improvement validate ID`.

The figure to read is the difference to the 1,000-run store: what 99,000 more runs cost.
`python benchmarks/history_bench.py [--runs 100000] [--repeat 5] [--quick]`.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
from whole import _console_script, timed  # noqa: E402

from qualitygates.history import schema  # noqa: E402
from qualitygates.history.context import RunContext  # noqa: E402
from qualitygates.history.open import open_store  # noqa: E402
from qualitygates.history.rows import RunRows, prepare  # noqa: E402

END = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
TESTS = [f"shop.test_{n:02d}::test_case" for n in range(20)]
POLICY = """\
version: 1
gates:
  - id: performance
    checks:
      - id: load
        adapter: k6
        with: {path: summary.json}
        conditions:
          - http_req_duration.p(95) <= history.median(last=10) * 1.10
          - anomaly(http_req_duration.p(95), last=20) < 3.5
          - drift(http_req_duration.p(95), 30d) < 5%
  - id: code-quality
    checks:
      - id: tests
        adapter: junit
        with: {path: junit.xml}
        conditions: [failures == 0, flaky_tests == 0]
"""
DRIFT = "          - drift(http_req_duration.p(95), 30d) < 5%\n"
PLAIN = (
    POLICY.split("        conditions:\n", maxsplit=1)[0]
    + "        conditions: [http_req_duration.p(95) < 10s]\n"
)
PLAIN = PLAIN + POLICY.split(DRIFT)[1].replace(", flaky_tests == 0", "")


def write_project(folder: Path) -> None:
    summary = {"metrics": {"http_req_duration": {"avg": 90, "min": 5, "med": 80, "max": 900,
                                                 "p(90)": 180, "p(95)": 201.5}}}  # fmt: skip
    (folder / "summary.json").write_text(json.dumps(summary))
    cases = "".join(f'<testcase classname="{t.split("::")[0]}" name="test_case" time="0.1"/>'
                    for t in TESTS)  # fmt: skip
    (folder / "junit.xml").write_text(f"<testsuite>{cases}</testsuite>\n")
    (folder / "gates.yaml").write_text(POLICY)
    (folder / "plain.yaml").write_text(PLAIN)
    (folder / "nodrift.yaml").write_text(POLICY.replace(DRIFT, ""))
    start, end = (END - timedelta(days=d) for d in (60, 45))
    (folder / "improvements.yaml").write_text(
        "improvements:\n  - id: IMP-2026-001\n    title: Cache the price lookup\n"
        "    owner: alice\n    metric: {check: load, name: http_req_duration.p(95)}\n"
        f"    expected: -10%\n    start: {start:%Y-%m-%d}\n    end: {end:%Y-%m-%d}\n"
    )


def template(folder: Path) -> dict:
    """A real result of the policy, run once, to vary run by run."""
    out = folder / "template.json"
    subprocess.run([*_console_script("qualitygates"), "run", "-q", "-c", "plain.yaml",
                    "--json", str(out)], cwd=folder, capture_output=True, check=False)  # fmt: skip
    return json.loads(out.read_text())


def synthetic_runs(base: dict, count: int) -> Iterator[tuple[dict, RunContext]]:
    """`count` results over two years up to END: p95 noise, a faster period after the
    improvement, failed tests on 5 % of runs, and a retry on the same commit."""
    rng = random.Random(42)
    step = timedelta(days=730) / count
    commit = 0
    for n in range(count):
        when = END - timedelta(days=730) + step * n
        retry = n > 0 and rng.random() < 0.3
        commit += 0 if retry else 1
        level = 200.0 if when < END - timedelta(days=45) else 170.0
        failing = rng.sample(TESTS, rng.randint(1, 2)) if rng.random() < 0.05 else []
        yield _varied(base, level * (1 + rng.uniform(-0.08, 0.08)), failing), RunContext(
            commit=f"{commit:040x}", branch="main" if rng.random() < 0.9 else "feature/x",
            ci_provider="github", run_url=None, policy_digest="sha256:bench", recorded_at=when,
        )  # fmt: skip


def _varied(base: dict, p95: float, failing: list[str]) -> dict:
    result = json.loads(json.dumps(base))
    load, tests = result["gates"][0]["checks"][0], result["gates"][1]["checks"][0]
    load["metrics"]["http_req_duration.p(95)"]["value"] = round(p95, 2)
    tests["metrics"]["failures"]["value"] = float(len(failing))
    tests["findings"] = [
        {"id": t, "tool": "junit", "kind": "failed-test", "rule": "failure", "severity": "high",
         "message": "AssertionError", "location": {"path": None, "line": None, "column": None,
         "package": None}, "fingerprint": f"{hash(t) & 0xFFFFFFFFFFFF:016x}", "fixable": False,
         "purl": None, "cwe": [], "occurrences": 1, "extra": {}, "waived": False,
         "waiver_reason": None}
        for t in failing
    ]  # fmt: skip
    if failing:
        tests["status"] = result["gates"][1]["status"] = result["status"] = "failed"
    return result


def fill(url: str, base: dict, count: int) -> float:
    """Write `count` runs in batches of 1,000 through the store's row builder; seconds."""
    started = time.perf_counter()
    store = open_store(url)
    engine = store._engine
    batch: list[RunRows] = []
    next_id = 1
    for result, context in synthetic_runs(base, count):
        batch.append(prepare(result, context, None))
        if len(batch) == 1000:
            next_id = _insert(engine, batch, next_id)
            batch = []
    if batch:
        _insert(engine, batch, next_id)
    if engine.dialect.name == "postgresql":  # the ids were given: move the sequence past them
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('qg_runs', 'id'), "
                                 "(SELECT max(id) FROM qg_runs))")  # fmt: skip
            conn.exec_driver_sql("ANALYZE")
    store.close()
    return time.perf_counter() - started


def _insert(engine: object, batch: list[RunRows], first_id: int) -> int:
    with engine.begin() as conn:  # type: ignore[attr-defined]
        runs = [{**rows.run, "id": first_id + i} for i, rows in enumerate(batch)]
        conn.execute(schema.runs.insert(), runs)
        for part in (f.name for f in dataclasses.fields(RunRows) if f.name != "run"):
            children = [{**row, "run_id": first_id + i}
                        for i, rows in enumerate(batch) for row in getattr(rows, part)]  # fmt: skip
            if children:
                conn.execute(getattr(schema, part).insert(), children)
    return first_id + len(batch)


def commands(store: str) -> dict[str, list[str]]:
    month = (END.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    history = ["--history", store]
    return {
        "run: median, anomaly, flaky_tests": ["run", "-q", "-c", "nodrift.yaml", *history],
        "run: the same and drift (SciPy)": ["run", "-q", *history],
        "trend --since 90d": ["trend", "http_req_duration.p(95)", "--since", "90d", *history],
        "history (50 runs)": ["history", *history],
        "history flaky --since 30d": ["history", "flaky", "--since", "30d", *history],
        f"history report --period {month}": ["history", "report", "--period", month, *history],
        "improvement validate": ["improvement", "validate", "IMP-2026-001", *history],
    }


def measure(folder: Path, big: str, small: str, repeat: int, runs: int) -> None:
    ours = _console_script("qualitygates")
    plain = [*ours, "run", "-q", "-c", "plain.yaml"]
    rows = []
    for (name, on_big), on_small in zip(commands(big).items(), commands(small).values(),
                                        strict=True):  # fmt: skip
        contenders = [[*ours, *on_big], [*ours, *on_small], plain]
        for argv in contenders:  # untimed: warm, and the exit code said once
            code = subprocess.run(argv, cwd=folder, capture_output=True, check=False).returncode
            if code not in (0, 1):
                print(f"  {' '.join(argv[1:4])} exited {code}", file=sys.stderr)
        times: list[list[tuple[float, float]]] = [[], [], []]
        order = [0, 1, 2]
        for _ in range(repeat):
            for i in order:
                times[i].append(timed(contenders[i], folder))
            order.reverse()
        rows.append((name, *(_median(t) for t in times)))
    reference = statistics.median(r[3][0] for r in rows)
    print(f"  a run that reads no history (plain.yaml, interleaved with each): {reference:.3f} s")
    more = f"+{runs - 1000:,}"
    print(f"  {'command':36} {f'{runs:,} runs':>13} {'peak MB':>8} {'1,000':>8} {more:>10}")
    for name, big_t, small_t, _ in rows:
        print(f"  {name:36} {big_t[0]:12.3f}s {big_t[1]:8.0f} {small_t[0]:7.3f}s "
              f"{big_t[0] - small_t[0]:+9.3f}s")  # fmt: skip


def _median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s for s, _ in samples), statistics.median(m for _, m in samples)


@contextlib.contextmanager
def stores(folder: Path, backend: str) -> Iterator[tuple[str, str]]:
    if backend == "sqlite":
        yield str(folder / "big.sqlite"), str(folder / "small.sqlite")
        return
    from tests.history import pg

    with pg.server() as admin, pg.fresh_schema(admin) as big, pg.fresh_schema(admin) as small:
        yield big, small


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2,000 runs, 1 round: a smoke test")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    runs, repeat = (2_000, 1) if args.quick else (args.runs, args.repeat)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_project(folder)
        base = template(folder)
        for backend in args.backends.split(","):
            try:
                with stores(folder, backend) as (big, small):
                    filled = fill(big, base, runs)
                    fill(small, base, 1_000)
                    print(f"\n{backend}: {runs:,} runs written in {filled:.0f} s; whole "
                          f"processes, median of {repeat}, interleaved")  # fmt: skip
                    measure(folder, big, small, repeat, runs)
            except Exception as exc:  # no PostgreSQL here: say so, go on
                print(f"\n{backend}: skipped ({type(exc).__name__}: {exc})")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
