"""Reading the user's data files (rule packs, allow lists, glossaries): one wording for what goes wrong.

Each is user input: a file that cannot be read, is not UTF-8 or is not YAML stops the run with an
error naming the file (and the line, for YAML), raised as the caller's own error class.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from pathlib import Path
from typing import Any

import platformdirs
import yaml

from mtqa.files import atomic_writer


def read_data_file(path: str | Path, what: str, error: type[Exception], encoding: str = "utf-8") -> tuple[str, bytes]:
    """The file's text and its bytes (whose hash goes into the run signature)."""
    try:
        raw = Path(path).read_bytes()
        return raw.decode(encoding), raw
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path}: {what} is not valid UTF-8 (byte {exc.start})") from exc


# libyaml's parser under PyYAML's safe constructors: the same documents and errors as
# `yaml.safe_load`, parsed in C (the bundled rule packs are read at every start)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, path: str | Path, error: type[Exception]) -> Any:
    """`yaml.safe_load` (through libyaml when PyYAML has it), with the line of a syntax error in the message."""
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise error(f"{path}: {where}invalid YAML: {getattr(exc, 'problem', exc)}") from exc


def safe_load(text: str) -> Any:
    """`yaml.safe_load` of a file shipped with mtqa, through libyaml when PyYAML has it (several
    are read at every start; PyYAML's pure-Python parser takes several times as long)."""
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)


def parsed_once(raw: bytes, parse: Any) -> Any:
    """`parse(raw)`, remembered across runs in the user's cache folder: the lexicons are read at
    every start, and building their objects from YAML, even parsed in C, costs a one-file check
    a good part of a second, where reading back the same data takes milliseconds. The saved copy
    is named after the bytes, PyYAML's version and this Python's, so that a changed file or
    library never reads an old one; data marshal cannot hold, or a folder that cannot be written,
    is simply parsed each time."""
    key = hashlib.sha256(raw + f"|{yaml.__version__}|{sys.implementation.cache_tag}".encode()).hexdigest()[:32]
    path = _cache_folder() / f"{key}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    data = parse(raw)
    try:
        blob = marshal.dumps(data)
        with atomic_writer(path, "wb") as stream:  # whole or not at all: another process may read it meanwhile
            stream.write(blob)
    except (OSError, ValueError):
        pass
    return data


def passed_before(raw: bytes, check: str) -> bool:
    """Whether these bytes passed `check` in an earlier run (`note_passed`): a rule pack whose
    patterns all compiled once need not compile every one of them at each start, only those the
    run uses. `check` names what the check was made with (library versions, the checking code),
    so that any change there checks again."""
    return _passed_path(raw, check).exists()


def note_passed(raw: bytes, check: str) -> None:
    """Remember that `raw` passed `check`; a folder that cannot be written only means checking again."""
    try:
        with atomic_writer(_passed_path(raw, check), "wb"):
            pass
    except OSError:
        pass


def _passed_path(raw: bytes, check: str) -> Path:
    key = hashlib.sha256(raw + f"|{check}|{sys.implementation.cache_tag}".encode()).hexdigest()[:32]
    return _cache_folder() / f"{key}.passed"


def _cache_folder() -> Path:
    return Path(platformdirs.user_cache_dir("mtqa", appauthor=False)) / "parsed"
