"""The `mtqa` command group and its one-line fatal error, which every command module shares.

The commands register on `main` from their own modules: flows/cli.py (clean, run, serve, score,
rules) and flows/cli_revision.py (review, apply, revert, learn); flows/cli.py imports both, and
the console script is `mtqa.flows.cli:main`. Neither command module imports the other.
"""

from __future__ import annotations

import click


class FatalError(click.ClickException):
    """Shown as one line, 'mtqa: error: ...', exit status 1."""

    def show(self, file=None) -> None:  # noqa: D102
        click.echo(f"mtqa: error: {self.message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="mtqa", prog_name="mtqa")
def main() -> None:
    """mtqa: find and fix machine-translation artifacts in a corpus."""
