"""The argument parser: no guessing at abbreviations, and a way forward for a wrong flag."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrate_tui.cli import _options, _split_default_command, build_parser, main

SAMPLES = Path(__file__).resolve().parents[2] / "sample_projects"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SAMPLES / "api-postgres-redis", target)
    return target


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "ambiguous" not in err
    return err


def test_set_with_project_dir_writes_that_projects_file(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["set", "api.probes", "--status", "done", "--by", "alice",
                 "--project", str(project)])
    assert code == 0, capsys.readouterr().err
    assert '[items."api.probes"]' in (project / "migration.toml").read_text()
    code = main(["assign", "api.probes", "bob", "--by", "alice", "--project", str(project)])
    assert code == 0, capsys.readouterr().err
    assert 'assignee = "bob"' in (project / "migration.toml").read_text()


def test_project_where_there_is_none_says_what_to_use(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(["status", "--project", str(project)], capsys)
    assert "--project-directory" in err
    assert "migrate-tui status DIR" in err


def test_an_abbreviated_flag_is_not_guessed_but_suggested(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(["status", "--project-dir", str(project)], capsys)
    assert "did you mean --project-directory?" in err
    err = _refused(["plan", "--team", "3", str(project)], capsys)
    assert "did you mean --team-size?" in err
    err = _refused(["status", "--proj", str(project)], capsys)
    assert "did you mean --project-directory or --project-name?" in err
    err = _refused(["status", "--fromat", "json", str(project)], capsys)
    assert "did you mean --format?" in err


def test_no_parser_accepts_abbreviations() -> None:
    parser = build_parser()
    parsers = [parser]
    for action in parser._actions:
        choices = getattr(action, "choices", None)
        if isinstance(choices, dict):
            parsers += choices.values()
    assert len(parsers) > 5
    assert all(not p.allow_abbrev for p in parsers)


@pytest.mark.parametrize(("argv", "state", "path", "files"), [
    (["--state", "s.toml"], "s.toml", None, []),
    (["--state=s.toml"], "s.toml", None, []),
    (["--state", "s.toml", "."], "s.toml", ".", []),
    (["--playbooks", "mine", "shop"], None, "shop", []),
    (["-f", "a.yaml", "--state", "s.toml"], "s.toml", None, ["a.yaml"]),
    (["shop", "--state", "s.toml"], "s.toml", "shop", []),
    ([], None, None, []),
])
def test_the_default_command_takes_its_options_with_or_without_a_path(
        argv: list[str], state: str | None, path: str | None, files: list[str]) -> None:
    """``migrate-tui --state FILE`` opens the TUI, as ``migrate-tui --state FILE .`` does
    (the parser alone: no TUI is started)."""
    args = build_parser().parse_args(_split_default_command(argv))
    assert (args.command, args.state, args.path) == ("tui", state, path)
    assert _options(args).files == tuple(files)


def test_a_subcommand_after_flags_is_still_the_subcommand() -> None:
    args = build_parser().parse_args(_split_default_command(["-f", "a.yaml", "status"]))
    assert args.command == "status"
    assert _options(args).files == ("a.yaml",)
