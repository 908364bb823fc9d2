"""Reading and writing the files of a project that may not be trusted.

A cloned repository is untrusted input: whoever committed it chose which of its paths are
symbolic links, and where they point. Every file migrate-tui reads or writes goes through
this module, so that:

- a read opens the file without blocking (``O_NONBLOCK``: a named pipe never hangs), checks
  that what it opened is a regular file (not a pipe, a device such as ``/dev/zero``, or a
  folder), reads at most ``limit + 1`` bytes, and decodes UTF-8 with an error that names
  ``file:line:column`` for an invalid byte or a NUL;
- a write never follows a symbolic link at the target (nor at the backup or the lock
  beside it), refuses anything but a regular file, writes a temporary file in the target's
  folder (``O_CREAT | O_EXCL | O_NOFOLLOW``) and renames it over the target, and stays in
  the project folder unless the user named the path on the command line.

A symbolic link at a path to be written is refused, even a path the user named: following
it writes wherever a committed link points (``migration.toml.bak -> ~/.bashrc``), and
silently replacing it would break a link a team set up on purpose and write somewhere the
user did not expect. The error names the link and says what to do (remove it, or name the
file it points at).

Everything here works on descriptors relative to the opened folder (``dir_fd``), so a folder
swapped for a link between the check and the write changes nothing.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from pathlib import Path

from migrate_tui.errors import Location, MigrateError, UnsafeFileError

PathLike = str | os.PathLike[str]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CHUNK = 1 << 20

MIB = 1024 * 1024

COMPOSE_FILE_LIMIT = 32 * MIB
"""Largest compose file (or extended / included file) read.

The largest compose file of the 556 corpus projects is 24 KB; the 5,000-service benchmark
file (``benchmarks/generate.py 5000``) is 2.7 MB and still loads. 32 MiB is twelve times that,
room for projects of tens of thousands of services, while a file of gigabytes (or
``/dev/zero`` behind a link) stops at once instead of filling memory.
"""

ENV_FILE_LIMIT = 4 * MIB
"""Largest ``.env`` or ``env_file`` read: the corpus' largest is 20 KB (real ones hold a
few inline certificates at most); 4 MiB is two hundred times that."""

PROGRESS_FILE_LIMIT = 64 * MIB
"""Largest ``migration.toml`` read: the 5,000-service benchmark's plan has 84,688 items, and
with every one done, assigned and noted the file is 15 MB; 64 MiB is four times that."""

PIPE_READER_WAIT = 5.0
"""Seconds a write to a named pipe the user named waits for a reader to open it."""

PROXY_CONFIG_LIMIT = 1 * MIB
"""Largest proxy configuration read for its upstreams (``nginx.conf``, ``kong.yml``):
supabase's kong.yml is 6 KB, a big nginx.conf tens of KB; a larger file is passed over
with a warning, not read into memory."""

PLAYBOOK_FILE_LIMIT = 8 * MIB
"""Largest playbook file read: ours are tens of kilobytes; a team's own stay far below."""


# ---------------------------------------------------------------------- reading


def read_bytes_bounded(
    path: PathLike,
    limit: int,
    *,
    follow_links: bool = True,
    error: type[MigrateError] = UnsafeFileError,
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Args:
        path: The file.
        limit: The most bytes accepted; a longer file is an error, read no further than
            ``limit + 1`` bytes.
        follow_links: False to refuse a symbolic link at ``path`` (``O_NOFOLLOW``).
        error: The error class raised (the caller's phase, e.g. ``ProgressError``).

    Raises:
        FileNotFoundError: Nothing is at ``path`` (callers decide what a missing file means).
        MigrateError: (of class ``error``) the path is a link (when not followed), a pipe,
            a device or a folder, is larger than ``limit``, or cannot be read.
    """
    name = os.fspath(path)
    flags = os.O_RDONLY | _NONBLOCK | _CLOEXEC | _NOCTTY | (0 if follow_links else _NOFOLLOW)
    try:
        fd = os.open(name, flags)
    except FileNotFoundError:
        if not follow_links and os.path.islink(name):
            raise _link_error(name, error, "read") from None
        raise
    except OSError as err:
        if not follow_links and _is_link_errno(err) and os.path.islink(name):
            raise _link_error(name, error, "read") from None
        raise _os_error(name, err, error, "read") from None
    return _read_open(fd, name, limit, error)


def _read_open(fd: int, name: str, limit: int, error: type[MigrateError]) -> bytes:
    """The bytes of the open file ``fd`` (named ``name`` in errors), at most ``limit``;
    it is closed. The one bounded read of :func:`read_bytes_bounded` and
    :meth:`OutputFolder.read`: a regular file only, its size checked before and while
    reading."""
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(name, info.st_mode, error, "read")
        if info.st_size > limit:
            raise _too_large(name, limit, error)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # the file grew past what fstat said (or /proc said size 0)
            raise _too_large(name, limit, error)
        return b"".join(chunks)
    except OSError as err:
        raise _os_error(name, err, error, "read") from None
    finally:
        os.close(fd)


def read_text_bounded(
    path: PathLike,
    limit: int,
    *,
    follow_links: bool = True,
    error: type[MigrateError] = UnsafeFileError,
) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes.

    See :func:`read_bytes_bounded` for the checks; on top of them the text must be UTF-8
    without NUL bytes, or the error names the file, the line and the column.

    Raises:
        FileNotFoundError: Nothing is at ``path``.
        MigrateError: (of class ``error``) see :func:`read_bytes_bounded`, or the file is
            not UTF-8 text.
    """
    data = read_bytes_bounded(path, limit, follow_links=follow_links, error=error)
    return decode_text(data, os.fspath(path), error=error)


def decode_text(data: bytes, file: str, *, error: type[MigrateError] = UnsafeFileError) -> str:
    """``data`` as UTF-8 text; an invalid byte or a NUL is an error at ``file:line:column``.

    Raises:
        MigrateError: (of class ``error``) the bytes are not UTF-8 text.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error(
            "the file is UTF-16 text (it starts with a UTF-16 byte order mark), not UTF-8",
            location=Location(file, 1, 1),
            hint="save it as UTF-8 (e.g. `iconv -f utf-16 -t utf-8`)",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line, column = _position(data, err.start)
        raise error(
            f"not UTF-8 text: byte 0x{data[err.start]:02x} cannot start or continue a "
            "character",
            location=Location(file, line, column),
            hint="save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`), or check that "
            "it is the text file you meant",
        ) from None
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise error(
            "a NUL byte in the text: this is not a text file, or it was saved as UTF-16",
            location=Location(file, line, column),
            hint="remove the NUL byte, or save the file as UTF-8",
        )
    return text


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column in characters) of a byte offset."""
    start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", errors="replace")) + 1


# ---------------------------------------------------------------------- writing


def write_text_safely(
    path: PathLike,
    text: str,
    *,
    allowed_root: PathLike | None,
    user_named: bool,
    error: type[MigrateError] = UnsafeFileError,
) -> None:
    """Replace ``path`` with ``text`` (UTF-8), atomically, without following links.

    See :func:`write_bytes_safely`.
    """
    write_bytes_safely(path, text.encode("utf-8"), allowed_root=allowed_root,
                       user_named=user_named, error=error)


def write_bytes_safely(
    path: PathLike,
    data: bytes,
    *,
    allowed_root: PathLike | None,
    user_named: bool,
    error: type[MigrateError] = UnsafeFileError,
) -> None:
    """Replace ``path`` with ``data``: a temporary file in the same folder, fsync, rename.

    A reader sees the old content or the new, never a part; after a crash the folder holds
    at most a stray ``.NAME.*.tmp`` (see :func:`temp_files`). The file keeps its permission
    bits; a new one gets 0666 less the umask. The rename replaces the name, so a hard link
    elsewhere to the old file keeps the old content.

    Args:
        path: The file to write.
        data: Its new content.
        allowed_root: The project folder the file must stay in (after resolving links in
            the folders above it); ignored when ``user_named``.
        user_named: The user named this path (``-o``, ``--state``): it may be anywhere, and
            a named pipe or a character device there (``-o /dev/null``) is written
            through, not replaced. A symbolic link is refused all the same.
        error: The error class raised.

    Raises:
        MigrateError: (of class ``error``) the path is a symbolic link, a folder, a pipe or
            a device (unless named by the user), lies outside ``allowed_root``, or cannot
            be written; the message names the file and the fix.
    """
    target = os.path.abspath(os.fspath(path))
    folder, name = os.path.split(target)
    dir_fd = _open_folder(target, folder, allowed_root, user_named, error)
    try:
        try:
            info: os.stat_result | None = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            info = None
        except OSError as err:
            raise _os_error(target, err, error, "write") from None
        if info is not None and stat.S_ISLNK(info.st_mode):
            raise _link_error(target, error, "write")
        if info is not None and not stat.S_ISREG(info.st_mode):
            if user_named and (stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode)):
                _write_through(target, name, dir_fd, data, error)
                return
            raise _not_regular(target, info.st_mode, error, "write")
        mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
        try:
            _replace(name, dir_fd, data, mode)
        except OSError as err:
            raise _os_error(target, err, error, "write") from None
    finally:
        os.close(dir_fd)


def open_lock_file(
    path: PathLike,
    *,
    allowed_root: PathLike | None,
    user_named: bool,
    error: type[MigrateError] = UnsafeFileError,
) -> int:
    """Open (creating it) a lock file for reading and writing; the caller closes the fd.

    The same rules as :func:`write_bytes_safely`: no symbolic link followed (a committed
    ``migration.toml.lock`` link creates nothing anywhere), a regular file only, inside
    ``allowed_root`` unless ``user_named``.

    Raises:
        MigrateError: (of class ``error``) as :func:`write_bytes_safely`.
    """
    target = os.path.abspath(os.fspath(path))
    folder, name = os.path.split(target)
    dir_fd = _open_folder(target, folder, allowed_root, user_named, error)
    try:
        flags = os.O_RDWR | os.O_CREAT | _NOFOLLOW | _NONBLOCK | _CLOEXEC | _NOCTTY
        try:
            fd = os.open(name, flags, 0o666, dir_fd=dir_fd)
        except OSError as err:
            if _is_link_errno(err) and _lstat_is_link(name, dir_fd):
                raise _link_error(target, error, "write") from None
            raise _os_error(target, err, error, "write") from None
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            os.close(fd)
            raise _not_regular(target, mode, error, "write")
        return fd
    finally:
        os.close(dir_fd)


def refuse_link(path: PathLike, *, error: type[MigrateError] = UnsafeFileError) -> None:
    """Raise the error a write would raise if ``path`` is a symbolic link (checked first,
    so that nothing, not even a lock file, is created for a write that will be refused).

    Raises:
        MigrateError: (of class ``error``) ``path`` is a symbolic link.
    """
    if os.path.islink(path):
        raise _link_error(os.path.abspath(os.fspath(path)), error, "write")


def temp_files(path: PathLike) -> list[Path]:
    """Temporary files a write of ``path`` may have left beside it (after a crash).

    Only regular files and links are listed (removing a link removes the link): a folder
    of that name is not ours to remove.
    """
    target = Path(path)
    found = []
    for candidate in target.parent.glob(f".{target.name}.*.tmp"):
        try:
            mode = candidate.lstat().st_mode
        except OSError:
            continue
        if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
            found.append(candidate)
    return sorted(found)


def _open_folder(
    target: str, folder: str, allowed_root: PathLike | None, user_named: bool,
    error: type[MigrateError],
) -> int:
    """A descriptor of the target's folder, checked to lie inside ``allowed_root``."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    except OSError as err:
        raise _os_error(target, err, error, "write") from None
    if user_named:
        return dir_fd
    if allowed_root is None:
        os.close(dir_fd)
        raise ValueError("a path not named by the user needs an allowed_root")
    real_folder = _fd_path(dir_fd, folder)
    root = os.path.realpath(os.fspath(allowed_root))
    if real_folder != root and not real_folder.startswith(root.rstrip(os.sep) + os.sep):
        os.close(dir_fd)
        raise error(
            f"refusing to write {target}: its folder leads outside the project folder "
            f"{root} (through a symbolic link)",
            location=Location(target),
            hint="remove the link from the project, or name the path on the command line "
            "if you mean to write there",
        )
    return dir_fd


def _fd_path(dir_fd: int, fallback: str) -> str:
    """The real path of an open folder (Linux: ``/proc/self/fd``), else ``realpath``."""
    try:
        return os.readlink(f"/proc/self/fd/{dir_fd}")
    except OSError:  # pragma: no cover - not Linux
        return os.path.realpath(fallback)


def _replace(name: str, dir_fd: int, data: bytes, mode: int, *, durable: bool = True,
             umask: bool = False) -> None:
    """Write ``data`` to a new temporary file in the folder, then rename it over ``name``.

    Args:
        name: The file's name in the folder ``dir_fd``.
        dir_fd: The folder, open.
        data: The content.
        mode: The permission bits.
        durable: Sync the file before the rename and the folder after it.
        umask: Create the file with ``mode`` less the umask (a new output file), instead
            of setting ``mode`` exactly (a file the user already has).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    while True:
        tmp = f".{name}.{os.urandom(4).hex()}.tmp"
        try:
            fd = os.open(tmp, flags, mode if umask else 0o600, dir_fd=dir_fd)
            break
        except FileExistsError:  # pragma: no cover - 1 in 4 billion
            continue
    try:
        try:
            _write_all(fd, data)
            if not umask:
                os.fchmod(fd, mode)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise
    if durable:
        with contextlib.suppress(OSError):  # some file systems refuse fsync on a folder
            os.fsync(dir_fd)


def _write_through(
    target: str, name: str, dir_fd: int, data: bytes, error: type[MigrateError],
) -> None:
    """Write to a pipe or device the user named; a pipe nobody reads is an error, no hang."""
    flags = os.O_WRONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC | _NOCTTY
    deadline = time.monotonic() + PIPE_READER_WAIT
    while True:
        try:
            fd = os.open(name, flags, dir_fd=dir_fd)
            break
        except OSError as err:
            if err.errno != errno.ENXIO:
                raise _os_error(target, err, error, "write") from None
            if time.monotonic() >= deadline:
                raise error(
                    f"cannot write {target}: it is a named pipe and nothing read from it "
                    f"within {PIPE_READER_WAIT:g} s",
                    location=Location(target),
                    hint="start the reader first, or write to a file",
                ) from None
            time.sleep(0.05)
    try:
        os.set_blocking(fd, True)  # a reader is there: wait for it as a shell would
        _write_all(fd, data)
    except OSError as err:
        raise _os_error(target, err, error, "write") from None
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


# ---------------------------------------------------------------------- a folder of files


class OutputFolder:
    """A folder opened once, whose files are read and written by descriptor.

    For a tool that writes many files into one folder (the Kustomize base of
    ``migrate-tui manifests``): the folder and each subfolder are opened once
    (``O_DIRECTORY | O_NOFOLLOW``, relative to their parent's descriptor), so no path is
    walked again per file, and no symbolic link is followed at any level below the folder
    itself: a linked subfolder, a link at a file's place, a ``..`` in a name are errors.

    Files are written whole: an existing file is replaced by a temporary file and a rename
    (a reader sees the old content or the new); a new one is created with ``O_EXCL``. Files
    are not synced one by one: :meth:`sync` syncs every folder written to, once, at the end
    (a crash may leave the newest files empty or partial: the caller's record of what it
    wrote, written last, tells them apart). Use it as a context manager.
    """

    def __init__(self, path: PathLike, *, create: bool = True,
                 error: type[MigrateError] = UnsafeFileError) -> None:
        """Open ``path`` (made, with its parents, when missing and ``create``).

        The path itself was named by the user: its own parents may be links; the path
        may not (a link there is refused).

        Raises:
            MigrateError: (of class ``error``) ``path`` is a file, a link or another
                non-folder, cannot be created or opened, or is not writable.
        """
        self.path = os.path.abspath(os.fspath(path))
        self._error = error
        flags = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC
        try:
            info: os.stat_result | None = os.lstat(self.path)
        except FileNotFoundError:
            info = None
        except OSError as err:
            raise _os_error(self.path, err, error, "read") from None
        if info is None and create:
            try:
                os.makedirs(self.path)
            except OSError as err:
                raise error(f"cannot create the folder: {err.strerror or err}",
                            location=Location(self.path),
                            hint="choose a folder you can write to") from None
        elif info is not None and not stat.S_ISDIR(info.st_mode):
            raise error("the output is not a folder (a file or a link)",
                        location=Location(self.path),
                        hint="name a folder: a new one, or one this tool wrote")
        try:
            self._root = os.open(self.path, flags)
        except OSError as err:
            if _is_link_errno(err) or err.errno == errno.ENOTDIR:
                raise error("the output is not a folder (a file or a link)",
                            location=Location(self.path),
                            hint="name a folder: a new one, or one this tool wrote") from None
            raise _os_error(self.path, err, error, "read") from None
        if not os.access(self.path, os.W_OK | os.X_OK):
            os.close(self._root)
            raise error("the output folder is not writable", location=Location(self.path),
                        hint="choose a folder you can write to, or fix its permissions")
        self._folders: dict[tuple[str, ...], int] = {(): self._root}
        self._written: set[tuple[str, ...]] = set()
        self._listed: dict[tuple[str, ...], set[str]] = {}

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every descriptor (the object is unusable afterwards)."""
        for fd in self._folders.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self._folders = {}

    def _where(self, relative: str) -> str:
        return os.path.join(self.path, relative)

    def _split(self, relative: str) -> tuple[tuple[str, ...], str]:
        parts = tuple(relative.split("/"))
        if any(p in ("", ".", "..") or os.sep in p for p in parts):
            raise ValueError(f"not a plain relative path: {relative!r}")
        return parts[:-1], parts[-1]

    def _folder(self, parts: tuple[str, ...], *, create: bool) -> int | None:
        """The descriptor of a subfolder; None when missing and not ``create``."""
        fd = self._folders.get(parts)
        if fd is not None:
            return fd
        parent = self._folder(parts[:-1], create=create)
        if parent is None:
            return None
        name = parts[-1]
        where = self._where("/".join(parts))
        flags = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC
        try:
            fd = os.open(name, flags, dir_fd=parent)
        except FileNotFoundError:
            if not create:
                return None
            try:
                os.mkdir(name, dir_fd=parent)
                fd = os.open(name, flags, dir_fd=parent)
            except OSError as err:
                raise _os_error(where, err, self._error, "write") from None
        except OSError as err:
            if _is_link_errno(err) or err.errno == errno.ENOTDIR:
                raise self._error(
                    f"{name} is a link or a file where a folder belongs: nothing is read or "
                    "written through it",
                    location=Location(where), hint=f"remove it (rm {name}) and run again",
                ) from None
            raise _os_error(where, err, self._error, "read") from None
        self._folders[parts] = fd
        return fd

    def _names(self, parts: tuple[str, ...], folder: int) -> set[str]:
        """The names in a folder, listed once (a new folder's files are not looked up one
        by one; a file that appears after the listing is met by ``O_EXCL`` on write)."""
        found = self._listed.get(parts)
        if found is None:
            try:
                found = set(os.listdir(folder))
            except OSError as err:
                raise _os_error(self._where("/".join(parts)), err, self._error,
                                "read") from None
            self._listed[parts] = found
        return found

    def read(self, relative: str, limit: int) -> bytes | None:
        """The bytes of the regular file at ``relative`` (``/``-separated), None when it
        (or its folder) is absent.

        Raises:
            ValueError: ``relative`` is absolute, empty or holds ``.`` or ``..``.
            MigrateError: (of class ``error``) a link or a special file is on the way or
                at the place, or the file is larger than ``limit``.
        """
        parts, name = self._split(relative)
        folder = self._folder(parts, create=False)
        if folder is None or name not in self._names(parts, folder):
            return None
        where = self._where(relative)
        flags = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC | _NOCTTY
        try:
            fd = os.open(name, flags, dir_fd=folder)
        except FileNotFoundError:
            return None
        except OSError as err:
            if _is_link_errno(err) and _lstat_is_link(name, folder):
                raise _link_error(where, self._error, "read") from None
            raise _os_error(where, err, self._error, "read") from None
        return _read_open(fd, where, limit, self._error)

    def write(self, relative: str, data: bytes, *, new: bool = False, mode: int = 0o666,
              durable: bool = False) -> None:
        """Write ``data`` at ``relative``, making its folders.

        Args:
            relative: ``/``-separated, under the folder.
            data: The content.
            new: Create the file with ``O_EXCL`` (it must not exist: an error if anything
                appeared there since); otherwise a temporary file is renamed over it. A
                link at the place is refused either way.
            mode: The permission bits, less the umask.
            durable: Sync the file before it replaces the old one (for a record of what
                was written, written last).

        Raises:
            ValueError: ``relative`` is not a plain relative path.
            MigrateError: (of class ``error``) a link on the way, or the write fails.
        """
        parts, name = self._split(relative)
        folder = self._folder(parts, create=True)
        assert folder is not None
        where = self._where(relative)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
        try:
            if new:
                fd = os.open(name, flags, mode, dir_fd=folder)
                try:
                    _write_all(fd, data)
                finally:
                    os.close(fd)
            else:
                if _lstat_is_link(name, folder):
                    raise _link_error(where, self._error, "write")
                _replace(name, folder, data, mode, durable=durable, umask=True)
        except FileExistsError:
            if _lstat_is_link(name, folder):
                raise _link_error(where, self._error, "write") from None
            raise self._error(f"{name} appeared while it was being written",
                              location=Location(where), hint="run again") from None
        except OSError as err:
            raise _os_error(where, err, self._error, "write") from None
        self._written.add(parts)
        self._listed.get(parts, set()).add(name)

    def remove(self, relative: str) -> None:
        """Remove the file at ``relative`` (a link there is removed, never followed);
        nothing when it or its folder is absent.

        Raises:
            ValueError: ``relative`` is not a plain relative path.
            MigrateError: (of class ``error``) a link on the way, or the removal fails.
        """
        parts, name = self._split(relative)
        folder = self._folder(parts, create=False)
        if folder is None:
            return
        try:
            os.unlink(name, dir_fd=folder)
        except FileNotFoundError:
            return
        except OSError as err:
            raise _os_error(self._where(relative), err, self._error, "write") from None
        self._written.add(parts)
        self._listed.get(parts, set()).discard(name)

    def sync(self) -> None:
        """Sync every folder written to (the renames and new names reach the disk)."""
        for parts in sorted(self._written):
            fd = self._folders.get(parts)
            if fd is not None:
                with contextlib.suppress(OSError):  # some file systems refuse it
                    os.fsync(fd)


# ---------------------------------------------------------------------- errors


def _is_link_errno(err: OSError) -> bool:
    # O_NOFOLLOW on a link: ELOOP on Linux, EMLINK on FreeBSD, EFTYPE on NetBSD
    return err.errno in (errno.ELOOP, errno.EMLINK, getattr(errno, "EFTYPE", -1))


def _lstat_is_link(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _link_error(name: str, error: type[MigrateError], verb: str) -> MigrateError:
    action = "write through" if verb == "write" else "read through"
    return error(
        f"{os.path.basename(name)} is a symbolic link: migrate-tui does not {action} links "
        "here (a cloned repository could point one at any file you can write)",
        location=Location(name),
        hint=f"remove the link (rm {os.path.basename(name)}) and run again, or name the "
        "file it points at on the command line (-o FILE, --state FILE)",
    )


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _not_regular(name: str, mode: int, error: type[MigrateError], verb: str) -> MigrateError:
    kind = _kind(mode)
    return error(
        f"cannot {verb} {os.path.basename(name)}: it is {kind}, not a regular file",
        location=Location(name),
        hint=f"replace {os.path.basename(name)} with a regular file, or name another path",
    )


def _too_large(name: str, limit: int, error: type[MigrateError]) -> MigrateError:
    return error(
        f"{os.path.basename(name)} is larger than {limit // MIB} MiB, more than such a file "
        "ever needs",
        location=Location(name),
        hint="check that the path names the file you meant (not a log, a dump or a device)",
    )


def _os_error(name: str, err: OSError, error: type[MigrateError], verb: str) -> MigrateError:
    return error(
        f"cannot {verb} {os.path.basename(name)}: {err.strerror or err}",
        location=Location(name),
        hint="check that the folder exists and that you may "
        + ("write to it" if verb == "write" else "read the file"),
    )


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
