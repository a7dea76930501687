"""The one import namespace: every folder of the repository installs as a subpackage of `mtqa`.

The folders stay at the top (Prefect entrypoints are paths from the root), so from the repository
root a bare `import cleaners` would load a second copy of a module beside `mtqa.cleaners`, with its
own registries and caches. These tests keep the code on `mtqa.*`, keep the wheel's package list in
step with the folders, and run the docstring examples once, through the installed names
(`pytest --doctest-modules` would import each module a second time under its folder name).
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
import re
import tomllib
from pathlib import Path

import pytest

import mtqa

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGE_DIRS = PYPROJECT["tool"]["setuptools"]["package-dir"]
BARE = re.compile(r"^\s*(?:from|import)\s+(?:%s)\b" % "|".join(
    name.split(".", 1)[1] for name in PACKAGE_DIRS if "." in name), re.MULTILINE)


def _python_files() -> list[Path]:
    folders = ["benchmarks", "tests", *PACKAGE_DIRS.values()]
    # not the hidden folders: benchmarks/.venv-opusfilter holds OpusFilter's own environment
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py")
                  if not any(part.startswith(".") for part in path.relative_to(ROOT).parts))


def test_no_module_imports_a_folder_by_its_bare_name():
    offenders = [f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
                 for path in _python_files() for match in BARE.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_wheel_lists_every_package_folder():
    """Every folder under a mapped folder is a package the wheel must list: one with an
    __init__.py, and one of data files too, which setuptools ships but warns about at every build
    ("would be ignored") unless it is listed. Each data folder says which of its files ship."""
    setuptools = PYPROJECT["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    found = set()
    for package, folder in PACKAGE_DIRS.items():
        for path in [ROOT / folder, *(ROOT / folder).rglob("*")]:
            parts = path.relative_to(ROOT / folder).parts
            if path.is_dir() and not any(part.startswith((".", "__")) for part in parts):
                found.add(".".join((package, *parts)))
    assert found == listed
    data_folders = {name for name in listed if not (ROOT / _folder_of(name) / "__init__.py").exists()}
    assert data_folders == set(setuptools["package-data"])


def _folder_of(package: str) -> Path:
    """Where a package's folder is in the repository, through package-dir."""
    mapped = max((p for p in PACKAGE_DIRS if package == p or package.startswith(p + ".")), key=len)
    return Path(PACKAGE_DIRS[mapped], *package[len(mapped):].split(".")[1:])


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(mtqa.__path__, "mtqa."):
        names.append(info.name)
    # the mapped subpackages are not under mtqa/ on disk in an editable install: walk each
    for package in PACKAGE_DIRS:
        module = importlib.import_module(package)
        names.append(package)
        names.extend(info.name for info in pkgutil.walk_packages(module.__path__, package + "."))
    return sorted(set(names))


def test_every_module_is_reached_under_mtqa():
    modules = _modules()
    assert "mtqa.cleaners.pipeline" in modules and "mtqa.flows.cli" in modules
    for name in modules:
        assert importlib.import_module(name).__name__ == name


DOCTESTED = [name for name in _modules() if ">>> " in (Path(importlib.util.find_spec(name).origin).read_text(encoding="utf-8"))]


@pytest.mark.parametrize("name", DOCTESTED)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
