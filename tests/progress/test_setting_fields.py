"""The settings' table: made from the models, one flag and one field per setting."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate_tui.cli_parser import build_parser
from migrate_tui.planning.decision import Answers as PlanAnswers
from migrate_tui.planning.playbooks import load_plan_playbooks
from migrate_tui.progress.changes import SETTING_KEYS
from migrate_tui.progress.model import ANSWER_NAMES, Answers
from migrate_tui.progress.settings import (
    ANSWER_FIELDS,
    FIELDS_BY_NAME,
    PLAN_FIELDS,
    SETTING_FIELDS,
)


def test_the_answers_are_the_playbooks_questions_and_the_models_fields() -> None:
    asked = [q.id for q in load_plan_playbooks().decision.questions if not q.from_project]
    assert [f.name for f in ANSWER_FIELDS] == asked
    assert tuple(asked) == ANSWER_NAMES == tuple(Answers.model_fields)
    assert set(asked) == set(PlanAnswers.model_fields)


def test_every_field_is_a_setting_a_change_can_set() -> None:
    assert {f.key for f in SETTING_FIELDS} <= set(SETTING_KEYS)
    assert [f.name for f in PLAN_FIELDS] == ["team_size", "focus", "start"]


def test_labels_and_help_come_from_the_model() -> None:
    assert FIELDS_BY_NAME["servers"].label == Answers.model_fields["servers"].title
    assert FIELDS_BY_NAME["servers"].help == "How many servers run the Compose project today."
    for field in SETTING_FIELDS:
        assert field.label and field.help.endswith("."), field


def _flags(parser: argparse.ArgumentParser, command: str) -> set[str]:
    sub = next(a for a in parser._actions if isinstance(a.choices, dict)).choices[command]
    return {o for a in sub._actions for o in a.option_strings}


@pytest.mark.parametrize("only", [None, "plan", "status", "settings"])
def test_the_commands_take_one_flag_per_setting(only: str | None) -> None:
    parser = build_parser(only)
    every = {f.flag for f in SETTING_FIELDS}
    if only in (None, "plan"):
        assert every <= _flags(parser, "plan")
    if only in (None, "settings"):
        assert every | {"--unset", "--reset-override"} <= _flags(parser, "settings")
    if only in (None, "status"):
        assert _flags(parser, "status") & every == {f.flag for f in PLAN_FIELDS}


def test_a_parser_for_another_command_does_not_import_the_settings() -> None:
    import subprocess
    import sys

    code = ("import sys; from migrate_tui.cli_parser import build_parser; "
            "build_parser('config'); print('migrate_tui.progress.model' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


# name, text typed -> the value
PARSED = [
    ("team_size", "3", 3), ("team_size", " 12 ", 12), ("focus", "0.5", 0.5),
    ("focus", "50%", 0.5), ("focus", "80", 0.8), ("focus", "1", 1.0),
    ("start", "2026-01-05", dt.date(2026, 1, 5)), ("servers", "1", 1),
    ("deploys_per_week", "0", 0.0), ("deploys_per_week", "2.5", 2.5),
    ("autoscaling", "Yes", True), ("ops_owner", "n", False), ("downtime_ok", "true", True),
    ("servers", "", None), ("start", "  ", None),
]


@pytest.mark.parametrize(("name", "text", "value"), PARSED)
def test_a_typed_value_parses_as_the_model_holds_it(name: str, text: str,
                                                    value: object) -> None:
    parsed = FIELDS_BY_NAME[name].parse(text)
    assert parsed == value and type(parsed) is type(value)


# name, text typed -> words of the error
REFUSED = [
    ("team_size", "0", "must be 1 or more"), ("team_size", "1.5", "not a whole number"),
    ("focus", "0", "between 0 and 1"), ("focus", "101%", "between 0 and 1"),
    ("focus", "-0.5", "between 0 and 1"), ("focus", "1.7", "give 0.5, or 50%"),
    ("start", "05/01/2026", "not a date like"),
    ("servers", "-2", "must be 1 or more"), ("deploys_per_week", "inf", "finite number"),
    ("deploys_per_week", "-0.5", "must be 0 or more"), ("autoscaling", "sure", "yes or no"),
]


@pytest.mark.parametrize(("name", "text", "words"), REFUSED)
def test_a_value_out_of_the_models_limits_is_refused(name: str, text: str,
                                                     words: str) -> None:
    with pytest.raises(ValueError, match=words):
        FIELDS_BY_NAME[name].parse(text)


@given(st.sampled_from(SETTING_FIELDS), st.data())
def test_a_shown_value_parses_back_to_itself(field: object, data: st.DataObject) -> None:
    from migrate_tui.progress.settings import SettingField

    assert isinstance(field, SettingField)
    value: object = data.draw({
        "count": st.integers(1, 10_000),
        "number": st.floats(0, 1e6, allow_nan=False, allow_infinity=False),
        "share": st.integers(1, 100).map(lambda n: n / 100)
        | st.floats(1e-9, 1, allow_nan=False),
        "day": st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)),
        "yes-no": st.booleans(),
    }[field.kind])
    assert field.parse(field.show(value)) == value  # (exactly: else the TUI would save the
    # value it shows, rounded, as a change)
