"""Projects too big for a Mermaid diagram: the export says so and shows the same facts as
tables, never a diagram GitHub would replace with an error."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from migrate_tui.export.markdown import MERMAID_MAX_EDGES, MERMAID_MAX_TEXT_SIZE

REPO = Path(__file__).resolve().parents[2]
ENV = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": "/root"}


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate",
                                                  REPO / "benchmarks" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _project(tmp_path: Path, compose: str) -> Path:
    (tmp_path / "compose.yaml").write_text(compose, encoding="utf-8")
    return tmp_path


def _run(folder: Path, command: str, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "migrate_tui", command, *args],
        cwd=folder, env={**ENV, "PWD": str(folder)}, capture_output=True, text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _section(text: str, heading: str) -> str:
    return text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def _mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", text, flags=re.S)


def _assert_github_draws_every_diagram(text: str) -> None:
    for block in _mermaid_blocks(text):
        assert len(block.encode("utf-16-le")) // 2 <= MERMAID_MAX_TEXT_SIZE
        assert len(re.findall(r" -\.?-> ", block)) <= MERMAID_MAX_EDGES


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    return _generator()


def test_a_project_too_big_to_draw_gets_a_table_of_every_wave(
    tmp_path: Path, generate: ModuleType
) -> None:
    folder = _project(tmp_path, generate.generate(500))
    text = _run(folder, "plan", "--format", "markdown")
    analysis = json.loads(_run(folder, "analyze", "--format", "json"))
    _assert_github_draws_every_diagram(text)
    graph = _section(text, "Dependency graph")
    assert "```mermaid" not in graph
    assert "migrate-tui analyze --format json" in graph
    active = {n for n, s in analysis["services"].items() if s.get("active", True)}
    rows = [line for line in graph.splitlines() if re.match(r"^\| \d+ \|", line)]
    assert len(rows) == len(analysis["waves"])
    for index, (row, wave) in enumerate(zip(rows, analysis["waves"], strict=True)):
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[0] == str(index)
        assert cells[1].split()[0] == str(len([n for n in wave if n in active]))
        for name in wave:
            if name in active and analysis["services"][name]["class"] == "stateful":
                assert name in cells[2]
    timeline = _section(text, "Timeline")
    assert "a bar is the tasks of one wave" in timeline
    assert re.search(r"^  Wave \d+ - \d+ stateless services? :t\d+_pain, ", timeline, re.M)


def test_a_project_just_below_the_limits_keeps_its_diagrams(
    tmp_path: Path, generate: ModuleType
) -> None:
    text = _run(_project(tmp_path, generate.generate(240)), "plan", "--format", "markdown")
    _assert_github_draws_every_diagram(text)
    flow, gantt = _mermaid_blocks(text)
    assert flow.startswith("flowchart BT\n") and gantt.startswith("gantt\n")
    assert len(re.findall(r" -\.?-> ", flow)) > 0.9 * MERMAID_MAX_EDGES
    assert "| Wave |" not in text
    assert "a bar is the task's person-days" in _section(text, "Timeline")


def test_a_plan_too_long_even_for_a_bar_a_wave_gets_its_timeline_as_a_table(
    tmp_path: Path,
) -> None:
    chain = ["services:", "  s0:", "    image: nginx:1.27"]
    for n in range(1, 1000):
        chain += [f"  s{n}:", "    image: nginx:1.27", f"    depends_on: [s{n - 1}]"]
    text = _run(_project(tmp_path, "\n".join(chain) + "\n"), "plan", "--format", "markdown")
    assert _mermaid_blocks(text) == []
    graph = _section(text, "Dependency graph")
    assert len(re.findall(r"^\| \d+ \| 1 \| - \| s\d+ \|$", graph, re.M)) == 1000
    timeline = _section(text, "Timeline")
    assert "| Phase | Tasks | Start | Days |" in timeline
    assert "| Pain | Wave 999 - 1 stateless service | week " in timeline
