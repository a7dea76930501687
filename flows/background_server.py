"""Prefect's background server, reused when one is up: a one-file check then waits for no server.

`mtqa server start` starts Prefect's server (API and UI) in the background, the way
`prefect server start --background` does, and records its process where that does,
`$PREFECT_HOME/server.pid`, so that `prefect server stop` stops it as well as `mtqa server stop`.
Unlike Prefect's (3.9.1), whose server died here within seconds of its command returning (its
output goes to pipes nobody reads after that), it runs in its own session, its output in `$PREFECT_HOME/server.log`,
and the command returns once the server answers. When no Prefect server is configured (no PREFECT_API_URL), an mtqa command reports to that server if it is running, instead
of starting a temporary one of its own (flows/temporary_server.py), whose start-up is most of
what a one-file check waits for. The runs then stay in the server's UI after the command; mtqa
never stops a server it did not start. `MTQA_REUSE_SERVER=0` turns the reuse off.

Only the server recorded in this user's Prefect home is reused, at the address Prefect's settings
give it (PREFECT_SERVER_API_HOST and PREFECT_SERVER_API_PORT in the environment, else Prefect's
defaults): not any server found on a port, which may be someone else's. Nothing here imports
Prefect (a second or more of start-up).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from mtqa.files import atomic_writer
from mtqa.flows.temporary_server import TIMEOUT_SETTING, server_command

REUSE_SETTING = "MTQA_REUSE_SERVER"
PID_FILE = "server.pid"  # prefect.cli._server_utils.SERVER_PID_FILE_NAME
LOG_FILE = "server.log"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 4200  # Prefect's server.api.host and server.api.port defaults
WAIT_SECONDS = 10.0  # for a background server that is still starting (its process is up, its API not yet)


@dataclass
class BackgroundServer:
    """A running Prefect server this command reports to and leaves running."""

    api_url: str
    pid: int

    def wait_until_up(self, timeout: float | None = None) -> None:
        """It answered already (`find_background_server`)."""

    def stop(self) -> None:
        """Not ours to stop: `prefect server stop` does."""

    @property
    def note(self) -> str:
        return (f"Reporting to Prefect's background server at {self.api_url.removesuffix('/api')} ({self.process}); "
                "its UI keeps the run; `mtqa server stop` stops it.")

    @property
    def process(self) -> str:
        """'process N', with the Python that runs it where the system says (Linux): the server is
        one per Prefect home, so a second checkout or venv finds the first one's, and its user
        should see whose it is before `mtqa server stop` stops it for both."""
        return f"process {self.pid}" + (f", run by {python}" if (python := _interpreter(self.pid)) else "")


def _interpreter(pid: int) -> str | None:
    """The program a process runs (its command line's first word), or None where /proc cannot tell."""
    try:
        first = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0", 1)[0]
    except OSError:
        return None
    return os.fsdecode(first) or None


class BackgroundServerError(RuntimeError):
    """The background server could not be started or stopped; the message says why and what to do."""


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def api_address() -> tuple[str, int]:
    """Where the background server listens: Prefect's settings in the environment, else its defaults."""
    host = os.environ.get("PREFECT_SERVER_API_HOST") or DEFAULT_HOST
    try:
        port = int(os.environ.get("PREFECT_SERVER_API_PORT") or DEFAULT_PORT)
    except ValueError:
        raise BackgroundServerError(f"PREFECT_SERVER_API_PORT={os.environ['PREFECT_SERVER_API_PORT']!r} is not a port number") from None
    return host, port


def _api_url(host: str, port: int) -> str:
    """The API's address as a client reaches it: a server listening everywhere, on loopback."""
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/api"


def _recorded_pid(home: Path) -> int | None:
    """The process the PID file names, if it is alive (a stale file stays behind a server that died)."""
    try:
        pid = int((home / PID_FILE).read_text(encoding="ascii").strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def find_background_server(wait: float = WAIT_SECONDS) -> BackgroundServer | None:
    """Prefect's background server of this user's Prefect home, if its process is alive and its API
    answers (within `wait` seconds, for one that is still starting); else None."""
    if os.environ.get(REUSE_SETTING, "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    home = prefect_home()
    pid = _recorded_pid(home)
    if pid is None:
        return None
    try:
        host, port = api_address()
    except BackgroundServerError:
        return None
    api_url = _api_url(host, port)
    deadline = time.monotonic() + wait
    while not _healthy(api_url):
        if time.monotonic() >= deadline:
            print(f"mtqa: Prefect's background server (process {pid}, {home / PID_FILE}) does not answer at {api_url}; "
                  "starting a temporary server instead", file=sys.stderr)
            return None
        time.sleep(0.1)
    return BackgroundServer(api_url, pid)


def start_background_server() -> tuple[BackgroundServer, bool]:
    """Start Prefect's server in the background, or find the one running; returns it and whether
    it was started now. Returns once its API answers (PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    as for the temporary server); raises BackgroundServerError, with its log's tail, if it does not."""
    running = find_background_server(wait=0)
    if running is not None:
        return running, False
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    if _recorded_pid(home) is not None:
        raise BackgroundServerError(f"the server recorded in {home / PID_FILE} is running but does not answer: "
                                    "stop it with `mtqa server stop`, then start it again")
    host, port = api_address()
    api_url = _api_url(host, port)
    if _healthy(api_url):  # someone else's server: ours could not bind, and its answers would be mistaken for ours
        raise BackgroundServerError(f"a Prefect server not recorded in {home / PID_FILE} already answers at {api_url}: "
                                    "set PREFECT_API_URL to report to it, or PREFECT_SERVER_API_PORT to start another")
    log_path = home / LOG_FILE
    with open(log_path, "ab") as log:
        process = subprocess.Popen(server_command(host, port), env={**os.environ, "PREFECT__SERVER_FINAL": "1"},
                                   start_new_session=True, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    with atomic_writer(home / PID_FILE) as record:
        record.write(f"{process.pid}")
    deadline = time.monotonic() + float(os.environ.get(TIMEOUT_SETTING, 120))
    while process.poll() is not None or not _healthy(api_url):
        if process.poll() is not None or time.monotonic() >= deadline:
            process.kill()
            process.wait()
            (home / PID_FILE).unlink(missing_ok=True)
            tail = log_path.read_bytes()[-600:].decode("utf-8", "replace").strip().replace("\n", " | ")
            raise BackgroundServerError(f"Prefect's server did not start at {api_url} (port {port} taken? set "
                                        f"PREFECT_SERVER_API_PORT); its log {log_path}: {tail or 'empty'}")
        time.sleep(0.1)
    return BackgroundServer(api_url, process.pid), True


def stop_background_server() -> int | None:
    """Stop the background server recorded in this user's Prefect home (SIGTERM, then SIGKILL after
    10 s) and remove its PID file; returns its process ID, or None if none was running."""
    home = prefect_home()
    pid = _recorded_pid(home)
    if pid is not None:
        _terminate(pid)
    (home / PID_FILE).unlink(missing_ok=True)
    return pid


def _terminate(pid: int, grace: float = 10.0) -> None:
    """SIGTERM (uvicorn then shuts down in order), SIGKILL if it is still there after `grace` s."""
    for signum in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"true"
    except (urllib.error.URLError, OSError, ValueError):
        return False
