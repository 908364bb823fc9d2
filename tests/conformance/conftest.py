"""The conformance suite's summary: how many comparisons ran, how many were skipped and why.

Printed at the end of every run that collected the conformance tests, so that a skipped
comparison is seen, not lost in the dots.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest

_STARTED: list[float] = []


def pytest_collection_finish(session: pytest.Session) -> None:
    _STARTED.append(time.perf_counter())


def _conformance(report: Any) -> bool:
    return "tests/conformance/" in str(getattr(report, "nodeid", ""))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    stats = terminalreporter.stats
    outcomes = {k: [r for r in stats.get(k, []) if _conformance(r)
                    and getattr(r, "when", "call") in ("call", "setup")]
                for k in ("passed", "failed", "skipped", "xfailed", "error")}
    if not any(outcomes.values()):
        return
    reasons: Counter[str] = Counter()
    for report in outcomes["skipped"]:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    counts = ", ".join(f"{len(v)} {k}" for k, v in outcomes.items() if v)
    elapsed = f" in {time.perf_counter() - _STARTED[0]:.0f} s" if _STARTED else ""
    terminalreporter.write_sep("-", f"conformance: {counts}{elapsed}")
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(f"  skipped {count}: {reason}")
