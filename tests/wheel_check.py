"""CI's check of what users install: the wheel, in a fresh virtual environment, not the editable tree.

`make test` runs this before the test suite. It builds the wheel, installs it (with its
dependencies, as `pip install mtqa` would) into a new virtual environment outside the repository,
and from a folder outside the repository:
- runs `mtqa run` on the sample article, on the TMX sample and on the XLIFF sample, and compares
  every output file but report.html (it holds the run's time) with the same run by the editable
  install: a data file left out of the wheel (a rule pack, a lexicon) changes findings without
  crashing anything, so "it ran" is not enough;
- checks that `import cleaners` (and the other folders' bare names) fails there: the wheel installs
  one top-level package, `mtqa`.
All the runs report to one Prefect server started here, which saves Prefect's temporary server
(5-10 s) for each. Usage: `python tests/wheel_check.py [WORK_DIR]` (default: build/wheel-check).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.prefect_server import prefect_server  # noqa: E402

SAMPLES = ROOT / "corpora" / "samples"
RUNS = {  # output folder -> the arguments of `mtqa run` after the input
    "article": (SAMPLES / "ukraine-article.en.txt", ["--lang", "en", "--source-lang", "fr"]),
    "tmx": (SAMPLES / "bio-mqm-sample.tmx", []),
    "xlf": (SAMPLES / "bio-mqm-sample.de-en.xlf", []),
}
BARE_NAMES = ("cleaners", "corpora", "flows", "reports", "revision", "scoring")


def fail(message: str) -> None:
    print(f"wheel check: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def step(message: str, started: float) -> None:
    print(f"wheel check: {message} ({time.monotonic() - started:.0f} s)", flush=True)


def quiet(command: list[str]) -> None:
    """Run a build or install step; its output (setuptools is talkative) only if it fails."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"{' '.join(command)} exited with {done.returncode}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")


def build_wheel(work: Path) -> Path:
    dist = work / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    quiet([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(dist), str(ROOT)])
    wheels = list(dist.glob("mtqa-*.whl"))
    if len(wheels) != 1:
        fail(f"expected one wheel in {dist}, found {wheels}")
    return wheels[0]


def fresh_env(work: Path, wheel: Path) -> Path:
    env_dir = work / "venv"
    shutil.rmtree(env_dir, ignore_errors=True)
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    quiet([str(python), "-m", "pip", "install", str(wheel)])
    return env_dir / "bin"


def run_samples(mtqa: str, out_root: Path, env: dict[str, str], cwd: Path) -> None:
    for name, (sample, options) in RUNS.items():
        out = out_root / name
        shutil.rmtree(out, ignore_errors=True)
        done = subprocess.run([mtqa, "run", str(sample), *options, "--out", str(out), "--no-history"],
                              env=env, cwd=cwd, capture_output=True, text=True)
        if done.returncode != 0:
            fail(f"{mtqa} run {sample.name} exited with {done.returncode}:\n{done.stdout}{done.stderr}")


def compare(installed: Path, editable: Path) -> None:
    for name in RUNS:
        files = sorted(p.name for p in (editable / name).iterdir() if p.is_file() and p.name != "report.html")
        got = sorted(p.name for p in (installed / name).iterdir() if p.is_file() and p.name != "report.html")
        if files != got:
            fail(f"{name}: the wheel's run wrote {got}, the editable install's {files}")
        for file in files:
            if (installed / name / file).read_bytes() != (editable / name / file).read_bytes():
                fail(f"{name}/{file}: the wheel's output differs from the editable install's "
                     f"(compare {installed / name / file} with {editable / name / file})")
        if not (installed / name / "report.html").is_file():
            fail(f"{name}: no report.html")


def main() -> None:
    started = time.monotonic()
    work = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "wheel-check").resolve()
    work.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(work)
    step(f"built {wheel.name}", started)
    bin_dir = fresh_env(work, wheel)
    step(f"installed it into a fresh environment, {bin_dir.parent}", started)
    outside = Path(tempfile.mkdtemp(prefix="mtqa-wheel-cwd-"))  # no repository folder on sys.path
    for name in BARE_NAMES:
        bare = subprocess.run([str(bin_dir / "python"), "-c", f"import {name}"], cwd=outside, capture_output=True, text=True)
        if bare.returncode == 0 or "ModuleNotFoundError" not in bare.stderr:
            fail(f"`import {name}` should fail in the installed environment: {bare.stderr.strip() or 'it succeeded'}")
    step(f"`import {'/'.join(BARE_NAMES)}` fail there, as they should", started)
    home = work / "prefect-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir()
    with open(work / "prefect-server.log", "w", encoding="utf-8") as log, prefect_server(home, "--no-services", log=log) as (api, _):
        env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": api, "DO_NOT_TRACK": "1",
               "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING"}
        env.pop("PYTHONPATH", None)
        run_samples(str(bin_dir / "mtqa"), work / "installed", env, outside)
        step("the installed mtqa ran the article, TMX and XLIFF samples", started)
        run_samples(str(Path(sys.executable).with_name("mtqa")), work / "editable", env, outside)
    compare(work / "installed", work / "editable")
    shutil.rmtree(outside, ignore_errors=True)
    step("its outputs are byte-identical to the editable install's: OK", started)


if __name__ == "__main__":
    main()
