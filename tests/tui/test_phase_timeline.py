"""The Overview's phases: one widget, with the columns the rows of three widgets had."""

from __future__ import annotations

import pytest

from migrate_tui.tui.widgets.phase_timeline import PHASES, PhaseTimeline
from tests.tui.helpers import SAMPLES, app_for, loaded


def _lines(timeline: PhaseTimeline) -> list[str]:
    return str(timeline.render()).splitlines()


@pytest.mark.parametrize(("size", "name", "counts"), [((120, 40), 30, True),
                                                      ((80, 24), 24, False)],
                         ids=["wide", "narrow"])
async def test_a_line_a_phase_in_the_columns_of_the_width(
        size: tuple[int, int], name: int, counts: bool) -> None:
    app = app_for(SAMPLES / "api-postgres-redis")
    async with app.run_test(size=size) as pilot:
        timeline = app.query_one(PhaseTimeline)
        before = _lines(timeline)
        assert before[0] == "Phases" and len(before) == 1 + PHASES  # room kept for them
        await loaded(app, pilot)
        assert app.workspace is not None
        phases = app.workspace.plan.phases
        lines = _lines(timeline)
        assert lines[0] == "Phases" and len(lines) == 1 + len(phases)
        first = phases[0]
        assert lines[1].startswith(first.name + " weeks ")
        assert lines[1][name - 1] == " " and lines[1][name] in "·█▒"  # the bar's column
        assert ("done," in lines[1]) is counts  # below 100 columns: name and bar only
        assert all(len(line) <= timeline.size.width for line in lines)
