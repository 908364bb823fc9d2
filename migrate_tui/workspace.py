"""A migration workspace: the project, its analysis, its plan and its saved progress.

The CLI and the TUI both work through this: it loads the project, reads the progress file,
applies the overrides and settings saved there to the analysis and the plan, and saves
changes through the progress store. A progress file that does not validate leaves the
workspace read-only with the problem kept, never overwritten.

A class or kind override re-plans what it can change, no more (:func:`compute` with
``previous``). What an override invalidates, stage by stage; everything else is reused:

=============  ===================================  ========================================
stage          reused as is                         made again
=============  ===================================  ========================================
analysis       the project's reading: edges,        a service's classification when its
               waves, hints, found kinds, locator   override or shared mounts changed; a
               (:class:`.analysis.pipeline.         rule's findings when what it read of the
               ProjectReading`); a rule's run when  kinds, kind reasons, ports or probes
               what it read of the classification   changed; a service's routes when it was
               is unchanged; a service's routes     classified again; data, charts and the
               when its analysis is the same        proxy decisions (whole-project)
manifests      the project's reading: labels,       a service's facts when their key (its
               owners, hints, secret values,        analysis, workload, pod, ports reached,
               named volumes (:class:`.manifests.   dependants) or the volume users they read
               facts.ProjectReading`); a service's  changed; a service's objects and ledger
               facts, objects and ledger entries    entries when a fact its builders read
               when what they read is unchanged     changed (recorded as read); the shared
                                                    files and the kustomization
plan           a service's facts when its analysis  the project tasks, the sums, the
               is the same object and its evidence  schedule
               equal; the findings' facts; a
               service's task in a phase when its
               facts, findings, ledger entries,
               copy and learning factor and its
               items' progress are the same
=============  ===================================  ========================================

The guard: ``tests/test_replan.py`` checks that a re-plan equals a plan from scratch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migrate_tui.analysis.model import Analysis
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.model import Project
from migrate_tui.errors import MigrateError, ProgressError
from migrate_tui.gc_pause import gc_paused
from migrate_tui.planning.decision import Answers
from migrate_tui.planning.plan import ItemProgress, LedgerFacts, Plan, PlanRun, Settings
from migrate_tui.planning.playbooks import PlanPlaybooks, load_plan_playbooks
from migrate_tui.progress.changes import Change, SetOverride, future_times
from migrate_tui.progress.model import ProgressState
from migrate_tui.progress.status import PlanRow
from migrate_tui.progress.store import ProgressStore, default_path

if TYPE_CHECKING:
    from migrate_tui.analysis.pipeline import AnalysisRun, ProjectReading
    from migrate_tui.manifests.facts import SecretsMode
    from migrate_tui.manifests.generate import Generation
    from migrate_tui.manifests.model import LedgerEntry, Manifests


@dataclass(frozen=True)
class Workspace:
    """Everything a session works on, computed from the files on disk."""

    project: Project
    analysis: Analysis
    plan: Plan
    state: ProgressState
    """The saved progress (empty when the file is missing or unreadable)."""
    store: ProgressStore
    playbooks: PlanPlaybooks
    progress_error: MigrateError | None = None
    """Why the progress file could not be read: the workspace is then read-only."""
    flags: Settings | None = None
    """Settings given on the command line; they win over the saved ones."""
    manifests: Manifests | None = None
    """The generated manifests and their translation ledger (issue 14), computed once with
    the analysis: the plan's specific items, the Translation section, the Manifests view
    and the ``manifests`` command all read these."""
    stages: Stages | None = field(default=None, compare=False, repr=False)
    """What a re-plan after an override reuses (see the module's table)."""

    @property
    def ledger(self) -> tuple[LedgerEntry, ...]:
        """Every entry of the translation ledger (``mapped`` ones too)."""
        return self.manifests.ledger if self.manifests is not None else ()

    @property
    def read_only(self) -> bool:
        """True when the progress file is broken and must not be written."""
        return self.progress_error is not None

    def rows(self) -> list[PlanRow]:
        """(item id, phase, service, text) of every checklist item, for the status figures."""
        return [(i.id, p.id, t.service, i.text)
                for p in self.plan.phases for t in p.tasks for i in t.checklist]

    def item_ids(self) -> set[str]:
        """Every checklist item id of the plan."""
        return {i.id for i in self.plan.items()}

    def orphaned(self) -> list[str]:
        """Saved items whose service or rule left the project: kept, and shown as such."""
        if not self.state.items:
            return []  # nothing saved yet (a first session): no need to list the plan's ids
        return sorted(set(self.state.items) - self.item_ids())

    def apply(self, changes: Sequence[Change]) -> Workspace:
        """Save changes, then re-analyse and re-plan from what the file now holds.

        Raises:
            ProgressError: The workspace is read-only, or the save failed.
        """
        if self.progress_error is not None:
            raise ProgressError(
                "the progress file is broken, so nothing is saved: "
                + self.progress_error.message,
                location=self.progress_error.location,
                path=self.progress_error.path,
                hint=self.progress_error.hint or "fix the file, then reload",
            )
        state = self.store.apply([self._unless_detected(c) for c in changes])
        if state.settings == self.state.settings:
            return self.with_progress(state)
        return compute(self.project, self.store, state, self.playbooks, flags=self.flags,
                       previous=self)

    def _unless_detected(self, change: Change) -> Change:
        """An override to what the analysis detects anyway is no override: it is removed
        (cycling ``k`` round to the detected kind left a saved no-op and a stale ``*``)."""
        if not isinstance(change, SetOverride) or change.value is None:
            return change
        name, found = change.service, self.analysis.services.get(change.service)
        saved = self.state.settings.overrides.get(name)
        if found is None:
            return change
        if saved is not None:
            other = saved.kind if change.field == "class" else saved.service_class
            if other is not None:
                return change  # (the class follows the kind: detected without both differs)
            wanted = self.detected().get(name, {}).get(change.field)
        else:
            wanted = found.service_class if change.field == "class" else found.kind
        return replace(change, value=None) if change.value == wanted else change

    def detected(self) -> dict[str, dict[str, str]]:
        """:func:`detected` for this workspace's overrides, from what its analysis read of
        the project (only the overridden services are classified again)."""
        stages = self.stages
        return detected(self.project, self.state,
                        reading=stages.analysis.reading if stages is not None else None)

    def with_progress(self, state: ProgressState) -> Workspace:
        """The same analysis, the plan re-made with new statuses and owners (no re-analysis)."""
        from migrate_tui.planning.build import make_plan_run

        stages = self.stages
        if stages is not None:
            ledger = tuple(f for _, facts in stages.ledger_facts.values() for f in facts)
        else:
            ledger = ledger_facts(self.manifests) if self.manifests else ()
        run = make_plan_run(self.project, self.analysis, _settings(state, self.flags),
                            _progress(state), self.playbooks, ledger,
                            previous=stages.plan if stages is not None else None,
                            labels=dict(self.manifests.names) if self.manifests else None)
        return replace(self, plan=run.plan, state=state, progress_error=None,
                       stages=replace(stages, plan=run) if stages is not None else None)

    def reload_progress(self) -> Workspace:
        """Read the progress file again (a teammate's ``git pull``)."""
        try:
            state = self.store.load()
        except ProgressError as exc:
            return replace(self, progress_error=exc)
        if state.settings == self.state.settings:
            return self.with_progress(state)
        return compute(self.project, self.store, state, self.playbooks, flags=self.flags,
                       previous=self)


@dataclass(frozen=True)
class Stages:
    """What :func:`compute` keeps of its stages for the next re-plan."""

    analysis: AnalysisRun
    manifests: Generation
    ledger_facts: LedgerParts
    plan: PlanRun


def _settings(state: ProgressState, flags: Settings | None) -> Settings:
    saved = state.settings
    answers = Answers(**saved.answers.model_dump())
    if flags is not None:
        given = {k: v for k, v in flags.answers.model_dump().items() if v is not None}
        answers = answers.model_copy(update=given)
    return Settings(
        team_size=(flags.team_size if flags and flags.team_size else saved.team_size),
        focus=(flags.focus if flags and flags.focus is not None else saved.focus),
        start=(flags.start if flags and flags.start else saved.start),
        answers=answers,
    )


def overrides_of(state: ProgressState) -> dict[str, dict[str, Any]]:
    """The class and kind overrides saved in the progress file, as the analysis takes them."""
    return {
        name: o.model_dump(by_alias=True, exclude_none=True)
        for name, o in state.settings.overrides.items()
        if o.model_dump(exclude_none=True)
    }


def _progress(state: ProgressState) -> dict[str, ItemProgress]:
    return {item_id: ItemProgress(status=s.status, assignee=s.assignee, verdict=s.verdict)
            for item_id, s in state.items.items()}


def _overrides_in(project: Project, state: ProgressState) -> dict[str, dict[str, Any]]:
    """The saved overrides of services the project still has."""
    return {k: v for k, v in overrides_of(state).items()
            if k in project.services or k in project.inactive_services}


@gc_paused
def compute(
    project: Project,
    store: ProgressStore,
    state: ProgressState,
    playbooks: PlanPlaybooks,
    *,
    progress_error: MigrateError | None = None,
    flags: Settings | None = None,
    previous: Workspace | None = None,
) -> Workspace:
    """Analyse and plan ``project`` with the saved ``state`` applied.

    Args:
        project: The loaded project.
        store: Its progress store.
        state: The saved progress.
        playbooks: The planning playbooks.
        progress_error: Why the progress file could not be read, if it could not.
        flags: Settings given on the command line.
        previous: The workspace this one replaces (of the same project): what the new
            overrides cannot change is reused (the module's table). The result equals a
            workspace computed without it.
    """
    from migrate_tui.analysis.pipeline import run_analysis
    from migrate_tui.manifests.generate import run_generation
    from migrate_tui.planning.build import make_plan_run

    before = previous.stages if previous is not None else None
    run = run_analysis(project, _overrides_in(project, state),
                       previous=before.analysis if before is not None else None)
    analysis = run.analysis
    generation = run_generation(project, analysis,
                                previous=before.manifests if before is not None else None)
    manifests = generation.manifests
    ledger, ledger_parts = _ledger_facts_again(generation, before)
    planned = make_plan_run(project, analysis, _settings(state, flags), _progress(state),
                            playbooks, ledger,
                            previous=before.plan if before is not None else None,
                            labels=dict(manifests.names))
    return Workspace(project=project, analysis=analysis, plan=planned.plan, state=state,
                     store=store, playbooks=playbooks, progress_error=progress_error,
                     flags=flags, manifests=manifests,
                     stages=Stages(run, generation, ledger_parts, planned))


@gc_paused
def ledger_facts(manifests: Manifests) -> tuple[LedgerFacts, ...]:
    """The ledger entries the plan turns into items, as planning's plain data.

    The manifest generator is the one source of the ledger; planning may not import it,
    so the hand-over happens here. ``mapped`` entries ask nothing and are left out.
    """
    return tuple(_ledger_facts(manifests.ledger))


def _ledger_facts(entries: Sequence[LedgerEntry]) -> list[LedgerFacts]:
    return [LedgerFacts(service=e.service, key=e.key, status=e.status, target=e.target,
                        why=e.why, claim=e.claim, path=e.path)
            for e in entries if e.status != "mapped"]


LedgerParts = dict[str, tuple[list["LedgerEntry"], list[LedgerFacts]]]
"""Each service's ledger, and the plan's facts of it."""


def _ledger_facts_again(generation: Generation,
                        before: Stages | None) -> tuple[tuple[LedgerFacts, ...], LedgerParts]:
    """:func:`ledger_facts`, each service's part reused when its ledger is the same list
    as before (the generator reused it)."""
    old = before.ledger_facts if before is not None else {}
    made: LedgerParts = {}
    out: list[LedgerFacts] = []
    for name, (_, _, ledger) in generation.ledgers.items():
        kept = old.get(name)
        if kept is None or kept[0] is not ledger:
            kept = (ledger, _ledger_facts(ledger))
        made[name] = kept
        out += kept[1]
    return tuple(out), made


@dataclass(frozen=True)
class ProjectFiles:
    """The project, the playbooks and the progress file, read but not analysed yet."""

    project: Project
    playbooks: PlanPlaybooks
    store: ProgressStore
    state: ProgressState
    """The saved progress (empty when the file is missing or unreadable)."""
    progress_error: ProgressError | None = None
    """Why the progress file could not be read."""


def open_files(
    options: LoadOptions,
    *,
    state_file: str | None = None,
    playbooks_dir: str | None = None,
    warn: Callable[[str], None] | None = None,
) -> ProjectFiles:
    """Load the project and the playbooks, and read the progress file.

    The arguments and the errors are :func:`open_workspace`'s.
    """
    project, store = _project_and_store(options, state_file, warn)
    playbooks = load_plan_playbooks(Path(playbooks_dir) if playbooks_dir else None)
    try:
        state = store.load()
        error = None
    except ProgressError as exc:
        state, error = ProgressState(), exc
    if warn is not None:
        for where in future_times(state):
            warn(f"{store.path}: {where} is in the future: it is ignored when changes are "
                 "merged (a later change wins); set the item again, or fix the time")
    return ProjectFiles(project, playbooks, store, state, error)


def open_workspace(
    options: LoadOptions,
    *,
    state_file: str | None = None,
    playbooks_dir: str | None = None,
    flags: Settings | None = None,
    warn: Callable[[str], None] | None = None,
) -> Workspace:
    """Load the project and its progress file.

    Args:
        options: The Compose flags.
        state_file: The progress file (default: ``migration.toml`` next to the compose file).
        playbooks_dir: A team's own playbooks, laid over ours.
        flags: Settings from the command line, over the saved ones.
        warn: Receives the loader's warnings, and the analysis' (:attr:`Analysis.warnings`).

    Raises:
        MigrateError: The project (or a playbook) does not load. A broken progress file
            does not raise: the workspace is read-only and carries the error.
    """
    files = open_files(options, state_file=state_file, playbooks_dir=playbooks_dir, warn=warn)
    workspace = compute(files.project, files.store, files.state, files.playbooks,
                        progress_error=files.progress_error, flags=flags)
    if warn is not None:  # (what the analysis could not read: a proxy's configuration)
        for message in workspace.analysis.warnings:
            warn(message)
    return workspace


def detected(project: Project, state: ProgressState, *,
             reading: ProjectReading | None = None) -> dict[str, dict[str, str]]:
    """What the analysis decides without the saved overrides, for each overridden service.

    ``{"db": {"class": "stateful", "kind": "service"}}``: what a "reset to detected" goes
    back to (an ``x-migrate`` hint in the compose file still counts: it is no override of
    the progress file). Without ``reading`` (what a workspace's analysis read of this
    project, :meth:`Workspace.detected`) it reads the whole project: ask only when there is
    an override to show. Services that left the project are left out.
    """
    from migrate_tui.analysis.pipeline import read_project, without_overrides

    wanted = [name for name in state.settings.overrides
              if name in project.services or name in project.inactive_services]
    if not wanted:
        return {}
    if reading is None or reading.project is not project:
        reading = read_project(project)
    services = without_overrides(reading, sorted(wanted))
    return {name: {"class": a.service_class, "kind": a.kind} for name, a in services.items()}


@gc_paused
def open_manifests(
    options: LoadOptions,
    *,
    state_file: str | None = None,
    secrets_mode: SecretsMode = "generator",
    warn: Callable[[str], None] | None = None,
) -> Manifests:
    """The project's manifests and ledger, with the progress file's overrides: no plan.

    What ``manifests`` and ``ledger`` need: the analysis with the team's class and kind
    overrides, and nothing the plan adds (a third of ``plan``'s time at 2,000 services).

    Raises:
        MigrateError: The project does not load, or the progress file is broken (its
            overrides would be silently lost otherwise).
    """
    from migrate_tui.analysis.pipeline import analyze
    from migrate_tui.manifests import generate_manifests

    project, store = _project_and_store(options, state_file, warn)
    state = store.load()
    analysis = analyze(project, _overrides_in(project, state))
    if warn is not None:
        for message in analysis.warnings:
            warn(message)
    return generate_manifests(project, analysis, secrets_mode=secrets_mode)


def _project_and_store(
    options: LoadOptions, state_file: str | None, warn: Callable[[str], None] | None
) -> tuple[Project, ProgressStore]:
    """The loaded project, and the store of its progress file (not read yet)."""
    from migrate_tui.compose.loader import load_project

    project = load_project(options, warn=warn)
    path = Path(state_file) if state_file else default_path(project.working_dir)
    if state_file and not path.is_absolute():
        path = Path(options.cwd or ".").absolute() / path
    # A file found in the project stays in it; one named with --state may be anywhere.
    return project, ProgressStore(path, allowed_root=None if state_file else project.working_dir)
