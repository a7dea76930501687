"""The HTML report: escaped corpus text, highlights on the original text, bounded size, and a real
browser (headless Chromium) that renders it and runs none of the corpus's markup."""

import json
import shutil
import subprocess

import pytest

from mtqa.reports.html import highlight, render_report, top_documents, visible
from tests.test_shards import run_plain

PAYLOADS = [
    "<script>document.title='pwned-script'</script>",
    "<img src=x onerror=\"document.title='pwned-img'\">",
    "\"><svg onload=\"document.title='pwned-svg'\">",
    "</textarea></style></code><script>document.title='pwned-close'</script>",
]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it as root)")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """A run over documents whose text, ids and fields carry script payloads and real MT debris."""
    tmp = tmp_path_factory.mktemp("hostile")
    corpus = tmp / "hostile.jsonl"
    records = [{"id": f"doc{i}<b>{i}</b>", "text": f"Before {p} the text , ends here . .", "lang": "en",
                "references": [f"Before {p} the text, ends here."]} for i, p in enumerate(PAYLOADS)]
    lines = [json.dumps(r) for r in records] + ['{"id": "<script>bad</script>", "text": ']  # one quarantined
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp / "out"
    summary = run_plain(corpus, out)
    from mtqa.reports.html import write_report
    from mtqa.scoring.run import score_cleaned

    scores = score_cleaned(out / "cleaned.jsonl", "en")
    write_report(out, summary, scores, [])
    return out


def test_corpus_markup_is_escaped(hostile_run):
    html = (hostile_run / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower().replace("&lt;script", "")
    assert html.count("<svg") == html.count('<svg class="chart" role="img"')  # only the report's own charts
    assert "<img" not in html and "&lt;img src=x onerror=" in html
    assert "&lt;script&gt;document.title=&#39;pwned-script&#39;&lt;/script&gt;" in html
    assert "doc0&lt;b&gt;0&lt;/b&gt;" in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_highlight_cuts_at_finding_boundaries():
    text = "abcdef"
    findings = [{"start": 1, "end": 4, "severity": "minor", "rule": "r1", "message": "m", "suggestion": "X"},
                {"start": 3, "end": 5, "severity": "major", "rule": "r2", "message": "m", "suggestion": None},
                {"start": 6, "end": 6, "severity": "minor", "rule": "r3", "message": "m", "suggestion": "!"}]
    pieces = highlight(text, findings)
    assert "".join(p["text"] for p in pieces) == text
    assert [(p["text"], p["severity"], p["marker"]) for p in pieces] == [
        ("a", None, False), ("bc", "minor", False), ("d", "major", False), ("e", "major", False), ("f", None, False),
        ("", "minor", True)]
    assert "r1 (minor): m → 'X'" in pieces[1]["title"]


def test_visible_whitespace_in_diffs():
    assert visible(" \t\n") == "␣⇥↵" and visible("") == "∅"
    assert visible("at the gates ") == "at the gates␣"  # spaces between words stay spaces; the one at the end shows


def test_report_shows_a_bounded_number_of_documents(tmp_path):
    corpus = tmp_path / "many.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i:03d}", "text": f"Text {i} , with debris . .", "lang": "en"}) + "\n"
                              for i in range(30)), encoding="utf-8")
    summary = run_plain(corpus, tmp_path / "out")
    assert len(top_documents(tmp_path / "out" / "findings.jsonl", 5)) == 5
    html = render_report(tmp_path / "out", summary, None, [], max_documents=5)
    assert html.count('<details class="doc"') == 5
    assert "The 5 documents with the most severe findings, of 30 with findings" in html


def _chromium(*args: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120)


@needs_browser
def test_injected_markup_does_not_run_in_a_browser(hostile_run, tmp_path):
    result = _chromium(f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", (hostile_run / "report.html").as_uri())
    dom = result.stdout
    assert "<title>mtqa report:" in dom
    assert "pwned" not in dom.split("<title>")[1].split("</title>")[0]  # no payload changed the title
    assert "document.title='pwned-script'" in dom  # it is shown as text
    assert "<img" not in dom and dom.count("<svg") == dom.count('<svg class="chart"')


@needs_browser
def test_report_renders_in_a_browser(hostile_run, tmp_path):
    shot = tmp_path / "report.png"
    _chromium(f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1600", f"--screenshot={shot}",
              (hostile_run / "report.html").as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 1600)
    assert len(data) > 50_000  # a rendered page with tables and colour, not a blank one


def test_the_report_reads_at_a_glance(tmp_path):
    """Headline first, signature folded, MT findings per 1,000 words per language, duplicates in a
    section of their own, identical copies on one card, suggestions in the text, SVG charts."""
    corpus = tmp_path / "mixed.jsonl"
    card = "The troops entered the Dombas on Friday , officials said."
    rows = [{"id": f"copy{i}", "text": card} for i in range(4)]  # no lang field: --lang en is the language
    rows.append({"id": "de1", "lang": "de", "text": "Die Truppen sind am Freitag  eingerückt, sagten Beamte heute."})
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    summary = run_plain(corpus, tmp_path / "out")
    history = [{"finished_at": f"2026-12-0{d}", "signature": "s", "documents": 5, "quarantined": 0, "findings": f,
                "findings_per_1k_words": f / 0.05, "bleu_original": None, "chrf_original": None, "ter_original": None}
               for d, f in ((1, 9), (2, 7))]
    html = render_report(tmp_path / "out", summary, None, history)
    body = html.split("<body>", 1)[1]
    headline = body.split('id="headline">', 1)[1].split("</p>", 1)[0]
    mt = sum(n for k, n in summary["findings_by_category"].items() if k != "duplicate")
    assert f"<b>5 documents, {mt} findings to look at</b>" in headline
    assert "duplicates (corpus hygiene, reported apart)" in headline
    assert body.index('id="headline"') < body.index('class="sig"')  # the headline first, the signature folded below it
    assert body.split('class="sig"', 1)[0].count("<details") == 1
    assert 'id="hygiene"' in body and "duplicate.document" in body.split('id="hygiene"', 1)[1].split("</table>", 1)[0]
    words_en = 4 * len(card.split())
    en = summary["findings_by_lang"]  # per language, per 1,000 words, duplicates left out
    assert f"<tr><td>en</td><td class=\"num\">{words_en}</td>" in body
    assert "(en; " in body and "language not given" not in body  # the run's --lang, not "?"
    assert "and 3 identical copies: " in body  # four copies of one card: one card
    assert body.count('<details class="doc"') == 2
    assert '<ins class="sugg">→ Donbas</ins>' in body  # the suggestion is in the text, not only on hover
    assert body.count('<svg class="chart"') == 3  # categories, per 1,000 words, trend
    assert "<polyline" in body and en
