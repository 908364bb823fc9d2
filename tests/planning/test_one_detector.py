"""One detector per capability: the finding and the plan read the same GPU detector, and the
plan finds an engine's sub-plan by the catalogue's id, whatever its display name."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate_tui.analysis import Analysis, analyze
from migrate_tui.analysis.catalogue import Catalogue, load_catalogue
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.compose.model import Project
from migrate_tui.errors import PlaybookError
from migrate_tui.planning.build import make_plan
from migrate_tui.planning.plan import Plan
from migrate_tui.planning.playbooks import load_plan_playbooks


def _project(folder: Path, compose: str) -> Project:
    (folder / "compose.yaml").write_text(compose, encoding="utf-8")
    return load_project(LoadOptions(path=str(folder), environ={}, cwd=str(folder)),
                        warn=lambda _m: None)


def _gpu_plan_item(plan: Plan) -> bool:
    return any(item.id.endswith("gpu-nodes") for item in plan.items())


def _gpu_finding(analysis: Analysis) -> bool:
    return any(f.rule == "gpu" for f in analysis.findings)


_RESERVATION = """
services:
  trainer:
    image: example/trainer:1
    deploy:
      resources:
        reservations:
          devices:
            - {device}
"""


@pytest.mark.parametrize("device,expected", [
    ("{driver: nvidia, count: 1, capabilities: [gpu]}", True),
    ("{driver: amd, count: 1, capabilities: [compute]}", True),
    ("{driver: AMD, device_ids: ['0'], capabilities: [utility]}", True),
    ("{capabilities: [gpu], device_ids: ['0', '1']}", True),
    ("{driver: nvidia, capabilities: [compute, utility]}", True),
    ("{driver: example-fpga, count: 1, capabilities: [compute]}", False),
])
def test_a_gpu_reservation_gets_both_the_finding_and_the_node_pool(
        tmp_path: Path, device: str, expected: bool) -> None:
    project = _project(tmp_path, _RESERVATION.format(device=device))
    analysis = analyze(project)
    assert _gpu_finding(analysis) is expected
    assert _gpu_plan_item(make_plan(project, analysis)) is expected


def test_the_gpus_key_gets_both_the_finding_and_the_node_pool(tmp_path: Path) -> None:
    project = _project(tmp_path, "services:\n  trainer:\n    image: example/t:1\n"
                                 "    gpus: all\n")
    analysis = analyze(project)
    assert _gpu_finding(analysis) and _gpu_plan_item(make_plan(project, analysis))


_DATABASE = """
services:
  db:
    image: postgres:16
    volumes: [data:/var/lib/postgresql/data]
volumes:
  data: {}
"""


def _renamed(catalogue: Catalogue, engine: str, name: str) -> Catalogue:
    """The catalogue with one entry's display name changed (a fresh instance: the lookups a
    catalogue keeps are not copied)."""
    images = [e.model_copy(update={"name": name}) if e.id == engine else e
              for e in catalogue.images]
    return Catalogue(images=images, dev_only=catalogue.dev_only,
                     heuristics=catalogue.heuristics, weights=catalogue.weights)


@pytest.mark.parametrize("name", ["PostgreSQL", "PostgreSQL Database Server",
                                  "Postgres / PostGIS (Crunchy)"])
def test_the_engine_sub_plan_is_found_by_id_whatever_the_display_name(
        tmp_path: Path, name: str) -> None:
    project = _project(tmp_path, _DATABASE)
    analysis = analyze(project, catalogue=_renamed(load_catalogue(), "postgresql", name))
    assert analysis.services["db"].software == name
    assert analysis.services["db"].engine == "postgresql"
    plan = make_plan(project, analysis)
    db_items = [i.id for p in plan.phases for t in p.tasks if t.service == "db"
                for i in t.checklist]
    assert any(i.endswith("data-pooling") for i in db_items), db_items  # PgBouncer: postgres'


def test_every_engine_sub_plan_is_keyed_by_a_catalogue_id() -> None:
    ids = load_catalogue().by_id
    assert set(load_plan_playbooks().engines) <= set(ids)
    assert "microsoft-sql-server" in load_plan_playbooks().engines  # a multi-word engine


def test_an_engine_keyed_by_no_catalogue_id_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "engines.yaml").write_text(
        "engines:\n  postgres:\n    strategy: CloudNativePG\n    items: []\n", encoding="utf-8")
    with pytest.raises(PlaybookError) as caught:
        load_plan_playbooks(tmp_path)
    assert "engines.postgres" in caught.value.render()
    assert "postgresql" in caught.value.render()  # the id it meant
    assert caught.value.location is not None and caught.value.location.line == 2
