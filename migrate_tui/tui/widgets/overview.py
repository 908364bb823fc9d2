"""The Overview: the project, the decision and its open questions, the phases, the risks."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from migrate_tui.text import week_range
from migrate_tui.tui.messages import SettingRequested
from migrate_tui.tui.text import SEVERITY_STYLE, clean, plain
from migrate_tui.workspace import Workspace

_QUESTIONS: list[tuple[str, str, str]] = [
    ("servers", "Servers running it today", "number"),
    ("deploys_per_week", "Deploys per week", "number"),
    ("autoscaling", "Needs autoscaling?", "bool"),
    ("ops_owner", "Someone owns operations?", "bool"),
    ("downtime_ok", "~15 min downtime per incident OK?", "bool"),
]
_YES_NO = [("yes", "yes"), ("no", "no")]


TRACK = 40
"""Width of the timeline, in cells: the whole plan from week 1 to its last week."""


def _track(start: float, end: float, total: float, done: float) -> Text:
    """The phase on the plan's timeline: done part solid, the rest shaded, the rest blank."""
    total = max(total, 1e-9)
    first = min(TRACK - 1, int(start / total * TRACK))
    last = max(first + 1, min(TRACK, round(end / total * TRACK)))
    width = last - first
    solid = round(width * done)
    text = Text("·" * first, style="dim")
    text.append("█" * solid, style="green")
    text.append("▒" * (width - solid), style="cyan")
    text.append("·" * (TRACK - last), style="dim")
    text.append(f" {done:4.0%}")
    return text


class PhaseRow(Horizontal):
    """One phase on the timeline: name, weeks, a progress bar, done/total."""

    def __init__(self, phase_id: str) -> None:
        super().__init__(classes="phase-row", id=f"phase-{phase_id}")

    def compose(self) -> ComposeResult:
        yield Label("", classes="phase-name")
        yield Static("", classes="phase-track")
        yield Label("", classes="phase-count")


class Overview(VerticalScroll):
    """Everything on one screen a team lead wants to see first."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.workspace: Workspace | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="ov-project")
        with Horizontal(id="ov-top"):
            with Vertical(id="ov-decision-box"):
                yield Static(id="ov-decision")
            with Vertical(id="ov-questions"):
                yield Label("[b]Your answers[/b] (saved as you change them)")
                for key, text, kind in _QUESTIONS:
                    with Horizontal(classes="question"):
                        yield Label(text, classes="question-text")
                        if kind == "bool":
                            yield Select(_YES_NO, prompt="not answered", id=f"q-{key}",
                                         classes="answer")
                        else:
                            yield Input(placeholder="not answered", id=f"q-{key}",
                                        type="number", classes="answer")
        yield Label("[b]Phases[/b]", id="ov-phases-title")
        for phase_id in ("denial", "pain", "acceptance", "productivity"):
            yield PhaseRow(phase_id)
        yield Static(id="ov-totals")
        yield Static(id="ov-risks")

    def show(self, workspace: Workspace) -> None:
        """Show ``workspace`` (attributes down: the app calls this)."""
        self.workspace = workspace
        plan, analysis = workspace.plan, workspace.analysis
        active = [s for s in analysis.services.values() if s.active]
        stateful = sum(1 for s in active if s.service_class == "stateful" and s.kind != "dev-only")
        jobs = sum(1 for s in active if s.kind == "job")
        dev = sum(1 for s in active if s.kind == "dev-only")
        head = Text()
        head.append(clean(workspace.project.name), style="bold")
        head.append(f"  {len(active)} services: {len(active) - stateful - jobs - dev} stateless, "
                    f"{stateful} stateful, {jobs} jobs, {dev} dev-only")
        inactive = len(analysis.services) - len(active)
        if inactive:
            head.append(f" (+{inactive} behind profiles)", style="dim")
        head.append(f"\n{clean(workspace.project.working_dir)}", style="dim")
        self.query_one("#ov-project", Static).update(head)

        d = plan.decision
        text = Text()
        text.append("Decision: ", style="bold")
        text.append(d.title + "\n", style="bold cyan")
        for reason in d.reasons:
            text.append(f"  • {clean(reason)}\n")
        text.append("Would change it:\n", style="dim")
        for item in d.would_change:
            text.append(f"  • {clean(item)}\n", style="dim")
        c = d.cost
        text.append(f"\nMonthly cost: Compose {c.compose_total:,.0f} {c.currency}, Kubernetes "
                    f"{c.kubernetes_total_first_six_months:,.0f} (first 6 months), "
                    f"{c.kubernetes_total_after:,.0f} after")
        self.query_one("#ov-decision", Static).update(text)
        answers = d.answers
        for key, _, kind in _QUESTIONS:
            value = answers.get(key)
            if kind == "bool":
                select: Select[str] = self.query_one(f"#q-{key}", Select)
                wanted = Select.NULL if value is None else ("yes" if value else "no")
                if select.value != wanted:
                    with select.prevent(Select.Changed):
                        select.value = wanted
            else:
                field = self.query_one(f"#q-{key}", Input)
                text_value = "" if value is None else f"{value:g}"
                if not field.has_focus and field.value != text_value:
                    with field.prevent(Input.Changed):
                        field.value = text_value

        for phase in plan.phases:
            items = [i for t in phase.tasks for i in t.checklist]
            done = sum(1 for i in items if i.status in ("done", "skipped"))
            row = self.query_one(f"#phase-{phase.id}", PhaseRow)
            row.query_one(".phase-name", Label).update(
                f"[b]{phase.name}[/b] {week_range(phase.start_week, phase.end_week)}")
            row.query_one(".phase-track", Static).update(
                _track(phase.start_week, phase.end_week, plan.total_weeks,
                       done / len(items) if items else 0.0))
            left = phase.days_left
            row.query_one(".phase-count", Label).update(
                f"{done}/{len(items)} done, {left:.1f} of {phase.estimate_days:.1f} days left")
        total_items = plan.items()
        done_all = sum(1 for i in total_items if i.status in ("done", "skipped"))
        totals = Text()
        totals.append(f"About {plan.total_weeks:.1f} weeks", style="bold")
        totals.append(f" (range {plan.total_weeks_low:.1f} to {plan.total_weeks_high:.1f}) "
                      f"with {plan.team_size} engineers at {plan.focus:.0%}; "
                      f"{done_all}/{len(total_items)} items done")
        orphaned = workspace.orphaned()
        if orphaned:
            totals.append(f"\n{len(orphaned)} saved items no longer in the plan "
                          "(kept in the file): " + clean(", ".join(orphaned[:5])), style="yellow")
        self.query_one("#ov-totals", Static).update(totals)

        risks = Text("Largest risks\n", style="bold")
        order = {"high": 0, "medium": 1, "low": 2, "info": 3}
        found = sorted((f for f in analysis.findings
                        if f.service is None or f.service in workspace.project.services),
                       key=lambda f: (order[f.severity], f.rule, f.service or ""))
        for f in found[:6]:
            risks.append(f"  {f.severity:<6} ", style=SEVERITY_STYLE[f.severity])
            risks.append_text(plain(f"{f.service or 'project'}: {f.message}"))
            risks.append("\n")
        if not found:
            risks.append("  none found\n")
        self.query_one("#ov-risks", Static).update(risks)

    @on(Select.Changed, ".answer")
    def _answer_chosen(self, event: Select.Changed) -> None:
        key = (event.select.id or "").removeprefix("q-")
        value = None if event.value is Select.NULL else event.value == "yes"
        self.post_message(SettingRequested(f"answers.{key}", value))

    @on(Input.Submitted, ".answer")
    def _answer_typed(self, event: Input.Submitted) -> None:
        key = (event.input.id or "").removeprefix("q-")
        text = event.value.strip()
        if not text:
            self.post_message(SettingRequested(f"answers.{key}", None))
            return
        try:
            number = float(text)
        except ValueError:
            self.notify(f"{text!r} is not a number", severity="error")
            return
        value: float | int = int(number) if key == "servers" else number
        self.post_message(SettingRequested(f"answers.{key}", value))
