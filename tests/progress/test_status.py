"""``migrate-tui status``: the figures, orphaned items, the text report."""

from __future__ import annotations

import json

from migrate_tui.progress import (
    ProgressState,
    SetAssignee,
    SetNote,
    SetStatus,
    apply_changes,
    reconcile,
    render_status_text,
    summarize,
)
from tests.progress.helpers import at

PLAN = [
    ("project.cluster-choice", "prepare", None, "Choose the cluster"),
    ("api.probes", "pain", "api", "Add probes"),
    ("api.fix-no-healthcheck", "pain", "api", "Add a health check"),
    ("db.data-backup", "pain", "db", "Back up the data"),
    ("db.data-restore-test", "acceptance", "db", "Test a restore"),
]

STATE = apply_changes(ProgressState(), [
    SetStatus("project.cluster-choice", "done", "ana", at(1)),
    SetStatus("api.probes", "skipped", "bo", at(2)),
    SetStatus("db.data-backup", "doing", "bo", at(3)),
    SetAssignee("api.probes", "bo", "bo", at(2)),
    SetAssignee("db.data-backup", "bo", "bo", at(3)),
    SetAssignee("project.cluster-choice", "ana", "ana", at(1)),
    SetStatus("oldsvc.probes", "done", "ana", at(4)),  # its service was removed
    SetStatus("db.data-restore-test", "blocked", "ana", at(5)),  # nobody owns it
    SetNote("db.data-restore-test", "waiting for a staging bucket", "ana", at(5)),
])


def test_summary_counts_done_and_skipped_per_group() -> None:
    summary = summarize(STATE, PLAN)
    assert summary == {
        "done": 2,
        "total": 5,
        "phases": {
            "prepare": {"done": 1, "total": 1},
            "pain": {"done": 1, "total": 3},
            "acceptance": {"done": 0, "total": 1},
        },
        "services": {"api": {"done": 1, "total": 2}, "db": {"done": 0, "total": 2}},
        "people": {"ana": {"done": 1, "total": 1}, "bo": {"done": 1, "total": 2}},
        "orphaned": ["oldsvc.probes"],
        "open": [
            {"id": "db.data-restore-test", "status": "blocked", "assignee": None,
             "note": "waiting for a staging bucket", "text": "Test a restore"},
            {"id": "db.data-backup", "status": "doing", "assignee": "bo", "note": None,
             "text": "Back up the data"},
        ],
        "verified": 0,
        "contradicted": [],
    }
    assert list(summary["phases"]) == ["prepare", "pain", "acceptance"]  # plan order
    json.dumps(summary)


def test_orphans_are_reported_and_kept() -> None:
    assert reconcile(STATE, [row[0] for row in PLAN]) == ["oldsvc.probes"]
    assert "oldsvc.probes" in STATE.items
    assert reconcile(ProgressState(), []) == []


def test_text_report_is_aligned_with_character_bars() -> None:
    text = render_status_text(summarize(STATE, PLAN))
    assert text.splitlines()[0] == "Progress  2/5  [########............] 40%"
    assert "  prepare     1/1  [####################] 100%" in text
    assert "  pain        1/3  [#######.............]  33%" in text
    assert "  acceptance  0/1  [....................]   0%" in text
    assert "  bo   1/2  [##########..........]  50%" in text
    assert "Orphaned (1)" in text and "  oldsvc.probes" in text
    phase_lines = [line for line in text.splitlines() if "[" in line and line.startswith("  ")]
    assert len({line.index("[") for line in phase_lines[:3]}) == 1  # columns line up


def test_an_empty_plan() -> None:
    summary = summarize(ProgressState(), [])
    assert summary["done"] == summary["total"] == 0
    assert render_status_text(summary).startswith("Progress  0/0")


def test_blocked_and_doing_items_are_listed_whoever_owns_them() -> None:
    text = render_status_text(summarize(STATE, PLAN))
    assert "Blocked (1)" in text
    assert "  db.data-restore-test  nobody  Test a restore: waiting for a staging bucket" in text
    assert "Doing (1)" in text
    assert "  db.data-backup  bo  Back up the data" in text
    assert "Blocked" not in render_status_text(summarize(ProgressState(), PLAN))
