"""The ledger accounts for every key ``config --format json`` prints for every active
service, for every sample and every corpus project the oracle accepts."""

from __future__ import annotations

import json

import pytest

from migrate_tui.manifests.model import STATUSES
from tests.conformance.oracle import CORPUS
from tests.manifests.helpers import (
    Generated,
    accepted_corpus_cases,
    generated_corpus,
    generated_samples,
)


def unaccounted(g: Generated) -> list[str]:
    """``project: service.key`` of every printed key without a ledger entry."""
    compose = json.loads(json.dumps(g.project.compose))
    missing = []
    for name in g.project.services:
        keys = {e.key for e in g.manifests.entries_for(name)}
        heads = {k.split(".", 1)[0].split("[", 1)[0] for k in keys}
        for key, value in compose["services"][name].items():
            if key not in heads:
                missing.append(f"{g.case.id}: {name}.{key}")
                continue
            # each variable, port and volume has its own entry (unless the whole key has
            # one: a service that is not deployed)
            if key in keys:
                continue
            if key == "environment":
                missing += [f"{g.case.id}: {name}.environment.{v}" for v in value
                            if f"environment.{v}" not in keys]
            if key in ("ports", "volumes", "expose", "secrets", "configs"):
                missing += [f"{g.case.id}: {name}.{key}[{i}]" for i in range(len(value))
                            if f"{key}[{i}]" not in keys]
    return missing


def _check(generated: list[Generated]) -> None:
    problems = [m for g in generated for m in unaccounted(g)]
    assert problems == [], "\n".join(problems[:40])
    for g in generated:
        for e in g.manifests.ledger:
            assert e.status in STATUSES
            assert e.why


def test_samples_ledger_is_complete() -> None:
    _check(generated_samples())


def test_corpus_ledger_is_complete() -> None:
    if not accepted_corpus_cases():
        pytest.skip(f"the corpus is absent at {CORPUS}")
    _check(generated_corpus())


def test_ledger_is_deterministic() -> None:
    g = generated_samples()[0]
    from migrate_tui.analysis.pipeline import analyze
    from migrate_tui.manifests import generate_manifests

    again = generate_manifests(g.project, analyze(g.project))
    assert again.ledger == g.manifests.ledger
    assert again.files == g.manifests.files
