"""Saving: what is saved reads back; concurrent sessions keep each other's changes."""

from __future__ import annotations

import datetime as dt
import os
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrate_tui.errors import ProgressError
from migrate_tui.progress import (
    ProgressState,
    ProgressStore,
    SetNote,
    SetSetting,
    SetStatus,
    apply_changes,
    dumps_state,
    parse_state,
)
from tests.progress.helpers import at
from tests.progress.strategies import changes

batches = st.lists(st.lists(changes, max_size=8), max_size=4)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=batches, fresh_store=st.booleans())
def test_any_changes_saved_and_read_back_give_the_same_state(
    batches: list[list], fresh_store: bool  # type: ignore[type-arg]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "migration.toml"
        store = ProgressStore(path)
        expected = ProgressState()
        for batch in batches:
            expected = apply_changes(expected, batch)
            if fresh_store:
                store = ProgressStore(path)
            assert store.apply(batch) == expected
            assert ProgressStore(path).load() == expected
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            assert parse_state(text, str(path)) == expected
            if path.exists():
                assert dumps_state(expected) == text  # one state, one text


def test_backup_holds_the_last_good_version(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "migration.toml")
    store.apply([SetStatus("a", "doing", "ana", at(1))])
    assert not store.backup_path.exists()
    first = store.path.read_bytes()
    store.apply([SetStatus("a", "done", "ana", at(2))])
    assert store.backup_path.read_bytes() == first
    second = store.path.read_bytes()
    store.apply([SetStatus("a", "done", "ana", at(2))])  # nothing changes: nothing written
    assert store.backup_path.read_bytes() == first
    assert store.path.read_bytes() == second


def test_a_session_keeps_what_another_saved_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "migration.toml"
    mine, theirs = ProgressStore(path), ProgressStore(path)
    mine.load()
    theirs.load()
    theirs.apply([SetStatus("a", "done", "bo", at(5)), SetSetting("focus", 0.5, "bo", at(5))])
    state = mine.apply([SetStatus("b", "done", "ana", at(6)), SetStatus("a", "blocked",
                                                                         "ana", at(4))])
    assert state.item("b").status == "done"
    assert state.item("a").status == "done"  # bo's change is later than ana's
    assert state.settings.focus == 0.5
    state = mine.apply([SetStatus("a", "skipped", "ana", at(7))])
    assert state.item("a").status == "skipped"


def test_a_hand_edit_made_meanwhile_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "migration.toml"
    store = ProgressStore(path)
    store.apply([SetStatus("a", "doing", "ana", at(1))])
    path.write_text(path.read_text() + '\n[items.b]\nstatus = "done"\n')
    state = store.apply([SetNote("a", "almost", "ana", at(2))])
    assert state.item("b").status == "done"


def test_the_file_keeps_its_permissions_and_strays_are_swept(tmp_path: Path) -> None:
    path = tmp_path / "migration.toml"
    store = ProgressStore(path)
    store.apply([SetStatus("a", "doing", "ana", at(1))])
    path.chmod(0o640)
    stray = tmp_path / ".migration.toml.abc123.tmp"
    stray.write_text("half a file")
    store.apply([SetStatus("a", "done", "ana", at(2))])
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not stray.exists()


def test_a_linked_progress_file_is_refused_and_the_file_it_names_is_used_instead(
    tmp_path: Path,
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    link = checkout / "migration.toml"
    link.symlink_to(Path("..") / "shared" / "migration.toml")  # relative, another folder
    linked = ProgressStore(link, allowed_root=checkout)
    for attempt in (linked.load, lambda: linked.apply([SetStatus("a", "done", "ana", at(1))])):
        with pytest.raises(ProgressError) as caught:
            attempt()
        assert "symbolic link" in caught.value.message and "--state" in (caught.value.hint or "")
    assert sorted(p.name for p in checkout.iterdir()) == ["migration.toml"]
    assert list(shared.iterdir()) == []  # not created through the link, no lock beside it
    named = ProgressStore(shared / "migration.toml")  # --state ../shared/migration.toml
    named.apply([SetStatus("a", "done", "ana", at(1))])
    assert named.load().item("a").status == "done"


@pytest.mark.parametrize("name", ["migration.toml.bak", "migration.toml.lock"])
def test_a_link_beside_the_file_fails_the_save_and_writes_nothing_through_it(
    tmp_path: Path, name: str,
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("mine\n")
    project = tmp_path / "project"
    project.mkdir()
    store = ProgressStore(project / "migration.toml", allowed_root=project)
    store.apply([SetStatus("a", "doing", "ana", at(1))])
    before = (project / "migration.toml").read_text()
    (project / name).unlink(missing_ok=True)
    (project / name).symlink_to(victim)
    with pytest.raises(ProgressError) as caught:
        store.apply([SetStatus("a", "done", "ana", at(2))])
    assert caught.value.file == str(project / name)
    assert victim.read_text() == "mine\n"
    assert (project / "migration.toml").read_text() == before


def test_a_progress_file_whose_folder_leads_out_of_the_project_is_refused(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    (project / "state").symlink_to(outside)
    store = ProgressStore(project / "state" / "migration.toml", allowed_root=project)
    with pytest.raises(ProgressError) as caught:
        store.apply([SetStatus("a", "done", "ana", at(1))])
    assert "outside the project" in caught.value.message
    assert list(outside.iterdir()) == []


def test_a_saved_time_in_the_future_does_not_swallow_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "migration.toml"
    path.write_text('schema = 1\n\n[items."a"]\nstatus = "blocked"\n'
                    "changed_at = 2099-01-01T00:00:00Z\n")
    store = ProgressStore(path)
    store.load()
    store.apply([SetStatus("a", "done", "ana")])  # now
    assert ProgressStore(path).load().item("a").status == "done"


def test_a_missing_folder_is_a_progress_error(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "nope" / "migration.toml")
    with pytest.raises(ProgressError) as caught:
        store.apply([SetStatus("a", "done", "ana", at(1))])
    assert caught.value.hint


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_folder_is_a_progress_error(tmp_path: Path) -> None:  # pragma: no cover
    store = ProgressStore(tmp_path / "migration.toml")
    store.apply([SetStatus("a", "done", "ana", at(1))])
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(ProgressError):
            store.apply([SetStatus("a", "todo", "ana", at(2))])
    finally:
        tmp_path.chmod(0o700)


def test_a_save_that_changes_nothing_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "migration.toml"
    ProgressStore(path).apply([])
    assert not path.exists()
    path.write_text('# our notes\nschema = 1\n[items.a]\nstatus = "done"\n')
    before = path.read_bytes()
    store = ProgressStore(path)
    store.apply([])
    store.apply([SetStatus("a", "todo", "ana", at(0)), SetStatus("a", "done", "ana", at(0))])
    assert store.load().item("a").changed_by == "ana"  # that did change something
    assert path.read_bytes() != before
    assert store.backup_path.read_bytes() == before


def test_times_before_year_1000_are_written_as_valid_toml(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "migration.toml")
    old = dt.datetime(999, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    state = store.apply([SetStatus("a", "done", "ana", old)])
    assert "changed_at = 0999-01-02T03:04:05Z" in store.path.read_text()
    assert store.load() == state
