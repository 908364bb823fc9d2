"""The Overview's burn-up: the work planned (a dotted line) against the work done (bars),
week by week, in a few rows of text that fit an 80-column terminal.

The figures come from :func:`~migrate_tui.progress.burnup.burn_up`, the same as the
Markdown export's chart; here the done bars run to today and the plan's line to its end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from migrate_tui.progress.burnup import BurnUp
    from migrate_tui.progress.forecast import Forecast


HEIGHT = 6
"""Rows of the chart, above its axis."""
_EIGHTHS = " ▁▂▃▄▅▆▇█"


def _amount(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def burn_up_text(burn: BurnUp | None, height: int = HEIGHT) -> Text:
    """The chart as text: a column a point (a week, or a group of weeks), ``height`` rows.

    Each column is a green bar as high as the work done by then (in eighths of a row) and
    a blue ``•`` where the plan's line crosses the row, unless the bar is there already
    (the work done has come near the plan's). The axis is in person-days; under
    it, the first and last weeks.

    Args:
        burn: The figures; None: how to get them (a start date).
        height: Rows of the chart.
    """
    if burn is None:
        return Text.assemble(("Burn-up", "bold"), (": set a start date (First day, under "
                             "Your team above, or migrate-tui settings --start YYYY-MM-DD) to "
                             "chart the work planned against the work done", "dim"))
    top = max([burn.total, *burn.done, 1e-9])
    label_width = len(_amount(top))
    points = len(burn.weeks)
    text = Text()
    text.append("Burn-up", style="bold")
    text.append("  ")
    text.append("█ done", style="green")
    text.append("  ")
    text.append("• planned", style="blue")
    done_now = burn.done[-1] if burn.done else 0.0
    planned_now = burn.planned[len(burn.done) - 1] if burn.done else 0.0
    text.append(f"  person-days: {_amount(done_now)} done of {_amount(burn.total)}", style="dim")
    if burn.done:
        text.append(f", {_amount(planned_now)} planned by now", style="dim")
    text.append("\n")
    for row in range(height, 0, -1):
        low, high = top * (row - 1) / height, top * row / height
        label = _amount(top) if row == height else ("0" if row == 1 else "")
        text.append(f"{label:>{label_width}} ┤", style="dim")
        for i in range(points):
            done = burn.done[i] if i < len(burn.done) else None
            planned = burn.planned[i]
            cell, style = " ", ""
            if done is not None and done > low:
                fill = min(8, round((done - low) / (high - low) * 8))
                cell, style = _EIGHTHS[fill], "green"
            if cell == " " and planned > low and (planned <= high or row == height):
                cell, style = "•", "blue"  # (a bar in the cell wins: done is near the plan)
            text.append(cell, style=style)
            text.append(" ")
        text.append("\n")
    text.append(" " * label_width + " └" + "─" * (2 * points) + "\n", style="dim")
    first, last = burn.label(0), burn.label(points - 1)
    span = 2 * points - len(first) - len(last)
    text.append(" " * (label_width + 2) + first + " " * max(1, span) + last, style="dim")
    step = f", {burn.weeks_per_point} weeks a column" if burn.weeks_per_point > 1 else ""
    text.append(f"\n{' ' * (label_width + 2)}weeks from {burn.start.isoformat()}{step}",
                style="dim")
    return text


class BurnUpChart(Static):
    """The burn-up, shown with :meth:`show` (the Overview calls it)."""

    DEFAULT_CSS = """
    BurnUpChart { height: auto; margin-top: 1; }
    """

    def show(self, burn: BurnUp | None, forecast: Forecast | None = None) -> None:
        """Draw ``burn``, and the forecast's end under it (the Overview calls this)."""
        text = burn_up_text(burn)
        if forecast is not None:
            text.append("\n")
            text.append_text(forecast_line(forecast))
        self.update(text)


def forecast_line(fc: Forecast) -> Text:
    """One line: the forecast end against the plan's, and the team's pace."""
    from migrate_tui.progress.forecast import pace_words

    text = Text("Forecast ", style="bold")
    if fc.pace is None:
        text.append(f"ends {fc.end_date.isoformat()}, as planned (no item done yet)")
        return text
    shift = (fc.end_date - fc.planned_end_date).days
    text.append(f"ends {fc.end_date.isoformat()} ", style="bold")
    text.append(f"(plan {fc.planned_end_date.isoformat()}, "
                f"{'+' if shift >= 0 else ''}{shift} days); ")
    text.append(f"pace {fc.pace:.0%} of the plan's: {pace_words(fc.pace)}",
                style="yellow" if fc.pace < 0.95 else "green")
    return text
