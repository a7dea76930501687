"""The review desk (review.html) in a real browser: Playwright driving Debian's Chromium reviews a
run by keyboard, filters, reloads, exports the decisions, and `mtqa apply` writes the revised text."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess

import pytest

from tests.conftest import MTQA, commands_env

CHROMIUM = shutil.which("chromium")
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it as root)")

DOCS = [
    {"id": "wire-1", "lang": "en", "source_lang": "fr",
     "source": "Vendredi, Antony Blinken, le chef de la diplomatie américaine, a dit que la Russie envoyait des troupes dans le Donbass.",
     "text": "On Friday, Antony Blinken, the head of US diplomacy, said Russia was sending troops to the Dombas."},
    {"id": "wire-2", "lang": "en", "source_lang": "fr",
     "source": "Les manœuvres ont commencé aux portes de l’Ukraine, à Kiev.",
     "text": "The manoeuvres began at Ukraine’s gates, in Kiev."},
]


def mtqa(*args: str, cwd=None) -> subprocess.CompletedProcess:
    result = subprocess.run([MTQA, *args], capture_output=True, text=True, timeout=300, env=commands_env(), cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("desk")
    corpus = tmp / "wire.jsonl"
    corpus.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in DOCS), encoding="utf-8")
    mtqa("run", str(corpus), "--out", str(tmp / "out"), "--no-history")
    return tmp / "out"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def test_the_run_writes_a_desk_with_one_script_allowed_by_its_hash(run_dir):
    page = (run_dir / "review.html").read_text(encoding="utf-8")
    assert "script-src 'sha256-" in page and "default-src 'none'" in page
    assert page.count("<script") == 2  # the data block and the desk's own script, nothing else
    assert "review.html" in (run_dir / "report.html").read_text(encoding="utf-8")  # the report points to it


@needs_browser
def test_a_reviser_reviews_in_the_browser_exports_and_apply_writes_the_revised_text(run_dir, browser, tmp_path):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto((run_dir / "review.html").as_uri())
    items = page.locator("section.item")
    count = items.count()
    rules = [items.nth(k).locator(".head code").inner_text() for k in range(count)]
    assert {"fr-en.head_of_us_diplomacy", "en.dombas_donbas", "en.kiev_kyiv", "fr-en.at_the_gates"} <= set(rules)
    first = items.nth(0)
    assert "current" in first.get_attribute("class")
    assert "le chef de la diplomatie américaine" in first.locator(".source").inner_text()  # the source, shown
    assert "US Secretary of State" in first.locator(".sugg ins").inner_text()  # the suggestion, in plain view

    answers = {}
    for k, rule in enumerate(rules):  # answered by keyboard, one finding after the other
        if rule == "fr-en.head_of_us_diplomacy":
            page.keyboard.press("e")
            page.locator(f"#{items.nth(k).get_attribute('id')} .edit input").fill("Secretary of State")
            page.keyboard.press("Enter")
            answers[rule] = "edit"
        elif rule == "fr-en.at_the_gates":
            page.keyboard.press("r")
            answers[rule] = "reject"
        elif rule == "en.kiev_kyiv":
            page.keyboard.press("x")
            answers[rule] = "not_an_error"
        elif rule == "en.dombas_donbas":
            page.keyboard.press("a")
            answers[rule] = "accept"
        else:  # other rules' findings (a lexicon's on the same span, say): left as they are
            page.keyboard.press("r")
            answers[rule] = "reject"
    assert page.locator("#progress").inner_text().startswith(f"{count} of {count} decided")
    page.keyboard.press("u")  # undo the last answer, then give it again
    assert page.locator("#progress").inner_text().startswith(f"{count - 1} of {count} decided")
    page.keyboard.press({"reject": "r", "not_an_error": "x", "accept": "a"}[answers[rules[-1]]])

    page.select_option("#filter-rule", "en.kiev_kyiv")  # a slice: only that rule's findings shown
    assert page.locator("section.item:visible").count() == rules.count("en.kiev_kyiv")
    # the answers survive closing the tab (localStorage): a new tab shows them. Chromium hands a
    # page's storage to the browser process asynchronously, so on a loaded machine the new tab
    # may have to look again for a moment.
    page.close()
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for _ in range(20):
        page.goto((run_dir / "review.html").as_uri())
        if page.locator("#progress").inner_text().startswith(f"{count} of {count} decided"):
            break
        page.wait_for_timeout(500)
    assert page.locator("#progress").inner_text().startswith(f"{count} of {count} decided")
    assert "edit: Secretary of State" in page.locator("section.item").nth(0).locator(".decision").inner_text()

    with page.expect_download() as download:
        page.click("#export")
    sheet = tmp_path / "decisions.csv"
    download.value.save_as(sheet)
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    assert {r["rule"]: r["decision"] for r in rows} == answers
    assert errors == []

    work = tmp_path / "run"
    shutil.copytree(run_dir, work)
    result = mtqa("apply", str(work), str(sheet))
    assert f"Applied {rules.count('en.dombas_donbas') + 1} decisions" in result.stdout
    revised = {r["id"]: r["text"] for r in map(json.loads, (work / "revised.jsonl").read_text(encoding="utf-8").splitlines())}
    assert revised["wire-1"] == "On Friday, Antony Blinken, the Secretary of State, said Russia was sending troops to the Donbas."
    assert revised["wire-2"] == "The manoeuvres began at Ukraine’s gates, in Kiev."  # rejected, and not an error: as it was
    assert not (work / "my-rules.allow.yaml").exists()  # "not an error" of one occurrence silences nothing else


def test_review_browser_writes_the_desk_with_what_is_still_waiting(run_dir, tmp_path):
    work = tmp_path / "run"
    shutil.copytree(run_dir, work)
    first = json.loads((work / "review.html").read_text(encoding="utf-8").split('id="desk-data">', 1)[1].split("</script>", 1)[0])
    from mtqa.revision.decisions import decision_for, reviewable

    finding = next(iter(reviewable(work)))
    (work / "review.jsonl").write_text(json.dumps(decision_for(finding, "reject").to_json()) + "\n", encoding="utf-8")
    result = mtqa("review", str(work), "--browser")
    assert f"Wrote {work / 'review.html'}" in result.stdout
    again = json.loads((work / "review.html").read_text(encoding="utf-8").split('id="desk-data">', 1)[1].split("</script>", 1)[0])
    assert [i["id"] for i in again["items"]] == [i["id"] for i in first["items"] if i["id"] != finding["id"]]
