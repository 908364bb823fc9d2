"""Stateful or stateless, service, job or dev-only: each with the reasons that decided it.

The class adds up signals, each a weight (positive: keeps data; negative: keeps none) and
a reason a person can check:

- the catalogue of images (``playbooks/catalogue/stateful_images.yaml``): a database,
  queue, search engine or object store is stateful; Redis, Valkey, NATS and the
  observability stores only with persistence on (a volume on their data path, or a flag
  such as ``--appendonly yes`` or ``-js``); memcached and web servers never;
- mounts: a writable named volume or bind mount on a data path (``/var/lib/...``,
  ``.../data``) keeps data; tmpfs, read-only config files, source-code mounts and the
  Docker socket do not;
- the service's name, when the image says nothing (``db``, ``postgres`` built locally);
- its kind: a one-shot job or a dev tool keeps nothing worth migrating.

The weights are data, each with the sentence that justifies it
(``playbooks/catalogue/weights.yaml``). The confidence grows with the size of the sum.
``x-migrate: {stateful: true|false}`` in the compose file, or an override from the
progress file, decides outright.

The kind is ``dev-only`` (an admin UI or fake mail server from the catalogue, a profile
named dev/debug/test, a dependency others declare with ``required: false``, or a service
only a development compose file defines, merged over production ones), else
``daemon`` (a node agent: ``deploy.mode: global``, a log shipper's or node exporter's image,
a bind mount of the node's logs, containers or kernel views, or the Docker socket unless it
is a reverse proxy reading its routes there), else ``tool`` (no port, and a command that
only keeps it alive, or ``tty`` and ``stdin_open`` with no command of its own or a
toolbox's name), else
``job`` (others wait for it with ``service_completed_successfully``, ``restart: "no"`` with
a command, a one-shot name such as ``migrate`` or ``minio-init``, a migration command with
nothing long-running after it), else ``service``.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from migrate_tui.analysis.catalogue import Catalogue, ConfidenceScale, ImageEntry, any_match
from migrate_tui.analysis.evidence import Locator, shorten
from migrate_tui.analysis.model import KINDS, ServiceClass, ServiceKind
from migrate_tui.compose.model import Mount, Service
from migrate_tui.errors import AnalysisError, Location

Override = Mapping[str, Any]
"""``{"class": "stateful"|"stateless", "kind": one of KINDS}``, either key."""

MountRole = Literal["socket", "tmpfs", "host", "config", "scratch", "source", "data", "files",
                    "other"]

SharedMounts = Mapping[str, list[str]]
"""For each mount a service shares (:func:`mount_key`), the other services mounting it."""

class Signal(NamedTuple):
    """One piece of evidence for the class.

    A named tuple, not a frozen dataclass: every service gets a few, and a frozen dataclass
    takes nearly twice as long to make (it sets its fields one by one).
    """

    weight: float
    """Positive: keeps data; negative: keeps none. 1.0 is decisive on its own. The values
    are ``playbooks/catalogue/weights.yaml``'s, each with the reason for it."""
    reason: str


class Incoming(NamedTuple):
    """How another service depends on this one (a named tuple, like :class:`Signal`)."""

    source: str
    condition: str
    required: bool


@dataclass
class Classification:
    """The classifier's answer for one service."""

    service_class: ServiceClass
    kind: ServiceKind
    reasons: list[str]
    kind_reasons: list[str]
    confidence: float
    overridden: bool = False
    entry: ImageEntry | None = None
    signals: list[Signal] = field(default_factory=list)


# ---------------------------------------------------------------------- mounts


def mount_role(mount: Mount, catalogue: Catalogue) -> MountRole:
    """What a mount is for, read from its type, source, target and mode."""
    h = catalogue.heuristics
    target = mount.target
    if mount.type == "tmpfs":
        return "tmpfs"
    if mount.type == "bind":
        source = mount.source or ""
        if any_match(h.docker_sockets, source) or any_match(h.docker_sockets, target):
            return "socket"
        if any_match(h.host_paths, source):
            return "host"
    if any_match(h.scratch_paths, target):
        return "scratch"
    if mount.type == "volume" and mount.source and any_match(h.scratch_paths, mount.source):
        return "scratch"  # the volume's own name says it is a cache
    if mount.read_only or any_match(h.config_paths, target):
        return "config"
    if any_match(h.file_paths, target):
        return "files"
    if any_match(h.data_paths, target):
        return "data"
    if any_match(h.source_paths, target):
        return "source"
    return "other"


def mount_key(mount: Mount) -> str | None:
    """What two services share when they mount the same thing: a volume or a host folder."""
    if mount.type == "volume" and mount.source:
        return f"volume {mount.source}"
    if mount.type == "bind" and mount.source:
        return f"bind mount {mount.source}"
    return None


def on_paths(target: str, paths: list[str]) -> bool:
    """Whether a mount at ``target`` holds one of ``paths``: at it or at a parent of it.

    A mount below a data path (``/var/lib/grafana/dashboards``) holds files put there, not
    the data.
    """
    target = target.rstrip("/") or "/"
    return any(target == p.rstrip("/") or p.startswith(target.rstrip("/") + "/") for p in paths)


def _mount_name(mount: Mount, root: str = "") -> str:
    if mount.type == "volume":
        return f"volume {mount.source}" if mount.source else "an anonymous volume"
    if mount.type == "bind":
        return f"bind mount {shown_path(mount.source or '', root)}"
    return mount.type


def shown_path(path: str, root: str) -> str:
    """A host path as a person wrote it: ``./data`` inside the project folder."""
    if root and (path == root or path.startswith(root.rstrip("/") + "/")):
        rest = path[len(root.rstrip("/")) + 1:]
        return f"./{rest}" if rest else "."
    return path


def _mount_signal(mount: Mount, catalogue: Catalogue, entry: ImageEntry | None,
                  shared: SharedMounts, root: str) -> Signal | None:
    role = mount_role(mount, catalogue)
    w = catalogue.weights.mounts
    at = f"{_mount_name(mount, root)} at {mount.target}"
    writable = not mount.read_only
    named = mount.type == "volume" and bool(mount.source)
    data = role == "data" or (entry is not None and on_paths(mount.target, entry.data_paths)
                              and role in ("data", "files", "other"))
    others = shared.get(mount_key(mount) or "")
    if role == "socket":
        return Signal(w.docker_socket.value, "mounts the Docker socket: a proxy or an agent, "
                                             "with no data of its own")
    if role == "tmpfs":
        return Signal(w.tmpfs.value, f"tmpfs at {mount.target}: scratch space (an emptyDir)")
    if role == "config":
        return Signal(w.config.value, f"{at}: configuration (a ConfigMap or Secret)")
    if role == "scratch":
        return Signal(w.scratch.value, f"{at}: scratch, cache or build output")
    if role == "source" and not data:
        return Signal(w.source_code.value, f"{at}: source code, mounted for development")
    if role == "host":
        return Signal(w.host_path.value, f"{at}: a path of the host machine")
    if not writable or not (named or mount.type == "bind" or data):
        return None
    if others:
        return Signal(w.shared.value, f"shares {_mount_name(mount, root)} ({mount.target}) with "
                           f"{', '.join(others)}: files to keep, not its own state")
    if role == "files" and not data:
        return Signal(w.files.value, f"writes files to {at} (a PVC, or object storage)")
    if data:
        weight = (w.data_named_volume if named else w.data_bind_mount if mount.type == "bind"
                  else w.data_anonymous_volume).value
        suffix = " (lost with `docker compose down -v`)" if not named and mount.type == "volume" \
            else ""
        return Signal(weight, f"writes to {at}{suffix}")
    if named:
        return Signal(w.named_volume.value, f"writes to {at}")
    return None


def _mount_signals(svc: Service, catalogue: Catalogue, entry: ImageEntry | None,
                   shared: SharedMounts, root: str) -> list[Signal]:
    """One signal per mount; only the strongest for and the strongest against count.

    Three data volumes do not make a service more stateful than one does.
    """
    if not svc.volumes:
        return []  # most services
    signals = [s for m in svc.volumes if (s := _mount_signal(m, catalogue, entry, shared, root))]
    strongest_for = max((s.weight for s in signals if s.weight > 0), default=0.0)
    strongest_against = min((s.weight for s in signals if s.weight < 0), default=0.0)
    out, used_for, used_against = [], False, False
    for signal in signals:
        weight = 0.0
        if signal.weight == strongest_for and not used_for and signal.weight > 0:
            weight, used_for = signal.weight, True
        elif signal.weight == strongest_against and not used_against and signal.weight < 0:
            weight, used_against = signal.weight, True
        out.append(Signal(weight, signal.reason) if weight or signal.weight == 0 else
                   Signal(0.0, signal.reason))
    return out


def storage_switch(svc: Service, catalogue: Catalogue) -> tuple[str, str] | None:
    """The variable that switches file storage on (``STORAGE_BACKEND=file``) and the
    writable mount that holds the files, when a service has both; else None."""
    h = catalogue.heuristics
    if not svc.environment or not svc.volumes:
        return None
    for key, value in sorted(svc.environment.items()):
        if value and any_match(h.storage_switch_keys, key) and \
                any_match(h.storage_switch_values, value):
            for mount in svc.volumes:
                if (mount.type in ("volume", "bind") and not mount.read_only and
                        mount_role(mount, catalogue) not in ("config", "socket", "host",
                                                             "scratch", "source")):
                    return f"{key}={value}", mount.target
    return None


def _persistent(svc: Service, entry: ImageEntry, catalogue: Catalogue,
                root: str = "") -> str | None:
    """Why a when-persisted service keeps data, or None when it does not."""
    if persistence_off(svc, entry):
        return None
    for mount in svc.volumes:
        if mount.read_only or mount.type not in ("volume", "bind"):
            continue
        if mount_role(mount, catalogue) in ("config", "socket", "host"):
            continue
        named_or_bind = mount.type == "bind" or bool(mount.source)
        if named_or_bind and on_paths(mount.target, entry.data_paths):
            return f"{_mount_name(mount, root)} on {mount.target}"
    line = " ".join([*(svc.entrypoint or []), *(svc.command or [])])
    for pattern in entry.persistence_flags:
        found = pattern.search(line)
        if found:
            return f"persistence turned on by `{found.group().strip()}`"
    return None


def persistence_off(svc: Service, entry: ImageEntry) -> str | None:
    """The flag that turns a cache's persistence off (``--save ""``), unless another turns
    it on; None when there is none. Such a cache is stateless, whatever its volumes."""
    if not entry.no_persistence_flags:
        return None
    line = " ".join([*(svc.entrypoint or []), *(svc.command or [])])
    if any_match(entry.persistence_flags, line):
        return None
    for pattern in entry.no_persistence_flags:
        found = pattern.search(line)
        if found:
            return found.group().strip() or "--save"
    return None


def _article(category: str) -> str:
    words = {"object-store": "an object store", "vector-db": "a vector database",
             "web-server": "a web server or proxy", "coordination": "a coordination service",
             "secrets": "a secrets store", "directory": "a directory server",
             "observability": "an observability store", "search": "a search engine",
             "queue": "a message broker", "cache": "a cache", "database": "a database"}
    return words.get(category, category)


def _entry_signals(svc: Service, entry: ImageEntry, by: str, weight: float,
                   catalogue: Catalogue, root: str) -> list[Signal]:
    """Signals from a catalogue entry; ``by`` says how it matched (``image``, the name)."""
    what = f"{by} ({_article(entry.category)})"
    if entry.state == "stateful":
        return [Signal(weight, what)]
    if entry.state == "stateless":
        return [Signal(-weight, f"{what}, which keeps no data")]
    why = _persistent(svc, entry, catalogue, root)
    w = catalogue.weights.catalogue
    if why:
        return [Signal(weight * w.persisted.value, f"{what} with persistence: {why}")]
    off = persistence_off(svc, entry)
    if off:
        return [Signal(-weight * w.not_persisted.value,
                       f"{what} with persistence off (`{off}`): a cache, nothing to keep")]
    return [Signal(-weight * w.not_persisted.value,
                   f"{what} with no volume on its data path and no persistence flag: a "
                   "restart loses its data")]


def class_signals(svc: Service, kind: ServiceKind, catalogue: Catalogue,
                  shared: SharedMounts | None = None,
                  root: str = "") -> tuple[list[Signal], ImageEntry | None]:
    """The signals for a service's class, and the catalogue entry that matched.

    Args:
        svc: The service.
        kind: Its kind: a job or a dev tool keeps nothing worth migrating, whatever it runs.
        catalogue: The catalogue.
        shared: For each mount this service shares (:func:`mount_key`), the others.
        root: The project folder, to show host paths relative to it.
    """
    signals: list[Signal] = []
    w = catalogue.weights
    entry = catalogue.match_image(svc.image)
    dev = catalogue.match_dev_only(svc.image)
    known = entry is not None or dev is not None
    # A job that runs a database's image (to create topics, load a schema) is no database.
    strength = (w.catalogue.known_image_in_job if kind in ("job", "tool")
                else w.catalogue.known_image).value
    if entry is not None:
        signals += _entry_signals(svc, entry, f"{entry.name} image", strength, catalogue, root)
    elif dev is None:
        named = catalogue.match_name(svc.name)
        if named is not None:
            entry = named
            known = True
            signals += _entry_signals(svc, named, f"named {svc.name!r} like a {named.name}",
                                      w.catalogue.named_like_known.value * strength, catalogue,
                                      root)
        elif catalogue.is_database_name(svc.name):
            known = True
            signals.append(Signal(w.catalogue.database_name.value * strength,
                                  f"named {svc.name!r}: the project's database"))
    if dev is not None:
        signals.append(Signal(w.catalogue.dev_only_image.value,
                              f"{dev.name} image ({dev.purpose})"))
    mounts = _mount_signals(svc, catalogue, entry, shared or {}, root)
    switch = storage_switch(svc, catalogue)
    if switch and kind == "service":
        mounts.append(Signal(w.mounts.file_storage_switch.value,
                             f"{switch[0]} stores files in {switch[1]}"))
    signals += mounts
    if kind == "job":
        signals.append(Signal(w.kinds.job.value, "a one-shot job: it keeps nothing between runs"))
    elif kind == "daemon":
        signals.append(Signal(w.kinds.daemon.value,
                              "a node agent: it reads the node and keeps nothing to move"))
    elif kind == "tool":
        signals.append(Signal(w.kinds.tool.value,
                              "an interactive toolbox: it keeps nothing between sessions"))
    elif kind == "dev-only" and dev is None:
        signals.append(Signal(w.kinds.dev_only.value,
                              "a development aid: nothing in it to migrate"))
    keeps = any(s.weight > 0 for s in mounts)
    if not known:
        if keeps:
            signals.append(Signal(w.unknown.with_data.value, "not a known data store"))
        else:
            what = "no volumes" if not svc.volumes else "no data volume"
            signals.append(Signal(w.unknown.without_data.value,
                                  f"{what} and not a known data store"))
    return signals, entry


# ---------------------------------------------------------------------- kinds


def _node_agent(svc: Service, catalogue: Catalogue) -> list[str]:
    """Why a service is a node agent (one per node, reading the node), or nothing."""
    h = catalogue.heuristics
    reasons = []
    if (svc.get("deploy") or {}).get("mode") == "global":
        reasons.append("deploy.mode: global runs one per node")
    if svc.image and any_match(h.daemon_images, catalogue.repository(svc.image)):
        reasons.append(f"{catalogue.repository(svc.image)} image: a node agent (logs or "
                       "metrics of every container on the node)")
    for mount in svc.volumes:
        if mount.type != "bind" or not mount.source:
            continue
        if any_match(h.daemon_host_paths, mount.source):
            reasons.append(f"mounts the node's {mount.source} at {mount.target}")
        elif (any_match(h.docker_sockets, mount.source)
              and not catalogue.is_proxy_image(svc.image)):
            reasons.append(f"mounts the Docker socket ({mount.source}): it acts on the node's "
                           "containers (a cluster node has containerd, no Docker socket)")
    return reasons


def _toolbox(svc: Service, line: str, catalogue: Catalogue) -> list[str]:
    """Why a service with no port is an interactive toolbox, or nothing."""
    h = catalogue.heuristics
    idle = any_match(h.tool_commands, line.strip()) if line else None
    if idle is not None:
        found = idle.search(line.strip())
        return [f"its command only keeps it alive ({shorten(found.group() if found else line, 40)})"
                ": someone execs into it"]
    tty, stdin = bool(svc.get("tty")), bool(svc.get("stdin_open"))
    if not (tty or stdin):
        return []
    named = any_match(h.tool_names, svc.name.lower()) or (
        svc.image is not None and any_match(h.tool_names, catalogue.repository(svc.image)))
    if (tty and stdin and not line) or named:
        flags = " and ".join(k for k, on in (("tty", tty), ("stdin_open", stdin)) if on)
        why = "named like a toolbox" if named else "no command of its own"
        return [f"{flags}, no port, {why}: an interactive admin toolbox"]
    return []



def kind_of(svc: Service, incoming: list[Incoming], catalogue: Catalogue,
            dev_file: str | None = None) -> tuple[ServiceKind, list[str]]:
    """The kind of a service, and why.

    Args:
        svc: The service.
        incoming: How the other services depend on it.
        catalogue: The catalogue.
        dev_file: The development compose file that alone defines it, when production
            files were read too (:func:`~migrate_tui.analysis.dev.only_in_dev_files`).
    """
    h = catalogue.heuristics
    dev = catalogue.match_dev_only(svc.image)
    dev_reasons = []
    if dev is not None:
        dev_reasons.append(f"{dev.name} image ({dev.purpose})")
    if dev_file is not None:
        dev_reasons.append(f"defined only in {dev_file}, a development file")
    # (most services have no profiles and nothing that depends on them: none of this runs)
    profiles = sorted(set(svc.profiles) & set(h.dev_profiles)) if svc.profiles else []
    if profiles:
        dev_reasons.append(f"only in profile {', '.join(profiles)}")
    optional = sorted(i.source for i in incoming if not i.required) if incoming else []
    if optional and all(not i.required for i in incoming):
        dev_reasons.append(f"optional for {', '.join(optional)} (depends_on required: false)")
    if dev_reasons:
        return "dev-only", dev_reasons
    agent = _node_agent(svc, catalogue)
    if agent:
        return "daemon", agent
    line = " ".join([*(svc.entrypoint or []), *(svc.command or [])])
    if not svc.ports and not svc.expose:
        tool = _toolbox(svc, line, catalogue)
        if tool:
            return "tool", tool

    job_reasons = []
    waiting = sorted(i.source for i in incoming
                     if i.condition == "service_completed_successfully") if incoming else []
    if waiting:
        job_reasons.append(f"{', '.join(waiting)} wait{'s' if len(waiting) == 1 else ''} for it "
                           "to finish (service_completed_successfully)")
    if svc.restart == "no" and line:
        job_reasons.append('restart: "no" with a command of its own')
    work = catalogue.one_shot_work(line)
    if work is not None:
        job_reasons.append(f"its command does one-shot work ({shorten(work, 40)})")
    strong = bool(job_reasons)
    if any_match(h.job_names, svc.name.lower()):
        job_reasons.append(f"named like one-shot work ({svc.name})")
    # A name alone does not make a job of a service that serves a port.
    if strong or (job_reasons and not svc.ports):
        return "job", job_reasons
    return "service", []


# ---------------------------------------------------------------------- overrides


def hint_of(svc: Service, locator: Locator) -> tuple[dict[str, Any], list[AnalysisError]]:
    """The ``x-migrate`` hint of a service, checked: ({"class"?, "kind"?}, problems)."""
    raw = svc.extensions.get("x-migrate")
    if raw is None:
        return {}, []
    problems = []
    out: dict[str, Any] = {}

    def problem(key: str, message: str, hint: str) -> None:
        ev = locator.key(svc.name, "x-migrate", *(key,) if key else ())
        problems.append(AnalysisError(
            message, location=Location(ev.file, ev.line), path=ev.path, hint=hint))

    if not isinstance(raw, dict):
        problem("", f"x-migrate of {svc.name} must be a mapping, not {type(raw).__name__}",
                "write x-migrate: {stateful: true} (or false)")
        return {}, problems
    if "stateful" in raw:
        if isinstance(raw["stateful"], bool):
            out["class"] = "stateful" if raw["stateful"] else "stateless"
        else:
            problem("stateful", f"x-migrate.stateful must be true or false, not "
                    f"{raw['stateful']!r}", "write stateful: true or stateful: false")
    if "kind" in raw:
        if raw["kind"] in KINDS:
            out["kind"] = raw["kind"]
        else:
            problem("kind", f"x-migrate.kind must be one of {', '.join(KINDS)}, not "
                    f"{raw['kind']!r}", "write kind: " + ", ".join(KINDS))
    # A key nobody reads is a hint that silently does nothing (a typo, `clas:`): the
    # worst outcome for an override, so it is an error like a wrong value.
    for key in raw:
        if key not in X_MIGRATE_KEYS:
            problem(str(key), f"x-migrate of {svc.name} has an unknown key {str(key)!r}",
                    _did_you_mean(str(key)) + " keys are: " + ", ".join(X_MIGRATE_KEYS))
    return out, problems


X_MIGRATE_KEYS = ("kind", "schedule", "stateful", "storage")
"""The keys of a service's ``x-migrate`` hint: ``stateful`` and ``kind`` read here,
``storage`` and ``schedule`` by the manifests (``manifests/facts.py``)."""

_X_MIGRATE_GUESSES = {"class": "stateful: true or false", "type": "kind"}
"""Keys a user may reach for that have another name here (``class`` is the progress
file's override, ``stateful`` in a hint)."""


def _did_you_mean(key: str) -> str:
    """``did you mean storage? The `` for ``storag``, ``the`` when no key is close."""
    candidates = {k: k for k in X_MIGRATE_KEYS} | _X_MIGRATE_GUESSES
    close = difflib.get_close_matches(key.lower(), list(candidates), n=1, cutoff=0.6)
    return f"did you mean {candidates[close[0]]}? The" if close else "the"


def check_overrides(overrides: Mapping[str, Override] | None) -> dict[str, dict[str, Any]]:
    """Overrides from the progress file, checked.

    Raises:
        AnalysisError: An override names a class or kind that does not exist.
    """
    out: dict[str, dict[str, Any]] = {}
    problems = []
    for service, override in sorted((overrides or {}).items()):
        entry: dict[str, Any] = {}
        for key, allowed in (("class", ("stateful", "stateless")), ("kind", KINDS)):
            value = override.get(key) if isinstance(override, Mapping) else None
            if value is None:
                continue
            if value not in allowed:
                problems.append(f"{service}.{key}: {value!r} is not one of {', '.join(allowed)}")
            else:
                entry[key] = value
        out[service] = entry
    if problems:
        raise AnalysisError(
            "invalid override" + ("s" if len(problems) > 1 else "") + ": " + "; ".join(problems),
            hint="use class stateful|stateless and kind " + "|".join(KINDS),
        )
    return out


# ---------------------------------------------------------------------- the classifier


def confidence_of(score: float, scale: ConfidenceScale) -> float:
    """``floor`` for a coin toss (0.5), up to ``floor + span`` (0.95) for a sum of 1 or more."""
    return round(scale.floor.value + min(abs(score), 1.0) * scale.span.value, 2)


def classify(svc: Service, incoming: list[Incoming], catalogue: Catalogue,
             hint: Mapping[str, Any] | None = None,
             override: Mapping[str, Any] | None = None,
             shared: SharedMounts | None = None, root: str = "",
             found_kind: tuple[ServiceKind, list[str]] | None = None) -> Classification:
    """Classify one service.

    Args:
        svc: The service.
        incoming: How the other services depend on it.
        catalogue: The catalogue of images and heuristics.
        hint: Its checked ``x-migrate`` hint (``class``, ``kind``).
        override: Its override from the progress file (``class``, ``kind``); wins over the hint.
        shared: For each mount it shares (:func:`mount_key`), the other services mounting it.
        root: The project folder, to show host paths relative to it.
        found_kind: What :func:`kind_of` gives for it, when the caller has it already.
    """
    kind, kind_reasons = found_kind or kind_of(svc, incoming, catalogue)
    decided = {**(hint or {}), **(override or {})}

    def source(key: str) -> str:
        return ("the progress file" if override and key in override
                else "x-migrate in the compose file")

    overridden = False
    if "kind" in decided:
        kind, kind_reasons = decided["kind"], [f"set by {source('kind')}"]
        overridden = True
    signals, entry = class_signals(svc, kind, catalogue, shared, root)
    ranked = sorted(signals, key=lambda s: (-abs(s.weight), s.reason))
    weighed = any(s.weight for s in signals)
    reasons = [s.reason for s in ranked if s.weight or not weighed]
    score = sum(s.weight for s in signals)
    service_class: ServiceClass = "stateful" if score > 0 else "stateless"
    confidence = confidence_of(score, catalogue.weights.confidence)
    if "class" in decided:
        service_class = decided["class"]
        reasons = [f"set by {source('class')}", *reasons]
        confidence = 1.0
        overridden = True
    return Classification(service_class=service_class, kind=kind, reasons=reasons,
                          kind_reasons=kind_reasons, confidence=confidence,
                          overridden=overridden, entry=entry, signals=signals)
