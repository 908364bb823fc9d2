"""Every finding rule, with the line its evidence points at.

``tests/fixtures/analysis/rules/compose.yaml`` marks lines with ``# expect: RULE[:VARIANT]``;
each marked finding must be found at that line, and every finding in the file must be
marked, so a rule that fires too often fails as surely as one that never fires.
"""

from __future__ import annotations

import re

import pytest

from migrate_tui.analysis import analyze
from migrate_tui.analysis.findings import RULES, load_findings_playbook
from migrate_tui.analysis.findings.lifecycle import duration_seconds
from migrate_tui.analysis.model import SEVERITIES
from tests.analysis.helpers import FIXTURES, analyse, load

RULES_FILE = FIXTURES / "rules" / "compose.yaml"
_MARK = re.compile(r"^\s*[^#\s].*#\s*expect:\s*(.+)$")


def expected() -> set[tuple[str, str | None, int]]:
    """(rule, variant, line) of every marker in the rules fixture."""
    out = set()
    for number, line in enumerate(RULES_FILE.read_text().splitlines(), start=1):
        found = _MARK.search(line)
        if found:
            for item in found.group(1).split(","):
                rule, _, variant = item.strip().partition(":")
                out.add((rule, variant or None, number))
    return out


@pytest.fixture(scope="module")
def findings() -> set[tuple[str, str | None, int]]:
    analysis = analyse("rules")
    return {(f.rule, f.variant, f.evidence.line or 0) for f in analysis.findings
            if f.evidence.file == "compose.yaml"}


COVERED_ELSEWHERE = {"path-outside-project", "dev-file"}
"""Rules whose fixture needs files outside the fixture folder: tests/analysis/test_paths_rule.py;
or a second compose file: tests/analysis/test_dev_settings.py."""


def test_every_rule_is_exercised_by_the_fixture() -> None:
    assert {rule for rule, _, _ in expected()} | COVERED_ELSEWHERE == set(RULES)


@pytest.mark.parametrize("rule,variant,line", sorted(expected(), key=lambda t: (t[0], t[2])))
def test_rule_points_at_its_line(findings: set[tuple[str, str | None, int]], rule: str,
                                 variant: str | None, line: int) -> None:
    assert (rule, variant, line) in findings, sorted(f for f in findings if f[0] == rule)


def test_no_finding_without_a_marker(findings: set[tuple[str, str | None, int]]) -> None:
    assert findings - expected() == set()


def test_env_file_values_point_into_the_env_file() -> None:
    analysis = analyse("rules")
    secrets = [f for f in analysis.findings if f.rule == "plain-secret"
               and f.evidence.file == "web.env"]
    assert [(f.service, f.evidence.line, f.evidence.path) for f in secrets] == [
        ("web", 2, "services.web.environment.SENTRY_DSN_TOKEN")]


def test_secrets_never_show_in_findings() -> None:
    analysis = analyse("rules")
    text = " ".join(f"{f.message} {f.fix} {f.evidence.text}" for f in analysis.findings)
    for secret in ("hunter2", "cachepw", "abc123"):
        assert secret not in text


def test_every_finding_has_texts_and_a_known_severity() -> None:
    analysis = analyse("rules")
    for f in analysis.findings:
        assert f.severity in SEVERITIES
        assert f.message and f.fix and "{" not in f.message + f.fix
        assert f.evidence.path.startswith(("services.", "volumes.", "secrets.", "configs."))


def test_dev_only_services_get_only_the_dev_only_finding() -> None:
    analysis = analyse("rules")
    assert [f.rule for f in analysis.findings_for("adminer")] == ["dev-only"]


def test_findings_are_sorted_most_severe_first() -> None:
    analysis = analyse("rules")
    ranks = [SEVERITIES.index(f.severity) for f in analysis.findings]
    assert ranks == sorted(ranks)


def test_localhost_to_its_own_port_is_fine() -> None:
    analysis = analyse("rules")
    flagged = {f.evidence.text.split("=")[0] for f in analysis.findings
               if f.rule == "localhost-reference"}
    assert "HEALTH_URL" not in flagged and "NO_PROXY" not in flagged


def test_unexposed_port_names_the_port_from_the_clients() -> None:
    analysis = analyse("rules")
    (finding,) = [f for f in analysis.findings if f.rule == "unexposed-port"]
    assert finding.service == "cache" and "port 6379" in finding.message


def test_the_saas_sample_has_the_hazards_its_readme_lists() -> None:
    from migrate_tui.compose.discover import LoadOptions
    from migrate_tui.compose.loader import load_project
    from tests.conformance.oracle import SAMPLES, clean_env

    folder = SAMPLES / "saas"
    project = load_project(LoadOptions(path=str(folder), environ=clean_env(folder),
                                       cwd=str(folder)), warn=lambda _m: None)
    found = {(f.rule, f.service) for f in analyze(project).findings}
    assert {("localhost-reference", "web"), ("docker-socket", "proxy"),
            ("container-name", "postgres"), ("ulimits", "elasticsearch"),
            ("shared-volume", None), ("build-only", "web"), ("one-shot", "migrate"),
            ("one-shot", "minio-init"), ("dev-only", "adminer")} <= found


def test_playbook_has_texts_for_every_rule_and_no_other() -> None:
    assert set(load_findings_playbook().rules) == set(RULES)


@pytest.mark.parametrize("text,seconds", [("30s", 30), ("1m30s", 90), ("500ms", 1),
                                          ("1h", 3600), ("2d", 172800), ("soon", None),
                                          ("20", None)])  # (Compose wants a unit)
def test_stop_grace_period_durations(text: str, seconds: int | None) -> None:
    assert duration_seconds(text) == seconds


def test_stop_grace_period_becomes_termination_seconds() -> None:
    analysis = analyse("rules")
    (finding,) = [f for f in analysis.findings if f.rule == "stop-grace-period"]
    assert "terminationGracePeriodSeconds: 90" in finding.fix


def test_fixture_loads_with_every_profile() -> None:
    project = load("rules", profiles=("dev",))
    assert "adminer" in project.services
    analysis = analyze(project)
    assert analysis.services["adminer"].active
