"""A running Prefect server (`prefect server start`) for the tests and benchmarks that need one."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

PREFECT = str(Path(sys.executable).with_name("prefect"))
_PR_SET_PDEATHSIG = 1  # prctl(2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(api: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the Prefect server at {api} did not come up in {seconds:.0f} s")


@contextmanager
def prefect_server(home: Path, *options: str, log: IO | None = None, ui: bool = False) -> Iterator[tuple[str, subprocess.Popen]]:
    """A local server on a free port with its database in `home`, UI off unless `ui` (plus
    `options`, such as "--no-services"); its API address and process, stopped after (its whole
    process group, so nothing is left behind)."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    env.pop("PREFECT_API_URL", None)
    if ui:  # the UI calls the API at the address it is given, by default port 4200's
        env["PREFECT_UI_API_URL"] = api
    server = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port), *([] if ui else ["--no-ui"]), *options],
                              env=env, start_new_session=True, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
                              preexec_fn=_ends_with_parent)
    try:
        wait_healthy(api, 120)
        yield api, server
    finally:
        stop_group(server)


def _ends_with_parent() -> None:
    """In the child: SIGTERM when the process that started the server dies, however it dies (a
    killed test run or benchmark would otherwise leave the server running, port and memory held)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM to the process group a `start_new_session` child leads; SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
