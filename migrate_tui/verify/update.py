"""``verify --update``: record the verdicts in the progress file, and tick what is verified.

The rules, so that a person's choice is never undone behind their back:

- a ``verified`` item that is ``todo`` or ``doing`` is ticked ``done`` by ``verify``, unless
  a person moved it away from done after verify last saw it verified (they know better);
- a ``contradicted`` item that is ``done`` stays ticked: the verdict is recorded beside it
  (``status`` and the export show it), and the command says so on stderr;
- ``skipped`` and ``blocked`` items keep their status;
- every verdict is recorded with its evidence and time (``verdict``, ``evidence``,
  ``verified_at``); an ``unknown`` one clears an older verdict.

All of it goes through the progress store, as one save (latest change wins, merged with
whatever another session saved meanwhile).
"""

from __future__ import annotations

from typing import Any

from migrate_tui.progress.changes import Change, SetStatus, SetVerdict
from migrate_tui.progress.model import ItemState, utc_now
from migrate_tui.verify.model import VerifyReport

BY = "verify"
"""The name ``verify --update`` records its changes under (``changed_by``)."""


def _person_kept_it_open(state: ItemState) -> bool:
    """A person set it back from done after verify saw it verified."""
    return (state.verdict == "verified" and state.changed_by not in (None, BY)
            and state.changed_at is not None and state.verified_at is not None
            and state.changed_at >= state.verified_at)


def verdict_changes(report: VerifyReport, states: dict[str, ItemState]) -> tuple[
        list[Change], list[str]]:
    """The changes ``verify --update`` saves, and the lines it says about them.

    Args:
        report: The verdicts.
        states: The saved state of each item (an untouched item may be missing).
    """
    now = utc_now()
    changes: list[Change] = []
    said: list[str] = []
    for item in report.items:
        state = states.get(item.id, ItemState())
        if item.verdict == "unknown":
            if state.verdict is not None:
                changes.append(SetVerdict(item.id, None, at=now))
            continue
        if (state.verdict, state.evidence) != (item.verdict, item.evidence):
            changes.append(SetVerdict(item.id, item.verdict, item.evidence, at=now))
        if item.verdict == "verified" and state.status in ("todo", "doing") \
                and not _person_kept_it_open(state):
            changes.append(SetStatus(item.id, "done", BY, at=now))
            said.append(f"ticked {item.id}: {item.evidence}")
        elif item.verdict == "contradicted" and state.status == "done":
            said.append(f"{item.id} is ticked done (by {state.changed_by or 'someone'}) but the "
                        f"manifests contradict it: {item.evidence}; left ticked: untick it with "
                        f"`migrate-tui set {item.id} --status doing`")
    return changes, said


def record_verdicts(workspace: Any, report: VerifyReport) -> list[str]:
    """Save the verdicts (:func:`verdict_changes`) through ``workspace``; what was done.

    Raises:
        ProgressError: The progress file is broken (nothing is saved) or cannot be saved.
    """
    changes, said = verdict_changes(report, dict(workspace.state.items))
    if changes:
        workspace.apply(changes)
    recorded = sum(1 for c in changes if isinstance(c, SetVerdict))
    return [*said, f"recorded {recorded} verdict change(s) in {workspace.store.path.name}"]
