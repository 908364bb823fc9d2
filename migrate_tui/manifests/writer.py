"""Writing the Kustomize base: files written whole, never through a link, never over a
file the team edited.

Each generated file's SHA-256 is recorded in ``.migrate-tui-manifests.json`` in the output
folder. Regenerating compares what is on disk with the record: a file that changed since
(or that we did not write) is the team's work, and nothing is written unless ``force``.
``secrets.env`` and the secret placeholders are created when absent and never touched again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from migrate_tui.errors import Location, ManifestError
from migrate_tui.manifests.model import GeneratedFile, Manifests
from migrate_tui.manifests.render import render_documents
from migrate_tui.text import plural

RECORD = ".migrate-tui-manifests.json"
MAX_READ = 8 << 20
"""Largest file read back to compare with the record."""


@dataclass
class WriteReport:
    """What a write did."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    """Placeholders created (``secrets.env``, ``secret-files/...``)."""
    removed: list[str] = field(default_factory=list)
    """Files of an earlier run that are no longer generated."""
    missing_secret_keys: list[str] = field(default_factory=list)
    """Keys the kept ``secrets.env`` lacks: the pods using them will not start."""


def file_text(generated: GeneratedFile) -> str:
    """The content of a generated file, as written."""
    if generated.text is not None:
        return generated.text
    return render_documents([d.body for d in generated.documents])


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _error(message: str, where: Path, hint: str) -> ManifestError:
    return ManifestError(message, location=Location(str(where)), hint=hint)


def _prepare_folder(out: Path) -> None:
    try:
        st = os.lstat(out)
    except FileNotFoundError:
        try:
            out.mkdir(parents=True)
        except OSError as exc:
            raise _error(f"cannot create the output folder: {exc.strerror or exc}", out,
                         "choose a folder you can write to with -o") from None
        return
    except OSError as exc:
        raise _error(f"cannot read the output folder: {exc.strerror or exc}", out,
                     "choose another folder with -o") from None
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise _error("the output is not a folder (a file or a link)", out,
                     "give -o a folder: a new one, or one written by migrate-tui manifests")
    if not os.access(out, os.W_OK | os.X_OK):
        raise _error("the output folder is not writable", out,
                     "choose a folder you can write to with -o, or fix its permissions")


def _safe_parent(out: Path, relative: str) -> Path:
    """The folder of ``relative`` under ``out``, each part a real folder (made if missing)."""
    folder = out
    for part in Path(relative).parts[:-1]:
        folder = folder / part
        try:
            st = os.lstat(folder)
        except FileNotFoundError:
            os.mkdir(folder)
            continue
        if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
            raise _error("a folder of the output is a link or a file", folder,
                         "remove it; migrate-tui never writes through links")
    return folder


def _parents_are_folders(out: Path, relative: str) -> bool:
    """Whether every folder between ``out`` and ``relative`` is a real folder or missing
    (False for a link or a file on the way: nothing is read or removed through it)."""
    folder = out
    for part in Path(relative).parts[:-1]:
        folder = folder / part
        try:
            st = os.lstat(folder)
        except FileNotFoundError:
            return True
        if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
            return False
    return True


def _read_existing(path: Path) -> bytes | None:
    """The file's bytes, None when absent; an error for a link or a special file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISREG(st.st_mode):
        raise _error("the output holds a link or a special file where a manifest goes", path,
                     "remove it; migrate-tui never writes through links")
    if st.st_size > MAX_READ:
        return b"\0too-big"  # (differs from any record: counted as edited)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fh:
        return fh.read(MAX_READ)


def write_text_file(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write ``text`` to ``path`` whole: a temporary file in the same folder, then a rename.

    The one place the base's files are written. The temporary file is created with
    ``O_CREAT | O_EXCL | O_NOFOLLOW``; ``exclusive`` creates ``path`` itself that way
    (a file never overwritten).
    """
    data = text.encode("utf-8")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    if exclusive:
        fd = os.open(path, flags, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return
    folder = path.parent
    for _ in range(100):
        tmp = folder / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, flags, 0o644)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - a hundred name collisions
        raise _error("cannot create a temporary file", folder, "retry")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _load_record(out: Path) -> dict[str, str]:
    try:
        raw = _read_existing(out / RECORD)
    except ManifestError:
        return {}
    if raw is None:
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def _env_keys(data: bytes) -> set[str]:
    """The keys of an env file (its values are never kept)."""
    keys = set()
    for line in data.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            keys.add(line.split("=", 1)[0].strip())
    return keys


def write_manifests(manifests: Manifests, out: Path, *, force: bool = False) -> WriteReport:
    """Write the base into ``out``.

    Args:
        manifests: What :func:`~migrate_tui.manifests.generate.generate_manifests` gave.
        out: The output folder (created when missing).
        force: Overwrite files the team edited since the last run.

    Returns:
        What was written, kept and created.

    Raises:
        ManifestError: ``out`` is a file, a link or not writable; a manifest's place
            holds a link; or files were edited since the last run (all named), unless
            ``force``. Nothing is written then.
    """
    _prepare_folder(out)
    record = _load_record(out)
    report = WriteReport()
    plan: list[tuple[str, str]] = []
    edited: list[str] = []
    keep: list[GeneratedFile] = []
    texts = {g.path: file_text(g) for g in manifests.files}
    for generated in manifests.files:
        if generated.keep_existing:
            keep.append(generated)
            continue
        text = texts[generated.path]
        if not _parents_are_folders(out, generated.path):
            raise _error("a folder of the output is a link or a file",
                         out / Path(generated.path).parent,
                         "remove it; migrate-tui never writes through links")
        current = _read_existing(out / generated.path)
        new = _digest(text.encode("utf-8"))
        if current is not None and _digest(current) == new:
            report.unchanged.append(generated.path)
            continue
        if current is not None and record.get(generated.path) != _digest(current):
            edited.append(generated.path)
        plan.append((generated.path, text))
    paths = {g.path for g in manifests.files}
    stale = []
    for path in sorted(set(record) - paths):
        if ".." in Path(path).parts or Path(path).is_absolute() or \
                not _parents_are_folders(out, path):
            continue  # (the record is a file in the folder: never trusted to point out)
        current = _read_existing(out / path)
        if current is None:
            continue
        if _digest(current) != record[path]:
            edited.append(path)
        stale.append(path)
    if edited and not force:
        shown = "\n  ".join(sorted(edited))
        raise ManifestError(
            f"{plural(len(edited), 'generated file')} in {out} changed since migrate-tui "
            f"wrote it, so nothing was written:\n  {shown}",
            location=Location(str(out)),
            hint="move your changes to a Kustomize overlay (kustomize create --resources "
                 "../base), then run again; or add --force to overwrite them")
    try:
        for path, text in plan:
            _safe_parent(out, path)
            write_text_file(out / path, text)
            report.written.append(path)
        for path in stale:
            os.unlink(out / path)
            report.removed.append(path)
        for generated in keep:
            _safe_parent(out, generated.path)  # (raises for a link on the way)
            existing = _read_existing(out / generated.path)
            if existing is None:
                write_text_file(out / generated.path, texts[generated.path], exclusive=True)
                report.created.append(generated.path)
            elif generated.path.endswith(".env"):
                wanted = {line.split("=", 1)[0] for line in texts[generated.path].splitlines()}
                report.missing_secret_keys += sorted(wanted - _env_keys(existing) - {""})
        digests = {g.path: _digest(texts[g.path].encode("utf-8")) for g in manifests.files
                   if not g.keep_existing}
        write_text_file(out / RECORD, json.dumps(
            {"generator": "migrate-tui manifests", "files": digests},
            indent=2, sort_keys=True) + "\n")
    except OSError as exc:
        raise _error(f"cannot write the manifests: {exc.strerror or exc}",
                     Path(exc.filename or out), "check the folder's permissions and space"
                     ) from None
    return report
