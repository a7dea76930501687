"""Quiet, offline Prefect defaults for a command-line tool; import before `prefect`.

Users can still override each one in their environment. Telemetry is off because the machine may
have no network (Prefect logs an error offline); console logs are kept to warnings so the
terminal shows mtqa's progress, while Prefect's own log store keeps everything. The temporary
server gets longer to start than Prefect's 20 s, which a busy machine exceeds.
"""

import os

for key, value in {
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    # Prefect's 20 s is too short on a loaded machine (8 of 8 runs failed beside two CPU-bound jobs)
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}.items():
    os.environ.setdefault(key, value)
