"""Changes applied to a state: latest wins, values checked."""

from __future__ import annotations

import datetime as dt

import pytest

from migrate_tui.errors import ProgressError
from migrate_tui.progress import (
    ProgressState,
    SetAssignee,
    SetNote,
    SetOverride,
    SetSetting,
    SetStatus,
    apply_changes,
)
from tests.progress.helpers import at


def test_an_item_change_records_who_and_when() -> None:
    state = apply_changes(ProgressState(), [SetStatus("api.probes", "doing", "ana", at(5))])
    item = state.item("api.probes")
    assert (item.status, item.changed_by, item.changed_at) == ("doing", "ana", at(5))


def test_the_latest_change_wins_whatever_the_order() -> None:
    later, earlier = SetStatus("a", "done", "bo", at(9)), SetStatus("a", "blocked", "ana", at(3))
    for order in ([later, earlier], [earlier, later]):
        assert apply_changes(ProgressState(), order).item("a").status == "done"


def test_changes_in_the_same_second_all_land() -> None:
    state = apply_changes(ProgressState(), [
        SetStatus("a", "done", "ana", at(1)), SetNote("a", "ok", "ana", at(1)),
        SetAssignee("a", "ana", "ana", at(1)),
    ])
    item = state.item("a")
    assert (item.status, item.note, item.assignee) == ("done", "ok", "ana")


def test_empty_text_clears() -> None:
    state = apply_changes(ProgressState(), [
        SetNote("a", "x", "ana", at(1)), SetAssignee("a", "bo", "ana", at(1)),
        SetNote("a", "", "ana", at(2)), SetAssignee("a", None, "ana", at(2)),
    ])
    assert (state.item("a").note, state.item("a").assignee) == (None, None)
    assert "a" in state.items  # it was touched: the time of the change stays


def test_settings_and_overrides() -> None:
    state = apply_changes(ProgressState(), [
        SetSetting("team", ["ana", "bo", "ana"], "ana", at(1)),
        SetSetting("team_size", 4, "ana", at(1)),
        SetSetting("start", dt.date(2025, 4, 1), "ana", at(1)),
        SetSetting("answers.autoscaling", True, "ana", at(1)),
        SetOverride("db", "class", "stateless", "ana", at(1)),
        SetOverride("db", "kind", "job", "ana", at(2)),
        SetOverride("db", "class", None, "ana", at(3)),
    ])
    s = state.settings
    assert s.team == ("ana", "bo")
    assert (s.team_size, s.start, s.answers.autoscaling) == (4, dt.date(2025, 4, 1), True)
    assert s.overrides["db"].service_class is None and s.overrides["db"].kind == "job"
    assert s.changed_at.overrides["db"] == {"class": at(3), "kind": at(2)}


def test_a_stale_setting_change_is_dropped() -> None:
    state = apply_changes(ProgressState(), [
        SetSetting("focus", 0.8, "ana", at(10)), SetSetting("focus", 0.2, "bo", at(5)),
    ])
    assert state.settings.focus == 0.8


def test_a_time_in_the_future_does_not_make_later_changes_stale() -> None:
    future = at(0).replace(year=2099)
    state = apply_changes(ProgressState(), [
        SetStatus("a", "blocked", "eve", future), SetSetting("focus", 0.9, "eve", future),
    ])
    now = at(60)
    state = apply_changes(state, [
        SetStatus("a", "done", "ana", at(30)), SetSetting("focus", 0.2, "ana", at(30)),
    ], now=now)
    item = state.item("a")
    assert (item.status, item.changed_by, item.changed_at) == ("done", "ana", at(30))
    assert state.settings.focus == 0.2


def test_a_time_within_the_clock_skew_still_makes_older_changes_stale() -> None:
    now = at(60)
    fast = now + dt.timedelta(minutes=4)  # a teammate's clock a few minutes fast
    state = apply_changes(ProgressState(), [SetStatus("a", "blocked", "bo", fast)])
    state = apply_changes(state, [SetStatus("a", "done", "ana", now)], now=now)
    assert state.item("a").status == "blocked"


@pytest.mark.parametrize(("change", "words"), [
    (SetSetting("focus", 1.5, "ana", at(1)), "settings.focus"),
    (SetSetting("team_size", "four", "ana", at(1)), "settings.team_size"),
    (SetSetting("answers.server", 3, "ana", at(1)), "answers.servers"),
    (SetOverride("db", "class", "stateful-ish", "ana", at(1)), "settings.overrides.db.class"),
    (SetStatus("a", "finished", "ana", at(1)), "unknown status"),  # type: ignore[arg-type]
])
def test_invalid_changes_are_refused(change: object, words: str) -> None:
    with pytest.raises(ProgressError) as caught:
        apply_changes(ProgressState(), [change])  # type: ignore[list-item]
    assert words in caught.value.render()
