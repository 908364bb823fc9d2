"""The service tasks of a plan too big for GitHub, condensed: a section per group of alike tasks.

Listed service by service, a 2,000-service plan is 5.5 MB of Markdown: 37,600 checklist
lines, the same texts for every service, which GitHub shows as raw text
(``GITHUB_MAX_MARKDOWN_SIZE``). Tasks of one wave, one kind of service and one title have
the same checklist once the service's name is taken out of the ids, so each group is
written once: its services, its estimate, its checklist with ``<service>`` in the ids.
A plan of many waves with few services each (a long ``depends_on`` chain) has as many
groups as tasks that way, so its tasks can be grouped across waves instead, by kind of
service and title only; and when even that is too long, each group is only counted. What
does differ between the services of a group, the items their findings add or reword, is
given by wording, with the services it applies to. Progress is counted; an item that is not
simply to do or done (under way, blocked, skipped, or with an owner) is listed with its own
id, since a team works from those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from migrate_tui.export.markdown_text import (
    DONE,
    GITHUB_MAX_MARKDOWN_SIZE,
    checklist_line,
    code,
    days,
    md,
    md_with_code,
    plural,
    size,
)
from migrate_tui.planning.plan import PlanItem, Task

SERVICE = "<service>"
"""What stands for the service's name in the ids of a group's checklist."""

_FIX = ". Fix: "
"""What separates a finding's message from its fix in an item's text (see
``planning.plan._finding_text``)."""


@dataclass(frozen=True)
class Shortening:
    """How many of each list a condensed section names; None names them all."""

    names: int | None
    """Services named in a list before "and N more"."""
    wordings: int | None
    """Wordings given of an item that differs from service to service."""
    notable: int | None
    """Items under way, blocked, skipped or assigned, listed for a group."""


SHORTENINGS = (
    Shortening(None, None, None),
    Shortening(500, 200, None),
    Shortening(200, 100, None),
    Shortening(100, 50, None),
    Shortening(20, 10, None),
    Shortening(5, 3, 200),
    Shortening(1, 1, 20),
)
"""From the whole lists to the shortest: the first whose sections fit is used."""


@dataclass
class _Differing:
    """An item of a group that not every service has, or that is worded for each.

    The items of one id and one fix, by the rest of their text (the finding's message).
    """

    suffix: str
    """The item's id after the service's name."""
    fix: str
    """The finding's fix, the same for all these; empty when the texts have none."""
    wordings: dict[str, list[str]] = field(default_factory=dict)
    """The services, by the text of their item without the fix."""
    done: bool = True
    """Whether every one of these items is done or skipped."""

    @property
    def services(self) -> int:
        """How many services have the item."""
        return sum(len(names) for names in self.wordings.values())


@dataclass(frozen=True)
class _Common:
    """An item every service of a group has, worded alike."""

    suffix: str
    """The item's id after the service's name."""
    text: str
    done: bool
    """Whether every service has it done or skipped."""


@dataclass
class TaskGroup:
    """The service tasks of a phase that are alike: one wave (or any), kind and title."""

    wave: int | None
    """The tasks' wave; None when they are grouped across waves (see ``across``)."""
    what: str
    """``stateless service``, ``stateful service``, ``job``, ``dev-only service``."""
    deed: str
    """The tasks' title without the service's name: ``run it in the cluster``."""
    tasks: list[Task] = field(default_factory=list)
    checklist: list[_Common | _Differing] = field(default_factory=list)
    """The items, in the order of the plan's checklists: once for all services when they
    have them alike, else by fix and wording."""
    notable: list[PlanItem] = field(default_factory=list)
    """Items not simply to do or done: under way, blocked, skipped, or with an owner."""
    done: int = 0
    items: int = 0
    across: bool = False
    """Whether the group takes the tasks of every wave, its heading naming their range."""
    tally: _Tally | None = field(default=None, repr=False, compare=False)
    """Its items as counted, for :func:`group_across` to add up."""


@dataclass
class _Tally:
    """The items of a group as :func:`_sort_items` counts them, before they are sorted."""

    by_suffix: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """The services of each text of each item, by the item's id after the service's name."""
    done: dict[tuple[str, str], int] = field(default_factory=dict)
    """How many of each (suffix, text) are done or skipped."""


def _what(task: Task) -> str:
    """The kind of service, in the words of the summary."""
    if task.kind == "job":
        return "job"
    if task.kind == "dev-only":
        return "dev-only service"
    return f"{task.service_class or 'stateless'} service"


def group_tasks(tasks: list[Task], *, across: bool = False) -> list[TaskGroup]:
    """The service tasks in groups, in the order the plan first reaches each group.

    A project task (no service) is in no group: it is written as it is. With ``across``,
    the tasks of all waves are grouped together, by kind of service and title only; the
    services of a group stay in the order of the plan.

    Args:
        tasks: A phase's tasks.
        across: Group the tasks of all waves together.

    Returns:
        The groups of service tasks.
    """
    groups: dict[tuple[int | None, str, str], TaskGroup] = {}
    for task in tasks:
        if task.service is None:
            continue
        deed = task.title.removeprefix(f"{task.service}: ")
        wave = None if across else task.wave
        key = (wave, _what(task), deed)
        if key not in groups:
            groups[key] = TaskGroup(wave, key[1], deed, across=across)
        groups[key].tasks.append(task)
    for group in groups.values():
        _sort_items(group)
    return list(groups.values())


def group_across(tasks: list[Task], by_wave: list[TaskGroup]) -> list[TaskGroup]:
    """``group_tasks(tasks, across=True)``, made from ``by_wave``, ``group_tasks(tasks)``.

    A group across waves is the groups of its waves one after the other when its tasks
    come in that order in the plan, as the plan puts each kind of service in wave order:
    their counts are then added up (a few hundred entries at 2,000 services) instead of
    counting its items again (29,583 of them: 28 ms of CPU). Tasks in any other order
    are counted again.

    Args:
        tasks: A phase's tasks.
        by_wave: What ``group_tasks(tasks)`` gave.

    Returns:
        The groups of service tasks across waves.
    """
    position = {id(task): i for i, task in enumerate(tasks)}
    waves_of: dict[tuple[str, str], list[TaskGroup]] = {}
    for group in by_wave:  # (in the order the plan first reaches each group)
        waves_of.setdefault((group.what, group.deed), []).append(group)
    out = []
    for (what, deed), groups in waves_of.items():
        merged = TaskGroup(None, what, deed, across=True)
        for group in groups:
            merged.tasks += group.tasks
        order = [position[id(task)] for task in merged.tasks]
        tallies = [group.tally for group in groups if group.tally is not None]
        if len(tallies) < len(groups) or any(a > b for a, b in pairwise(order)):
            merged.tasks.sort(key=lambda task: position[id(task)])
            _sort_items(merged)
        else:
            tally = merged.tally = _Tally()
            for group, part in zip(groups, tallies, strict=True):
                for suffix, by_text in part.by_suffix.items():
                    mine = tally.by_suffix.setdefault(suffix, {})
                    for text, names in by_text.items():
                        mine.setdefault(text, []).extend(names)
                for key, count in part.done.items():
                    tally.done[key] = tally.done.get(key, 0) + count
                merged.notable += group.notable
                merged.items += group.items
            _sort_tally(merged)
        out.append(merged)
    return out


def _sort_items(group: TaskGroup) -> None:
    """Sorts the group's items into common, differing and notable ones, and counts them.

    An item simply to do, most of a big plan's, costs two dict look-ups and nothing else.
    """
    tally = group.tally = _Tally()
    by_suffix, done = tally.by_suffix, tally.done
    for task in group.tasks:
        name = task.service or ""
        prefix = f"{name}."
        for item in task.checklist:
            suffix = item.id.removeprefix(prefix)
            # get before set: ``setdefault`` would make a dict and a list every time.
            by_text = by_suffix.get(suffix)
            if by_text is None:
                by_text = by_suffix[suffix] = {}
            names = by_text.get(item.text)
            if names is None:
                by_text[item.text] = [name]
            else:
                names.append(name)
            if item.status == "todo" and not item.assignee:
                continue
            if item.status in DONE:
                done[(suffix, item.text)] = done.get((suffix, item.text), 0) + 1
            if item.assignee or item.status not in ("todo", "done"):
                group.notable.append(item)
        group.items += len(task.checklist)
    _sort_tally(group)


def _sort_tally(group: TaskGroup) -> None:
    """The group's checklist and count of items done, from its tally."""
    assert group.tally is not None
    by_suffix, done = group.tally.by_suffix, group.tally.done
    group.done = sum(done.values())
    for suffix, by_text in by_suffix.items():
        if len(by_text) == 1 and len(next(iter(by_text.values()))) == len(group.tasks):
            text, names = next(iter(by_text.items()))
            all_done = done.get((suffix, text), 0) == len(names)
            group.checklist.append(_Common(suffix, text, all_done))
            continue
        differing: dict[str, _Differing] = {}
        for text, names in by_text.items():
            wording, fix = _wording_and_fix(text)
            entry = differing.setdefault(fix, _Differing(suffix, fix))
            entry.wordings.setdefault(wording, []).extend(names)
            entry.done = entry.done and done.get((suffix, text), 0) == len(names)
        group.checklist += differing.values()


def _wording_and_fix(text: str) -> tuple[str, str]:
    """An item's text as what the finding says and its fix, which many services share.

    A fix inside parentheses (an item that already does it, see ``covered_by`` in
    ``playbooks/plan/findings.yaml``) keeps the closing parenthesis with the message.
    """
    wording, found, fix = text.partition(_FIX)
    if not found:
        return text, ""
    if fix.endswith(")") and wording.count("(") > wording.count(")"):
        return wording + ")", fix[:-1]
    return wording, fix


def _count(count: int, word: str) -> str:
    """``1 job``, ``1,234 jobs``."""
    return plural(count, word)


def _names(names: list[str], shown: int | None) -> str:
    """``a, b and 3 more``: the first ``shown`` names, escaped."""
    if shown is None or len(names) <= shown:
        return ", ".join(md(n) for n in names)
    return ", ".join(md(n) for n in names[:shown]) + f" and {len(names) - shown:,} more"


def condensed_note(tasks: int, *, across: bool = False) -> list[str]:
    """Why a phase's service tasks are grouped, and where to find each one.

    Args:
        tasks: How many service tasks the groups hold.
        across: The groups take the tasks of all waves (see :func:`group_tasks`).

    Returns:
        The note's lines.
    """
    how = ("by kind of service and task across waves (the plan has too many waves for a "
           "group each)" if across else "by wave, kind of service and task")
    return [f"The {tasks:,} service tasks of this phase are grouped {how}, "
            f"each checklist written once with {code(SERVICE)} for the service's "
            "name: listed one by one, the plan would pass the "
            f"{GITHUB_MAX_MARKDOWN_SIZE:,} bytes of Markdown GitHub renders. "
            "`migrate-tui plan --format json` and the TUI have every item of every service.",
            ""]


def counted_note(tasks: int) -> list[str]:
    """Why a phase's service tasks are only counted, and where to find each one.

    Args:
        tasks: How many service tasks are counted.

    Returns:
        The note's lines.
    """
    return [f"The {tasks:,} service tasks of this phase are only counted here, by kind of "
            "service and task across waves, without their services' names or checklists: "
            "even grouped, they would pass the "
            f"{GITHUB_MAX_MARKDOWN_SIZE:,} bytes of Markdown GitHub renders. "
            "`migrate-tui plan --format json` and the TUI have every item of every service.",
            ""]


def _heading(group: TaskGroup) -> list[str]:
    """A group's heading, then its estimate and progress."""
    count = len(group.tasks)
    where = f"Wave {group.wave}: " if group.wave is not None else ""
    if group.across:
        waves = [t.wave for t in group.tasks if t.wave is not None]
        if waves:
            low, high = min(waves), max(waves)
            where = f"Wave {low}: " if low == high else f"Waves {low}–{high}: "
    return [f"### {where}{_count(count, group.what)} · {md(group.deed)}", "",
            f"_{_estimate(group.tasks)} · {group.done:,} of {group.items:,} items done_", ""]


def group_count_lines(group: TaskGroup) -> list[str]:
    """A group's heading, estimate and progress, and how many of its items stand out.

    Those someone is on, or that are not simply to do or done: no names, no checklist.

    Args:
        group: The tasks alike.

    Returns:
        The group's lines.
    """
    out = _heading(group)
    if group.notable:
        out += [f"{_count(len(group.notable), 'item')} under way, blocked, skipped or "
                "assigned.", ""]
    return out


def group_lines(group: TaskGroup, shortening: Shortening) -> list[str]:
    """A group's section: heading, estimate and progress, services, checklist, and more.

    The items someone is on or that are not simply to do or done come last.

    Args:
        group: The tasks alike.
        shortening: How many services, wordings and notable items are named.

    Returns:
        The group's lines.
    """
    out = [*_heading(group),
           _services_line(_names([t.service or "" for t in group.tasks], shortening.names)),
           ""]
    for entry in group.checklist:
        if isinstance(entry, _Common):
            out.append(_common_line(entry))
        else:
            out += _differing_lines(entry, shortening)
    out.append("")
    return out + _notable_lines(group.notable, shortening.notable)


def group_floor(group: TaskGroup) -> int:
    """The fewest bytes :func:`group_lines` takes for this group, whatever the shortening.

    Its lines but for the names and notable items, which a shortening only shortens: every
    one of ``SHORTENINGS`` gives each differing item at least its first wording. A plan
    whose groups' floors do not fit is not tried in each shortening (see ``_Grouping`` in
    :mod:`migrate_tui.export.markdown`).

    Args:
        group: The tasks alike.

    Returns:
        A lower bound of ``size(group_lines(group, shortening))``.
    """
    lines = [*_heading(group), _services_line(""), "", ""]
    for entry in group.checklist:
        if isinstance(entry, _Common):
            lines.append(_common_line(entry))
        else:
            lines += [_differing_head(entry), _wording_line(next(iter(entry.wordings)), "")]
    return size(lines)


def _services_line(names: str) -> str:
    return f"Services: {names}."


def _common_line(entry: _Common) -> str:
    box = "[x]" if entry.done else "[ ]"
    return f"- {box} {md_with_code(entry.text)} {code(f'{SERVICE}.{entry.suffix}')}"


def _estimate(tasks: list[Task]) -> str:
    """``6.75 days a service · 3611.25 days in all``, or a range when they differ."""
    each = [t.estimate_days for t in tasks]
    low, high = min(each), max(each)
    per = days(low) if low == high else f"{low:g} to {days(high)}"
    return f"{per} a service · {days(round(sum(each), 2))} in all"


def _differing_lines(entry: _Differing, shortening: Shortening) -> list[str]:
    """An item that differs from service to service.

    Its fix once, then each wording with the services it is on.
    """
    out = [_differing_head(entry)]
    wordings = list(entry.wordings.items())
    shown = wordings if shortening.wordings is None else wordings[:shortening.wordings]
    out += [_wording_line(wording, _names(names, shortening.names)) for wording, names in shown]
    rest = wordings[len(shown):]
    if rest:
        services = sum(len(names) for _, names in rest)
        out.append(f"  - and {_count(len(rest), 'other wording')}, on "
                   f"{_count(services, 'service')}")
    return out


def _differing_head(entry: _Differing) -> str:
    """The line of an item that differs: its id, how many services have it, its fix."""
    head = (f"- {'[x]' if entry.done else '[ ]'} {code(f'{SERVICE}.{entry.suffix}')} on "
            f"{entry.services:,} of them")
    return f"{head}. Fix: {md(entry.fix)}" if entry.fix else f"{head}:"


def _wording_line(wording: str, names: str) -> str:
    """A wording of an item that differs, with the services (already listed) it is on."""
    return f"  - {md(wording)}: {names}"


def _notable_lines(items: list[PlanItem], shown: int | None) -> list[str]:
    """The items someone is on, or that are blocked or skipped, each with its own id."""
    if not items:
        return []
    listed = items if shown is None else items[:shown]
    out = ["Under way, blocked, skipped or assigned:", ""]
    out += [checklist_line(item, code(item.id)) for item in listed]
    if len(items) > len(listed):
        out.append(f"- and {len(items) - len(listed):,} more: "
                   "`migrate-tui plan --format json` has them")
    return [*out, ""]
