"""The file's layout: what git sees."""

from __future__ import annotations

import datetime as dt
import sys

from migrate_tui.progress import (
    ProgressState,
    ProgressStore,
    SetAssignee,
    SetNote,
    SetOverride,
    SetSetting,
    SetStatus,
    apply_changes,
    dumps_state,
    parse_state,
)
from tests.progress.helpers import at

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _state() -> ProgressState:
    return apply_changes(ProgressState(), [
        SetStatus("api.probes", "done", "ana", at(1)),
        SetAssignee("project.cluster-choice", "bo", "ana", at(2)),
        SetNote("db.data-backup", 'nightly, "verified"\nby hand', "bo", at(3)),
        SetSetting("team", ["ana", "bo"], "ana", at(4)),
        SetSetting("focus", 0.5, "ana", at(5)),
        SetSetting("answers.servers", 3, "ana", at(6)),
        SetOverride("db", "class", "stateful", "ana", at(7)),
    ])


def test_one_table_per_item_keys_sorted_defaults_left_out() -> None:
    text = dumps_state(_state())
    lines = text.splitlines()
    assert '[items."api.probes"]' in lines
    assert '[items."project.cluster-choice"]' in lines
    block = text.split('[items."api.probes"]\n', 1)[1].split("\n\n", 1)[0].splitlines()
    assert block == [
        "changed_at = 2025-03-01T09:01:00Z",
        'changed_by = "ana"',
        "finished = 2025-03-01",
        'status = "done"',
    ]  # sorted; no assignee, no note, no start: they are the defaults
    assigned = text.split('[items."project.cluster-choice"]\n', 1)[1].split("\n\n", 1)[0]
    assert "status" not in assigned  # todo is the default
    headers = [line for line in lines if line.startswith("[items.")]
    assert headers == sorted(headers)


def test_untouched_items_are_absent() -> None:
    text = dumps_state(_state())
    assert "api.replicas" not in text
    assert parse_state(text, "m.toml").items.keys() == {
        "api.probes", "db.data-backup", "project.cluster-choice"}


def test_settings_and_their_times_in_mirror_tables() -> None:
    data = tomllib.loads(dumps_state(_state()))
    assert data["schema"] == 1
    settings = data["settings"]
    assert settings["team"] == ["ana", "bo"]
    assert settings["answers"] == {"servers": 3}
    assert settings["overrides"] == {"db": {"class": "stateful"}}
    assert settings["changed_at"]["answers"]["servers"] == at(6)
    assert settings["changed_at"]["overrides"]["db"]["class"] == at(7)


def test_times_are_iso_8601_utc_seconds() -> None:
    state = apply_changes(ProgressState(), [SetStatus(
        "a", "doing", "ana",
        dt.datetime(2025, 3, 1, 11, 30, 15, 999_999,
                    tzinfo=dt.timezone(dt.timedelta(hours=2))))])
    assert "changed_at = 2025-03-01T09:30:15Z" in dumps_state(state).splitlines()


def test_header_says_what_the_file_is_and_how_to_merge_it() -> None:
    text = dumps_state(ProgressState(), "progress.toml")
    assert text.startswith("# migrate-tui progress")
    assert 'git config merge.migrate-tui.driver "migrate-tui merge-driver %O %A %B"' in text
    assert 'echo "progress.toml merge=migrate-tui" >> .gitattributes' in text
    assert parse_state(text, "progress.toml") == ProgressState()


def test_writing_is_stable() -> None:
    text = dumps_state(_state())
    assert dumps_state(parse_state(text, "m.toml")) == text


def test_a_missing_or_blank_file_is_an_empty_state(tmp_path) -> None:
    assert ProgressStore(tmp_path / "migration.toml").load() == ProgressState()
    (tmp_path / "migration.toml").write_text("# nothing yet\n\n")
    assert ProgressStore(tmp_path / "migration.toml").load() == ProgressState()


def test_a_hand_written_file_is_read() -> None:
    text = (
        "schema = 1\n"
        "[settings]\nteam = ['ana']\nstart = 2025-03-01\n"
        "[settings.overrides.worker]\nkind = 'job'\n"
        "[items.'api.probes']\nstatus = 'blocked'\nchanged_at = 2025-03-01T10:00:00\n"
        '[items."db.data-backup"]\nstatus = "done"\n'
        '[items."untouched"]\nstatus = "todo"\n'
    )
    state = parse_state(text, "m.toml")
    assert state.settings.team == ("ana",)
    assert state.settings.start == dt.date(2025, 3, 1)
    assert state.settings.overrides["worker"].kind == "job"
    changed_at = state.item("api.probes").changed_at
    assert changed_at == dt.datetime(2025, 3, 1, 10, tzinfo=dt.timezone.utc)
    assert state.item("db.data-backup").status == "done"
    assert "untouched" not in state.items
