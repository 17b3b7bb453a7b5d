"""`qualitygates comment`: the Markdown summary as one sticky pull-request comment."""

from __future__ import annotations

import os

import click

from qualitygates.cli.common import fails_cleanly
from qualitygates.cli.output import echo


@click.command()
@click.argument("result_file", metavar="RESULT.json", type=click.Path(dir_okay=False))
@click.option("--provider", type=click.Choice(["github", "gitlab"]),
              help="Default: GitHub on GitHub Actions, GitLab on GitLab CI.")  # fmt: skip
@click.option("--repo", help="OWNER/NAME (GitHub) or the project's id or path (GitLab).")
@click.option("--pr", "number", type=click.IntRange(min=1),
              help="The pull request's (merge request's) number.")  # fmt: skip
@click.option("--api-url", help="The API (default: $GITHUB_API_URL or $CI_API_V4_URL).")
@click.option("--markdown-limit", type=click.IntRange(min=1000), metavar="CHARS",
              help="At most CHARS characters (default: GitHub's 65536, GitLab's 1000000).")  # fmt: skip
@fails_cleanly
def comment(
    result_file: str,
    provider: str | None,
    repo: str | None,
    number: int | None,
    api_url: str | None,
    markdown_limit: int | None,
) -> None:
    """Post the saved result as one pull-request comment, edited on every run.

    The token comes from $GITHUB_TOKEN (or $GH_TOKEN) or $GITLAB_TOKEN. A comment that
    cannot be posted is reported on stderr and the command still exits 0: the gate's
    verdict is `run`'s exit code, never the comment's.
    """
    from qualitygates.api import ReportLimits, render_saved
    from qualitygates.errors import ReportError
    from qualitygates.reports.comment import LIMITS, MARKER, find_target, post_comment

    target = find_target(os.environ, provider, api_url, repo, number)
    room = (markdown_limit or LIMITS[target.provider]) - len(MARKER) - 1
    markdown = render_saved(result_file, "markdown", limits=ReportLimits(max_chars=room))
    try:
        done = post_comment(target, markdown.decode("utf-8"))
    except ReportError as exc:
        echo(f"warning: the comment was not posted: {exc}", err=True)
        return
    echo(f"comment {done} on {target.provider} #{target.number}")
