"""Prefect's temporary API server, served by a thread of the command (flows/temporary_server.py):
a run against it is recorded in full in Prefect's database, as a run against Prefect's own server
is, and the server is gone with the command."""

from __future__ import annotations

import json
import math
import os
import re
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import MTQA, SAMPLES


def _first_command_env(home: Path) -> dict[str, str]:
    """A user's first command: no Prefect server configured or running, its own Prefect home."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return {**env, "PREFECT_HOME": str(home), "MTQA_REUSE_SERVER": "0"}


def test_a_run_is_recorded_in_full_in_the_temporary_servers_database(tmp_path):
    corpus = SAMPLES / "bio-mqm-sample.jsonl"
    records = sum(1 for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip())
    home = tmp_path / "home"
    done = subprocess.run([MTQA, "clean", str(corpus), "--out", str(tmp_path / "out"), "--runner", "processes",
                           "--workers", "2", "--shard-size", "20", "--no-progress"],
                          capture_output=True, text=True, timeout=600, env=_first_command_env(home))
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr  # nothing of the server's on the user's terminal

    db = sqlite3.connect(home / "prefect.db")
    flow_runs = db.execute("SELECT id, state_type FROM flow_run").fetchall()
    assert [state for _, state in flow_runs] == ["COMPLETED"], flow_runs
    flow_run = flow_runs[0][0]
    tasks = db.execute("SELECT name, state_type FROM task_run WHERE flow_run_id = ?", (flow_run,)).fetchall()
    logs = [m for (m,) in db.execute("SELECT message FROM log WHERE flow_run_id = ?", (flow_run,))]
    read = next(m for m in logs if m.startswith("Read "))
    shards = int(re.fullmatch(r"Read (\d+) records into (\d+) shards", read).group(2))
    assert read == f"Read {records} records into {math.ceil(records / 20)} shards"
    assert sorted(state for name, state in tasks if name.startswith("clean-shard")) == ["COMPLETED"] * shards, tasks
    assert sum(m.startswith("Shard ") and " cleaned " in m for m in logs) == shards, logs  # every shard's log line
    assert any(name.startswith("merge-outputs") and state == "COMPLETED" for name, state in tasks), tasks
    events = db.execute("SELECT event FROM events WHERE resource_id = ?", (f"prefect.flow-run.{flow_run}",)).fetchall()
    assert ("prefect.flow-run.Completed",) in events, events


def test_the_server_holds_its_port_from_launch_and_frees_it_when_stopped():
    """Run in a fresh interpreter, as the command runs it (the server sets its settings in the
    environment of the process that serves it)."""
    script = """
import socket, sys, urllib.request
from mtqa.flows.temporary_server import launch
server = launch()
taken = socket.socket()
try:
    taken.bind(("127.0.0.1", server.port))
    sys.exit("the port was free before the server started")
except OSError:
    pass
server.wait_until_up()
with urllib.request.urlopen(server.api_url + "/health", timeout=10) as answer:
    assert answer.status == 200 and answer.read() == b"true"
server.stop()
free = socket.socket()
# as a server binds (uvicorn does): a connection the server closed may wait out TIME_WAIT on the
# port, which this allows; a socket still listening there makes the bind fail
free.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
free.bind(("127.0.0.1", server.port))  # raises if the server still held it
free.listen()
print("ok")
"""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0 and done.stdout == "ok\n", done.stdout + done.stderr
    assert done.stderr == "", done.stderr


def test_a_database_already_migrated_by_this_prefect_is_not_migrated_again(tmp_path):
    """The first start migrates the new database and notes its revision beside it; the next starts
    skip the migrations (Alembic is not even imported) and serve as well; a start where the user
    set migrations on, a note left by another Prefect version, or a database at another revision
    migrates as Prefect does."""
    script = """
import sys, urllib.request
from mtqa.flows.temporary_server import launch
server = launch()
server.wait_until_up()
request = urllib.request.Request(server.api_url + "/flows/filter", data=b"{}", headers={"Content-Type": "application/json"})
with urllib.request.urlopen(request, timeout=10) as answer:
    assert answer.status == 200, answer.status  # the tables are there
server.stop()
print("migrated" if "alembic" in sys.modules else "skipped")
"""
    home = tmp_path / "home"
    env = {**_first_command_env(home), "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}"}

    def start(**settings: str) -> str:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env={**env, **settings})
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout.strip()

    note = home / "prefect.db.mtqa-schema"
    assert start() == "migrated"
    revision = sqlite3.connect(home / "prefect.db").execute("SELECT version_num FROM alembic_version").fetchone()[0]
    noted = json.loads(note.read_text(encoding="utf-8"))
    assert noted["revision"] == revision and noted["prefect"]
    assert start() == "skipped"
    assert start(PREFECT_SERVER_DATABASE_MIGRATE_ON_START="true") == "migrated"  # the user's setting, by its current name
    note.write_text(json.dumps({**noted, "prefect": "0.0.1"}), encoding="utf-8")  # left by another Prefect
    assert start() == "migrated"
    assert json.loads(note.read_text(encoding="utf-8")) == noted  # noted again by this one
    assert start() == "skipped"
    with sqlite3.connect(home / "prefect.db") as db:  # another revision than the one noted
        db.execute("UPDATE alembic_version SET version_num = 'elsewhere'")
    assert not _schema_current(home)


def _schema_current(home: Path) -> bool:
    from mtqa.flows.temporary_server import schema_is_noted

    return schema_is_noted(home / "prefect.db")
