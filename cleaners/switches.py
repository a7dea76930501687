"""Which checks a run uses: the ones off by default (data/detectors.yaml, each with the measured
reason) and the run's `--enable-rule` / `--disable-rule`. Every kind of check asks `skipped`,
so a rule id is turned on or off the same way whatever code runs it (cleaners/checks.py lists them).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from mtqa.cleaners.datafiles import safe_load


def _data_file(name: str) -> str | None:
    """A file of cleaners/data/ as text (read through importlib.resources: it works from a wheel),
    or None if it is not there."""
    path = resources.files("mtqa.cleaners") / "data" / name
    return path.read_text(encoding="utf-8") if path.is_file() else None


@lru_cache(maxsize=1)
def default_off() -> dict[str, str]:
    """Checks that run only when enabled, each with the measured reason (data/detectors.yaml)."""
    return dict(safe_load(_data_file("detectors.yaml"))["default_off"] or {})


@lru_cache(maxsize=64)
def skipped(enable: tuple[str, ...] = (), disable: tuple[str, ...] = ()) -> frozenset[str]:
    """The rule ids a run does not report: the default-off ones not in `enable`, and those in
    `disable` (ids, as CleanConfig holds them). Every kind of check asks this one function."""
    return frozenset((set(default_off()) - set(enable)) | set(disable))
