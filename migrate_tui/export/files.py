"""Writing an export: whole or not at all, with an error a user can act on."""

from __future__ import annotations

import stat
from pathlib import Path

from migrate_tui.errors import Location, MigrateError
from migrate_tui.progress.atomic import write_file


def write_export(path: Path, text: str) -> None:
    """Write ``text`` to ``path``: atomically to a file, straight through to anything else.

    A regular file (or a symbolic link to one) is replaced at once, the same way the
    progress file is saved. ``/dev/null``, ``/dev/stdout`` or a named pipe is written
    through: replacing it would put a plain file where the device or pipe was.

    Raises:
        MigrateError: The folder is missing or not writable, or the path is a folder.
    """
    data = text.encode("utf-8")
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
        raise MigrateError(
            f"cannot write {path}: {exc.strerror or exc}",
            location=Location(str(path)),
            hint="choose a folder that exists and that you can write to",
        ) from None
