"""The burn-up section of the Markdown plan: a Mermaid ``xychart-beta`` of the work planned
against the work done, week by week (:mod:`migrate_tui.progress.burnup` makes the figures).

The plan's work is a line, the work done bars. Mermaid's xychart needs a value for every
point of the x-axis on every series, and draws a bar of nothing as a small bar: so once
work is done, the chart runs to the last week a finish was recorded in (the weeks lived),
and says where the plan's line goes on to; before that it shows the plan's line over the
whole plan. Every word in the chart is ours (no name from the project), so nothing needs
escaping. Same figures, same text: nothing here reads the clock.
"""

from __future__ import annotations

import math

from migrate_tui.planning.plan import Plan
from migrate_tui.progress.burnup import burn_up
from migrate_tui.progress.model import ProgressState

PALETTE = "#2563eb, #16a34a"
"""The planned line blue, the done bars green (Mermaid's default draws the line faint)."""


def _number(value: float) -> str:
    """A value as Mermaid reads it: one decimal at most, no exponent."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


_ROUND_STEPS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


def _top(value: float) -> float:
    """The y-axis' top: ``value`` rounded up to a round number (1.2, 1.5, 2, 2.5... x a
    power of 10), so that the plan's line ends near the top."""
    if value <= 0:
        return 1
    power = 10.0 ** math.floor(math.log10(value))
    return next(step * power for step in _ROUND_STEPS if step * power >= value - 1e-9)


def burn_up_chart(plan: Plan, state: ProgressState) -> list[str]:
    """The ``## Burn-up`` section: the chart and what it shows, or how to get one.

    Args:
        plan: The plan; without a start date there is no chart, but how to get one.
        state: The saved progress: the days items finished.

    Returns:
        The section's lines, heading first.
    """
    burn = burn_up(plan, state, lived=True)
    whole = burn_up(plan, ProgressState())
    head = ["## Burn-up", ""]
    if burn is None:
        return [*head, "Set a start date (`--start YYYY-MM-DD`, or `start` under `[settings]` "
                "in the progress file) to chart the work planned against the work done, "
                "week by week.", ""]
    planned = burn.planned  # (over the weeks lived, or the whole plan)
    top = _top(max([*planned, *burn.done]))
    labels = ", ".join(burn.label(i) for i in range(len(burn.weeks)))
    grouped = (f", {burn.weeks_per_point} a point" if burn.weeks_per_point > 1 else "")
    chart = [
        "```mermaid",
        "---",
        "config:",
        "  xyChart:",
        "    showLegend: true",
        "  themeVariables:",
        "    xyChart:",
        f'      plotColorPalette: "{PALETTE}"',
        "---",
        "xychart-beta",
        f'  title "Work planned and done, from {burn.start.isoformat()}"',
        f'  x-axis "Week{grouped}" [{labels}]',
        f'  y-axis "Person-days" 0 --> {_number(top)}',
        f'  line "Planned" [{", ".join(_number(v) for v in planned)}]',
        *([f'  bar "Done" [{", ".join(_number(v) for v in burn.done)}]'] if burn.done else []),
        "```",
        "",
    ]
    end = whole.weeks[-1] if whole else burn.weeks[-1]
    if burn.done:
        said = (f"The bars are the work of the items done by the end of each week, up to week "
                f"{burn.weeks[-1]} (the last finish recorded when this was written); "
                f"the plan's line goes on to all {_number(burn.total)} person-days in week "
                f"{end}.")
    else:
        said = (f"The line is the plan: its {_number(burn.total)} person-days at the team's "
                f"capacity, to week {end}. No item is done yet: the bars of the work done "
                "come with the first.")
    return [*head, *chart,
            f"{said} Record finishes with `migrate-tui set ITEM --status done "
            "[--at YYYY-MM-DD]`.", ""]
