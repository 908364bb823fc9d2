"""What each mount of a service becomes: a claim (template), an emptyDir, a ConfigMap or
Secret file, or a ledger entry saying why it is dropped or left to decide."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from migrate_tui.analysis.catalogue import image_repository
from migrate_tui.analysis.classify import on_paths, shown_path
from migrate_tui.analysis.model import DataStore, ServiceAnalysis
from migrate_tui.compose.model import Mount, Project, Service
from migrate_tui.manifests.knowledge import ManifestDefaults
from migrate_tui.manifests.model import Status, WorkloadKind
from migrate_tui.manifests.names import dns_label
from migrate_tui.manifests.sensitive import holds_secret

VolumeMode = Literal["claim-template", "pvc", "shared-pvc", "empty-dir", "memory",
                     "config-file", "secret-file", "dropped", "decide", "nothing"]
MAX_CONFIG_FILE = 1 << 20
"""Largest bind-mounted file copied into a ConfigMap (a ConfigMap holds at most 1 MiB)."""
_SECRET_FILE = re.compile(r"(?i)(\.env$|\.pem$|\.key$|\.p12$|\.pfx$|\.jks$|id_rsa|"
                          r"secret|passw|token|credential)")


@dataclass(frozen=True)
class VolumeUse:
    """What one mount of a service becomes."""

    key: str
    """The ledger key (``volumes[0]``, ``tmpfs[1]``, ``secrets[0]``)."""
    mode: VolumeMode
    status: Status
    why: str
    target: str
    """The path inside the container."""
    volume: str = ""
    """The pod volume's name."""
    read_only: bool = False
    claim: str | None = None
    """The PVC (or claim template) name."""
    size: str | None = None
    source_file: str | None = None
    """The file to copy (config-file), absolute."""
    key_name: str | None = None
    """The file's key in its ConfigMap or Secret (mounted with subPath)."""
    generator: str | None = None
    """The ConfigMap or Secret generator's name."""
    output_path: str | None = None
    """Where the copy or the placeholder goes, relative to the output folder."""
    content: str | None = None
    """The text of an inline Compose config."""
    sub_path: str | None = None
    """The claim's folder mounted (``subPath``), when the engine needs an empty one."""


def _inside(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([os.path.realpath(path), os.path.realpath(root)]) == \
            os.path.realpath(root)
    except ValueError:  # pragma: no cover - another drive on Windows
        return False


def _regular_file(path: str) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    import stat

    return stat.S_ISREG(st.st_mode) and st.st_size <= MAX_CONFIG_FILE


def _data_folder(source: str, root: str, store: DataStore) -> bool:
    """Whether the bind source of a data store is a folder (a claim can take its place).

    One that exists says what it is. A missing one outside the project is the host's: Docker
    creates it as a folder on the first ``up``. A missing one in the project is a folder
    only where the store holds an engine's data (the catalogue's data path is a folder);
    elsewhere it is more likely a file the engineer generates (a keystore, a password file).
    """
    if os.path.lexists(source):
        return os.path.isdir(source)
    return not _inside(source, root) or store.software is not None


def data_folders(stores: Iterable[DataStore]) -> dict[str, dict[str, DataStore]]:
    """The host folders each service keeps its data in, as the analysis' data inventory
    (:mod:`migrate_tui.analysis.data`) counts them: service -> mount path -> store.

    Only the bind mounts of the stores' writers: what a service reads it does not keep.
    """
    out: dict[str, dict[str, DataStore]] = {}
    for store in stores:
        if store.type != "bind":
            continue
        for path in store.paths:
            service, _, target = path.partition(":")
            if service in store.writers:
                out.setdefault(service, {})[target] = store
    return out


_KEEPS_DATA = frozenset({"StatefulSet", "Deployment"})
"""The workloads whose data folders get a claim: a StatefulSet's claim template, a
Deployment's PVC (a stateless service that writes files: it stays a Deployment, as the
analysis classed it, with one pod at a time on a ReadWriteOnce claim)."""


def shared_folder_claim(store: DataStore) -> str:
    """The ReadWriteMany PVC that every writer of a shared data folder mounts: named after
    the folder, with a hash of its path (``./data`` and ``../data`` differ)."""
    path = store.id.split(" ", 2)[-1]
    clean = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[:40].rstrip("-")
    digest = hashlib.sha256(path.encode()).hexdigest()[:6]
    return f"folder-{clean}-{digest}" if clean else f"folder-{digest}"


def _scratch(mount: Mount, defaults: ManifestDefaults) -> bool:
    words = [w.lower() for w in defaults.scratch_names]
    name = (mount.source or "").lower()
    return mount.target in words or any(
        w and not w.startswith("/") and w in re.split(r"[^a-z0-9]+", name) for w in words)


@dataclass
class VolumeInputs:
    """What every service's mounts are read against, the same for the whole project."""

    project: Project
    """The loaded project (its top-level volumes and working folder)."""
    defaults: ManifestDefaults
    """The playbook's defaults: claim sizes, scratch folder names."""
    users: Mapping[str, list[str]]
    """Named volume -> deployed services mounting it."""
    secret_pattern: re.Pattern[str] | None = None
    """Finds the project's secret values: a mounted file holding one becomes a Secret."""
    data_folders: Mapping[str, Mapping[str, DataStore]] = field(default_factory=dict)
    """The host folders each service keeps its data in (:func:`data_folders`): in a
    StatefulSet each becomes a claim template, in a Deployment a PVC; one several services
    write, a ReadWriteMany PVC they all mount (:func:`shared_folder_claim`)."""


def volume_uses(name: str, label: str, svc: Service, workload: WorkloadKind | None,
             entry: Any, hint: Mapping[str, Any], inputs: VolumeInputs,
             sa: ServiceAnalysis) -> tuple[VolumeUse, ...]:
    """What each of a service's mounts becomes in its pod.

    Args:
        name: The service's name.
        label: The service's name as a DNS label, for the pod volumes' names.
        svc: The service.
        workload: The kind of workload it becomes, or None if it is not deployed.
        entry: The catalogue entry its image matched, if any (its data paths get a claim).
        hint: The service's ``x-migrate`` hints (``storage`` sets a claim's size).
        inputs: The project-wide inputs.
        sa: The analysis of the service (its category sizes a claim by default).

    Returns:
        One use per mount (volumes, tmpfs, secrets, configs), in the order written.
    """
    out: list[VolumeUse] = []
    defaults = inputs.defaults
    top_volumes = inputs.project.compose.get("volumes") or {}
    root = inputs.project.working_dir
    size = hint.get("storage") or defaults.storage_size(sa.category, sa.software)
    sized = "the x-migrate storage hint" if "storage" in hint else (
        f"the catalogue's default for {sa.software or sa.category}" if sa.category
        else "the default size")
    used_names: set[str] = set()
    moved = moved_data_path(entry, svc)
    paths = list(getattr(entry, "data_paths", []) or [])
    if moved:
        paths = [moved, *(p for p in paths if p != moved)]
    folders = inputs.data_folders.get(name, {})
    data_size, data_sized = size, sized
    # The catalogue's size is its engine's data directory's: a second volume (backups,
    # logs, config) gets the default, unless no mount is on a data path (a PGDATA moved
    # elsewhere: then which one is the data is not known) or a hint sets the size.
    known = bool(paths) and "storage" not in hint and any(
        m.type in ("volume", "bind") and on_paths(m.target, paths) for m in svc.volumes)

    def sized_for(target: str) -> tuple[str, str]:
        if not known or on_paths(target, paths) or data_size == defaults.storage.default:
            return data_size, data_sized
        return defaults.storage.default, (
            f"the default size: {target} is not {sa.software or getattr(entry, 'name', '')}'s "
            f"data directory ({', '.join(paths)})")

    def volume_name(base: str) -> str:
        candidate = dns_label(base)
        n = 2
        while candidate in used_names:
            candidate = dns_label(f"{base}-{n}")
            n += 1
        used_names.add(candidate)
        return candidate

    for i, mount in enumerate(svc.volumes):
        key = f"volumes[{i}]"
        target, ro = mount.target, mount.read_only
        size, sized = sized_for(target)
        if mount.type == "tmpfs":
            out.append(VolumeUse(key, "memory", "mapped", "tmpfs: an emptyDir in memory",
                                 target, volume_name(f"tmpfs-{i}"), ro))
        elif (mount.type == "volume" and not mount.source and workload == "StatefulSet"
              and not ro and on_paths(target, paths)):
            # On the engine's data directory the anonymous volume is the store's data: an
            # emptyDir would lose it whenever the pod moves.
            vname = volume_name("data")
            out.append(VolumeUse(
                key, "claim-template", "approximated",
                f"an anonymous volume on {sa.software or getattr(entry, 'name', '')}'s data "
                f"directory (in Compose it goes with its container): a claim template of "
                f"{size} ({sized}), ReadWriteOnce, so the data outlives the pod", target,
                vname, ro, claim=vname, size=size))
        elif mount.type == "volume" and not mount.source:
            out.append(VolumeUse(key, "empty-dir", "mapped",
                                 "an anonymous volume lives as long as its container: emptyDir",
                                 target, volume_name(f"scratch-{i}"), ro))
        elif mount.type == "volume":
            vol = mount.source or ""
            spec = top_volumes.get(vol) or {}
            users = inputs.users.get(vol, [])
            vname = volume_name(vol)
            if isinstance(spec, dict) and spec.get("external"):
                out.append(VolumeUse(
                    key, "decide", "decide", f"external volume {vol}: bind a PVC to the "
                    "PersistentVolume that holds its data, or restore it into a new one",
                    target, vname, ro))
            elif _scratch(mount, defaults):
                out.append(VolumeUse(key, "empty-dir", "approximated",
                                     f"volume {vol} holds a cache or scratch files: emptyDir "
                                     "(lost when the pod goes)", target, vname, ro))
            elif len(users) > 1:
                shared = ", ".join(u for u in users if u != name)
                out.append(VolumeUse(
                    key, "shared-pvc", "decide",
                    f"volume {vol} is shared with {shared}: a ReadWriteMany PVC needs a "
                    "storage class that offers it (NFS, CephFS, EFS); or give each its own",
                    target, vname, ro, claim=dns_label(vol), size=size))
            elif workload == "StatefulSet":
                out.append(VolumeUse(key, "claim-template", "approximated",
                                     f"volume {vol}: a claim template of {size} "
                                     f"({sized}), ReadWriteOnce", target, vname, ro,
                                     claim=vname, size=size))
            else:
                out.append(VolumeUse(key, "pvc", "approximated",
                                     f"volume {vol}: a PVC of {size} ({sized}), ReadWriteOnce; "
                                     "one pod at a time can mount it", target, vname, ro,
                                     claim=f"{label}-{vname}"[:63].rstrip("-"), size=size))
        elif mount.type == "bind":
            source = mount.source or ""
            # A folder the analysis counts as the service's data: kept out of the pod, it
            # would be lost on each restart.
            store = folders.get(target) if workload in _KEEPS_DATA and not ro else None
            if store is not None and not _data_folder(source, root, store):
                store = None
            if source.rstrip("/").endswith("docker.sock"):
                out.append(VolumeUse(key, "dropped", "dropped",
                                     "the Docker socket does not exist on a Kubernetes node: "
                                     "replace what uses it (see the plan's docker-socket item)",
                                     target))
            elif store is not None and store.access_mode == "ReadWriteMany":
                claim = shared_folder_claim(store)
                vname = volume_name(os.path.basename(source.rstrip("/")) or "data")
                out.append(VolumeUse(
                    key, "shared-pvc", "decide",
                    f"the data folder {shown_path(source, root)} on the host: {store.reason}; "
                    f"here the ReadWriteMany PVC {claim} of {size} ({sized}), mounted by "
                    "each, which needs a storage class that offers it (NFS, CephFS, EFS); copy "
                    "the data in (the plan's data-copy item)", target, vname, ro, claim=claim,
                    size=size))
            elif store is not None and workload == "Deployment":
                vname = volume_name(os.path.basename(source.rstrip("/")) or "data")
                out.append(VolumeUse(
                    key, "pvc", "approximated",
                    f"the data folder {shown_path(source, root)} on the host ({store.reason}): "
                    f"a PVC of {size} ({sized}), ReadWriteOnce: one pod at a time holds it "
                    "(replicas 1, strategy Recreate); copy the data in (the plan's data-copy "
                    "item)", target, vname, ro, claim=f"{label}-{vname}"[:63].rstrip("-"),
                    size=size))
            elif store is not None:
                vname = volume_name(os.path.basename(source.rstrip("/")) or "data")
                readers = (f"; a claim template is this pod's alone, so the read-only "
                           f"mount of {', '.join(store.readers)} needs a ReadWriteMany PVC "
                           "or a copy of its own" if store.readers else "")
                out.append(VolumeUse(
                    key, "claim-template", "approximated",
                    f"the data folder {shown_path(source, root)} on the host ({store.reason}): "
                    f"a claim template of {size} ({sized}), ReadWriteOnce; copy the data in "
                    f"(the plan's data-copy item){readers}", target, vname, ro,
                    claim=vname, size=size))
            elif not _inside(source, root):
                out.append(VolumeUse(key, "dropped", "dropped",
                                     "a host path is never emitted: pods move between nodes "
                                     "(see the plan's bind-mount item)", target))
            elif _regular_file(source):
                rel = os.path.relpath(source, root).replace(os.sep, "/")
                base = os.path.basename(source)
                secret = bool(_SECRET_FILE.search(base)) or holds_secret(
                    source, inputs.secret_pattern)
                if secret:
                    gen = dns_label(f"{label}-file-secrets")
                    out.append(VolumeUse(
                        key, "secret-file", "decide",
                        f"the file {rel} looks secret: a Secret from secret-files/{label}/"
                        f"{base} (not committed); copy the file there", target,
                        volume_name(f"file-{i}"), True, key_name=_file_key(base, i),
                        generator=gen, output_path=f"secret-files/{label}/{_file_key(base, i)}"))
                else:
                    gen = dns_label(f"{label}-files")
                    out.append(VolumeUse(
                        key, "config-file", "mapped",
                        f"the file {rel}: a ConfigMap from a copy in files/{label}/ "
                        "(regenerate after editing the original)", target,
                        volume_name(f"file-{i}"), True, source_file=source,
                        key_name=_file_key(base, i), generator=gen,
                        output_path=f"files/{label}/{_file_key(base, i)}"))
            elif os.path.isdir(source):
                out.append(VolumeUse(key, "decide", "decide",
                                     "a folder of the project: bake it into the image, or make "
                                     "a ConfigMap of its files in an overlay", target))
            else:
                out.append(VolumeUse(key, "dropped", "dropped",
                                     "the bind source is not a readable regular file of the "
                                     "project (missing, too big, or a link)", target))
        else:
            out.append(VolumeUse(key, "decide", "decide",
                                 f"a {mount.type} mount has no Kubernetes equivalent", target))
    for section in ("secrets", "configs"):
        out += _file_refs(section, svc, inputs, volume_name)
    for i, spec in enumerate(svc.get("tmpfs") or []):
        path = str(spec).split(":", 1)[0]
        out.append(VolumeUse(f"tmpfs[{i}]", "memory", "mapped", "tmpfs: an emptyDir in memory",
                             path, volume_name(f"tmpfs-key-{i}")))
    empty = set(getattr(entry, "empty_data_dirs", []) or [])
    out = [replace(v, sub_path="data", why=f"{v.why}; mounted from its folder data "
                   "(subPath): a new volume's lost+found would stop the first start, "
                   "which wants an empty data directory")
           if v.mode in ("claim-template", "pvc") and v.target.rstrip("/") in empty
           and not v.read_only else v for v in out]
    has_data = any(v.mode in ("claim-template", "pvc", "shared-pvc") for v in out)
    if workload == "StatefulSet" and not has_data and paths:
        target = moved or publishers_path(
            paths, image_repository(svc.image) if svc.image else "")
        if not any(v.target == target for v in out):
            vname = volume_name("data")
            out.append(VolumeUse(
                "volumes", "claim-template", "approximated",
                f"Compose keeps its data in no volume (lost on every recreate); a claim "
                f"template of {data_size} ({data_sized}) on {target}, "
                + ("the data directory its environment sets" if moved
                   else "the catalogue's data path"), target, vname, claim=vname,
                size=data_size))
    return tuple(out)


def moved_data_path(entry: Any, svc: Service) -> str:
    """The data directory the service's environment moves its engine's to (``PGDATA``,
    ``KAFKA_LOG_DIRS=/tmp/kraft-combined-logs``), or ``""``."""
    for var in getattr(entry, "data_path_variables", []) or []:
        value = str(svc.environment.get(var) or "").split(",")[0].strip().rstrip("/")
        if value.startswith("/") and len(value) > 1:
            return value
    return ""


def publishers_path(paths: list[str], repository: str) -> str:
    """The catalogue data path of the image's publisher (``bitnamilegacy/kafka`` keeps its
    data in ``/bitnami/kafka``, not ``/var/lib/kafka/data``), else the first one."""
    publisher = repository.split("/", 1)[0] if "/" in repository else ""
    for path in paths:
        if publisher and any(len(seg) > 3 and publisher.startswith(seg)
                             for seg in path.strip("/").split("/")[:2]):
            return path
    return paths[0]


def _file_refs(section: str, svc: Service, inputs: VolumeInputs,
               volume_name: Any) -> list[VolumeUse]:
    """A service's ``secrets`` or ``configs``: a Secret or ConfigMap by generator."""
    out: list[VolumeUse] = []
    top = inputs.project.compose.get(section) or {}
    secret = section == "secrets"
    for i, ref in enumerate(svc.get(section) or []):
        key = f"{section}[{i}]"
        source = str(ref.get("source", "")) if isinstance(ref, dict) else str(ref)
        spec = top.get(source) or {}
        written = str(ref.get("target") or "") if isinstance(ref, dict) else ""
        if secret:
            path = written if written.startswith("/") else f"/run/secrets/{written or source}"
        else:
            path = written if written.startswith("/") else f"/{written or source}"
        gen = dns_label(f"{'secret' if secret else 'config'}-{source}")
        base = os.path.basename(path) or source
        file_key = re.sub(r"[^-._a-zA-Z0-9]", "-", base).strip(".") or "file"
        vname = volume_name(f"{section}-{source}")
        if isinstance(spec, dict) and spec.get("external"):
            out.append(VolumeUse(key, "decide", "decide",
                                 f"external {section[:-1]} {source}: create it in the cluster "
                                 f"(named {gen}) before applying", path))
            continue
        if secret:
            origin = (f"the variable {spec['environment']}" if spec.get("environment")
                      else _shown(spec.get("file"), inputs.project.working_dir))
            out.append(VolumeUse(
                key, "secret-file", "mapped",
                f"Secret {gen} by generator: put the content of {origin} in "
                f"secret-files/{gen} (not committed), never in the manifests", path, vname,
                True, key_name=file_key, generator=gen, output_path=f"secret-files/{gen}"))
        elif spec.get("file") and _regular_file(str(spec["file"])) and _inside(
                str(spec["file"]), inputs.project.working_dir):
            out.append(VolumeUse(key, "config-file", "mapped",
                                 f"ConfigMap {gen} from a copy of "
                                 f"{_shown(spec['file'], inputs.project.working_dir)}",
                                 path, vname, True, source_file=str(spec["file"]),
                                 key_name=file_key, generator=gen,
                                 output_path=f"files/configs/{gen}"))
        elif "content" in spec:
            out.append(VolumeUse(key, "config-file", "mapped",
                                 f"ConfigMap {gen} from the inline content", path, vname, True,
                                 key_name=file_key, generator=gen, content=str(spec["content"]),
                                 output_path=f"files/configs/{gen}"))
        else:
            out.append(VolumeUse(key, "decide", "decide",
                                 f"config {source} comes from outside the project or a "
                                 "variable: make its ConfigMap in an overlay", path))
    return out


def _shown(path: Any, root: str) -> str:
    if not path:
        return "the secret"
    rel = os.path.relpath(str(path), root)
    return rel if not rel.startswith("..") else os.path.basename(str(path))


def _file_key(base: str, index: int) -> str:
    clean = re.sub(r"[^-._a-zA-Z0-9]", "-", base).strip(".") or "file"
    return f"{index}-{clean}"


# ---------------------------------------------------------------------- volumes_from

_SHARED_IN_POD = {"claim-template", "pvc", "shared-pvc", "empty-dir", "memory", "config-file",
                  "secret-file"}
"""What a container of the same pod can mount too: every pod volume."""


@dataclass(frozen=True)
class VolumesFrom:
    """One entry of a service's ``volumes_from``."""

    index: int
    source: str
    """The service whose mounts are shared; ``""`` for ``container:NAME``."""
    mode: str | None
    """``ro``, ``rw``, or None (each mount keeps the source's mode)."""

    @property
    def key(self) -> str:
        """The ledger key."""
        return f"volumes_from[{self.index}]"

    def read_only(self, source_read_only: bool) -> bool:
        """Whether a mount of the source is read-only here (as Docker decides)."""
        return self.mode == "ro" or (self.mode is None and source_read_only)


def volumes_from_refs(svc: Service) -> list[VolumesFrom]:
    """A service's ``volumes_from`` entries (``SERVICE[:ro|:rw]``, ``container:NAME[:MODE]``)."""
    out = []
    for i, entry in enumerate(svc.get("volumes_from") or []):
        text = str(entry)
        if text.startswith("container:"):
            out.append(VolumesFrom(i, "", None))
            continue
        source, _, mode = text.partition(":")
        out.append(VolumesFrom(i, source, mode if mode in ("ro", "rw") else None))
    return out


def shared_named_volumes(svc: Service) -> list[str]:
    """The named volumes of a service: what another pod can share through the same claim."""
    return [m.source for m in svc.volumes if m.type == "volume" and m.source]


def inherited_uses(ref: VolumesFrom, source_uses: tuple[VolumeUse, ...] | None,
                   same_pod: bool, taken: set[str]) -> list[VolumeUse]:
    """What one ``volumes_from`` entry becomes in the service's container.

    Args:
        ref: The entry.
        source_uses: What each mount of the source service became (None when the source
            is not deployed).
        same_pod: The two services run in one pod (``network_mode: service:X``).
        taken: The pod volume names the service already uses (a claim mounted from
            another pod gets a name of its own; updated).

    Returns:
        In one pod: every pod volume of the source, mounted at the same path (read-only
        with ``:ro``). In two pods: each named volume's claim, which is ReadWriteMany (a
        ``decide`` entry says so), and a ``decide`` entry for the mounts that cannot be
        shared. A single ``decide`` entry when nothing can be shared.
    """
    key = ref.key
    if not ref.source:
        return [VolumeUse(key, "decide", "decide",
                          "volumes_from a container outside the project: mount what it "
                          "holds (a PVC or a ConfigMap) in an overlay", "")]
    if source_uses is None:
        return [VolumeUse(key, "decide", "decide",
                          f"{ref.source} is not deployed, so its volumes cannot be shared: "
                          "give this service its own, or deploy that service", "")]
    out: list[VolumeUse] = []
    left: list[str] = []
    for u in source_uses:
        ro = ref.read_only(u.read_only)
        if same_pod and u.mode in _SHARED_IN_POD:
            out.append(replace(u, key=key, status="mapped", read_only=ro, why=(
                f"shares {ref.source}'s {u.key} inside the pod: the same volume "
                f"{u.volume} mounted in both containers at {u.target}"
                + (", read-only" if ro else ""))))
        elif not same_pod and u.mode == "shared-pvc":
            name = _unique(u.volume, taken)
            out.append(replace(u, key=key, status="decide", read_only=ro, volume=name, why=(
                f"mounts {ref.source}'s {u.key} through the same claim {u.claim}, from "
                "another pod: ReadWriteMany, which needs a storage class that offers it "
                "(NFS, CephFS, EFS); or run both in one pod (network_mode: service:"
                f"{ref.source})")))
        else:
            left.append(u.key)
    if left:
        shown = ", ".join(left)
        why = (f"{ref.source}'s {shown} cannot be shared "
               + ("inside the pod (not a pod volume)" if same_pod else
                  "from another pod (only named volumes can, through a claim)")
               + ": give this service its own, or run both in one pod")
        out.append(VolumeUse(key, "decide", "decide", why, ""))
    if not source_uses:
        out.append(VolumeUse(key, "nothing", "mapped",
                             f"{ref.source} mounts nothing: nothing to share", ""))
    return out


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate = dns_label(f"{base}-{n}")
        n += 1
    taken.add(candidate)
    return candidate

