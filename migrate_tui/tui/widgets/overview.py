"""The Overview: the project, the decision and its open questions, the team, the phases, the
risks.

The answers and the team's settings (engineers, share of their time, first day) are saved as
they change: a yes/no at once, a typed value when the typing pauses, when the field is left
(Tab, Escape, a click elsewhere) or on Enter, and when the app quits. The fields are made
from :data:`~migrate_tui.progress.settings.SETTING_FIELDS`, as the CLI's flags are. In a
typed field the keys its value is made of (digits, ``.``, ``-``, ``%``) go to the field,
because that is what a user typing "3 servers" expects; every other key does what it does
elsewhere (``q`` quits, ``r`` reloads), and Escape leaves the field, so ``1``-``5`` switch
views again. The footer shows ``esc Leave field`` while the cursor is in one.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Input, Label, Select, Static

from migrate_tui.text import plural, week_range
from migrate_tui.tui.keys import InOrderInput
from migrate_tui.tui.messages import SettingRequested
from migrate_tui.tui.text import SEVERITY_STYLE, clean, plain
from migrate_tui.tui.widgets.burn_up import BurnUpChart
from migrate_tui.tui.widgets.phase_timeline import PhaseLine, PhaseTimeline

if TYPE_CHECKING:
    from migrate_tui.progress.settings import SettingField, SettingKind
    from migrate_tui.workspace import Workspace

_YES_NO = [("yes", "yes"), ("no", "no")]
PAUSE = 0.8
"""Seconds of no typing after which a typed value is saved."""
_TYPED: dict[SettingKind, str] = {
    "count": "0123456789+-", "number": "0123456789.+-", "share": "0123456789.%",
    "day": "0123456789-",
}
"""The characters a typed value of each kind is made of: they go to its field."""


class AnswerField(InOrderInput):
    """A typed setting: the keys of its value go to it, any other key to the app."""

    BINDINGS = [Binding("escape", "leave", "Leave field")]

    def __init__(self, setting: SettingField, **kwargs: object) -> None:
        super().__init__(placeholder="not answered" if setting.is_answer else "not set",
                         id=f"q-{setting.name}", classes="answer", compact=True,
                         restrict=f"[{re.escape(_TYPED[setting.kind])}]*",
                         **kwargs)  # type: ignore[arg-type]
        self.setting = setting
        self.typed = frozenset(_TYPED[setting.kind])
        """The characters that go to the field."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Only the characters of a value are the field's (``q`` still quits)."""
        return character is not None and character in self.typed

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character not in self.typed:
            event.prevent_default()  # not typed in: it goes on up to the app's keys

    def action_leave(self) -> None:
        """Leave the field (it saves as it loses the focus)."""
        for node in self.ancestors:
            if getattr(node, "can_focus", False):
                node.focus()  # type: ignore[attr-defined]
                return
        self.blur()


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


class Overview(VerticalScroll):
    """Everything on one screen a team lead wants to see first."""

    BINDINGS = [Binding("a", "answer", "Answer")]
    CORE_MODULES = ("migrate_tui.analysis.model", "migrate_tui.progress.burnup",
                    "migrate_tui.progress.forecast", "migrate_tui.progress.settings")
    """The core modules :meth:`show` and the fields import: the worker that loads the
    workspace imports them too, so that the interface thread does not when it shows it."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.workspace: Workspace | None = None
        self.warnings: tuple[str, ...] = ()
        """The loader's warnings and the analysis' (a proxy's configuration it could not
        read), set by the app."""
        self._pause: Timer | None = None
        self._sent: dict[str, object] = {}
        """Answers sent up and not yet back in a workspace: not sent twice."""
        self._questions_mounted = False
        self._questions_ready = False
        """The fields are in (:meth:`_mount_questions`)."""
        self._shown: dict[str, str] = {}
        """What each typed field was last given by :meth:`show`: a field holding something
        else was typed in."""

    def compose(self) -> ComposeResult:
        """The project line, the decision and its questions, then the phase timeline."""
        yield Static(id="ov-project")
        with Horizontal(id="ov-top"):
            with Vertical(id="ov-decision-box"):
                yield Static(id="ov-decision")
            with Vertical(id="ov-questions"):
                yield Static("[b]Your answers[/b] [dim](saved as you type; Esc leaves a "
                             "field)[/dim]", id="ov-answers-title")
                yield Static("[b]Your team[/b]", id="ov-team-title")
                # (the fields come with the first workspace: their table is the progress
                # model's, which the first paint does not wait for)
        yield PhaseTimeline(id="ov-phases")
        yield Static(id="ov-totals")
        yield BurnUpChart(id="ov-burn-up")
        yield Static(id="ov-warnings")
        yield Static(id="ov-risks")

    def action_answer(self) -> None:
        """To the first question (below the decision, out of sight in a small terminal)."""
        fields = self.query(".answer")
        if fields:
            fields.first().focus()

    def show(self, workspace: Workspace) -> None:
        """Show ``workspace`` (attributes down: the app calls this)."""
        from migrate_tui.analysis.model import severity_rank
        from migrate_tui.progress.burnup import burn_up
        from migrate_tui.progress.forecast import forecast

        self.workspace = workspace
        self._sent = {}
        plan, analysis = workspace.plan, workspace.analysis
        active = [s for s in analysis.services.values() if s.active]
        stateful = sum(1 for s in active if s.service_class == "stateful" and s.kind != "dev-only")
        jobs = sum(1 for s in active if s.kind == "job")
        dev = sum(1 for s in active if s.kind == "dev-only")
        head = Text()
        head.append(clean(workspace.project.name), style="bold")
        head.append(f"  {plural(len(active), 'service')}: "
                    f"{len(active) - stateful - jobs - dev} stateless, {stateful} stateful, "
                    f"{plural(jobs, 'job')}, {dev} dev-only")
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
        if self._questions_ready:
            self._show_settings(workspace)
        elif not self._questions_mounted:  # the first workspace: painted before the fields
            self._questions_mounted = True
            self.call_after_refresh(self._mount_questions)

        lines = []
        done_all = total_items = 0
        for phase in plan.phases:
            done = sum(t.done for t in phase.tasks)
            items = sum(len(t.checklist) for t in phase.tasks)
            done_all += done
            total_items += items
            lines.append(PhaseLine(
                clean(phase.name), week_range(phase.start_week, phase.end_week),
                _track(phase.start_week, phase.end_week, plan.total_weeks,
                       done / items if items else 0.0),
                f"{done}/{items} done, {phase.days_left:.1f} of "
                f"{phase.estimate_days:.1f} days left"))
        self.query_one(PhaseTimeline).show(lines)
        totals = Text()
        totals.append(f"About {plan.total_weeks:.1f} weeks", style="bold")
        totals.append(f" (range {plan.total_weeks_low:.1f} to {plan.total_weeks_high:.1f}) "
                      f"with {plural(plan.team_size, 'engineer')} at {plan.focus:.0%}; "
                      f"{done_all}/{total_items} items done")
        orphaned = workspace.orphaned()
        if orphaned:
            totals.append(f"\n{plural(len(orphaned), 'saved item')} no longer in the plan "
                          "(kept in the file): " + clean(", ".join(orphaned[:5])), style="yellow")
        self.query_one("#ov-totals", Static).update(totals)
        today = dt.datetime.now(dt.timezone.utc).date()
        est = workspace.playbooks.estimates
        self.query_one(BurnUpChart).show(
            burn_up(plan, workspace.state, as_of=today),
            forecast(plan, workspace.state, as_of=today, range_low=est.range_low,
                     range_high=est.range_high))

        self._show_warnings()
        risks = Text("Largest risks\n", style="bold")
        found = sorted((f for f in analysis.findings
                        if f.service is None or f.service in workspace.project.services),
                       key=lambda f: (severity_rank(f.severity), f.rule, f.service or ""))
        for f in found[:6]:
            risks.append(f"  {f.severity:<6} ", style=SEVERITY_STYLE[f.severity])
            risks.append_text(plain(f"{f.service or 'project'}: {f.message}"))
            risks.append("\n")
        if not found:
            risks.append("  none found\n")
        self.query_one("#ov-risks", Static).update(risks)

    async def _mount_questions(self) -> None:
        """The questions' fields, once, with the workspace's values: answers under their
        title, the team's under its own.

        They come once the first workspace is painted: they are 40 widgets (a yes/no
        choice is six), and the project's figures need not wait for them. The app may be
        closing by then, or while they go in: nothing is put in a screen on its way out.
        """
        from migrate_tui.progress.settings import ANSWER_FIELDS, PLAN_FIELDS

        if not self._on_screen():
            return
        box = self.query_one("#ov-questions")
        answers = box.mount_all([_question(s) for s in ANSWER_FIELDS], before="#ov-team-title")
        team = box.mount_all([_question(s) for s in PLAN_FIELDS])
        await answers
        await team
        if not self._on_screen():
            return
        self._questions_ready = True
        if self.workspace is not None:
            self._show_settings(self.workspace)

    def _on_screen(self) -> bool:
        """This view and the app both still run: neither is closing."""
        return self.is_running and self.app.is_running

    def _show_settings(self, workspace: Workspace) -> None:
        """The saved answers and settings in their fields; the defaults as placeholders."""
        from migrate_tui.progress.settings import ANSWER_FIELDS, PLAN_FIELDS

        saved = workspace.state.settings
        est = workspace.playbooks.estimates
        defaults = {"team_size": est.team_size, "focus": est.focus}
        for setting in (*ANSWER_FIELDS, *PLAN_FIELDS):
            value = setting.saved(saved)
            if setting.kind == "yes-no":
                select: Select[str] = self.query_one(f"#q-{setting.name}", Select)
                wanted = Select.NULL if value is None else setting.show(value)
                if select.value != wanted:
                    with select.prevent(Select.Changed):
                        select.value = wanted
                continue
            field = self.query_one(f"#q-{setting.name}", AnswerField)
            default = defaults.get(setting.name)
            if default is not None:
                field.placeholder = f"{setting.show(default)} (default)"
            elif setting.kind == "day":
                field.placeholder = "YYYY-MM-DD"
            typed = field.value != self._shown.get(setting.name, "")
            if typed and self._pending(setting, field.value):
                continue  # typed and not saved yet: the typing wins
            if not field.has_focus and field.value != setting.show(value):
                with field.prevent(Input.Changed):
                    field.value = setting.show(value)
            self._shown[setting.name] = field.value

    @on(Select.Changed, ".answer")
    def _answer_chosen(self, event: Select.Changed) -> None:
        from migrate_tui.progress.settings import FIELDS_BY_NAME

        setting = FIELDS_BY_NAME[(event.select.id or "").removeprefix("q-")]
        value = None if event.value is Select.NULL else setting.parse(str(event.value))
        self.post_message(SettingRequested(setting.key, value))

    def _show_warnings(self) -> None:
        box = self.query_one("#ov-warnings", Static)
        box.display = bool(self.warnings)
        text = Text(f"Warnings ({len(self.warnings)}): what was not set or not read\n",
                    style="bold yellow")
        for warning in self.warnings:
            text.append("  • ")
            text.append_text(plain(warning))
            text.append("\n")
        box.update(text)

    # -- the typed answers and settings ------------------------------------------------------

    def _saved(self, setting: SettingField) -> object:
        return setting.saved(self.workspace.state.settings) if self.workspace else None

    def _pending(self, setting: SettingField, text: str) -> bool:
        """True when the field holds something other than the saved value."""
        try:
            return setting.parse(text) != self._saved(setting)
        except ValueError:
            return True

    def unsaved_answers(self) -> tuple[dict[str, object], list[str]]:
        """The typed values not saved yet, by setting key, and why others cannot be."""
        changes: dict[str, object] = {}
        problems: list[str] = []
        for field in self.query(AnswerField):
            setting = field.setting
            try:
                value = setting.parse(field.value)
            except ValueError as err:
                problems.append(f"{setting.label}: {err}")
                continue
            if value != self._saved(setting):
                changes[setting.key] = value
        return changes, problems

    def _commit(self, *, quiet: bool = False) -> None:
        """Save the typed answers that changed; say which cannot be (unless ``quiet``)."""
        if self._pause is not None:
            self._pause.stop()
            self._pause = None
        changes, problems = self.unsaved_answers()
        for key, value in changes.items():
            if key in self._sent and self._sent[key] == value:
                continue
            self._sent[key] = value
            self.post_message(SettingRequested(key, value))
        if problems and not quiet:
            self.notify(problems[0], severity="error", title="Not saved")

    @on(Input.Changed, ".answer")
    def _answer_typing(self) -> None:
        if self._pause is not None:
            self._pause.stop()
        self._pause = self.set_timer(PAUSE, lambda: self._commit(quiet=True))

    @on(Input.Submitted, ".answer")
    @on(Input.Blurred, ".answer")
    def _answer_done(self) -> None:
        self._commit()


def _question(setting: SettingField) -> Horizontal:
    """A setting's row: its label, and a yes/no choice or a typed field."""
    if setting.kind == "yes-no":
        choice: Select[str] | AnswerField = Select(
            _YES_NO, prompt="not answered", id=f"q-{setting.name}", classes="answer",
            compact=True)
    else:
        choice = AnswerField(setting)
    return Horizontal(Label(setting.label, classes="question-text"), choice,
                      classes="question")
