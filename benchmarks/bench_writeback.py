"""Writing a TMX back: splicing the changed values into the input's bytes (corpora/xmlsplice.py)
against lxml's serialisation of the whole tree, on a Trados-shaped memory.

    .venv/bin/python benchmarks/bench_writeback.py [UNITS]

The memory is generated (UNITS translation units, 20,000 by default: UTF-16 with a BOM, CRLF,
inline codes, `&#160;` and `&#176;` references), and one English target in ten loses the space
before its final full stop, as `space.before_comma_period` would fix it. Both ways must give the
same XML (C14N); the splice must change exactly the removed characters' bytes and nothing else.
CPU seconds and wall time go to benchmarks/results/writeback.{json,md}; on a shared machine the
CPU seconds are the figure to compare.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from lxml import etree

from mtqa.corpora.writeback import serialize
from mtqa.corpora.xmlsplice import Snapshot

RESULTS = Path(__file__).parent / "results"


def memory(units: int) -> bytes:
    body = "".join(
        f'<tu tuid="{n}" creationdate="20210101T101010Z"\r\n\tcreationid="TRADOS\\\\user">\r\n'
        f'<tuv xml:lang="fr-FR"><seg>Les troupes &amp; la <bpt i="1">&lt;b&gt;</bpt>diplomatie<ept i="1">&lt;/b&gt;</ept> n&#176;{n}.</seg></tuv>\r\n'
        f'<tuv xml:lang="en-GB"><seg>The troops &amp; the <bpt i="1">&lt;b&gt;</bpt>diplomacy<ept i="1">&lt;/b&gt;</ept> no.&#160;{n} .</seg></tuv>\r\n'
        "</tu>\r\n" for n in range(units))
    text = '<?xml version="1.0" encoding="utf-16"?>\r\n<tmx version="1.4">\r\n<header srclang="fr-FR"/>\r\n<body>\r\n' + body + "</body>\r\n</tmx>\r\n"
    return text.encode("utf-16")


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def change(tree: etree._ElementTree) -> int:
    changed = 0
    for k, seg in enumerate(tree.iter("seg")):
        if k % 20 == 1:  # the English target of every tenth unit
            seg[1].tail = seg[1].tail.replace(" .", ".")
            changed += 1
    return changed


def main() -> None:
    units = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    raw = memory(units)
    rows, outputs = [], {}
    for way in ("splice", "lxml"):
        tree = etree.ElementTree(etree.fromstring(raw, etree.XMLParser(resolve_entities=False)))
        wall, used = time.perf_counter(), cpu()
        snapshot = Snapshot(tree, raw) if way == "splice" else None
        changed = change(tree)
        data = snapshot.splice() if snapshot else serialize(tree)
        rows.append({"way": way, "units": units, "changed": changed, "bytes_in": len(raw), "bytes_out": len(data),
                     "wall_s": round(time.perf_counter() - wall, 2), "cpu_s": round(cpu() - used, 2)})
        outputs[way] = data
    c14n = [etree.tostring(etree.fromstring(outputs[w]), method="c14n") for w in ("splice", "lxml")]
    assert c14n[0] == c14n[1], "the two ways give different XML"
    assert len(outputs["splice"]) == len(raw) - 2 * rows[0]["changed"], "the splice changed more than the removed spaces"
    expected = raw.decode("utf-16")
    for n in range(0, units, 10):  # the English target of every tenth unit, and nothing else
        expected = expected.replace(f"no.&#160;{n} .</seg>", f"no.&#160;{n}.</seg>", 1)
    assert outputs["splice"] == "\ufeff".encode("utf-16-le") + expected.encode("utf-16-le"), "bytes changed elsewhere"
    load = open("/proc/loadavg").read().split()[0]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "writeback.json").write_text(json.dumps({"rows": rows, "load": load}, indent=2) + "\n", encoding="utf-8")
    lines = ["# Writing a TMX back: splice against lxml's serialisation", "",
             f"Generated Trados-shaped memory (UTF-16 LE with BOM, CRLF), {units:,} units; load average {load} "
             "(a shared 2-core machine: compare CPU seconds).", "",
             "| way | units | targets changed | bytes in | bytes out | wall (s) | CPU (s) |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {r['way']} | {r['units']:,} | {r['changed']:,} | {r['bytes_in']:,} | {r['bytes_out']:,} | {r['wall_s']} | {r['cpu_s']} |"
              for r in rows]
    lines += ["", "The splice keeps every byte but the removed spaces; lxml's output is the same XML, re-encoded "
              "and re-serialised (UTF-16 kept, CRLF and the attribute layout lost)."]
    (RESULTS / "writeback.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
