"""The conformance suite's summary: how many comparisons ran, how many were skipped and why.

Printed at the end of every run that collected the conformance tests, so that a skipped
comparison is seen, not lost in the dots.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

_SECONDS: list[float] = []
"""Time spent in the conformance tests, every phase (the oracle's prefetch is a setup)."""


def _conformance(report: Any) -> bool:
    return "tests/conformance/" in str(getattr(report, "nodeid", ""))


def pytest_runtest_logreport(report: Any) -> None:
    if _conformance(report):
        _SECONDS.append(report.duration)


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
    elapsed = f" in {sum(_SECONDS):.0f} s"
    terminalreporter.write_sep("-", f"conformance: {counts}{elapsed}")
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(f"  skipped {count}: {reason}")
