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
    assert "<svg" not in html and "<img" not in html and "&lt;img src=x onerror=" in html
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
    assert "<img" not in dom and "<svg" not in dom


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
