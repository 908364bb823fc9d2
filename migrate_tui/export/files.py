"""Writing an export: whole or not at all, with an error a user can act on."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from migrate_tui.errors import Location, MigrateError
from migrate_tui.progress.atomic import write_file


def write_export(path: Path, text: str) -> None:
    """Write ``text`` to ``path``: atomically to a file, straight through to anything else.

    A regular file (or a symbolic link to one) is replaced at once, the same way the
    progress file is saved. ``/dev/null`` or a named pipe is written through: replacing it
    would put a plain file where the device or pipe was. ``/dev/stdout``, ``/dev/stderr``
    and ``/dev/fd/N`` are written to the descriptor this process already has: reopened,
    they would cut off, or replace, the file the shell sent the output to (``>> log.md``).

    Raises:
        MigrateError: The folder is missing or not writable, or the path is a folder.
    """
    data = text.encode("utf-8")
    descriptor = _descriptor(path)
    if descriptor is not None:
        _write_to_descriptor(descriptor, data, path)
        return
    try:
        try:
            mode: int | None = path.stat().st_mode  # follows symbolic links
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISREG(mode):
            with open(path, "wb") as out:
                out.write(data)
        else:
            write_file(path, data)
    except OSError as exc:
        raise _cannot_write(path, exc, "choose a folder that exists and that you can write to"
                            ) from None


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
