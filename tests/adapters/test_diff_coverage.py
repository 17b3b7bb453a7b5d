"""The diff_coverage adapter on real git repositories made in the test.

The main project is measured by the real coverage.py (every format it writes); the
other cases use small hand-written LCOV/Cobertura reports, whose lines are chosen by hand.
Where diff-cover is installed, it runs on the same repository, reports and base, and
its numbers must be ours (its rate truncated or rounded to 2 places, ours unrounded).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from qualitygates.adapters.coverage import CoverageAdapter
from qualitygates.adapters.diff_coverage import DiffCoverageAdapter
from qualitygates.adapters.diff_coverage.git import parse_diff
from qualitygates.adapters.diff_coverage.paths import PathMatcher
from qualitygates.adapters.interface import Collection
from qualitygates.engine import RunOptions, run
from qualitygates.errors import AdapterError
from qualitygates.plugins import BUILTIN_ADAPTERS
from qualitygates.policy import load_policy
from tests.helpers import FIXED_NOW, collect

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@dataclass
class Repo:
    """A git repository in a temporary folder, with `origin/main` at its first commit."""

    root: Path

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=self.root, env=GIT_ENV, capture_output=True, text=True, check=True
        )
        return done.stdout

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    @classmethod
    def create(cls, root: Path, files: dict[str, str]) -> Repo:
        """A repository whose first commit holds `files`, on `main` and as `origin/main`."""
        root.mkdir(parents=True, exist_ok=True)
        repo = cls(root)
        repo.git("init", "-q", "-b", "main")
        for name, text in files.items():
            repo.write(name, text)
        repo.commit("base")
        repo.git("update-ref", "refs/remotes/origin/main", "HEAD")
        repo.git("checkout", "-q", "-b", "feature")
        return repo


def values(collection: Collection) -> dict[str, float | str]:
    return {name: m.value for name, m in collection.metrics.items()}


def missed(collection: Collection) -> list[tuple[str | None, int | None]]:
    return [(f.location.path, f.location.line) for f in collection.findings]


def lcov(*files: tuple[str, dict[int, int]]) -> str:
    """An LCOV tracefile: (name, {line: hits}) per file."""
    records = []
    for name, lines in files:
        body = "".join(f"DA:{n},{hits}\n" for n, hits in sorted(lines.items()))
        records.append(f"TN:\nSF:{name}\n{body}end_of_record\n")
    return "".join(records)


# --- the main project, measured by the real coverage.py ------------------------------

CALC = """\
def add(a, b):
    return a + b


def sub(a, b):
    return a - b
"""
OLD_NAME = """\
def greet(name):
    return "hi " + name


def shout(name):
    return name.upper()
"""
CALC_ADDED = """\


def mul(a, b):
    return a * b


def div(a, b):
    if b == 0:
        raise ZeroDivisionError("b")
    return a / b
"""
NEW = '''\
"""A new module."""


def used():
    return 1


def unused():
    x = 2
    return x
'''
DRIVE = """\
from app import calc, new, renamed
calc.add(1, 2)
calc.mul(2, 3)
new.used()
renamed.greet("x")
"""

# Committed: calc.py 7-16 (mul, div), new.py (all), renamed.py 6 (edited in the rename),
# README.md 2. Staged: calc.py 6. Unstaged: new.py 11-14 (appended). 27 changed lines,
# of which coverage.py measures 15: 7 ran, 8 did not.
PROJECT_MISSED = [
    ("src/app/calc.py", 6),
    ("src/app/calc.py", 14),
    ("src/app/calc.py", 15),
    ("src/app/calc.py", 16),
    ("src/app/new.py", 9),
    ("src/app/new.py", 10),
    ("src/app/new.py", 14),
    ("src/app/renamed.py", 6),
]
PROJECT = {
    "new_lines": 15.0,
    "new_lines_covered": 7.0,
    "new_lines_missed": 8.0,
    "changed_lines": 27.0,
    "new_line_rate": 700 / 15,  # 46.666…: diff-cover prints 46, or 46.67 as a float
}


@dataclass(frozen=True)
class Project:
    repo: Repo
    reports: Path  # outside the repository, so the reports are not changes


def coverage(project: Project, *args: str) -> None:
    env = {**os.environ, "COVERAGE_FILE": str(project.reports / ".coverage")}
    env["PYTHONPATH"] = str(project.repo.root / "src")
    subprocess.run(
        [sys.executable, "-m", "coverage", *args],
        cwd=project.repo.root,
        env=env,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    pytest.importorskip("coverage")
    base = tmp_path_factory.mktemp("diffcov")
    files = {"src/app/__init__.py": "", "src/app/calc.py": CALC}
    files |= {"src/app/old_name.py": OLD_NAME, "drive.py": DRIVE, "README.md": "# readme\n"}
    repo = Repo.create(base / "repo", files)
    (repo.root / "src/app/calc.py").write_text(CALC + CALC_ADDED)
    repo.write("src/app/new.py", NEW)
    repo.git("mv", "src/app/old_name.py", "src/app/renamed.py")
    repo.write("src/app/renamed.py", OLD_NAME.replace("name.upper()", 'name.upper() + "!"'))
    repo.write("README.md", "# readme\nmore docs\n")
    repo.commit("feature")
    staged = (repo.root / "src/app/calc.py").read_text().replace("a - b", "b - a")
    repo.write("src/app/calc.py", staged)
    repo.git("add", "src/app/calc.py")
    repo.write("src/app/new.py", NEW + "\n\ndef later():\n    return 3\n")
    found = Project(repo, base / "reports")
    found.reports.mkdir()
    coverage(found, "run", "--source=src", "drive.py")
    for kind in ("xml", "json", "lcov"):
        coverage(found, kind, "-q", "-o", str(found.reports / f"coverage.{kind}"))
    return found


def measure(project: Project, report: str | list[str], **options: Any) -> Collection:
    path = report if isinstance(report, list) else str(project.reports / report)
    return collect(DiffCoverageAdapter, base_dir=project.repo.root, path=path, **options)


def test_registered_under_its_name() -> None:
    assert BUILTIN_ADAPTERS["diff_coverage"] == (
        "qualitygates.adapters.diff_coverage:DiffCoverageAdapter"
    )
    assert {s.name for s in DiffCoverageAdapter.metrics if s.summary} == set(PROJECT)


def test_the_options_it_shares_with_coverage_are_coverages_own() -> None:
    """A `with:` that reads reports for `coverage` reads them the same way here, but for
    Istanbul's json-summary, which has no lines to tell changed ones by."""
    for name in ("path", "source_root", "config"):
        assert DiffCoverageAdapter.option_spec(name) == CoverageAdapter.option_spec(name), name
    ours, coverages = (
        DiffCoverageAdapter.option_spec("format"),
        CoverageAdapter.option_spec("format"),
    )
    assert ours is not None and coverages is not None
    assert dataclasses.replace(ours, choices=(*ours.choices, "istanbul-summary")) == coverages


@pytest.mark.parametrize("report", ["coverage.xml", "coverage.json", "coverage.lcov", ".coverage"])
def test_every_format_gives_the_same_exact_numbers(project: Project, report: str) -> None:
    collection = measure(project, report)
    assert values(collection) == PROJECT
    assert missed(collection) == PROJECT_MISSED
    finding = collection.findings[0]
    assert (finding.id, finding.rule) == ("uncovered-new-code", "uncovered-new-code")
    assert (finding.tool, finding.severity.value) == ("diff_coverage", "medium")
    assert str(finding.location) == "src/app/calc.py:6"
    assert finding.fingerprint == collection.findings[1].fingerprint  # no line numbers


def test_sources_and_timestamp(project: Project) -> None:
    collection = measure(project, "coverage.xml")
    assert collection.sources[0] == str(project.reports / "coverage.xml")
    assert collection.sources[1].startswith("git diff ")
    assert collection.timestamp is not None  # Cobertura's own timestamp


def test_repo_option_and_a_commit_as_compare_branch(project: Project, tmp_path: Path) -> None:
    base = project.repo.git("rev-parse", "origin/main").strip()
    collection = collect(
        DiffCoverageAdapter,
        base_dir=tmp_path,  # not a repository: `repo` says where it is
        path=str(project.reports / "coverage.xml"),
        repo=str(project.repo.root / "src"),
        compare_branch=base,
    )
    assert values(collection) == PROJECT


def test_exclude_leaves_files_out_of_every_number(project: Project) -> None:
    collection = measure(project, "coverage.xml", exclude=["src/app/new.py", "renamed.py"])
    assert values(collection) == {
        "new_lines": 7.0,
        "new_lines_covered": 3.0,
        "new_lines_missed": 4.0,
        "changed_lines": 12.0,  # calc.py 6-16 and README.md 2
        "new_line_rate": 300 / 7,
    }


def test_count_findings_leaves_out_waived_lines(project: Project) -> None:
    collection = measure(project, "coverage.xml")
    adapter = DiffCoverageAdapter()
    kept = [
        replace(f, waived=True) if f.location.path == "src/app/new.py" else f
        for f in collection.findings
    ]
    assert adapter.count_findings([f for f in kept if not f.waived])["new_lines_missed"].value == 5
    assert adapter.count_findings([])["new_lines_missed"].value == 0


# --- diff-cover on the same repository, reports and base -------------------------------


def diff_cover(repo: Path, reports: list[Path], *extra: str) -> dict[str, object]:
    tool = shutil.which("diff-cover") or str(Path(sys.executable).parent / "diff-cover")
    if not Path(tool).exists():
        pytest.skip("diff-cover is not installed (pip install diff-cover)")
    out = repo.parent / f"diff-cover-{len(extra)}.json"
    command = [tool, *map(str, reports), "--compare-branch", "origin/main", "-q"]
    subprocess.run(
        [*command, "--format", f"json:{out}", *extra], cwd=repo, check=True, capture_output=True
    )
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def assert_agrees(
    ours: Collection, theirs: dict[str, object], float_theirs: dict[str, object]
) -> None:
    numbers = values(ours)
    assert numbers["new_lines"] == theirs["total_num_lines"]
    assert numbers["new_lines_missed"] == theirs["total_num_violations"]
    assert numbers["changed_lines"] == theirs["num_changed_lines"]
    rate = numbers["new_line_rate"]
    assert isinstance(rate, float)
    assert int(rate) == theirs["total_percent_covered"]  # diff-cover truncates
    assert round(rate, 2) == float_theirs["total_percent_covered"]  # --total-percent-float
    stats = theirs["src_stats"]
    assert isinstance(stats, dict)
    violations = sorted((path, line) for path, s in stats.items() for line in s["violation_lines"])
    assert missed(ours) == violations


@pytest.mark.realtool
@pytest.mark.parametrize("report", ["coverage.xml", "coverage.lcov"])
def test_agrees_with_diff_cover(project: Project, report: str) -> None:
    reports = [project.reports / report]
    theirs = diff_cover(project.repo.root, reports)
    float_theirs = diff_cover(project.repo.root, reports, "--total-percent-float")
    assert_agrees(measure(project, report), theirs, float_theirs)


def two_reports(project: Project) -> list[Path]:
    """Two LCOV files that each cover part of the change; a line counts if either covers it."""
    calc, new = (str(project.repo.root / f"src/app/{n}.py") for n in ("calc", "new"))
    first = lcov((calc, {6: 0, 9: 1, 10: 1, 13: 1, 14: 0}), (new, {4: 1, 5: 0}))
    second = lcov((calc, {6: 1, 9: 0, 14: 0}), (new, {4: 0, 5: 0, 8: 1}))
    paths = [project.reports / "first.lcov", project.reports / "second.lcov"]
    for path, text in zip(paths, (first, second), strict=True):
        path.write_text(text)
    return paths


def test_several_reports_are_a_union(project: Project) -> None:
    collection = measure(project, [str(p) for p in two_reports(project)])
    assert values(collection) == {
        "new_lines": 8.0,  # calc.py 6 9 10 13 14 and new.py 4 5 8; renamed.py is unmeasured
        "new_lines_covered": 6.0,
        "new_lines_missed": 2.0,
        "changed_lines": 27.0,
        "new_line_rate": 75.0,
    }
    assert missed(collection) == [("src/app/calc.py", 14), ("src/app/new.py", 5)]


@pytest.mark.realtool
def test_several_reports_agree_with_diff_cover(project: Project) -> None:
    reports = two_reports(project)
    theirs = diff_cover(project.repo.root, reports)
    float_theirs = diff_cover(project.repo.root, reports, "--total-percent-float")
    assert_agrees(measure(project, [str(p) for p in reports]), theirs, float_theirs)


# --- small repositories with hand-written reports --------------------------------------

TEN_LINES = "".join(f"x{n} = {n}\n" for n in range(1, 11))


@pytest.fixture()
def small(tmp_path: Path) -> Repo:
    """`a.py` of ten lines on origin/main; the feature branch changes lines 5 and 6."""
    repo = Repo.create(tmp_path / "repo", {"a.py": TEN_LINES, "README.md": "# a\n"})
    repo.write("a.py", TEN_LINES.replace("x5 = 5", "x5 = 50").replace("x6 = 6", "x6 = 60"))
    repo.commit("change 5 and 6")
    return repo


def measure_lcov(repo: Repo, text: str, **options: Any) -> Collection:
    report = repo.root.parent / "coverage.lcov"
    report.write_text(text)
    return collect(DiffCoverageAdapter, base_dir=repo.root, path=str(report), **options)


def test_unstaged_lines_shift_the_committed_ones(small: Repo) -> None:
    # Two lines inserted above the committed change (not staged): the change is now at
    # 7-8, and the coverage measured on this working tree says so. diff-cover merges
    # three diffs without renumbering and would look at 5-6 here; one diff is exact.
    small.write("a.py", "import os\nimport sys\n" + (small.root / "a.py").read_text())
    collection = measure_lcov(small, lcov(("a.py", {1: 1, 2: 1, 5: 0, 7: 1, 8: 0})))
    assert values(collection) == {
        "new_lines": 4.0,
        "new_lines_covered": 3.0,
        "new_lines_missed": 1.0,
        "changed_lines": 4.0,
        "new_line_rate": 75.0,
    }
    assert missed(collection) == [("a.py", 8)]


def test_untracked_files_are_not_changes(small: Repo) -> None:
    small.write("b.py", "y = 1\n")
    collection = measure_lcov(small, lcov(("a.py", {5: 1, 6: 1}), ("b.py", {1: 0})))
    assert values(collection)["new_lines"] == 2.0
    assert values(collection)["new_line_rate"] == 100.0


def test_no_coverable_changed_line_is_not_100_percent(tmp_path: Path) -> None:
    repo = Repo.create(tmp_path / "repo", {"a.py": "# a comment\nx = 1\n", "README.md": "# a\n"})
    repo.write("a.py", "# another comment\nx = 1\n")
    repo.write("README.md", "# a\nmore\n")
    repo.commit("docs only")
    collection = measure_lcov(repo, lcov(("a.py", {2: 1})))
    assert values(collection) == {
        "new_lines": 0.0,
        "new_lines_covered": 0.0,
        "new_lines_missed": 0.0,
        "changed_lines": 2.0,
    }
    base = repo.git("rev-parse", "origin/main").strip()[:12]
    assert collection.unavailable["new_line_rate"] == (
        f"no changed line to measure: none of the 2 lines changed in 2 files since merge base "
        f"{base} of origin/main is measured by the coverage reports (new_lines = 0)"
    )


def test_no_coverable_line_reads_as_an_error_in_a_run(tmp_path: Path) -> None:
    repo = Repo.create(tmp_path / "repo", {"a.py": "x = 1\n"})
    (tmp_path / "coverage.lcov").write_text(lcov(("a.py", {1: 1})))
    policy = tmp_path / "repo" / "gates.yaml"
    policy.write_text(
        "version: 1\ngates:\n  - id: quality\n    checks:\n      - id: new-code\n"
        "        adapter: diff_coverage\n        with: {path: ../coverage.lcov}\n"
        "        conditions: [new_line_rate >= 80%]\n"
    )
    result = run(load_policy(policy, {}), RunOptions(now=FIXED_NOW))
    check = result.gates[0].checks[0]
    assert (result.exit_code, check.conditions[0].status.value) == (3, "error")
    base = repo.git("rev-parse", "origin/main").strip()[:12]
    assert check.conditions[0].message == (
        "new_line_rate: no changed line to measure: no line changed since merge base "
        f"{base} of origin/main (new_lines = 0)"
    )
    assert check.metrics["new_lines"].value == 0.0


def shallow_clone(source: Repo, target: Path, *args: str) -> Path:
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", *args, source.root.as_uri(), str(target)],
        env=GIT_ENV,
        check=True,
        capture_output=True,
    )
    return target


def test_shallow_clone_without_the_base_branch(small: Repo, tmp_path: Path) -> None:
    small.git("branch", "-f", "main", "origin/main")
    clone = shallow_clone(small, tmp_path / "clone", "--branch", "feature")
    (tmp_path / "c.lcov").write_text(lcov(("a.py", {5: 1})))
    with pytest.raises(AdapterError) as error:
        collect(DiffCoverageAdapter, base_dir=clone, path=str(tmp_path / "c.lcov"))
    assert str(error.value) == (
        f"compare_branch 'origin/main' is not in {clone.resolve()}, a shallow clone: fetch the "
        "full history (actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`)"
    )


def test_shallow_clone_without_the_merge_base(small: Repo, tmp_path: Path) -> None:
    small.git("branch", "-f", "main", "origin/main")
    clone = shallow_clone(small, tmp_path / "clone", "--no-single-branch", "--branch", "feature")
    (tmp_path / "c.lcov").write_text(lcov(("a.py", {5: 1})))
    with pytest.raises(
        AdapterError, match=r"share no commit in .*, a shallow clone: .*`fetch-depth: 0`"
    ):
        collect(DiffCoverageAdapter, base_dir=clone, path=str(tmp_path / "c.lcov"))


def test_unknown_compare_branch(small: Repo) -> None:
    with pytest.raises(AdapterError) as error:
        measure_lcov(small, lcov(("a.py", {5: 1})), compare_branch="origin/release")
    assert str(error.value) == (
        f"compare_branch 'origin/release' is not a branch or commit of {small.root.resolve()}: "
        "fetch it (git fetch origin release) or set compare_branch"
    )


def test_compare_branch_that_looks_like_an_option(small: Repo) -> None:
    with pytest.raises(AdapterError, match="compare_branch '--output=x' is not a branch"):
        measure_lcov(small, lcov(("a.py", {5: 1})), compare_branch="--output=x")


def test_unrelated_histories(small: Repo) -> None:
    small.git("checkout", "-q", "--orphan", "other")
    small.commit("unrelated")
    with pytest.raises(AdapterError, match="HEAD and 'origin/main' share no history in "):
        measure_lcov(small, lcov(("a.py", {5: 1})))


def test_not_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # TMPDIR in a checkout
    (tmp_path / "c.lcov").write_text(lcov(("a.py", {5: 1})))
    with pytest.raises(AdapterError, match=r"is not inside a git repository \(fatal: not a git"):
        collect(DiffCoverageAdapter, base_dir=tmp_path, path=str(tmp_path / "c.lcov"))


def test_repository_without_commits(tmp_path: Path) -> None:
    Repo(tmp_path).git("init", "-q")
    (tmp_path.parent / "c.lcov").write_text(lcov(("a.py", {5: 1})))
    with pytest.raises(AdapterError, match="has no commit yet: there is nothing to compare"):
        collect(DiffCoverageAdapter, base_dir=tmp_path, path=str(tmp_path.parent / "c.lcov"))


def test_git_missing(small: Repo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(AdapterError) as error:
        measure_lcov(small, lcov(("a.py", {5: 1})))
    assert (
        str(error.value) == "git is not installed here: diff coverage needs it to read what changed"
    )


def test_missing_and_empty_reports(small: Repo) -> None:
    with pytest.raises(AdapterError, match=r"nope\.xml does not exist: check the path"):
        collect(DiffCoverageAdapter, base_dir=small.root, path=str(small.root / "nope.xml"))
    with pytest.raises(AdapterError, match="measures no lines: check that the tests ran"):
        measure_lcov(small, "TN:\nSF:a.py\nend_of_record\n")
    with pytest.raises(AdapterError, match="needs `path`"):
        collect(DiffCoverageAdapter, base_dir=small.root)


# --- report names to repository paths ---------------------------------------------------


def cobertura(source: str, filename: str, lines: dict[int, int]) -> str:
    rows = "".join(f'<line number="{n}" hits="{h}"/>' for n, h in lines.items())
    return (
        f'<?xml version="1.0" ?><coverage timestamp="1"><sources><source>{source}</source>'
        f'</sources><packages><package name="p"><classes><class name="c" filename="{filename}">'
        f"<lines>{rows}</lines></class></classes></package></packages></coverage>"
    )


def test_cobertura_source_and_a_path_from_another_machine(tmp_path: Path) -> None:
    files = {"src/pkg/mod.py": TEN_LINES, "tests/pkg/mod.py": TEN_LINES}
    repo = Repo.create(tmp_path / "repo", files)
    for name in files:
        repo.write(name, TEN_LINES.replace("x5 = 5", "x5 = 50"))
    repo.commit("change both")
    xml = tmp_path / "coverage.xml"
    xml.write_text(cobertura(str(repo.root / "src"), "pkg/mod.py", {5: 1}))
    ci = tmp_path / "ci.lcov"  # written on the CI machine, under another folder
    ci.write_text(lcov(("/home/runner/work/x/x/tests/pkg/mod.py", {5: 0})))
    collection = collect(DiffCoverageAdapter, base_dir=repo.root, path=[str(xml), str(ci)])
    assert values(collection)["new_lines"] == 2.0
    assert missed(collection) == [("tests/pkg/mod.py", 5)]


def test_ambiguous_name_is_an_error_until_src_roots_says(tmp_path: Path) -> None:
    files = {
        "a/src/main/java/com/x/Foo.java": TEN_LINES,
        "b/src/main/java/com/x/Foo.java": TEN_LINES,
    }
    repo = Repo.create(tmp_path / "repo", files)
    repo.write("a/src/main/java/com/x/Foo.java", TEN_LINES.replace("x5 = 5", "x5 = 50"))
    repo.commit("change a")
    report = tmp_path / "jacoco.lcov"
    report.write_text(lcov(("com/x/Foo.java", {5: 1})))
    with pytest.raises(AdapterError) as error:
        collect(DiffCoverageAdapter, base_dir=repo.root, path=str(report))
    assert str(error.value) == (
        f"{report}: the file 'com/x/Foo.java' it measures could be "
        "a/src/main/java/com/x/Foo.java or b/src/main/java/com/x/Foo.java: set `src_roots` "
        "to the folder(s) the report's file names start from"
    )
    collection = collect(
        DiffCoverageAdapter, base_dir=repo.root, path=str(report), src_roots=["a/src/main/java"]
    )
    assert values(collection)["new_line_rate"] == 100.0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("src/app/calc.py", "src/app/calc.py"),  # from the root
        ("app/calc.py", "src/app/calc.py"),  # from a source folder: by suffix
        ("./src/app/calc.py", "src/app/calc.py"),
        ("src\\app\\calc.py", "src/app/calc.py"),  # written on Windows
        ("C:/ci/repo/src/app/calc.py", "src/app/calc.py"),
        ("/elsewhere/repo/src/app/calc.py", "src/app/calc.py"),
        ("calc.py", "src/app/calc.py"),  # the only tracked calc.py
        ("src/app/other.py", None),  # not changed
        ("lib/calc.py", None),  # another folder
        ("", None),
    ],
)
def test_path_matcher(tmp_path: Path, name: str, expected: str | None) -> None:
    (tmp_path / "src/app").mkdir(parents=True)
    (tmp_path / "src/app/calc.py").write_text("")
    matcher = PathMatcher(
        tmp_path, {"src/app/calc.py"}, tracked=lambda: ["src/app/calc.py", "src/app/other.py"]
    )
    assert matcher.match(name, [], tmp_path / "r") == expected
    assert matcher.match(str(tmp_path / "src/app/calc.py"), [], tmp_path / "r") == "src/app/calc.py"


# --- git diff output ----------------------------------------------------------------------


def test_parse_diff() -> None:
    output = [
        "diff --git a/a.py b/a.py\n",
        "--- a/a.py\n",
        "+++ b/a.py\n",
        "@@ -3 +3 @@ def f():\n",
        "-old\n",
        "+++ an added line that looks like a header\n",
        "@@ -10,0 +11,2 @@\n",
        "+one\n",
        "+two\n",
        "\\ No newline at end of file\n",
        "diff --git a/gone.py b/gone.py\n",
        "deleted file mode 100644\n",
        "--- a/gone.py\n",
        "+++ /dev/null\n",
        "@@ -1,2 +0,0 @@\n",
        "-x\n",
        "-y\n",
        'diff --git "a/t\\tab.py" "b/t\\tab.py"\n',
        '+++ "b/t\\tab \\303\\251.py"\n',
        "@@ -0,0 +1 @@\n",
        "+z\n",
        "diff --git a/sp ace.py b/sp ace.py\n",
        "+++ b/sp ace.py\t\n",
        "@@ -1,2 +1,0 @@\n",
        "-a\n",
        "-b\n",
        "@@ -5 +4,3 @@\n",
        "-c\n",
        "+d\n",
        "+e\n",
        "+f\n",
    ]
    assert parse_diff(output) == {
        "a.py": {3, 11, 12},
        "t\tab é.py": {1},
        "sp ace.py": {4, 5, 6},
    }
