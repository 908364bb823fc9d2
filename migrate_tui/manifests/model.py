"""What the manifest generator gives: files of Kubernetes objects, and the ledger.

Consumers read these typed objects; YAML, JSON and Markdown are renderings at the edge
(:mod:`.render`, :mod:`.ledger`). They are frozen dataclasses with slots, not pydantic
models: a 2,000-service project makes 30,000 ledger entries, all from our own builders,
and validating each would cost more than building the manifests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["mapped", "approximated", "dropped", "decide"]
STATUSES: tuple[Status, ...] = ("mapped", "approximated", "dropped", "decide")
WorkloadKind = Literal["Deployment", "StatefulSet", "Job", "CronJob", "DaemonSet"]


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """What became of one Compose key of one service."""

    service: str
    """The Compose service."""
    key: str
    """A dotted path of the service's normalized config (``ports[0]``, ``healthcheck.test``)."""
    status: Status
    """mapped, approximated, dropped or decide."""
    target: str
    """The manifest file and object (``api.yaml Deployment/api``), or what it became."""
    why: str
    """One sentence; never a value from the compose or env files."""
    claim: str = ""
    """For a mount whose data lands on a claim: the PersistentVolumeClaim as the cluster
    names it (a PVC's own name; a claim template's, that of the StatefulSet's first pod:
    ``mail-imap-0``). The plan names it by this, never by a rule of its own."""
    path: str = ""
    """For such a mount: its path in the container."""

    def to_json(self) -> dict[str, str]:
        """The entry as the JSON ledger shows it."""
        return {"service": self.service, "key": self.key, "status": self.status,
                "target": self.target, "why": self.why}


@dataclass(frozen=True, slots=True)
class Document:
    """One Kubernetes object (or the Kustomization), as plain data."""

    body: dict[str, Any]
    """The object, as it is written (apiVersion, kind, metadata, ...)."""

    @property
    def kind(self) -> str:
        """The object's kind."""
        return str(self.body.get("kind", ""))

    @property
    def name(self) -> str:
        """The object's metadata.name."""
        return str((self.body.get("metadata") or {}).get("name", ""))


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    """One file of the Kustomize base: documents, or a copied text."""

    path: str
    """Relative to the output folder, ``/``-separated."""
    documents: tuple[Document, ...] = ()
    """The objects (a YAML stream), for a manifest file."""
    text: str | None = None
    """The content, for a file that is not a manifest (a copied config file)."""
    keep_existing: bool = False
    """Created only when absent, never overwritten, never hashed (``secrets.env``)."""


@dataclass(frozen=True, slots=True)
class Manifests:
    """The manifests of a project and the ledger of every key."""

    project: str
    files: tuple[GeneratedFile, ...]
    """Sorted by path."""
    ledger: tuple[LedgerEntry, ...]
    """By service, then in the order the keys were translated."""
    secret_keys: tuple[str, ...] = field(default=())
    """The keys ``secrets.env`` must hold (``service.VARIABLE``), sorted."""
    names: tuple[tuple[str, str], ...] = field(default=())
    """(Compose service, the name of its objects) of every service, by service: what the
    plan calls its workload, pods and Service (``my_db`` is ``my-db-3f2a1c``)."""

    def file(self, path: str) -> GeneratedFile:
        """The file at ``path`` (KeyError when there is none)."""
        for f in self.files:
            if f.path == path:
                return f
        raise KeyError(path)

    def documents(self) -> list[Document]:
        """Every object of every manifest file, in file order."""
        return [d for f in self.files for d in f.documents]

    def entries_for(self, service: str) -> list[LedgerEntry]:
        """The ledger entries of one service."""
        return [e for e in self.ledger if e.service == service]
