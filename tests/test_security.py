"""Security (issue 8): corpus text never runs in the report, ids never become paths outside the
output folder, YAML never runs code, and a run makes no network connection.

test_report.py checks the report's escaping with its Content-Security-Policy on; here the policy
is taken out, so the escaping alone must keep every payload inert, and the payloads go into every
place the report shows: texts, ids, languages, file names, rule ids, messages, suggestions and
quarantined lines.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
from lxml import html as lxml_html

from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.glossary import GlossaryError, load_glossary
from mtqa.cleaners.rulepack import RULES_DIR, RulePackError, load_pack
from mtqa.reports.html import write_report
from mtqa.reports.markdown import summary_markdown
from mtqa.scoring.run import score_cleaned
from tests.conftest import SAMPLES
from tests.test_bad_input import PATH_IDS, run_stages, write
from tests.test_report import _chromium, needs_browser

PAYLOADS = [
    "<script>document.title='pwned-script'</script>",
    "<img src=x onerror=\"document.title='pwned-img'\">",
    "\"><svg onload=\"document.title='pwned-svg'\">",
    "'><iframe srcdoc=\"<script>parent.document.title='pwned-iframe'</script>\"></iframe>",
    "<a href=\"javascript:document.title='pwned-js'\">click</a>",
    "</textarea></style></title></code></mark><script>document.title='pwned-close'</script>",
    "\u2028<script>document.title='pwned-ls'</script>\u2029",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"document.title='pwned-mxss'\">",
    "<body onload=\"document.title='pwned-body'\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:document.title='pwned-meta'\">",
    "javascript:document.title='pwned-url'",
    "\" onmouseover=\"document.title='pwned-attr'\" x=\"",
    "{{ 7*7 }}{% if true %}pwned-jinja{% endif %}",
]


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    """A run whose every shown field carries a payload, rendered to report.html."""
    tmp = tmp_path_factory.mktemp("xss")
    pack = write(tmp / "pack.yaml", "rules:\n" + "".join(
        f"  - id: {json.dumps(f'xss.r{i}' + p)}\n    pattern: 'Before'\n    replace: {json.dumps(p)}\n"
        f"    category: style\n    severity: major\n    fix: review\n    message: {json.dumps('Message ' + p)}\n"
        for i, p in enumerate(PAYLOADS[:3])))
    records = [{"id": f"doc{i}{p}", "text": f"Before {p} the text , ends here . .", "lang": f"en{p}" if i == 1 else "en",
                "references": [f"Before {p} the text, ends here."]} for i, p in enumerate(PAYLOADS)]
    lines = [json.dumps(r) for r in records] + [f'{{"id": "{p}", "text": ' for p in PAYLOADS[:4]]  # quarantined
    corpus = write(tmp / "<img src=x onerror=alert(1)>.jsonl", "\n".join(lines) + "\n")
    out = tmp / "out"
    config = CleanConfig(lang="en", rule_packs=(str(RULES_DIR / "normalise.yaml"), str(pack)))
    summary = run_stages(corpus, out, config)
    scores = score_cleaned(out / "cleaned.jsonl", "en")
    write_report(out, {**summary, "scores": scores}, scores, [])
    return out / "report.html"


def test_payloads_reach_every_shown_field_escaped(hostile_report):
    page = hostile_report.read_text(encoding="utf-8")
    for shown in ("doc0&lt;script&gt;", "xss.r1&lt;img src=x onerror=", "Message &lt;script&gt;",
                  "&lt;img src=x onerror=alert(1)&gt;.jsonl", "en&lt;img src=x", "{{ 7*7 }}"):
        assert shown in page, shown
    assert "{{ 7*7 }}" in page and "49pwned-jinja" not in page  # the text is not a template (the charts have numbers of their own)


def _elements(dom: str):
    return lxml_html.document_fromstring(dom).iter()


@needs_browser
def test_no_payload_runs_even_without_the_content_security_policy(hostile_report, tmp_path):
    page = hostile_report.read_text(encoding="utf-8")
    csp = '<meta http-equiv="Content-Security-Policy"'
    assert csp in page
    unguarded = tmp_path / "report-no-csp.html"
    unguarded.write_text("\n".join(line for line in page.split("\n") if csp not in line), encoding="utf-8")
    result = _chromium(f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000", "--dump-dom",
                       unguarded.as_uri())
    dom = result.stdout
    title = re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
    assert title.startswith("mtqa report: ") and "pwned" not in title  # no payload ran
    tags = {el.tag for el in _elements(dom) if isinstance(el.tag, str)}
    assert not tags & {"script", "img", "iframe", "math", "a", "textarea"}, tags
    assert all(el.get("class") == "chart" for el in _elements(dom) if el.tag == "svg")  # only the report's charts
    assert [el.tag for el in _elements(dom) if isinstance(el.tag, str) and el.tag == "meta"] == ["meta", "meta"]
    handlers = [(el.tag, name) for el in _elements(dom) if isinstance(el.tag, str) for name in el.attrib
                if name.lower().startswith("on")]
    assert handlers == []
    assert "document.title='pwned-script'" in dom  # shown as text


def test_markdown_summary_for_the_prefect_ui_is_inert():
    summary = {"input": PAYLOADS[1] + "|x|\n# heading", "records_read": 1, "documents_cleaned": 1, "records_quarantined": 0,
               "edits": 0, "documents_changed": 0, "findings": 1, "documents_with_findings": 1,
               "signature": {"text": "mtqa:0"}, "findings_by_category": {PAYLOADS[0]: 1}}
    markdown = summary_markdown(summary, None)
    assert "<img" not in markdown and "<script" not in markdown and "\n# heading" not in markdown


# --- ids never become paths -------------------------------------------------------------------

def test_ids_never_become_paths_outside_the_output_folder(tmp_path, monkeypatch):
    """Ids go into outputs only as data: a run over path-like ids (JSONL and XLIFF), its report and
    its write-back create no file but the fixed outputs, wherever the ids point."""
    monkeypatch.chdir(tmp_path)  # relative paths would land here
    corpus = write(tmp_path / "in" / "c.jsonl", "".join(json.dumps({"id": i, "text": "Text ."}) + "\n" for i in PATH_IDS))
    units = "".join(f'<trans-unit id="{i}"><source>a</source><target>Text .</target></trans-unit>\n'
                    for i in ("../../../tmp/escape", "/tmp/abs-escape", "..", "a/b/c", "%2e%2e%2fx"))
    xliff = write(tmp_path / "in" / "c.xlf", '<?xml version="1.0"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:'
                  'xliff:document:1.2"><file source-language="fr" target-language="en" datatype="plaintext" original="'
                  '../../evil"><body>\n' + units + "</body></file></xliff>\n")
    targets = [Path("/tmp/escape"), Path("/tmp/abs-escape"), tmp_path.parent / "evil", tmp_path.parent / "x"]
    assert not any(t.exists() for t in targets)
    config = CleanConfig(lang="en", rule_packs=(str(RULES_DIR / "normalise.yaml"),), detectors=False)
    outputs = {}
    for path in (corpus, xliff):
        out = tmp_path / f"out-{path.suffix[1:]}"
        summary = run_stages(path, out, config)
        write_report(out, summary, None, [])
        outputs[path.suffix] = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if ".work" not in p.parts)
    assert not any(t.exists() for t in targets)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out-jsonl", "out-xlf"]
    fixed = ["cleaned.jsonl", "edits.jsonl", "findings.jsonl", "quarantine.jsonl", "report.html", "summary.json",
             "suppressed.jsonl"]
    assert outputs[".jsonl"] == fixed and outputs[".xlf"] == sorted(fixed + ["cleaned.xlf"])


# --- YAML is data, never code -------------------------------------------------------------------

CODE_TAGS = ["!!python/object/apply:os.system ['touch {marker}']",
             "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
             "!!python/name:os.system"]


@pytest.mark.parametrize("tag", CODE_TAGS, ids=["object-apply", "object-new", "name"])
def test_rule_packs_and_glossaries_load_with_the_safe_loader(tmp_path, tag):
    marker = tmp_path / "pwned"
    payload = tag.format(marker=marker)
    pack = write(tmp_path / "pack.yaml", f"rules:\n  - {payload}\n")
    with pytest.raises(RulePackError, match=r"pack\.yaml: line \d+: invalid YAML: could not determine a constructor"):
        load_pack(pack)
    glossary = write(tmp_path / "terms.yaml", f"must_translate: {payload}\n")
    with pytest.raises(GlossaryError, match=r"terms\.yaml: invalid YAML: could not determine a constructor"):
        load_glossary(glossary)
    from mtqa.revision.rules import add_rule

    with pytest.raises(RulePackError, match=r"pack\.yaml: .*could not determine a constructor"):
        add_rule(pack, {"id": "kept.x", "pattern": "x", "replace": "y", "category": "style", "severity": "minor",
                        "message": "m", "fix": "review"})
    assert not marker.exists()


def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path):
    """'Billion laughs' in YAML: aliases of aliases. The safe loader shares the nodes; mtqa must not
    walk them into a billion strings."""
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    pack = write(tmp_path / "bomb.yaml", bomb + "rules: [*i]\n")
    with pytest.raises(RulePackError, match="a rule is a mapping"):
        load_pack(pack)
    glossary = write(tmp_path / "bomb-terms.yaml", bomb.replace("a: &a", "must_translate: &a"))
    with pytest.raises(GlossaryError):
        load_glossary(glossary)


# --- no network at run time ---------------------------------------------------------------------

def test_a_run_makes_no_network_connection(prefect_harness, tmp_path, monkeypatch):
    """Clean, score and report the bio-MQM sample (references included) through the real flow, with
    every connection to anything but this machine refused and recorded."""
    attempts = []
    real_connect, real_connect_ex, real_getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def local(address) -> bool:
        if isinstance(address, (str, bytes)):  # a Unix socket
            return True
        host = str(address[0])
        return host in ("localhost", "::1") or host.startswith("127.")

    def connect(sock, address):
        if not local(address):
            attempts.append(address)
            raise OSError(f"test: no network ({address})")
        return real_connect(sock, address)

    def connect_ex(sock, address):
        if not local(address):
            attempts.append(address)
            return 111
        return real_connect_ex(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in (None, "localhost", "127.0.0.1", "::1", b"localhost"):
            attempts.append(host)
            raise socket.gaierror(f"test: no name lookups ({host})")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    from mtqa.flows.run import run_flow

    summary = run_flow(str(SAMPLES / "bio-mqm-sample.jsonl"), str(tmp_path / "out"), CleanConfig(), runner="threads",
                       shard_size=20)
    assert summary["documents_cleaned"] == 56 and summary["scores"]["scored"] > 0
    assert (tmp_path / "out" / "report.html").exists()
    assert attempts == []
