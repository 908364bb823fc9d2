"""The verdicts ``verify --update`` records: in the TOML, through a merge, and the rules of
ticking (:mod:`migrate_tui.verify.update`)."""

from __future__ import annotations

from migrate_tui.progress import ProgressState, SetStatus, apply_changes, merge_states
from migrate_tui.progress.changes import SetVerdict
from migrate_tui.progress.document import dumps_state, parse_state
from migrate_tui.verify.model import ItemVerdict, Manifests, VerifyReport
from migrate_tui.verify.update import BY, verdict_changes
from tests.progress.helpers import at

BASE = apply_changes(ProgressState(), [SetStatus("api.probes", "doing", "ana", at(0))])


def test_a_verdict_keeps_who_changed_the_item_and_when() -> None:
    state = apply_changes(BASE, [SetVerdict("api.probes", "verified", "k8s/api.yaml:66: ok",
                                            at(1))])
    item = state.item("api.probes")
    assert (item.changed_by, item.changed_at) == ("ana", at(0))
    assert (item.verdict, item.evidence, item.verified_at) == ("verified",
                                                               "k8s/api.yaml:66: ok", at(1))
    text = dumps_state(state)
    assert 'verdict = "verified"' in text and 'evidence = "k8s/api.yaml:66: ok"' in text
    assert parse_state(text, "migration.toml") == state
    cleared = apply_changes(state, [SetVerdict("api.probes", None, at=at(2))]).item("api.probes")
    assert (cleared.verdict, cleared.evidence, cleared.verified_at) == (None, None, None)


def test_an_older_verdict_is_stale() -> None:
    state = apply_changes(BASE, [SetVerdict("api.probes", "verified", "new", at(3))])
    later = apply_changes(state, [SetVerdict("api.probes", "contradicted", "old", at(2))])
    assert later.item("api.probes").verdict == "verified"


def test_merge_takes_the_later_verdict_and_keeps_a_persons_change() -> None:
    ours = apply_changes(BASE, [SetVerdict("api.probes", "verified", "a", at(1))])
    theirs = apply_changes(BASE, [SetVerdict("api.probes", "contradicted", "b", at(2)),
                                  ])
    for first, second in ((ours, theirs), (theirs, ours)):
        item = merge_states(BASE, first, second).item("api.probes")
        assert (item.verdict, item.evidence) == ("contradicted", "b")
    # a person's status change on one side, a verdict on the other: both survive
    person = apply_changes(BASE, [SetStatus("api.probes", "done", "bo", at(5))])
    item = merge_states(BASE, person, ours).item("api.probes")
    assert (item.status, item.changed_by, item.verdict) == ("done", "bo", "verified")
    item = merge_states(BASE, ours, person).item("api.probes")
    assert (item.status, item.changed_by, item.verdict) == ("done", "bo", "verified")


def _report(*items: tuple[str, str, str]) -> VerifyReport:
    return VerifyReport(Manifests("k8s", "files", ()),
                        tuple(ItemVerdict(i, v, e, s) for i, v, s, e in
                              ((a, b, "todo", c) for a, b, c in items)))


def test_ticking_rules() -> None:
    state = apply_changes(ProgressState(), [
        SetStatus("a.done", "done", "ana", at(0)),
        SetStatus("a.skipped", "skipped", "ana", at(0)),
        SetStatus("a.blocked", "blocked", "ana", at(0)),
        SetStatus("a.doing", "doing", "ana", at(0)),
        SetVerdict("a.reopened", "verified", "x", at(1)),
        SetStatus("a.reopened", "todo", "bo", at(2)),
        SetVerdict("a.stale", "verified", "x", at(1)),
    ])
    report = _report(("a.done", "contradicted", "k:1: no"), ("a.skipped", "verified", "k:2"),
                     ("a.blocked", "verified", "k:3"), ("a.doing", "verified", "k:4"),
                     ("a.todo", "verified", "k:5"), ("a.reopened", "verified", "x"),
                     ("a.stale", "unknown", "?"))
    changes, said = verdict_changes(report, dict(state.items))
    after = apply_changes(state, changes)
    assert after.item("a.done").status == "done"  # never unticked
    assert after.item("a.done").verdict == "contradicted"
    assert any(line.startswith("a.done is ticked done (by ana)") for line in said)
    assert after.item("a.skipped").status == "skipped"
    assert after.item("a.blocked").status == "blocked"
    assert (after.item("a.doing").status, after.item("a.doing").changed_by) == ("done", BY)
    assert after.item("a.todo").status == "done"
    assert after.item("a.reopened").status == "todo"  # a person reopened it after verify
    assert after.item("a.stale").verdict is None  # unknown now: the old verdict goes
