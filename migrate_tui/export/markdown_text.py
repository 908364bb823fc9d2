"""Text from the project, made safe for GitHub Markdown, and the small words around it.

Every text taken from the project has its secrets masked (:func:`mask_secrets`, the rule
every output follows) and its control characters written out (:func:`visible`), then goes
through Markdown escaping (:func:`md`) or into a code span (:func:`code`). Shared by the
whole plan (:mod:`migrate_tui.export.markdown`) and its condensed form for big projects
(:mod:`migrate_tui.export.condensed`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from migrate_tui.masking import mask_secrets
from migrate_tui.planning.plan import PlanItem
from migrate_tui.text import plural as plural  # (the exports take it from here)
from migrate_tui.text import visible

GITHUB_MAX_MARKDOWN_SIZE = 400_000
"""The most bytes of Markdown (UTF-8) we write for GitHub to render.

GitHub renders a Markdown file only up to about 512 KB: a README is cut at exactly 512,000
bytes (https://github.com/isaacs/github/issues/1610), and a bigger file is shown as raw
text (https://github.com/realm/SwiftLint/issues/2930). Its Markdown API, which renders
comments and pasted text, refuses more: "This API renders Markdown text up to 400 KB in
size" (https://docs.github.com/en/rest/markdown). 400,000 is under both, whether a KB is
1,000 bytes or 1,024, so the plan renders as a file, in a wiki or pasted into an issue.
"""

_MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>|~"})
"""Markdown's special characters, each to be preceded by a backslash."""

redact = mask_secrets
"""``text`` with its secrets masked: the one rule of :mod:`migrate_tui.masking`."""


_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s`|<>]*[^\s`|<>.,;:)]", re.IGNORECASE)


_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]<>|~]")
"""Whether a text has any of Markdown's special characters (see ``_MD_ESCAPES``)."""


@lru_cache(maxsize=65536)
def md(text: str) -> str:
    """Text from a compose file, safe inside Markdown prose or a table cell.

    URLs become code spans, so a placeholder such as ``https://YOUR-HOST/`` is never a link.
    Kept: a plan repeats the same item texts for every service.

    Args:
        text: Any text, its secrets not yet masked.

    Returns:
        The text masked, control characters written out, Markdown's specials escaped.
    """
    clean = _shown(text)
    if "://" not in clean:
        return _escaped(clean)
    out: list[str] = []
    last = 0
    for match in _URL.finditer(clean):
        out.append(_escaped(clean[last:match.start()]))
        out.append(f"`{match.group(0)}`")
        last = match.end()
    out.append(_escaped(clean[last:]))
    return "".join(out)


@lru_cache(maxsize=65536)
def md_with_code(text: str) -> str:
    """:func:`md`, but a pair of backticks in the playbooks' own words stays a code span
    (``mc mirror``, not a literal backquote); what is inside is shown as it is, masked.

    For prose and list items only: in a table cell a ``|`` inside a span would still end
    the cell.
    """
    parts = text.split("`")
    if len(parts) < 3 or len(parts) % 2 == 0 or not all(parts[1::2]):
        return md(text)  # no pair, one left open, or an empty span: all escaped
    return "".join(md(part) if i % 2 == 0 else
                   f"`{_shown(part)}`"
                   for i, part in enumerate(parts))


def _shown(text: str) -> str:
    """Text as a document may show it: secrets masked, control characters written out,
    on one line."""
    return visible(mask_secrets(text).replace("\n", " "))


def _escaped(text: str) -> str:
    """``text`` with Markdown's special characters escaped.

    Most texts have none, and a search finds that out several times faster than
    ``translate`` copies them.
    """
    return text.translate(_MD_ESCAPES) if _MD_SPECIAL.search(text) else text


def code(text: object) -> str:
    """``text`` as a code span, its secrets masked, without control characters or backticks.

    Args:
        text: Any value; its ``str()`` is shown.

    Returns:
        The code span, backticks included.
    """
    clean = visible(mask_secrets(str(text)).replace("\n", " ")).replace("`", "'")
    return f"`{clean}`"


def ids_as_they_are(texts: list[str]) -> bool:
    """Whether :func:`code` leaves each of ``texts`` as it is, checked on them all at once.

    It does when they have no ``=`` or ``:`` (which every secret :func:`mask_secrets` masks
    comes after), no backtick and no control character. A task's item ids are its service's
    name and ours, so that is nearly always the case, and one check of the task spares
    three calls an item.

    Args:
        texts: The texts to check.

    Returns:
        True when each can be written between backticks as it is.
    """
    joined = " ".join(texts)
    return joined.isprintable() and not ("=" in joined or ":" in joined or "`" in joined)



def weeks(value: float) -> str:
    """Weeks to one decimal, without a trailing .0.

    Args:
        value: A number of weeks.

    Returns:
        ``3``, ``2.5``.
    """
    return f"{value:.1f}".removesuffix(".0")


def days(value: float) -> str:
    """``1 day``, ``2.5 days``.

    Args:
        value: A number of days.

    Returns:
        The number as Python's ``g`` format writes it, with its unit.
    """
    return f"{value:g} day" + ("" if value == 1 else "s")



@lru_cache(maxsize=1024)
def relative(path: str, root: str | None) -> str:
    """``path`` relative to the project directory when inside it, else its name.

    Kept: the findings of a big project name the same few files thousands of times.

    Args:
        path: A file's path.
        root: The project directory, if known.

    Returns:
        The path to show.
    """
    if not path.startswith("/"):
        return path  # already relative to the project
    if root and (path == root or path.startswith(root.rstrip("/") + "/")):
        return path[len(root.rstrip("/")) + 1:]
    return path.rsplit("/", 1)[-1]



DONE = ("done", "skipped")
"""The statuses that tick an item's box."""


def checklist_line(item: PlanItem, item_code: str) -> str:
    """An item of a checklist with its status and owner, unless it is simply to do or done.

    Args:
        item: The item.
        item_code: Its id as a code span (see :func:`code`).

    Returns:
        The ``- [ ]`` line.
    """
    status, owner = item.status, item.assignee
    notes = [f"**{status}**"] if status not in ("todo", "done") else []
    if owner:
        notes.append(f"owner: {md(owner)}")
    if item.verdict == "contradicted":
        notes.append("**contradicted by the manifests**" if status in DONE
                     else "contradicted by the manifests")
    elif item.verdict == "verified":
        notes.append("verified in the manifests")
    suffix = f" ({', '.join(notes)})" if notes else ""
    box = "[x]" if status in DONE else "[ ]"
    return f"- {box} {md_with_code(item.text)} {item_code}{suffix}"


def line_size(line: str) -> int:
    """The bytes a line takes in the document, its newline included.

    Args:
        line: A line without its newline.

    Returns:
        Its size in UTF-8, plus one.
    """
    return (len(line) if line.isascii() else len(line.encode())) + 1


def size(lines: Iterable[str]) -> int:
    """The bytes ``lines`` take in the document, each with its newline.

    Args:
        lines: Lines without their newline.

    Returns:
        Their size in UTF-8.
    """
    return sum(map(line_size, lines))


class Measured:
    """Lines made as they are asked for, each once, and whether they fit in a number of bytes.

    A plan too big for GitHub is tried in several forms, each against several limits as
    the other sections take their room: asked again with a bigger limit, a form goes on
    where it stopped; with a smaller one, its count answers. A form that does not fit is
    made only as far as the biggest limit it was asked about.
    """

    def __init__(self, lines: Iterable[str]) -> None:
        """Measure ``lines``, lines without their newline, made as they are read."""
        self._rest: Iterator[str] | None = iter(lines)
        self._lines: list[str] = []
        self._size = 0

    def within(self, limit: int) -> list[str] | None:
        """The lines, or None when they take more than ``limit`` bytes (see :func:`size`).

        Args:
            limit: The most bytes they may take.

        Returns:
            A new list of the lines, or None.
        """
        rest = self._rest
        while rest is not None and self._size <= limit:
            line = next(rest, None)
            if line is None:
                self._rest = rest = None
            else:
                self._size += line_size(line)
                self._lines.append(line)
        return list(self._lines) if self._size <= limit else None


def lines_within(lines: Iterable[str], limit: int) -> list[str] | None:
    """The lines, or None as soon as they take more than ``limit`` bytes (see :func:`size`).

    Stopping early spares building the rest of a text that is not going to be used.

    Args:
        lines: Lines without their newline, made as they are read.
        limit: The most bytes they may take.

    Returns:
        The lines as a list, or None when they take more than ``limit``.
    """
    return Measured(lines).within(limit)
