"""The three-way merge: the union of both sides, the latest change where they meet."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from migrate_tui.progress import (
    ProgressState,
    SetAssignee,
    SetNote,
    SetSetting,
    SetStatus,
    apply_changes,
    merge_states,
)
from migrate_tui.progress.changes import CLOCK_SKEW, future_times
from tests.progress.helpers import at
from tests.progress.strategies import changes

BASE = apply_changes(ProgressState(), [
    SetStatus("shared", "doing", "ana", at(0)),
    SetSetting("team", ["ana", "bo"], "ana", at(0)),
])


def test_different_items_give_the_union() -> None:
    ours = apply_changes(BASE, [SetStatus("api.probes", "done", "ana", at(1))])
    theirs = apply_changes(BASE, [SetStatus("db.data-backup", "done", "bo", at(2))])
    merged = merge_states(BASE, ours, theirs)
    assert merged.item("api.probes").status == "done"
    assert merged.item("db.data-backup").status == "done"
    assert merged.item("shared") == BASE.item("shared")


def test_the_same_field_goes_to_the_later_change_on_either_side() -> None:
    early = apply_changes(BASE, [SetStatus("shared", "blocked", "ana", at(1))])
    late = apply_changes(BASE, [SetStatus("shared", "done", "bo", at(2))])
    for ours, theirs in ((early, late), (late, early)):
        item = merge_states(BASE, ours, theirs).item("shared")
        assert (item.status, item.changed_by, item.changed_at) == ("done", "bo", at(2))


def test_different_fields_of_one_item_are_both_kept() -> None:
    ours = apply_changes(BASE, [SetAssignee("shared", "ana", "ana", at(1))])
    theirs = apply_changes(BASE, [SetStatus("shared", "done", "bo", at(2))])
    item = merge_states(BASE, ours, theirs).item("shared")
    assert (item.assignee, item.status, item.changed_by) == ("ana", "done", "bo")


def test_settings_latest_wins_and_team_keeps_both_sides() -> None:
    ours = apply_changes(BASE, [
        SetSetting("focus", 0.5, "ana", at(1)),
        SetSetting("team", ["ana", "bo", "cy"], "ana", at(1)),
    ])
    theirs = apply_changes(BASE, [
        SetSetting("focus", 0.25, "bo", at(2)),
        SetSetting("team", ["bo", "di"], "bo", at(2)),
        SetSetting("answers.servers", 4, "bo", at(2)),
    ])
    merged = merge_states(BASE, ours, theirs).settings
    assert merged.focus == 0.25
    assert merged.answers.servers == 4
    assert merged.team == ("bo", "di", "cy")  # cy and di added, ana removed
    assert merged.changed_at.team == at(2)


def test_a_cleared_setting_beats_an_earlier_set() -> None:
    base = apply_changes(BASE, [SetSetting("team_size", 3, "ana", at(0))])
    ours = apply_changes(base, [SetSetting("team_size", 5, "ana", at(1))])
    theirs = apply_changes(base, [SetSetting("team_size", None, "bo", at(2))])
    assert merge_states(base, ours, theirs).settings.team_size is None


def test_a_note_on_one_side_and_nothing_on_the_other() -> None:
    theirs = apply_changes(BASE, [SetNote("new", "hello", "bo", at(3))])
    assert merge_states(BASE, BASE, theirs) == theirs


sides = st.lists(changes, max_size=6)


@settings(max_examples=150, deadline=None)
@given(base=sides, ours=sides, theirs=sides)
def test_merge_laws(base: list, ours: list, theirs: list) -> None:  # type: ignore[type-arg]
    b = apply_changes(ProgressState(), base)
    o, t = apply_changes(b, ours), apply_changes(b, theirs)
    merged = merge_states(b, o, t)
    assert merged == merge_states(b, t, o)  # which side is "ours" does not matter
    assert merge_states(b, o, b) == o
    assert merge_states(b, b, t) == t
    assert merge_states(b, o, o) == o
    # every item either side touched is in the result
    assert set(merged.items) >= (set(o.items) | set(t.items)) - (set(b.items) - set(o.items))


def test_team_merge_does_not_depend_on_the_side() -> None:
    base = apply_changes(ProgressState(), [SetSetting("team", ["a", "b"], "x", at(0))])
    ours = apply_changes(base, [SetSetting("team", ["a", "c"], "x", at(1))])
    theirs = apply_changes(base, [SetSetting("team", ["b", "d"], "x", at(2))])
    merged = merge_states(base, ours, theirs)
    assert merged == merge_states(base, theirs, ours)
    assert merged.settings.team == ("d", "c")


# ------------------------------------------------------------- a time in the future

FUTURE = apply_changes(BASE, [SetStatus("shared", "blocked", "eve", at(0).replace(year=2099))])
NOW = at(60)


def test_a_time_in_the_future_does_not_win_over_a_later_real_change() -> None:
    real = apply_changes(BASE, [SetStatus("shared", "done", "bo", at(30))], now=NOW)
    for ours, theirs in ((FUTURE, real), (real, FUTURE)):
        item = merge_states(BASE, ours, theirs, now=NOW).item("shared")
        assert (item.status, item.changed_by) == ("done", "bo")


def test_a_time_a_little_ahead_is_a_fast_clock_and_is_believed() -> None:
    fast = apply_changes(BASE, [SetStatus("shared", "blocked", "ana", NOW + CLOCK_SKEW)])
    real = apply_changes(BASE, [SetStatus("shared", "done", "bo", NOW)], now=NOW)
    assert merge_states(BASE, fast, real, now=NOW).item("shared").status == "blocked"
    assert merge_states(BASE, real, fast, now=NOW).item("shared").status == "blocked"


def test_a_setting_set_in_the_future_loses_to_a_real_one() -> None:
    future = apply_changes(BASE, [SetSetting("focus", 0.9, "eve", at(0).replace(year=2099))])
    real = apply_changes(BASE, [SetSetting("focus", 0.25, "bo", at(30))], now=NOW)
    for ours, theirs in ((future, real), (real, future)):
        assert merge_states(BASE, ours, theirs, now=NOW).settings.focus == 0.25


def test_a_time_in_the_future_is_listed_with_its_key_path() -> None:
    state = apply_changes(FUTURE, [SetSetting("focus", 0.9, "eve", at(0).replace(year=2099))])
    assert future_times(state, NOW) == [
        'items."shared".changed_at = 2099-03-01T09:00:00Z',
        "settings.changed_at.focus = 2099-03-01T09:00:00Z",
    ]
    assert future_times(BASE, NOW) == []
