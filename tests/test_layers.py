"""The packages depend one way (DESIGN: flows -> reports, scoring, cleaners, corpora -> mtqa's
records), and no two modules import each other, directly or round a longer loop: a newcomer can
read a module knowing what is below it, and a module imports on its own."""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
from pathlib import Path

import pytest

import mtqa
from tests.test_packaging import PACKAGE_DIRS

# what each package may import besides itself and `mtqa` (the records, files and language tags)
ALLOWED = {
    "mtqa.cleaners": set(),
    "mtqa.corpora": set(),
    "mtqa.scoring": set(),
    "mtqa.reports": {"mtqa.corpora", "mtqa.cleaners", "mtqa.scoring"},
    "mtqa.revision": {"mtqa.cleaners", "mtqa.corpora"},
    "mtqa.flows": {"mtqa.cleaners", "mtqa.corpora", "mtqa.reports", "mtqa.revision", "mtqa.scoring"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGE_DIRS:
        module = importlib.import_module(package)
        found[package] = Path(module.__file__)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            found[info.name] = Path(importlib.util.find_spec(info.name).origin)
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The mtqa modules `name` imports, at any depth of its code (lazy imports count: a loop
    through a function-level import is still a loop)."""
    out = set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        out |= {n for n in names if n in MODULES and n != name}
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _top(name: str) -> str:
    top = ".".join(name.split(".")[:2])
    return top if top in ALLOWED else "mtqa"


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_what_is_below_it(package):
    wrong = sorted(f"{name} imports {target}" for name, targets in GRAPH.items() if _top(name) == package
                   for target in targets if _top(target) not in ALLOWED[package] | {package, "mtqa"})
    assert wrong == []


def test_no_import_loops():
    """Each module's imports, followed to the end, never lead back to it (a package's __init__
    importing its own modules to register them is not a loop: they do not import it back)."""
    loops = []
    for start in GRAPH:
        stack, seen = list(GRAPH[start]), set()
        while stack:
            name = stack.pop()
            if name == start:
                loops.append(start)
                break
            if name not in seen:
                seen.add(name)
                stack.extend(GRAPH[name])
    assert loops == []


def test_the_shared_helpers_are_there_once():
    assert "def primary_subtag" not in "".join(p.read_text(encoding="utf-8") for n, p in MODULES.items() if n != "mtqa.langtags")
    writers = [n for n, p in MODULES.items() if "os.replace(" in p.read_text(encoding="utf-8")]
    # the cache's SQLite file is renamed into place; every other file goes through mtqa.files's atomic writer
    assert sorted(writers) == ["mtqa.corpora.cache", "mtqa.files"]
    assert mtqa.__name__ == "mtqa"
