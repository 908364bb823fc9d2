"""Mermaid text: ids, labels and gantt lines that any name is safe in, and Mermaid's limits.

Mermaid reads a diagram's text with a grammar (``flow.jison``, ``gantt.jison``) in which
many words and characters are syntax; a name from a compose file must never be. Shared by
the dependency graph (:mod:`migrate_tui.export.graph_diagram`) and the timeline
(:mod:`migrate_tui.export.timeline`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from migrate_tui.export.markdown_text import redact
from migrate_tui.text import without_control as _without_control


@lru_cache(maxsize=65536)
def node_id(name: str) -> str:
    """A flowchart node id for a service: ``s_`` and its name, escaped.

    Each character other than an ASCII letter or digit is written as ``_hex_``
    (``my-app`` is ``s_my_2d_app``, ``my_app`` ``s_my_5f_app``).

    Two names never share an id (an underscore only ever opens or closes a code), the same
    name always gets the same one, and no id is a word of Mermaid's grammar (``end``,
    ``subgraph``, ``class``...).

    Args:
        name: A service name.

    Returns:
        The node id.
    """
    return "s_" + "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in name)


def entity(char: str) -> str:
    """A character as Mermaid's entity code (``#58;``).

    Mermaid turns it back into the character once the diagram is parsed.

    Args:
        char: One character.

    Returns:
        Its entity code.
    """
    return f"#{ord(char)};"


def node_label(text: str) -> str:
    """A label inside ``["..."]``: quotes, brackets and hashes as entity codes.

    Args:
        text: A line of the label.

    Returns:
        The line, safe between the quotes.
    """
    clean = _without_control(str(text))
    return (clean.replace("#", "#35;").replace("&", "#amp;").replace('"', "#quot;")
            .replace("<", "#lt;").replace(">", "#gt;"))


_GANTT_SPECIAL = str.maketrans({c: entity(c) for c in "#%:;"})
"""What ends or breaks a gantt line, as entity codes: a colon starts a task's data, ``#``
and ``;`` end it, ``%%`` starts a comment or a directive."""

GANTT_KEYWORD = re.compile(
    r"(?i)(?:accTitle|accDescr|call|click|gantt|dateFormat|inclusiveEndDates|topAxis|"
    r"axisFormat|tickInterval|includes|excludes|todayMarker|weekday|weekend|title|section|"
    r"href|\d{4}-\d\d-\d\d)")
"""How a line of Mermaid's gantt grammar may begin other than with a task's name.

Its lexer (``gantt.jison``) takes the first rule that matches, and each of these words,
and a date, has a rule before the one for a task's name: a task named ``gantt`` or ``call``
is a syntax error, one named ``title`` or ``section`` becomes the title or a section, one
named ``excludes`` or ``todayMarker`` a setting. A name that begins with one has its first
letter written as an entity code. Matched as a prefix, without regard to case: more than
the grammar takes, never less."""


def gantt_text(text: str) -> str:
    """Text for a gantt title, section or task name, exactly as it reads.

    Its secrets masked and control characters dropped; the characters that would end it
    (``:``, ``#``, ``;``) or start a comment (``%``) as entity codes, and a first word the
    grammar would take for a keyword (``GANTT_KEYWORD``) with its first letter as one.

    Args:
        text: Any text.

    Returns:
        The text, safe on a gantt line; ``-`` for a blank one.
    """
    clean = " ".join(_without_control(redact(str(text))).split()) or "-"
    clean = clean.translate(_GANTT_SPECIAL)
    return entity(clean[0]) + clean[1:] if GANTT_KEYWORD.match(clean) else clean


MERMAID_MAX_TEXT_SIZE = 50_000
"""The longest diagram Mermaid draws, in characters (UTF-16 code units, as JavaScript
counts them). Its ``maxTextSize`` setting, 50,000 by default (the config schema,
https://mermaid.js.org/config/schema-docs/config.html, and ``MAX_TEXTLENGTH`` in
``packages/mermaid/src/mermaidAPI.ts``): a longer text is replaced by a box that says
"Maximum text size in diagram exceeded". Like ``maxEdges``, it is set by the page that runs
Mermaid (``mermaid.initialize``); the Markdown we write cannot raise it."""

MERMAID_MAX_EDGES = 500
"""The most arrows Mermaid draws in a flowchart: its ``maxEdges`` setting, 500 by default
(the config schema, and ``addSingleLink`` in ``packages/mermaid/src/diagrams/flowchart/
flowDb.ts``, which throws "Edge limit exceeded" at the 501st). Its message says it is a
secure setting: only ``mermaid.initialize`` can raise it, not the diagram's own config."""


def mermaid_lines(lines: Iterable[str]) -> list[str] | None:
    """The lines of a Mermaid diagram, or None as soon as they pass ``MERMAID_MAX_TEXT_SIZE``.

    Mermaid would draw an error box in its place; stopping early also spares building the
    rest of a diagram nobody would see.

    Args:
        lines: The diagram's lines, made as they are read.

    Returns:
        The lines as a list, or None when the diagram is too big for Mermaid.
    """
    out: list[str] = []
    size = 0
    for line in lines:
        size += (len(line) if line.isascii() else len(line.encode("utf-16-le")) // 2) + 1
        if size > MERMAID_MAX_TEXT_SIZE:
            return None
        out.append(line)
    return out
