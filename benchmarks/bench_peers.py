"""mtqa's cleanup against OpusFilter's, on the same machine, the same corpus and comparable checks.

    .venv/bin/python benchmarks/bench_peers.py [--runs mtqa,mtqa-1,mtqa-server,opusfilter,opusfilter-1,opusfilter-score]

The corpus is the MT side of every into-English record of ../shared/data/bio-mqm (benchmarks/corpus.py:
25,976 segments from German, Spanish, French, Italian, Portuguese, Russian and Chinese), with its source,
because OpusFilter filters sentence pairs.

- **mtqa**: `mtqa clean` with its default settings (every rule pack and default detector, language ID
  of each document and sentence, process runner on every core) on a JSONL file of the records (id,
  text, lang, source, source_lang), into a fresh output folder (no incremental cache), installed as
  users install it: `pip install .` of this tree (no extras) into a venv of its own
  (`benchmarks/.venv-mtqa`, made on first use, the tree reinstalled into it at every run).
  `mtqa-dask` is the same command from the development venv, which has the `dask` and `test`
  extras: Prefect imports every installed Prefect collection (prefect-dask, and with it Dask and
  distributed) into each process that runs a task, which costs memory even when Dask is not used.
- **OpusFilter**: installed from PyPI into a venv of its own (`benchmarks/.venv-opusfilter`, made on
  first use), its CLI `opusfilter config.yaml` on one source and one target file per language pair:
  a `preprocess` step (WhitespaceNormalizer) and a `filter` step with LangidFilter (its default
  language-ID method, langid.py via py3langid), LengthRatioFilter, TerminalPunctuationFilter,
  NonZeroNumeralsFilter, CharacterScoreFilter and RepetitionFilter, with their documented default
  thresholds (the script and the length unit per language). In a `filter` step a pair that fails
  one filter is not scored by the next, so `opusfilter-score` also runs a `score` step, where every
  filter scores every pair, as every mtqa check looks at every document.

Each run is a fresh process tree, measured for wall time (start-up included: Prefect's for mtqa,
pandas and scikit-learn imports for OpusFilter), CPU time, and the peaks of its summed resident
memory (RSS) and summed proportional set size (PSS, which counts a page shared by n processes 1/n
in each rather than n times), both sampled every half second (SAMPLE_SECONDS says why), with the
load average before and after it.
`mtqa` and `opusfilter` use both cores (mtqa's default; OpusFilter's `default_n_jobs: 2`);
`mtqa-1` and `opusfilter-1` one (OpusFilter's default). `mtqa-server` is `mtqa` reporting to a
running `prefect server start` (PREFECT_API_URL), as scheduled deployments do, instead of
starting Prefect's temporary API server: the server is a long-running service, so its memory is
recorded beside the run, not in it. `mtqa-before`, `mtqa-speed1` and `mtqa-detection-start` run
the code of earlier commits (before the speed work; after its first round; before issue 17's
detection work, whose throughput may drop by at most a quarter) in the development venv, and so are
compared with `mtqa-dask`.

`prefect-floor`, `prefect-floor-threads` and `prefect-floor-server` run benchmarks/prefect_floor.py,
a Prefect flow of one no-op task per shard, in the three ways above: what Prefect alone costs,
compared with the time a run at 2x OpusFilter's throughput would have in all.

`--repeat N` runs every asked run N times, round after round, and keeps each one's median round
(by wall time; the lower middle one for an even N) with the wall and CPU seconds of every round:
wall times on this shared machine vary by 10-20% from one minute to the next. Each run's median
is chosen on its own, so two runs' medians may come from different rounds.

Results: benchmarks/results/peers.{json,md}; runs not asked for keep their earlier figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import bio_mqm_records  # noqa: E402
from mtqa.flows.cleanup import DEFAULT_SHARD_SIZE  # noqa: E402
from tests.prefect_server import prefect_server  # noqa: E402

WORK = ROOT / "benchmarks" / "work" / "peers"
RESULTS = ROOT / "benchmarks" / "results"
OPUS_VENV = ROOT / "benchmarks" / ".venv-opusfilter"
# py3langid 0.4 dropped the `from_pickled_model` that OpusFilter 3.3.1 calls: pin the last release with it
OPUS_SPEC = ["opusfilter==3.3.1", "py3langid<0.4", "lingua-language-detector"]
MTQA_VENV = ROOT / "benchmarks" / ".venv-mtqa"
MTQA_DEV = str(Path(sys.executable).with_name("mtqa"))  # the development venv's: editable, with the extras
SCRIPTS = {"zh": "Han", "ru": "Cyrillic"}  # CharacterScoreFilter's script per language; Latin otherwise
CHAR_UNIT = {"zh"}  # LengthRatioFilter counts characters, not words, in these


def build_corpus(scale: int = 1) -> tuple[Path, list[str], int, dict]:
    """The JSONL for mtqa and one source and one target file per pair for OpusFilter, same records.

    At `scale` N > 1 the corpus is N copies of the records, every copy after the first with every
    segment (MT output and source) varied (`vary`), so that no tool sees a sentence again that a
    real corpus of that size would not repeat: a copy of prefixed or identical texts would let
    mtqa's memory of recent documents and its caches do less work than real data needs. Texts
    repeated within the base corpus (one record per rater) stay repeated within each copy.
    Returns the JSONL, the pairs, the segment count and how many distinct texts there are."""
    WORK.mkdir(parents=True, exist_ok=True)
    corpus = WORK / ("into-en.jsonl" if scale == 1 else f"into-en-x{scale}.jsonl")
    opus = WORK / ("opus" if scale == 1 else f"opus-x{scale}")
    base = [{k: rec[k] for k in ("id", "text", "lang", "source", "source_lang")}
            for rec in bio_mqm_records() if rec["lang"] == "en"]
    pairs: dict[str, list[tuple[str, str]]] = {}
    texts: set[str] = set()
    with open(corpus, "w", encoding="utf-8") as out:
        for copy in range(scale):
            for rec in base:
                if copy:
                    rec = {**rec, "id": f"{rec['id']}~{copy}", "text": vary(rec["text"], copy), "source": vary(rec["source"], copy)}
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                texts.add(rec["text"])
                # OpusFilter reads one segment a line: a line break inside one would shift the pairs
                pairs.setdefault(rec["source_lang"], []).append(tuple(" ".join(s.splitlines()) for s in (rec["source"], rec["text"])))
    opus.mkdir(exist_ok=True)
    for src, rows in pairs.items():
        for side, lang in ((0, src), (1, "en")):
            (opus / f"{src}-en.{lang}").write_text("".join(row[side] + "\n" for row in rows), encoding="utf-8")
    documents = sum(map(len, pairs.values()))
    return corpus, sorted(pairs), documents, {"scale": scale, "distinct_texts": len(texts), "base_distinct_texts":
                                              len({rec["text"] for rec in base})}


def vary(text: str, copy: int) -> str:
    """`text` with the order of its inner words shuffled (the first and the last stay, so a segment
    still starts and ends as it did), the same way for the same text and copy: a different sentence
    in the same language, words and script, as long. Segments of three words or fewer have no
    inner order to change and stay as they are.

    >>> vary("The patient was treated with the new drug.", 1) != "The patient was treated with the new drug."
    True
    """
    words = text.split(" ")
    if len(words) <= 3:
        return text
    inner = words[1:-1]
    rng = random.Random(f"{copy}:{text}")
    for _ in range(8):  # a shuffle may give the same order back: try again
        rng.shuffle(inner)
        if inner != words[1:-1]:
            break
    return " ".join([words[0], *inner, words[-1]])


def opus_config(langs: list[str], n_jobs: int, mode: str, scale: int = 1, lid: str = "langid") -> tuple[Path, Path]:
    """One YAML file: per pair, whitespace normalisation, then the filters (`filter` or `score` step);
    language ID by LangidFilter (py3langid, OpusFilter's default) or LinguaFilter (`lid="lingua"`:
    lingua-py, OpusFilter's defaults for it: all languages, low-accuracy mode)."""
    import yaml

    tag = f"{mode}-{n_jobs}{'' if lid == 'langid' else '-' + lid}{'' if scale == 1 else f'-x{scale}'}"
    out = WORK / f"opus-out-{tag}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for src in langs:
        for lang in (src, "en"):
            shutil.copy(WORK / ("opus" if scale == 1 else f"opus-x{scale}") / f"{src}-en.{lang}", out / f"{src}-en.{lang}")
    steps = []
    for src in langs:
        raw = [f"{src}-en.{src}", f"{src}-en.en"]
        norm = [f"{src}-en.norm.{src}", f"{src}-en.norm.en"]
        steps.append({"type": "preprocess", "parameters": {
            "inputs": raw, "outputs": norm, "preprocessors": [{"WhitespaceNormalizer": {}}]}})
        filters = [
            {"LangidFilter" if lid == "langid" else "LinguaFilter": {"languages": [src, "en"], "thresholds": [0, 0]}},
            {"LengthRatioFilter": {"threshold": 3, "unit": ["char" if src in CHAR_UNIT else "word", "word"]}},
            {"TerminalPunctuationFilter": {"threshold": -2}},
            {"NonZeroNumeralsFilter": {"threshold": 0.5}},
            {"CharacterScoreFilter": {"scripts": [SCRIPTS.get(src, "Latin"), "Latin"], "thresholds": [1, 1]}},
            {"RepetitionFilter": {"threshold": 2, "min_length": 3, "max_length": 100}},
        ]
        if mode == "filter":
            steps.append({"type": "filter", "parameters": {
                "inputs": norm, "outputs": [f"{src}-en.kept.{src}", f"{src}-en.kept.en"], "filters": filters}})
        else:
            steps.append({"type": "score", "parameters": {
                "inputs": norm, "output": f"{src}-en.scores.jsonl", "filters": filters}})
    config = {"common": {"output_directory": str(out), "default_n_jobs": n_jobs}, "steps": steps}
    path = WORK / f"opusfilter-{tag}.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path, out


def opus_venv() -> Path:
    """OpusFilter's own virtual environment (its dependencies, pandas and scikit-learn among them,
    stay out of mtqa's)."""
    python = OPUS_VENV / "bin" / "python"
    if not (OPUS_VENV / "bin" / "opusfilter").exists() or subprocess.run([str(python), "-c", "import lingua"]).returncode:
        subprocess.run([sys.executable, "-m", "venv", str(OPUS_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *OPUS_SPEC], check=True)
    return python


def mtqa_install() -> str:
    """`mtqa` as `pip install .` installs this tree, with no extras, in a venv of its own; the tree
    is installed again each time (its version does not change with the code)."""
    python = MTQA_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(MTQA_VENV)], check=True)
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' build folder keeps files the tree no longer has
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(ROOT)], check=True, cwd=WORK)  # its dependencies
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(ROOT)],
                   check=True, cwd=WORK)  # the tree as it is now
    return str(MTQA_VENV / "bin" / "mtqa")


def mtqa_versions(mtqa: str) -> dict[str, str]:
    """The versions in the environment of the `mtqa` command measured."""
    code = ("import json, importlib.metadata as m; "
            "print(json.dumps({p: m.version(p) for p in ('mtqa', 'prefect', 'ftfy', 'langdetect', 'numpy')}))")
    python = str(Path(mtqa).with_name("python"))
    return json.loads(subprocess.run([python, "-c", code], check=True, capture_output=True, text=True).stdout)


def opus_versions(python: Path) -> dict[str, str]:
    code = ("import json, importlib.metadata as m; "
            "print(json.dumps({p: m.version(p) for p in ('opusfilter', 'py3langid', 'lingua-language-detector', 'regex', 'numpy')}))")
    return json.loads(subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True).stdout)


# How often a run's process tree is sampled. The sampler shares the machine's two cores with the
# tool it measures, and its cost grows with the tool's resident memory (the kernel walks each
# process's page tables for PSS): at every 0.1 s it took 14% of a core beside mtqa at 10x (2.8 of
# 20 s; 21 ms a round for three processes of 230-340 MB) and 7% beside OpusFilter (8 ms a round),
# time taken from the tools' wall clock, twice as much from mtqa's. Every 0.5 s both are under 5%
# of a core, and memory that stays flat for seconds (both tools' does) still shows its peak.
SAMPLE_SECONDS = 0.5


def timed(cmd: list[str], log: Path, env: dict | None = None, sample_seconds: float = SAMPLE_SECONDS) -> dict:
    """Wall time and the peaks of the process tree's summed RSS and PSS; output to `log`
    (OpusFilter's progress bars would fill a pipe nobody reads and stall it).

    Summed RSS counts a page shared by several processes (the interpreter and libraries mapped
    from the same files, pages a forked child has not written to) once per process; PSS (the
    kernel's proportional set size) divides each shared page among the processes sharing it, so
    the summed PSS of a tree is the memory it actually occupies. Both are sampled every
    `sample_seconds` (SAMPLE_SECONDS by default: why there), the same way for every tool."""
    load_before = os.getloadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        proc = psutil.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        peak = peak_pss = 0
        each: dict[int, tuple[str, int, int]] = {}  # pid -> (what it is, its own peak RSS, its own peak PSS)
        cpu_of: dict[int, tuple[str, float]] = {}  # pid -> (what it is, its CPU seconds when last seen)
        while proc.poll() is None:
            try:
                tree = [proc] + proc.children(recursive=True)
                sizes = {}
                for p in tree:
                    try:
                        info = p.memory_full_info()
                        sizes[p.pid] = (each[p.pid][0] if p.pid in each else _role(p), info.rss, info.pss)
                        times = p.cpu_times()
                        cpu_of[p.pid] = (sizes[p.pid][0], times.user + times.system)
                    except psutil.Error:  # ended while sampled
                        pass
                peak = max(peak, sum(rss for _, rss, _ in sizes.values()))
                peak_pss = max(peak_pss, sum(pss for _, _, pss in sizes.values()))
                for pid, (role, rss, pss) in sizes.items():
                    _, top_rss, top_pss = each.get(pid, ("", 0, 0))
                    each[pid] = (role, max(rss, top_rss), max(pss, top_pss))
            except psutil.Error:
                pass
            try:  # the next sample, or the end of the process at once: the wall time is not rounded up to a period
                proc.wait(timeout=sample_seconds)
            except psutil.TimeoutExpired:
                pass
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed ({proc.returncode}), see {log}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    big = [v for v in each.values() if v[1] > 20 * 2**20]
    result = {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_rss_mb": round(peak / 2**20, 1),
              "peak_pss_mb": round(peak_pss / 2**20, 1),
              "peak_rss_mb_by_process": sorted(([role, round(rss / 2**20, 1)] for role, rss, _ in big), key=lambda x: -x[1]),
              "peak_pss_mb_by_process": sorted(([role, round(pss / 2**20, 1)] for role, _, pss in big), key=lambda x: -x[1]),
              # as last sampled: a process's last moments before it ended are missing
              "cpu_seconds_by_process": sorted(([role, round(c, 1)] for role, c in cpu_of.values() if c >= 0.5), key=lambda x: -x[1])}
    result["load_before"] = [round(x, 2) for x in load_before]
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


def _role(p: psutil.Process) -> str:
    """A short name for a process of the tree: Prefect's API server, a worker, or the command itself."""
    line = " ".join(p.cmdline())
    if "uvicorn" in line or "prefect.server" in line:
        return "prefect api server"
    if "multiprocessing" in line or "spawn_main" in line:
        return "worker"
    return Path(p.cmdline()[1]).name if len(p.cmdline()) > 1 else p.name()


# BLAS and OpenMP thread pools pinned to one thread for every tool, as anyone running parallel jobs
# would set: langid's one matrix product a segment takes 0.36 ms on one OpenBLAS thread and 11.6 ms
# with OpenBLAS's default thread pool on this shared 2-core machine (measured)
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def run_opus(python: Path, langs: list[str], n_jobs: int, mode: str, documents: int, blas_threads: bool = False,
             scale: int = 1, lid: str = "langid") -> dict:
    config, out = opus_config(langs, n_jobs, mode, scale, lid)
    # unpinned only in the run that shows OpenBLAS's default
    env = None if blas_threads else ONE_THREAD
    result = timed([str(python.with_name("opusfilter")), "--overwrite", str(config)], WORK / f"{config.stem}.log", env)
    result["openblas_threads"] = "default" if blas_threads else 1
    if mode == "filter":
        result["kept"] = sum(sum(1 for _ in open(out / f"{src}-en.kept.en", encoding="utf-8")) for src in langs)
    else:
        result["scored"] = sum(sum(1 for _ in open(out / f"{src}-en.scores.jsonl", encoding="utf-8")) for src in langs)
    result["documents"] = documents
    result["docs_per_s"] = round(documents / result["seconds"], 1)
    result["docs_per_cpu_s"] = round(documents / result["cpu_seconds"], 1)
    return result


# Put where an earlier commit's code is extracted: the development venv's editable install maps
# mtqa's packages (mtqa.cleaners, ...) to the working tree by a finder of its own, which PYTHONPATH
# does not override; this points that finder's map at the commit's folders, in every process of
# the run (site imports it at start-up, after the editable install's finder is in place).
_COMMIT_FIRST = '''"""Written by benchmarks/bench_peers.py: run this commit's packages, not the working tree's."""
import sys
from pathlib import Path

_here = Path(__file__).resolve().parent
for _name, _module in list(sys.modules.items()):
    if _name.startswith("__editable___mtqa") and isinstance(getattr(_module, "MAPPING", None), dict):
        for _package, _path in list(_module.MAPPING.items()):
            if (_here / Path(_path).name).is_dir():
                _module.MAPPING[_package] = str(_here / Path(_path).name)
'''


def run_mtqa(corpus: Path, workers: int | None, commit: str | None = None, api_url: str | None = None,
             mtqa: str = MTQA_DEV) -> dict:
    """`mtqa clean` with its defaults; with `commit`, the code of that commit (its packages first on
    the path, in this venv), to measure the same run before and after a change; with `api_url`,
    reporting to that Prefect server (PREFECT_API_URL) instead of starting a temporary one."""
    name = f"{workers or 'default'}{'-dev' if mtqa == MTQA_DEV and not commit else ''}{'-' + commit if commit else ''}{'-server' if api_url else ''}{'-' + corpus.stem if corpus.stem != 'into-en' else ''}"
    out = WORK / f"mtqa-out-{name}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [mtqa, "clean", str(corpus), "--out", str(out), "--no-progress"]
    if workers:
        cmd += ["--workers", str(workers)]
    env = dict(ONE_THREAD)
    if commit:
        code = WORK / f"code-{commit}"
        if not code.exists():
            code.mkdir(parents=True)
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
        (code / "sitecustomize.py").write_text(_COMMIT_FIRST, encoding="utf-8")
        env["PYTHONPATH"] = str(code)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    else:
        env["MTQA_REUSE_SERVER"] = "0"  # its own temporary server, counted, even if a background server is up
    result = timed(cmd, WORK / f"mtqa-{name}.log", env)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    result.update(documents=summary["documents_cleaned"], findings=summary["findings"], edits=summary["edits"])
    result["docs_per_s"] = round(result["documents"] / result["seconds"], 1)
    result["docs_per_cpu_s"] = round(result["documents"] / result["cpu_seconds"], 1)
    return result


def one_run(key: str, corpus: Path, langs: list[str], documents: int, python: Path, scale: int = 1,
            mtqa: str = MTQA_DEV) -> dict:
    """One measured run of `key` (a RUNS or FLOORS name) on the corpus at `scale`; `mtqa` is the
    regular install's command."""
    if key in FLOORS:
        return run_floor(key, -(-documents // DEFAULT_SHARD_SIZE))
    if key == "mtqa-server":
        with running_server() as (url, server):
            run = run_mtqa(corpus, None, api_url=url, mtqa=mtqa)
            run["prefect_server_memory"] = server_memory(server)
        return run
    if key.startswith("mtqa"):
        commit = {"mtqa-before": BEFORE, "mtqa-speed1": SPEED1, "mtqa-detection-start": DETECTION_START}.get(key)
        run = run_mtqa(corpus, 1 if key == "mtqa-1" else None, commit,
                       mtqa=MTQA_DEV if commit or key == "mtqa-dask" else mtqa)
        if commit:
            run["commit"] = commit
        return run
    return run_opus(python, langs, 1 if key == "opusfilter-1" else 2, "score" if key == "opusfilter-score" else "filter",
                    documents, blas_threads=key == "opusfilter-blas-threads", scale=scale,
                    lid="lingua" if key == "opusfilter-lingua" else "langid")


def run_floor(key: str, tasks: int) -> dict:
    """benchmarks/prefect_floor.py, measured like the real runs: what Prefect alone costs."""
    cmd = [sys.executable, str(ROOT / "benchmarks" / "prefect_floor.py"), "threads" if key.endswith("threads") else "processes", str(tasks)]
    if key.endswith("server"):
        with running_server() as (url, server):
            result = timed(cmd, WORK / f"{key}.log", {**ONE_THREAD, "PREFECT_API_URL": url})
            result["prefect_server_memory"] = server_memory(server)
    else:
        result = timed(cmd, WORK / f"{key}.log", ONE_THREAD)
    result["tasks"] = tasks
    return result


@contextmanager
def running_server() -> Iterator[tuple[str, psutil.Process]]:
    """`prefect server start` (UI off, no scheduler: nothing is scheduled) in a PREFECT_HOME of its
    own, as a scheduled deployment runs against one; its address and process, stopped after."""
    with open(WORK / "prefect-server.log", "w", encoding="utf-8") as log, \
            prefect_server(WORK / "prefect-home", "--no-scheduler", log=log) as (url, server):
        yield url, psutil.Process(server.pid)


def server_memory(server: psutil.Process) -> dict:
    """The running server's own memory (its process tree), after the run it served."""
    tree = [server] + server.children(recursive=True)
    infos = [p.memory_full_info() for p in tree]
    return {"rss_mb": round(sum(i.rss for i in infos) / 2**20, 1), "pss_mb": round(sum(i.pss for i in infos) / 2**20, 1)}


RUNS = {
    "mtqa": "mtqa clean, defaults (process runner, 2 workers)",
    "mtqa-dask": "mtqa clean, defaults, with the dask extra installed (development venv)",
    "mtqa-1": "mtqa clean, defaults but 1 worker",
    "mtqa-before": "mtqa clean, defaults, before the speed work",
    "mtqa-speed1": "mtqa clean, defaults, after the first speed work",
    "mtqa-detection-start": "mtqa clean, defaults, before issue 17's detection work (development venv)",
    "mtqa-server": "mtqa clean, defaults, with a running Prefect server (PREFECT_API_URL; the server's own memory not counted)",
    "opusfilter": "OpusFilter filter step, 2 jobs",
    "opusfilter-lingua": "OpusFilter filter step, 2 jobs, language ID by lingua (LinguaFilter) instead of py3langid",
    "opusfilter-1": "OpusFilter filter step, 1 job (its default)",
    "opusfilter-score": "OpusFilter score step (every filter on every pair), 2 jobs",
    "opusfilter-blas-threads": "OpusFilter filter step, 2 jobs, OpenBLAS's default threads",
}
FLOORS = {  # benchmarks/prefect_floor.py: a Prefect flow that does nothing, one task per shard of the real run
    "prefect-floor": "a Prefect flow of no-op tasks, as mtqa clean runs it (temporary server, process pool, a worker per core)",
    "prefect-floor-threads": "the same on the thread runner (Prefect starts its temporary server itself)",
    "prefect-floor-server": "the same process-pool flow reporting to a running Prefect server (its memory not counted)",
}
DEFAULT_RUNS = "mtqa-before,mtqa,opusfilter,mtqa-1,opusfilter-1,opusfilter-score"
BEFORE = "251ed7b"  # the last commit before the speed work (issue 8, point 4)
SPEED1 = "e59d2c4"  # the first speed work merged, before the start-up and language-ID work of the second
DETECTION_START = "127a3c0"  # main when issue 17 (detection that generalises) was taken up: its throughput bound is against this


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", default=DEFAULT_RUNS, help=f"any of {', '.join([*RUNS, *FLOORS])}")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of every run; each run's median round is kept")
    parser.add_argument("--scales", default="1", help="corpus sizes, comma-separated: 1 is the corpus, N > 1 is N copies "
                                                      "of it with every segment varied (build_corpus); e.g. 1,10")
    args = parser.parse_args()
    runs = args.runs.split(",")
    scales = [int(x) for x in args.scales.split(",")]
    unknown = set(runs) - set(RUNS) - set(FLOORS)
    if unknown:
        raise SystemExit(f"unknown runs: {sorted(unknown)}; choose from {sorted([*RUNS, *FLOORS])}")
    corpora = {scale: build_corpus(scale) for scale in scales}
    python = opus_venv()
    mtqa = mtqa_install() if any(key.startswith("mtqa") for key in runs) else MTQA_DEV
    previous = RESULTS / "peers.json"
    results: dict = json.loads(previous.read_text(encoding="utf-8")) if previous.exists() else {"runs": {}}
    results.update({
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "memory_gb": round(psutil.virtual_memory().total / 2**30, 1)},
        "versions": {"mtqa": mtqa_versions(mtqa),
                     "opusfilter": opus_versions(python)},
        "blas_threads": ONE_THREAD,
    })
    for scale, (corpus, langs, documents, distinct) in corpora.items():
        section = results if scale == 1 else results.setdefault("scales", {}).setdefault(f"{scale}x", {})
        section["corpus"] = {"documents": documents, "pairs": [f"{src}-en" for src in langs],
                             "mb": round(corpus.stat().st_size / 2**20, 1), **distinct}
    done: dict[tuple[int, str], list[dict]] = {(scale, key): [] for scale in scales for key in runs}
    for round_ in range(args.repeat):  # round after round, so that a busy minute of the shared machine hits every tool
        for scale, (corpus, langs, documents, _) in corpora.items():
            for key in runs:
                run = one_run(key, corpus, langs, documents, python, scale, mtqa)
                run["date"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
                done[(scale, key)].append(run)
                print(f"{scale}x", key, f"round {round_ + 1}", run, flush=True)
    for (scale, key), each in done.items():
        run = sorted(each, key=lambda r: r["seconds"])[(len(each) - 1) // 2]  # the median round by wall time (the lower of two)
        if len(each) > 1:
            run["rounds_seconds"] = [r["seconds"] for r in each]
            run["rounds_cpu_seconds"] = [r["cpu_seconds"] for r in each]
        section = results if scale == 1 else results["scales"][f"{scale}x"]
        section.setdefault("floor" if key in FLOORS else "runs", {})[key] = run
    for section in [results, *results.get("scales", {}).values()]:
        section["ratios"] = ratios(section.get("runs", {}))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "peers.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "peers.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))


def ratios(r: dict) -> dict:
    """mtqa's figures over its peer's, for each pair of runs measured."""
    found = {}
    for mine, theirs in (("mtqa", "opusfilter"), ("mtqa-dask", "opusfilter"), ("mtqa", "opusfilter-lingua"), ("mtqa-server", "opusfilter"),
                         ("mtqa-1", "opusfilter-1"), ("mtqa", "opusfilter-score"), ("mtqa-before", "opusfilter"),
                         ("mtqa-speed1", "opusfilter"), ("mtqa-dask", "mtqa-speed1"), ("mtqa-dask", "mtqa-before"),
                         ("mtqa-dask", "mtqa-detection-start"), ("mtqa-detection-start", "opusfilter")):
        if mine in r and theirs in r:
            found[f"{mine} / {theirs}"] = {
                "throughput": round(r[mine]["docs_per_s"] / r[theirs]["docs_per_s"], 2),
                "per_cpu_second": round(r[mine]["docs_per_cpu_s"] / r[theirs]["docs_per_cpu_s"], 2),
                "peak_memory": round(r[mine]["peak_rss_mb"] / r[theirs]["peak_rss_mb"], 2)}
            if "peak_pss_mb" in r[mine] and "peak_pss_mb" in r[theirs]:
                found[f"{mine} / {theirs}"]["peak_pss"] = round(r[mine]["peak_pss_mb"] / r[theirs]["peak_pss_mb"], 2)
    return found


def markdown(results: dict) -> str:
    m, c, v = results["machine"], results["corpus"], results["versions"]
    lines = [
        "# mtqa against OpusFilter: throughput and peak memory",
        "",
        f"- Machine: {m['cpus']} CPUs, {m['memory_gb']} GB, {m['platform']}, Python {m['python']}",
        f"- mtqa (`pip install .`, no extras, own venv): {', '.join(f'{k} {x}' for k, x in v['mtqa'].items())}",
        f"- OpusFilter (own venv): {', '.join(f'{k} {x}' for k, x in v['opusfilter'].items())}",
        f"- Corpus: the MT output of every into-English record of ../shared/data/bio-mqm with its source, "
        f"{c['documents']} segments ({', '.join(c['pairs'])}), {c['mb']} MB as mtqa's JSONL",
        "- Wall time of the whole command, start-up included; peak memory: summed resident memory (RSS) of the "
        f"process tree, sampled every {SAMPLE_SECONDS} s (mtqa's includes Prefect's temporary API server, ~220 MB), and",
        "  summed proportional set size (PSS: a page shared by n processes counts 1/n in each), which does not",
        "  count shared pages several times as summed RSS does; the same sampling for both tools.",
        "- CPU seconds: user + system time of the whole process tree (from the kernel's accounting of the",
        "  children): steadier than wall time on this shared machine, where other work takes its share of the cores.",
        "- Load: 1-minute load average before / after the run (the machine is shared: 2 cores).",
        "",
        "| run | segments | seconds | segments/s | CPU seconds | segments per CPU second | peak RSS (MB) | peak PSS (MB) | load before / after | output |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows = [(RUNS.get(key, key) + (f" (commit {r['commit']})" if "commit" in r else "") + rounds(r), r)
            for key, r in results["runs"].items()]
    for label, r in rows:
        if "findings" in r:
            output = f"{r['findings']} findings with spans, {r['edits']} edits (logged, reversible)"
        elif "kept" in r:
            output = f"{r['kept']} pairs kept (keep/drop only)"
        else:
            output = f"{r['scored']} score lines (one number per filter and pair)"
        lines.append(f"| {label} | {r['documents']} | {r['seconds']:.1f} | {r['docs_per_s']} | {r.get('cpu_seconds', '')} "
                     f"| {r.get('docs_per_cpu_s', '')} | {r['peak_rss_mb']} | {r.get('peak_pss_mb', '')} "
                     f"| {r['load_before'][0]} / {r['load_after'][0]} | {output} |")
    if results.get("ratios"):
        lines += ["", "| ratio | throughput (wall) | per CPU second | peak RSS | peak PSS |", "|---|---|---|---|---|"]
        for key, ratio in results["ratios"].items():
            pss = f"{ratio['peak_pss']}x" if "peak_pss" in ratio else ""
            lines.append(f"| {key} | {ratio['throughput']}x | {ratio.get('per_cpu_second', '')}x | {ratio['peak_memory']}x | {pss} |")
    for key in ("mtqa", "mtqa-server", "opusfilter"):
        run = results["runs"].get(key, {})
        for metric in ("rss", "pss"):
            each = run.get(f"peak_{metric}_mb_by_process")
            if each:  # OpusFilter runs one job after another: its processes' peaks are not at the same time
                more = f" and {len(each) - 4} more" if len(each) > 4 else ""
                lines += ["", f"{RUNS[key]}: peak {metric.upper()} by process: "
                          + ", ".join(f"{role} {mb} MB" for role, mb in each[:4]) + more + "."]
        if run.get("cpu_seconds_by_process") and key.startswith("mtqa"):
            each = run["cpu_seconds_by_process"]
            lines += ["", f"{RUNS[key]}: CPU seconds by process (as last sampled): "
                      + ", ".join(f"{role} {sec}" for role, sec in each[:6]) + "."]
        if "prefect_server_memory" in run:
            m = run["prefect_server_memory"]
            lines += ["", f"The running Prefect server itself (not counted above): {m['rss_mb']} MB RSS, {m['pss_mb']} MB PSS after the run."]
    lines += floor_markdown(results)
    lines += scales_markdown(results)
    lines += [
        "",
        "What each does: OpusFilter normalises white space and gives each pair a keep/drop decision (or a",
        "score per filter); it does not say where in a segment the problem is and changes nothing else.",
        "mtqa repairs encoding and Unicode, normalises white space and punctuation debris (each change an",
        "edit against the original, replayable and reversible), identifies the language of each document",
        "and each sentence, applies every rule pack and default detector (numbers, brackets, repetition",
        "loops, untranslated and source-language words, spelling, QA checks) and reports each finding with",
        "its span, rule id, category, severity and suggestion.",
    ]
    return "\n".join(lines) + "\n"


def scales_markdown(results: dict) -> list[str]:
    """The larger corpora (`--scales`), and the ratios at every scale side by side."""
    scales = results.get("scales") or {}
    lines = []
    for name, section in scales.items():
        c = section["corpus"]
        lines += ["", f"## {name} the corpus: {c['documents']} segments, {c['mb']} MB ({c['distinct_texts']} distinct MT texts, "
                      f"against {c['base_distinct_texts']} in the corpus)", "",
                  "Every copy after the first has every segment of four words or more varied (its inner words shuffled, "
                  "the same way for the same text; `build_corpus`), MT output and source alike.", "",
                  "| run | segments | seconds | segments/s | CPU seconds | segments per CPU second | peak RSS (MB) | peak PSS (MB) | load before / after |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for key, r in section.get("runs", {}).items():
            lines.append(f"| {RUNS.get(key, key)}{rounds(r)} | {r['documents']} | {r['seconds']:.1f} | {r['docs_per_s']} | {r['cpu_seconds']} "
                         f"| {r['docs_per_cpu_s']} | {r['peak_rss_mb']} | {r['peak_pss_mb']} | {r['load_before'][0]} / {r['load_after'][0]} |")
        for key in ("mtqa",):
            each = section.get("runs", {}).get(key, {}).get("peak_pss_mb_by_process")
            if each:
                lines += ["", f"{RUNS[key]}: peak PSS by process: " + ", ".join(f"{role} {mb} MB" for role, mb in each[:5]) + "."]
    every = {"1x": results, **scales}
    if any("mtqa / opusfilter" in section.get("ratios", {}) for section in every.values()):
        lines += ["", "## mtqa against OpusFilter at each scale (2 jobs each, BLAS threads pinned to 1)", "",
                  "| scale | mtqa / OpusFilter (py3langid): throughput | per CPU second | mtqa / OpusFilter (lingua): throughput "
                  "| mtqa peak PSS (MB) | the same with the dask extra installed |", "|---|---|---|---|---|---|"]
        for name, section in every.items():
            ratio = section.get("ratios", {})
            if "mtqa / opusfilter" not in ratio:
                continue
            lingua = ratio.get("mtqa / opusfilter-lingua", {}).get("throughput")
            lines.append(f"| {name} | {ratio['mtqa / opusfilter']['throughput']}x | {ratio['mtqa / opusfilter']['per_cpu_second']}x "
                         f"| {f'{lingua}x' if lingua else ''} | {section['runs']['mtqa']['peak_pss_mb']} "
                         f"| {section['runs'].get('mtqa-dask', {}).get('peak_pss_mb', '')} |")
    return lines


def rounds(run: dict) -> str:
    """', median of 3 rounds: 21.0, 22.4, 25.1 s' for a repeated run; nothing for a single one."""
    each = run.get("rounds_seconds")
    return f", median of {len(each)} rounds: {', '.join(f'{x:.1f}' for x in sorted(each))} s" if each else ""


def floor_markdown(results: dict) -> list[str]:
    """The floor runs beside OpusFilter's: the time a 2x faster run would have in all, and how much
    of it, and of OpusFilter's memory, Prefect takes before a line is read."""
    floor, opus = results.get("floor"), results["runs"].get("opusfilter")
    if not floor or not opus:
        return []
    budget = opus["seconds"] / 2
    lines = ["", "## The floor: what Prefect alone costs (benchmarks/prefect_floor.py)", "",
             f"A flow whose tasks return at once, one task per shard of the run above, imports Prefect and, of mtqa, only its Prefect defaults. "
             f"At 2x OpusFilter's throughput (2 jobs: {opus['seconds']:.1f} s, {opus['peak_pss_mb']} MB PSS) the whole "
             f"run would take {budget:.1f} s.", "",
             "| run | tasks | seconds | share of the 2x budget | CPU seconds | peak RSS (MB) | peak PSS (MB) | PSS against OpusFilter's | load before / after |",
             "|---|---|---|---|---|---|---|---|---|"]
    for key, r in floor.items():
        lines.append(f"| {FLOORS[key]}{rounds(r)} | {r['tasks']} | {r['seconds']:.1f} | {r['seconds'] / budget:.0%} | {r['cpu_seconds']} "
                     f"| {r['peak_rss_mb']} | {r['peak_pss_mb']} | {r['peak_pss_mb'] / opus['peak_pss_mb']:.2f}x "
                     f"| {r['load_before'][0]} / {r['load_after'][0]} |")
    for key, r in floor.items():
        lines += ["", f"{FLOORS[key]}: peak PSS by process: "
                  + ", ".join(f"{role} {mb} MB" for role, mb in r["peak_pss_mb_by_process"][:4]) + "."]
        if "prefect_server_memory" in r:
            m = r["prefect_server_memory"]
            lines += ["", f"The running Prefect server itself (not counted): {m['rss_mb']} MB RSS, {m['pss_mb']} MB PSS."]
    return lines


if __name__ == "__main__":
    main()
