"""Estimates: stateful work is exactly double; the reference project lands in the windows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from migrate_tui.errors import MigrateError
from migrate_tui.planning.plan import FindingFacts, PlanInput, ServiceFacts, Settings, build_plan
from migrate_tui.planning.playbooks import load_plan_playbooks

PLAYBOOKS = load_plan_playbooks()


def _input(*services: ServiceFacts, findings: list[FindingFacts] | None = None) -> PlanInput:
    return PlanInput("demo", list(services), findings or [], [[s.name for s in services]])


def _tasks(plan, service):  # type: ignore[no-untyped-def]
    return {p.id: t.estimate_days for p in plan.phases for t in p.tasks if t.service == service}


@pytest.mark.parametrize("engine", [None, "postgres", "kafka", "unknown-engine"])
def test_flipping_a_service_to_stateful_exactly_doubles_its_tasks(engine: str | None) -> None:
    api = ServiceFacts("api", "stateless", "service", 0, engine=engine, ports=2, volumes=1,
                       builds=True)
    other = ServiceFacts("web", "stateless", "service", 1, ports=1)
    finding = FindingFacts("no-healthcheck", "medium", "api", "no healthcheck", "write probes")
    before = build_plan(_input(api, other, findings=[finding]), PLAYBOOKS)
    after = build_plan(_input(replace(api, service_class="stateful"), other,
                              findings=[finding]), PLAYBOOKS)
    stateless, stateful = _tasks(before, "api"), _tasks(after, "api")
    assert stateless.keys() == stateful.keys() == {"pain", "acceptance"}
    for phase, days in stateless.items():
        assert stateful[phase] == pytest.approx(2 * days)
    assert _tasks(before, "web") == _tasks(after, "web")
    data_items = [i.id for p in after.phases for t in p.tasks if t.service == "api"
                  for i in t.checklist if ".data-" in i.id]
    assert "api.data-backup" in data_items and "api.data-restore-test" in data_items


def test_the_reference_five_service_project_lands_in_the_windows() -> None:
    """sample_projects/webapp's shape with the defaults (4 engineers at 50%)."""
    from migrate_tui.planning.build import plan_for_path

    root = Path(__file__).resolve().parents[2] / "sample_projects" / "webapp"
    plan = plan_for_path(root, environ={"PATH": "/usr/bin", "HOME": "/root"})
    ends = {p.id: p.end_week for p in plan.phases}
    assert 1.5 <= ends["denial"] <= 2.5
    assert 7.0 <= ends["pain"] <= 9.0
    assert 11.0 <= ends["acceptance"] <= 13.0


def test_a_bigger_team_finishes_sooner_and_focus_matters() -> None:
    api = ServiceFacts("api", "stateless", "service", 0)
    base = build_plan(_input(api), PLAYBOOKS)
    bigger = build_plan(_input(api), PLAYBOOKS, Settings(team_size=8))
    full = build_plan(_input(api), PLAYBOOKS, Settings(focus=1.0))
    assert bigger.total_weeks == pytest.approx(base.total_weeks / 2, rel=0.01)
    assert full.total_weeks == pytest.approx(base.total_weeks / 2, rel=0.01)
    assert base.total_weeks_low < base.total_weeks < base.total_weeks_high


def test_ids_are_stable_across_edits_of_unrelated_services() -> None:
    api = ServiceFacts("api", "stateless", "service", 0)
    web = ServiceFacts("web", "stateless", "service", 1)
    one = {i.id for i in build_plan(_input(api, web), PLAYBOOKS).items() if i.id.startswith("api.")}
    two = {i.id for i in build_plan(_input(api, replace(web, ports=3, service_class="stateful")),
                                    PLAYBOOKS).items() if i.id.startswith("api.")}
    assert one == two


def test_dev_only_services_are_proposed_for_retirement_and_jobs_become_jobs() -> None:
    admin = ServiceFacts("adminer", "stateless", "dev-only", 0)
    job = ServiceFacts("migrate", "stateless", "job", 0)
    plan = build_plan(_input(admin, job), PLAYBOOKS)
    titles = {t.service: t.title for p in plan.phases for t in p.tasks if t.service}
    assert "retirement" in titles["adminer"]
    assert "Job" in titles["migrate"]


def test_a_broken_team_playbook_names_file_item_and_field(tmp_path: Path) -> None:
    (tmp_path / "project.yaml").write_text(
        "items:\n  - id: my-check\n    phase: pain\n    text: Check the thing\n"
        "    estimate_days: lots\n"
    )
    with pytest.raises(MigrateError) as info:
        load_plan_playbooks(tmp_path)
    text = info.value.render()
    assert "project.yaml:5" in text  # the line of the bad field
    assert "items[my-check]" in text
    assert "estimate_days" in text


def test_a_team_playbook_adds_and_overrides_items(tmp_path: Path) -> None:
    (tmp_path / "project.yaml").write_text(
        "items:\n  - id: cluster-choice\n    phase: denial\n    text: We use GKE Autopilot\n"
        "    estimate_days: 0.5\n  - id: soc2\n    phase: acceptance\n"
        "    text: Collect SOC 2 evidence\n    estimate_days: 2\n"
    )
    playbooks = load_plan_playbooks(tmp_path)
    by_id = {i.id: i for i in playbooks.project_items}
    assert by_id["cluster-choice"].text == "We use GKE Autopilot"
    assert by_id["soc2"].phase == "acceptance"
