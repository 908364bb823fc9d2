"""The plan as Markdown that renders well on GitHub.

Sections: a summary, the decision with its reasons and the monthly cost, a Mermaid
flowchart of the dependency graph (waves as subgraphs, stateful services styled apart), a
Mermaid gantt of phases and tasks, per phase the tasks with ``- [ ]``/``- [x]`` checklists,
owners and estimates, the findings table, and how the estimates were computed.

Same input, same bytes: nothing here reads the clock or depends on dict order it did not
sort. No secret from the compose file reaches the output: every text taken from the
project goes through :func:`redact`, then through Markdown escaping.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from migrate_tui.analysis.ordering import adjacency, is_acyclic, transitive_reduction
from migrate_tui.compose.gc_pause import gc_paused
from migrate_tui.planning.plan import Plan, Task
from migrate_tui.text import CONTROL, last_week, week_range, without_control

_SECRET_KEY = re.compile(
    r"(?i)\b([A-Z0-9_.-]*(?:PASSWORD|PASSWD|PWD|SECRET|TOKEN|API[_-]?KEY|ACCESS[_-]?KEY|"
    r"PRIVATE[_-]?KEY|CREDENTIALS?|AUTH)[A-Z0-9_.-]*)(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;`|]+)"
)
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s]+:)([^@\s/]+)@")
_MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>|~"})
"""Markdown's special characters, each to be preceded by a backslash."""
_MASK = "********"
_SECRET_WORDS = ("pass", "pwd", "secret", "token", "key", "credential", "auth")
"""A part of every key ``_SECRET_KEY`` masks, in lower case."""


def _may_hold_secret(text: str) -> bool:
    """False when ``_SECRET_KEY`` cannot match: no separator, or no secret word.

    Checked on ASCII text only: with non-ASCII letters, case-insensitive matching has
    surprises (the Kelvin sign matches ``k``), and the regex decides.
    """
    if not text.isascii():
        return True
    if "=" not in text and ":" not in text:
        return False
    low = text.lower()
    return any(word in low for word in _SECRET_WORDS)


def redact(text: str) -> str:
    """``text`` with the values of secret-looking keys and URL passwords masked."""
    if "://" in text and "@" in text:
        text = _URL_CREDENTIALS.sub(lambda m: f"{m.group(1)}{_MASK}@", text)
    if not _may_hold_secret(text):
        return text
    return _SECRET_KEY.sub(lambda m: f"{m.group(1)}{m.group(2)}{_MASK}", text)


def _without_control(text: str) -> str:
    """``text`` without control characters (a printable text has none to remove)."""
    return without_control(text)


_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s`|<>]*[^\s`|<>.,;:)]", re.IGNORECASE)


def md(text: Any) -> str:
    """Text from a compose file, safe inside Markdown prose or a table cell.

    URLs become code spans, so a placeholder such as ``https://YOUR-HOST/`` is never a link.
    """
    return _md(str(text))


@lru_cache(maxsize=65536)
def _md(text: str) -> str:
    """:func:`md` of a string, kept: a plan repeats the same item texts for every service."""
    clean = _without_control(redact(text)).replace("\n", " ")
    if "://" not in clean:
        return clean.translate(_MD_ESCAPES)
    out: list[str] = []
    last = 0
    for match in _URL.finditer(clean):
        out.append(clean[last:match.start()].translate(_MD_ESCAPES))
        out.append(f"`{match.group(0)}`")
        last = match.end()
    out.append(clean[last:].translate(_MD_ESCAPES))
    return "".join(out)


def _code(text: Any) -> str:
    clean = redact(str(text))
    if not clean.isprintable():
        clean = CONTROL.sub("", clean).replace("\n", " ")
    clean = clean.replace("`", "'")
    return f"`{clean}`"


_NOT_ID = re.compile(r"[^A-Za-z0-9_]")


@lru_cache(maxsize=65536)
def _mermaid_id(name: str) -> str:
    return "s_" + _NOT_ID.sub("_", name)


def _mermaid_label(text: str) -> str:
    """A label inside ``["..."]``: quotes and brackets as entity codes."""
    clean = _without_control(str(text))
    return (clean.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;")
            .replace(">", "#gt;"))


def _gantt_text(text: str) -> str:
    """A gantt task name: no colon, hash or semicolon (they end the name)."""
    clean = _without_control(redact(str(text)))
    return clean.translate(_GANTT_ENDS).strip()


_GANTT_ENDS = str.maketrans({":": " -", "#": " -", ";": " -"})


def _n(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _w(value: float) -> str:
    """Weeks to one decimal, without a trailing .0."""
    return f"{value:.1f}".removesuffix(".0")


def _days(value: float) -> str:
    return f"{value:g} day" + ("" if value == 1 else "s")


def _money(value: float, currency: str) -> str:
    return f"{value:,.0f} {currency}"


@gc_paused
def render_markdown(
    plan: Plan, analysis: dict[str, Any], files: list[str], root: str | None = None
) -> str:
    """The whole plan as one Markdown document.

    Args:
        plan: The plan, with saved progress applied.
        analysis: The analysis JSON contract (services, edges, waves, cycles, findings).
        files: The compose files the project was read from.
        root: The project directory: file names are shown relative to it.
    """
    out: list[str] = []
    analysis = _active_only(analysis)
    services = analysis.get("services", {})
    counts = {"stateful": 0, "stateless": 0, "job": 0, "dev-only": 0}
    for info in services.values():
        if info.get("kind") in ("job", "dev-only"):
            counts[info["kind"]] += 1
        else:
            counts[info.get("class", "stateless")] += 1
    items = plan.items()
    done = sum(1 for i in items if i.status in ("done", "skipped"))
    out += [
        f"# Migration plan: {md(plan.project)}",
        "",
        f"From {', '.join(_code(_relative(f, root)) for f in files)}, by migrate-tui. "
        "Regenerate it after every change to the compose files or the progress file.",
        "",
        "## Summary",
        "",
        "| Plan | |",
        "|---|---|",
        f"| Services | {len(services)}: {counts['stateless']} stateless, "
        f"{counts['stateful']} stateful, {_n(counts['job'], 'job')}, "
        f"{counts['dev-only']} dev-only |",
        f"| Duration | about {_w(plan.total_weeks)} weeks (range {_w(plan.total_weeks_low)} to "
        f"{_w(plan.total_weeks_high)}) with {plan.team_size} engineers at "
        f"{plan.focus:.0%} focus |",
        f"| Start | {plan.start or 'not set (use --start YYYY-MM-DD)'} |",
        f"| Decision | **{md(plan.decision.title)}** |",
        f"| Progress | {done} of {len(items)} checklist items done |",
        f"| Findings | {_finding_counts(analysis.get('findings', []))} |",
        "",
    ]
    out += _decision(plan)
    out += _flowchart(analysis)
    out += _gantt(plan)
    for phase in plan.phases:
        out += [
            f"## {md(phase.name)}: {week_range(phase.start_week, phase.end_week, '–')}",
            "",
            f"{md(phase.goal)}",
            "",
            f"{_days(phase.estimate_days)} of work; ends in week {last_week(phase.end_week)} "
            f"(range: week {last_week(phase.end_week_low)} to "
            f"{last_week(phase.end_week_high)})"
            + (f", {phase.start_date} to {_day_before(phase.end_date)}"
               if phase.start_date and phase.end_date else "") + ".",
            "",
        ]
        for task in phase.tasks:
            out += _task(task)
    out += _findings(analysis.get("findings", []), root)
    out += _method(plan)
    return "\n".join(out).rstrip() + "\n"


def _active_only(analysis: dict[str, Any]) -> dict[str, Any]:
    """The analysis without the services behind profiles that are not enabled."""
    active = {n: s for n, s in analysis.get("services", {}).items() if s.get("active", True)}
    return {
        **analysis,
        "services": active,
        "waves": [[n for n in wave if n in active] for wave in analysis.get("waves", [])],
        "edges": [e for e in analysis.get("edges", [])
                  if e["source"] in active and e["target"] in active],
        "findings": [f for f in analysis.get("findings", [])
                     if f.get("service") is None or f.get("service") in active],
    }


def _day_before(iso: str) -> str:
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()


def _finding_counts(findings: list[dict[str, Any]]) -> str:
    order = ["high", "medium", "low", "info"]
    counts = {s: sum(1 for f in findings if f.get("severity") == s) for s in order}
    return ", ".join(f"{counts[s]} {s}" for s in order)


def _decision(plan: Plan) -> list[str]:
    d = plan.decision
    out = ["## Decision", "", f"**{md(d.title)}.**", ""]
    out += [f"- {md(r)}" for r in d.reasons]
    out += ["", "What would change it:", ""] + [f"- {md(w)}" for w in d.would_change]
    if d.unanswered:
        flags = {"servers": "--servers N", "deploys_per_week": "--deploys-per-week N",
                 "autoscaling": "--autoscaling yes|no", "ops_owner": "--ops-owner yes|no",
                 "downtime_ok": "--downtime-ok yes|no"}
        out += ["", "Not answered yet, so not counted: "
                + ", ".join(_code(flags.get(q, q)) for q in d.unanswered)
                + " (flags of `migrate-tui plan`, or answer them in the TUI)."]
    if d.recommendation == "stay":
        out += ["", "> [!NOTE]", "> The plan below is what migrating would take, if you decide "
                "to go ahead anyway or once the answers change."]
    elif d.recommendation == "stateless-first":
        out += ["", "> [!NOTE]", "> The stateful services' cut-overs are in the plan, last in "
                "the pain phase. Moving the stateless part first, you can stop before them, "
                "or replace them with managed services, and skip their items."]
    c = d.cost
    cur = c.currency
    out += [
        "", "### Monthly cost", "",
        "| | Compose | Kubernetes, first 6 months | Kubernetes, after |",
        "|---|---:|---:|---:|",
        f"| Infrastructure | {_money(c.compose_infra, cur)} | {_money(c.kubernetes_infra, cur)}"
        f" | {_money(c.kubernetes_infra, cur)} |",
        f"| People | {_money(c.compose_people, cur)} | "
        f"{_money(c.kubernetes_people_first_six_months, cur)} | "
        f"{_money(c.kubernetes_people_after, cur)} |",
        f"| **Total** | **{_money(c.compose_total, cur)}** | "
        f"**{_money(c.kubernetes_total_first_six_months, cur)}** | "
        f"**{_money(c.kubernetes_total_after, cur)}** |",
        "",
        f"The migration itself costs about {_money(_migration_cost(plan), cur)} once: "
        f"{_days(_work(plan))} of work at the same hourly rate.",
        "",
        "One Compose server against a three-node managed cluster with its control plane and "
        "load balancer; people at about 5 h/month for Compose, 40 h/month for Kubernetes in "
        "the first six months and 15 after. Rates are settings (`playbooks/plan/decision.yaml`).",
        "",
    ]
    return out


def _work(plan: Plan) -> float:
    return round(sum(p.estimate_days for p in plan.phases), 2)


def _migration_cost(plan: Plan) -> float:
    return _work(plan) * 8 * plan.decision.cost.hourly_rate


def _flowchart(analysis: dict[str, Any]) -> list[str]:
    services = analysis.get("services", {})
    waves = analysis.get("waves", [])
    cycles = {n for c in analysis.get("cycles", []) for n in c}
    out = ["## Dependency graph", "",
           "An arrow A → B means A needs B. Wave 0, at the top, needs nothing; each wave needs "
           "only the waves above it. Stateful services are cylinders, jobs parallelograms, "
           "dev-only services dashed. Arrows implied by others are left out.", "",
           "```mermaid", "flowchart BT"]
    for index, wave in enumerate(waves):
        out.append(f'  subgraph wave{index}["Wave {index}"]')
        for name in wave:
            info = services.get(name, {})
            nid = _mermaid_id(name)
            label = _mermaid_label(name)
            if info.get("class") == "stateful":
                out.append(f'    {nid}[("{label}")]:::stateful')
            elif info.get("kind") == "dev-only":
                out.append(f'    {nid}["{label}"]:::devonly')
            elif info.get("kind") == "job":
                out.append(f'    {nid}[/"{label}"/]:::job')
            else:
                out.append(f'    {nid}["{label}"]:::stateless')
        out.append("  end")
    for source, target, declared in _drawn_edges(analysis):
        arrow = "-->" if declared else "-.->"
        out.append(f"  {_mermaid_id(source)} {arrow} {_mermaid_id(target)}")
    out += [
        "  classDef stateful fill:#fdebd0,stroke:#b9770e,stroke-width:2px,color:#000",
        "  classDef stateless fill:#d6eaf8,stroke:#2874a6,color:#000",
        "  classDef job fill:#e8daef,stroke:#7d3c98,color:#000",
        "  classDef devonly fill:#eaeded,stroke:#7f8c8d,stroke-dasharray:4 2,color:#000",
    ]
    if cycles:
        out.append("  classDef cycle stroke:#c0392b,stroke-width:3px")
        out.append("  class " + ",".join(_mermaid_id(n) for n in sorted(cycles)) + " cycle")
    out += ["```", "",
            "Solid arrows are declared (`depends_on`, `links`, `network_mode`, `volumes_from`); "
            "dotted ones are inferred from environment values and commands.", ""]
    return out


def _drawn_edges(analysis: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """The edges worth drawing: ordering edges, less those implied by a longer path.

    Shared volumes are no dependency and stay out (the findings list them). Where the
    graph has a cycle, every edge is kept.
    """
    services = analysis.get("services", {})
    declared: dict[tuple[str, str], bool] = {}
    for edge in analysis.get("edges", []):
        pair = (edge["source"], edge["target"])
        if edge["kind"] == "shared_volume" or pair[0] not in services or pair[1] not in services:
            continue
        declared[pair] = declared.get(pair, False) or edge["kind"] != "inferred"
    succ = adjacency((), declared)
    nodes = list(succ)
    keep = set(declared)
    if is_acyclic(nodes, succ):
        keep = transitive_reduction(nodes, succ)
    return sorted((a, b, declared[(a, b)]) for a, b in keep)


_GANTT_ORIGIN = dt.date(2000, 1, 3)
"""A Monday in week 1, so the axis can count weeks when no start date is set."""


def _gantt(plan: Plan) -> list[str]:
    start = dt.date.fromisoformat(plan.start) if plan.start else _GANTT_ORIGIN
    axis = "%b %d" if plan.start else "W%W"
    ticks = "1week" if plan.total_weeks <= 20 else "2week"
    out = ["## Timeline", "", "```mermaid", "gantt",
           f"  title {_gantt_text(plan.project)} - about {_w(plan.total_weeks)} weeks",
           "  dateFormat YYYY-MM-DD", f"  axisFormat {axis}", f"  tickInterval {ticks}",
           "  weekday monday"]
    per_day = max(plan.capacity_days_per_week / 7, 1e-9)
    cursor = start
    for phase in plan.phases:
        out.append(f"  section {_gantt_text(phase.name)}")
        cursor = max(cursor, start + dt.timedelta(days=round(phase.start_week * 7)))
        for index, task in enumerate(phase.tasks):
            days = max(1, round(task.estimate_days / per_day))
            status = "done, " if task.checklist and task.done == len(task.checklist) else ""
            out.append(f"  {_gantt_text(task.title)} :{status}t{index}_{phase.id}, "
                       f"{cursor.isoformat()}, {days}d")
            cursor += dt.timedelta(days=days)
    out += ["```", "",
            "The whole team takes the tasks of a phase one after the other, in the order of "
            "the plan; a bar is the task's person-days over the team's capacity."
            + ("" if plan.start else " The axis counts weeks from the start "
                               "(set `--start YYYY-MM-DD` for dates)."), ""]
    return out


def _task(task: Task) -> list[str]:
    details = [f"{_days(task.estimate_days)}"]
    if task.service_class and task.kind == "service":
        details.append(task.service_class)
    elif task.kind:
        details.append(task.kind)
    if task.wave is not None:
        details.append(f"wave {task.wave}")
    out = [f"### {md(task.title)}", "", f"_{' · '.join(details)} · "
           f"{task.done}/{len(task.checklist)} done_", ""]
    for item in task.checklist:
        box = "[x]" if item.status in ("done", "skipped") else "[ ]"
        extra = []
        if item.status not in ("todo", "done"):
            extra.append(f"**{item.status}**")
        if item.assignee:
            extra.append(f"owner: {md(item.assignee)}")
        suffix = f" ({', '.join(extra)})" if extra else ""
        out.append(f"- {box} {md(item.text)} {_code(item.id)}{suffix}")
    out.append("")
    return out


def _relative(path: str, root: str | None) -> str:
    """``path`` relative to the project directory when inside it, else its name."""
    if not path.startswith("/"):
        return path  # already relative to the project
    if root and (path == root or path.startswith(root.rstrip("/") + "/")):
        return path[len(root.rstrip("/")) + 1:]
    return path.rsplit("/", 1)[-1]


def _findings(findings: list[dict[str, Any]], root: str | None) -> list[str]:
    out = ["## Findings", ""]
    if not findings:
        return out + ["No findings.", ""]
    order = {"high": 0, "medium": 1, "low": 2, "info": 3}
    out += ["By severity, then rule. Each rule's fix is given once; the table lists where it "
            "applies.", ""]
    groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for f in findings:
        groups.setdefault((order.get(f["severity"], 9), f["rule"]), []).append(f)
    for (_, rule), group in sorted(groups.items()):
        group.sort(key=lambda f: (f.get("service") or "", f.get("line") or 0, f["message"]))
        fixes = list(dict.fromkeys(f["fix"] for f in group))
        out += [f"### {group[0]['severity']}: {_code(rule)} ({len(group)})", ""]
        out += [f"**Fix:** {md(fix)}" for fix in fixes[:1]] + [""]
        out += ["| Service | Finding | Where |", "|---|---|---|"]
        for f in group:
            where = _relative(f.get("file", ""), root) if f.get("file") else ""
            if f.get("line"):
                where += f":{f['line']}"
            out.append(f"| {md(f.get('service') or '-')} | {md(f['message'])}"
                       + (f" {md(f['fix'])}" if len(fixes) > 1 else "")
                       + f" | {_code(where) if where else '-'} |")
        out.append("")
    return out


def _method(plan: Plan) -> list[str]:
    return [
        "## How the estimates were computed", "",
        "- Every checklist item has an estimate in person-days (`playbooks/plan/`).",
        "- A service's task adds to its items a quarter day per published port, half a day "
        "per volume and half a day when its image is built here, and the fixes its findings "
        "ask for.",
        "- A stateful service's work is exactly twice the same service's stateless work: its "
        "engine's data sub-plan (placement, storage, backup, restore test, cut-over, "
        "rollback) takes the second half.",
        f"- A phase lasts its work divided by the team's capacity: {plan.team_size} engineers "
        f"x {plan.focus:.0%} focus x 5 days = {plan.capacity_days_per_week:g} person-days a "
        "week; phases follow each other.",
        "- The range runs from 0.8 to 1.5 times the likely duration: migrations overrun more "
        "often than they finish early.",
        "- Waves are dependency depth, not order of work: stateless services move first, in "
        "wave order, then stateful ones.",
        "- The item estimates are set so that a five-service stateless project with 4 "
        "engineers at 50% takes about 2 weeks of denial, 6 of pain and 4 of acceptance, the "
        "usual course of such a migration.",
        "",
    ]
