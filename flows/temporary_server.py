"""Prefect's temporary API server, started by mtqa so that it lives and dies with the command.

With no Prefect server configured, Prefect starts a temporary one (a uvicorn subprocess) on first
use. Started as Prefect does it, the server is in the terminal's process group (Ctrl-C kills it
before the run can stop in order), prints its own shutdown errors to the user's terminal
("uvicorn.error - Application shutdown failed"), outlives a killed command, and gives up after 20 s
on a busy machine. Here it gets its own session (signals reach it only from us), dies with its
parent (`die_with_parent`), logs to a file whose tail is shown only if it fails to start, and
waits as long as `PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS` says (mtqa's default: 120 s).
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from typing import Any

import mtqa.flows.prefect_env  # noqa: F401  (mtqa's defaults, the start-up timeout among them)
import prefect.server.api.server as server_module
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

from mtqa.flows.lifecycle import die_with_parent

TIMEOUT_SETTING = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"


class ServerStartError(RuntimeError):
    """The temporary server did not come up; the message says which setting to raise."""


class _OwnSessionPopen:
    """`subprocess` as Prefect's server module sees it while we start the server: Popen starts the
    child in a session of its own, tied to its parent's life, its output in `log`."""

    def __init__(self, log: Any, tie_to_parent: bool) -> None:
        self._log, self._tie = log, tie_to_parent

    def Popen(self, *args: Any, **kwargs: Any) -> subprocess.Popen:  # noqa: N802  (the name Prefect calls)
        return subprocess.Popen(*args, start_new_session=True, preexec_fn=die_with_parent if self._tie else None,
                                stdout=self._log, stderr=subprocess.STDOUT, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(subprocess, name)


class TemporaryServer(SubprocessASGIServer):
    """Prefect's temporary server, started in its own session and tied to this process."""

    def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
        real = server_module.subprocess
        server_module.subprocess = _OwnSessionPopen(self.log, threading.current_thread() is threading.main_thread())
        try:
            return super()._run_uvicorn_command()
        finally:
            server_module.subprocess = real


def start_temporary_server() -> TemporaryServer:
    """Start the server (stopped at exit, as Prefect registers it) or fail with one clear message."""
    timeout = PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
    server = TemporaryServer()  # Prefect keeps one instance per port: this one, unless it started its own
    if type(server) is not TemporaryServer:
        server.start(timeout=timeout)
        return server
    server.log = tempfile.TemporaryFile(prefix="mtqa-prefect-server-", suffix=".log")
    try:
        server.start(timeout=timeout)
    except Exception as exc:  # noqa: BLE001  (Prefect raises RuntimeError or httpx errors)
        server.log.seek(0)
        tail = server.log.read()[-600:].decode("utf-8", "replace").strip().replace("\n", " | ")
        server.stop()
        raise ServerStartError(
            f"Prefect's temporary API server did not start within {timeout:g} s (a busy machine?): set {TIMEOUT_SETTING} "
            f"higher, or run `prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api"
            + (f" (server log: {tail})" if tail else f" ({type(exc).__name__}: {exc})")) from exc
    return server
