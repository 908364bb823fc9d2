"""Team progress: the migration's state in one TOML file next to the compose file.

``migration.toml`` holds the settings (team, focus, start, the decision's answers, service
overrides) and the progress of each checklist item. It is meant to be committed: the
layout keeps git merges small (:mod:`.document`), saves are atomic and merge concurrent
sessions (:mod:`.store`), and a git merge driver merges branches item by item
(:mod:`.merge`).

Modules, in the order data flows:

- :mod:`.model`: the frozen pydantic models, one to one with the file;
- :mod:`.document`: the file's text, written with tomli-w, read with tomllib, errors with
  their line (:mod:`.locate`, :mod:`.problems`);
- :mod:`.changes`: the typed changes a session makes, and how they apply;
- :mod:`.merge`: the three-way merge and the git merge driver;
- :mod:`.store`: :class:`ProgressStore`, the locked, atomic save;
- :mod:`.status`: the figures for ``migrate-tui status``, orphaned items;
- :mod:`.forecast`: the team's pace and when the phases end at it;
- :mod:`.burnup`: the work planned against the work done, week by week;
- :mod:`.commands`: the subcommands, for ``cli.py``.
"""

from migrate_tui.progress.changes import (
    SETTING_KEYS,
    Change,
    SetAssignee,
    SetNote,
    SetOverride,
    SetSetting,
    SetStatus,
    apply_changes,
)
from migrate_tui.progress.document import DEFAULT_NAME, dumps_state, parse_state, read_state
from migrate_tui.progress.git import git_user_name
from migrate_tui.progress.merge import merge_driver, merge_states
from migrate_tui.progress.model import (
    STATUSES,
    Answers,
    ItemState,
    Override,
    ProgressState,
    Settings,
    SettingTimes,
    Status,
    utc_now,
)
from migrate_tui.progress.status import (
    PlanRow,
    StatusSummary,
    reconcile,
    render_status_text,
    summarize,
)
from migrate_tui.progress.store import ProgressStore, default_path

__all__ = [
    "DEFAULT_NAME",
    "SETTING_KEYS",
    "STATUSES",
    "Answers",
    "Change",
    "ItemState",
    "Override",
    "PlanRow",
    "ProgressState",
    "ProgressStore",
    "SetAssignee",
    "SetNote",
    "SetOverride",
    "SetSetting",
    "SetStatus",
    "Settings",
    "SettingTimes",
    "Status",
    "StatusSummary",
    "apply_changes",
    "default_path",
    "dumps_state",
    "git_user_name",
    "merge_driver",
    "merge_states",
    "parse_state",
    "read_state",
    "reconcile",
    "render_status_text",
    "summarize",
    "utc_now",
]
