"""Generate k6 `--out json` NDJSON of a given size and benchmark the k6 adapter on it.

    python benchmarks/k6_ndjson.py --size 1GB            # generate (if needed) and benchmark
    python benchmarks/k6_ndjson.py --size 200MB --generate-only --out /tmp/k6.ndjson

The generated file has k6's exact line format and a realistic mix like the corpus runs:
Metric declarations before each metric's first point, two scenarios (`baseline`, `peak`)
and groups, nine `http_req_*` points per request, checks, data, iteration and group
durations, custom metrics and the per-second `vus`/`vus_max` gauges.

Contenders, each run in its own subprocess (peak RSS from getrusage(RUSAGE_CHILDREN): the
largest single process, a worker included), on the same file in the same run: `wc -l`;
the adapter called directly (http_req_duration.p(95) and
http_req_duration{scenario:peak}.p(95)); the adapter as `qualitygates run` runs it, through
`qualitygates.engine.run` on a tiny policy (a temporary gates.yaml with one k6 check on the
file), where it collects in the engine's thread pool; the plain baseline (json.loads per
line, same two p(95)); and the adapter on an empty-ish input (one point) for its base RSS.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SIZES = {"KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}
HTTP_METRICS = (
    "http_reqs", "http_req_duration", "http_req_blocked", "http_req_connecting",
    "http_req_tls_handshaking", "http_req_sending", "http_req_waiting", "http_req_receiving",
    "http_req_failed",
)  # fmt: skip
TREND_TIME = {m for m in HTTP_METRICS if m not in ("http_reqs", "http_req_failed")}
DECLARE = {
    "http_reqs": ("counter", "default"), "http_req_failed": ("rate", "default"),
    "checks": ("rate", "default"), "data_sent": ("counter", "data"),
    "data_received": ("counter", "data"), "iteration_duration": ("trend", "time"),
    "iterations": ("counter", "default"), "group_duration": ("trend", "time"),
    "cart_latency": ("trend", "time"), "items_added": ("counter", "default"),
    "queue_depth": ("gauge", "default"), "vus": ("gauge", "default"),
    "vus_max": ("gauge", "default"), **dict.fromkeys(TREND_TIME, ("trend", "time")),
}  # fmt: skip
WANTED = ("http_req_duration.p(95)", "http_req_duration{scenario:peak}.p(95)")


def parse_size(text: str) -> int:
    text = text.strip().upper()
    for suffix, factor in SIZES.items():
        if text.endswith(suffix):
            return int(float(text[: -len(suffix)]) * factor)
    return int(text)


def go_time(ns: int) -> str:
    """RFC3339Nano as Go writes it: trailing zeros of the fraction trimmed."""
    seconds, frac = divmod(ns, 1_000_000_000)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    digits = f"{frac:09d}".rstrip("0")
    return f"{stamp}.{digits}Z" if digits else f"{stamp}Z"


def go_float(value: float) -> str:
    value = round(value, 6)
    return str(int(value)) if value.is_integer() else repr(value)


class Generator:
    """Writes k6-shaped NDJSON lines, declaring each metric before its first point."""

    def __init__(self, seed: int = 6) -> None:
        self.rng = random.Random(seed)
        self.declared: set[str] = set()
        self.now = 1_795_000_000_000_000_000
        self.next_vus = self.now + 1_000_000_000

    def line(self, metric: str, stamp: str, value: float, tags: str) -> str:
        out = ""
        if metric not in self.declared:
            self.declared.add(metric)
            kind, contains = DECLARE[metric]
            data: dict[str, object] = {
                "name": metric,
                "type": kind,
                "contains": contains,
                "thresholds": [],
                "submetrics": None,
            }
            out = (
                json.dumps(
                    {"type": "Metric", "data": data, "metric": metric}, separators=(",", ":")
                )
                + "\n"
            )
        return out + (
            f'{{"metric":"{metric}","type":"Point","data":{{"time":"{stamp}","value":{go_float(value)},'
            f'"tags":{tags}}}}}\n'
        )

    def iteration(self) -> str:
        rng = self.rng
        scenario = "peak" if rng.random() < 0.4 else "baseline"
        group = rng.choice(("::browse", "::buy", ""))
        parts = []
        for path, method in (("/slow/catalog", "GET"), ("/flaky/payment", "POST")):
            self.now += rng.randrange(200_000, 5_000_000)
            status = "500" if rng.random() < 0.15 else "200"
            ok = "true" if status == "200" else "false"
            url = f"http://127.0.0.1:41233{path}"
            error = "" if status == "200" else '"error_code":"1500",'
            tags = (
                f'{{{error}"expected_response":"{ok}","group":"{group}","method":"{method}",'
                f'"name":"{url}","proto":"HTTP/1.1","scenario":"{scenario}","status":"{status}",'
                f'"url":"{url}"}}'
            )
            stamp = go_time(self.now)
            duration = rng.lognormvariate(3.0, 0.8)
            for metric in HTTP_METRICS:
                value = {
                    "http_reqs": 1,
                    "http_req_duration": duration,
                    "http_req_failed": ok == "false",
                }.get(
                    metric,
                    duration * rng.random() * 0.3 if metric != "http_req_tls_handshaking" else 0,
                )
                parts.append(self.line(metric, stamp, float(value), tags))
            check = f'{{"check":"{path} ok","group":"{group}","scenario":"{scenario}"}}'
            parts.append(self.line("checks", go_time(self.now + 9000), float(ok == "true"), check))
        small = f'{{"group":"{group}","scenario":"{scenario}"}}'
        stamp = go_time(self.now + 20_000)
        parts.append(self.line("cart_latency", stamp, rng.random() * 3, small))
        parts.append(self.line("items_added", stamp, 1.0, small))
        parts.append(self.line("queue_depth", stamp, float(rng.randrange(50)), small))
        parts.append(self.line("group_duration", stamp, rng.lognormvariate(3.5, 0.5), small))
        for metric, value in (("data_sent", 186), ("data_received", 956), ("iterations", 1)):
            parts.append(self.line(metric, stamp, float(value), small))
        parts.append(self.line("iteration_duration", stamp, rng.lognormvariate(3.8, 0.5), small))
        if self.now >= self.next_vus:
            stamp = go_time(self.next_vus)
            parts.append(self.line("vus", stamp, float(rng.randrange(1, 20)), "{}"))
            parts.append(self.line("vus_max", stamp, 20.0, "{}"))
            self.next_vus += 1_000_000_000
        return "".join(parts)


def generate(path: Path, size: int, seed: int = 6) -> None:
    gen = Generator(seed)
    written = 0
    with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        while written < size:
            text = "".join(gen.iteration() for _ in range(200))
            out.write(text)
            written += len(text)


def k6_percentile(values: list[float], pct: float) -> float:
    values.sort()
    if len(values) < 2:
        return values[0] if values else 0.0
    i = pct / 100 * (len(values) - 1.0)
    low, high = values[math.floor(i)], values[math.ceil(i)]
    return low + (high - low) * (i - math.floor(i))


def run_baseline(path: Path) -> dict[str, object]:
    """The plain way: json.loads every line, keep the values, sort, k6's formula."""
    everything: list[float] = []
    peak: list[float] = []
    with path.open("rb") as lines:
        for line in lines:
            record = json.loads(line)
            if record["type"] == "Point" and record["metric"] == "http_req_duration":
                value = record["data"]["value"]
                everything.append(value)
                if (record["data"]["tags"] or {}).get("scenario") == "peak":
                    peak.append(value)
    kept = len(everything) + len(peak)
    return {
        WANTED[0]: k6_percentile(everything, 95),
        WANTED[1]: k6_percentile(peak, 95),
        "kept": kept,
    }


def run_adapter(path: Path) -> dict[str, object]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from datetime import datetime, timezone

    from qualitygates.adapters.interface import CollectRequest
    from qualitygates.adapters.k6 import K6Adapter
    from qualitygates.readers import paused_gc  # the engine runs every collect so

    request = CollectRequest(
        "bench", {"path": str(path)}, WANTED, path.parent, datetime.now(timezone.utc)
    )
    with paused_gc():
        found = K6Adapter().collect(request).metrics
    return {name: found[name].value for name in WANTED if name in found}


POLICY = """version: 1
gates:
  - id: performance
    checks:
      - id: load-test
        adapter: k6
        with: {{path: {path}}}
        conditions:
{conditions}"""


def run_engine(path: Path) -> dict[str, object]:
    """The adapter as `qualitygates run` runs it: a policy, the engine and its thread pool."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import tempfile

    from qualitygates.engine import run
    from qualitygates.policy import load_policy

    conditions = "".join(f'          - "{name} < 1h"\n' for name in WANTED)
    with tempfile.TemporaryDirectory() as folder:
        policy_path = Path(folder) / "gates.yaml"
        text = POLICY.format(path=json.dumps(str(path.resolve())), conditions=conditions)
        policy_path.write_text(text)
        policy = load_policy(policy_path, {})
    check = run(policy).gates[0].checks[0]
    if check.error:
        raise SystemExit(check.error)
    return {name: check.metrics[name].value for name in WANTED if name in check.metrics}


def measure(contender: str, path: Path) -> dict[str, object]:
    """Run one contender in a child process; wall time and the child's peak RSS."""
    if contender == "wc -l":
        command = ["wc", "-l", str(path)]
    else:
        command = [sys.executable, __file__, "--run", contender, str(path)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    output = done.stdout.strip() if contender == "wc -l" else json.loads(done.stdout)
    return {"seconds": seconds, "rss_kib": rss_kib, "output": output}


def tiny_input(directory: Path) -> Path:
    path = directory / "k6-bench-empty.ndjson"
    gen = Generator()
    path.write_text(gen.line("http_req_duration", go_time(gen.now), 1.0, '{"scenario":"peak"}'))
    return path


def measured(name: str, target: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(subprocess.run(
        [sys.executable, __file__, "--measure", name, str(target)],
        capture_output=True, text=True, check=True,
    ).stdout)  # fmt: skip
    return found


def benchmark(path: Path, repeat: int = 1) -> None:
    """Each fast contender runs `repeat` times, interleaved; its fastest run is shown."""
    size = path.stat().st_size
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)  # warm the page cache
    runs: dict[str, list[dict[str, Any]]] = {}
    for _ in range(repeat):
        for name in ("wc -l", "adapter", "engine"):
            runs.setdefault(name, []).append(measured(name, path))
    rows = {name: min(found, key=lambda row: row["seconds"]) for name, found in runs.items()}
    rows["baseline"] = measured("baseline", path)  # ~15 s: once
    rows["adapter-empty"] = measured("adapter-empty", tiny_input(path.parent))
    if repeat > 1:
        print(f"best of {repeat} runs (baseline: one run)")
    base_rss = rows["adapter-empty"]["rss_kib"]
    kept = rows["baseline"]["output"]["kept"]
    print(f"file: {path} ({size / 1e6:.0f} MB, {rows['wc -l']['output'].split()[0]} lines)")
    print(f"{'contender':<14}{'seconds':>9}{'MB/s':>9}{'x wc -l':>9}{'peak RSS MiB':>14}  result")
    for name in ("wc -l", "adapter", "engine", "baseline"):
        row = rows[name]
        speed = size / 1e6 / row["seconds"]
        ratio = rows["wc -l"]["seconds"] / row["seconds"]
        result = "" if name == "wc -l" else json.dumps({k: row["output"].get(k) for k in WANTED})
        print(
            f"{name:<14}{row['seconds']:>9.2f}{speed:>9.0f}{ratio:>9.3f}{row['rss_kib'] / 1024:>14.1f}  {result}"
        )
    extra = (rows["adapter"]["rss_kib"] - base_rss) * 1024
    budget = 2.5 * 8 * kept
    print(f"values kept: {kept}; adapter RSS over an empty input: {extra / 2**20:.1f} MiB "
          f"(budget 2.5 x 8 B x values = {budget / 2**20:.1f} MiB)")  # fmt: skip
    for name in ("adapter", "engine"):
        same = all(rows[name]["output"].get(k) == rows["baseline"]["output"][k] for k in WANTED)
        print(f"exact: {name} == baseline: {same}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="1GB", help="size of the generated file (default 1GB)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/k6-bench.ndjson"))
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each fast contender")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("file", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        runners = {"baseline": run_baseline, "engine": run_engine}
        runner = runners.get(args.run, run_adapter)
        print(json.dumps(runner(args.file)))
        return
    if args.measure:
        print(json.dumps(measure(args.measure, args.file)))
        return
    size = parse_size(args.size)
    if (
        args.regenerate
        or not args.out.exists()
        or abs(args.out.stat().st_size - size) > size // 10 + (1 << 20)
    ):
        started = time.perf_counter()
        generate(args.out, size)
        print(f"generated {args.out} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if not args.generate_only:
        benchmark(args.out, args.repeat)
    os.sync()


if __name__ == "__main__":
    main()
