"""Writing a file so that a crash leaves the old content or the new, never a part."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def temp_files(path: Path) -> list[Path]:
    """Temporary files :func:`write_file` may have left next to ``path`` (after a crash)."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def write_file(path: Path, data: bytes) -> None:
    """Replace a file's content at once: a temporary file in the same folder, fsync, rename.

    The file keeps its permission bits; a new one gets the usual ones (0666 less umask).
    A reader sees the old content or the new, never a part; after a crash the folder holds
    at most a stray ``.NAME.*.tmp`` that the next save removes.

    A symbolic link stays one: the file it points at is replaced.
    """
    path = link_target(path)
    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


def link_target(path: Path) -> Path:
    """The file a symbolic link points at (``path`` itself when it is no link).

    A loop of links is left as it is: opening it says what is wrong.
    """
    try:
        return path.resolve() if path.is_symlink() else path
    except (OSError, RuntimeError):  # (a loop: RuntimeError before Python 3.13)
        return path


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform allows opening folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory file descriptors
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on a folder
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    """The process' umask, read without changing it (``os.umask`` would, for all threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):  # pragma: no cover - not Linux
        pass
    return 0o022  # pragma: no cover - the usual default
