"""Writing the Kustomize base: files written whole, never through a link, never over a
file the team edited, through :class:`~migrate_tui.fsio.OutputFolder` (the one file layer).

Each generated file's SHA-256 is recorded in ``.migrate-tui-manifests.json`` in the output
folder. Regenerating compares what is on disk with the record: a file that changed since
(or that we did not write) is the team's work, and nothing is written unless ``force``.
``secrets.env`` and the secret placeholders are created when absent and never touched again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from migrate_tui.errors import Location, ManifestError
from migrate_tui.fsio import OutputFolder
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


def _load_record(folder: OutputFolder) -> dict[str, str]:
    try:
        raw = folder.read(RECORD, MAX_READ)
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

    One pass over the folder reads what is there (by descriptor, no link followed, see
    :class:`~migrate_tui.fsio.OutputFolder`) and decides; then only the files whose bytes
    change are written, and the record last.

    Args:
        manifests: What :func:`~migrate_tui.manifests.generate.generate_manifests` gave.
        out: The output folder (created when missing).
        force: Overwrite files the team edited since the last run.

    Returns:
        What was written, kept and created.

    Raises:
        ManifestError: ``out`` is a file, a link or not writable; a manifest's place
            (or a folder on its way) holds a link; or files were edited since the last
            run (all named), unless ``force``. Nothing is written then.
    """
    data = {g.path: file_text(g).encode("utf-8") for g in manifests.files}
    report = WriteReport()
    with OutputFolder(out, error=ManifestError) as folder:
        record = _load_record(folder)
        plan: list[tuple[str, bool]] = []  # (path, new)
        edited: list[str] = []
        keep: list[tuple[str, bytes | None]] = []
        for generated in manifests.files:
            current = folder.read(generated.path, MAX_READ)
            if generated.keep_existing:
                keep.append((generated.path, current))
            elif current == data[generated.path]:
                report.unchanged.append(generated.path)
            else:
                if current is not None and record.get(generated.path) != _digest(current):
                    edited.append(generated.path)
                plan.append((generated.path, current is None))
        stale = []
        for path in sorted(set(record) - set(data)):
            try:  # (the record is a file in the folder: never trusted to point out of it)
                current = folder.read(path, MAX_READ)
            except (ValueError, ManifestError):
                continue
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
        for path, new in plan:
            folder.write(path, data[path], new=new)
            report.written.append(path)
        for path in stale:
            folder.remove(path)
            report.removed.append(path)
        for path, existing in keep:
            if existing is None:
                folder.write(path, data[path], new=True, mode=0o600)
                report.created.append(path)
            elif path.endswith(".env"):
                report.missing_secret_keys += sorted(_env_keys(data[path])
                                                     - _env_keys(existing))
        digests = {g.path: _digest(data[g.path]) for g in manifests.files
                   if not g.keep_existing}
        folder.write(RECORD, (json.dumps(
            {"generator": "migrate-tui manifests", "files": digests},
            indent=2, sort_keys=True) + "\n").encode("utf-8"), durable=True)
        folder.sync()
    return report
