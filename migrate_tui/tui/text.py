"""Text from a compose file, made safe to show in a terminal."""

from __future__ import annotations

import re

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(value: str) -> Text:
    """``value`` as literal text: no markup, no terminal control sequences."""
    return Text(_CONTROL.sub("\N{REPLACEMENT CHARACTER}", value))
