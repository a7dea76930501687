"""Prefect's temporary API server, started by mtqa: early, so that it lives and dies with the command.

With no Prefect server configured, Prefect starts a temporary one on first use: a uvicorn
subprocess serving `prefect.server.api.server:create_app` (Prefect's `SubprocessASGIServer`).
Started as Prefect does it, the server is in the terminal's process group (Ctrl-C kills it
before the run can stop in order), prints its own shutdown errors to the user's terminal
("uvicorn.error - Application shutdown failed"), outlives a killed command, gives up after 20 s
on a busy machine, and starts only once the flow needs it, after the command has spent seconds
importing Prefect.

Here `launch` runs the same command Prefect runs, with the same settings (`PREFECT_UI_ENABLED=0`,
Prefect's ephemeral-server flags, the user's settings through the environment and profile the
server reads itself) and mtqa's defaults (`SERVER_DEFAULTS`), before the command imports Prefect:
the server's start-up (~5 s, mostly its own imports) overlaps the command's. It gets its own
session (signals reach it only from us), dies with its parent (`die_with_parent`), logs to a file
whose tail is shown only if it fails to start, and is stopped at exit after Prefect's log and
event workers have flushed. `wait_until_up` waits for its health endpoint as long as
`PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS` says (mtqa's default: 120 s). Nothing here
imports Prefect; flows/cleanup.py (`report_to`) gives the server's address to Prefect's settings,
so that its clients and the workers find it.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

import mtqa.flows.prefect_env  # noqa: F401  (mtqa's defaults, the start-up timeout among them)
from mtqa.flows.lifecycle import die_with_parent

TIMEOUT_SETTING = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
PORT_IN_USE = 3  # uvicorn's exit status when it cannot bind its port (Prefect retries on another, so do we)
# what Prefect's SubprocessASGIServer sets for its temporary server (prefect/server/api/server.py)
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1",
              # and one service fewer: automations (triggers and their actions) cannot be set up on a
              # server that lives for one command, and loading them is a good part of its start-up
              "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false"}
# mtqa's defaults for its server, which the user's environment overrides: no registration of block
# types at start-up. mtqa uses no blocks, and registering them imports every installed Prefect
# collection into the server (prefect-dask: Dask, distributed, tornado...), a sixth of its memory
# (measured: 201 MB USS with, 170 MB without); a server started otherwise registers them as usual.
SERVER_DEFAULTS = {"PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false", "PREFECT_API_BLOCKS_REGISTER_ON_START": "false"}


class ServerStartError(RuntimeError):
    """The temporary server did not come up; the message says which setting to raise."""


class TemporaryServer:
    """One uvicorn process serving Prefect's API on a free loopback port, tied to this process."""

    def __init__(self) -> None:
        self.log: IO[bytes] = tempfile.TemporaryFile(prefix="mtqa-prefect-server-", suffix=".log")
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.launched = time.monotonic()  # the start-up time allowed counts from here
        self._start()
        atexit.register(self.stop)  # registered before Prefect's workers: runs after they flush (atexit is LIFO)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _start(self) -> None:
        self.port = _free_port()
        command = server_command("127.0.0.1", self.port)
        tie = threading.current_thread() is threading.main_thread()  # die_with_parent is about the starting thread
        self.process = subprocess.Popen(command, env={**SERVER_DEFAULTS, **os.environ, **SERVER_ENV}, start_new_session=True,
                                        preexec_fn=die_with_parent if tie else None, stdin=subprocess.DEVNULL,
                                        stdout=self.log, stderr=subprocess.STDOUT)

    def wait_until_up(self, timeout: float | None = None) -> None:
        """Return once the server answers its health check, `timeout` seconds after its launch at
        the latest (it starts while the command does other work); else stop it and raise
        ServerStartError."""
        timeout = float(os.environ.get(TIMEOUT_SETTING, 120)) if timeout is None else timeout
        deadline = self.launched + timeout
        while True:
            if self.process.poll() == PORT_IN_USE and time.monotonic() < deadline:  # the port was taken before uvicorn bound it
                self._start()
                continue
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        self.log.seek(0)
        tail = self.log.read()[-600:].decode("utf-8", "replace").strip().replace("\n", " | ")
        exited = self.process.poll()
        self.stop()
        raise ServerStartError(
            f"Prefect's temporary API server did not start within {timeout:g} s (a busy machine?): set {TIMEOUT_SETTING} "
            f"higher, or run `prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api"
            + (f" (server log: {tail})" if tail else f" (it exited with status {exited})" if exited is not None else ""))

    def stop(self) -> None:
        """End the server (SIGTERM, then SIGKILL after 5 s, as Prefect stops its own); idempotent."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_command(host: str, port: int) -> list[str]:
    """The command Prefect runs for its own servers: uvicorn serving Prefect's application factory."""
    # prefect's package folder without importing prefect (a second or more)
    spec = importlib.util.find_spec("prefect")
    app_dir = str(Path(spec.origin).parent.parent) if spec and spec.origin else ""
    return [sys.executable, "-m", "uvicorn", "--app-dir", app_dir, "--factory", "prefect.server.api.server:create_app",
            "--host", host, "--port", str(port), "--log-level", "error", "--lifespan", "on"]


def _free_port() -> int:
    """A loopback port free now (the kernel's choice); uvicorn binds it a moment later."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch() -> TemporaryServer:
    """Start the server now and return at once; `wait_until_up` before the first use of its API."""
    return TemporaryServer()
