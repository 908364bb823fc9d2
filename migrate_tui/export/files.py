"""Writing an export: whole or not at all, with an error a user can act on."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from migrate_tui.errors import Location, MigrateError
from migrate_tui.fsio import write_text_safely


def write_export(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, a path the user named (``plan -o``, the TUI's export).

    A regular file is replaced at once, the way the progress file is saved
    (:func:`~migrate_tui.fsio.write_text_safely`); the path may be anywhere, since the user
    named it. A symbolic link there is refused, not followed: a cloned repository may
    commit ``MIGRATION_PLAN.md -> ~/.bashrc``, and the user names the path without looking
    at what it is. ``/dev/null`` or a named pipe the user names is written through
    (replacing it would put a plain file where the device or pipe was; a pipe nobody reads
    is an error, not a hang). ``/dev/stdout``, ``/dev/stderr`` and ``/dev/fd/N`` are
    written to the descriptor this process already has: reopened, they would cut off, or
    replace, the file the shell sent the output to (``>> log.md``).

    Raises:
        MigrateError: The folder is missing or not writable, the path is a folder, a
            symbolic link, or a pipe nobody reads.
    """
    descriptor = _descriptor(path)
    if descriptor is not None:
        _write_to_descriptor(descriptor, text.encode("utf-8"), path)
        return
    write_text_safely(path, text, allowed_root=None, user_named=True)


_STANDARD = {"/dev/stdout": 1, "/dev/stderr": 2}


def _descriptor(path: Path) -> int | None:
    """The open descriptor ``path`` names (``/dev/stdout``, ``/dev/fd/3``), if it names one."""
    text = str(path)
    if text in _STANDARD:
        return _STANDARD[text]
    for prefix in ("/dev/fd/", "/proc/self/fd/"):
        number = text.removeprefix(prefix)
        if number != text and number.isdigit():
            return int(number)
    return None


def _write_to_descriptor(descriptor: int, data: bytes, path: Path) -> None:
    sys.stdout.flush()  # what was printed before comes first
    sys.stderr.flush()
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(descriptor, view):]
    except OSError as exc:
        raise _cannot_write(path, exc, "write to a file instead (-o plan.md)") from None


def _cannot_write(path: Path, exc: OSError, hint: str) -> MigrateError:
    return MigrateError(f"cannot write {path}: {exc.strerror or exc}",
                        location=Location(str(path)), hint=hint)
