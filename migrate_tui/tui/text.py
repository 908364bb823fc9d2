r"""Text from a compose file or ``migration.toml``, made safe to show in the TUI.

The TUI's one door for such text: :func:`plain` for a Rich ``Text`` (no markup parsed),
:func:`markup` for a string that goes into Textual markup (a ``Label``, ``notify``), and
:func:`clean` for a plain string (a title, an ``Input``'s value). Each masks secrets
(:func:`migrate_tui.masking.mask_secrets`) and writes control characters and bidirectional
overrides out as ``\x1b`` (:func:`migrate_tui.text.visible`), the rules every output follows.
"""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text

from migrate_tui.text import visible


def clean(value: object) -> str:
    r"""``value`` as a string: secrets masked, control characters written out (``\x1b``)."""
    # (imported here: the masking rules load pydantic, which the first paint does not need)
    from migrate_tui.masking import mask_secrets

    return visible(mask_secrets(str(value)))


def plain(value: object, style: str = "") -> Text:
    """``value`` as literal text: no markup, no secrets, no terminal control sequences."""
    return Text(clean(value), style=style)


def markup(value: object) -> str:
    """``value`` made safe to put inside Textual markup: :func:`clean`, then ``[`` escaped."""
    return escape(clean(value))


STATUS_MARK = {"todo": "[ ]", "doing": "[~]", "done": "[x]", "skipped": "[-]", "blocked": "[!]"}
STATUS_STYLE = {"todo": "", "doing": "yellow", "done": "green", "skipped": "dim",
                "blocked": "bold red"}
SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}
CLASS_STYLE = {"stateful": "magenta", "stateless": "green"}
