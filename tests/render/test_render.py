"""The Markdown plan's diagrams, drawn by the real renderer: Mermaid 11 in headless Chromium.

Every Mermaid block of the plans of the sample projects (with and without every profile), of
a project of hostile service names, of two big generated projects and of the OpenTelemetry
demo from the corpus is rendered in one browser session (``render.mjs``), in a column as
wide as GitHub's (880 px). A test fails on any parse or render error, on a bar, box or
title Mermaid silently dropped or took for something else, and on a graph too small to read
in that column; the burn-up must draw the plan's line and the bars of the work done, a
point a week, under its legend.

Needs ``node``, Debian's ``chromium`` and ``npm ci`` in this folder (``.ci/run`` installs
them all); without them the tests skip and say which is missing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SAMPLES = REPO / "sample_projects"
CORPUS = Path(os.environ.get("MIGRATE_TUI_CORPUS", REPO.parent / "shared" / "corpus"))
OTEL = "open-telemetry+opentelemetry-demo/full+observability+agent"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
COLUMN = 880
"""GitHub's Markdown column, in CSS pixels: a diagram wider than this is shrunk to fit."""
READABLE_SCALE = 0.6
"""The least a graph may be shrunk to fit the column: labels of 16 px stay at 9.6 px."""
SCREENSHOTS = os.environ.get("MIGRATE_TUI_RENDER_SHOTS")
"""A folder to save a PNG of each diagram as the column shows it, to look at."""


def _missing() -> str | None:
    """Why the renderer cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs npm)"
    if not Path(CHROMIUM).is_file():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    for package in ("mermaid", "puppeteer-core"):
        if not (HERE / "node_modules" / package / "package.json").is_file():
            return (f"tests/render/node_modules/{package} is missing "
                    "(PUPPETEER_SKIP_DOWNLOAD=1 npm ci in tests/render)")
    return None


HOSTILE = """\
services:
  gantt:
    image: nginx:1.27
    depends_on: [title, section, click]
  click:
    image: nginx:1.27
    depends_on: [title]
  call:
    image: nginx:1.27
    depends_on: [my-app, my_app, my.app]
  accDescription:
    image: nginx:1.27
    depends_on: [title]
  accTitle:
    image: nginx:1.27
  accDescr:
    image: nginx:1.27
  topAxis:
    image: nginx:1.27
    depends_on: [gantt]
  "2027-01-04":
    image: nginx:1.27
    depends_on: [gantt]
  title:
    image: nginx:1.27
  section:
    image: postgres:16
    volumes: [data:/var/lib/postgresql/data]
  excludes:
    image: nginx:1.27
    depends_on: [section]
  includes:
    image: nginx:1.27
  todayMarker:
    image: nginx:1.27
  dateFormat:
    image: nginx:1.27
  axisFormat:
    image: nginx:1.27
  tickInterval:
    image: nginx:1.27
  inclusiveEndDates:
    image: nginx:1.27
  weekday:
    image: nginx:1.27
  href:
    image: nginx:1.27
  end:
    image: nginx:1.27
    depends_on: [subgraph]
  subgraph:
    image: nginx:1.27
  graph:
    image: nginx:1.27
  style:
    image: nginx:1.27
  classDef:
    image: redis:7
  class:
    image: nginx:1.27
  default:
    image: nginx:1.27
  my-app:
    image: nginx:1.27
    depends_on: [App]
  my_app:
    image: nginx:1.27
    depends_on: [app]
  my.app:
    image: nginx:1.27
  App:
    image: nginx:1.27
  app:
    image: nginx:1.27
  debug-only:
    image: busybox:1.36
    profiles: [debug]
    depends_on: [call]
volumes:
  data: {}
"""
"""Service names that are words of Mermaid's gantt or flowchart grammar, a date, names
that differ only in punctuation or case, and a last wave of services behind a profile."""


SAAS_PROGRESS = """\
schema = 1

[items."project.inventory"]
finished = 2027-03-16
status = "done"

[items."project.decision"]
finished = 2027-03-24
started = 2027-03-17
status = "done"

[items."project.cost-model"]
finished = 2027-04-13
status = "done"

[items."project.cluster-choice"]
finished = 2027-04-20
status = "done"

[items."project.dev-cluster"]
finished = 2027-04-28
status = "done"

[items."api.probes"]
status = "done"
"""
"""Items of the saas plan done in its first weeks (one without a day) for the burn-up."""


@dataclass(frozen=True)
class Case:
    """One plan whose diagrams are rendered."""

    id: str
    folder: Path
    args: tuple[str, ...] = ()
    """Compose flags (``-f``, ``--profile``)."""
    start: str | None = None
    """The plan's ``--start`` date."""
    spaced: bool = False
    """Whether its task titles lose their colon (``title run it in the cluster``): a gantt
    keyword then begins a line followed by a space, as Mermaid's grammar wants it."""
    readable: bool = True
    """Whether its graph must be readable in the column (not for a synthetic 240-service
    graph drawn only to prove Mermaid takes it)."""
    progress: bool = False
    """Whether the case's folder has a progress file with items done on recorded days."""


def _cases(tmp: Path) -> list[Case]:
    cases = []
    for folder in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
        cases.append(Case(f"{folder.name}", folder))
        cases.append(Case(f"{folder.name}[all profiles]", folder, ("--profile", "*")))
    cases.append(Case("saas[start]", SAMPLES / "saas", start="2027-03-15"))
    progressed = tmp / "saas-progress"
    shutil.copytree(SAMPLES / "saas", progressed)
    (progressed / "migration.toml").write_text(SAAS_PROGRESS, encoding="utf-8")
    cases.append(Case("saas[progress]", progressed, start="2027-03-15", progress=True))
    hostile = tmp / "hostile"
    hostile.mkdir()
    (hostile / "compose.yaml").write_text(HOSTILE, encoding="utf-8")
    cases += [Case("hostile", hostile), Case("hostile[start]", hostile, start="2027-01-04"),
              Case("hostile[all profiles]", hostile, ("--profile", "*")),
              Case("hostile[spaced titles]", hostile, spaced=True)]
    generate = _generator()
    for services in (240, 2000):
        folder = tmp / f"generated-{services}"
        folder.mkdir()
        (folder / "compose.yaml").write_text(generate.generate(services), encoding="utf-8")
        cases.append(Case(f"generated-{services}", folder, readable=False))
    otel = CORPUS / OTEL
    if otel.is_dir():
        files = sorted(p.name for p in otel.glob("compose*.yaml"))
        files.sort(key=lambda name: (name != "compose.yaml", name))
        cases.append(Case("otel-demo", otel, tuple(a for f in files for a in ("-f", f))))
    return cases


def _generator() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_generate",
                                                  REPO / "benchmarks" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _exported(case: Case) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The case's Markdown plan, its plan JSON and its analysis JSON, as ``migrate-tui plan``
    and ``analyze`` write them (in process: one load a case, no interpreter to start)."""
    from migrate_tui.analysis.report import to_json
    from migrate_tui.compose.discover import LoadOptions
    from migrate_tui.export.assemble import ExportParts, render_export
    from migrate_tui.planning.plan import Plan as PlanModel
    from migrate_tui.planning.plan import Settings
    from migrate_tui.workspace import open_workspace

    environ = {"PATH": os.environ.get("PATH", "/usr/bin"),
               "HOME": os.environ.get("HOME", "/root"), "PWD": str(case.folder)}
    files = tuple(case.args[i + 1] for i, a in enumerate(case.args) if a == "-f")
    profiles = tuple(case.args[i + 1] for i, a in enumerate(case.args) if a == "--profile")
    options = LoadOptions(path=None if files else str(case.folder), files=files,
                          profiles=profiles, environ=environ, cwd=str(case.folder))
    start = dt.date.fromisoformat(case.start) if case.start else None
    ws = open_workspace(options, flags=Settings(start=start), warn=lambda _: None)
    analysis = to_json(ws.analysis)
    plan = ws.plan
    if case.spaced:
        contract = plan.to_contract()
        for phase in contract["phases"]:
            for task in phase["tasks"]:
                task["title"] = task["title"].replace(": ", " ")
        plan = PlanModel.model_validate(contract)
    markdown = render_export(ExportParts(ws.project, ws.analysis, plan, ws.state), "markdown")
    return markdown, plan.to_contract(), json.loads(json.dumps(analysis))


@dataclass
class Plan:
    """A case's Markdown, plan and analysis, and what Mermaid made of each diagram."""

    case: Case
    markdown: str
    plan: dict[str, Any]
    analysis: dict[str, Any]
    blocks: list[str]
    drawn: list[dict[str, Any]]

    def diagram(self, kind: str) -> tuple[str, dict[str, Any]] | None:
        """The text and rendering of the plan's flowchart or gantt, if it has one."""
        for text, drawn in zip(self.blocks, self.drawn, strict=True):
            if re.sub(r"^---\n.*?\n---\n", "", text, flags=re.S).startswith(kind):
                return text, drawn
        return None


def _blocks(markdown: str) -> list[str]:
    return re.findall(r"^```mermaid\n(.*?)^```$", markdown, flags=re.S | re.M)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Plan]]:
    """Every case's diagrams rendered, in one browser session."""
    why = _missing()
    if why:
        pytest.skip(f"Mermaid render test skipped: {why}")
    tmp = tmp_path_factory.mktemp("render")
    cases = _cases(tmp)

    started = time.monotonic()
    outputs = [_exported(case) for case in cases]
    exporting = time.monotonic() - started
    diagrams = []
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    for case, (markdown, _, _) in zip(cases, outputs, strict=True):
        for index, text in enumerate(_blocks(markdown)):
            entry = {"name": f"{case.id} #{index}", "text": text}
            if SCREENSHOTS:
                safe = re.sub(r"[^\w.-]+", "_", f"{case.id}-{index}")
                entry["screenshot"] = str(Path(SCREENSHOTS, f"{safe}.png").resolve())
            diagrams.append(entry)
    job = tmp / "job.json"
    job.write_text(json.dumps({"column": COLUMN, "diagrams": diagrams}), encoding="utf-8")
    started = time.monotonic()
    proc = subprocess.run(["node", str(HERE / "render.mjs"), str(job), str(tmp / "out.json")],
                          capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, f"the renderer failed:\n{proc.stderr}"
    output = json.loads((tmp / "out.json").read_text(encoding="utf-8"))
    results = output["results"]
    rendering = time.monotonic() - started
    print(f"\nMermaid {output['mermaid']} rendered {len(diagrams)} diagrams of {len(cases)} "
          f"plans: exported in "
          f"{exporting:.1f} s, drawn in {rendering:.1f} s")
    plans = {}
    at = 0
    for case, (markdown, plan, analysis) in zip(cases, outputs, strict=True):
        blocks = _blocks(markdown)
        plans[case.id] = Plan(case, markdown, plan, analysis, blocks,
                              results[at:at + len(blocks)])
        at += len(blocks)
    yield plans


CASE_IDS = [
    *(f"{name}{suffix}" for name in sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())
      for suffix in ("", "[all profiles]")),
    "saas[start]", "saas[progress]", "hostile", "hostile[start]", "hostile[all profiles]",
    "hostile[spaced titles]", "generated-240",
    "generated-2000", "otel-demo",
]


def _plan(rendered: dict[str, Plan], case_id: str) -> Plan:
    if case_id not in rendered:
        pytest.skip(f"{case_id}: the corpus is not at {CORPUS}")
    return rendered[case_id]


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_mermaid_draws_every_diagram_without_error(rendered: dict[str, Plan],
                                                   case_id: str) -> None:
    plan = _plan(rendered, case_id)
    for text, drawn in zip(plan.blocks, plan.drawn, strict=True):
        assert drawn["error"] is None, f"{drawn['name']}: {drawn['error']}\n{text[:2000]}"


def _active(plan: Plan) -> dict[str, Any]:
    return {name: info for name, info in plan.analysis["services"].items()
            if info.get("active", True)}


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_the_graph_draws_each_service_once_in_its_own_wave(rendered: dict[str, Plan],
                                                           case_id: str) -> None:
    plan = _plan(rendered, case_id)
    graph = plan.diagram("flowchart")
    if graph is None:
        assert "| Wave" in plan.markdown  # too big: the waves as a table
        return
    _, drawn = graph
    assert drawn["error"] is None
    active = _active(plan)
    boxes = [re.fullmatch(r"(.+?)(?:\(needed by \d+\))?wave (\d+)", label)
             for label in drawn["nodes"]]
    assert all(boxes), drawn["nodes"]
    drawn_waves = {m.group(1): int(m.group(2)) for m in boxes if m}
    assert sorted(m.group(1) for m in boxes if m) == sorted(active), (
        "a service merged with another, or lost")
    waves = {n: i for i, wave in enumerate(plan.analysis["waves"]) for n in wave if n in active}
    assert drawn_waves == waves


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_the_gantt_draws_a_bar_for_every_line_under_its_own_title(
        rendered: dict[str, Plan], case_id: str) -> None:
    plan = _plan(rendered, case_id)
    gantt = plan.diagram("gantt")
    if gantt is None:
        assert "| Phase | Tasks | Start | Days |" in plan.markdown
        return
    text, drawn = gantt
    assert drawn["error"] is None
    bars = [line for line in text.splitlines()[1:] if not re.match(
        r"^  (title|dateFormat|axisFormat|tickInterval|weekday|todayMarker|section) ", line)]
    assert drawn["bars"] == len(bars) == len(drawn["labels"])
    assert drawn["sections"] == [phase["name"] for phase in plan.plan["phases"]]
    assert drawn["title"].startswith(f"{plan.plan['project']} - about ")
    tasks = [task["title"] for phase in plan.plan["phases"] for task in phase["tasks"]]
    if len(bars) == len(tasks):
        assert drawn["labels"] == tasks, "a bar's name was changed or taken as a statement"


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_the_gantt_axis_says_what_it_counts(rendered: dict[str, Plan], case_id: str) -> None:
    plan = _plan(rendered, case_id)
    gantt = plan.diagram("gantt")
    if gantt is None:
        return
    _, drawn = gantt
    start = plan.plan.get("start")
    assert drawn["today"] is bool(start), "a 'today' line only on real dates"
    assert 2 <= len(drawn["ticks"]) <= 16, drawn["ticks"]
    weeks = plan.plan["total_weeks"]
    if start:
        assert all(re.fullmatch(r"\d\d [A-Z][a-z]{2}|[A-Z][a-z]{2} \d{4}|\d{4}", tick)
                   for tick in drawn["ticks"]), drawn["ticks"]
    else:
        counted = [re.fullmatch(r"(?:Q\d )?(week|year) (\d+)", tick) for tick in drawn["ticks"]]
        assert all(counted), drawn["ticks"]
        numbers = [int(m.group(2)) for m in counted if m]
        assert numbers == sorted(numbers) and numbers[0] >= 1
        unit = 1 if counted[0] and counted[0].group(1) == "week" else 52.18
        assert numbers[-1] <= weeks / unit + 2, "the axis counts past the plan's end"
        if weeks > 60:
            assert numbers[-1] >= weeks / unit * 0.5


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_the_graph_is_readable_in_githubs_column(rendered: dict[str, Plan],
                                                 case_id: str) -> None:
    plan = _plan(rendered, case_id)
    graph = plan.diagram("flowchart")
    if graph is None or not plan.case.readable:
        return
    text, drawn = graph
    arrows = len(re.findall(r"^  s_\w+ -\.?-> s_\w+$", text, flags=re.M))
    assert arrows <= 1.25 * len(drawn["nodes"]), (
        f"{arrows} arrows for {len(drawn['nodes'])} boxes: hubs not folded, or implied "
        "arrows kept")
    print(f"{case_id}: {drawn['width']:.0f} x {drawn['height']:.0f} px, "
          f"scale {drawn['scale']:.2f} at {COLUMN} px, labels {drawn['font']:.1f} px")
    assert drawn["scale"] >= READABLE_SCALE, (
        f"{drawn['width']:.0f} px wide: shrunk to {drawn['scale']:.0%} in the column")
    assert drawn["font"] >= 9


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_the_burn_up_draws_the_plan_and_the_work_done(rendered: dict[str, Plan],
                                                      case_id: str) -> None:
    plan = _plan(rendered, case_id)
    chart = plan.diagram("xychart-beta")
    if not plan.plan.get("start"):
        assert chart is None and "## Burn-up\n\nSet a start date" in plan.markdown
        return
    assert chart is not None, "a plan with a start date has a burn-up"
    text, drawn = chart
    assert drawn["error"] is None, drawn["error"]
    assert drawn["kind"] == "xychart"
    assert drawn["title"] == f"Work planned and done, from {plan.plan['start']}"
    labels = re.search(r'x-axis "[^"]*" \[(.*)\]', text)
    assert labels is not None
    assert drawn["x_labels"] == labels.group(1).split(", ")
    assert 2 <= len(drawn["x_labels"]) <= 26
    assert drawn["lines"] == [len(drawn["x_labels"])], "the plan's line has a point a week"
    planned = [float(v) for v in re.findall(r'line "Planned" \[(.*)\]', text)[0].split(", ")]
    total = sum(p["estimate_days"] for p in plan.plan["phases"])
    capacity = plan.plan["capacity_days_per_week"]
    assert planned == sorted(planned)
    assert drawn["font"] >= 9
    if not plan.case.progress:
        assert planned[-1] == pytest.approx(total, abs=0.1)  # the whole plan
        assert drawn["legend"] == ["Planned"] and drawn["bars"] == []
        return
    # the weeks lived: week 1 (2027-03-15) to week 7, a point a week
    assert drawn["x_labels"] == [str(w) for w in range(1, 8)]
    assert planned == [pytest.approx(min(total, capacity * w), abs=0.1) for w in range(1, 8)]
    assert drawn["legend"] == ["Planned", "Done"]
    assert len(drawn["bars"]) == len(drawn["x_labels"])
    done = [float(v) for v in re.findall(r'bar "Done" \[(.*)\]', text)[0].split(", ")]
    # finished in weeks 1, 2, 5, 6, 7, and one done on no recorded day, counted in week 7
    assert 0 < done[0] < done[1] == done[2] == done[3] < done[4] < done[5] < done[6], done
    heights = drawn["bars"]
    assert heights == sorted(heights) and heights[6] > heights[5] > heights[0] > 0, (
        "taller bars for more work done")
