"""Screenshots of mtqa's runs in the Prefect UI, for the README: the flow-run list, each run named
after its command and input, and one run's Logs tab with mtqa's progress and summary lines.

    .venv/bin/python docs/prefect_ui_screenshots.py          # writes docs/img/prefect-*.png

It starts `prefect server start` with its UI, a throw-away PREFECT_HOME and a free loopback port
(tests/prefect_server.py: the server dies with this script, however it ends), runs `mtqa clean`
on the seed sample and on one of the real TMX files of the tests against it (PREFECT_API_URL),
then drives Debian's Chromium through Playwright (`playwright install` is not needed: the system
`chromium` is launched) to the UI's runs page and to the Logs tab of the seed's run, checks that
the run names and mtqa's log lines are on the page before each screenshot, and stops the server.
Nothing is downloaded: the UI is the one the prefect package ships.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.prefect_server import prefect_server  # noqa: E402

MTQA = str(Path(sys.executable).with_name("mtqa"))
SEED = ROOT / "corpora" / "samples" / "ukraine-article.en.txt"
MEMORY = ROOT / "tests" / "data" / "real" / "okapi" / "tmxtest-attributes.tmx"
# Lines mtqa logs to the run (flows/runinfo.py, flows/cleanup.py): the screenshot must show them.
LOG_LINES = ("Read ", "Findings by category: ")


def clean(corpus: Path, out: Path, env: dict[str, str], *options: str) -> None:
    run = subprocess.run([MTQA, "clean", str(corpus.relative_to(ROOT)), "--out", str(out), "--no-progress", *options],
                         capture_output=True, text=True, env=env, cwd=ROOT)  # the input as a user names it
    if run.returncode != 0:
        raise SystemExit(f"mtqa clean {corpus.name} failed:\n{run.stderr[-2000:]}")


def flow_run_id(api: str, name: str) -> str:
    """The id of the flow run called `name`, from the server's API."""
    body = json.dumps({"flow_runs": {"name": {"any_": [name]}}, "limit": 1}).encode("utf-8")
    request = urllib.request.Request(f"{api}/flow_runs/filter", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        runs = json.load(response)
    if not runs:
        raise SystemExit(f"no flow run named {name!r} on {api}")
    return runs[0]["id"]


def screenshots(ui: str, api: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Debian's chromium is needed (apt-get install chromium; `make browser` does it as root)")
    names = [f"clean {SEED.name}", f"clean {MEMORY.name}"]
    run_id = flow_run_id(api, names[0])
    listing, logs = out / "prefect-runs.png", out / "prefect-run-logs.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{ui}/runs", wait_until="networkidle")
            for name in names:  # the runs, by their names
                page.get_by_text(name, exact=True).first.wait_for(timeout=60_000)
            page.screenshot(path=str(listing), full_page=True)
            page.set_viewport_size({"width": 1440, "height": 1350})  # the UI scrolls inside: tall enough for every line
            page.goto(f"{ui}/runs/flow-run/{run_id}?tab=Logs", wait_until="networkidle")
            for line in LOG_LINES:  # mtqa's own lines in the Logs tab
                page.get_by_text(line, exact=False).first.wait_for(timeout=60_000)
            page.screenshot(path=str(logs))
        finally:
            browser.close()
    return [listing, logs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="where the PNG files go")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mtqa-prefect-ui-") as work:
        work = Path(work)
        home = work / "prefect-home"
        home.mkdir()
        with open(work / "server.log", "w", encoding="utf-8") as log, prefect_server(home, log=log, ui=True) as (api, _):
            env = {**os.environ, "PREFECT_API_URL": api, "PREFECT_HOME": str(home),
                   "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
            clean(SEED, work / "seed", env, "--lang", "en", "--source-lang", "fr")
            clean(MEMORY, work / "memory", env, "--lang", "fr", "--source-lang", "en")
            for path in screenshots(api.removesuffix("/api"), api, args.out):
                print(f"Wrote {path}")


if __name__ == "__main__":
    main()
