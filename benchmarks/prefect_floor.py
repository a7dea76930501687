"""The floor of any Prefect cleanup: a flow that does nothing, run the way `mtqa clean` runs.

    .venv/bin/python benchmarks/prefect_floor.py [processes|threads] [TASKS]

It imports Prefect and, of mtqa, only its Prefect defaults (flows/prefect_env.py), starts Prefect's temporary API server once in the parent
for the process pool (as `flows/cleanup.py:report_to` has the command do; with threads Prefect starts it
itself), turns heartbeats off (as `mtqa clean` does) and submits TASKS tasks that return their
argument, one per shard of the real run (26 for the 25,976 segments of bench_peers.py), to a task
runner with one worker per core. Whatever this costs in wall time, CPU and memory, every Prefect
flow of that shape pays before it reads a line: bench_peers.py measures it beside the real runs
(`--runs prefect-floor,prefect-floor-threads`), so the part of mtqa's figures that no change to
mtqa's own code can remove is on record.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import mtqa.flows.prefect_env  # noqa: E402, F401  (mtqa's quiet, offline Prefect defaults; it imports only os)
from prefect import flow, task  # noqa: E402
from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings  # noqa: E402
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner  # noqa: E402


def nothing(shard: int) -> int:
    return shard


nothing_task = task(nothing, name="nothing")


@flow(name="prefect-floor")
def floor_flow(tasks: int) -> int:
    return len([future.result() for future in [nothing_task.submit(i) for i in range(tasks)]])


def main() -> None:
    runner = sys.argv[1] if len(sys.argv) > 1 else "processes"
    tasks = int(sys.argv[2]) if len(sys.argv) > 2 else 26
    workers = os.cpu_count() or 1
    settings = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if runner == "processes" and not PREFECT_API_URL.value():
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()
        server.start()
        os.environ["PREFECT_API_URL"] = settings[PREFECT_API_URL] = server.api_url  # the spawned workers inherit it
    pool = ProcessPoolTaskRunner(max_workers=workers) if runner == "processes" else ThreadPoolTaskRunner(max_workers=workers)
    with temporary_settings(settings):
        done = floor_flow.with_options(task_runner=pool)(tasks)
    print(f"{done} tasks done on {runner}")


if __name__ == "__main__":
    main()
