"""mtqa's fast scoring gives sacrebleu's own results: the compiled TER against sacrebleu's
lib_ter, the vectorised paired tests against sacrebleu.significance.PairedTest, to the last bit."""

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import lib_ter
from sacrebleu.significance import PairedTest

from mtqa.scoring import metrics as metrics_module
from mtqa.scoring.compare import compare, reference_streams
from mtqa.scoring.metrics import metrics_for
from mtqa.scoring.run import score_cleaned
from mtqa.scoring.significance import approximate_randomization, paired_bootstrap, paired_test_signature
from mtqa.scoring.ter import translation_edit_rate
from tests.conftest import SAMPLES

SAMPLE = [json.loads(line) for line in (SAMPLES / "bio-mqm-sample.jsonl").read_text(encoding="utf-8").splitlines()]
LANGS = sorted({r["lang"] for r in SAMPLE})


def test_ter_equals_sacrebleus_on_real_segments():
    pairs = 0
    for rec in SAMPLE:
        ter = metrics_for(rec["lang"])["ter"]
        hyp = ter._preprocess_segment(rec["text"]).split()
        for ref in rec["references"]:
            words = ter._preprocess_segment(ref).split()
            assert translation_edit_rate(hyp, words) == lib_ter.translation_edit_rate(hyp, words), rec["id"]
            pairs += 1
    assert pairs > 100


words = st.lists(st.sampled_from("abcdef"), max_size=25)


@settings(max_examples=300, deadline=None)
@given(words, words)
def test_ter_equals_sacrebleus_on_generated_word_sequences(hyp, ref):
    # few distinct words: many matching blocks, so many candidate shifts and ties
    assert translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref)


def test_ter_equals_sacrebleus_with_shifted_blocks_and_a_wide_beam():
    rng = random.Random(7)
    for _ in range(60):
        ref = [rng.choice("abcdefgh") for _ in range(rng.randint(5, 40))]
        hyp = list(ref)
        for _ in range(rng.randint(1, 4)):  # move blocks around: what TER's shifts are for
            i, j = sorted(rng.sample(range(len(hyp) + 1), 2))
            k = rng.randint(0, len(hyp) - (j - i))
            block, rest = hyp[i:j], hyp[:i] + hyp[j:]
            hyp = rest[:k] + block + rest[k:]
        assert translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref)
    short, long = ["a", "b"], [rng.choice("ab") for _ in range(120)]  # length ratio 60: beam wider than 25
    assert translation_edit_rate(short, long) == lib_ter.translation_edit_rate(short, long)
    assert translation_edit_rate([], ["a", "b"]) == lib_ter.translation_edit_rate([], ["a", "b"]) == (2, 2)
    assert translation_edit_rate(["a"], []) == lib_ter.translation_edit_rate(["a"], []) == (1, 0)


@pytest.fixture
def plain_sacrebleu(monkeypatch):
    """metrics_for() giving sacrebleu's metrics as sacrebleu runs them: every segment read each
    time, sacrebleu's own TER search."""
    monkeypatch.delattr(metrics_module.StatisticsOnce, "_extract_corpus_statistics")
    monkeypatch.delattr(metrics_module.StatisticsOnce, "_cache_references")
    monkeypatch.delattr(metrics_module.OnceTER, "_compute_segment_statistics")
    monkeypatch.delattr(metrics_module.OnceCHRF, "_get_match_statistics")


SACREBLEU_NAMES = {"BLEU": "bleu", "chrF2": "chrf", "chrF2++": "chrf++", "TER": "ter"}


def sacrebleus_tests(before, after, refs, lang, samples):
    """p-values and signatures of sacrebleu's PairedTest, each test, each metric."""
    streams = reference_streams(refs)
    out = {}
    for test in ("bs", "ar"):
        metrics = metrics_for(lang)
        signatures, scores = PairedTest([("original", before), ("revised", after)], metrics, streams,
                                        test_type=test, n_samples=samples)()
        for key, name in SACREBLEU_NAMES.items():
            out[(test, name)] = (scores[key][1].p_value, str(signatures[key]))
    return out


def ours(before, after, refs, lang, samples):
    metrics = metrics_for(lang)
    streams = reference_streams(refs)
    stats_b = {n: m._extract_corpus_statistics(before, streams) for n, m in metrics.items()}
    stats_a = {n: m._extract_corpus_statistics(after, streams) for n, m in metrics.items()}
    real = {n: abs(m._aggregate_and_compute(stats_b[n]).score - m._aggregate_and_compute(stats_a[n]).score)
            for n, m in metrics.items()}
    out = {}
    for test, run in (("bs", paired_bootstrap), ("ar", approximate_randomization)):
        p_values = run(metrics, stats_b, stats_a, real, samples, 12345)
        for name, metric in metrics.items():
            out[(test, name)] = (p_values[name], paired_test_signature(metric, test, samples, "12345"))
    return out


REVISIONS = {
    "one in three": lambda i, t: t.replace(",", "", 1) if i % 3 == 0 else t,
    "every one": lambda i, t: t.replace(",", "").replace(" the ", " a ").replace("。", ""),
}


@pytest.mark.parametrize("revision", sorted(REVISIONS))
@pytest.mark.parametrize("lang", LANGS)
def test_paired_tests_equal_sacrebleus_to_the_bit(lang, revision, request):
    records = [r for r in SAMPLE if r["lang"] == lang]
    before = [r["text"] for r in records]
    after = [REVISIONS[revision](i, t) for i, t in enumerate(before)]
    refs = [r["references"] for r in records]
    mine = ours(before, after, refs, lang, 300)
    request.getfixturevalue("plain_sacrebleu")
    assert mine == sacrebleus_tests(before, after, refs, lang, 300)


def test_paired_tests_equal_sacrebleus_on_hundreds_of_segments(request):
    # long float32 sums (the bootstrap's) and many trials: rounding would show here
    records = [r for r in SAMPLE if r["lang"] == "en"]
    rng = random.Random(3)
    before, refs = [], []
    for i in range(800):
        rec = records[i % len(records)]
        words = rec["text"].split()[:12]  # short segments: sacrebleu's own TER reads them six times
        rng.shuffle(words)
        before.append(" ".join(words))
        refs.append([" ".join(r.split()[:12]) for r in rec["references"][: 1 + i % len(rec["references"])]])
    after = [t.replace(",", "") if i % 7 == 0 else t for i, t in enumerate(before)]
    mine = ours(before, after, refs, "en", 120)
    request.getfixturevalue("plain_sacrebleu")
    assert mine == sacrebleus_tests(before, after, refs, "en", 120)


def test_compare_gives_what_sacrebleu_gives(plain_sacrebleu):
    records = [r for r in SAMPLE if r["lang"] == "de"]
    before = [r["text"] for r in records]
    after = [t.replace(",", "", 1) for t in before]
    refs = [r["references"] for r in records]
    result = compare(before, after, refs, "de")
    theirs = sacrebleus_tests(before, after, refs, "de", 1000)
    trials = sacrebleus_tests(before, after, refs, "de", 10000)
    for name, m in result["metrics"].items():
        assert m["p_bootstrap"] == round(theirs[("bs", name)][0], 6)
        assert m["p_approx_randomization"] == round(trials[("ar", name)][0], 6)
        assert m["test_signatures"] == {"bs": theirs[("bs", name)][1], "ar": trials[("ar", name)][1]}


def test_scoring_reports_its_progress_in_segments(tmp_path):
    class Recorder:
        total, done = None, 0

        def update(self, total):
            self.total = total

        def advance(self, amount):
            self.done += amount

    cleaned = tmp_path / "cleaned.jsonl"
    records = [dict(r, original=r["text"], text=r["text"].replace(",", "", 1)) for r in SAMPLE[:12]]
    cleaned.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    bar = Recorder()
    score_cleaned(cleaned, progress=bar)
    changed = sum(r["text"] != r["original"] for r in records)
    assert bar.total == bar.done == len(records) + changed  # each original, then each revised segment that differs
