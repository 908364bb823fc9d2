"""The playbook cache: parsed data kept on disk by version and content, never an error."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from migrate_tui import playbooks
from migrate_tui.errors import PlaybookError
from migrate_tui.planning.playbooks import load_plan_playbooks
from migrate_tui.playbooks import _cache_key, cache_dir, playbook_data, playbooks_dir


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own; returns where the entries go."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "migrate-tui" / "playbooks"


def _playbook(tmp_path: Path, text: str = "words: [password]\nanywhere: [secret]\n") -> Path:
    path = tmp_path / "team" / "secrets.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _entry(path: Path, cache: Path) -> Path:
    return cache / f"{_cache_key(path.read_text(encoding='utf-8'))}.json"


def test_the_cache_is_the_users_own_folder(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "migrate-tui"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/folder")  # the spec says: ignore it
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "migrate-tui"


def test_a_relative_home_gives_no_cache(monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path) -> None:
    """``HOME=repo``: ``~/.cache`` would be a relative path, in the project; no cache then."""
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", "repo")
    monkeypatch.chdir(tmp_path)
    assert cache_dir() is None
    assert playbook_data(_playbook(tmp_path))["words"] == ["password"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["team"]


def test_a_second_read_comes_from_the_cache(cache: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = _playbook(tmp_path)
    first = playbook_data(path)
    assert _entry(path, cache).is_file()

    def refuse(text: str, file: str) -> object:
        raise AssertionError("parsed again")

    monkeypatch.setattr(playbooks, "parse_yaml", refuse)
    assert playbook_data(path) == first == {"words": ["password"], "anywhere": ["secret"]}


def test_the_shipped_playbooks_are_all_cached_alike(cache: Path) -> None:
    """Every shipped file parses to data JSON holds exactly, so each gets its entry."""
    files = sorted(playbooks_dir().rglob("*.yaml"))
    parsed = [playbook_data(f) for f in files]
    assert {p.name for p in cache.iterdir()} == {_entry(f, cache).name for f in files}
    assert [playbook_data(f) for f in files] == parsed


def test_changed_content_is_a_miss(cache: Path, tmp_path: Path) -> None:
    path = _playbook(tmp_path)
    playbook_data(path)
    path.write_text("words: [token]\nanywhere: []\n", encoding="utf-8")
    assert playbook_data(path) == {"words": ["token"], "anywhere": []}
    assert len(list(cache.iterdir())) == 2


def test_another_version_is_a_miss(cache: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = _playbook(tmp_path)
    playbook_data(path)
    monkeypatch.setattr(playbooks, "__version__", "99.0")
    playbooks._parser_stamp.cache_clear()
    try:
        assert _entry(path, cache).name not in {p.name for p in cache.iterdir()}
    finally:
        monkeypatch.undo()
        playbooks._parser_stamp.cache_clear()


def test_a_teams_playbooks_are_read_not_our_cached_ones(cache: Path, tmp_path: Path) -> None:
    """``--playbooks``: the team's estimates replace ours, and a change to them is seen."""
    ours = load_plan_playbooks()
    team = tmp_path / "team-playbooks"
    (team / "plan").mkdir(parents=True)
    estimates = team / "plan" / "estimates.yaml"
    estimates.write_text("per_port: 5.5\n", encoding="utf-8")
    assert load_plan_playbooks(team).estimates.per_port == 5.5
    estimates.write_text("per_port: 4.5\n", encoding="utf-8")
    assert load_plan_playbooks(team).estimates.per_port == 4.5
    assert load_plan_playbooks().estimates == ours.estimates


@pytest.mark.parametrize("content", [
    "{not json", "", '{"key": "another", "data": {"words": []}}', '["a list"]',
    '{"key": "KEY"}',
])
def test_a_corrupt_entry_is_passed_over_and_replaced(cache: Path, tmp_path: Path,
                                                     content: str) -> None:
    path = _playbook(tmp_path)
    entry = _entry(path, cache)
    cache.mkdir(parents=True)
    entry.write_text(content.replace("KEY", entry.stem), encoding="utf-8")
    assert playbook_data(path) == {"words": ["password"], "anywhere": ["secret"]}
    assert json.loads(entry.read_text(encoding="utf-8"))["data"]["words"] == ["password"]


def test_a_cache_that_cannot_be_written_is_no_error(cache: Path, tmp_path: Path) -> None:
    """The cache's folder is a file (the same as any folder that cannot be made)."""
    cache.parent.parent.mkdir(parents=True)
    cache.parent.write_text("not a folder", encoding="utf-8")
    path = _playbook(tmp_path)
    assert playbook_data(path) == {"words": ["password"], "anywhere": ["secret"]}
    assert playbook_data(path) == {"words": ["password"], "anywhere": ["secret"]}


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_cache_folder_is_no_error(cache: Path, tmp_path: Path) -> None:
    cache.mkdir(parents=True)
    cache.chmod(0o500)
    try:
        assert playbook_data(_playbook(tmp_path))["words"] == ["password"]
        assert list(cache.iterdir()) == []
    finally:
        cache.chmod(0o700)


def test_a_link_planted_at_the_entry_is_neither_read_nor_written_through(
        cache: Path, tmp_path: Path) -> None:
    path = _playbook(tmp_path)
    entry = _entry(path, cache)
    cache.mkdir(parents=True)
    victim = tmp_path / "victim.json"
    forged = json.dumps({"key": entry.stem, "data": {"words": [], "anywhere": []}})
    victim.write_text(forged, encoding="utf-8")
    entry.symlink_to(victim)
    assert playbook_data(path) == {"words": ["password"], "anywhere": ["secret"]}
    assert entry.is_symlink() and victim.read_text(encoding="utf-8") == forged


def test_data_json_cannot_hold_exactly_is_not_cached(cache: Path, tmp_path: Path) -> None:
    """A team's file with a NaN: JSON gives back a NaN, which equals nothing, itself included."""
    path = _playbook(tmp_path, "value: .nan\n")
    assert playbook_data(path)["value"] != playbook_data(path)["value"]
    assert not cache.exists() or list(cache.iterdir()) == []


def test_a_broken_playbook_is_still_reported_with_its_line(cache: Path, tmp_path: Path) -> None:
    path = _playbook(tmp_path, "words: [password\n")
    with pytest.raises(PlaybookError) as info:
        playbook_data(path)
    assert info.value.location is not None and info.value.location.line
