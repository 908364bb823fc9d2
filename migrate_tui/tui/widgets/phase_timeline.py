"""The Overview's phases: one line each, with its weeks, its bar on the plan's timeline and
what is left of it.

One widget draws the title and every line (it was a row of three widgets a phase, 17 in
all, each styled and laid out before the first screen could be painted). Its columns are
those of the rows it replaced: at 100 columns and more (``App.HORIZONTAL_BREAKPOINTS``) the
name, the bar and the counts; below, the name and the bar, which takes what is left.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

NAME = 30
"""Cells of a phase's name and weeks (24 in a narrow terminal)."""
NAME_NARROW = 24
TRACK = 45
"""Cells of the bar on the timeline and its percentage (what is left, when narrow)."""
GAP = 2
"""Cells between the bar and the counts."""
PHASES = 4
"""Lines kept for the phases before the plan is there, so that nothing moves when it is."""


class PhaseLine(NamedTuple):
    """What one phase's line says."""

    name: str
    weeks: str
    track: Text
    """The bar on the plan's timeline, with the share done."""
    counts: str
    """Items done, days left (left out in a narrow terminal)."""


class PhaseTimeline(Widget):
    """The phases of the plan, one line each, under a title."""

    lines: tuple[PhaseLine, ...] = ()
    """The phases drawn (none before the plan is there)."""

    def show(self, lines: Sequence[PhaseLine]) -> None:
        """Draw these phases (attributes down: the Overview calls this)."""
        self.lines = tuple(lines)
        self.refresh(layout=True)

    def render(self) -> RenderResult:
        """The title, then a line a phase, cut to the columns this width has."""
        narrow = self.screen.has_class("-narrow")
        name_width = NAME_NARROW if narrow else NAME
        text = Text(no_wrap=True, overflow="crop")
        text.append("Phases", style="bold")
        if not self.lines:  # (a blank, not an empty line: a last empty line is not drawn)
            text.append("\n " * PHASES)
        for line in self.lines:
            name = Text.assemble((line.name, "bold"), " ", line.weeks)
            name.truncate(name_width, pad=True)
            track = line.track.copy()
            if narrow:
                track.truncate(max(0, self.size.width - name_width))
            else:
                track.truncate(TRACK, pad=True)
            text.append("\n")
            text.append_text(name)
            text.append_text(track)
            if not narrow:
                text.append(" " * GAP + line.counts)
        return text
