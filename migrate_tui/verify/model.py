"""What ``migrate-tui verify`` reads and says: manifest documents, and a verdict per item.

The documents keep where each key stands (``file:line``), so every verdict points at the
line of the manifest that shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from migrate_tui.compose.keypath import KeyPath

Verdict = Literal["verified", "contradicted", "unknown"]
"""What the manifests say about a checklist item."""
VERDICTS: tuple[Verdict, ...] = ("verified", "contradicted", "unknown")

WORKLOAD_KINDS: frozenset[str] = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod"}
)
"""The kinds that run containers, and so can be a Compose service's workload."""


@dataclass(frozen=True)
class ManifestDoc:
    """One Kubernetes object read from the manifests."""

    file: str
    """The file it was read from, as the user would recognise it (``k8s/api.yaml``)."""
    line: int
    """1-based line where the document starts."""
    kind: str
    """``Deployment``, ``Service``..."""
    name: str
    """``metadata.name`` ("" when missing)."""
    data: dict[str, Any]
    """The object, as plain data."""
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict, repr=False)
    """Line and column (1-based) of each key path, as in the file."""

    def where(self, *path: str | int) -> str:
        """``file:line`` of ``path`` in this document, or of its nearest recorded parent."""
        probe: KeyPath = tuple(path)
        while probe:
            if probe in self.positions:
                return f"{self.file}:{self.positions[probe][0]}"
            probe = probe[:-1]
        return f"{self.file}:{self.line}"

    def get(self, *path: str | int) -> Any:
        """The value at ``path``, or None when any step is missing or of the wrong type."""
        value: Any = self.data
        for step in path:
            if isinstance(step, int):
                if not isinstance(value, list) or step >= len(value):
                    return None
            elif not isinstance(value, dict):
                return None
            value = value[step] if isinstance(step, int) else value.get(step)
        return value

    @property
    def labels(self) -> dict[str, Any]:
        """``metadata.labels`` (empty when missing or malformed)."""
        labels = self.get("metadata", "labels")
        return labels if isinstance(labels, dict) else {}


@dataclass(frozen=True)
class Manifests:
    """Every Kubernetes object found under the manifests folder."""

    folder: str
    """The folder, as the user named it."""
    source: Literal["kustomize", "files"]
    """Rendered with ``kubectl kustomize``, or read file by file."""
    docs: tuple[ManifestDoc, ...]
    """In file order, then document order."""
    warnings: tuple[str, ...] = ()
    """What was skipped or could not be used, and why (links out of the folder, YAML that
    is not a Kubernetes object, kubectl missing)."""


@dataclass(frozen=True)
class Judgement:
    """A judge's answer about one item."""

    verdict: Verdict
    evidence: str
    """A manifest ``file:line`` and what was found there (or what was looked for)."""


@dataclass(frozen=True)
class ItemVerdict:
    """The verdict on one checklist item of the plan."""

    id: str
    """The item id (``api.probes``)."""
    verdict: Verdict
    evidence: str
    status: str
    """The item's status in the progress file (``done``: a contradiction fails CI)."""
    text: str = ""
    """The item's text in the plan."""

    @property
    def failed(self) -> bool:
        """Ticked done, yet the manifests contradict it: the CI gate fails."""
        return self.status == "done" and self.verdict == "contradicted"


@dataclass(frozen=True)
class VerifyReport:
    """The verdicts on a plan's items against one manifests folder."""

    manifests: Manifests
    items: tuple[ItemVerdict, ...]
    """In plan order."""

    @property
    def failed(self) -> list[ItemVerdict]:
        """Items ticked done that the manifests contradict."""
        return [i for i in self.items if i.failed]

    def counts(self) -> dict[str, int]:
        """How many items got each verdict."""
        return {v: sum(1 for i in self.items if i.verdict == v) for v in VERDICTS}
