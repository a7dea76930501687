"""prefect.yaml as a user deploys it: `prefect deploy --all` to a running server, then one
deployment run by a process worker. The flows take a CleanConfig (a dataclass Prefect validates),
so a deployment's `config: {lang: en}` is checked when it is deployed and arrives as a CleanConfig."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

from tests.conftest import ROOT, SAMPLES
from tests.prefect_server import prefect_server, stop_group

PREFECT = str(Path(sys.executable).with_name("prefect"))


def _prefect(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    done = subprocess.run([PREFECT, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _flow_run_state(api: str, run_id: str) -> str:
    with urllib.request.urlopen(f"{api}/flow_runs/{run_id}", timeout=10) as response:
        return json.load(response)["state_type"]


def test_every_deployment_deploys_and_one_runs_on_a_worker(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    out = tmp_path / "out"
    names = [d["name"] for d in yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]]
    assert {"nightly", "manual-cleanup"} <= set(names)
    with open(tmp_path / "server.log", "w", encoding="utf-8") as log, prefect_server(home, log=log) as (api, _):
        env = {**os.environ, "PREFECT_API_URL": api, "PREFECT_HOME": str(home), "PREFECT_CLI_PROMPT": "false",
               "MTQA_REPO": str(ROOT), "MTQA_INPUT": str(SAMPLES / "ukraine-article.en.txt"), "MTQA_OUT": str(out)}
        _prefect(env, "work-pool", "create", "mtqa", "--type", "process")
        deployed = _prefect(env, "deploy", "--all")
        for name in names:  # each deployment is on the server, with its parameters validated
            assert f"mtqa-run/{name}" in deployed.stdout, deployed.stdout
            _prefect(env, "deployment", "inspect", f"mtqa-run/{name}")
        started = _prefect(env, "deployment", "run", "mtqa-run/manual-cleanup")
        run_id = re.search(r"UUID: ([0-9a-f-]{36})", started.stdout).group(1)
        worker_log = open(tmp_path / "worker.log", "w", encoding="utf-8")
        worker = subprocess.Popen([PREFECT, "worker", "start", "--pool", "mtqa"], env=env, cwd=tmp_path,
                                  stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline, state = time.monotonic() + 600, "SCHEDULED"
            while state not in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") and time.monotonic() < deadline:
                time.sleep(1)
                state = _flow_run_state(api, run_id)
        finally:
            stop_group(worker)
            worker_log.close()
        assert state == "COMPLETED", (tmp_path / "worker.log").read_text(encoding="utf-8")[-3000:]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["documents_cleaned"] == 1 and summary["findings"] > 0
    assert (out / "report.html").is_file()
