"""Key paths: where a value sits in a compose document, as messages name it.

Every phase records and reports positions by key path (``services.web.ports[1]``), so the
type lives below all of them.
"""

from __future__ import annotations

KeyPath = tuple[str | int, ...]
"""A path into a document: mapping keys and sequence indexes."""


def format_path(kp: KeyPath) -> str:
    """A key path as users read it: ``services.web.ports[1]``."""
    out = ""
    for part in kp:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out

