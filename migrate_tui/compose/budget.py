"""What one load may grow to across its files: the guard against inputs that fan out.

Each file is bounded on its own: the parse phase refuses more than ``MAX_NODES`` values or
``MAX_TEXT`` characters, interpolation and env files add at most ``MAX_TEXT`` more. What
is left is growth by repetition across phases, each step small:

- port ranges: ``1-65535:1-65535`` is one line and 65,535 mappings, as Compose prints it;
- ``extends``: each service that extends another gets a copy of it;
- ``include``: each file including two that include the next is 2**30 loads at 30 levels;
- ``env_file``: one file named by 2,000 services is read, and copied, 2,000 times.

One :class:`LoadBudget` is shared by the phases of one load; each phase counts what it
makes and, past the limit here, raises its own error with its file, line and key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from migrate_tui.compose.parse import MAX_TEXT

MAX_PORTS = 131_072
"""Most port mappings one project may expand to: every TCP and UDP port of a host, once."""
MAX_EXTENDED = 1_000_000
"""Most values ``extends`` may copy into the services of one project (a base of 100,000
values extended by 2,000 services would be 200 million)."""
MAX_INCLUDED = 1_000
"""Most included projects one load may read (each distinct one is read once)."""


@dataclass
class LoadBudget:
    """What the phases of one load have made so far, against the limits above."""

    ports: int = 0
    """Port mappings made from short and long syntax."""
    extended: int = 0
    """Values ``extends`` copied."""
    env_text: int = 0
    """Characters of the variables read from env files, each read counted."""
    included: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)
    """Each included project loaded, by (files, project folder, variables): one that two
    files include is read once (a diamond in the include graph, as Compose accepts)."""

    def add_ports(self, count: int) -> bool:
        """Count ``count`` more port mappings; False if that passes ``MAX_PORTS``."""
        self.ports += count
        return self.ports <= MAX_PORTS

    def add_env_text(self, count: int) -> bool:
        """Count ``count`` more characters read from env files; False past ``MAX_TEXT``."""
        self.env_text += count
        return self.env_text <= MAX_TEXT

    def add_extended(self, count: int) -> bool:
        """Count ``count`` more values copied by ``extends``; False past ``MAX_EXTENDED``."""
        self.extended += count
        return self.extended <= MAX_EXTENDED


def count_values(value: Any) -> int:
    """The values in ``value``: itself, and each mapping entry and list item below it."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        total += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return total
