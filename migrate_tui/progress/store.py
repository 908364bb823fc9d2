"""The progress file on disk: reading it, and saving a session's changes safely.

A save (:meth:`ProgressStore.apply`) goes:

1. lock ``migration.toml.lock`` (``fcntl.flock``; the lock dies with its process, so a
   crashed session never blocks the next);
2. re-read ``migration.toml``; if it does not parse or validate, stop: nothing is written;
3. apply this session's changes to the state the session started from, and merge that with
   what is on disk (:func:`~migrate_tui.progress.merge.merge_states`), so another session's
   saves since then are kept and conflicts go to the latest change;
4. if that changes anything, copy the file as it was to ``migration.toml.bak`` (the last
   good version) and go on; otherwise stop (the file, hand formatting included, stays);
5. write a temporary file in the same folder, fsync, rename over the file, fsync the
   folder.

A crash at any point leaves the old file or the new one, whole.

The project is a cloned repository, so none of the three files is trusted
(:mod:`migrate_tui.fsio`): a symbolic link at ``migration.toml``, its ``.bak`` or its
``.lock`` is refused, never followed (a committed ``migration.toml.bak -> ~/.bashrc``
would otherwise get the file's text on the first save), a pipe or a device is refused
without blocking, and the file is read up to
:data:`~migrate_tui.fsio.PROGRESS_FILE_LIMIT`. A progress file the user did not name
(``--state``) must also stay inside the project folder.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from migrate_tui.errors import Location, ProgressError
from migrate_tui.fsio import open_lock_file, refuse_link, temp_files, write_bytes_safely
from migrate_tui.progress.changes import Change, apply_changes
from migrate_tui.progress.document import DEFAULT_NAME, dumps_state, read_state
from migrate_tui.progress.merge import merge_states
from migrate_tui.progress.model import ProgressState

if sys.platform == "win32":  # pragma: no cover - no Windows in CI
    import msvcrt

    def _lock(fd: int) -> None:
        while True:  # LK_LOCK gives up after 10 tries; a save takes milliseconds
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                return
            except OSError:
                continue

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)


def default_path(project: str | os.PathLike[str]) -> Path:
    """Where the progress file of a project lives: next to its compose file.

    Args:
        project: The compose file, or the project folder.
    """
    path = Path(project)
    return (path if path.is_dir() else path.parent) / DEFAULT_NAME


class ProgressStore:
    """One progress file, as one session sees it.

    The store remembers the state it last loaded or saved (the session's base), so a save
    applies only the changes this session made and keeps what others saved meanwhile.

    Args:
        path: The progress file (``migration.toml``); it need not exist yet.
        allowed_root: The project folder the file was found in, which it (and its backup
            and lock) must not leave; None when the user named the file (``--state``).
    """

    def __init__(
        self, path: str | os.PathLike[str], *, allowed_root: str | os.PathLike[str] | None = None,
    ) -> None:
        """Name the file; nothing is read until :meth:`load` or :meth:`apply`.

        A symbolic link at the path is refused when the file is read or saved, not followed:
        give the file it points at with ``--state`` instead.
        """
        self.path = Path(os.path.abspath(path))
        self.allowed_root = allowed_root
        self._base: ProgressState | None = None

    @property
    def lock_path(self) -> Path:
        """The lock file, ``migration.toml.lock``."""
        return self.path.with_name(self.path.name + ".lock")

    @property
    def backup_path(self) -> Path:
        """The last good version, ``migration.toml.bak``."""
        return self.path.with_name(self.path.name + ".bak")

    def load(self) -> ProgressState:
        """Read the file; a missing file is an empty state.

        Raises:
            ProgressError: The file does not parse or validate (file, line, key path, fix).
        """
        state, _ = read_state(self.path)
        self._base = state
        return state

    def apply(self, changes: Sequence[Change]) -> ProgressState:
        """Save this session's changes and return the state now in the file.

        Raises:
            ProgressError: The file on disk does not parse or validate (it is left as it
                is), a change is invalid, the lock cannot be had, or the file cannot be
                written.
        """
        refuse_link(self.path, error=ProgressError)
        with self._locked():
            disk, raw = read_state(self.path)
            base = self._base if self._base is not None else disk
            state = merge_states(base, apply_changes(base, changes), disk)
            data = dumps_state(state, self.path.name).encode("utf-8")
            try:
                for stray in temp_files(self.path) + temp_files(self.backup_path):
                    stray.unlink(missing_ok=True)
            except OSError as err:
                raise self._os_error("cannot save the progress file", err) from None
            if state != disk:
                if raw is not None:
                    self._write(self.backup_path, raw)
                self._write(self.path, data)
            self._base = state
            return state

    save = apply
    """Another name for :meth:`apply`."""

    def _write(self, path: Path, data: bytes) -> None:
        write_bytes_safely(path, data, allowed_root=self.allowed_root,
                           user_named=self.allowed_root is None, error=ProgressError)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        fd = open_lock_file(self.lock_path, allowed_root=self.allowed_root,
                            user_named=self.allowed_root is None, error=ProgressError)
        try:
            try:
                _lock(fd)  # waits for another session's save (milliseconds)
            except OSError as err:
                raise self._os_error("cannot lock the progress file", err) from None
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _os_error(self, what: str, err: OSError) -> ProgressError:
        return ProgressError(
            f"{what}: {err.strerror or err}",
            location=Location(str(err.filename or self.path)),
            hint="check that the folder exists and that you may write to it",
        )
