"""`mtqa server start|stop`: Prefect's server in the background, for its UI and for quick checks.

With it running, mtqa commands report to it instead of starting a temporary server each
(flows/background_server.py): a one-file check no longer waits for a server's start-up, and the
runs stay in the UI (http://127.0.0.1:4200 by default) after the command.
"""

from __future__ import annotations

import click

from mtqa.flows.cli_group import FatalError, main


@main.group()
def server() -> None:
    """Prefect's server in the background: its UI, and no start-up wait for each command."""


@server.command("start")
def server_start() -> None:
    """Start Prefect's server (API and UI) in the background, unless it is running.

    mtqa commands then report to it (set MTQA_REUSE_SERVER=0 to keep them on a temporary server of
    their own); `mtqa server stop` or `prefect server stop` stops it. It listens where Prefect's
    settings say (PREFECT_SERVER_API_HOST, PREFECT_SERVER_API_PORT; 127.0.0.1:4200 by default) and
    logs to $PREFECT_HOME/server.log.
    """
    from mtqa.flows.background_server import BackgroundServerError, start_background_server

    try:
        running, started = start_background_server()
    except (BackgroundServerError, OSError) as exc:
        raise FatalError(str(exc)) from None
    ui = running.api_url.removesuffix("/api")
    state = "started" if started else "already running"
    click.echo(f"Prefect's server {state} in the background ({running.process}): UI {ui}; "
               "mtqa commands report to it; `mtqa server stop` stops it.")


@server.command("stop")
def server_stop() -> None:
    """Stop the background server `mtqa server start` (or `prefect server start --background`) started."""
    from mtqa.flows.background_server import stop_background_server

    pid = stop_background_server()
    click.echo(f"Stopped Prefect's background server (process {pid})." if pid else "No background server was running.")
