"""Prefect's temporary API server, started by mtqa: served by a thread of the command's own process.

With no Prefect server configured, Prefect starts a temporary one on first use: a uvicorn
subprocess serving `prefect.server.api.server:create_app` (Prefect's `SubprocessASGIServer`).
That process imports Prefect again: Prefect and what it imports (pydantic, SQLAlchemy, FastAPI...)
are held twice, once by the command and once by the server, and they are most of the server's
memory (benchmarks/results/server_memory.md). Started as Prefect does it, the server is also in the
terminal's process group (Ctrl-C kills it before the run can stop in order), prints its shutdown
errors to the user's terminal, outlives a killed command and gives up after 20 s on a busy machine.

Here the same application (`create_app`, as an ephemeral server: no UI, only the services such a
server runs; mtqa switches the triggers off as well) is served by uvicorn in a thread of the
command, so Prefect is imported once; only the server's own modules are added. `launch` binds its
loopback port at once (so the address can be handed to the workers before they are forked, and no
other process can take the port meanwhile) and `wait_until_up` starts the thread, after the pool's
workers are forked (flows/pool.py: no thread may run before that fork), and waits for it as long as
`PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS` says (mtqa's default: 120 s). The price: the
server's imports now follow the command's instead of running beside them in another process.

Prefect's server brings its database up to date at every start: it imports Alembic (with Mako and
Pygments) and reads every migration script, which costs the command memory and most of a second
even when there is nothing to migrate. After a start that did migrate, mtqa notes beside the
database (`<database>.mtqa-schema`) the revision it is at once the server is up and the Prefect
version that started it; a later start with the same Prefect finding the database still at that
revision skips the migrations (the migrate-on-start setting off, for this server only). Anything
else migrates as Prefect does: another Prefect, another revision, a database that is not a SQLite
file, the setting given by the user in any of Prefect's places, or any error while deciding.

The server's log lines go to a temporary file whose tail is shown only if it fails to start. It
dies with the command, whatever ends it. It is stopped when the interpreter begins to exit,
after Prefect's log and event workers have flushed (they drain at the same point, registered after
it) and before `concurrent.futures` refuses new work: after that, the server's task queue (docket
on burner_redis, which waits through `asyncio.to_thread`) spins without yielding and the server
can neither answer nor stop. Nothing here imports Prefect at import time; flows/cleanup.py
(`report_to`) gives the server's address to Prefect's settings, so that its clients and the
workers find it.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures.thread  # noqa: F401  (registers its exit hook before ours: see the module's docstring)
import contextlib
import importlib.util
import json
import logging
import os
import socket
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

import mtqa.flows.prefect_env  # noqa: F401  (mtqa's defaults, the start-up timeout among them)
from mtqa.files import atomic_writer

TIMEOUT_SETTING = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
# one service fewer than Prefect's ephemeral server runs: automations (triggers and their actions)
# cannot be set up on a server that lives for one command, and loading them is a good part of its start-up
SERVER_ENV = {"PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false"}
# mtqa's defaults for its server, which the user's environment overrides: no registration of block
# types at start-up. mtqa uses no blocks, and registering them imports every installed Prefect
# collection into the server (prefect-dask: Dask, distributed, tornado...), a sixth of its memory
# (measured: 201 MB USS with, 170 MB without); a server started otherwise registers them as usual.
SERVER_DEFAULTS = {"PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false", "PREFECT_API_BLOCKS_REGISTER_ON_START": "false"}
# the loggers of the server's side, whose lines go to the server's log instead of the terminal
SERVER_LOGGERS = ("uvicorn", "prefect.server", "docket")
SCHEMA_NOTE_SUFFIX = ".mtqa-schema"  # beside the database: the revision a start migrated it to, and by which Prefect
STOP_SECONDS = 5.0  # for the server to finish its requests and stop its services


class ServerStartError(RuntimeError):
    """The temporary server did not come up; the message says which setting to raise."""


class TemporaryServer:
    """Prefect's API served on a loopback port by a thread of this process."""

    def __init__(self) -> None:
        self.log: IO[bytes] = tempfile.TemporaryFile(prefix="mtqa-prefect-server-", suffix=".log")
        self.launched = time.monotonic()  # the start-up time allowed counts from here
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # as uvicorn binds its own: the connections it closed (TIME_WAIT) do not keep the port from
        # a new server once this one has stopped
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))  # a port the kernel chose, held from now on
        self._socket.listen(2048)  # connections wait in the backlog until the server is up
        self.port = self._socket.getsockname()[1]
        self._server = None  # the uvicorn.Server, once the thread has made it
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._database_to_note: Path | None = None  # the SQLite file this server migrates at its start
        for key, value in SERVER_DEFAULTS.items():  # read by the server's settings, here as in any process
            os.environ.setdefault(key, value)
        os.environ.update(SERVER_ENV)
        threading._register_atexit(self.stop)  # type: ignore[attr-defined]  # the module's docstring says why
        atexit.register(self.stop)  # a stop at exit that came too late for the above (idempotent)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def wait_until_up(self, timeout: float | None = None) -> None:
        """Start the server (once) and return when it answers, `timeout` seconds after its launch at
        the latest (the command did other work meanwhile); else stop it and raise ServerStartError."""
        timeout = float(os.environ.get(TIMEOUT_SETTING, 120)) if timeout is None else timeout
        deadline = self.launched + timeout
        if self._thread is None and time.monotonic() < deadline:
            self._thread = threading.Thread(target=self._serve, name="mtqa-prefect-server", daemon=True)
            self._thread.start()
        while not (self._server is not None and self._server.started):
            if self._thread is None or not self._thread.is_alive() or time.monotonic() >= deadline:
                self.stop()
                raise ServerStartError(self._failure_message(timeout))
            time.sleep(0.02)
        if self._database_to_note is not None:
            note_schema(self._database_to_note)
            self._database_to_note = None

    def _serve(self) -> None:
        """The server thread: Prefect's application, served on the socket bound at launch."""
        try:
            from prefect.settings import PREFECT_API_DATABASE_MIGRATE_ON_START, temporary_settings

            skip = self._migrations_skippable()
            migrations_off = temporary_settings({PREFECT_API_DATABASE_MIGRATE_ON_START: False}) if skip else contextlib.nullcontext()
            with migrations_off:  # this thread's settings: what the server reads at its start
                self._serve_app()
        except BaseException as exc:  # noqa: BLE001  (uvicorn ends a failed start with SystemExit)
            self._failure = exc

    def _migrations_skippable(self) -> bool:
        """Whether this start may skip Prefect's migrations (the module's docstring); if not, and it
        migrates a SQLite file, that file is noted once the server is up."""
        from prefect.settings import get_current_settings

        try:
            settings = get_current_settings().server.database
            if not settings.migrate_on_start:
                return False  # the user's choice: nothing to skip, nothing to note
            database = sqlite_database(settings.connection_url)
            if database is None:
                return False
            if "migrate_on_start" not in settings.model_fields_set and schema_is_noted(database):
                return True
        except Exception:  # noqa: BLE001  (deciding is an optimisation: when in doubt, migrate)
            return False
        self._database_to_note = database
        return False

    def _serve_app(self) -> None:
        """Serve Prefect's application on the socket bound at launch, until `stop`."""
        import uvicorn
        from prefect.server.api.server import create_app

        app = create_app(ephemeral=True, final=True)  # what Prefect's temporary server serves
        handler = logging.StreamHandler(open(self.log.fileno(), "w", encoding="utf-8", closefd=False))
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s - %(message)s"))
        for name in SERVER_LOGGERS:
            server_logger = logging.getLogger(name)
            server_logger.handlers, server_logger.propagate = [handler], False
        server = uvicorn.Server(uvicorn.Config(app, log_config=None, log_level="error", lifespan="on"))
        if self._socket.fileno() < 0:  # stopped while this thread was importing
            return
        self._server = server
        asyncio.run(server.serve(sockets=[self._socket]))

    def _failure_message(self, timeout: float) -> str:
        self.log.seek(0)
        tail = self.log.read()[-600:].decode("utf-8", "replace").strip().replace("\n", " | ")
        if not tail and self._failure is not None and not isinstance(self._failure, SystemExit):
            tail = f"{type(self._failure).__name__}: {self._failure}"
        return (f"Prefect's temporary API server did not start within {timeout:g} s (a busy machine?): set {TIMEOUT_SETTING} "
                f"higher, or run `prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api"
                + (f" (server log: {tail})" if tail else ""))

    def stop(self) -> None:
        """Stop serving: the server finishes its requests and stops its services, for up to
        STOP_SECONDS; then the port is closed. Idempotent."""
        server, self._server = self._server, None
        if server is not None and self._thread is not None and self._thread.is_alive():
            server.should_exit = True
            self._thread.join(STOP_SECONDS)
            if self._thread.is_alive():
                server.force_exit = True
                self._thread.join(1)
        self._socket.close()


def sqlite_database(connection_url: object) -> Path | None:
    """The SQLite file of a database URL (Prefect's connection URL setting), read as SQLAlchemy
    reads it, or None for any other database (PostgreSQL, SQLite in memory)."""
    from sqlalchemy.engine.url import make_url

    url = connection_url.get_secret_value() if hasattr(connection_url, "get_secret_value") else connection_url
    if not url:
        return None
    parsed = make_url(str(url))
    if not parsed.drivername.startswith("sqlite") or not parsed.database or ":memory:" in parsed.database \
            or parsed.database.startswith("file:") or parsed.query.get("mode") == "memory":
        return None
    return Path(parsed.database).resolve()


def schema_revision(database: Path) -> str | None:
    """The Alembic revision the database is at (its `alembic_version` table), read-only; None if
    there is no such file or table."""
    try:
        if not database.is_file():
            return None
        with contextlib.closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True, timeout=5)) as db:
            rows = db.execute("SELECT version_num FROM alembic_version").fetchall()
    except (OSError, sqlite3.Error):
        return None
    return rows[0][0] if len(rows) == 1 else None


def _schema_note(database: Path) -> Path:
    return database.with_name(database.name + SCHEMA_NOTE_SUFFIX)


def _prefect_version() -> str:
    import prefect

    return prefect.__version__


def note_schema(database: Path) -> None:
    """After a start that migrated `database`: note the revision it is at, for this Prefect."""
    revision = schema_revision(database)
    if revision is None:
        return
    try:  # a note not written is only a migration not skipped next time
        with atomic_writer(_schema_note(database)) as stream:  # whole or not at all: another command may read it meanwhile
            stream.write(json.dumps({"prefect": _prefect_version(), "revision": revision}))
    except OSError:
        pass


def schema_is_noted(database: Path) -> bool:
    """Whether a start with this Prefect migrated `database` to the revision it is still at."""
    try:
        noted = json.loads(_schema_note(database).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(noted, dict) and noted.get("prefect") == _prefect_version()
            and noted.get("revision") is not None and noted.get("revision") == schema_revision(database))


def server_command(host: str, port: int) -> list[str]:
    """The command Prefect runs for its own servers: uvicorn serving Prefect's application factory."""
    # prefect's package folder without importing prefect (a second or more)
    spec = importlib.util.find_spec("prefect")
    app_dir = str(Path(spec.origin).parent.parent) if spec and spec.origin else ""
    return [sys.executable, "-m", "uvicorn", "--app-dir", app_dir, "--factory", "prefect.server.api.server:create_app",
            "--host", host, "--port", str(port), "--log-level", "error", "--lifespan", "on"]


def launch() -> TemporaryServer:
    """Take the server's port now and return at once; `wait_until_up` starts it, before the first
    use of its API and after the workers are forked."""
    return TemporaryServer()
