"""The run signature: how an output was made, so two outputs can be compared (cf. sacrebleu's).

It names the mtqa version, the versions of the libraries that change text or decide languages,
each rule pack with the SHA-256 of its content, and every option. The same signature on the same
input gives byte-identical outputs; a changed rule pack or threshold shows up in it.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import mtqa
from cleaners import langid
from cleaners.config import CleanConfig
from cleaners.rulepack import load_pack


def run_signature(config: CleanConfig) -> dict[str, Any]:
    packs = [load_pack(path) for path in config.rule_packs]
    fields: dict[str, Any] = {
        "mtqa": mtqa.__version__,
        "ftfy": version("ftfy"),
        "langdetect": version("langdetect"),
        "sentencex": version("sentencex"),
        "langid_seed": langid.SEED,
        "rule_packs": {p.name: p.sha256[:16] for p in packs},
        "options": config.signature_fields(),
    }
    opts = config
    fields["text"] = "|".join(
        [
            f"mtqa:{fields['mtqa']}",
            f"ftfy:{fields['ftfy'] if opts.fix_encoding else 'off'}",
            f"unicode:{opts.unicode_form or 'off'}",
            "packs:" + ",".join(f"{n}@{h[:8]}" for n, h in fields["rule_packs"].items()),
            f"langid:langdetect-{fields['langdetect']}/seed{langid.SEED}/min{opts.langid_min_letters}/han{opts.langid_min_han}/p{opts.langid_min_prob}"
            + ("/sent" if opts.langid_sentences else ""),
            f"lang:{opts.lang or 'record'}",
        ]
    )
    return fields
