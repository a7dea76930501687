"""The cache fingerprint: everything that can change a document's outputs, so that the document
cache of an incremental run (corpora/cache.py) never serves a stale result.

It lives in flows/ because it reaches across packages: the run signature (cleaners/signature.py),
the code of cleaners/ and of the modules outside it that shape a document's outputs, found by
module spec (not by path), so the fingerprint is the same from a checkout and from a wheel.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import platform
import unicodedata
from importlib.metadata import version
from pathlib import Path
from typing import Any

import mtqa.cleaners
from mtqa.cleaners.config import CleanConfig

# Modules outside cleaners/ whose code shapes a document's outputs.
CODE_MODULES = ("mtqa.records", "mtqa.files", "mtqa.langtags", "mtqa.corpora.writers", "mtqa.corpora.documents", "mtqa.flows.shards")


def cache_fingerprint(signature: dict[str, Any], config: CleanConfig) -> str:
    """Everything that can change a document's outputs: the run signature (versions, options), the
    rule packs' and the glossary's full content, mtqa's own text-handling code, and the Python, Unicode and `regex`
    versions, so an edited cleaner or an upgraded library never serves stale results."""
    digest = hashlib.sha256(json.dumps(signature, sort_keys=True).encode())
    digest.update(f"{platform.python_version()}|{unicodedata.unidata_version}|regex {version('regex')}".encode())
    code = [path for folder in mtqa.cleaners.__path__ for path in Path(folder).rglob("*") if path.suffix in (".py", ".yaml")]
    code += [Path(importlib.util.find_spec(name).origin) for name in CODE_MODULES]
    for path in sorted(code) + [Path(p) for p in config.rule_packs + config.allow_lists] + ([Path(config.terms)] if config.terms else []):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
