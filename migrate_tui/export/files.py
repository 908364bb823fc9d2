"""Writing an export: whole or not at all, with an error a user can act on."""

from __future__ import annotations

from pathlib import Path

from migrate_tui.errors import Location, MigrateError
from migrate_tui.progress.atomic import write_file


def write_export(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (the same way the progress file is saved).

    Raises:
        MigrateError: The folder is missing or not writable.
    """
    try:
        write_file(path, text.encode("utf-8"))
    except OSError as exc:
        raise MigrateError(
            f"cannot write {path}: {exc.strerror or exc}",
            location=Location(str(path)),
            hint="choose a folder that exists and that you can write to",
        ) from None
