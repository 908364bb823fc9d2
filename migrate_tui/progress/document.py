"""``migration.toml`` as text: the layout written for git, and reading it back with errors.

The layout, so that two branches touching different items change different lines::

    # (a comment header: what the file is, how to set up the merge driver)
    schema = 1

    [settings]
    focus = 0.5
    team = [
        "ana",
        "bo",
    ]

    [settings.answers]
    servers = 3

    [settings.overrides.db]
    class = "stateful"

    [settings.changed_at]
    focus = 2025-03-01T09:30:00Z
    team = 2025-03-01T09:30:00Z

    [settings.changed_at.answers]
    servers = 2025-03-01T09:31:00Z

    [settings.changed_at.overrides.db]
    class = 2025-03-02T10:00:00Z

    [items."api.probes"]
    assignee = "ana"
    changed_at = 2025-03-04T15:02:11Z
    changed_by = "ana"
    finished = 2025-03-04
    started = 2025-03-03
    status = "done"

Keys are sorted in every table; only what differs from the defaults is written, so an
untouched item has no table at all. Hand-written comments are not kept when the file is
rewritten (the values are).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from migrate_tui.errors import Location, ProgressError
from migrate_tui.fsio import PROGRESS_FILE_LIMIT, decode_text, read_bytes_bounded
from migrate_tui.progress.locate import key_lines, line_of
from migrate_tui.progress.model import ProgressState
from migrate_tui.progress.problems import validation_problems

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

DEFAULT_NAME = "migration.toml"
"""The progress file's name, next to the compose file."""

HEADER = """\
# migrate-tui progress: the settings and checklist of this Compose to Kubernetes migration.
# Commit this file. migrate-tui rewrites it on every change: keys sorted, one table per
# item, only what differs from the defaults, so hand edits keep their values, not comments.
# Merge it item by item (the latest change wins) with migrate-tui's git merge driver:
#   git config merge.migrate-tui.driver "migrate-tui merge-driver %O %A %B"
#   echo "{name} merge=migrate-tui" >> .gitattributes
# Keep {name}.bak (the last good version) and {name}.lock out of git: .gitignore them.
"""

_HEADER_NAME = re.compile(r'^#\s+echo "(?P<name>[^"]+) merge=migrate-tui"', re.MULTILINE)
_TOML_POSITION = re.compile(r"\s*\(at line (?P<line>\d+), column (?P<column>\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


class _Stamp(dt.datetime):
    """A UTC time that tomli-w writes as ``2025-03-01T09:30:00Z`` (ISO 8601, seconds)."""

    def __str__(self) -> str:
        return self.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _plain(value: Any) -> Any:
    """A dumped model as tomli-w should write it: keys sorted, empty tables gone."""
    if isinstance(value, Mapping):
        out = {k: _plain(v) for k, v in sorted(value.items())}
        return {k: v for k, v in out.items() if v != {}}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        v = value.astimezone(dt.timezone.utc)
        return _Stamp(v.year, v.month, v.day, v.hour, v.minute, v.second, tzinfo=dt.timezone.utc)
    return value


def to_document(state: ProgressState) -> dict[str, Any]:
    """The TOML document of a state: only what differs from the defaults, keys sorted."""
    settings = _plain(state.settings.model_dump(by_alias=True, exclude_defaults=True))
    items = {
        item_id: _plain(item.model_dump(by_alias=True, exclude_defaults=True))
        for item_id, item in sorted(state.items.items())
    }
    doc: dict[str, Any] = {"schema": state.schema_version}
    if settings:
        doc["settings"] = settings
    if items:
        doc["items"] = items
    return doc


def dumps_state(state: ProgressState, name: str = DEFAULT_NAME) -> str:
    """The text of the progress file, header included.

    Args:
        state: The state to write.
        name: The file's name, shown in the header's setup lines.
    """
    return HEADER.format(name=name) + "\n" + tomli_w.dumps(to_document(state))


def header_name(text: str) -> str | None:
    """The file name a progress file's header names, if it has the header."""
    match = _HEADER_NAME.search(text)
    return match["name"] if match else None


def parse_state(text: str, file: str) -> ProgressState:
    """Read the text of a progress file; blank text (or comments only) is an empty state.

    Args:
        text: The file's content.
        file: The file's path, as the user would recognise it, for errors.

    Raises:
        ProgressError: The text is not TOML, or does not validate; every problem is in it,
            with the line, the key path and the fix.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise _syntax_error(err, text, file) from None
    try:
        return ProgressState.model_validate(data)
    except ValidationError as err:
        lines = key_lines(text)
        raise validation_problems(err, file, lambda loc: line_of(lines, loc)) from None


def _syntax_error(err: Exception, text: str, file: str) -> ProgressError:
    message = str(err)
    line = getattr(err, "lineno", None)
    column = getattr(err, "colno", None)
    at, at_end = _TOML_POSITION.search(message), _AT_END.search(message)
    if at:
        message = message[: at.start()]
        line, column = int(at["line"]), int(at["column"])
    elif at_end:
        message = message[: at_end.start()]
        line = text.count("\n") + 1
    return ProgressError(
        f"not valid TOML: {message[:1].lower()}{message[1:]}",
        location=Location(file, line, column),
        hint="fix the TOML syntax on that line (quote strings, one key = value per line), "
        f"or restore the last good version from {Path(file).name}.bak",
    )


def read_state(path: Path) -> tuple[ProgressState, bytes | None]:
    """Read a progress file: the state and the exact bytes read (None if there is no file).

    The file is read as an untrusted one (:func:`~migrate_tui.fsio.read_bytes_bounded`): a
    symbolic link is refused (the store would not save through it either), so are a pipe,
    a device, a folder and a file over :data:`~migrate_tui.fsio.PROGRESS_FILE_LIMIT`.

    Raises:
        ProgressError: The file cannot be read, is not UTF-8, not TOML, or not valid.
    """
    try:
        raw = read_bytes_bounded(path, PROGRESS_FILE_LIMIT, follow_links=False,
                                 error=ProgressError)
    except FileNotFoundError:
        return ProgressState(), None
    text = decode_text(raw, str(path), error=ProgressError)
    return parse_state(text, str(path)), raw
