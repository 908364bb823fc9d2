r"""Text from a compose file, made safe to show, and week numbers as people say them.

Values in a compose file or a committed ``migration.toml`` can hold terminal control
sequences (an OSC title change, a screen clear, a colour) and bidirectional overrides that
make a terminal show text in another order than it is. :data:`UNSAFE` is the one rule for
which characters those are, and :func:`visible` the one way they are shown: written out as
``\x1b`` or ``\u202e``, so a reader sees that they are there and nothing reaches the
terminal raw. Every output edge (the CLI's print path, :class:`~migrate_tui.errors.MigrateError`
rendering, the TUI's text helper, the Markdown export) goes through it.
"""

from __future__ import annotations

import re

UNSAFE_CODES = frozenset([
    *range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0),  # C0 but tab, newline; C1
    0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A),  # bidi
    0x2028, 0x2029,  # line and paragraph separators: a new line to some terminals
])
"""The characters never written raw to a terminal or a document: C0 controls but tab and
newline, DEL, C1 controls (an 8-bit CSI or OSC), bidirectional marks and overrides."""
UNSAFE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(UNSAFE_CODES)) + "]")
""":data:`UNSAFE_CODES` as a pattern."""
CONTROL = UNSAFE
"""The old name of :data:`UNSAFE`."""


def _written_out(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_VISIBLE = {code: _written_out(code) for code in UNSAFE_CODES}
_VISIBLE_LINE = {**_VISIBLE, 0x09: "\\x09", 0x0A: "\\x0a"}
_VISIBLE_JSON = {code: f"\\u{code:04x}" for code in UNSAFE_CODES}


def visible(text: str, *, one_line: bool = False) -> str:
    r"""``text`` with each unsafe character (:data:`UNSAFE`) written out: ``\x1b``, ``\u202e``.

    The one rule for text from a file on its way to a person. Idempotent: what it writes
    is printable, so a text escaped twice reads as it did once.

    Args:
        text: The text.
        one_line: Also write out tab and newline (a name, a key path, an item id: a newline
            there could forge a line of the output).

    Returns:
        The text, safe to print.
    """
    if text.isprintable():
        return text  # (nearly every text; isprintable() is false for every unsafe one)
    if not one_line and UNSAFE.search(text) is None:
        # A document: its newlines make isprintable() false, but the search finds nothing
        # to write out (a 2,000-service plan's 300 KB: searched in 3 ms, translated in 35).
        return text
    return text.translate(_VISIBLE_LINE if one_line else _VISIBLE)


def visible_json(text: str) -> str:
    r"""JSON text (``json.dumps(..., ensure_ascii=False)``) with :data:`UNSAFE` characters as
    ``\u`` escapes.

    ``json.dumps`` already escapes C0 controls, but writes C1 controls (U+009B is a CSI to
    a terminal that reads 8-bit controls) and bidirectional overrides raw. Those can only
    stand inside a JSON string, where ``\u009b`` means the same character: the JSON is
    unchanged for a program and harmless for a terminal.
    """
    if text.isprintable() or UNSAFE.search(text) is None:
        return text
    return text.translate(_VISIBLE_JSON)


def without_control(text: str) -> str:
    """``text`` with its unsafe characters (:data:`UNSAFE`) removed, for a place where an
    escape would be noise (a Mermaid label); prefer :func:`visible`."""
    return text if text.isprintable() else UNSAFE.sub("", text)


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
