"""What a judge looks at: a Compose service and the Kubernetes objects that run it.

A workload is matched to a service by ``app.kubernetes.io/name`` (on the object or its pod
template) and by name; the Services, NetworkPolicies and PodDisruptionBudgets that select
its pods, and the claims it mounts, are found by their selectors, as the cluster would.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from migrate_tui.verify.model import WORKLOAD_KINDS, ManifestDoc

NAME_LABEL = "app.kubernetes.io/name"

KeyPathT = tuple[str | int, ...]

_POD_SPEC: dict[str, KeyPathT] = {
    "Pod": ("spec",),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
"""Where a workload kind keeps its pod spec; the others: ``spec.template.spec``."""


def pod_path(doc: ManifestDoc) -> KeyPathT:
    """The key path of ``doc``'s pod spec."""
    return _POD_SPEC.get(doc.kind, ("spec", "template", "spec"))


def pod_labels(doc: ManifestDoc) -> dict[str, Any]:
    """The labels its pods get (the object's own for a bare Pod)."""
    path = pod_path(doc)[:-1] + ("metadata", "labels")
    labels = doc.get(*path) if doc.kind != "Pod" else doc.labels
    return labels if isinstance(labels, dict) else {}


def selects(selector: Any, labels: Mapping[str, Any]) -> bool:
    """Whether a ``matchLabels``-style selector (non-empty) picks pods with ``labels``."""
    return (isinstance(selector, dict) and bool(selector)
            and all(labels.get(k) == v for k, v in selector.items()))


@dataclass(frozen=True)
class Container:
    """One container of a workload, and where it stands."""

    data: dict[str, Any]
    path: KeyPathT

    def get(self, *keys: str | int) -> Any:
        """The value at ``keys`` below the container, or None."""
        value: Any = self.data
        for key in keys:
            if isinstance(key, int):
                value = value[key] if isinstance(value, list) and key < len(value) else None
            else:
                value = value.get(key) if isinstance(value, dict) else None
        return value


@dataclass(frozen=True)
class Subject:
    """A Compose service and the objects that run it (``workload`` None: none found)."""

    service: str
    service_class: str | None
    kind: str | None
    workload: ManifestDoc | None
    services: tuple[ManifestDoc, ...] = ()
    """Kubernetes Services selecting its pods."""
    policies: tuple[ManifestDoc, ...] = ()
    """NetworkPolicies selecting its pods by label (not the folder-wide default deny)."""
    budgets: tuple[ManifestDoc, ...] = ()
    """PodDisruptionBudgets selecting its pods."""
    claims: tuple[ManifestDoc, ...] = ()
    """PersistentVolumeClaims its pods mount by name."""
    default_deny: ManifestDoc | None = None
    """A NetworkPolicy that selects every pod (``podSelector: {}``) and admits nobody."""
    config_maps: tuple[ManifestDoc, ...] = ()
    """ConfigMaps its containers read their environment from (``envFrom``, ``env``)."""
    client_ports: tuple[int, ...] = ()
    """Ports its clients use (the analysis')."""
    dependants: frozenset[str] = frozenset()
    """The services that need it."""
    published: bool = False
    """It publishes a port on the Docker host: reached from outside the namespace too."""
    names_by_labels: tuple[tuple[dict[str, Any], str], ...] = field(default=(), repr=False)
    """Every workload's pod labels and the service it runs, to name a policy's peers."""

    @property
    def pod(self) -> KeyPathT:
        """The key path of the pod spec (``()`` without a workload)."""
        return pod_path(self.workload) if self.workload else ()

    def pod_get(self, *keys: str | int) -> Any:
        """A value of the pod spec."""
        return self.workload.get(*self.pod, *keys) if self.workload else None

    def where(self, *keys: str | int) -> str:
        """``file:line`` of a key of the pod spec (or of the workload)."""
        assert self.workload is not None
        return self.workload.where(*self.pod, *keys)

    def containers(self) -> list[Container]:
        """The pod's containers, its own first (named as the service), then the others."""
        found = self.pod_get("containers")
        if not isinstance(found, list):
            return []
        out = [Container(c, (*self.pod, "containers", i))
               for i, c in enumerate(found) if isinstance(c, dict)]
        out.sort(key=lambda c: c.data.get("name") != self.service)
        return out

    def main(self) -> Container | None:
        """Its own container: the one named as the service, else the first."""
        found = self.containers()
        return found[0] if found else None

    def peer_name(self, labels: Mapping[str, Any]) -> str | None:
        """The service whose pods a policy's ``podSelector.matchLabels`` picks."""
        for pod, name in self.names_by_labels:
            if selects(labels, pod):
                return name
        return None


def service_of(doc: ManifestDoc) -> str:
    """The Compose service a workload runs: its name label, else its name."""
    label = pod_labels(doc).get(NAME_LABEL) or doc.labels.get(NAME_LABEL)
    return label if isinstance(label, str) and label else doc.name


def find_workload(service: str, docs: Sequence[ManifestDoc]) -> ManifestDoc | None:
    """The workload that runs ``service``: by name label and name, by label, by name."""
    workloads = [d for d in docs if d.kind in WORKLOAD_KINDS]

    def labelled(d: ManifestDoc) -> bool:
        return service in (d.labels.get(NAME_LABEL), pod_labels(d).get(NAME_LABEL))

    for test in (lambda d: labelled(d) and d.name == service, labelled,
                 lambda d: d.name == service):
        for doc in workloads:
            if test(doc):
                return doc
    return None


def _claim_names(workload: ManifestDoc) -> Iterator[str]:
    volumes = workload.get(*pod_path(workload), "volumes")
    for volume in volumes if isinstance(volumes, list) else []:
        claim = volume.get("persistentVolumeClaim") if isinstance(volume, dict) else None
        if isinstance(claim, dict) and isinstance(claim.get("claimName"), str):
            yield claim["claimName"]


def _config_map_names(workload: ManifestDoc) -> Iterator[str]:
    containers = workload.get(*pod_path(workload), "containers")
    for c in containers if isinstance(containers, list) else []:
        if not isinstance(c, dict):
            continue
        for ref in c.get("envFrom") or []:
            if isinstance(ref, dict) and isinstance(ref.get("configMapRef"), dict):
                yield str(ref["configMapRef"].get("name"))
        for var in c.get("env") or []:
            source = var.get("valueFrom") if isinstance(var, dict) else None
            if isinstance(source, dict) and isinstance(source.get("configMapKeyRef"), dict):
                yield str(source["configMapKeyRef"].get("name"))


def build_subject(
    service: str, service_class: str | None, kind: str | None, docs: Sequence[ManifestDoc],
    *, client_ports: tuple[int, ...] = (), dependants: frozenset[str] = frozenset(),
    published: bool = False,
    names_by_labels: tuple[tuple[dict[str, Any], str], ...] = (),
) -> Subject:
    """The subject of ``service``'s items: its workload and what selects its pods."""
    workload = find_workload(service, docs)
    deny = next((d for d in docs if d.kind == "NetworkPolicy"
                 and d.get("spec", "podSelector") == {} and not d.get("spec", "ingress")), None)
    if workload is None:
        return Subject(service, service_class, kind, None, client_ports=client_ports,
                       dependants=dependants, published=published)
    labels = pod_labels(workload)
    claims = set(_claim_names(workload))
    maps = set(_config_map_names(workload))
    return Subject(
        service, service_class, kind, workload,
        services=tuple(d for d in docs if d.kind == "Service"
                       and selects(d.get("spec", "selector"), labels)),
        policies=tuple(d for d in docs if d.kind == "NetworkPolicy"
                       and selects(d.get("spec", "podSelector", "matchLabels"), labels)),
        budgets=tuple(d for d in docs if d.kind == "PodDisruptionBudget"
                      and selects(d.get("spec", "selector", "matchLabels"), labels)),
        claims=tuple(d for d in docs if d.kind == "PersistentVolumeClaim" and d.name in claims),
        config_maps=tuple(d for d in docs if d.kind == "ConfigMap" and d.name in maps),
        client_ports=client_ports, dependants=dependants, published=published,
        names_by_labels=names_by_labels, default_deny=deny,
    )


def workload_labels(docs: Sequence[ManifestDoc]) -> tuple[tuple[dict[str, Any], str], ...]:
    """Every workload's pod labels and the service it runs."""
    return tuple((pod_labels(d), service_of(d)) for d in docs if d.kind in WORKLOAD_KINDS)
