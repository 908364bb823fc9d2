"""Dev versus production (issue 15): which compose files are a developer's, and which of
their settings must not reach a cluster, each with the file and line it was read from."""

from __future__ import annotations

from functools import cache

import pytest

from migrate_tui.analysis.model import Analysis
from migrate_tui.manifests import generate_manifests
from tests.analysis.helpers import analyse, line_of, load

OVERRIDE = "compose.override.yaml"


@cache
def _analysis() -> Analysis:
    return analyse("review_dev")


def _settings() -> dict[tuple[str | None, str], tuple[str, int | None, str | None]]:
    return {(f.service, f.evidence.path): (f.evidence.file, f.evidence.line, f.variant)
            for f in _analysis().findings if f.rule == "dev-setting"}


@pytest.mark.parametrize("service,path,text,variant", [
    ("web", "services.web.environment.NODE_ENV", "NODE_ENV: development", "debug"),
    ("web", "services.web.environment.CHOKIDAR_USEPOLLING", "CHOKIDAR_USEPOLLING", "reload"),
    ("web", "services.web.command", '["npm", "run", "dev"]', "reload"),
    ("web", "services.web.ports[1]", '"9229:9229"', "debugger-port"),
    ("api", "services.api.environment.DJANGO_DEBUG", "DJANGO_DEBUG", "debug"),
    ("api", "services.api.environment.FLASK_ENV", "FLASK_ENV", "debug"),
    ("api", "services.api.environment.RAILS_ENV", "RAILS_ENV", "debug"),
    ("api", "services.api.command", "--reload", "reload"),
    ("api", "services.api.ports[0]", '"5678:5678"', "debugger-port"),
])
def test_each_dev_setting_is_a_finding_at_its_line(service: str, path: str, text: str,
                                                   variant: str) -> None:
    found = _settings()
    assert (service, path) in found, sorted(found)
    file, line, got = found[(service, path)]
    assert (file, line, got) == (OVERRIDE, line_of("review_dev", text, OVERRIDE), variant)


def test_production_values_are_not_dev_settings() -> None:
    # DEBUG=false and gunicorn are in the base file: nothing; NODE_ENV is the override's
    paths = {p for _, p in _settings()}
    assert "services.web.environment.DEBUG" not in paths
    assert "services.automation.ports[0]" not in paths  # 5678 is n8n's only port
    assert len(_settings()) == 9


def test_the_merged_override_is_said() -> None:
    (merged,) = [f for f in _analysis().findings if f.rule == "dev-file"]
    assert merged.service is None and merged.evidence.file == OVERRIDE
    assert OVERRIDE in merged.message and "compose.yaml" in merged.message


@pytest.mark.parametrize("service,kind,why", [
    ("mailhog", "dev-only", "fake SMTP"),          # the catalogue's mail catcher
    ("web-watch", "dev-only", OVERRIDE),           # defined only in the override
    ("web", "service", None),
    ("api", "service", None),
])
def test_dev_only_services_by_the_one_rule(service: str, kind: str, why: str | None) -> None:
    info = _analysis().services[service]
    assert info.kind == kind
    if why:
        assert any(why in r for r in info.kind_reasons), info.kind_reasons


def test_the_manifests_carry_no_dev_only_service() -> None:
    project = load("review_dev")
    manifests = generate_manifests(project, _analysis())
    names = " ".join(f.path for f in manifests.files)
    assert "web-watch" not in names and "mailhog" not in names
    assert "web" in names and "api" in names


def test_a_single_dev_file_makes_no_service_dev_only() -> None:
    # with no production base to compare with, "defined only in a dev file" says nothing
    analysis = analyse("review.dev")
    assert analysis.services["app"].kind == "service"
    assert [f.rule for f in analysis.findings if f.rule == "dev-file"] == ["dev-file"]


def test_the_plan_has_one_denial_item_keeping_them_out() -> None:
    from migrate_tui.planning.build import make_plan

    plan = make_plan(load("review_dev"), _analysis())
    denial = {i.id: i.text for t in plan.phases[0].tasks for i in t.checklist}
    text = denial["project.dev-settings"]
    assert text.startswith("Keep these development settings out of the cluster")
    for shown in (OVERRIDE, "DJANGO_DEBUG=true", "NODE_ENV=development", "--reload",
                  "npm run dev", "5678", "9229", "source code mounted", "mailhog: not deployed",
                  "web-watch: not deployed"):
        assert shown in text, shown
    later = [i.id for p in plan.phases[1:] for t in p.tasks for i in t.checklist
             if "dev-setting" in i.id]
    assert not later  # one item, not one per setting


def test_a_production_project_has_no_dev_item() -> None:
    from migrate_tui.planning.build import make_plan

    project = load("review_routes")
    plan = make_plan(project, analyse("review_routes"))
    assert "project.dev-settings" not in {i.id for i in plan.items()}
