"""The development sets of ../shared/data as one kind of record, each in its tuning or check half.

- `bio-mqm` (15 language pairs, MEDLINE abstracts, WMT21 biomedical systems) and `wmt23-news-mqm`
  (en-de news, WMT23) carry MQM error spans. bio-MQM has one line per (segment, system, rater):
  the lines of one id are merged into one record, whose errors are every rater's spans (a segment
  counts once; it is erroneous if any rater marked an error). wmt23 has every rater's spans on one
  line already. Human references: bio-MQM's `reference` and `reference_r1`, wmt23's `refA`, each
  annotated like the systems.
- `wmt12-news` (fr/de/es-en news, WMT12) has no spans: one record per (segment, system) and one for
  the human reference (system `reference`), with `errors` None; `LP.systems.json` gives each
  system's won share of the human pairwise comparisons. Its texts are stored XML-escaped, as Moses
  wrote them (`didn&apos;t`, `&quot;` in a quarter of the segments of most systems and of the
  reference, not in others), and three submissions were escaped a second time when stored
  (`&amp;quot;` in sys7 fr-en, sys6 de-en, sys4 es-en, hundreds of times each): the judges read them
  unescaped, so they are unescaped here, as often as they were escaped, or mtqa's entity check
  would rank systems by how their files were stored.

Halves: an MQM record's half is that of its document (`set:lp:doc`); wmt12 has no document ids,
so its segments go in blocks of WMT12_BLOCK consecutive segments (newstest documents are runs of
consecutive segments, a few dozen long), each block a unit. A unit's half comes from a stable hash
of its name (detect_scoring.half_of), so it does not depend on what else is loaded.
"""

from __future__ import annotations

import gzip
import html
import json
from collections.abc import Iterator
from pathlib import Path

from benchmarks.detect_scoring import half_of, word_count

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MQM_SETS = ("bio-mqm", "wmt23-news-mqm")
SETS = MQM_SETS + ("wmt12-news",)
REFERENCE_SYSTEMS = {"bio-mqm": ("reference", "reference_r1"), "wmt23-news-mqm": ("refA",)}
WMT12_REFERENCE = "reference"
WMT12_BLOCK = 30


def _unescaped(text: str, rounds: int = 3) -> str:
    """XML-unescaped as often as the storage escaped it (at most `rounds` times)."""
    for _ in range(rounds):
        plain = html.unescape(text)
        if plain == text:
            break
        text = plain
    return text


def _files(folder: Path) -> list[Path]:
    files = sorted(folder.glob("*.jsonl.gz"))
    if not files:
        raise SystemExit(f"mtqa: error: no *.jsonl.gz data in {folder}: see ../shared/data/README.md "
                         "(or give --data the folder that holds bio-mqm/, wmt23-news-mqm/ and wmt12-news/)")
    return files


def _record(name: str, lp: str, doc: str, seg: str, system: str, is_ref: bool, text: str, source: str,
            errors: list | None, unit: str) -> dict:
    src, tgt = lp.split("-")
    return {"set": name, "lp": lp, "src": src, "tgt": tgt, "doc": doc, "seg": seg, "system": system,
            "is_ref": is_ref, "text": text, "source": source, "errors": errors, "words": word_count(text, tgt),
            "half": half_of(unit)}


def mqm_records(data: Path, name: str, limit: int | None) -> Iterator[dict]:
    """Every record of an MQM set (the first `limit` lines of each file), lines of one id merged."""
    for path in _files(data / name):
        merged: dict[str, dict] = {}
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            for lineno, line in enumerate(stream, 1):
                if limit is not None and lineno > limit:
                    break
                row = json.loads(line)
                errors = [(e["start"], e["end"], e["category"]) for e in row["errors"]]
                seen = merged.get(row["id"])
                if seen is not None and seen["text"] == row["mt"] and seen["source"] == row["source"]:
                    seen["errors"] += errors  # another rater's spans of the same segment
                    continue
                key = row["id"] if seen is None else f"{row['id']}#{lineno}"  # a different text: its own record
                merged[key] = _record(name, row["lp"], str(row["doc"]), str(row["seg"]), row["system"],
                                      row["system"] in REFERENCE_SYSTEMS[name], row["mt"], row["source"], errors,
                                      f"{name}:{row['lp']}:{row['doc']}")
        for key, rec in merged.items():
            rec["id"] = key
            yield rec


def wmt12_records(data: Path, limit: int | None) -> Iterator[dict]:
    """One record per segment and system, and one per segment for the human reference."""
    name = "wmt12-news"
    for path in _files(data / name):
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            for lineno, line in enumerate(stream, 1):
                if limit is not None and lineno > limit:
                    break
                row = json.loads(line)
                seg = int(row["seg"])
                unit = f"{name}:{row['lp']}:block{(seg - 1) // WMT12_BLOCK}"
                outputs = sorted(row["mt"].items()) + [(WMT12_REFERENCE, row["reference"])]
                source = _unescaped(row["source"])
                for system, text in outputs:
                    rec = _record(name, row["lp"], "", str(seg), system, system == WMT12_REFERENCE, _unescaped(text),
                                  source, None, unit)
                    rec["id"] = f"{row['id']}:{system}"
                    yield rec


def won_shares(data: Path) -> dict[str, dict[str, float]]:
    """{lp: {system: won share}} of the wmt12 systems."""
    out = {}
    for path in sorted((data / "wmt12-news").glob("*.systems.json")):
        lp = path.name.split(".")[0]
        out[lp] = {system: v["won_share"] for system, v in json.loads(path.read_text(encoding="utf-8")).items()}
    return out


def load(data: Path, sets: tuple[str, ...], limit: int | None) -> list[dict]:
    """The records of the chosen sets, in set, file and line order."""
    records: list[dict] = []
    for name in sets:
        if name == "wmt12-news":
            records.extend(wmt12_records(data, limit))
        else:
            records.extend(mqm_records(data, name, limit))
    return records
