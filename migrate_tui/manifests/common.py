"""What every builder shares: object metadata, selectors, and a builder's result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from migrate_tui.manifests.facts import Context, ServiceFacts
from migrate_tui.manifests.model import LedgerEntry, Status
from migrate_tui.manifests.names import (
    ANNOTATION_SOURCE,
    LABEL_COMPONENT,
    LABEL_MANAGED_BY,
    LABEL_NAME,
    LABEL_PART_OF,
)

Obj = dict[str, Any]


@dataclass
class Part:
    """What a builder gives: objects for the service's file, and ledger entries."""

    objects: list[Obj] = field(default_factory=list)
    entries: list[LedgerEntry] = field(default_factory=list)

    def note(self, service: str, key: str, status: Status, target: str, why: str,
             claim: str = "", path: str = "") -> None:
        """Add a ledger entry (``claim`` and ``path``: the claim a mount's data lands on)."""
        # (made by the ten thousand: the fields are ours and already of their types)
        self.entries.append(LedgerEntry(
            service=service, key=key, status=status, target=target, why=why, claim=claim,
            path=path))

    def extend(self, other: Part) -> None:
        """Take another part's objects and entries."""
        self.objects += other.objects
        self.entries += other.entries


def selector(ctx: Context, f: ServiceFacts) -> dict[str, str]:
    """The labels that select the service's pods."""
    return {LABEL_NAME: f.label, LABEL_PART_OF: ctx.project_label}


def labels(ctx: Context, f: ServiceFacts) -> dict[str, str]:
    """The labels of every object of the service."""
    component = f.analysis.category or ("job" if f.analysis.kind == "job" else "app")
    return {**selector(ctx, f), LABEL_COMPONENT: component, LABEL_MANAGED_BY: "migrate-tui"}


def metadata(ctx: Context, f: ServiceFacts, name: str, **annotations: str) -> Obj:
    """``metadata`` of an object of the service, with the Compose file and line."""
    notes = {ANNOTATION_SOURCE: f.source, **annotations}
    return {"name": name, "labels": labels(ctx, f), "annotations": notes}


def target(f: ServiceFacts, kind: str, name: str) -> str:
    """A ledger target: the file and the object."""
    return f"{f.file} {kind}/{name}"
