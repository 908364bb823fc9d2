"""The generated manifests as the Manifests view lists them: a row per service, then the
shared files. No Textual here.

A service's file is the one its ledger entries target (``api.yaml Deployment/api``); a
service without a workload (dev-only, behind a profile) has entries but no file. Only the
manifest files are ever shown: a file the generator copies as text (``secrets.env``, a
bind-mounted config file) is listed by name, its content never drawn, so no value the team
keeps out of the manifests reaches the screen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migrate_tui.manifests.model import GeneratedFile, LedgerEntry, Manifests


NEEDS_YOU = ("decide", "approximated", "dropped")
"""The ledger's statuses a person must read, in the order the view shows them."""


@dataclass(frozen=True)
class ManifestRow:
    """One row of the Manifests view: a service (with its file, if any) or a shared file."""

    key: str
    """The row's key: ``service:NAME`` or ``file:PATH``."""
    service: str | None
    file: GeneratedFile | None
    entries: tuple[LedgerEntry, ...] = ()
    """The service's ledger entries (none for a shared file)."""

    def count(self, status: str) -> int:
        """How many of the service's entries have ``status``."""
        return sum(1 for e in self.entries if e.status == status)


def manifest_rows(manifests: Manifests, active: Collection[str]) -> list[ManifestRow]:
    """Each active service with its file and ledger entries (by name), then the shared files.

    Services behind profiles not enabled are left out, as everywhere in the plan.
    """
    files = {f.path: f for f in manifests.files}
    entries: dict[str, list[LedgerEntry]] = {}
    for e in manifests.ledger:
        if e.service in active:
            entries.setdefault(e.service, []).append(e)
    owned: set[str] = set()
    rows = []
    for service in sorted(entries):
        targets = Counter(e.target.split(" ", 1)[0] for e in entries[service] if e.target)
        # the file most of its keys went to (a key may also name a shared file)
        path = next((p for p, _ in targets.most_common() if p in files), None)
        if path is not None:
            owned.add(path)
        rows.append(ManifestRow(key=f"service:{service}", service=service,
                                file=files.get(path) if path else None,
                                entries=tuple(entries[service])))
    rows += [ManifestRow(key=f"file:{f.path}", service=None, file=f)
             for f in manifests.files if f.path not in owned]
    return rows


def shown_text(generated: GeneratedFile) -> str | None:
    """The YAML of a manifest file; None for a file copied as text (never drawn)."""
    from migrate_tui.manifests.writer import file_text

    if generated.text is not None:
        return None
    return file_text(generated)
