"""`run`, `report` and `validate`: the commands that judge, re-render and check a policy.

Each parses its options, makes one call into the API (`qualitygates.api`) and exits with
its `ExitCode`; the console summary and GitHub annotations are printed here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import click

from qualitygates.cli.common import (
    Process,
    base_options,
    bases_of,
    choice_option,
    config_option,
    configure_logging,
    fails_cleanly,
    parse_now,
    parse_vars,
    project_options,
    projects_chosen,
    var_option,
)
from qualitygates.cli.output import (
    colour_wanted,
    console_printer,
    echo,
    echo_error,
    show_annotations,
)
from qualitygates.cli.params import Instant, ReportTarget, Seconds

F = TypeVar("F", bound=Callable[..., Any])

#: The formats with a flag of their own: each `--FORMAT PATH` is `--report FORMAT=PATH`.
REPORT_ALIASES: dict[str, str] = {
    "junit": "JUnit XML: one test suite per gate, one test case per condition.",
    "json": "The whole result as JSON (qualitygates/result/v2).",
    "markdown": "A Markdown summary for pull requests.",
    "html": "One self-contained HTML page for release managers.",
    "sarif": "Every finding as SARIF 2.1.0, for code scanning.",
    "codequality": "Findings as a GitLab Code Quality report.",
    "metrics": "Gate statuses and metrics in the Prometheus text format.",
}


#: `--markdown-limit CHARS`, on run and report.
markdown_limit_option = click.option(
    "--markdown-limit",
    type=click.IntRange(min=1000),
    metavar="CHARS",
    help="Keep the Markdown report under CHARS characters (a GitHub comment holds 65536): "
    "findings are cut first, then rows that passed, and the report says what was cut.",
)


def report_options(func: F) -> F:
    """Add `--report FORMAT=PATH` and its aliases `--junit PATH`, `--json PATH`, ... to a
    command, as `reports` and `<format>_report` arguments."""
    for name, help_text in reversed(REPORT_ALIASES.items()):
        func = click.option(
            f"--{name}",
            f"{name}_report",
            type=click.Path(dir_okay=False),
            metavar="PATH",
            help=f"{help_text} Same as --report {name}=PATH.",
        )(func)
    return click.option(
        "--report",
        "reports",
        multiple=True,
        type=ReportTarget(),
        metavar="FORMAT=PATH",
        help="Write a report of FORMAT (junit, json, markdown, html, sarif, codequality, "
        "metrics, or a plugin's) to PATH, '-' for stdout. Repeatable.",
    )(func)


def requested_reports(
    reports: tuple[tuple[str, str], ...], aliases: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """Every report asked for: the alias flags in their documented order, then `--report`."""
    flagged = [
        (name, aliases[f"{name}_report"])
        for name in REPORT_ALIASES
        if aliases.get(f"{name}_report")
    ]
    return [*flagged, *reports]


@click.command()
@config_option
@click.option(
    "--gate", "gates", multiple=True, metavar="ID", help="Run only this gate (repeatable)."
)
@report_options
@var_option
@click.option(
    "--now", type=Instant(), metavar="ISO-TIME", help="Fix the clock (waiver expiry, maximum ages)."
)
@click.option(
    "--policy-ref", metavar="REF", help="Read the policy, waivers and sign-offs from this git ref."
)
@base_options
@project_options
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="A saved JSON result to compare with (baseline thresholds, new.* findings).",
)
@click.option(
    "--baseline-any",
    is_flag=True,
    help="Accept a --baseline from a run that did not pass (by default it must have passed).",
)
@click.option(
    "--history", metavar="PATH|URL", help="Record the run here (SQLite file or postgresql:// URL)."
)
@click.option(
    "--baseline-branch",
    default="main",
    show_default=True,
    metavar="BRANCH",
    help="With a history store and no --baseline: the last passing run of this branch is the baseline.",
)
@click.option(
    "--timeout",
    type=Seconds(),
    metavar="S",
    help="Bound the whole run; the process ends within S + 5 s (default: 600).",
)
@markdown_limit_option
@click.option(
    "--root",
    type=click.Path(file_okay=False),
    help="Show finding paths relative to this folder (default: the repository's root).",
)
@click.option("--warn-only", is_flag=True, help="Judge and report everything, but exit 0.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems and the total line.")
@click.option("-v", "--verbose", count=True, help="Print every condition and finding.")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@choice_option(
    "--color",
    "color",
    ("auto", "always", "never"),
    "Colour the console: auto colours a terminal, or a log when FORCE_COLOR is set, never "
    "when NO_COLOR is.",
)
@click.option("--no-color", is_flag=True, help="Same as --color never.")
@fails_cleanly
def run(**given: Any) -> None:
    """Run the gates of a policy, write the reports, exit with the verdict."""
    from qualitygates.api import Baseline, ReportLimits, RunOptions, run_gates
    from qualitygates.deadline import stop_run_by
    from qualitygates.model import ExitCode

    configure_logging(given["verbose"], given["debug"])
    # Whatever blocks, the process ends in its time + 5 s (when the process is ours to end).
    stop_run_by(given["timeout"], ExitCode.ERROR, owned=Process.owned)
    reports = requested_reports(given["reports"], given)
    to_stdout = any(path == "-" for _, path in reports)  # then the verdict goes to stderr
    outcome = run_gates(
        given["config"],
        variables=parse_vars(given["variables"]),
        policy_ref=given["policy_ref"],
        bases=bases_of(given),
        projects=projects_chosen(given),
        options=RunOptions(
            gates=given["gates"],
            now=parse_now(given["now"]),
            timeout=given["timeout"],
            warn_only=given["warn_only"],
            summary_metrics=False,  # the console shows none; a report or a store turns it on
            progress=None if given["quiet"] else _show_progress,
            root=Path(given["root"]).resolve() if given["root"] else None,
        ),
        baseline=Baseline(given["baseline"], given["baseline_any"], given["baseline_branch"]),
        history=given["history"],
        reports=reports,
        limits=ReportLimits(max_chars=given["markdown_limit"]),
        before_reports=console_printer(
            given["quiet"],
            given["verbose"],
            colour_wanted("never" if given["no_color"] else given["color"], err=to_stdout),
            err=to_stdout,
        ),
    )
    show_annotations(outcome.result, outcome.secrets)
    for failure in outcome.report_failures:
        echo_error(failure, outcome.secrets)
    sys.exit(outcome.exit_code)


def _show_progress(sentence: str) -> None:
    echo(f"... {sentence}", err=True)


@click.command()
@click.argument("result_file", metavar="RESULT.json", type=click.Path(dir_okay=False))
@click.option(
    "-f",
    "--format",
    "format_",
    required=True,
    metavar="FORMAT",
    help="markdown, html, junit, json, sarif, codequality, metrics, or a plugin's.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout."
)
@markdown_limit_option
@fails_cleanly
def report(result_file: str, format_: str, output: str | None, markdown_limit: int | None) -> None:
    """Render a saved JSON result in another format, without running the checks again."""
    from qualitygates.api import ReportLimits, render_saved
    from qualitygates.reports.publish import format_problem
    from qualitygates.reports.write import write_atomic

    problem = format_problem(format_)
    if problem is not None:
        raise click.BadParameter(problem, param_hint="--format")
    rendered = render_saved(result_file, format_, limits=ReportLimits(max_chars=markdown_limit))
    if output:
        write_atomic(output, rendered)
    else:
        echo(rendered.decode("utf-8"), nl=False)


@click.command()
@config_option
@var_option
@base_options
@project_options
@choice_option(
    "--format",
    "format_",
    ("text", "json", "github"),
    "text: one line per problem on stderr; json: one object on stdout; github: annotations "
    "on the policy's lines.",
)
@fails_cleanly
def validate(config: str, variables: tuple[str, ...], format_: str, **bases: Any) -> None:
    """Check the policy and run nothing (exit 2 on any problem)."""
    from qualitygates.api import load_gates_policy
    from qualitygates.errors import PolicyError
    from qualitygates.model import ExitCode

    try:
        policy = load_gates_policy(
            config, parse_vars(variables), bases=bases_of(bases), projects=projects_chosen(bases)
        )
    except PolicyError as exc:
        if format_ == "text":
            raise
        show_problems(config, exc.problems, format_)
        sys.exit(ExitCode.USAGE)
    counts = {
        "gates": len(policy.gates),
        "checks": sum(len(g.checks) for g in policy.gates),
        "conditions": sum(len(c.conditions) for g in policy.gates for c in g.checks),
    }
    if format_ == "json":
        echo(_json({"policy": config, "valid": True, **counts, "problems": []}))
    else:
        echo(f"{config}: valid ({', '.join(f'{n} {what}' for what, n in counts.items())})")


def show_problems(config: str, problems: list[str], format_: str) -> None:
    """A policy's problems as one JSON object on stdout, or as GitHub annotations."""
    from qualitygates.policy.problems import place_of
    from qualitygates.reports.github import Annotation

    places = [place_of(problem) for problem in problems]
    if format_ == "json":
        listed = [p._asdict() for p in places]
        echo(_json({"policy": config, "valid": False, "problems": listed}))
        return
    for place in places:
        note = Annotation("error", "qualitygates validate", place.message, place.file or config,
                          place.line, column=place.column)  # fmt: skip
        echo(note.command(), commands=True)


def _json(data: object) -> str:
    import json

    return json.dumps(data, indent=2, ensure_ascii=False)
