"""Text from a compose file, made safe to show, and week numbers as people say them.

Values in a compose file can hold terminal control sequences (an OSC title change, a
screen clear). Everything we print or draw passes them through one of these.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters except tab and newline."""


def visible(text: str) -> str:
    """``text`` with each control character written out as ``\\x1b``."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def without_control(text: str) -> str:
    """``text`` with its control characters removed."""
    return text if text.isprintable() else CONTROL.sub("", text)


def plural(count: float, word: str, many: str | None = None) -> str:
    """``1 service``, ``3 services``, ``1,234 jobs``, ``2.5 days``: a count and its noun.

    The one place outputs (the TUI, the CLI's text, the Markdown) agree a noun with its
    count. ``many`` is the plural of a word that does not just take an ``s``
    (``plural(n, "dependency", "dependencies")``).
    """
    shown = f"{count:,}" if isinstance(count, int) else f"{count:,g}"
    return f"{shown} {word if count == 1 else many or word + 's'}"


def first_week(start: float) -> int:
    """The week a phase starts in (1-based): starting at 2.05 weeks is week 3."""
    return int(start + 0.1) + 1


def last_week(end: float) -> int:
    """The week a phase ends in: 8.03 is week 8 (a day's rounding is not a new week)."""
    return max(1, -int(-(end - 0.1) // 1))


def week_range(start: float, end: float, dash: str = "-") -> str:
    """``weeks 3-8``, or ``week 3`` when it starts and ends in the same week."""
    first = first_week(start)
    last = max(first, last_week(end))
    return f"week {first}" if first == last else f"weeks {first}{dash}{last}"
