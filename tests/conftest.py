"""Test settings: Prefect runs against a throw-away home, quietly and offline."""

import atexit
import os
import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import pytest

_PREFECT_HOME = tempfile.mkdtemp(prefix="mtqa-test-prefect-")
atexit.register(shutil.rmtree, _PREFECT_HOME, ignore_errors=True)
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"
MTQA = str(Path(sys.executable).with_name("mtqa"))
_COMMANDS_SERVER = ExitStack()
atexit.register(_COMMANDS_SERVER.close)  # before the home is removed: atexit runs last-registered first
_commands_api: str | None = None
_commands_failure: str | None = None


def commands_env() -> dict[str, str]:
    """The environment for the `mtqa` commands a test runs: they all report to one Prefect server,
    started on first use (a few seconds, once), instead of each starting Prefect's temporary one
    (5-10 s a command). The default path, no server configured, keeps its own tests: those run
    their commands with `os.environ` as it is. If the server does not come up, every test that
    needs it fails at once, pointing to its log."""
    global _commands_api, _commands_failure
    if _commands_failure:
        pytest.fail(_commands_failure)
    if _commands_api is None:
        from tests.prefect_server import prefect_server

        home = Path(_PREFECT_HOME) / "server"
        home.mkdir(exist_ok=True)
        log = _COMMANDS_SERVER.enter_context(open(home / "server.log", "w", encoding="utf-8"))
        try:
            _commands_api, _ = _COMMANDS_SERVER.enter_context(prefect_server(home, "--no-services", log=log))
        except AssertionError as exc:
            log.flush()
            _commands_failure = f"{exc}; its log:\n{(home / 'server.log').read_text(encoding='utf-8')[-2000:]}"
            pytest.fail(_commands_failure)
    return {**os.environ, "PREFECT_API_URL": _commands_api}


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the flow tests of the session (~7 s once)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    # a loaded machine (the CI, shared cores) can take longer than the default 30 s to start the server
    with prefect_test_harness(server_startup_timeout=120), temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
