"""The user's own file, revised: `revised.tmx`, `revised.xlf`, `revised.tsv`, `revised.txt`...

`mtqa apply` writes `revised.jsonl`; a reviser works in the file they gave mtqa, so the same text
goes back into a copy of that file, in its format, beside the JSONL: TMX and XLIFF through
corpora/writeback.py (inline tags, states, one note per unit, the input's bytes elsewhere), a TSV
with only its `text` column changed (other columns, line endings and rows mtqa did not read stay
byte for byte), a `.txt` file as its text (with its byte-order mark), a folder of `.txt` files as a
folder `revised/` of the files that were read. JSONL input needs nothing more: `revised.jsonl` is
its format. `mtqa revert` writes `reverted.<ext>` the same way, from the original texts.

Each writer first checks that the input still holds the text the run read (`original`), so a file
edited since the run is reported, never overwritten with stale text.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from pathlib import Path

from mtqa.corpora.readers import TRANSLATION_FORMATS, CorpusError, RawRecord, read_corpus
from mtqa.corpora.writers import atomic_writer

# The formats written back; JSONL input is already served by revised.jsonl.
WRITABLE = ("txt", "tsv", "folder", *TRANSLATION_FORMATS)


def output_name(input_path: Path, fmt: str, stage: str) -> str:
    """`revised.tmx` for `memory.tmx`, `revised/` for a folder."""
    if fmt == "folder":
        return stage
    return stage + (input_path.suffix.lower() if fmt in TRANSLATION_FORMATS else f".{fmt}")


def write_stage(input_path: Path, fmt: str, lang: str | None, run_dir: Path, stage: str,
                records: Mapping[str, dict], decided: Collection[tuple[str, int, int, str]] = (),
                changedate: str | None = None) -> Path:
    """Write `run_dir/<stage>.<ext>` from the input and `records` (id -> record with `text` and
    `original`): "revised" after `mtqa apply`, "reverted" after `mtqa revert`."""
    if fmt in TRANSLATION_FORMATS:
        from mtqa.corpora.writeback import write_back

        if stage == "reverted":  # every text back to its original: the file as it was given
            _check_translation_file(input_path, fmt, lang, records)
            out = run_dir / output_name(input_path, fmt, stage)
            with atomic_writer(out, "wb") as stream:
                stream.write(input_path.read_bytes())
            return out
        return write_back(input_path, fmt, lang, run_dir, stage, decided, changedate)
    if fmt == "txt":
        return _write_txt(input_path, run_dir / output_name(input_path, fmt, stage), records)
    if fmt == "tsv":
        return _write_tsv(input_path, run_dir / output_name(input_path, fmt, stage), records)
    if fmt == "folder":
        return _write_folder(input_path, run_dir / stage, records)
    raise ValueError(f"no {stage} file for the {fmt} format")


def _check_translation_file(path: Path, fmt: str, lang: str | None, records: Mapping[str, dict]) -> None:
    for item in read_corpus(path, fmt, lang):
        if isinstance(item, RawRecord) and (record := records.get(str(item.record["id"]))) is not None:
            if item.record["text"] != record["original"]:
                raise CorpusError(f"{path}: line {item.line}: segment {item.record['id']!r} changed since the run; run mtqa again")


def _write_txt(path: Path, out: Path, records: Mapping[str, dict], doc_id: str | None = None) -> Path:
    data = path.read_bytes()
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    record = records.get(doc_id or path.name)
    if record is None:
        raise CorpusError(f"{path}: the run has no cleaned text for it (quarantined?); nothing to write")
    if data[len(bom):].decode("utf-8") != record["original"]:
        raise CorpusError(f"{path}: the file changed since the run; run mtqa again")
    with atomic_writer(out, "wb") as stream:
        stream.write(bom + record["text"].encode("utf-8"))
    return out


def _write_folder(folder: Path, out: Path, records: Mapping[str, dict]) -> Path:
    """Every file the run read, revised, at the same relative path below `out` (ids are those paths)."""
    root = folder.resolve()
    for doc_id in sorted(records):
        source = (root / doc_id).resolve()
        target = (out / doc_id).resolve()
        if root not in source.parents or out.resolve() not in target.parents:  # an id that is not a path below
            raise CorpusError(f"{folder}: document id {doc_id!r} is not a file below the folder")
        _write_txt(source, target, records, doc_id)
    out.mkdir(parents=True, exist_ok=True)
    return out


def _write_tsv(path: Path, out: Path, records: Mapping[str, dict]) -> Path:
    """The TSV with each read row's `text` field replaced; every other byte as it was."""
    data = path.read_bytes()
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    lines = data[len(bom):].splitlines(keepends=True)
    if not lines:
        raise CorpusError(f"{path}: empty; nothing to write")
    header = lines[0].rstrip(b"\r\n").decode("utf-8").split("\t")
    id_at, text_at = header.index("id"), header.index("text")
    done: set[str] = set()
    written = [bom + lines[0]]
    for number, line in enumerate(lines[1:], 2):
        body = line.rstrip(b"\r\n")
        try:
            values = body.decode("utf-8").split("\t")
        except UnicodeDecodeError:
            values = []
        record = records.get(values[id_at]) if len(values) == len(header) else None
        if record is None or values[id_at] in done:  # not read (quarantined, repeated id): as it was
            written.append(line)
            continue
        done.add(values[id_at])
        if values[text_at] != record["original"]:
            raise CorpusError(f"{path}: line {number}: row {values[id_at]!r} changed since the run; run mtqa again")
        text = record["text"]
        if "\t" in text or "\n" in text or "\r" in text:
            raise CorpusError(f"{path}: line {number}: the revised text of {values[id_at]!r} holds a tab or line break, "
                              "which a TSV field cannot; use revised.jsonl")
        values[text_at] = text
        written.append("\t".join(values).encode("utf-8") + line[len(body):])
    with atomic_writer(out, "wb") as stream:
        stream.write(b"".join(written))
    return out


def changedate_of(paths: Collection[Path]) -> str:
    """TMX's `changedate` for a revision: when its decisions were last saved (the latest
    modification of the decision files), so the same decisions give the same file."""
    import time

    stamps = [os.stat(p).st_mtime for p in paths if p.exists()]
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(max(stamps) if stamps else time.time()))
