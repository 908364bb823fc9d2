"""What the analysis gives: frozen models every later stage (planning, exports, TUI) reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, ParamSpec, TypeVar, cast

from pydantic import BaseModel, ConfigDict

_FROZEN = ConfigDict(frozen=True)
_P = ParamSpec("_P")
_M = TypeVar("_M", bound=BaseModel)


def builder(model: Callable[_P, _M]) -> Callable[_P, _M]:
    """``model(**fields)``, validated alike, for a model the analysis makes by the thousand.

    It calls pydantic's validator with the fields, not through ``BaseModel.__init__``: that
    frame is a third of the cost of a small model. Fields are given by name, as to the model.

    Kept for what it still saves (issue 18, ``plan`` at 2,000 services, five interleaved
    runs): 3.44 s of CPU with it, 3.67 s with the models called directly (7%).
    """
    validate = cast("type[BaseModel]", model).__pydantic_validator__.validate_python

    def build(*_: _P.args, **fields: _P.kwargs) -> _M:
        return cast("_M", validate(fields))

    return build


Severity = Literal["high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low", "info")
"""Severities, most urgent first: the one order every list, count and export follows."""
_SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}


def severity_rank(severity: str) -> int:
    """The place of a severity in :data:`SEVERITIES` (0 most urgent); an unknown one last."""
    return _SEVERITY_RANK.get(severity, len(SEVERITIES))

ServiceClass = Literal["stateful", "stateless"]
ServiceKind = Literal["service", "job", "dev-only"]
KINDS: tuple[ServiceKind, ...] = ("service", "job", "dev-only")

EdgeKind = Literal[
    "depends_on", "links", "network_mode", "volumes_from", "ipc", "pid", "shared_volume",
    "inferred",
]
EDGE_KINDS: tuple[EdgeKind, ...] = (
    "depends_on", "links", "network_mode", "volumes_from", "ipc", "pid", "shared_volume",
    "inferred",
)
ORDERING_KINDS: frozenset[str] = frozenset(EDGE_KINDS) - {"shared_volume"}
"""Edge kinds that order start-up. A shared volume ties two services but neither needs the
other first, so it stays out of the waves and the cycles."""


class Evidence(BaseModel):
    """Where a fact was read: a file, a line, a key path and the text that shows it."""

    model_config = _FROZEN
    file: str
    """The file, relative to the project folder when it is inside it."""
    line: int | None = None
    """1-based line, when known."""
    path: str = ""
    """The dotted key path (``services.web.environment.DATABASE_URL``)."""
    text: str = ""
    """What the file says there, secrets masked."""

    @property
    def where(self) -> str:
        """``file:line`` (or just the file)."""
        return f"{self.file}:{self.line}" if self.line is not None else self.file


new_evidence = builder(Evidence)
"""Evidence(...) for the hot paths: :func:`builder`."""


class Edge(BaseModel):
    """One reason a service needs another: ``source`` needs ``target``."""

    model_config = _FROZEN
    source: str
    target: str
    kind: EdgeKind
    evidence: Evidence
    condition: str | None = None
    """``depends_on`` only: what Compose waits for."""
    required: bool | None = None
    """``depends_on`` only: False when the source starts without the target."""
    port: int | None = None
    """The target's port named in the evidence (``db:5432``), when there is one."""


new_edge = builder(Edge)
"""Edge(...) for the hot paths: :func:`builder`."""


class ServiceAnalysis(BaseModel):
    """What the analysis decided about one service, and why."""

    model_config = _FROZEN
    name: str
    service_class: ServiceClass
    """``stateful`` or ``stateless``; the JSON calls it ``class``."""
    kind: ServiceKind
    reasons: tuple[str, ...]
    """What decided the class, strongest first."""
    kind_reasons: tuple[str, ...] = ()
    """What decided the kind (empty for a plain service)."""
    confidence: float
    """0.5 (a guess) to 1.0 (the user said so)."""
    overridden: bool = False
    """The class or kind comes from ``x-migrate`` or the progress file."""
    wave: int = 0
    """The start-up wave: 0 needs nothing; wave n needs only services of waves below n."""
    image: str | None = None
    software: str | None = None
    """The catalogue's name for what it runs (``PostgreSQL``), when it knows it; None for a
    job or a dev tool, whatever image it runs."""
    engine: str | None = None
    """The catalogue's id for what it runs (``postgresql``), None where ``software`` is: the
    key of its data sub-plan."""
    category: str | None = None
    """The catalogue's category (``database``, ``queue``...), when it knows it."""
    ports: tuple[int, ...] = ()
    """Ports clients use: the service's own, else the catalogue's."""
    active: bool = True
    """False for a service whose profiles are not enabled."""
    profiles: tuple[str, ...] = ()


new_service_analysis = builder(ServiceAnalysis)
"""ServiceAnalysis(...) for the hot paths: :func:`builder`."""


class Finding(BaseModel):
    """Something to change, decide or know before the service runs on Kubernetes."""

    model_config = _FROZEN
    rule: str
    severity: Severity
    service: str | None
    """The service, or None for a project-wide finding (a shared volume)."""
    message: str
    fix: str
    """What to do, in Kubernetes terms."""
    evidence: Evidence
    variant: str | None = None
    """The case of the rule (``config`` for a bind mount of a config file), if it has cases."""


new_finding = builder(Finding)
"""Finding(...) for the hot paths: :func:`builder`."""


class Analysis(BaseModel):
    """The analysis of a project: the entry point's result."""

    model_config = _FROZEN
    project: str
    """The project's name."""
    services: dict[str, ServiceAnalysis]
    """Every service, active or not, by name (sorted)."""
    edges: tuple[Edge, ...]
    """Sorted by source, target, kind."""
    waves: tuple[tuple[str, ...], ...]
    """Start-up order: dependencies first; within a wave, most depended-on first."""
    cycles: tuple[tuple[str, ...], ...]
    """Each a path starting at its smallest name (the edge back to it implied)."""
    findings: tuple[Finding, ...]
    """Most severe first."""

    def findings_for(self, service: str) -> list[Finding]:
        """The findings of one service, most severe first."""
        return [f for f in self.findings if f.service == service]
