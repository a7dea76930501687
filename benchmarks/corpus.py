"""Build mtqa corpora from the annotated bio-mqm data in ../shared/data (real MT, real references).

    python benchmarks/corpus.py all OUT.jsonl [--repeat N]   every MT output (~60,000 segments)
    python benchmarks/corpus.py sample OUT.jsonl             the small multilingual sample in corpora/samples
    python benchmarks/corpus.py tmx OUT.tmx                  the sample's into-English records as a TMX memory
    python benchmarks/corpus.py xliff OUT.xlf                the sample's German-English records as XLIFF 1.2

The TMX and XLIFF files are written by translate-toolkit (installed with mtqa's test extras), as a
translator's tool would write them.

Each record follows mtqa's input contract: id, text (the MT output), lang (target), source,
source_lang, references (the human translations), plus the system name and the MQM error
annotations, which mtqa carries through untouched.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "bio-mqm"


def bio_mqm_records(data_dir: Path = DATA_DIR, humans: bool = False) -> Iterator[dict]:
    """MT records of every language pair in file order (human reference records only if `humans`).

    Some (segment, system) ids occur more than once in the data (one record per rater): the later
    ones get a `#2`, `#3`... suffix so that ids stay unique, as mtqa's contract requires.
    """
    seen: dict[str, int] = {}
    files = sorted(data_dir.glob("*.jsonl.gz"))
    if not files:
        raise SystemExit(f"no bio-mqm data in {data_dir}")
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            for line in stream:
                rec = json.loads(line)
                is_human = rec["system"].startswith("reference")
                if is_human != humans:
                    continue
                src, tgt = rec["lp"].split("-")
                seen[rec["id"]] = seen.get(rec["id"], 0) + 1
                yield {
                    "id": rec["id"] if seen[rec["id"]] == 1 else f"{rec['id']}#{seen[rec['id']]}",
                    "text": rec["mt"],
                    "lang": tgt,
                    "source": rec["source"],
                    "source_lang": src,
                    "references": rec["references"],
                    "system": rec["system"],
                    "errors": rec["errors"],
                }


def sample(per_pair: int = 4) -> list[dict]:
    """A few MT records a language pair, those with most annotated errors first (ties by id hash)."""
    by_pair: dict[str, list[dict]] = {}
    for rec in bio_mqm_records():
        by_pair.setdefault(rec["id"].split(":")[0], []).append(rec)
    out = []
    for pair in sorted(by_pair):
        ranked = sorted(by_pair[pair], key=lambda r: (-len(r["errors"]), hashlib.sha256(r["id"].encode()).hexdigest()))
        out += ranked[:per_pair]
    return out


def translation_file(fmt: str) -> bytes:
    """The sample as a translation memory (every into-English record, one tu each, the system in a
    note) or an XLIFF 1.2 file (the German-English records), written by translate-toolkit."""
    from translate.storage import tmx, xliff

    records = [r for r in sample() if r["lang"] == "en" and (fmt == "tmx" or r["source_lang"] == "de")]
    if fmt == "tmx":
        store = tmx.tmxfile(sourcelanguage="*all*", targetlanguage="en")
    else:
        store = xliff.xlifffile.parsestring(
            b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="bio-mqm-sample" '
            b'source-language="de" target-language="en" datatype="plaintext"><body/></file></xliff>')
    for rec in records:
        unit = store.addsourceunit(rec["source"]) if fmt == "tmx" else store.addsourceunit(rec["source"], "bio-mqm-sample")
        if fmt == "tmx":
            unit.xmlelement.set("tuid", rec["id"])
            unit.setsource(rec["source"], sourcelang=rec["source_lang"])
            unit.settarget(rec["text"], lang="en")
        else:
            unit.setid(rec["id"])
            unit.settarget(rec["text"])
        unit.addnote(f"MT system: {rec['system']}", origin="translator")
    return bytes(store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["all", "sample", "tmx", "xliff"])
    parser.add_argument("out")
    parser.add_argument("--repeat", type=int, default=1, help="copies of the corpus (ids suffixed), for scale tests")
    args = parser.parse_args()
    if args.what in ("tmx", "xliff"):
        Path(args.out).write_bytes(translation_file(args.what))
        print(f"wrote {args.out}", file=sys.stderr)
        return
    with open(args.out, "w", encoding="utf-8") as out:
        if args.what == "sample":
            records = sample()
            for rec in records:
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            for copy in range(args.repeat):
                for rec in bio_mqm_records():
                    if copy:
                        rec["id"] = f"{rec['id']}@copy{copy}"
                    out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
