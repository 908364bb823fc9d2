"""The JSON contract, the text report and the function the CLI calls."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from migrate_tui.analysis import analyze
from migrate_tui.analysis.report import WIDTH, render_text, to_json
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.compose.model import Project
from migrate_tui.errors import MigrateError
from migrate_tui.export.analyze import run_analyze
from tests.analysis.helpers import analyse, load
from tests.conformance.oracle import SAMPLES, clean_env

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def saas() -> Project:
    folder = SAMPLES / "saas"
    return load_project(LoadOptions(path=str(folder), environ=clean_env(folder),
                                    cwd=str(folder)), warn=lambda _m: None)


def test_json_contract_shape(saas: Project) -> None:
    data = json.loads(run_analyze(saas, "json", color=False))
    assert {"services", "edges", "waves", "cycles", "findings"} <= set(data)
    for name, service in data["services"].items():
        assert service["class"] in ("stateful", "stateless"), name
        assert service["kind"] in ("service", "job", "dev-only"), name
        assert isinstance(service["reasons"], list) and service["reasons"], name
        assert isinstance(service["confidence"], float) and 0.5 <= service["confidence"] <= 1
        assert isinstance(service["overridden"], bool) and isinstance(service["wave"], int)
    for edge in data["edges"]:
        assert {"source", "target", "kind", "evidence"} <= set(edge)
        assert isinstance(edge["evidence"], str) and re.match(r"\S+:\d+: ", edge["evidence"])
    assert all(isinstance(w, list) for w in data["waves"])
    assert sorted(n for w in data["waves"] for n in w) == sorted(data["services"])
    assert data["cycles"] == []
    for finding in data["findings"]:
        assert {"rule", "severity", "service", "message", "fix", "file", "line", "path"} <= \
            set(finding)
        assert finding["severity"] in ("high", "medium", "low", "info")
        assert finding["service"] is None or finding["service"] in data["services"]
        assert isinstance(finding["line"], int) and finding["file"]


def test_json_waves_match_each_service_wave(saas: Project) -> None:
    data = to_json(analyze(saas))
    for i, wave in enumerate(data["waves"]):
        for name in wave:
            assert data["services"][name]["wave"] == i


def test_saas_classes_and_order(saas: Project) -> None:
    data = to_json(analyze(saas))
    services = data["services"]
    stateful = sorted(n for n, s in services.items() if s["class"] == "stateful")
    assert stateful == ["elasticsearch", "grafana", "kafka", "minio", "postgres", "prometheus",
                        "redis"]
    assert services["migrate"]["kind"] == "job" and services["minio-init"]["kind"] == "job"
    assert {n for n, s in services.items() if s["kind"] == "dev-only"} == {
        "adminer", "kafka-ui", "mailpit"}
    assert services["postgres"]["wave"] < services["migrate"]["wave"] < \
        services["api"]["wave"] < services["web"]["wave"]


def test_output_is_deterministic(saas: Project) -> None:
    first = run_analyze(saas, "json", color=False)
    again = run_analyze(load_project(LoadOptions(
        path=str(SAMPLES / "saas"), environ=clean_env(SAMPLES / "saas"),
        cwd=str(SAMPLES / "saas")), warn=lambda _m: None), "json", color=False)
    assert first == again
    assert "/work/" not in first.replace(str(SAMPLES), "")  # files relative to the project


def test_text_report_has_no_colour_unless_asked(saas: Project) -> None:
    plain = run_analyze(saas, "text", color=False)
    coloured = run_analyze(saas, "text", color=True)
    assert not ANSI.search(plain)
    assert ANSI.search(coloured)
    assert ANSI.sub("", coloured) == plain


def test_text_report_sections_and_width(saas: Project) -> None:
    text = run_analyze(saas, "text", color=False)
    for heading in ("SERVICES", "START-UP ORDER", "DEPENDENCIES", "FINDINGS", "HIGH", "INFO"):
        assert re.search(rf"^\s*{heading}\b", text, re.M), heading
    assert "compose.yaml:85" in text  # the localhost finding's evidence
    assert max(len(line) for line in text.splitlines()) <= WIDTH


def test_text_report_shows_cycles() -> None:
    text = render_text(analyse("cycle"))
    assert "a -> b -> c -> a" in text and "c -> d -> c" in text


def test_unknown_format_is_a_migrate_error() -> None:
    with pytest.raises(MigrateError, match="unknown format"):
        run_analyze(load("waves"), "yaml", color=False)


def test_overrides_pass_through_the_cli_function() -> None:
    data = json.loads(run_analyze(load("waves"), "json", color=False,
                                  overrides={"lonely": {"class": "stateful"}}))
    assert data["services"]["lonely"]["class"] == "stateful"
    assert data["services"]["lonely"]["overridden"] is True


def test_text_report_survives_a_service_name_wider_than_the_page(tmp_path: Path) -> None:
    """A 63-character name (the longest DNS label) pushed the wrap width to 0: a crash."""
    name = "a" * 63
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  {name}:\n    image: postgres:16\n"
        "    volumes: [db:/var/lib/postgresql/data]\nvolumes:\n  db: {}\n")
    project = load_project(LoadOptions(path=str(tmp_path), environ=clean_env(tmp_path),
                                       cwd=str(tmp_path)), warn=lambda _m: None)
    text = render_text(analyze(project))
    row = next(line for line in text.splitlines() if line.startswith(f"  {name}"))
    assert "stateful" in row and len(row.split("  ")[-1]) > 0


def test_text_report_says_which_findings_the_plan_leaves_out(saas: Project) -> None:
    """The TUI and the plan count 77 findings, analyze lists 80: it says why."""
    analysis = analyze(saas)
    inactive = {n for n, s in analysis.services.items() if not s.active}
    aside = sum(1 for f in analysis.findings if f.service in inactive)
    assert aside > 0
    text = render_text(analysis)
    assert (f"{len(analysis.findings)} findings, {aside} of them on inactive services: "
            "the plan and the TUI leave those out") in text
