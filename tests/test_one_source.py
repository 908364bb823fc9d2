"""Each rule lives once: the severity order is spelt out in one module only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrate_tui.analysis.model import SEVERITIES, severity_rank

PACKAGE = Path(__file__).resolve().parents[1] / "migrate_tui"
HOME = PACKAGE / "analysis" / "model.py"

_ORDER_SPELT_OUT = re.compile(
    r"""["']high["']\s*(?::\s*\d+\s*)?,\s*["']medium["']\s*(?::\s*\d+\s*)?,\s*["']low["']""")
"""``["high", "medium", "low", ...]`` or ``{"high": 0, "medium": 1, "low": 2, ...}``: an order
of severities written again (a mapping to styles or colours is not an order)."""


def test_the_severity_order_is_written_once() -> None:
    copies = [str(path.relative_to(PACKAGE.parent)) for path in sorted(PACKAGE.rglob("*.py"))
              if path != HOME and _ORDER_SPELT_OUT.search(path.read_text(encoding="utf-8"))]
    assert _ORDER_SPELT_OUT.search(HOME.read_text(encoding="utf-8"))
    assert copies == [], f"severity order spelt out again in {copies}: use SEVERITIES"


@pytest.mark.parametrize("severity", SEVERITIES)
def test_severity_rank_follows_severities(severity: str) -> None:
    assert severity_rank(severity) == SEVERITIES.index(severity)


def test_an_unknown_severity_ranks_last() -> None:
    assert severity_rank("urgent") > max(severity_rank(s) for s in SEVERITIES)
