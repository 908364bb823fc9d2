"""One thing is one thing: ``1 service``, ``1 job``, ``1 engineer`` in every output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrate_tui.cli import main
from migrate_tui.text import plural

WRONG = re.compile(r"(?<![\d.,])1 (services|jobs|dependencies|engineers|findings|items|"
                   r"waves|cycles|problems|servers)\b")

COMPOSE = """\
services:
  api:
    image: example/api:1.0
    ports: ["8080:8080"]
    depends_on:
      migrate: {condition: service_completed_successfully}
  migrate:
    image: example/api:1.0
    command: ["./manage", "migrate"]
    restart: "no"
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    return tmp_path


def _out(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 0
    return capsys.readouterr().out


def test_analyze_and_plan_say_one_thing_in_the_singular(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    analysis = _out(["analyze", str(project)], capsys)
    assert "1 dependency," in analysis
    plan = _out(["plan", str(project), "--team-size", "1", "--servers", "1"], capsys)
    assert "with 1 engineer at" in plan and "1 job," in plan
    for text in (analysis, plan, _out(["status", str(project)], capsys)):
        assert not WRONG.search(text), WRONG.search(text)


def test_a_project_of_one_service_is_one_service(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n")
    plan = _out(["plan", str(tmp_path)], capsys)
    assert "only 1 service:" in plan
    assert not WRONG.search(plan), WRONG.search(plan)


@pytest.mark.parametrize("count,word,many,expected", [
    (1, "service", None, "1 service"), (0, "service", None, "0 services"),
    (1234, "job", None, "1,234 jobs"), (1, "dependency", "dependencies", "1 dependency"),
    (2, "dependency", "dependencies", "2 dependencies"), (1.0, "day", None, "1 day"),
    (2.5, "day", None, "2.5 days"),
])
def test_plural(count: float, word: str, many: str | None, expected: str) -> None:
    assert plural(count, word, many) == expected
