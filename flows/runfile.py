"""A run file (`mtqa.toml`): the settings of a run kept in a file, for scheduled runs and for
sharing one configuration, with the names CleanConfig's fields have (cleaners/config.py):

    # mtqa.toml
    lang = "en"
    source_lang = "fr"
    disable_rules = ["qa.urls", "duplicate.*"]
    drop_duplicates = true
    max_text_chars = 200000
    rules = ["house.yaml"]        # extra rule packs, as --rules (paths from the file's folder)
    allow = ["house.allow.yaml"]  # allow lists, as --allow
    runner = "processes"          # and the other options of `mtqa run`, by their long name

`--config mtqa.toml` reads it before the other options, as their defaults: an option given on the
command line wins. Its name and SHA-256 go into the run signature (cleaners/signature.py).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import click

# keys of the file whose option is spelt differently on the command line -> the option's dest
_ALIASES = {"rules": "extra_packs", "allow": "allow_lists", "format": "input_format"}
_PATHS = {"extra_packs", "allow_lists", "terms"}  # read from the file's folder
_NOT_FROM_FILE = {"input_path", "out_dir", "run_file", "help"}


class RunFileError(click.ClickException):
    def show(self, file=None) -> None:  # noqa: D102
        click.echo(f"mtqa: error: {self.message}", err=True)


def load_run_file(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The `--config` callback: the file's settings become the defaults of the command's options."""
    if value is None:
        return None
    path = Path(value)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RunFileError(f"{path}: cannot read the run file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RunFileError(f"{path}: not valid TOML: {exc}") from exc
    options = {p.name: p for p in ctx.command.params if p.name not in _NOT_FROM_FILE}
    defaults: dict[str, Any] = {}
    for key, setting in data.items():
        name = _ALIASES.get(key, key)
        if name not in options:
            raise RunFileError(f"{path}: unknown setting {key!r}: use the name of a CleanConfig field or of an option "
                               f"of `mtqa {ctx.command.name}` (see --help)")
        if name in _PATHS:
            setting = [_beside(path, p) for p in setting] if isinstance(setting, list) else _beside(path, setting)
        defaults[name] = setting
    ctx.default_map = {**(ctx.default_map or {}), **defaults}
    return os.path.abspath(value)


def _beside(run_file: Path, value: Any) -> Any:
    return str(run_file.parent / value) if isinstance(value, str) else value


RUN_FILE_OPTION = click.option(
    "--config", "run_file", type=click.Path(exists=True, dir_okay=False, path_type=str), metavar="mtqa.toml",
    is_eager=True, callback=load_run_file,
    help="A run file (TOML) with settings for this run, by CleanConfig's field names (lang, disable_rules, "
         "drop_duplicates, ...) or the options' long names; options on the command line win. Recorded in the run signature.")
