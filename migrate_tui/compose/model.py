"""The loaded project as immutable records: what every later stage reads.

``Project.compose`` keeps the normalized project exactly as ``docker compose config``
prints it in YAML, ``x-*`` keys included (:mod:`.render` derives the JSON form); the typed
models give the analysis what it needs without digging through dictionaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

from migrate_tui.compose.sources import SourceIndex

# Plain dataclasses, not pydantic models: the loader has checked the project against the
# Compose schema and normalized it before these are built, so a second validation only
# cost time (issue 18: at start-up, a pydantic class costs about four times a dataclass
# to build, and ``config`` needs no pydantic at all).


@dataclass(frozen=True, slots=True, kw_only=True)
class Port:
    """One published or exposed port, long syntax."""

    target: int
    """The port inside the container."""
    published: str | None = None
    """The host port or range, as text (``"8080"``, ``"8000-8010"``)."""
    protocol: str = "tcp"
    """tcp, udp or sctp."""
    host_ip: str | None = None
    """The host address the port binds to."""
    mode: str = "ingress"
    """ingress or host."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Mount:
    """One entry of ``volumes``, long syntax."""

    type: str
    """bind, volume, tmpfs, npipe, cluster or image."""
    source: str | None = None
    """Host path (bind, absolute) or volume name; None for anonymous volumes and tmpfs."""
    target: str
    """Path inside the container."""
    read_only: bool = False
    """Mounted read-only."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Dependency:
    """One ``depends_on`` entry."""

    condition: Literal["service_started", "service_healthy", "service_completed_successfully"]
    """What Compose waits for before starting the dependent service."""
    required: bool = True
    """False: the dependent service starts even when this one is missing."""
    restart: bool = False
    """Restart the dependent service when this one restarts."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Build:
    """How the image of a service is built."""

    context: str
    """Absolute folder (or URL) of the build context."""
    dockerfile: str | None = None
    """The Dockerfile, relative to the context."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Healthcheck:
    """The container's health check."""

    test: list[str] | None = None
    """``["CMD", ...]``, ``["CMD-SHELL", "..."]`` or ``["NONE"]``."""
    interval: str | None = None
    timeout: str | None = None
    retries: int | None = None
    start_period: str | None = None
    disable: bool = False

    @property
    def runs(self) -> bool:
        """It runs a test: one is written, not ``NONE``, and the check is not disabled."""
        test = self.test or []
        return not self.disable and bool(test) and test[0] != "NONE"


@dataclass(frozen=True, slots=True, kw_only=True)
class Resources:
    """Limits or reservations of ``deploy.resources``."""

    cpus: float | None = None
    """CPUs, fractional."""
    memory: int | None = None
    """Bytes."""
    pids: int | None = None
    devices: list[dict[str, Any]] = field(default_factory=list)
    """Device requests (GPUs), as written."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Service:
    """One service, normalized."""

    name: str
    image: str | None = None
    build: Build | None = None
    command: list[str] | None = None
    entrypoint: list[str] | None = None
    environment: dict[str, str | None] = field(default_factory=dict)
    """With env files merged; None for a variable passed through but unset."""
    ports: list[Port] = field(default_factory=list)
    expose: list[str] = field(default_factory=list)
    volumes: list[Mount] = field(default_factory=list)
    depends_on: dict[str, Dependency] = field(default_factory=dict)
    networks: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    network_mode: str | None = None
    profiles: list[str] = field(default_factory=list)
    healthcheck: Healthcheck | None = None
    restart: str | None = None
    limits: Resources | None = None
    reservations: Resources | None = None
    labels: dict[str, str] = field(default_factory=dict)
    container_name: str | None = None
    user: str | None = None
    privileged: bool = False
    extensions: dict[str, Any] = field(default_factory=dict)
    """The service's own ``x-*`` keys (``x-migrate`` hints among them)."""
    raw: dict[str, Any] = field(default_factory=dict)
    """Every key, normalized, as ``docker compose config`` prints it."""

    def get(self, key: str, default: Any = None) -> Any:
        """Any key of the normalized service, typed or not."""
        return self.raw.get(key, default)


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    """A Compose project, loaded."""

    name: str
    working_dir: str
    """The project directory."""
    files: list[str]
    """The compose files, in merge order."""
    services: dict[str, Service]
    """Active services, by name, sorted."""
    inactive_services: dict[str, Service] = field(default_factory=dict)
    """Services whose profiles are not enabled."""
    profiles: list[str] = field(default_factory=list)
    """Enabled profiles."""
    extensions: dict[str, Any] = field(default_factory=dict)
    """Top-level ``x-*`` keys."""
    compose: dict[str, Any] = field(default_factory=dict)
    """The normalized project as ``docker compose config`` prints it (YAML, its default
    format); :func:`~migrate_tui.compose.render.json_document` gives the JSON form."""
    sources: SourceIndex = field(default_factory=SourceIndex, repr=False)
    """Where each key was written."""
    warnings: list[str] = field(default_factory=list)
    """What the load warned about (unset variables, obsolete keys)."""


_PORT_FIELDS = frozenset(f.name for f in fields(Port))
_HEALTHCHECK_FIELDS = frozenset(f.name for f in fields(Healthcheck))


def _resources(section: Any, older: dict[str, Any]) -> Resources | None:
    """``deploy.resources.limits`` or ``reservations``, with the service's older keys
    (``cpus``, ``mem_limit``, ``pids_limit``, ``mem_reservation``) where the section has no
    value: Compose applies both, and the loader made sure that they agree.
    """
    older = {k: v for k, v in older.items() if v}  # (cpus: 0 is unset; a size of 0 is gone)
    if not isinstance(section, dict):
        if not older:
            return None
        section = {}
    cpus = section.get("cpus") if section.get("cpus") is not None else older.get("cpus")
    memory = section.get("memory") if section.get("memory") is not None else older.get("memory")
    return Resources(
        cpus=float(cpus) if cpus is not None else None,
        memory=int(memory) if memory is not None else None,
        pids=section.get("pids") if section.get("pids") is not None else older.get("pids"),
        devices=list(section.get("devices") or []),
    )


def service_model(name: str, raw: dict[str, Any]) -> Service:
    """Build the typed :class:`Service` from its normalized dictionary."""
    build = raw.get("build")
    health = raw.get("healthcheck")
    resources = (raw.get("deploy") or {}).get("resources") or {}
    extensions = {k: v for k, v in raw.items() if k.startswith("x-")}
    return Service(
        name=name,
        image=raw.get("image"),
        build=Build(context=build["context"], dockerfile=build.get("dockerfile"))
        if isinstance(build, dict) else None,
        command=raw.get("command"),
        entrypoint=raw.get("entrypoint"),
        environment=dict(raw.get("environment") or {}),
        ports=[Port(**{k: v for k, v in p.items() if k in _PORT_FIELDS})
               for p in raw.get("ports") or []],
        expose=list(raw.get("expose") or []),
        volumes=[Mount(type=v.get("type", "volume"), source=v.get("source"),
                       target=str(v.get("target", "")), read_only=bool(v.get("read_only")))
                 for v in raw.get("volumes") or []],
        depends_on={k: Dependency(condition=d.get("condition", "service_started"),
                                  required=d.get("required", True),
                                  restart=bool(d.get("restart", False)))
                    for k, d in (raw.get("depends_on") or {}).items()},
        networks=dict(raw.get("networks") or {}),
        network_mode=raw.get("network_mode"),
        profiles=list(raw.get("profiles") or []),
        healthcheck=Healthcheck(**{k: v for k, v in health.items() if k in _HEALTHCHECK_FIELDS})
        if isinstance(health, dict) else None,
        restart=raw.get("restart"),
        limits=_resources(resources.get("limits"), {
            "cpus": raw.get("cpus"), "memory": raw.get("mem_limit"),
            "pids": raw.get("pids_limit")}),
        reservations=_resources(resources.get("reservations"),
                                {"memory": raw.get("mem_reservation")}),
        labels=dict(raw.get("labels") or {}),
        container_name=raw.get("container_name"),
        user=None if raw.get("user") is None else str(raw.get("user")),
        privileged=bool(raw.get("privileged")),
        extensions=extensions,
        raw={k: v for k, v in raw.items() if not k.startswith("x-")},
    )
