"""Projects too big for a Mermaid diagram, or for GitHub to render their Markdown at all:
the export says so and shows the same facts as tables and groups, never a diagram GitHub
would replace with an error or a file it would show as raw text."""

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

from migrate_tui.export.condensed import Shortening, group_lines, group_tasks
from migrate_tui.export.markdown import MERMAID_MAX_EDGES, MERMAID_MAX_TEXT_SIZE
from migrate_tui.export.markdown_text import GITHUB_MAX_MARKDOWN_SIZE, md
from migrate_tui.planning.plan import Task

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


def _phases_part(text: str) -> str:
    """From the first phase's heading to the findings."""
    start = text.index("\n## Denial:")
    return text[start:text.index("\n## Findings\n")]


def _service_items(plan: dict[str, object]) -> list[dict[str, object]]:
    return [item for phase in plan["phases"] for task in phase["tasks"]  # type: ignore[index]
            if task["service"] for item in task["checklist"]]


def test_a_plan_too_big_for_github_lists_its_tasks_by_group_and_what_is_under_way(
    tmp_path: Path, generate: ModuleType
) -> None:
    folder = _project(tmp_path, generate.generate(500))
    plan = json.loads(_run(folder, "plan", "--format", "json"))
    items = _service_items(plan)
    doing = next(i for i in items if str(i["id"]).endswith(".image"))
    blocked = next(i for i in items if str(i["id"]).endswith(".data-backup"))
    done = items[-1]
    (folder / "migration.toml").write_text(
        f'schema = 1\n\n[items."{doing["id"]}"]\nassignee = "Ana <ops|team>"\n'
        f'status = "doing"\n\n[items."{blocked["id"]}"]\nstatus = "blocked"\n\n'
        f'[items."{done["id"]}"]\nstatus = "done"\n', encoding="utf-8")
    text = _run(folder, "plan", "--format", "markdown")

    assert len(text.encode()) <= GITHUB_MAX_MARKDOWN_SIZE
    assert text == _run(folder, "plan", "--format", "markdown")
    for heading in ("Summary", "Decision", "Dependency graph", "Timeline", "Findings",
                    "How the estimates were computed"):
        assert f"\n## {heading}\n" in text
    phases = _phases_part(text)
    for phase in plan["phases"]:
        assert f"\n## {phase['name']}: " in phases
    assert "`migrate-tui plan --format json` and the TUI have every item" in phases
    assert re.search(r"^### Wave 2: \d+ stateless services · run it in the cluster$", phases,
                     re.M)
    assert "`<service>.image`" in phases and "`<service>.data-backup`" in phases
    assert "\n- [ ] `" not in phases.replace("- [ ] `<service>.", "")  # no per-service list
    named = set(re.findall(r"[\w-]+", phases))
    services = {t["service"] for p in plan["phases"] for t in p["tasks"] if t["service"]}
    assert services <= named
    assert f"`{doing['id']}` (**doing**, owner: Ana \\<ops\\|team\\>)" in phases
    assert f"`{blocked['id']}` (**blocked**)" in phases
    assert f"`{done['id']}`" not in phases  # simply done: counted, not listed
    assert re.search(r"· 1 of [\d,]+ items done_", phases)
    fixes = {str(i["text"]).partition(". Fix: ")[2] for i in items if ". Fix: " in str(i["text"])}
    assert fixes
    for fix in fixes:
        assert md(fix.removesuffix(")")) in phases


def test_a_plan_of_2000_services_condenses_its_findings_to_a_row_per_rule(
    tmp_path: Path, generate: ModuleType
) -> None:
    folder = _project(tmp_path, generate.generate(2000))
    text = _run(folder, "plan", "--format", "markdown")
    analysis = json.loads(_run(folder, "analyze", "--format", "json"))
    assert len(text.encode()) <= GITHUB_MAX_MARKDOWN_SIZE
    findings = _section(text, "Findings")
    assert "`migrate-tui analyze --format json` has every finding" in findings
    active = {n for n, s in analysis["services"].items() if s.get("active", True)}
    rules = {f["rule"] for f in analysis["findings"] if f.get("service") in active | {None}}
    rows = re.findall(r"^\| \w+ \| `([\w-]+)` \| ([\d,]+) \|", findings, re.M)
    assert {rule for rule, _ in rows} == rules
    assert sum(int(n.replace(",", "")) for _, n in rows) == int(
        re.search(r"The ([\d,]+) findings", findings).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert re.search(r"; and [\d,]+ more \|$", findings, re.M)


def test_a_small_project_keeps_every_task_and_finding_listed(tmp_path: Path) -> None:
    text = _run(REPO / "sample_projects" / "saas", "plan", "--format", "markdown")
    assert "<service>" not in text and "are grouped by wave" not in text
    assert re.search(r"^### \S+: run it in the cluster$", text, re.M)
    assert "| Service | Finding | Where |" in _section(text, "Findings")


def test_a_group_too_long_for_the_room_names_its_first_services_and_counts_the_rest() -> None:
    tasks = [Task.model_validate({
        "id": f"pain.s{n}", "title": f"s{n}: run it in the cluster", "service": f"s{n}",
        "class": "stateless", "kind": "service", "wave": 1, "estimate_days": 1 + n % 2,
        "checklist": [
            {"id": f"s{n}.image", "text": "Pin the image"},
            {"id": f"s{n}.fix-x", "text": f"X\\_{n % 7} is wrong. Fix: Do *it*",
             "status": "doing" if n < 30 else "todo"},
        ],
    }) for n in range(3000)]
    (group,) = group_tasks(tasks)
    lines = group_lines(group, Shortening(names=5, wordings=2, notable=20))
    text = "\n".join(lines)
    assert lines[0] == "### Wave 1: 3,000 stateless services · run it in the cluster"
    assert "_1 to 2 days a service · 4500 days in all · 0 of 6,000 items done_" in text
    assert "Services: s0, s1, s2, s3, s4 and 2,995 more." in text
    assert "- [ ] Pin the image `<service>.image`" in text
    assert "- [ ] `<service>.fix-x` on 3,000 of them. Fix: Do \\*it\\*" in text
    assert "  - X\\\\\\_0 is wrong: s0, s7, s14, s21, s28 and 424 more" in text
    assert "  - and 5 other wordings, on 2,142 services" in text
    assert "- [ ] X\\\\\\_0 is wrong. Fix: Do \\*it\\* `s0.fix-x` (**doing**)" in text
    assert "- and 10 more: `migrate-tui plan --format json` has them" in text
