"""Policy loading and validation: every mistake is reported with FILE:LINE:COL."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from qualitygates.adapters.interface import Adapter, Collection, CollectRequest, MetricSpec
from qualitygates.errors import PolicyError
from qualitygates.model import Unit
from qualitygates.plugins import BUILTIN_ADAPTERS
from qualitygates.policy import OnFail, load_policy
from tests.fakes import registry_with_fake


def load(tmp_path: Path, text: str, variables: dict[str, str] | None = None):
    path = tmp_path / "gates.yaml"
    path.write_text(textwrap.dedent(text))
    return load_policy(path, variables or {}, registry_with_fake())


def problems(tmp_path: Path, text: str, variables: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load(tmp_path, text, variables)
    prefix = str(tmp_path / "gates.yaml")
    return [p.replace(prefix, "gates.yaml") for p in info.value.problems]


VALID = """\
version: 1
gates:
  - id: code-quality
    name: Code quality
    checks:
      - id: cov
        adapter: fake
        with: {path: reports/cov.json, token: "${TOKEN:-s3cr3t-value}"}
        conditions:
          - line_rate >= 80%
          - {expr: "p95 < 300ms", on_fail: warn}
        waivers:
          - {id: CVE-2024-0001, reason: not reachable, expires: 2026-12-31, package: openssl}
"""


def test_a_valid_policy_loads_with_resolved_paths_and_secrets(tmp_path: Path) -> None:
    policy = load(tmp_path, VALID)
    check = policy.gates[0].checks[0]
    assert policy.gates[0].name == "Code quality"
    assert check.options["path"] == str(tmp_path / "reports" / "cov.json")
    assert check.options["mode"] == "a"  # default filled in
    assert [c.expr for c in check.conditions] == ["line_rate >= 80%", "p95 < 300ms"]
    assert check.conditions[1].on_fail is OnFail.WARN
    assert check.waivers[0].expires == date(2026, 12, 31)
    assert policy.secrets == frozenset({"s3cr3t-value"})


def test_misspelt_metric_names_the_position_and_suggests(tmp_path: Path) -> None:
    text = VALID.replace("line_rate >= 80%", "line_rat >= 80%")
    assert problems(tmp_path, text) == [
        "gates.yaml:10:13: unknown metric 'line_rat' for adapter 'fake' (did you mean 'line_rate'?)"
    ]


def test_misspelt_key_adapter_and_option(tmp_path: Path) -> None:
    text = """\
    version: 1
    gates:
      - id: g
        chekcs: []
        checks:
          - id: a
            adapter: fak
            conditions: [count > 0]
          - id: b
            adapter: fake
            with: {pth: x.json, path: y.json}
            conditions: [count > 0]
    """
    assert problems(tmp_path, text) == [
        "gates.yaml:4:5: unknown key 'chekcs' in a gate (did you mean 'checks'?)",
        "gates.yaml:7:18: unknown adapter 'fak' (did you mean 'fake'?)",
        "gates.yaml:11:16: unknown option 'pth' for adapter 'fake' (did you mean 'path'?)",
    ]


def test_unset_variable_is_a_policy_error(tmp_path: Path) -> None:
    text = VALID.replace("reports/cov.json", '"${REPORTS_DIR}/cov.json"')
    assert problems(tmp_path, text) == [
        "gates.yaml:8:22: ${REPORTS_DIR} is not set: set it, pass --var REPORTS_DIR=VALUE, "
        "or give a default with ${REPORTS_DIR:-default}"
    ]
    policy = load(tmp_path, text, {"REPORTS_DIR": "out"})
    assert policy.gates[0].checks[0].options["path"] == str(tmp_path / "out" / "cov.json")


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (
            "line_rate >= 0.8",
            "line_rate is a percentage (0-100): write the threshold with %, e.g. 80%",
        ),
        (
            "line_rate >= 85",
            "line_rate is a percentage (0-100): write the threshold with %, e.g. 85%",
        ),
        ("line_rate >= 80ms", "'ms' does not apply to line_rate, which is in percent"),
        ("p95 =< 300", "'p95 =< 300': '=<' is not an operator; use one of <= >= == != < >"),
        (
            "p95 < 300 parsecs",
            "'300 parsecs' is not a number with a known unit "
            "(% us µs ms s m h B KB MB GB KiB MiB GiB /s /m), a word or a baseline",
        ),
        ("state >= OK", "a word such as 'OK' can only be compared with == or !="),
        ("state == 3", "state is a word (such as OK); compare it with == or != and a word"),
        ("count == OK", "count is a number; 'OK' is not a number with a unit"),
        ("p95", "'p95' has no comparison; write METRIC OP VALUE with OP one of <= >= == != < >"),
    ],
)
def test_bad_conditions(tmp_path: Path, condition: str, message: str) -> None:
    text = VALID.replace("line_rate >= 80%", condition)
    assert problems(tmp_path, text) == [f"gates.yaml:10:13: {message}"]


def test_duplicate_ids_and_empty_gates(tmp_path: Path) -> None:
    text = """\
    version: 1
    gates:
      - id: g
        checks:
          - {id: a, adapter: fake, with: {path: x}, conditions: [count > 0]}
          - {id: a, adapter: fake, with: {path: x}, conditions: [count > 0]}
      - id: g
        checks: []
    """
    assert problems(tmp_path, text) == [
        "gates.yaml:6:9: duplicate check id 'a' in gate 'g' (first on line 5)",
        "gates.yaml:8:13: gate 'g' needs a non-empty list of 'checks'",
    ]


def test_a_date_yaml_cannot_make_is_the_policy_error_not_a_crash(tmp_path: Path) -> None:
    text = VALID + "          - {id: CVE-2, reason: x, expires: 2024-13-31}\n"
    assert problems(tmp_path, text) == [
        "gates.yaml:14:45: expires must be a date such as 2026-12-31, not '2024-13-31'"
    ]


def test_waiver_without_reason_and_bad_expiry(tmp_path: Path) -> None:
    text = VALID.replace("reason: not reachable, ", "").replace("CVE-2024-0001", "CVE-1")
    text += "          - {id: CVE-2, reason: x, expires: soon}\n"
    assert problems(tmp_path, text) == [
        "gates.yaml:13:13: waiver 'CVE-1' needs a 'reason': say why this finding is accepted",
        "gates.yaml:14:45: expires must be a date such as 2026-12-31, not 'soon'",
    ]


def test_unknown_version_and_missing_required_option(tmp_path: Path) -> None:
    text = VALID.replace("version: 1", "version: 7").replace("path: reports/cov.json, ", "")
    assert problems(tmp_path, text) == [
        "gates.yaml:1:10: unknown version 7; this qualitygates reads version 1",
        "gates.yaml:8:15: adapter 'fake' needs the option 'path': the JSON file",
    ]


def test_option_types_are_checked(tmp_path: Path) -> None:
    text = VALID.replace("token:", "limit: many, mode: c, token:")
    assert problems(tmp_path, text) == [
        "gates.yaml:8:47: option 'limit' must be a whole number, not 'many'",
        "gates.yaml:8:59: option 'mode' cannot be 'c' (one of a, b)",
    ]


def test_yaml_syntax_error_has_a_position(tmp_path: Path) -> None:
    assert problems(tmp_path, "version: 1\ngates: [\n") == [
        "gates.yaml:3:1: invalid YAML: expected the node content, but found '<stream end>'"
    ]


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(
        PolicyError, match="no such policy file; create one with 'qualitygates init'"
    ):
        load_policy(tmp_path / "absent.yaml", {}, registry_with_fake())


def test_waivers_from_a_file_resolve_from_the_policy_folder(tmp_path: Path) -> None:
    (tmp_path / "waivers.yaml").write_text(
        "waivers:\n  - {id: CVE-9, reason: vendor fix pending, owner: sec}\n"
    )
    policy = load(tmp_path, VALID.replace("version: 1", "version: 1\nwaivers: waivers.yaml"))
    ids = [w.id for w in policy.gates[0].checks[0].waivers]
    assert ids == ["CVE-9", "CVE-2024-0001"]


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, 9)
    ]
    result = problems(tmp_path, "\n".join(lines) + "\n")
    assert len(result) == 1 and "expands to more than 200000 values (an alias bomb?)" in result[0]


def test_duplicate_yaml_keys_are_refused(tmp_path: Path) -> None:
    assert problems(tmp_path, "version: 1\nversion: 1\ngates: []\n") == [
        "gates.yaml:2:1: duplicate key 'version' (the first one is on line 1)"
    ]


def test_every_duplicate_key_is_reported_at_once(tmp_path: Path) -> None:
    text = "version: 1\ngates: []\nversion: 1\nwaivers: []\ngates: []\n"
    assert problems(tmp_path, text) == [
        "gates.yaml:3:1: duplicate key 'version' (the first one is on line 1)",
        "gates.yaml:5:1: duplicate key 'gates' (the first one is on line 2)",
    ]


MERGED = """\
version: 1
gates:
  - id: g
    checks:
      - &check
        id: base
        adapter: fake
        with: {path: m.json}
        conditions: [count == 0]
      - <<: *check
        id: strict
        conditions: [count == 0, line_rate >= 90%]
      - <<: *check
        id: plain
"""


def test_a_key_written_over_a_yaml_merge_overrides_it(tmp_path: Path) -> None:
    """`<<: *anchor` then the same key is YAML's way to override: no duplicate."""
    checks = load(tmp_path, MERGED).gates[0].checks
    assert [c.id for c in checks] == ["base", "strict", "plain"]
    assert [c.expr for c in checks[1].conditions] == ["count == 0", "line_rate >= 90%"]
    assert [c.expr for c in checks[2].conditions] == ["count == 0"]
    twice = MERGED.replace("        id: plain\n", "        id: plain\n        id: again\n")
    assert problems(tmp_path, twice) == [
        "gates.yaml:15:9: duplicate key 'id' (the first one is on line 14)"
    ]


def test_bad_max_age(tmp_path: Path) -> None:
    text = VALID.replace(
        "        adapter: fake\n", "        adapter: fake\n        max_age: soon\n", 1
    )
    assert problems(tmp_path, text) == [
        "gates.yaml:8:18: max_age: 'soon' is not a duration: write it like 30d, 12h, 2w or 1d12h"
    ]


def test_a_requirement_no_report_of_the_adapter_can_meet_is_refused(tmp_path: Path) -> None:
    text = """\
version: 1
gates:
  - id: g
    checks:
      - id: lint
        adapter: lint
        with: {path: ruff.json}
        max_age: 24h
        commit: abc123
        conditions: [errors == 0]
      - id: tests
        adapter: junit
        with: {path: junit.xml}
        max_age: 24h
        commit: abc123
        conditions: [failures == 0]
"""
    assert problems(tmp_path, text) == [
        "gates.yaml:8:18: max_age: lint reports do not say when they were made, so their age "
        "cannot be checked; remove max_age",
        "gates.yaml:9:17: commit: lint reports do not say which commit they describe, so it "
        "cannot be checked; remove commit",
        "gates.yaml:15:17: commit: junit reports do not say which commit they describe, so it "
        "cannot be checked; remove commit",
    ]


class _Undeclared(Adapter):
    """A plugin adapter written without a word about report times or commits."""

    name = "undeclared"
    summary = "declares neither dated nor names_commit"
    metrics = (MetricSpec("x", Unit.COUNT, "a count"),)

    def collect(self, request: CollectRequest) -> Collection:
        raise AssertionError("validate never collects")


def test_a_plugin_that_declares_nothing_cannot_promise_max_age_or_commit(tmp_path: Path) -> None:
    registry = registry_with_fake()
    registry.register("undeclared", _Undeclared)
    path = tmp_path / "gates.yaml"
    path.write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n      - id: c\n"
        "        adapter: undeclared\n        max_age: 7d\n        commit: abc123\n"
        "        conditions: [x == 0]\n"
    )
    with pytest.raises(PolicyError) as info:
        load_policy(path, {}, registry)
    assert [p.replace(str(path), "gates.yaml") for p in info.value.problems] == [
        "gates.yaml:7:18: max_age: undeclared reports do not say when they were made, so their "
        "age cannot be checked; remove max_age",
        "gates.yaml:8:17: commit: undeclared reports do not say which commit they describe, so "
        "it cannot be checked; remove commit",
    ]


#: The built-ins whose reports say when they were made, and which commit they describe.
DATED = {"coverage", "diff_coverage", "evidence", "junit", "k6", "prometheus", "sarif",
         "sonarqube", "trivy"}  # fmt: skip
NAMES_COMMIT = {"sarif", "sonarqube", "trivy"}


@pytest.mark.parametrize("adapter", sorted(BUILTIN_ADAPTERS))
def test_max_age_and_commit_are_refused_where_the_reports_cannot_meet_them(
    tmp_path: Path, adapter: str
) -> None:
    path = tmp_path / "gates.yaml"
    path.write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n      - id: c\n"
        f"        adapter: {adapter}\n        max_age: 7d\n        commit: abc123\n"
        "        conditions: [x == 0]\n"
    )
    try:
        load_policy(path, {}, registry_with_fake())
        problems = ""
    except PolicyError as exc:  # `x` is a metric of none but sonarqube, which takes any
        problems = " ".join(exc.problems)
    assert (f"max_age: {adapter} reports do not say when" in problems) is (adapter not in DATED)
    assert (f"commit: {adapter} reports do not say which" in problems) is (
        adapter not in NAMES_COMMIT
    )


def test_a_max_age_too_long_for_the_calendar_is_a_policy_error(tmp_path: Path) -> None:
    text = VALID.replace(
        "        adapter: fake\n", "        adapter: fake\n        max_age: 99999999999999w\n", 1
    )
    assert problems(tmp_path, text) == [
        "gates.yaml:8:18: max_age: '99999999999999w' is longer than 100 years: "
        "write a shorter duration"
    ]


@pytest.mark.parametrize(
    ("check_id", "sentence"),
    [
        ("cov erage", "check id 'cov erage' holds ' ': an id is letters, digits, '-', '_' or '.'"),
        ("lint/ruff", "check id 'lint/ruff' holds '/': an id is letters, digits"),
        ("-lint", "check id '-lint' must start with a letter or a digit"),
    ],
)
def test_a_bad_id_names_the_character_it_may_not_hold(
    tmp_path: Path, check_id: str, sentence: str
) -> None:
    (tmp_path / "gates.yaml").write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n"
        f"      - {{id: '{check_id}', adapter: fake, with: {{path: m.json}}, conditions: [count == 0]}}\n"
    )
    with pytest.raises(PolicyError) as raised:
        load_policy(tmp_path / "gates.yaml", {}, registry_with_fake())
    assert any(sentence in problem for problem in raised.value.problems), raised.value.problems


def test_report_paths_are_folded_where_no_symlink_says_otherwise(tmp_path: Path) -> None:
    (tmp_path / "ci").mkdir()
    (tmp_path / "gates.yaml").write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n"
        "      - {id: c, adapter: fake, with: {path: ci/../m.json}, conditions: [count == 0]}\n"
    )
    policy = load_policy(tmp_path / "gates.yaml", {}, registry_with_fake())
    assert policy.gates[0].checks[0].options["path"] == str(tmp_path / "m.json")
    (tmp_path / "deep" / "inner").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "deep" / "inner")  # link/.. is deep/, not tmp
    (tmp_path / "gates.yaml").write_text(
        (tmp_path / "gates.yaml").read_text().replace("ci/../m.json", "link/../m.json")
    )
    policy = load_policy(tmp_path / "gates.yaml", {}, registry_with_fake())
    assert policy.gates[0].checks[0].options["path"] == str(tmp_path / "link" / ".." / "m.json")
