"""The analysis on the real projects of ``../shared/corpus``.

Every project the loader accepts is analysed without error, and the hand-labelled projects
of ``labels.yaml`` (37 projects, 282 services) get the class a person gave them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from migrate_tui.analysis import Analysis, analyze
from migrate_tui.analysis.report import render_text, to_json
from migrate_tui.compose.loader import load_project
from migrate_tui.errors import MigrateError
from tests.analysis.helpers import corpus_options
from tests.conformance.oracle import CORPUS, Case, corpus_cases

LABELS = Path(__file__).with_name("labels.yaml")
CASES = {case.id: case for case in corpus_cases()}

pytestmark = pytest.mark.skipif(not CASES, reason=f"the corpus is missing at {CORPUS}")


@cache
def analysed(case_id: str) -> Analysis | None:
    """The analysis of a corpus project, or None when the loader rejects it."""
    case: Case = CASES[case_id]
    try:
        project = load_project(corpus_options(case), warn=lambda _m: None)
    except MigrateError:
        return None
    return analyze(project)


def labels() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(LABELS.read_text())
    return data["projects"]


def test_analysis_runs_on_every_project_that_loads() -> None:
    failures = []
    loaded = 0
    for case_id in sorted(CASES):
        try:
            analysis = analysed(case_id)
            if analysis is None:
                continue
            loaded += 1
            to_json(analysis)
            render_text(analysis)
        except Exception as exc:  # noqa: BLE001 - collect every failure, then report
            failures.append(f"{case_id}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures)
    assert loaded >= 450


def test_labelled_set_is_big_enough() -> None:
    projects = labels()
    assert len(projects) >= 15
    assert sum(len(services) for services in projects.values()) >= 100
    for case_id, services in projects.items():
        assert case_id in CASES, case_id
        analysis = analysed(case_id)
        assert analysis is not None, f"{case_id} does not load"
        assert set(services) == set(analysis.services), f"{case_id}: label every service"
        assert set(services.values()) <= {"stateful", "stateless"}


def test_analysis_agrees_with_the_hand_labels() -> None:
    data = yaml.safe_load(LABELS.read_text())
    known = {(case_id, name) for case_id, services in
             (data.get("known_disagreements") or {}).items() for name in services}
    disagreements = set()
    details = []
    total = 0
    for case_id, services in labels().items():
        analysis = analysed(case_id)
        assert analysis is not None
        for name, label in services.items():
            total += 1
            got = analysis.services[name]
            if got.service_class != label:
                disagreements.add((case_id, name))
                details.append(f"{case_id} {name}: labelled {label}, analysed "
                               f"{got.service_class} ({'; '.join(got.reasons)})")
    assert disagreements == known, f"{len(disagreements)}/{total} disagree:\n" + \
        "\n".join(details)
    assert len(known) / total < 0.02


def test_every_clear_data_store_is_stateful_and_every_app_stateless() -> None:
    """Whatever the labels say: the catalogue's databases, queues, search engines and object
    stores come out stateful, its web servers stateless, in every labelled project."""
    for case_id in labels():
        analysis = analysed(case_id)
        assert analysis is not None
        for name, service in analysis.services.items():
            if service.kind != "service":
                continue
            if service.category in ("database", "queue", "search", "object-store") \
                    and service.software not in ("NATS", "Mosquitto", "EMQX"):
                assert service.service_class == "stateful", (case_id, name)
            if service.category == "web-server":
                assert service.service_class == "stateless", (case_id, name)
