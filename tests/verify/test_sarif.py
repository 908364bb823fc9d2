"""SARIF 2.1.0 from ``analyze`` and ``verify``, validated against the schema's models.

pydantic-sarif is the OASIS SARIF 2.1.0 JSON schema compiled by datamodel-codegen (every
object closed to unknown keys, enums and minimums kept), so a log that validates has the
shape, the levels and the 1-based lines the schema demands.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from pydantic_sarif.model import StaticAnalysisResultsFormatSarifVersion210JsonSchema as Sarif

from migrate_tui.cli import main
from migrate_tui.export.sarif import LEVELS, findings_sarif
from migrate_tui.workspace import Workspace
from tests.verify.conftest import SAAS, manifests_with


def validate(log: dict[str, Any]) -> None:
    Sarif.model_validate(log)


def test_analyze_sarif_is_valid_and_places_each_finding(saas_ws: Workspace) -> None:
    log = json.loads(findings_sarif(saas_ws.analysis, saas_ws.project.working_dir))
    validate(log)
    run = log["runs"][0]
    findings = saas_ws.analysis.findings
    assert len(run["results"]) == len(findings) > 0
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({f.rule for f in findings})
    for result, finding in zip(run["results"], findings, strict=True):
        assert result["ruleId"] == finding.rule
        assert rules[result["ruleIndex"]]["id"] == finding.rule
        assert result["level"] == LEVELS[finding.severity]
        where = result["locations"][0]["physicalLocation"]
        assert where["artifactLocation"]["uri"] == finding.evidence.file  # project-relative
        assert not where["artifactLocation"]["uri"].startswith("/")
        assert where["region"]["startLine"] == finding.evidence.line
        assert finding.fix in result["message"]["text"]
    assert all(r["help"]["text"] for r in rules)


def test_the_severity_map_covers_every_severity() -> None:
    from migrate_tui.analysis.model import SEVERITIES

    assert set(LEVELS) == set(SEVERITIES)
    assert LEVELS["high"] == "error" and LEVELS["medium"] == "warning"


def test_a_broken_log_fails_the_schema(saas_ws: Workspace) -> None:
    log = json.loads(findings_sarif(saas_ws.analysis, saas_ws.project.working_dir))
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(ValidationError):
        validate(log)


def test_the_cli_writes_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(SAAS), "--format", "sarif"]) == 0
    validate(json.loads(capsys.readouterr().out))


def test_verify_sarif_lists_the_contradicted_items(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "saas"
    import shutil

    shutil.copytree(SAAS, project)
    manifests_with(project, "probe-removed")
    monkeypatch.chdir(project)
    assert main(["verify", "--manifests", "k8s", "--format", "sarif", "--no-kustomize"]) == 0
    log = json.loads(capsys.readouterr().out)
    validate(log)
    results = log["runs"][0]["results"]
    probe = next(r for r in results if r["message"]["text"].startswith("api.probes"))
    assert probe["ruleId"] == "verify.probes" and probe["level"] == "warning"
    assert probe["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "k8s/api.yaml"}, "region": {"startLine": 30}}
    # ticked done, the same contradiction is an error, and the gate fails
    assert main(["set", "api.probes", "--status", "done", "--by", "ana"]) == 0
    capsys.readouterr()
    assert main(["verify", "--manifests", "k8s", "--format", "sarif", "--no-kustomize"]) == 1
    log = json.loads(capsys.readouterr().out)
    validate(log)
    probe = next(r for r in log["runs"][0]["results"]
                 if r["message"]["text"].startswith("api.probes"))
    assert probe["level"] == "error"
