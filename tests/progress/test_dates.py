"""The days an item started and finished: recorded by ``set``, kept by merges, checked."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate_tui.errors import ProgressError
from migrate_tui.progress import ProgressState, ProgressStore, SetStatus, apply_changes
from migrate_tui.progress.commands import cmd_set, parse_day
from migrate_tui.progress.document import dumps_state, parse_state
from migrate_tui.progress.merge import merge_states
from tests.progress.helpers import at
from tests.progress.test_git_merge import _commit_on, _git, _repo

KNOWN = {"api.probes", "db.data-backup"}
TODAY = dt.date(2025, 3, 20)
D = dt.date


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "migration.toml")


def _item(store: ProgressStore, item_id: str = "api.probes") -> tuple[object, ...]:
    item = ProgressStore(store.path).load().item(item_id)
    return item.status, item.started, item.finished


def test_doing_records_the_start_and_done_the_finish(store: ProgressStore) -> None:
    line = cmd_set(store, "api.probes", "doing", "ana", None, KNOWN, "2025-03-03", today=TODAY)
    assert line == "api.probes: todo -> doing (by ana); started 2025-03-03"
    line = cmd_set(store, "api.probes", "done", "ana", None, KNOWN, "2025-03-07", today=TODAY)
    assert line == "api.probes: doing -> done (by ana); finished 2025-03-07"
    assert _item(store) == ("done", D(2025, 3, 3), D(2025, 3, 7))
    text = store.path.read_text()
    block = text.split('[items."api.probes"]\n', 1)[1].splitlines()
    assert block[block.index("finished = 2025-03-07") + 1:][:1] == ["started = 2025-03-03"]


def test_without_at_the_day_is_the_day_of_the_change() -> None:
    state = apply_changes(ProgressState(), [SetStatus("api.probes", "doing", "ana", at(0))])
    state = apply_changes(state, [SetStatus("api.probes", "done", "ana", at(60 * 24 * 2))])
    item = state.item("api.probes")
    assert (item.started, item.finished) == (D(2025, 3, 1), D(2025, 3, 3))


def test_reopening_clears_the_finish_and_todo_clears_both() -> None:
    state = apply_changes(ProgressState(), [
        SetStatus("a", "doing", "ana", at(0), on=D(2025, 2, 20)),
        SetStatus("a", "done", "ana", at(1)),
        SetStatus("a", "doing", "ana", at(2)),  # reopened: the start stays
    ])
    assert (state.item("a").started, state.item("a").finished) == (D(2025, 2, 20), None)
    state = apply_changes(state, [SetStatus("a", "blocked", "ana", at(3))])
    assert (state.item("a").started, state.item("a").finished) == (D(2025, 2, 20), None)
    state = apply_changes(state, [SetStatus("a", "todo", "ana", at(4))])
    assert (state.item("a").started, state.item("a").finished) == (None, None)


def test_done_without_a_start_leaves_the_start_unknown() -> None:
    state = apply_changes(ProgressState(), [SetStatus("a", "done", "ana", at(0))])
    assert (state.item("a").started, state.item("a").finished) == (None, D(2025, 3, 1))


def test_a_clock_behind_the_recorded_start_finishes_the_day_it_started() -> None:
    state = apply_changes(ProgressState(), [
        SetStatus("a", "doing", "ana", at(0), on=D(2025, 3, 5)),
        SetStatus("a", "done", "bo", at(1)),  # on 2025-03-01, before the start given
    ])
    assert (state.item("a").started, state.item("a").finished) == (D(2025, 3, 5), D(2025, 3, 5))


@pytest.mark.parametrize(("text", "status", "message", "fix"), [
    ("yesterday", "done", "--at 'yesterday' is not a date", "YYYY-MM-DD"),
    ("2025-3-4", "done", "is not a date", "YYYY-MM-DD"),
    ("20250304", "done", "is not a date", "YYYY-MM-DD"),
    ("2025-02-30", "doing", "is not a date", "YYYY-MM-DD"),
    ("2025-03-22", "done", "--at 2025-03-22 is in the future (today is 2025-03-20)",
     "today or an earlier day"),
    ("2099-01-01", "doing", "is in the future", "today or an earlier day"),
    ("2025-03-01", "todo", "not 'todo'", "--status doing or --status done"),
    ("2025-03-01", "blocked", "not 'blocked'", "--status doing or --status done"),
])
def test_a_bad_at_is_refused_with_the_fix(store: ProgressStore, text: str, status: str,
                                          message: str, fix: str) -> None:
    with pytest.raises(ProgressError) as caught:
        cmd_set(store, "api.probes", status, "ana", None, KNOWN, text, today=TODAY)
    assert message in caught.value.message
    assert fix in (caught.value.hint or "")
    assert not store.path.exists()


def test_tomorrow_is_allowed_for_a_teammate_a_time_zone_ahead() -> None:
    assert parse_day("2025-03-21", "done", today=TODAY) == D(2025, 3, 21)


def test_a_finish_before_the_start_is_refused_and_nothing_is_saved(
        store: ProgressStore) -> None:
    cmd_set(store, "api.probes", "doing", "ana", None, KNOWN, "2025-03-10", today=TODAY)
    before = store.path.read_bytes()
    with pytest.raises(ProgressError) as caught:
        cmd_set(store, "api.probes", "done", "ana", None, KNOWN, "2025-03-09", today=TODAY)
    err = caught.value
    assert err.message == "api.probes: 2025-03-09 is before the item started (2025-03-10)"
    assert "--at 2025-03-10 or later" in (err.hint or "")
    assert store.path.read_bytes() == before


def test_a_hand_edited_finish_before_the_start_names_its_line() -> None:
    text = ('schema = 1\n\n[items."api.probes"]\nfinished = 2025-03-01\nstarted = 2025-03-04\n'
            'status = "done"\n')
    with pytest.raises(ProgressError) as caught:
        parse_state(text, "migration.toml")
    err = caught.value
    assert err.line == 3
    assert "finished 2025-03-01 is before started 2025-03-04" in err.message
    assert "fix the dates" in (err.hint or "")


def test_a_date_written_as_a_string_is_refused_with_the_fix() -> None:
    with pytest.raises(ProgressError) as caught:
        parse_state('schema = 1\n[items.a]\nstatus = "done"\nfinished = "2025-03-01"\n', "m")
    assert caught.value.path == "items.a.finished"
    assert "finished = 2025-03-07 (a date, no quotes)" in (caught.value.hint or "")


def test_the_cli_exits_2_on_a_bad_at(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from migrate_tui.cli import main

    project = tmp_path / "p"
    shutil.copytree(Path(__file__).parents[2] / "sample_projects" / "webapp", project)
    code = main(["set", "api.probes", "--status", "done", "--at", "03/04/2025", "--by", "ana",
                 "--project", str(project)])
    err = capsys.readouterr().err
    assert code == 2
    assert "not a date" in err and "YYYY-MM-DD" in err and "Traceback" not in err
    assert main(["set", "api.probes", "--status", "done", "--at", "2025-03-04", "--by", "ana",
                 "--project", str(project)]) == 0
    assert "finished = 2025-03-04" in (project / "migration.toml").read_text()


# -- merges ----------------------------------------------------------------------------------


def _done(item_id: str, who: str, minute: int, started: D | None, finished: D) -> list[SetStatus]:
    changes = [SetStatus(item_id, "doing", who, at(minute), on=started)] if started else []
    return [*changes, SetStatus(item_id, "done", who, at(minute + 1), on=finished)]


def test_the_same_item_done_on_both_sides_keeps_the_earlier_days() -> None:
    base = ProgressState()
    ours = apply_changes(base, _done("a", "ana", 0, D(2025, 3, 3), D(2025, 3, 6)))
    theirs = apply_changes(base, _done("a", "bo", 10, D(2025, 3, 4), D(2025, 3, 5)))
    merged = merge_states(base, ours, theirs)
    item = merged.item("a")
    assert (item.status, item.started, item.finished) == ("done", D(2025, 3, 3), D(2025, 3, 5))
    assert item.changed_by == "bo"  # the rest still goes to the later change
    assert merge_states(base, theirs, ours) == merged


def test_a_start_known_on_one_side_only_never_comes_after_the_finish() -> None:
    base = ProgressState()
    ours = apply_changes(base, _done("a", "ana", 0, None, D(2025, 3, 3)))
    theirs = apply_changes(base, _done("a", "bo", 10, D(2025, 3, 5), D(2025, 3, 6)))
    item = merge_states(base, ours, theirs).item("a")
    assert (item.started, item.finished) == (D(2025, 3, 3), D(2025, 3, 3))


def test_done_on_one_side_reopened_on_the_other_goes_to_the_later_change() -> None:
    base = apply_changes(ProgressState(), _done("a", "ana", 0, D(2025, 3, 1), D(2025, 3, 2)))
    ours = apply_changes(base, [SetStatus("a", "doing", "ana", at(30))])  # reopened, later
    theirs = apply_changes(base, [SetStatus("a", "done", "bo", at(20), on=D(2025, 3, 4))])
    item = merge_states(base, ours, theirs).item("a")
    assert (item.status, item.started, item.finished) == ("doing", D(2025, 3, 1), None)


days = st.dates(min_value=D(2025, 1, 1), max_value=D(2025, 3, 31))
dated = st.builds(
    lambda item, status, who, minute, on: SetStatus(item, status, who, at(minute), on=on),
    st.sampled_from(["a", "b"]), st.sampled_from(["todo", "doing", "done", "blocked"]),
    st.sampled_from(["ana", "bo"]), st.integers(0, 100), st.none() | days,
)


def _applied(state: ProgressState, changes: list[SetStatus]) -> ProgressState:
    for change in changes:  # a change refused (a finish before the start) is left out
        try:
            state = apply_changes(state, [change])
        except ProgressError:
            continue
    return state


@settings(max_examples=200, deadline=None)
@given(base=st.lists(dated, max_size=4), ours=st.lists(dated, max_size=4),
       theirs=st.lists(dated, max_size=4))
def test_a_merge_of_dated_items_is_valid_and_does_not_depend_on_the_side(
        base: list[SetStatus], ours: list[SetStatus], theirs: list[SetStatus]) -> None:
    b = _applied(ProgressState(), base)
    o, t = _applied(b, ours), _applied(b, theirs)
    merged = merge_states(b, o, t)
    assert merged == merge_states(b, t, o)
    assert parse_state(dumps_state(merged), "m") == merged  # valid, and round-trips
    for item in merged.items.values():
        assert item.finished is None or item.status == "done"
        assert item.status != "todo" or item.started is None


def test_two_branches_finishing_different_items_and_the_same_one(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("needs git")
    repo, store = _repo(tmp_path, driver=True)
    _git(repo, "branch", "ana-work")
    _git(repo, "branch", "bo-work")
    _commit_on(repo, "ana-work", store, [
        SetStatus("api.probes", "done", "ana", at(10), on=D(2025, 3, 4)),
        SetStatus("db.data-backup", "done", "ana", at(11), on=D(2025, 3, 6)),
    ])
    _commit_on(repo, "bo-work", store, [
        SetStatus("web.probes", "done", "bo", at(20), on=D(2025, 3, 5)),
        SetStatus("db.data-backup", "done", "bo", at(21), on=D(2025, 3, 7)),
    ])
    _git(repo, "checkout", "-q", "ana-work")
    merge = _git(repo, "merge", "--no-edit", "bo-work", check=False)
    assert merge.returncode == 0, merge.stdout + merge.stderr
    state = ProgressStore(repo / "migration.toml").load()
    days_of = {i: (s.status, s.started, s.finished) for i, s in state.items.items()}
    assert days_of["api.probes"] == ("done", D(2025, 3, 1), D(2025, 3, 4))
    assert days_of["web.probes"] == ("done", D(2025, 3, 1), D(2025, 3, 5))
    assert days_of["db.data-backup"] == ("done", D(2025, 3, 1), D(2025, 3, 6))  # the earlier
    assert days_of["worker.probes"] == ("doing", D(2025, 3, 1), None)
