"""Reading the team's manifests: a Kustomize folder rendered by kubectl, or YAML files.

The folder comes from a cloned repository, so it is untrusted input:

- every file is read through :func:`~migrate_tui.fsio.read_text_bounded` (a regular file,
  at most :data:`MANIFEST_FILE_LIMIT` bytes, UTF-8), and the folder altogether at most
  :data:`MANIFEST_TOTAL_LIMIT` bytes in at most :data:`MANIFEST_FILE_COUNT` files;
- a symbolic link that leads out of the folder is skipped (and said), never followed;
- YAML is parsed by the Compose parser's pieces: aliases counted (a YAML bomb is refused
  after a million values), nesting bounded, nothing constructed but plain data;
- ``kubectl kustomize`` runs without a shell, its output bounded by
  :data:`KUSTOMIZE_OUTPUT_LIMIT` and its time by :data:`KUSTOMIZE_TIMEOUT`;
- a document that is not a Kubernetes object (no ``apiVersion`` and ``kind``) is skipped
  with a warning, so its items stay ``unknown``.

When kustomize rendered the objects, each still points at the file it came from where that
file says the same key (so the evidence is ``k8s/api.yaml:40``, not a line of the rendered
stream).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import yaml

from migrate_tui.compose.yaml_build import NodeBuilder
from migrate_tui.compose.yaml_depth import compose_all
from migrate_tui.errors import Location, MigrateError, VerifyError
from migrate_tui.fsio import MIB, read_text_bounded
from migrate_tui.verify.model import ManifestDoc, Manifests

MANIFEST_FILE_LIMIT = 8 * MIB
"""Largest manifest file read: a generated base of 2,000 services writes files of a few
kilobytes each; a hand-written bundle (an operator's CRDs) may reach a few megabytes."""
MANIFEST_TOTAL_LIMIT = 64 * MIB
"""Most bytes read from the whole folder (or taken from ``kubectl kustomize``)."""
KUSTOMIZE_OUTPUT_LIMIT = MANIFEST_TOTAL_LIMIT
MANIFEST_FILE_COUNT = 10_000
"""Most YAML files read under the folder."""
KUSTOMIZE_TIMEOUT = 60.0
"""Seconds ``kubectl kustomize`` may take (a remote base it fetches counts)."""
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_SUFFIXES = (".yaml", ".yml", ".json")


def read_manifests(folder: str, *, kustomize: bool = True) -> Manifests:
    """Every Kubernetes object under ``folder``.

    Args:
        folder: The manifests folder (or one YAML file).
        kustomize: Render a Kustomize folder with ``kubectl kustomize`` when kubectl is on
            PATH; False reads the YAML files as they are.

    Raises:
        VerifyError: The folder is missing, a file is too large or not YAML, or
            ``kubectl kustomize`` fails.
    """
    path = Path(folder)
    if not path.exists():
        raise VerifyError(f"no manifests at {folder}", location=Location(folder),
                          hint="give the folder of your Kubernetes manifests with --manifests")
    warnings: list[str] = []
    if path.is_dir() and any((path / name).is_file() for name in KUSTOMIZATION_FILES):
        kubectl = shutil.which("kubectl") if kustomize else None
        if kubectl is not None:
            return _kustomized(folder, kubectl, warnings)
        if kustomize:
            warnings.append(
                f"{folder} is a Kustomize folder but kubectl is not on PATH: its YAML files "
                "are read as they are (patches, generators and overlays not applied); "
                "install kubectl to render it")
    docs: list[ManifestDoc] = []
    for file in _yaml_files(path, folder, warnings):
        docs += parse_documents(_read(file), file, warnings)
    return Manifests(folder=folder, source="files", docs=tuple(docs), warnings=tuple(warnings))


def _read(file: str) -> str:
    try:
        return read_text_bounded(file, MANIFEST_FILE_LIMIT, error=VerifyError)
    except FileNotFoundError:  # removed while we read the folder
        raise VerifyError(f"{file} disappeared while it was being read",
                          location=Location(file), hint="run verify again") from None


def _yaml_files(path: Path, shown: str, warnings: list[str]) -> Iterator[str]:
    """The YAML files under ``path`` (or ``path`` itself), sorted, links out skipped."""
    if not path.is_dir():
        yield shown
        return
    root = os.path.realpath(path)
    count = total = 0
    for here, dirs, files in os.walk(path, followlinks=False):
        dirs.sort()
        for name in list(dirs):
            if os.path.islink(os.path.join(here, name)):
                warnings.append(f"{_shown(shown, here, name)}: a link to a folder, not followed")
        for name in sorted(files):
            if not name.endswith(_SUFFIXES) or name in KUSTOMIZATION_FILES:
                continue
            full = os.path.join(here, name)
            if os.path.islink(full):
                target = os.path.realpath(full)
                if os.path.commonpath([root, target]) != root:
                    warnings.append(f"{_shown(shown, here, name)}: a link out of the manifests "
                                    "folder, not followed")
                    continue
            count += 1
            total += _size(full)
            if count > MANIFEST_FILE_COUNT or total > MANIFEST_TOTAL_LIMIT:
                raise VerifyError(
                    f"the manifests folder holds more than {MANIFEST_FILE_COUNT:,} YAML files "
                    f"or {MANIFEST_TOTAL_LIMIT // MIB} MiB",
                    location=Location(shown),
                    hint="point --manifests at the folder of this project's manifests only")
            yield _shown(shown, here, name)


def _size(file: str) -> int:
    try:
        return os.stat(file).st_size
    except OSError:
        return 0


def _shown(folder: str, here: str, name: str) -> str:
    """A file's path as the user would type it: the folder they named, then the rest."""
    return os.path.normpath(os.path.join(here, name)) if here != folder \
        else os.path.join(folder, name)


def parse_documents(text: str, file: str, warnings: list[str]) -> list[ManifestDoc]:
    """The Kubernetes objects in ``text`` (a multi-document YAML stream), with positions.

    A document that is empty, not a mapping, or without ``apiVersion`` and ``kind`` is
    skipped with a warning.

    Raises:
        VerifyError: The text is not YAML, nests too deep or expands too far.
    """
    builder = NodeBuilder(file, len(text))
    docs: list[ManifestDoc] = []
    try:
        nodes = compose_all(text, file)
        for node in nodes:
            if node is None:
                continue
            builder.positions = {}
            value = builder.root(node)
            line = node.start_mark.line + 1
            if value is None:
                continue
            kind = value.get("kind") if isinstance(value, dict) else None
            if not (isinstance(value, dict) and isinstance(kind, str) and kind
                    and isinstance(value.get("apiVersion"), str)):
                warnings.append(f"{file}:{line}: not a Kubernetes object (no apiVersion and "
                                "kind): skipped")
                continue
            name = value.get("metadata", {}).get("name") \
                if isinstance(value.get("metadata"), dict) else None
            docs.append(ManifestDoc(file=file, line=line, kind=kind,
                                    name=name if isinstance(name, str) else "",
                                    data=value, positions=builder.positions))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise VerifyError(
            f"invalid YAML: {exc.problem or exc.context or 'cannot parse'}",
            location=Location(file, mark.line + 1, mark.column + 1) if mark else Location(file),
            hint="fix the YAML at that line, or move the file out of the manifests folder",
        ) from None
    except yaml.YAMLError as exc:
        raise VerifyError(f"invalid YAML: {exc}", location=Location(file),
                          hint="fix the YAML syntax") from None
    except RecursionError:
        raise VerifyError("the document is nested too deeply to read", location=Location(file),
                          hint="flatten the structure") from None
    except VerifyError:
        raise
    except MigrateError as exc:  # the parser's own refusals: a bomb, deep nesting, a bad key
        raise VerifyError(exc.message, location=exc.location, path=exc.path,
                          hint="fix the file, or move it out of the manifests folder") from None
    return docs


def _kustomized(folder: str, kubectl: str, warnings: list[str]) -> Manifests:
    """The objects ``kubectl kustomize folder`` renders, pointed back at their source files."""
    text = run_kustomize(kubectl, folder)
    rendered = parse_documents(text, f"kubectl kustomize {folder}", warnings)
    sources: dict[tuple[str, str], ManifestDoc] = {}
    try:
        for file in _yaml_files(Path(folder), folder, []):
            for doc in parse_documents(_read(file), file, []):
                sources.setdefault((doc.kind, doc.name), doc)
    except VerifyError:
        pass  # the rendered stream is the truth; source lines are a courtesy
    docs = tuple(_pointed(doc, sources.get((doc.kind, doc.name))) for doc in rendered)
    return Manifests(folder=folder, source="kustomize", docs=docs, warnings=tuple(warnings))


def _pointed(doc: ManifestDoc, source: ManifestDoc | None) -> ManifestDoc:
    """``doc`` with the positions of its source file, for the key paths that file has."""
    if source is None:
        return doc
    return ManifestDoc(file=source.file, line=source.line, kind=doc.kind, name=doc.name,
                       data=doc.data, positions=source.positions)


def run_kustomize(kubectl: str, folder: str, *, timeout: float = KUSTOMIZE_TIMEOUT,
                  limit: int = KUSTOMIZE_OUTPUT_LIMIT) -> str:
    """The output of ``kubectl kustomize folder``: bounded in time and size.

    Raises:
        VerifyError: kubectl cannot start, fails, takes too long or writes too much.
    """
    try:
        proc = subprocess.Popen([kubectl, "kustomize", folder], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise VerifyError(f"cannot run kubectl: {exc.strerror or exc}", location=Location(folder),
                          hint="install kubectl, or pass --no-kustomize") from None
    assert proc.stdout is not None and proc.stderr is not None
    stdout, stderr = proc.stdout, proc.stderr
    errors: list[bytes] = []
    drain = threading.Thread(target=lambda: errors.append(_bounded(stderr)), daemon=True)
    drain.start()
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        proc.kill()

    timer = threading.Timer(timeout, stop)
    timer.start()
    chunks: list[bytes] = []
    total = 0
    try:
        while chunk := os.read(stdout.fileno(), 1 << 20):
            total += len(chunk)
            if total > limit:
                proc.kill()
                raise VerifyError(
                    f"kubectl kustomize {folder} wrote more than {limit // MIB} MiB",
                    location=Location(folder),
                    hint="point --manifests at this project's base or overlay only")
            chunks.append(chunk)
        code = proc.wait()
    finally:
        timer.cancel()
        stdout.close()
        drain.join(timeout=5)
    if timed_out.is_set():
        raise VerifyError(f"kubectl kustomize {folder} took more than {timeout:g} s",
                          location=Location(folder),
                          hint="check for remote bases it fetches, or pass --no-kustomize")
    if code != 0:
        said = b"".join(errors).decode("utf-8", "replace").strip().splitlines()
        raise VerifyError(
            f"kubectl kustomize {folder} failed: " + (said[-1] if said else f"exit {code}"),
            location=Location(folder),
            hint="fix the kustomization (a generated base needs its secrets.env), or pass "
                 "--no-kustomize to read the YAML files as they are")
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        raise VerifyError(f"kubectl kustomize {folder} wrote text that is not UTF-8",
                          location=Location(folder), hint="check the files it reads") from None


def _bounded(stream: IO[bytes], limit: int = 64 * 1024) -> bytes:
    """The first ``limit`` bytes of a stream; the rest is read and dropped."""
    kept = stream.read(limit)
    while stream.read(1 << 16):
        pass
    return kept


__all__ = ["parse_documents", "read_manifests", "run_kustomize"]
