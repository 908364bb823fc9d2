"""The container says what Compose says, and no secret value leaves the compose files.

For every sample and every corpus project the oracle accepts: each generated container's
image, args and command are the loader's ``image``, ``command`` and ``entrypoint`` (the
loader equals the oracle there: ``tests/conformance``) as the process gets them (Compose
keeps a literal ``$`` as ``$$`` and so does the kubelet; ``$(VAR)`` is a secret reference);
and no secret value of the compose or env files is in any generated file or ledger.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from migrate_tui.analysis.evidence import is_secret_name
from migrate_tui.analysis.findings import load_findings_playbook
from migrate_tui.manifests.container import placeholder_image
from migrate_tui.manifests.ledger import RENDERERS
from migrate_tui.manifests.names import dns_label, unescaped
from migrate_tui.manifests.writer import file_text
from tests.conformance.oracle import CORPUS, run_oracle, sample_cases
from tests.manifests.helpers import (
    Generated,
    accepted_corpus_cases,
    containers,
    generated_corpus,
    generated_samples,
)

_URL_PASSWORD = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^:@/\s]*:([^@/\s]+)@")


_REFERENCE = re.compile(r"\$\$|\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)")


def expand(text: str, env: dict[str, str]) -> str:
    """What the kubelet makes of a command or args entry: ``$$`` is ``$``, ``$(VAR)`` is
    the variable's value when the container defines it (Kubernetes' expansion rules)."""
    def one(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        return env.get(m.group(1), m.group(0))

    return _REFERENCE.sub(one, text)


def container_env(c: dict[str, Any], compose: dict[str, Any],
                  by_label: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, str]:
    """The container's variables with their values (secrets read back from Compose)."""
    env: dict[str, str] = {}
    name, svc = by_label[c["name"]]
    if c.get("envFrom"):
        env.update({k: unescaped(v) for k, v in (svc.get("environment") or {}).items()
                    if v is not None})
    for e in c.get("env") or []:
        if "value" in e:
            env[e["name"]] = expand(e["value"], {})
            continue
        ref = e["valueFrom"]["secretKeyRef"]["key"]
        label, var = ref.split(".", 1)
        env[e["name"]] = unescaped(by_label[label][1]["environment"][var])
    return env


def _run(values: list[str] | None, env: dict[str, str]) -> list[str] | None:
    """What the process gets of a container's command or args."""
    return None if values is None else [expand(v, env) for v in values]


def _runtime(values: list[str] | None) -> list[str] | None:
    """What the process gets of a Compose command or entrypoint (``$$`` is ``$``)."""
    return None if values is None else [unescaped(v) for v in values]


def fidelity_problems(g: Generated, compose: dict[str, Any]) -> list[str]:
    problems = []
    by_label = {dns_label(n): (n, s) for n, s in (compose.get("services") or {}).items()}
    seen = set()
    for _, _, c in containers(g.manifests):
        name, svc = by_label[c["name"]]
        seen.add(name)
        image = svc.get("image")
        if image is None:
            if c["image"] != placeholder_image(dns_label(name)):
                problems.append(f"{name}: image {c['image']!r} for a built service")
        elif c["image"] != image:
            problems.append(f"{name}: image {c['image']!r} != {image!r}")
        env = container_env(c, compose, by_label)
        if _run(c.get("args"), env) != _runtime(svc.get("command")):
            problems.append(f"{name}: args {c.get('args')!r} != {svc.get('command')!r}")
        if _run(c.get("command"), env) != _runtime(svc.get("entrypoint")):
            problems.append(f"{name}: command {c.get('command')!r} != {svc.get('entrypoint')!r}")
    return problems


def test_fidelity_on_samples_against_the_oracle() -> None:
    """Against Docker Compose itself, for the samples."""
    cases = {c.id: c for c in sample_cases()}
    for g in generated_samples():
        rc, theirs, err = run_oracle(cases[g.case.id])
        assert rc == 0, err
        assert theirs is not None
        assert fidelity_problems(g, theirs) == []


def test_fidelity_on_the_corpus() -> None:
    if not accepted_corpus_cases():
        pytest.skip(f"the corpus is absent at {CORPUS}")
    problems = []
    for g in generated_corpus():
        compose = json.loads(json.dumps(g.project.compose))
        problems += [f"{g.case.id}: {p}" for p in fidelity_problems(g, compose)]
    assert problems == [], "\n".join(problems[:30])


def test_every_workload_and_its_main_container_are_named_after_the_service() -> None:
    for g in generated_samples():
        for name, workload, c in containers(g.manifests):
            if c is workload["spec"].get("template", {}).get("spec", {}).get(
                    "containers", [None])[0]:
                assert c["name"] == name


# ---------------------------------------------------------------------- secrets


def secret_values(g: Generated) -> set[str]:
    """The secret values of a project: variables named or found as secrets, URL passwords,
    and the content of the files its Compose secrets read."""
    params = load_findings_playbook().rules["plain-secret"].params
    names, ignore = re.compile(params["names"]), re.compile(params["ignore_values"])
    compose = g.project.compose
    # Words the project shows in the open (a password "postgres" is also an image name).
    public = json.dumps([compose.get("name"), sorted(compose.get("services") or {}),
                         [s.get("image") for s in (compose.get("services") or {}).values()],
                         sorted(compose.get("volumes") or {}),
                         sorted(compose.get("networks") or {})])
    out = set()
    plain_values = set()  # (the project shows them in the open under a name no secret's)
    for svc in (g.project.compose.get("services") or {}).values():
        for key, value in (svc.get("environment") or {}).items():
            if not isinstance(value, str) or len(value) < 6:
                continue  # ("true", "1234": words found in any manifest)
            if (names.search(key) or is_secret_name(key)) and not ignore.search(value):
                out.add(value)
            else:
                plain_values.add(value)
            out |= {m for m in _URL_PASSWORD.findall(value) if len(m) >= 6}
    for spec in (g.project.compose.get("secrets") or {}).values():
        path = Path(str((spec or {}).get("file") or ""))
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 65536:
            text = path.read_text(errors="replace").strip()
            if len(text) >= 6:
                out.add(text)
    # A value that is one lowercase word ("secret", "changeme") is also a word of any
    # manifest ("secretKeyRef"): a substring search cannot tell it from a leak.
    return {v for v in out if v not in public and v not in plain_values
            and not re.fullmatch(r"[a-z]{1,12}", v)}


def leaked(g: Generated) -> list[str]:
    values = secret_values(g)
    if not values:
        return []
    text = "".join(file_text(f) for f in g.manifests.files)
    text += "".join(render(g.manifests) for render in RENDERERS.values())
    return sorted(f"{g.case.id}: {v[:3]}..." for v in values if v in text)


def test_no_secret_value_in_samples() -> None:
    assert any(secret_values(g) for g in generated_samples())
    assert [x for g in generated_samples() for x in leaked(g)] == []


def test_no_secret_value_in_the_corpus() -> None:
    if not accepted_corpus_cases():
        pytest.skip(f"the corpus is absent at {CORPUS}")
    corpus = generated_corpus()
    assert sum(bool(secret_values(g)) for g in corpus) > 50
    assert [x for g in corpus for x in leaked(g)] == []
