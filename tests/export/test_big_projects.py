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

from migrate_tui.analysis.model import Analysis
from migrate_tui.analysis.pipeline import analyze
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.export.condensed import Shortening, group_lines, group_tasks
from migrate_tui.export.markdown import (
    MERMAID_MAX_EDGES,
    MERMAID_MAX_TEXT_SIZE,
    TIMELINE_ROWS,
    WAVE_ROWS,
    _phases_and_findings,
)
from migrate_tui.export.markdown_text import GITHUB_MAX_MARKDOWN_SIZE, md
from migrate_tui.planning.plan import Plan, Task

REPO = Path(__file__).resolve().parents[2]
ENV = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": "/root",
       "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}


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


def _analysis(folder: Path) -> Analysis:
    """The project's analysis, as ``migrate-tui analyze`` makes it (in process)."""
    options = LoadOptions(path=str(folder), environ={**ENV, "PWD": str(folder)},
                          cwd=str(folder))
    return analyze(load_project(options))


def _section(text: str, heading: str) -> str:
    return text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def _mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", text, flags=re.S)


def _assert_github_draws_every_diagram(text: str) -> None:
    for block in _mermaid_blocks(text):
        assert len(block.encode("utf-16-le")) // 2 <= MERMAID_MAX_TEXT_SIZE
        assert len(re.findall(r" (?:-\.?->|~~~) ", block)) <= MERMAID_MAX_EDGES


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


def test_a_project_just_below_the_limits_keeps_its_gantt_and_tables_a_graph_too_wide(
    tmp_path: Path, generate: ModuleType
) -> None:
    text = _run(_project(tmp_path, generate.generate(240)), "plan", "--format", "markdown")
    _assert_github_draws_every_diagram(text)
    (gantt,) = _mermaid_blocks(text)
    assert gantt.startswith("gantt\n")
    assert "a bar is the task's person-days" in _section(text, "Timeline")
    graph = _section(text, "Dependency graph")
    assert "too wide to read in GitHub's 880 px column" in graph
    assert "| Wave |" in graph


def test_a_graph_of_many_unrelated_services_is_drawn_in_rows(tmp_path: Path) -> None:
    compose = "services:\n" + "".join(f"  tool-{n:02}:\n    image: nginx:1.27\n"
                                       for n in range(40))
    text = _run(_project(tmp_path, compose), "plan", "--format", "markdown")
    (flow, _) = _mermaid_blocks(text)
    assert "\nflowchart BT\n" in flow
    assert len(re.findall(r" ~~~ ", flow)) >= 20  # rows of about ten boxes, stacked


def _chain(services: int, image: str = "nginx:1.27") -> str:
    """A compose file of ``services`` services s0, s1..., each depending on the one before:
    a wave per service."""
    chain = ["services:", "  s0:", f"    image: {image}"]
    for n in range(1, services):
        chain += [f"  s{n}:", f"    image: {image}", f"    depends_on: [s{n - 1}]"]
    return "\n".join(chain) + "\n"


def test_a_plan_too_long_even_for_a_bar_a_wave_gets_its_timeline_as_a_table(
    tmp_path: Path,
) -> None:
    text = _run(_project(tmp_path, _chain(1000)), "plan", "--format", "markdown")
    assert len(text.encode()) <= GITHUB_MAX_MARKDOWN_SIZE
    assert _mermaid_blocks(text) == []
    graph = _section(text, "Dependency graph")
    rows = re.findall(r"^\| (\d+)–(\d+) \| (\d+) \| - \| ([^|]+) \|$", graph, re.M)
    assert 0 < len(rows) <= WAVE_ROWS
    ends = [-1] + [int(last) for _, last, _, _ in rows]
    assert [int(first) for first, _, _, _ in rows] == [end + 1 for end in ends[:-1]]
    assert ends[-1] == 999
    assert sum(int(count) for _, _, count, _ in rows) == 1000
    assert rows[0][3] == "s0, s1, s2, s3, s4"
    timeline = _section(text, "Timeline")
    assert "| Phase | Tasks | Start | Days |" in timeline
    assert len(re.findall(r"^\| (?:Denial|Pain|Acceptance|Productivity) \|", timeline,
                          re.M)) <= TIMELINE_ROWS
    assert re.search(r"^\| Pain \| Waves \d+–999: \d+ stateless services \| week \d+ \| \d+ \|$",
                     timeline, re.M)
    assert "| Pain | Build the platform the services move onto | week " in timeline


def _named_and_counted(line: str) -> tuple[list[str], int]:
    """The services a ``Services:`` line names, and how many more it counts."""
    names, _, more = line.removeprefix("Services: ").removesuffix(".").partition(" and ")
    return names.split(", "), int(more.removesuffix(" more").replace(",", "") or 0)


def test_a_chain_of_300_services_groups_its_tasks_across_waves_within_the_limit(
    tmp_path: Path,
) -> None:
    folder = _project(tmp_path, _chain(300, "ghcr.io/acme/app:1.0"))
    text = _run(folder, "plan", "--format", "markdown")
    plan = json.loads(_run(folder, "plan", "--format", "json"))
    analysis = json.loads(_run(folder, "analyze", "--format", "json"))

    assert len(text.encode()) <= GITHUB_MAX_MARKDOWN_SIZE
    assert text == _run(folder, "plan", "--format", "markdown")
    for heading in ("Summary", "Decision", "Dependency graph", "Timeline", "Findings",
                    "How the estimates were computed"):
        assert f"\n## {heading}\n" in text
    phases = _phases_part(text)
    assert "grouped by kind of service and task across waves" in phases
    assert re.search(r"^### Waves 0–299: 300 stateless services · run it in the cluster$",
                     phases, re.M)
    assert not re.search(r"^### Wave \d+:", phases, re.M)
    for phase in plan["phases"]:
        assert f"\n## {phase['name']}: " in phases
        section = _section(text, phase["name"] + ": " + phases.split(
            f"\n## {phase['name']}: ", 1)[1].split("\n", 1)[0])
        services = [t["service"] for t in phase["tasks"] if t["service"]]
        named: list[str] = []
        counted = 0
        for line in re.findall(r"^Services: .*$", section, re.M):
            names, more = _named_and_counted(line)
            named += names
            counted += more
        assert len(named) == len(set(named)) and set(named) <= set(services)
        assert len(named) + counted == len(services)  # each named or in "and N more"
        headings = re.findall(r"^### (?:Waves? [\d–]+: )?([\d,]+) ", section, re.M)
        assert sum(int(n.replace(",", "")) for n in headings) == len(services)
    fixes = {f["fix"] for f in analysis["findings"]}
    assert fixes
    for fix in fixes:
        assert md(fix) in text


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


def test_phases_too_big_even_grouped_across_waves_are_only_counted(tmp_path: Path) -> None:
    folder = _project(tmp_path, _chain(300, "ghcr.io/acme/app:1.0"))
    plan = Plan.model_validate(json.loads(_run(folder, "plan", "--format", "json")))
    lines = _phases_and_findings(plan, _analysis(folder).findings, str(folder), 5_000)
    text = "\n".join(lines)
    assert "are only counted here, by kind of service and task across waves" in text
    assert "Services: " not in text and "<service>" not in text
    assert "`migrate-tui analyze --format json` has every finding" in text  # by rule
    for phase in plan.phases:
        assert f"## {phase.name}: " in text
    assert "### Waves 0–299: 300 stateless services · run it in the cluster" in text
    # 300 services of one image: copies of s0 (issue 15), so their days differ
    assert re.search(r"^_[\d.]+ to [\d.]+ days a service · [\d.]+ days in all · "
                     r"0 of [\d,]+ items done_$", text, re.M)
