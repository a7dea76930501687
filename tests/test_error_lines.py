"""Every fatal problem is one line, `mtqa: error: <file>: <problem and what to do>`, exit status 1,
no traceback: a full disk, a path over PATH_MAX, a pipe or device given as input, a JSON array
given as JSON Lines, a glossary of the wrong shape, a CSV cell over the csv module's limit,
non-UTF-8 text for `mtqa learn`, NaN for a probability."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MTQA, SAMPLES, commands_env

ARTICLE = str(SAMPLES / "ukraine-article.en.txt")


def one_line(args: list[str], *, command: list[str] | None = None, timeout: float = 300) -> str:
    done = subprocess.run((command or [MTQA]) + args, capture_output=True, text=True, timeout=timeout, env=commands_env())
    assert done.returncode == 1, (done.returncode, done.stderr[-3000:])
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.stderr.startswith("mtqa: error: ") and done.stderr.count("\n") == 1, done.stderr[-3000:]
    return done.stderr


def test_a_full_disk_names_the_file_and_says_to_free_space(tmp_path):
    """ENOSPC injected where every output is synced (corpora/writers.py): a real `mtqa clean`."""
    inject = ("import errno, os, sys\n"
              "def full(fd): raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))\n"
              "os.fsync = full\n"
              "from mtqa.flows.cli import main\n"
              "sys.argv[0] = 'mtqa'\n"
              "main()\n")
    line = one_line(["clean", ARTICLE, "--out", str(tmp_path / "o"), "--runner", "threads"],
                    command=[sys.executable, "-c", inject])
    assert str(tmp_path / "o") in line and "no space left on the device: free some space" in line
    assert "rerun the same command to resume" in line


def test_a_full_sqlite_database_is_one_line(tmp_path):
    from mtqa.flows.cli import _fatal
    import sqlite3

    error = _fatal(sqlite3.OperationalError("database or disk is full"), str(tmp_path))
    assert error.message.startswith(f"{tmp_path}: no space left on the device")


def test_a_path_over_path_max_is_one_line(tmp_path):
    deep = str(tmp_path) + "/" + "/".join(["d" * 200] * 25)  # over Linux's PATH_MAX of 4096
    line = one_line(["clean", deep + "/in.jsonl", "--out", str(tmp_path / "o")])
    assert "the path is longer than the file system allows" in line and len(line) < 400
    line = one_line(["clean", ARTICLE, "--out", deep])
    assert "cannot write to the output folder: the path is longer" in line


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_device_as_input_is_refused_at_once(tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "in.jsonl"
        os.mkfifo(path)  # nothing ever writes to it: reading would block forever
    else:
        path = Path("/dev/zero")  # reading would never end
    line = one_line(["clean", str(path), "--out", str(tmp_path / "o"), "--format", "jsonl"], timeout=60)
    assert f"{path}: not a file or folder" in line


def test_a_json_array_is_not_read_as_lines(tmp_path):
    path = tmp_path / "records.json"
    path.write_text('[\n  {"id": 1, "text": "One."},\n  {"id": 2, "text": "Two."}\n]\n', encoding="utf-8")
    line = one_line(["clean", str(path), "--out", str(tmp_path / "o")], timeout=60)
    assert f"{path}: a JSON array, not JSON Lines" in line and "jq -c" in line


@pytest.mark.parametrize("yaml_text, problem", [
    ("must_translate: 5\n", "must_translate must be a list"),
    ("do_not_translate: PubMed\n", "do_not_translate must be a list"),
])
def test_a_glossary_of_the_wrong_shape_is_one_line(tmp_path, yaml_text, problem):
    terms = tmp_path / "terms.yaml"
    terms.write_text(yaml_text, encoding="utf-8")
    line = one_line(["clean", ARTICLE, "--out", str(tmp_path / "o"), "--terms", str(terms)], timeout=60)
    assert str(terms) in line and problem in line


def test_learn_on_text_that_is_not_utf8_is_one_line(tmp_path):
    mt, post = tmp_path / "mt.txt", tmp_path / "post.txt"
    mt.write_bytes("Le café est prêt.\n".encode("latin-1"))
    post.write_text("The coffee is ready.\n", encoding="utf-8")
    line = one_line(["learn", str(mt), str(post), "--out", str(tmp_path / "c.yaml")], timeout=60)
    assert f"{mt}: byte 6: not UTF-8" in line and "iconv" in line


def test_nan_is_not_a_probability(tmp_path):
    done = subprocess.run([MTQA, "clean", ARTICLE, "--out", str(tmp_path / "o"), "--langid-min-prob", "nan"],
                          capture_output=True, text=True, timeout=60, env=commands_env())
    assert done.returncode == 2 and done.stderr.splitlines() == [
        "mtqa: error: Invalid value for '--langid-min-prob': 'nan' is not a number from 0 to 1; "
        "see 'mtqa clean --help'"], done.stderr
    assert not (tmp_path / "o" / "summary.json").exists()


def test_a_csv_cell_over_128_kib_is_read(tmp_path):
    """csv's default limit is 131,072 characters: a long document's replacement is longer."""
    import csv

    from mtqa.revision.decisions import read_csv

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "findings.jsonl").write_text('{"doc_id": "d", "start": 0, "end": 4, "text": "Kiev", "rule": "en.kiev_kyiv", '
                                            '"category": "style", "severity": "minor", "message": "m", "suggestion": "Kyiv", '
                                            '"fix": "review"}\n', encoding="utf-8")
    from mtqa.revision.decisions import reviewable

    (finding,) = reviewable(run_dir)
    sheet = tmp_path / "d.csv"
    with sheet.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "decision", "replacement"])
        writer.writerow([finding["id"], "edit", "K" * 200_000])
    decisions, problems = read_csv(sheet, run_dir)
    assert not problems and len(decisions[0].replacement) == 200_000


@pytest.mark.parametrize("args, expected", [
    (["clean", ARTICLE, "--runner", "bogus"], "mtqa: error: Invalid value for '--runner'"),
    (["clean"], "mtqa: error: Missing argument 'INPUT'; see 'mtqa clean --help'"),
    (["frobnicate"], "mtqa: error: No such command 'frobnicate'; see 'mtqa --help'"),
])
def test_a_usage_error_is_one_line_with_where_to_look(args, expected):
    """click's usage, hint and error lines become the one `mtqa: error:` line every fatal problem
    gets; the exit status stays 2 (a usage error), and no output folder is touched."""
    done = subprocess.run([MTQA, *args], capture_output=True, text=True, timeout=60, env=commands_env())
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith(expected), done.stderr
