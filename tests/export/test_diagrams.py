"""The diagrams' Mermaid text, checked without a browser: names that are words of Mermaid's
grammar, ids that never merge two services, waves without services, hubs, the gantt's axis.
``tests/render`` draws the same diagrams with Mermaid itself."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from migrate_tui.analysis.model import Analysis, Edge, Evidence, ServiceAnalysis
from migrate_tui.export.graph_diagram import (
    HUB_ARROWS,
    ROW_WIDTH,
    _box_width,
    _label_lines,
    _reduced,
    _waves_table,
    dependency_graph,
)
from migrate_tui.export.mermaid_text import gantt_text, node_id
from migrate_tui.export.timeline import _gantt_head
from migrate_tui.planning.plan import Plan

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_projects"
ENV = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": "/root",
       "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}

GANTT_WORDS = ["gantt", "click", "call", "accDescription", "accDescr", "accTitle", "topAxis",
               "2027-01-04", "title", "section", "excludes", "includes", "todayMarker",
               "dateFormat", "axisFormat", "tickInterval", "inclusiveEndDates", "weekday",
               "weekend", "href", "Title", "SECTION", "%% comment", "a%%{init: {}}%%"]


def _decoded(text: str) -> str:
    """What Mermaid shows for a text with entity codes (``#58;`` is a colon)."""
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text)


@pytest.mark.parametrize("name", GANTT_WORDS)
def test_a_gantt_task_named_like_a_keyword_stays_a_task_and_reads_the_same(name: str) -> None:
    for text in (name, f"{name}: run it in the cluster", f"{name} - a; b # c"):
        line = gantt_text(text)
        assert not re.match(r"(?i)(gantt|click|call|acc|topaxis|\d{4}-|title|section|"
                            r"excludes|includes|todaymarker|date|axis|tick|inclusive|weekday|"
                            r"weekend|href|%)", line), line
        bare = re.sub(r"#\d+;", "", line)
        assert not re.search(r"[:;#%]", bare), f"ends the task or starts a comment: {line}"
        assert _decoded(line) == text


def test_gantt_text_drops_control_characters_and_line_breaks() -> None:
    assert gantt_text("a\x1b[31mb\nc") == "a[31mb c"
    assert gantt_text("   ") == "-"


def test_service_ids_never_merge_and_never_are_keywords() -> None:
    names = ["my-app", "my_app", "my.app", "myapp", "App", "app", "my_2d_app", "end",
             "subgraph", "class", "default", "style", "graph", "a_", "a__", "_a"]
    ids = [node_id(n) for n in names]
    assert len(set(ids)) == len(names)
    assert all(re.fullmatch(r"s_\w+", i) for i in ids)
    assert node_id("my-app") == node_id("my-app") == "s_my_2d_app"


def _analysis(services: dict[str, ServiceAnalysis], edges: list[tuple[str, str]],
              waves: list[list[str]]) -> Analysis:
    return Analysis(project="p", services=services, waves=tuple(tuple(w) for w in waves),
                    cycles=(), findings=(),
                    edges=tuple(Edge(source=a, target=b, kind="depends_on",
                                     evidence=Evidence(file="compose.yaml"))
                                for a, b in edges))


def _stateless(*names: str) -> dict[str, ServiceAnalysis]:
    return {n: ServiceAnalysis(name=n, service_class="stateless", kind="service", reasons=(),
                               confidence=1.0) for n in names}


def test_a_wave_without_services_gets_no_box_and_no_row() -> None:
    analysis = _analysis(_stateless("a", "c"), [("c", "a")], [["a"], [], ["c"]])
    text = "\n".join(dependency_graph(analysis))
    assert "wave 1" not in text.lower()
    assert "<small>wave 2</small>" in text
    rows = [line for line in _waves_table(analysis) if re.match(r"^\| \d", line)]
    assert [row.split(" | ")[0] for row in rows] == ["| 0", "| 2"]


def test_hubs_most_services_need_are_a_note_not_arrows() -> None:
    apps = [f"app{i}" for i in range(10)]
    services = _stateless("collector", "db", *apps)
    edges = [(a, "collector") for a in apps] + [(a, "db") for a in apps[:3]]
    edges += [("db", "collector")]
    analysis = _analysis(services, edges, [["collector"], ["db"], apps])
    text = "\n".join(dependency_graph(analysis))
    assert " --> s_collector" not in text  # folded
    assert text.count(" --> s_db") == 3  # a database a few need keeps its arrows
    assert '(needed by 11)' in text and "classDef hub" in text
    assert "need collector: their arrows are left out" in text
    assert "Needed directly: collector by 11 (app0, app1," in text
    assert HUB_ARROWS <= 10


def test_arrows_implied_through_a_cycle_are_left_out() -> None:
    pairs = [("a", "b"), ("b", "a"), ("c", "a"), ("d", "c"), ("d", "a"), ("d", "b")]
    assert _reduced(pairs) == {("a", "b"), ("b", "a"), ("c", "a"), ("d", "c")}


def test_services_without_arrows_are_wrapped_into_rows() -> None:
    names = [f"tool-number-{i:02}" for i in range(30)]
    analysis = _analysis(_stateless(*names), [], [names])
    lines = dependency_graph(analysis)
    links = [line.split() for line in lines if " ~~~ " in line]
    assert links, "thirty unrelated services would make one row 3,000 px wide"
    below = {upper for _, _, upper in links}
    first_row = [n for n in names if node_id(n) not in below]
    assert sum(_box_width(_label_lines(n, {})) for n in first_row) <= ROW_WIDTH


def _webapp_plan(start: str | None) -> Plan:
    args = ["--start", start] if start else []
    proc = subprocess.run([sys.executable, "-m", "migrate_tui", "plan", "--format", "json",
                           *args], cwd=SAMPLES / "webapp", env={**ENV, "PWD": str(SAMPLES)},
                          capture_output=True, text=True, check=True)
    return Plan.model_validate(json.loads(proc.stdout))


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {"counted": _webapp_plan(None), "dated": _webapp_plan("2027-03-15")}


@pytest.mark.parametrize(("weeks", "counted", "dated", "ticks"), [
    (10, "week %-W", "%d %b", "1week"),
    (20, "week %-W", "%d %b", "2week"),
    (45, "week %-W", "%b %Y", "4week"),
    (90, "Q%q year %-y", "%b %Y", "3month"),
    (150, "Q%q year %-y", "%b %Y", "6month"),
    (400, "year %-y", "%Y", "12month"),
    (2300, "year %-y", "%Y", None),
])
def test_the_gantt_axis_counts_weeks_of_the_plan_or_shows_dates(
        plans: dict[str, Plan], weeks: int, counted: str, dated: str, ticks: str | None) -> None:
    origin = dt.date(2001, 1, 1)
    head = _gantt_head(plans["counted"], origin, origin + dt.timedelta(weeks=weeks))
    assert f"  axisFormat {counted}" in head
    assert "  todayMarker off" in head  # made-up dates: no "today" line
    assert ("  tickInterval " + ticks in head) if ticks else not any(
        line.startswith("  tickInterval") for line in head)
    start = dt.date(2027, 3, 15)
    head = _gantt_head(plans["dated"], start, start + dt.timedelta(weeks=weeks))
    assert f"  axisFormat {dated}" in head
    assert not any("todayMarker" in line for line in head)


def test_week_1_of_the_axis_is_the_first_week_of_the_plan() -> None:
    origin = dt.date(2001, 1, 1)
    assert origin.weekday() == 0 and origin.strftime("%W") == "01"
    assert (origin + dt.timedelta(weeks=51)).strftime("%W") == "52"
    assert (origin + dt.timedelta(days=365 * 3)).strftime("%y") == "04"  # year 4
