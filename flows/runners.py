"""The task runners a run can use, by name: one list for the command line's choices and for
flows/cleanup.py, which builds them. Kept apart so the command line can check `--runner` before
it imports Prefect (a second or more of start-up)."""

RUNNERS = ("auto", "threads", "processes", "dask")
