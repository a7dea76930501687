"""`mtqa server start|stop` and the reuse of Prefect's background server by later commands: the
server outlives the command that started it, a run reports to it (and is in its API afterwards)
instead of starting a temporary server, it is stopped by `mtqa server stop` or Prefect's own
`prefect server stop`, and a stale or unanswering record falls back to the temporary server."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.conftest import MTQA, SAMPLES
from tests.prefect_server import free_port

PREFECT = str(Path(sys.executable).with_name("prefect"))


@pytest.fixture
def home(tmp_path):
    """A Prefect home of its own and a free port; whatever server the test leaves is stopped."""
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_API_PORT": str(free_port())}
    env.pop("PREFECT_API_URL", None)
    env.pop("MTQA_REUSE_SERVER", None)
    yield env
    subprocess.run([MTQA, "server", "stop"], env=env, capture_output=True, timeout=60)


def command(env, *args, timeout=300):
    return subprocess.run([MTQA, *args], env=env, capture_output=True, text=True, timeout=timeout)


def recorded_pid(env) -> int:
    return int((Path(env["PREFECT_HOME"]) / "server.pid").read_text())


def clean_watching_servers(env, out: Path) -> tuple[subprocess.CompletedProcess, set[int]]:
    """`mtqa clean` on the seed article, and the ports its processes listen on meanwhile: its
    temporary API server's (a thread of the command, flows/temporary_server.py), if it has one."""
    args = [MTQA, "clean", str(SAMPLES / "ukraine-article.en.txt"), "--lang", "en", "--out", str(out)]
    run = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    servers = set()
    while run.poll() is None:
        try:
            main = psutil.Process(run.pid)
            for process in [main, *main.children(recursive=True)]:
                servers |= {c.laddr.port for c in process.net_connections("tcp") if c.status == psutil.CONN_LISTEN}
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.05)
    out_text, err_text = run.communicate()
    return subprocess.CompletedProcess(args, run.returncode, out_text, err_text), servers


def flow_runs(env) -> list[dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{env['PREFECT_SERVER_API_PORT']}/api/flow_runs/filter",
                                     data=b"{}", headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def test_a_run_reports_to_the_background_server_which_outlives_it_until_stopped(home, tmp_path):
    started = command(home, "server", "start")
    assert started.returncode == 0, started.stderr
    assert "started in the background" in started.stdout and f":{home['PREFECT_SERVER_API_PORT']}" in started.stdout
    pid = recorded_pid(home)
    assert psutil.pid_exists(pid) and psutil.Process(pid).ppid() != os.getpid()  # detached: not the test's child

    again = command(home, "server", "start")
    assert again.returncode == 0 and "already running" in again.stdout and recorded_pid(home) == pid
    # whose server it is: the Python that runs it (one server per Prefect home, whatever the checkout)
    assert f"(process {pid}, run by {psutil.Process(pid).cmdline()[0]})" in again.stdout

    result, servers = clean_watching_servers(home, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert not servers  # no temporary server among the command's processes, at any time
    assert f"Reporting to Prefect's background server at http://127.0.0.1:{home['PREFECT_SERVER_API_PORT']}" in result.stderr
    assert [r["state_type"] for r in flow_runs(home)] == ["COMPLETED"]  # the run is in the server's API after the command
    assert psutil.pid_exists(pid)

    stopped = command(home, "server", "stop")
    assert stopped.returncode == 0 and f"process {pid}" in stopped.stdout
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert not (Path(home["PREFECT_HOME"]) / "server.pid").exists()
    assert "No background server" in command(home, "server", "stop").stdout


def test_prefect_server_stop_stops_it_too(home):
    assert command(home, "server", "start").returncode == 0
    pid = recorded_pid(home)
    subprocess.run([PREFECT, "server", "stop"], env=home, capture_output=True, timeout=60, check=True)
    deadline = time.monotonic() + 15
    while psutil.pid_exists(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not psutil.pid_exists(pid)


@pytest.mark.parametrize("case", ["stale-record", "reuse-off"])
def test_without_a_usable_background_server_a_run_starts_its_temporary_one(home, tmp_path, case):
    pid_file = Path(home["PREFECT_HOME"]) / "server.pid"
    if case == "stale-record":  # a server that died leaves its record behind
        pid_file.parent.mkdir(parents=True)
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        pid_file.write_text(str(dead.pid))
    else:
        assert command(home, "server", "start").returncode == 0
        home = {**home, "MTQA_REUSE_SERVER": "0"}
    result, servers = clean_watching_servers(home, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "Reporting to" not in result.stderr
    assert len(servers) == 1 and str(servers.pop()) != home["PREFECT_SERVER_API_PORT"]  # its own temporary server
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["documents_cleaned"] == 1


def test_a_port_another_server_answers_on_is_refused_with_one_line(home, tmp_path):
    assert command(home, "server", "start").returncode == 0
    other = {**home, "PREFECT_HOME": str(tmp_path / "other-home")}
    refused = command(other, "server", "start")
    assert refused.returncode == 1
    assert refused.stderr.startswith("mtqa: error: a Prefect server not recorded in") and refused.stderr.count("\n") == 1
    assert "PREFECT_SERVER_API_PORT" in refused.stderr
    assert not (tmp_path / "other-home" / "server.pid").exists()
