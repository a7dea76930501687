"""The `mtqa` command group and its one-line fatal error, which every command module shares.

Both also share the output folder's lock (`output_locked`, `locks_output`): one writer per folder.
The commands register on `main` from their own modules: flows/cli.py (clean, run, serve, score,
rules) and flows/cli_revision.py (review, apply, revert, learn) and flows/cli_server.py (server start|stop);
flows/cli.py imports them, and
the console script is `mtqa.flows.cli:main`. Neither command module imports the other.
"""

from __future__ import annotations

import functools
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click


class FatalError(click.ClickException):
    """Shown as one line, 'mtqa: error: ...', exit status 1."""

    def show(self, file=None) -> None:  # noqa: D102
        click.echo(f"mtqa: error: {self.message}", err=True)


class _OneLineErrors(click.Group):
    """The `mtqa` group, whose usage errors (a bad option value, a missing argument) are one line,
    `mtqa: error: ...` with the command's --help to read, like every other fatal problem, instead of
    click's three lines of usage, hint and error; the exit status stays click's 2 for a usage error."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # noqa: D102
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            status = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            where = f"; see '{exc.ctx.command_path} --help'" if exc.ctx is not None else ""
            click.echo(f"mtqa: error: {exc.format_message().rstrip('.')}{where}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(status if isinstance(status, int) else 0)


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="mtqa", prog_name="mtqa")
def main() -> None:
    """mtqa: find and fix machine-translation artifacts in a corpus."""
    from mtqa.limits import INVALID

    if INVALID:  # a memory setting of the environment (mtqa/limits.py)
        raise FatalError(INVALID[0])


@contextmanager
def output_locked(out: Path):
    """Hold the output folder's lock (corpora/lock.py) for the block; another writer is one line."""
    from mtqa.corpora.lock import OutputLocked, output_lock

    with ExitStack() as stack:
        try:
            stack.enter_context(output_lock(out))
        except OutputLocked as exc:
            raise FatalError(str(exc)) from None
        except OSError as exc:
            raise FatalError(f"{out}: cannot lock the output folder: {exc.strerror or exc}") from None
        yield


def locks_output(parameter: str):
    """A command that writes into the folder its argument `parameter` names holds that folder's lock
    while it runs: `mtqa review`, `apply` and `revert` write beside a run's outputs."""
    def decorate(command):
        @functools.wraps(command)
        def locked(**kwargs):
            with output_locked(Path(kwargs[parameter])):
                return command(**kwargs)
        return locked
    return decorate
