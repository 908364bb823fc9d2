"""What the builders read about each service, worked out once from the typed analysis.

:func:`project_facts` decides, for every service, its workload kind (with the reason),
its Kubernetes name, the ports its clients really use, which variables are secrets, what
each volume becomes, and who depends on it. Builders read these facts and nothing else
of the Compose files, so a rule (which port is published, which value is a secret) lives
in one place.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from migrate_tui.analysis.catalogue import Catalogue, image_repository, load_catalogue
from migrate_tui.analysis.evidence import Locator, has_url_credentials, is_secret_name
from migrate_tui.analysis.findings import load_findings_playbook
from migrate_tui.analysis.model import Analysis, ServiceAnalysis
from migrate_tui.compose.model import Mount, Project, Service
from migrate_tui.errors import Location, ManifestError
from migrate_tui.manifests.knowledge import KeyTable, ManifestDefaults
from migrate_tui.manifests.model import Status
from migrate_tui.manifests.names import dns_label, unique_labels

WorkloadKind = Literal["Deployment", "StatefulSet", "Job", "CronJob", "DaemonSet"]
VolumeMode = Literal["claim-template", "pvc", "shared-pvc", "empty-dir", "memory",
                     "config-file", "secret-file", "dropped", "decide"]
SecretsMode = Literal["generator", "external-secrets"]
MAX_CONFIG_FILE = 1 << 20
"""Largest bind-mounted file copied into a ConfigMap (a ConfigMap holds at most 1 MiB)."""
MAX_PORT_RANGE = 32
_QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$")
_SECRET_FILE = re.compile(r"(?i)(\.env$|\.pem$|\.key$|\.p12$|\.pfx$|\.jks$|id_rsa|"
                          r"secret|passw|token|credential)")


@dataclass(frozen=True)
class PortUse:
    """A port of a service that something uses."""

    port: int
    protocol: str
    """TCP, UDP or SCTP."""
    published: bool
    """Published on the host in Compose: reachable from outside."""
    name: str
    """The port's name, an IANA service name (``tcp-8080``)."""


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


@dataclass(frozen=True)
class ServiceFacts:
    """Everything a builder needs about one service."""

    name: str
    label: str
    """The DNS-1035 name of its objects."""
    svc: Service
    analysis: ServiceAnalysis
    workload: WorkloadKind | None
    workload_why: str
    file: str
    """The manifest file of the service (``api.yaml``)."""
    source: str
    """``file:line`` of the service in the Compose files."""
    ports: tuple[PortUse, ...] = ()
    secret_env: frozenset[str] = frozenset()
    volumes: tuple[VolumeUse, ...] = ()
    sidecars: tuple[str, ...] = ()
    """Services whose ``network_mode: service:<this>`` puts them in this pod."""
    owner: str | None = None
    """The service whose pod this one runs in (``network_mode: service:X``)."""
    dependants: Mapping[str, frozenset[int]] = field(default_factory=dict)
    """Deployed services that need this one, each with the ports named (empty: any)."""
    hint: Mapping[str, Any] = field(default_factory=dict)
    """The service's ``x-migrate`` keys the generator reads (``storage``, ``schedule``)."""
    software_entry: Any = None
    """The catalogue entry of what it runs, when known."""
    repository: str = ""
    """The image's repository path (``bitnami/redis``), or ``""``."""

    @property
    def deployed(self) -> bool:
        """True when the service runs in the cluster (its own workload or a pod's)."""
        return self.workload is not None or self.owner is not None


@dataclass(frozen=True)
class Context:
    """The project, its analysis and what the builders share."""

    project: Project
    analysis: Analysis
    defaults: ManifestDefaults
    keys: KeyTable
    facts: Mapping[str, ServiceFacts]
    """Every service, active or not, by Compose name (sorted)."""
    project_label: str
    secrets_mode: SecretsMode = "generator"
    locator: Locator | None = None
    secret_values: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Each secret value of the project -> (service, variable) that holds it: where it
    shows in a command or a probe, a reference to that variable replaces it."""
    secret_pattern: re.Pattern[str] | None = None
    """Finds any of ``secret_values`` in a text (None when the project has none)."""

    @property
    def env_secret_name(self) -> str:
        """The Secret holding every secret variable (from ``secrets.env``)."""
        return f"{self.project_label}-env-secrets"

    def deployed(self) -> list[ServiceFacts]:
        """Services that run in the cluster, by name."""
        return [f for f in self.facts.values() if f.deployed]


def _secret_rule() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    params = load_findings_playbook().rules["plain-secret"].params
    return (re.compile(params["names"]), re.compile(params["ignore_names"]),
            re.compile(params["ignore_values"]))


@cache
def _secret_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return _secret_rule()


_INLINE_PASSWORD = re.compile(r"(?i)(^|[;&?\s])(password|passwd|pwd)=[^;&\s]+")
_URL_PASSWORD = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^:@/\s]*:([^@/\s]+)@")


def is_secret_variable(key: str, value: str | None) -> bool:
    """Whether a variable goes in the Secret: the analysis's plain-secret rule (its name
    and value), any name that says secret, a URL with a password inside, or a connection
    string with ``Password=``."""
    if value is None:
        return False
    names, ignore_names, ignore_values = _secret_patterns()
    if has_url_credentials(value) or _INLINE_PASSWORD.search(value):
        return True
    if ignore_values.search(value.strip()):
        return False
    return bool(names.search(key) and not ignore_names.search(key)) or is_secret_name(key)


def _ports(svc: Service, analysis: ServiceAnalysis, inferred: set[int],
           sidecar_services: list[Service]) -> tuple[tuple[PortUse, ...], list[str]]:
    found: dict[tuple[int, str], bool] = {}
    too_wide: list[str] = []

    def add(port: int, protocol: str, published: bool) -> None:
        if 1 <= port <= 65535:
            key = (port, protocol.upper())
            found[key] = found.get(key, False) or published

    for owner in [svc, *sidecar_services]:
        for p in owner.ports:
            add(p.target, p.protocol or "tcp", p.published is not None)
        for i, entry in enumerate(owner.expose):
            text, _, proto = str(entry).partition("/")
            low, _, high = text.partition("-")
            if not low.isdigit() or (high and not high.isdigit()):
                continue
            first, last = int(low), int(high or low)
            if last - first >= MAX_PORT_RANGE:
                too_wide.append(f"expose[{i}]")
                last = first
            for port in range(first, last + 1):
                add(port, proto or "tcp", False)
    for key, value in sorted(svc.labels.items()):  # the port a Traefik router sends to
        if key.startswith("traefik.http.services.") and key.endswith(
                ".loadbalancer.server.port") and str(value).isdigit():
            add(int(value), "tcp", False)
    for port in sorted(inferred | set(analysis.ports)):
        if not any(k[0] == port for k in found):
            add(port, "tcp", False)
    out = tuple(PortUse(port, proto, pub, f"{proto.lower()}-{port}")
                for (port, proto), pub in sorted(found.items()))
    return out, too_wide


def _hint(svc: Service, locator: Locator | None) -> dict[str, Any]:
    raw = svc.extensions.get("x-migrate")
    if not isinstance(raw, dict):
        return {}
    out: dict[str, Any] = {}

    def bad(key: str, message: str, fix: str) -> ManifestError:
        ev = locator.key(svc.name, "x-migrate", key) if locator else None
        return ManifestError(message, location=Location(ev.file, ev.line) if ev else None,
                             path=f"services.{svc.name}.x-migrate.{key}", hint=fix)

    if "storage" in raw:
        size = str(raw["storage"])
        if not _QUANTITY.fullmatch(size):
            raise bad("storage", f"x-migrate.storage of {svc.name} is not a size: {size!r}",
                      "write a Kubernetes quantity, like storage: 20Gi")
        out["storage"] = size
    if "schedule" in raw:
        schedule = raw["schedule"]
        if not isinstance(schedule, str) or len(schedule.split()) not in (5, 6):
            raise bad("schedule", f"x-migrate.schedule of {svc.name} is not a cron schedule",
                      'write a cron line, like schedule: "0 3 * * *"')
        out["schedule"] = schedule
    return out


def _node_agent(svc: Service, defaults: ManifestDefaults) -> str | None:
    mode = ((svc.get("deploy") or {}).get("mode"))
    if mode == "global":
        return "deploy.mode: global runs one per node"
    for mount in svc.volumes:
        if mount.type == "bind" and mount.source:
            source = mount.source.rstrip("/") or "/"
            if source in defaults.node_agent_paths:
                return f"it mounts the host's {source}"
    return None


def _workload(name: str, svc: Service, sa: ServiceAnalysis, hint: Mapping[str, Any],
              owner: str | None, defaults: ManifestDefaults) -> tuple[WorkloadKind | None, str]:
    if not sa.active:
        return None, "its profiles are not enabled: no workload"
    if sa.kind == "dev-only":
        why = sa.kind_reasons[0] if sa.kind_reasons else "a development tool"
        return None, f"dev-only ({why}): not deployed"
    if owner is not None:
        return None, f"network_mode: service:{owner} puts it in {owner}'s pod"
    if sa.kind == "job":
        if "schedule" in hint:
            return "CronJob", "a job with an x-migrate schedule"
        why = sa.kind_reasons[0] if sa.kind_reasons else "it runs once"
        return "Job", f"a one-shot job ({why})"
    agent = _node_agent(svc, defaults)
    if agent:
        return "DaemonSet", f"a node agent: {agent}"
    if sa.service_class == "stateful":
        why = sa.reasons[0] if sa.reasons else "it keeps data"
        return "StatefulSet", f"stateful: {why}"
    return "Deployment", "stateless"


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


def _scratch(mount: Mount, defaults: ManifestDefaults) -> bool:
    words = [w.lower() for w in defaults.scratch_names]
    name = (mount.source or "").lower()
    return mount.target in words or any(
        w and not w.startswith("/") and w in re.split(r"[^a-z0-9]+", name) for w in words)


@dataclass
class _VolumeInputs:
    project: Project
    defaults: ManifestDefaults
    users: Mapping[str, list[str]]
    """Named volume -> deployed services mounting it."""
    secret_pattern: re.Pattern[str] | None = None


def _volumes(name: str, label: str, svc: Service, workload: WorkloadKind | None,
             entry: Any, hint: Mapping[str, Any], inputs: _VolumeInputs,
             sa: ServiceAnalysis) -> tuple[VolumeUse, ...]:
    out: list[VolumeUse] = []
    defaults = inputs.defaults
    top_volumes = inputs.project.compose.get("volumes") or {}
    root = inputs.project.working_dir
    size = hint.get("storage") or defaults.storage_size(sa.category, sa.software)
    sized = "the x-migrate storage hint" if "storage" in hint else (
        f"the catalogue's default for {sa.software or sa.category}" if sa.category
        else "the default size")
    used_names: set[str] = set()

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
        if mount.type == "tmpfs":
            out.append(VolumeUse(key, "memory", "mapped", "tmpfs: an emptyDir in memory",
                                 target, volume_name(f"tmpfs-{i}"), ro))
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
            if source.rstrip("/").endswith("docker.sock"):
                out.append(VolumeUse(key, "dropped", "dropped",
                                     "the Docker socket does not exist on a Kubernetes node: "
                                     "replace what uses it (see the plan's docker-socket item)",
                                     target))
            elif not _inside(source, root):
                out.append(VolumeUse(key, "dropped", "dropped",
                                     "a host path is never emitted: pods move between nodes "
                                     "(see the plan's bind-mount item)", target))
            elif _regular_file(source):
                rel = os.path.relpath(source, root).replace(os.sep, "/")
                base = os.path.basename(source)
                secret = bool(_SECRET_FILE.search(base)) or _holds_secret(
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
    has_data = any(v.mode in ("claim-template", "pvc", "shared-pvc") for v in out)
    paths = list(getattr(entry, "data_paths", []) or [])
    if workload == "StatefulSet" and not has_data and paths:
        target = paths[0]
        if not any(v.target == target for v in out):
            vname = volume_name("data")
            out.append(VolumeUse(
                "volumes", "claim-template", "approximated",
                f"Compose keeps its data in no volume (lost on every recreate); a claim "
                f"template of {size} ({sized}) on {target}, the catalogue's data path",
                target, vname, claim=vname, size=size))
    return tuple(out)


def _file_refs(section: str, svc: Service, inputs: _VolumeInputs,
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


def _holds_secret(path: str, pattern: re.Pattern[str] | None) -> bool:
    """Whether a file holds one of the project's secret values (then it is not copied)."""
    if pattern is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return True
    with os.fdopen(fd, "rb") as fh:
        text = fh.read(MAX_CONFIG_FILE).decode("utf-8", "replace")
    return pattern.search(text) is not None


MIN_SCRUBBED = 4
"""Shortest secret value replaced where it shows (shorter ones are words: ``root``...)."""


def _secret_values(services: Mapping[str, Service],
                   secret_env: Mapping[str, frozenset[str]]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for name, svc in services.items():
        for var in sorted(secret_env[name]):
            value = svc.environment.get(var)
            if value and len(value) >= MIN_SCRUBBED and value not in out:
                out[value] = (name, var)
    return out


def secret_regex(values: Mapping[str, Any]) -> re.Pattern[str] | None:
    """One pattern finding any of the values, longest first."""
    if not values:
        return None
    return re.compile("|".join(re.escape(v) for v in sorted(values, key=lambda v: (-len(v), v))))


def _file_key(base: str, index: int) -> str:
    clean = re.sub(r"[^-._a-zA-Z0-9]", "-", base).strip(".") or "file"
    return f"{index}-{clean}"


def project_facts(project: Project, analysis: Analysis, defaults: ManifestDefaults,
                  keys: KeyTable, *, secrets_mode: SecretsMode = "generator",
                  catalogue: Catalogue | None = None) -> Context:
    """Work out every service's facts once.

    Raises:
        ManifestError: An ``x-migrate`` hint the generator reads is malformed.
    """
    catalogue = catalogue or load_catalogue()
    locator = Locator(project)
    services: dict[str, Service] = dict(sorted({**project.inactive_services,
                                                **project.services}.items()))
    labels = unique_labels(services)
    owners: dict[str, str] = {}
    for name, svc in services.items():
        mode = svc.network_mode or ""
        if mode.startswith("service:"):
            target = mode.split(":", 1)[1]
            if target in project.services and target != name and name in project.services:
                owners[name] = target
    # A chain (a in b's pod, b in c's) ends in the last one.
    for name in list(owners):
        seen = {name}
        while owners[name] in owners and owners[name] not in seen:
            seen.add(owners[name])
            owners[name] = owners[owners[name]]
    sidecars: dict[str, list[str]] = {}
    for name, owner in sorted(owners.items()):
        sidecars.setdefault(owner, []).append(name)

    hints = {name: _hint(svc, locator) for name, svc in services.items()}
    workloads = {}
    for name, svc in services.items():
        workloads[name] = _workload(name, svc, analysis.services[name], hints[name],
                                    owners.get(name), defaults)
    # Owners whose own workload is missing (a dev-only owner) leave the sidecar alone.
    for name, owner in list(owners.items()):
        if workloads[owner][0] is None:
            del owners[name]
            sidecars[owner].remove(name)
            workloads[name] = _workload(name, services[name], analysis.services[name],
                                        hints[name], None, defaults)
    deployed = {n for n, (w, _) in workloads.items() if w is not None} | set(owners)

    def pod_of(name: str) -> str:
        return owners.get(name, name)

    users: dict[str, list[str]] = {}
    for name in sorted(deployed):
        for mount in services[name].volumes:
            if mount.type == "volume" and mount.source:
                mounting = users.setdefault(mount.source, [])
                if pod_of(name) not in [pod_of(u) for u in mounting]:
                    mounting.append(name)
    secret_env = {name: frozenset(k for k, v in svc.environment.items()
                                  if is_secret_variable(k, v))
                  for name, svc in services.items()}
    values = _secret_values(services, secret_env)
    pattern = secret_regex(values)
    passwords = {m: None for name, svc in services.items() for k in secret_env[name]
                 for m in _URL_PASSWORD.findall(svc.environment.get(k) or "")
                 if len(m) >= MIN_SCRUBBED}
    leaks = secret_regex({**values, **passwords})
    if leaks is not None:  # a plain variable that holds a secret value is a secret too
        for name, svc in services.items():
            held = {k for k, v in svc.environment.items()
                    if v and k not in secret_env[name] and leaks.search(v)}
            if held:
                secret_env[name] = secret_env[name] | held
    inputs = _VolumeInputs(project, defaults, users, leaks)

    inferred: dict[str, set[int]] = {n: set() for n in services}
    dependants: dict[str, dict[str, set[int]]] = {n: {} for n in services}
    for edge in analysis.edges:
        if edge.kind == "shared_volume" or edge.target not in services:
            continue
        if edge.port is not None:
            inferred[pod_of(edge.target)].add(edge.port)
        if edge.source in deployed and edge.target in deployed and \
                pod_of(edge.source) != pod_of(edge.target):
            named = dependants[pod_of(edge.target)].setdefault(pod_of(edge.source), set())
            if edge.port is not None:
                named.add(edge.port)

    facts: dict[str, ServiceFacts] = {}
    for name, svc in services.items():
        sa = analysis.services[name]
        label = labels[name]
        workload, why = workloads[name]
        entry = catalogue.match_image(svc.image) if svc.image else None
        if entry is None and sa.kind == "service":
            entry = catalogue.match_name(name)
        ports, _ = _ports(svc, sa, inferred[name],
                          [services[s] for s in sidecars.get(name, [])])
        ev = locator.key(name)
        facts[name] = ServiceFacts(
            name=name, label=label, svc=svc, analysis=sa, workload=workload,
            workload_why=why, file=f"{label}.yaml", source=ev.where,
            ports=ports if workload is not None else (), secret_env=secret_env[name],
            volumes=_volumes(name, label, svc, workload or (
                workloads[owners[name]][0] if name in owners else None),
                entry, hints[name], inputs, sa) if name in deployed else (),
            sidecars=tuple(sidecars.get(name, [])), owner=owners.get(name),
            dependants={k: frozenset(v) for k, v in sorted(dependants[name].items())},
            hint=hints[name], software_entry=entry,
            repository=image_repository(svc.image) if svc.image else "",
        )
    return Context(project=project, analysis=analysis, defaults=defaults, keys=keys,
                   facts=facts, project_label=dns_label(project.name or "project"),
                   secrets_mode=secrets_mode, locator=locator, secret_values=values,
                   secret_pattern=pattern)
