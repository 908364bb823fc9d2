"""The guard of the re-plan after an override: it equals a workspace computed from scratch.

:func:`migrate_tui.workspace.compute` with ``previous`` reuses what a class or kind
override cannot change (the table in :mod:`migrate_tui.workspace`). Whatever it reuses,
the analysis, the manifests, the ledger and the plan must be exactly those of a compute
without it, after each of a run of random overrides, set and taken back.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from migrate_tui.analysis.model import KINDS
from migrate_tui.analysis.pipeline import analyze
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.progress.changes import SetOverride
from migrate_tui.workspace import Workspace, compute, open_workspace

ROOT = Path(__file__).resolve().parents[1]
PROJECTS = [
    ROOT / "sample_projects" / "api-postgres-redis",
    ROOT / "sample_projects" / "ml-inference",
    ROOT / "sample_projects" / "saas",
    ROOT / "sample_projects" / "webapp",
    ROOT / "tests" / "fixtures" / "manifests" / "volumes_from",
    ROOT / "tests" / "fixtures" / "analysis" / "shared_namespace.yaml",
    ROOT / "tests" / "fixtures" / "analysis" / "routing.yaml",
    ROOT / "tests" / "fixtures" / "analysis" / "data_inventory.yaml",
    ROOT / "tests" / "fixtures" / "analysis" / "kinds_agents.yaml",
    ROOT / "tests" / "fixtures" / "replan" / "proxy_upstream.yaml",
    ROOT / "tests" / "fixtures" / "replan" / "shared_volume.yaml",
]
STEPS = 8


def _open(path: Path, state: Path) -> Workspace:
    cwd = path if path.is_dir() else path.parent
    return open_workspace(LoadOptions(path=str(path), cwd=str(cwd),
                                      environ={"PATH": "/usr/bin"}),
                          state_file=str(state), warn=lambda _m: None)


def _from_scratch(ws: Workspace) -> Workspace:
    return compute(ws.project, ws.store, ws.state, ws.playbooks, flags=ws.flags)


def _assert_same(replanned: Workspace, fresh: Workspace, what: str) -> None:
    assert replanned.analysis == fresh.analysis, what
    assert replanned.manifests == fresh.manifests, what
    assert replanned.ledger == fresh.ledger, what
    assert replanned.plan == fresh.plan, what
    # What a reset goes back to: classified again from the reading, it is what a whole
    # analysis without the overrides says.
    services = analyze(replanned.project).services
    assert replanned.detected() == {
        name: {"class": services[name].service_class, "kind": services[name].kind}
        for name in replanned.state.settings.overrides}, what


def _random_overrides(ws: Workspace, seed: int) -> None:
    """Apply ``STEPS`` random overrides (class or kind, set or taken back), comparing each
    re-plan with a compute from scratch."""
    rng = random.Random(seed)
    names = sorted(ws.analysis.services)
    for step in range(STEPS):
        name = rng.choice(names)
        field = rng.choice(["class", "kind"])
        values = ["stateful", "stateless"] if field == "class" else list(KINDS)
        value = rng.choice([*values, None])
        ws = ws.apply([SetOverride(name, field, value, by="test")])  # type: ignore[arg-type]
        assert ws.stages is not None
        _assert_same(ws, _from_scratch(ws), f"step {step}: {name} {field}={value}")


@pytest.mark.parametrize("path", PROJECTS, ids=lambda p: p.name)
def test_a_replan_after_random_overrides_equals_a_plan_from_scratch(
    path: Path, tmp_path: Path
) -> None:
    _random_overrides(_open(path, tmp_path / "migration.toml"), seed=len(path.name))


@pytest.mark.parametrize("path", PROJECTS, ids=lambda p: p.name)
def test_each_service_set_dev_only_then_back_replans_as_from_scratch(
    path: Path, tmp_path: Path
) -> None:
    """Every service in turn leaves the cluster and comes back: what the others read of it
    (a dependency's ports, a sidecar's owner, a proxy's upstreams, a shared volume's
    users) changes under them while their own facts may not."""
    ws = _open(path, tmp_path / "migration.toml")
    for name in sorted(ws.analysis.services):
        for value in ("dev-only", None):
            ws = ws.apply([SetOverride(name, "kind", value, by="test")])
            _assert_same(ws, _from_scratch(ws), f"{name} kind={value}")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "120",
                    str(folder)], check=True, capture_output=True)
    return folder


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_replan_of_a_generated_project_equals_a_plan_from_scratch(
    generated: Path, tmp_path: Path, seed: int
) -> None:
    _random_overrides(_open(generated, tmp_path / "migration.toml"), seed=seed)


def test_a_replan_reuses_what_the_override_cannot_change(tmp_path: Path) -> None:
    """The reuse happens (else the guard above guards nothing): the project's readings are
    the same objects, and so are the services' classifications and outputs the override
    left alone."""
    ws = _open(ROOT / "sample_projects" / "saas", tmp_path / "migration.toml")
    name = sorted(ws.analysis.services)[0]
    was = ws.analysis.services[name].service_class
    other = "stateless" if was == "stateful" else "stateful"
    again = ws.apply([SetOverride(name, "class", other, by="test")])
    assert ws.stages is not None and again.stages is not None
    before, after = ws.stages, again.stages
    assert after.analysis.reading is before.analysis.reading
    assert after.manifests.reading is before.manifests.reading
    kept = [n for n in ws.analysis.services if n != name]
    assert all(after.analysis.classified[n] is before.analysis.classified[n] for n in kept)
    assert after.analysis.classified[name] is not before.analysis.classified[name]
    assert after.analysis.findings is before.analysis.findings
    reused = [n for n in after.manifests.outputs
              if after.manifests.outputs[n] is before.manifests.outputs.get(n)]
    assert reused and name not in reused


def test_a_kind_override_runs_again_only_the_rules_that_read_it(tmp_path: Path) -> None:
    """A kind override changes the rules' inputs: the rules that read nothing of what
    changed keep their run (the same objects); those that read the kinds run again."""
    ws = _open(ROOT / "sample_projects" / "saas", tmp_path / "migration.toml")
    name = next(n for n, a in sorted(ws.analysis.services.items()) if a.kind == "service")
    again = ws.apply([SetOverride(name, "kind", "job", by="test")])
    assert ws.stages is not None and again.stages is not None
    before, after = ws.stages.analysis.rules.runs, again.stages.analysis.rules.runs
    kept = {r for r in after if after[r] is before[r]}
    assert "runs-as-root" in kept  # reads no kind
    assert "one-shot" not in kept  # reads every kind
    _assert_same(again, _from_scratch(again), f"{name} kind=job")


def test_a_route_is_read_again_when_its_service_is_classified_again(tmp_path: Path) -> None:
    """A published database is kept internal (its catalogue category); as a daemon it has
    no catalogue entry, and its published port becomes a LoadBalancer: the routes of a
    service classified again are read again, not reused."""
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  db:\n    image: postgres:16\n    ports: ['5432:5432']\n"
                       "  web:\n    image: nginx:1.27\n    ports: ['8080:80']\n",
                       encoding="utf-8")
    ws = _open(compose, tmp_path / "migration.toml")
    targets = {r.service: r.target for r in ws.analysis.routes}
    ws = ws.apply([SetOverride("db", "kind", "daemon", by="test")])
    assert {r.service: r.target for r in ws.analysis.routes} != targets
    _assert_same(ws, _from_scratch(ws), "db kind=daemon")
    ws = ws.apply([SetOverride("db", "kind", None, by="test")])
    _assert_same(ws, _from_scratch(ws), "db kind=None")


def test_a_copy_whose_original_changes_is_replanned_as_from_scratch(
    generated: Path, tmp_path: Path
) -> None:
    """The copies' own facts stay the same while the original they copy changes (the one
    after it becomes the original; the others now copy that one): their tasks must not be
    reused."""
    from migrate_tui.planning.build import plan_input
    from migrate_tui.planning.plan import copies_and_siblings
    from migrate_tui.workspace import ledger_facts

    ws = _open(generated, tmp_path / "migration.toml")
    assert ws.manifests is not None
    data = plan_input(ws.project, ws.analysis, ledger_facts(ws.manifests))
    copies = copies_and_siblings(data, ws.playbooks.estimates)
    followers: dict[str, int] = {}
    for first, share in copies.values():
        if share == ws.playbooks.estimates.copy_share.value:
            followers[first] = followers.get(first, 0) + 1
    # (a stateless one: a database's copies share its volumes' analysis, so their own
    # facts change with it)
    original = next(n for n in sorted(followers) if followers[n] >= 2
                    and ws.analysis.services[n].service_class == "stateless")
    for change in (SetOverride(original, "kind", "dev-only", by="test"),
                   SetOverride(original, "kind", None, by="test"),
                   SetOverride(original, "class", "stateful", by="test")):
        ws = ws.apply([change])
        _assert_same(ws, _from_scratch(ws), f"{original} {change.field}={change.value}")


def test_a_status_change_replans_as_from_scratch(tmp_path: Path) -> None:
    """A status or an owner saved (the plan re-made with the tasks of unchanged items
    reused) gives the plan a compute from scratch gives."""
    from migrate_tui.progress.changes import SetAssignee, SetStatus

    ws = _open(ROOT / "sample_projects" / "saas", tmp_path / "migration.toml")
    rng = random.Random(7)
    ids = sorted(ws.item_ids())
    for step in range(STEPS):
        item = rng.choice(ids)
        change = (SetStatus(item, rng.choice(["doing", "done", "todo"]), by="test")
                  if step % 2 == 0 else SetAssignee(item, rng.choice(["ana", None]), by="t"))
        ws = ws.apply([change])  # type: ignore[list-item]
        assert ws.plan == _from_scratch(ws).plan, f"step {step}: {change}"


def test_services_sharing_a_volume_replan_and_reset_as_from_scratch(tmp_path: Path) -> None:
    """saas's api and worker-media write one volume: shared files, not the api's state.
    Overriding one changes what the other shares (a job does not count), and what a reset
    of the api goes back to depends on it sharing that volume."""
    ws = _open(ROOT / "sample_projects" / "saas", tmp_path / "migration.toml")
    shared = ws.stages.analysis.classified["api"].inputs[1] if ws.stages else {}
    assert shared == {"volume uploads": ["worker-media"]}
    for change in (SetOverride("api", "class", "stateful", by="test"),
                   SetOverride("worker-media", "kind", "job", by="test"),
                   SetOverride("worker-media", "kind", None, by="test")):
        ws = ws.apply([change])
        _assert_same(ws, _from_scratch(ws), f"{change.service} {change.field}={change.value}")


def test_what_a_reset_goes_back_to_counts_the_volume_shared(tmp_path: Path) -> None:
    """ingest and publish write one volume: each is detected stateless for it, whatever
    either is overridden to (a reset goes back to what the compose files alone say)."""
    ws = _open(ROOT / "tests" / "fixtures" / "replan" / "shared_volume.yaml",
               tmp_path / "migration.toml")
    ws = ws.apply([SetOverride("ingest", "class", "stateful", by="test")])
    assert ws.detected() == {"ingest": {"class": "stateless", "kind": "service"}}
    ws = ws.apply([SetOverride("publish", "kind", "job", by="test")])
    assert ws.detected()["ingest"] == {"class": "stateless", "kind": "service"}
    _assert_same(ws, _from_scratch(ws), "publish a job")


def test_an_override_to_the_detected_value_is_no_override(tmp_path: Path) -> None:
    """Cycling ``k`` round to the detected kind, or ``c`` back to the detected class, leaves
    nothing saved: the service is no longer marked overridden."""
    ws = _open(ROOT / "sample_projects" / "webapp", tmp_path / "m.toml")
    name = "api"
    kind = ws.analysis.services[name].kind
    other = next(k for k in KINDS if k != kind)
    ws = ws.apply([SetOverride(name, "kind", other, by="t")])
    assert ws.analysis.services[name].overridden
    ws = ws.apply([SetOverride(name, "kind", kind, by="t")])  # back round to the detected
    assert name not in ws.state.settings.overrides
    assert not ws.analysis.services[name].overridden
    detected_class = ws.analysis.services[name].service_class
    ws = ws.apply([SetOverride(name, "class", detected_class, by="t")])  # a no-op at once
    assert name not in ws.state.settings.overrides


def test_a_class_override_beside_a_kind_override_is_kept(tmp_path: Path) -> None:
    """The class follows the kind: with the kind overridden, a class equal to what the
    analysis detects without any override is still a choice, and stays saved."""
    (tmp_path / "compose.yaml").write_text("services:\n  db:\n    image: postgres:16\n")
    ws = _open(tmp_path, tmp_path / "m.toml")
    name = "db"
    assert ws.analysis.services[name].service_class == "stateful"
    ws = ws.apply([SetOverride(name, "kind", "job", by="t")])
    assert ws.analysis.services[name].service_class == "stateless"  # a job keeps nothing
    ws = ws.apply([SetOverride(name, "class", "stateful", by="t")])
    assert ws.analysis.services[name].service_class == "stateful"
    assert ws.state.settings.overrides[name].service_class == "stateful"
