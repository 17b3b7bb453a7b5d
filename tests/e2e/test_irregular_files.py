"""Inputs that are not regular files fail at once, by name: a FIFO, a link to /dev/zero,
a link loop, a dangling link. Git can carry such a link in a pull request; reading one
would block for ever or grow without end. Reports written to a FIFO or a device go through
it, never replacing it."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from tests.helpers import qualitygates

TRIVY = "examples/reports/trivy.json"


def _replace(example: Path, relative: str, kind: str) -> Path:
    path = example / relative
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "loop":
        path.symlink_to(path.name)
    else:
        path.symlink_to(path.with_name("gone.json"))
    return path


EXPECTED = {
    "fifo": "is not a regular file (it is a FIFO): give the file itself",
    "zero": "is not a regular file (it is a character device): give the file itself",
    "loop": "is a symbolic link loop, not a regular file",
    "dangling": "is a symbolic link to a file that does not exist",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_a_report_that_is_not_a_regular_file_is_an_error_at_once(example: Path, kind: str) -> None:
    _replace(example, TRIVY, kind)
    result = qualitygates("run", "-q", "--gate", "security", cwd=example)
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"{TRIVY} {EXPECTED[kind]}" in result.stdout


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_a_glob_that_matches_a_fifo_or_device_names_it(example: Path, kind: str) -> None:
    _replace(example, "examples/ops/dashboards/shopcart.json", kind)
    result = qualitygates("run", "-q", "--gate", "operational-readiness", cwd=example)
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"shopcart.json {EXPECTED[kind]}" in result.stdout


@pytest.mark.parametrize("kind", ["fifo", "zero", "loop"])
def test_a_waivers_file_that_is_not_a_regular_file_is_a_policy_error(
    example: Path, kind: str
) -> None:
    policy = example / "gates.yaml"
    policy.write_text(policy.read_text() + "waivers: examples/waivers.yaml\n")
    (example / "examples" / "waivers.yaml").write_text("waivers: []\n")
    _replace(example, "examples/waivers.yaml", kind)
    result = qualitygates("validate", cwd=example)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"waivers file examples/waivers.yaml cannot be read: {example}" in result.stderr
    assert EXPECTED[kind] in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_a_policy_or_baseline_that_is_not_a_regular_file_is_refused(
    example: Path, kind: str
) -> None:
    (example / "other.yaml").write_text("version: 1\n")
    _replace(example, "other.yaml", kind)
    result = qualitygates("validate", "-c", "other.yaml", cwd=example)
    assert result.returncode == 2
    assert f"other.yaml: cannot be read: other.yaml {EXPECTED[kind]}" in result.stderr
    (example / "base.json").write_text("{}")
    _replace(example, "base.json", kind)
    result = qualitygates("run", "-q", "--baseline", "base.json", cwd=example)
    assert result.returncode == 2
    assert f"--baseline base.json {EXPECTED[kind]}" in result.stderr


def test_a_report_path_that_is_a_fifo_is_written_through(example: Path) -> None:
    fifo = example / "result.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = qualitygates("run", "-q", "--json", str(fifo), cwd=example)
    reader.join(timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # not renamed over
    assert json.loads(received[0])["status"] == "passed"


def test_a_fifo_nobody_reads_is_an_error_not_a_hang(example: Path) -> None:
    os.mkfifo(example / "nobody.fifo")
    result = qualitygates("run", "-q", "--json", "nobody.fifo", cwd=example)
    assert result.returncode == 3
    assert "cannot write nobody.fifo: it is a FIFO that no process reads" in result.stderr


def test_a_character_device_is_written_through_not_replaced(example: Path) -> None:
    full = example / "full"
    try:
        os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # /dev/full's numbers
        full.open("wb").close()
    except OSError as exc:
        pytest.skip(f"cannot make a device node here ({exc.strerror}): needs root")
    result = qualitygates("run", "-q", "--json", str(full), cwd=example)
    assert stat.S_ISCHR(os.lstat(full).st_mode)
    assert result.returncode == 3
    assert f"cannot write {full}: No space left on device" in result.stderr


def test_a_dash_writes_the_report_to_standard_output(example: Path) -> None:
    result = qualitygates("run", "-q", "--sarif", "-", cwd=example)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["version"] == "2.1.0"  # the report alone: the verdict
    assert "4/4 gates passed" in result.stderr  # goes to standard error
    assert not (example / "-").exists()


def test_two_reports_on_standard_output_are_a_usage_error(example: Path) -> None:
    result = qualitygates("run", "-q", "--json", "-", "--sarif", "-", cwd=example)
    assert result.returncode == 2
    assert "only one report can go to standard output ('-'); give the others a file" in (
        result.stderr
    )
    assert result.stdout == ""
