"""EditLog: any sequence of passes composes into an edit log that replays both ways."""

from hypothesis import given, settings
from hypothesis import strategies as st

from mtqa.cleaners.edits import EditLog, apply_edits, revert_edits


@st.composite
def passes(draw):
    """An original text and a few passes of sorted, non-overlapping changes, each on the text so far."""
    text = draw(st.text(alphabet="ab \u00e9.,\n", max_size=30))
    steps, current = [], text
    for _ in range(draw(st.integers(1, 4))):
        cuts = sorted(draw(st.lists(st.integers(0, len(current)), max_size=8)))
        changes = []
        for s, e in zip(cuts[::2], cuts[1::2]):
            changes.append((s, e, draw(st.text(alphabet="xyz ", max_size=3))))
        steps.append(changes)
        for s, e, rep in reversed(changes):
            current = current[:s] + rep + current[e:]
    return text, steps, current


@settings(max_examples=500, deadline=None)
@given(passes())
def test_passes_compose_into_a_replayable_log(case):
    original, steps, expected = case
    log = EditLog(original)
    for n, changes in enumerate(steps):
        before = log.text
        spans = log.replace(changes, f"rule{n}")
        assert all(0 <= a <= b <= len(original) for a, b, _ in spans)
        assert len(spans) == len([c for c in changes if before[c[0] : c[1]] != c[2]])
    assert log.text == expected
    edits = log.edits("doc")
    assert all(original[e.start : e.end] == e.before for e in edits)
    assert all(a.end <= b.start for a, b in zip(edits, edits[1:]))
    assert apply_edits(original, edits) == expected
    assert revert_edits(expected, edits) == original


def test_an_edit_names_every_rule_that_touched_it():
    log = EditLog("a  b ,, c")
    log.replace([(1, 3, " "), (4, 5, "")], "space")
    log.replace([(0, 2, "A "), (3, 5, ",")], "fix")
    assert [(e.before, e.after, e.rule) for e in log.edits("d")] == [
        ("a  ", "A ", "space+fix"),
        (" ", "", "space"),
        (",,", ",", "fix"),
    ]


def test_a_log_that_does_not_fit_is_refused():
    log = EditLog("abc")
    log.replace([(0, 1, "x")], "r")
    try:
        apply_edits("zbc", log.edits("d"))
    except ValueError as exc:
        assert "does not match" in str(exc)
    else:
        raise AssertionError("a log for another text must not apply")
