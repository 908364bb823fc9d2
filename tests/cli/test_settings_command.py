"""``migrate-tui settings``: saved once, used by plan and status, a flag for one run only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import tomllib

from migrate_tui.cli import main
from migrate_tui.progress.settings import SETTING_FIELDS

SAMPLES = Path(__file__).resolve().parents[2] / "sample_projects"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SAMPLES / "api-postgres-redis", target)
    return target


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``migrate-tui ARGV`` in this process: (exit code, stdout, stderr)."""
    try:
        code = main(list(argv))
    except SystemExit as exit_info:  # (argparse refuses a flag)
        code = int(exit_info.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def plan_json(capsys: pytest.CaptureFixture[str], project: Path, *flags: str) -> Any:
    code, out, err = cli(capsys, "plan", str(project), "--format", "json", *flags)
    assert code == 0, err
    return json.loads(out)


def saved(project: Path) -> dict[str, Any]:
    path = project / "migration.toml"
    return tomllib.loads(path.read_text())["settings"] if path.exists() else {}


# flags -> (where `plan --format json` shows it, the value it shows, the TOML key path)
ROUND_TRIP: dict[str, tuple[tuple[str, ...], object, tuple[str, ...]]] = {
    "--team-size 3": (("team_size",), 3, ("team_size",)),
    "--focus 25%": (("focus",), 0.25, ("focus",)),
    "--focus 0.4": (("focus",), 0.4, ("focus",)),
    "--start 2026-01-05": (("start",), "2026-01-05", ("start",)),
    "--servers 3": (("decision", "answers", "servers"), 3, ("answers", "servers")),
    "--deploys-per-week 10": (("decision", "answers", "deploys_per_week"), 10.0,
                              ("answers", "deploys_per_week")),
    "--autoscaling yes": (("decision", "answers", "autoscaling"), True,
                          ("answers", "autoscaling")),
    "--ops-owner no": (("decision", "answers", "ops_owner"), False, ("answers", "ops_owner")),
    "--downtime-ok n": (("decision", "answers", "downtime_ok"), False,
                        ("answers", "downtime_ok")),
}


def _at(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def test_every_setting_flag_has_a_round_trip_case() -> None:
    covered = {flags.split()[0] for flags in ROUND_TRIP}
    assert covered == {f.flag for f in SETTING_FIELDS}


@pytest.mark.parametrize("flags", ROUND_TRIP)
def test_a_saved_setting_is_what_plan_then_uses(
        capsys: pytest.CaptureFixture[str], project: Path, flags: str) -> None:
    shown, value, key = ROUND_TRIP[flags]
    assert _at(plan_json(capsys, project), shown) != value  # (not the default already)
    code, out, err = cli(capsys, "settings", str(project), *flags.split())
    assert code == 0, err
    assert f"Saved in {project / 'migration.toml'}" in out and " -> " in out
    toml_value = _at(saved(project), key)
    assert (toml_value.isoformat() if hasattr(toml_value, "isoformat") else toml_value) == value
    assert _at(plan_json(capsys, project), shown) == value


def test_a_flag_overrides_the_saved_value_for_one_run_without_saving(
        capsys: pytest.CaptureFixture[str], project: Path) -> None:
    assert cli(capsys, "settings", str(project), "--team-size", "3", "--servers", "2")[0] == 0
    before = (project / "migration.toml").read_bytes()
    plan = plan_json(capsys, project, "--team-size", "6", "--servers", "5")
    assert plan["team_size"] == 6 and plan["decision"]["answers"]["servers"] == 5
    assert plan["focus"] == 0.5  # (what no flag gave stays the saved or default value)
    assert (project / "migration.toml").read_bytes() == before
    plan = plan_json(capsys, project)
    assert plan["team_size"] == 3 and plan["decision"]["answers"]["servers"] == 2


def test_status_uses_the_saved_start_and_a_flag_overrides_it(
        capsys: pytest.CaptureFixture[str], project: Path) -> None:
    code, out, _ = cli(capsys, "status", str(project))
    assert code == 0 and "none without a start date" in out
    assert "migrate-tui settings --start" in out  # (says how to get one)
    assert cli(capsys, "settings", str(project), "--start", "2026-01-05")[0] == 0
    code, out, _ = cli(capsys, "status", str(project))
    assert code == 0 and "Forecast (as of" in out
    code, out, _ = cli(capsys, "status", str(project), "--format", "json")
    saved_end = json.loads(out)["forecast"]["planned_end_date"]
    for flags, later in ((("--start", "2026-03-02"), True), (("--team-size", "8"), False)):
        code, out, _ = cli(capsys, "status", str(project), "--format", "json", *flags)
        end = json.loads(out)["forecast"]["planned_end_date"]
        assert (end > saved_end) if later else (end < saved_end), flags
    code, out, _ = cli(capsys, "status", str(project), "--format", "json")
    assert json.loads(out)["forecast"]["planned_end_date"] == saved_end  # (not saved)


def test_the_listing_says_where_each_value_comes_from(
        capsys: pytest.CaptureFixture[str], project: Path) -> None:
    code, out, _ = cli(capsys, "settings", str(project), "--format", "json")
    data = json.loads(out)
    assert data["settings"]["team_size"] == {"value": 4, "source": "default",
                                             "changed_at": None}
    assert data["settings"]["answers"]["servers"]["source"] == "unset"
    assert not (project / "migration.toml").exists()  # (listing writes nothing)
    cli(capsys, "settings", str(project), "--team-size", "3", "--autoscaling", "no")
    code, out, _ = cli(capsys, "settings", str(project), "--format", "json")
    data = json.loads(out)
    assert data["settings"]["team_size"]["value"] == 3
    assert data["settings"]["team_size"]["source"] == "saved"
    assert data["settings"]["team_size"]["changed_at"].endswith("Z")
    assert data["settings"]["answers"]["autoscaling"]["value"] is False
    assert data["settings"]["focus"]["source"] == "default"
    code, out, _ = cli(capsys, "settings", str(project))
    lines = {line.split("  ")[1].strip(): line for line in out.splitlines()
             if line.startswith("  ") and "  " in line[2:]}
    assert "saved" in lines["Engineers on it"] and " 3 " in lines["Engineers on it"]
    assert "default" in lines["Share of their time"] and "50%" in lines["Share of their time"]
    assert "not answered" in lines["Deploys per week"]


def test_unset_returns_a_setting_to_its_default(
        capsys: pytest.CaptureFixture[str], project: Path) -> None:
    cli(capsys, "settings", str(project), "--team-size", "3", "--servers", "2")
    code, out, err = cli(capsys, "settings", str(project), "--unset", "team-size",
                         "--unset", "servers")
    assert code == 0, err
    assert "Engineers on it: 3 -> 4 (default)" in out
    assert "Servers running it today: 2 -> not answered" in out
    assert "team_size" not in saved(project)
    assert "servers" not in saved(project).get("answers", {})
    assert plan_json(capsys, project)["team_size"] == 4


def test_setting_the_same_value_again_says_unchanged(
        capsys: pytest.CaptureFixture[str], project: Path) -> None:
    cli(capsys, "settings", str(project), "--focus", "50%")
    code, out, _ = cli(capsys, "settings", str(project), "--focus", "0.5")
    assert code == 0 and "Share of their time: 50% (unchanged)" in out


def test_saving_settings_keeps_the_progress_of_items(
        capsys: pytest.CaptureFixture[str], project: Path) -> None:
    assert cli(capsys, "set", "api.probes", "--status", "done", "--by", "ana",
               "--project", str(project))[0] == 0
    assert cli(capsys, "settings", str(project), "--team-size", "2")[0] == 0
    text = (project / "migration.toml").read_text()
    assert '[items."api.probes"]' in text and 'status = "done"' in text
    assert (project / "migration.toml.bak").exists()  # (the last good version, as any save)


OVERRIDDEN = ('schema = 1\n\n[settings.overrides.api]\nclass = "stateful"\n'
              'kind = "job"\n\n[settings.overrides.db]\nclass = "stateless"\n')


def test_an_override_is_listed_with_what_was_detected_and_can_be_reset(
        capsys: pytest.CaptureFixture[str], project: Path) -> None:
    (project / "migration.toml").write_text(OVERRIDDEN)
    code, out, _ = cli(capsys, "settings", str(project))
    assert code == 0
    assert "api class: stateful (overridden; detected: stateless)" in out
    assert "api kind: job (overridden; detected: service)" in out
    assert "db class: stateless (overridden; detected: stateful)" in out
    data = json.loads(cli(capsys, "settings", str(project), "--format", "json")[1])
    assert data["overrides"]["db"]["class"]["detected"] == "stateful"

    code, out, err = cli(capsys, "settings", str(project), "--reset-override", "api")
    assert code == 0, err
    assert "api class: stateful -> detected (no override)" in out
    assert "api kind: job -> detected (no override)" in out
    overrides = saved(project)["overrides"]
    assert "api" not in overrides and overrides["db"] == {"class": "stateless"}
    code, out, _ = cli(capsys, "settings", str(project))
    assert "api" not in out.split("Overrides")[1] and "db class: stateless" in out


def test_a_reset_override_changes_the_plan_back(
        capsys: pytest.CaptureFixture[str], project: Path) -> None:
    def api_days() -> float:
        return sum(t["estimate_days"] for p in plan_json(capsys, project)["phases"]
                   for t in p["tasks"] if t["service"] == "api")

    detected_days = api_days()
    (project / "migration.toml").write_text('schema = 1\n\n[settings.overrides.api]\n'
                                            'class = "stateful"\n')
    assert api_days() == pytest.approx(2 * detected_days)
    assert cli(capsys, "settings", str(project), "--reset-override", "api")[0] == 0
    assert api_days() == pytest.approx(detected_days)


def test_resetting_a_service_without_an_override_changes_nothing(
        capsys: pytest.CaptureFixture[str], project: Path) -> None:
    code, out, err = cli(capsys, "settings", str(project), "--reset-override", "web")
    assert code == 2 and "no service 'web'" in err
    code, out, err = cli(capsys, "settings", str(project), "--reset-override", "api")
    assert code == 0, err
    assert not (project / "migration.toml").exists()


# flags -> words the error must hold (the flag and what to give)
BAD_VALUES: dict[str, tuple[str, ...]] = {
    "--team-size 0": ("--team-size", "must be 1 or more"),
    "--team-size two": ("--team-size", "not a whole number"),
    "--team-size 2.5": ("--team-size", "not a whole number"),
    "--focus 150%": ("--focus", "between 0 and 1"),
    "--focus 0": ("--focus", "between 0 and 1"),
    "--focus half": ("--focus", "not a number"),
    "--start 2026-13-01": ("--start", "not a date like"),
    "--servers 0": ("--servers", "must be 1 or more"),
    "--deploys-per-week -1": ("--deploys-per-week", "must be 0 or more"),
    "--deploys-per-week nan": ("--deploys-per-week", "finite number"),
    "--autoscaling maybe": ("--autoscaling", "answer yes or no"),
    "--servers ": ("--servers", "give a value", "--unset"),
    "--unset teamsize": ("--unset", "did you mean team-size?"),
    "--team-size 3 --unset team-size": ("--team-size is both given and unset",),
    "--reset-override apii": ("no service 'apii'", "did you mean api?"),
}


@pytest.mark.parametrize("flags", BAD_VALUES)
def test_a_bad_value_is_refused_with_what_to_give_and_nothing_is_written(
        capsys: pytest.CaptureFixture[str], project: Path, flags: str) -> None:
    code, out, err = cli(capsys, "settings", str(project), *flags.split(" "))
    assert code == 2, (out, err)
    assert "Traceback" not in err
    for words in BAD_VALUES[flags]:
        assert words in err, err
    assert not (project / "migration.toml").exists()


BROKEN = 'schema = 1\n\n[settings]\nteam_size = "three"\n'


@pytest.mark.parametrize("flags", [(), ("--team-size", "3"), ("--reset-override", "api")])
def test_a_broken_progress_file_stops_the_command_and_stays_as_it_was(
        capsys: pytest.CaptureFixture[str], project: Path, flags: tuple[str, ...]) -> None:
    (project / "migration.toml").write_text(BROKEN)
    code, out, err = cli(capsys, "settings", str(project), *flags)
    assert code == 2 and out == ""
    assert "migration.toml:4" in err and "settings.team_size" in err and "fix:" in err
    assert "Traceback" not in err
    assert (project / "migration.toml").read_text() == BROKEN
    assert not (project / "migration.toml.bak").exists()


def test_a_linked_progress_file_is_refused_not_followed(
        capsys: pytest.CaptureFixture[str], project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text("schema = 1\n")
    (project / "migration.toml").symlink_to(elsewhere)
    code, _, err = cli(capsys, "settings", str(project), "--team-size", "3")
    assert code == 2 and "Traceback" not in err and "link" in err
    assert elsewhere.read_text() == "schema = 1\n"


def test_state_names_another_progress_file(
        capsys: pytest.CaptureFixture[str], project: Path, tmp_path: Path) -> None:
    other = tmp_path / "team.toml"
    assert cli(capsys, "settings", str(project), "--state", str(other),
               "--team-size", "5")[0] == 0
    assert tomllib.loads(other.read_text())["settings"]["team_size"] == 5
    assert not (project / "migration.toml").exists()
    assert plan_json(capsys, project, "--state", str(other))["team_size"] == 5


def test_what_the_file_says_reaches_the_terminal_written_out(
        capsys: pytest.CaptureFixture[str], project: Path) -> None:
    (project / "migration.toml").write_text(
        'schema = 1\n\n[settings.overrides."ev\\u001b]0;pwned\\u0007il\\u202e"]\n'
        'class = "stateful"\n')
    for flags in ((), ("--format", "json"), ("--reset-override", "ev\x1b[2Jil")):
        code, out, err = cli(capsys, "settings", str(project), *flags)
        for raw in ("\x1b", "\x07", "\u202e"):
            assert raw not in out and raw not in err, (flags, out, err)
        assert code == (2 if flags and flags[0] == "--reset-override" else 0), err
    code, out, _ = cli(capsys, "settings", str(project))
    assert "ev\\x1b]0;pwned\\x07il\\u202e class: stateful" in out
    assert "service not in the project" in out
