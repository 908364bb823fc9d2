"""Text from a compose file, made safe to show in a terminal."""

from __future__ import annotations

from rich.text import Text

from migrate_tui.text import CONTROL


def clean(value: object) -> str:
    """``value`` as a string with terminal control characters replaced."""
    return CONTROL.sub("\N{REPLACEMENT CHARACTER}", str(value))


def plain(value: object, style: str = "") -> Text:
    """``value`` as literal text: no markup, no terminal control sequences."""
    return Text(clean(value), style=style)


STATUS_MARK = {"todo": "[ ]", "doing": "[~]", "done": "[x]", "skipped": "[-]", "blocked": "[!]"}
STATUS_STYLE = {"todo": "", "doing": "yellow", "done": "green", "skipped": "dim",
                "blocked": "bold red"}
SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}
CLASS_STYLE = {"stateful": "magenta", "stateless": "green"}
