"""Adapter options under `with:`: everything an adapter would refuse at run time is a policy
error of `validate`, at the line and column where it is written, all at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from qualitygates.errors import PolicyError
from qualitygates.policy import load_policy
from tests.fakes import registry_with_fake


def policy_with(tmp_path: Path, adapter: str, options: str, condition: str) -> Path:
    """A policy of one check; `options` is the YAML under `with:`, from line 8, column 11."""
    indented = textwrap.indent(textwrap.dedent(options), " " * 10)
    text = (
        "version: 1\ngates:\n  - id: g\n    checks:\n      - id: c\n"
        f"        adapter: {adapter}\n        with:\n{indented}"
        f"        conditions: [{condition!r}]\n"
    )
    path = tmp_path / "gates.yaml"
    path.write_text(text)
    return path


def problems(tmp_path: Path, adapter: str, options: str, condition: str) -> list[str]:
    path = policy_with(tmp_path, adapter, options, condition)
    with pytest.raises(PolicyError) as info:
        load_policy(path, {}, registry_with_fake())
    return [p.replace(str(path), "gates.yaml") for p in info.value.problems]


def loads(tmp_path: Path, adapter: str, options: str, condition: str) -> None:
    load_policy(policy_with(tmp_path, adapter, options, condition), {}, registry_with_fake())


TRIVY = "vulnerabilities.critical == 0"


def test_a_misspelt_list_item_is_refused_at_its_own_line(tmp_path: Path) -> None:
    options = """\
    path: trivy.json
    severities:
      - HIGH
      - crtical
    statuses: [fixed, will_not_fx]
    classes: os-pkg
    """
    assert problems(tmp_path, "trivy", options, TRIVY) == [
        "gates.yaml:11:15: option 'severities' cannot list 'crtical' (did you mean 'critical'?)",
        "gates.yaml:12:29: option 'statuses' cannot list 'will_not_fx' "
        "(did you mean 'will_not_fix'?)",
        "gates.yaml:13:20: option 'classes' cannot list 'os-pkg' (did you mean 'os-pkgs'?)",
    ]


def test_list_items_follow_the_adapters_case_rules(tmp_path: Path) -> None:
    # trivy compares severities, statuses and classes in lower case, as Trivy writes them
    options = "path: trivy.json\nseverities: [CRITICAL, ' High ']\nstatuses: Fixed\n"
    loads(tmp_path, "trivy", options, TRIVY)


def test_a_list_item_yaml_typed_says_how_to_keep_it_a_word(tmp_path: Path) -> None:
    options = "path: trivy.json\nseverities: [critical, yes, 3, '']\n"
    assert problems(tmp_path, "trivy", options, TRIVY) == [
        "gates.yaml:9:34: each item of option 'severities' must be a string, and YAML reads "
        'yes as a boolean: write it in quotes, "yes"',
        "gates.yaml:9:39: each item of option 'severities' must be a string, and YAML reads "
        '3 as a number: write it in quotes, "3"',
        "gates.yaml:9:42: each item of option 'severities' must be a non-empty string, not ''",
    ]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            "branch: yes",
            "option 'branch' must be a string, and YAML reads yes as a boolean: write it in "
            'quotes, "yes"',
        ),
        (
            "pull_request: 42",
            "option 'pull_request' must be a string, and YAML reads 42 as a number: write it "
            'in quotes, "42"',
        ),
        ("organization: [a, b]", "option 'organization' must be a string, not a list"),
        ("auth: Bearer", "option 'auth' cannot be 'Bearer' (did you mean 'bearer'?)"),
        ("wait: .nan", "option 'wait' must be a finite number, not .nan"),
        ("wait: .inf", "option 'wait' must be a finite number, not .inf"),
        ("wait: true", "option 'wait' must be a finite number, not true"),
        ("wait: '30'", "option 'wait' must be a finite number, not '30'"),
        ("wait: -1", "option 'wait' must be at least 0, not -1"),
        (
            "url: ftp://sonar.example.com",
            "'url' must be the http(s) URL of a SonarQube server, not 'ftp://sonar.example.com'",
        ),
    ],
)
def test_every_option_kind_is_checked(tmp_path: Path, option: str, message: str) -> None:
    options = f"project: shop\n{option}\n"
    assert problems(tmp_path, "sonarqube", options, "quality_gate == OK") == [
        f"gates.yaml:9:{11 + option.index(':') + 2}: {message}"
    ]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("max_complexity: 0", "option 'max_complexity' must be at least 1, not 0"),
        ("max_complexity: 2.5", "option 'max_complexity' must be a whole number, not 2.5"),
        ("max_complexity: on", "option 'max_complexity' must be a whole number, not on"),
    ],
)
def test_integer_options(tmp_path: Path, option: str, message: str) -> None:
    assert problems(tmp_path, "complexity", f"path: cc.json\n{option}\n", "max <= 10") == [
        f"gates.yaml:9:27: {message}"
    ]


def test_a_boolean_option_takes_only_true_or_false(tmp_path: Path) -> None:
    options = "path: trivy.json\nfixable_only: 'yes'\n"
    assert problems(tmp_path, "trivy", options, TRIVY) == [
        "gates.yaml:9:25: option 'fixable_only' must be true or false, not 'yes'"
    ]


PROMETHEUS = """\
url: http://prometheus:9090
queries: {error_ratio: 'sum(rate(errors[5m]))'}
"""


def test_options_that_exclude_or_require_each_other(tmp_path: Path) -> None:
    options = PROMETHEUS + "token: abc\nusername: bob\ntime: '1700000000'\nat_end_of: k6.ndjson\n"
    assert problems(tmp_path, "prometheus", options, "error_ratio < 1%") == [
        "gates.yaml:11:11: give either 'token' or 'username', not both",
        "gates.yaml:11:11: option 'username' needs 'password' too",
        "gates.yaml:13:11: give either 'time' or 'at_end_of', not both",
    ]


def test_an_empty_option_is_not_given(tmp_path: Path) -> None:
    # `${PROM_TOKEN:-}` left empty beside basic auth is what CI templates do
    options = PROMETHEUS + "token: ''\nusername: bob\npassword: '  '\n"
    assert problems(tmp_path, "prometheus", options, "error_ratio < 1%") == [
        "gates.yaml:11:11: option 'username' needs 'password' too"
    ]
    loads(
        tmp_path,
        "prometheus",
        PROMETHEUS + "token: ''\nusername: bob\npassword: pw\n",
        "error_ratio < 1%",
    )


def test_sonarqube_branch_and_pull_request_exclude_each_other(tmp_path: Path) -> None:
    options = "project: shop\npull_request: '42'\nbranch: main\n"
    assert problems(tmp_path, "sonarqube", options, "quality_gate == OK") == [
        "gates.yaml:10:11: give either 'pull_request' or 'branch', not both"
    ]


@pytest.mark.parametrize(
    ("adapter", "options", "condition", "message"),
    [
        (
            "prometheus",
            PROMETHEUS + "time: yesterday\n",
            "error_ratio < 1%",
            "gates.yaml:10:17: option 'time' must be an RFC 3339 time with a zone such as "
            "2026-01-31T12:00:00Z, or a Unix time, not 'yesterday'",
        ),
        (
            "prometheus",
            "url: http://prometheus:9090\nqueries: {Error-Rate: up}\n",
            "up == 1",
            "gates.yaml:9:20: query name 'Error-Rate' is not a metric name: use lower case "
            "letters, digits, '_' and '.', e.g. error_ratio",
        ),
        (
            "prometheus",
            PROMETHEUS + "units: {error_ratio: ratoi}\n",
            "error_ratio < 1%",
            "gates.yaml:10:32: option 'units': 'error_ratio' cannot be 'ratoi' "
            "(did you mean 'ratio'?)",
        ),
        (
            "attestations",
            "path: ops/attestations.yaml\nrequired: [{check: drill, maxage: 30d}]\n",
            "problems == 0",
            "gates.yaml:9:21: attestations option required, entry 1: unknown key 'maxage'",
        ),
        (
            "docs",
            "required: [{path: RUNBOOK.md, max_age: soon}]\n",
            "problems == 0",
            "gates.yaml:8:21: docs option required, entry 1: max_age: 'soon' is not a "
            "duration: write it like 30d, 12h, 2w or 1d12h",
        ),
        (
            "evidence",
            "path: drill.json\nmax_age: 99999999999999w\n",
            "passed == 1",
            "gates.yaml:9:20: option 'max_age': '99999999999999w' is longer than 100 years: "
            "write a shorter duration",
        ),
    ],
    ids=[
        "prometheus-time",
        "prometheus-query-name",
        "prometheus-unit",
        "attestations",
        "docs",
        "evidence",
    ],
)
def test_what_an_adapter_checks_of_its_options_validate_checks(
    tmp_path: Path, adapter: str, options: str, condition: str, message: str
) -> None:
    assert problems(tmp_path, adapter, options, condition) == [message]


@pytest.mark.parametrize(
    ("unit", "condition", "message"),
    [
        ("ratio", "error_ratio < 5", "error_ratio is a ratio (0-1): write 5% (or 0.05), not 5"),
        (
            "percent",
            "error_ratio < 0.5",
            "error_ratio is a percentage (0-100): write the threshold with %, e.g. 50%",
        ),
        ("ms", "error_ratio < 3%", "'%' does not apply to error_ratio, which is in milliseconds"),
    ],
)
def test_units_given_by_the_options_type_the_conditions(
    tmp_path: Path, unit: str, condition: str, message: str
) -> None:
    options = PROMETHEUS + f"units: {{error_ratio: {unit}}}\n"
    assert problems(tmp_path, "prometheus", options, condition) == [f"gates.yaml:11:22: {message}"]


def test_every_problem_of_every_check_is_reported_at_once(tmp_path: Path) -> None:
    text = """\
    version: 1
    gates:
      - id: g
        checks:
          - id: t
            adapter: trivy
            with: {path: t.json, severities: [crtical], fixable_only: 1}
            conditions: [vulnerabilities.critical == 0]
          - id: s
            adapter: sonarqube
            with: {project: p, branch: main, pull_request: '1', wait: -5}
            conditions: [quality_gate == OK]
    """
    path = tmp_path / "gates.yaml"
    path.write_text(textwrap.dedent(text))
    with pytest.raises(PolicyError) as info:
        load_policy(path, {}, registry_with_fake())
    assert [p.replace(str(path), "gates.yaml") for p in info.value.problems] == [
        "gates.yaml:7:43: option 'severities' cannot list 'crtical' (did you mean 'critical'?)",
        "gates.yaml:7:67: option 'fixable_only' must be true or false, not 1",
        "gates.yaml:11:42: give either 'branch' or 'pull_request', not both",
        "gates.yaml:11:67: option 'wait' must be at least 0, not -5",
    ]


def test_a_mistyped_secret_is_never_shown(tmp_path: Path) -> None:
    options = PROMETHEUS + "token: 31415926535897\n"
    assert problems(tmp_path, "prometheus", options, "error_ratio < 1%") == [
        "gates.yaml:10:18: option 'token' must be a string: write it in quotes"
    ]
