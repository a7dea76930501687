"""Orchestration: the Prefect flows, the plain shard functions they run, and the `mtqa` CLI."""
