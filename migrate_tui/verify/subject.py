"""What a judge looks at: a Compose service and the Kubernetes objects that run it.

A workload is matched to a service by ``app.kubernetes.io/name`` (on the object or its pod
template) and by name; the Services, NetworkPolicies and PodDisruptionBudgets that select
its pods, and the claims it mounts, are found by their selectors, as the cluster would.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
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
    client_names: tuple[tuple[str, str], ...] = ()
    """(name, client) of each name other than the service's that a client calls it by and
    that a Service could have (the analysis' edge names): a Service of that name must
    select its pods."""
    published: bool = False
    """It publishes a port on the Docker host: reached from outside the namespace too."""
    index: DocIndex | None = field(default=None, repr=False, compare=False)
    """Every object, indexed: to name a NetworkPolicy's peers."""

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
        return self.index.peer_name(labels) if self.index is not None else None

    def routed_ports(self) -> list[tuple[int | str, ManifestDoc]]:
        """The pod ports an Ingress sends to (through a Service selecting its pods), each
        with the Ingress: a Service port mapped to its ``targetPort``."""
        if self.index is None:
            return []
        out: list[tuple[int | str, ManifestDoc]] = []
        for service in self.services:
            ports = service.get("spec", "ports")
            ports = [p for p in ports if isinstance(p, dict)] if isinstance(ports, list) else []
            for wanted, ingress in self.index.ingress_backends.get(service.name, []):
                port = next((p for p in ports if wanted in (p.get("port"), p.get("name"))),
                            None)
                if port is not None:
                    out.append((port.get("targetPort", port.get("port")), ingress))
        return out


def service_of(doc: ManifestDoc) -> str:
    """The Compose service a workload runs: its name label, else its name."""
    label = pod_labels(doc).get(NAME_LABEL) or doc.labels.get(NAME_LABEL)
    return label if isinstance(label, str) and label else doc.name


class DocIndex:
    """The objects of the manifests, indexed once, so a subject is found without a scan.

    Workloads by name and by name label; Services, NetworkPolicies and
    PodDisruptionBudgets by the name label their selector asks for (those whose selector
    does not ask for one are tried on every workload); claims and ConfigMaps by name.

    Args:
        docs: Every object read.
    """

    _SELECTORS: Mapping[str, KeyPathT] = {
        "Service": ("spec", "selector"),
        "NetworkPolicy": ("spec", "podSelector", "matchLabels"),
        "PodDisruptionBudget": ("spec", "selector", "matchLabels"),
    }

    def __init__(self, docs: Sequence[ManifestDoc]) -> None:
        self.workloads = [d for d in docs if d.kind in WORKLOAD_KINDS]
        self.by_name: dict[str, list[ManifestDoc]] = {}
        self.by_label: dict[str, list[ManifestDoc]] = {}
        for d in self.workloads:
            self.by_name.setdefault(d.name, []).append(d)
            for label in dict.fromkeys((d.labels.get(NAME_LABEL), pod_labels(d).get(NAME_LABEL))):
                if isinstance(label, str):
                    self.by_label.setdefault(label, []).append(d)
        self.selecting: dict[str, dict[Any, list[ManifestDoc]]] = {k: {} for k in self._SELECTORS}
        self.named: dict[tuple[str, str], ManifestDoc] = {}
        self.default_deny: ManifestDoc | None = None
        for d in docs:
            if d.kind in self._SELECTORS:
                selector = d.get(*self._SELECTORS[d.kind])
                key = selector.get(NAME_LABEL) if isinstance(selector, dict) else None
                self.selecting[d.kind].setdefault(key if isinstance(key, str) else None,
                                                  []).append(d)
            if d.kind in ("PersistentVolumeClaim", "ConfigMap"):
                self.named.setdefault((d.kind, d.name), d)
            if d.kind == "NetworkPolicy" and self.default_deny is None \
                    and d.get("spec", "podSelector") == {} and not d.get("spec", "ingress"):
                self.default_deny = d
        self.ingress_backends: dict[str, list[tuple[Any, ManifestDoc]]] = {}
        """Each Kubernetes Service an Ingress sends to: its ports (a number or a name)."""
        for d in docs:
            if d.kind == "Ingress":
                for backend in _ingress_backends(d):
                    name, port = backend.get("name"), backend.get("port")
                    if isinstance(name, str) and isinstance(port, dict):
                        self.ingress_backends.setdefault(name, []).append(
                            (port.get("number", port.get("name")), d))
        self.peers = [(pod_labels(d), service_of(d)) for d in self.workloads]
        self._peers_by_label: dict[str, list[tuple[dict[str, Any], str]]] = {}
        for labels, name in self.peers:
            label = labels.get(NAME_LABEL)
            if isinstance(label, str):
                self._peers_by_label.setdefault(label, []).append((labels, name))

    def workload(self, service: str) -> ManifestDoc | None:
        """The workload that runs ``service``: by name label and name, by label, by name."""
        labelled = self.by_label.get(service, [])
        for doc in labelled:
            if doc.name == service:
                return doc
        if labelled:
            return labelled[0]
        named = self.by_name.get(service)
        return named[0] if named else None

    def selecting_pods(self, kind: str, labels: Mapping[str, Any]) -> tuple[ManifestDoc, ...]:
        """The objects of ``kind`` whose selector picks pods with ``labels``."""
        found = self.selecting[kind]
        candidates = found.get(labels.get(NAME_LABEL), []) + found.get(None, []) \
            if labels.get(NAME_LABEL) is not None else found.get(None, [])
        path = self._SELECTORS[kind]
        return tuple(d for d in candidates if selects(d.get(*path), labels))

    def peer_name(self, selector: Mapping[str, Any]) -> str | None:
        """The service whose pods a ``matchLabels`` selector picks."""
        label = selector.get(NAME_LABEL)
        pool = self._peers_by_label.get(label, []) if isinstance(label, str) else self.peers
        return next((name for pod, name in pool if selects(selector, pod)), None)


def _ingress_backends(ingress: ManifestDoc) -> Iterator[dict[str, Any]]:
    """The ``service`` backends of an Ingress: its default one and its rules' paths."""
    default = ingress.get("spec", "defaultBackend", "service")
    if isinstance(default, dict):
        yield default
    rules = ingress.get("spec", "rules")
    for rule in rules if isinstance(rules, list) else []:
        paths = rule.get("http", {}).get("paths") if isinstance(rule, dict) and isinstance(
            rule.get("http"), dict) else None
        for path in paths if isinstance(paths, list) else []:
            backend = path.get("backend") if isinstance(path, dict) else None
            service = backend.get("service") if isinstance(backend, dict) else None
            if isinstance(service, dict):
                yield service


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


def _distinct(docs: Iterable[ManifestDoc | None]) -> tuple[ManifestDoc, ...]:
    """The documents found, each once, in order."""
    return tuple({id(d): d for d in docs if d is not None}.values())


def build_subject(
    service: str, service_class: str | None, kind: str | None, index: DocIndex,
    *, client_ports: tuple[int, ...] = (), dependants: frozenset[str] = frozenset(),
    client_names: tuple[tuple[str, str], ...] = (), published: bool = False,
) -> Subject:
    """The subject of ``service``'s items: its workload and what selects its pods."""
    workload = index.workload(service)
    if workload is None:
        return Subject(service, service_class, kind, None, client_ports=client_ports,
                       dependants=dependants, client_names=client_names,
                       published=published)
    labels = pod_labels(workload)
    claims = (index.named.get(("PersistentVolumeClaim", n)) for n in _claim_names(workload))
    maps = (index.named.get(("ConfigMap", n)) for n in _config_map_names(workload))
    return Subject(
        service, service_class, kind, workload,
        services=index.selecting_pods("Service", labels),
        policies=index.selecting_pods("NetworkPolicy", labels),
        budgets=index.selecting_pods("PodDisruptionBudget", labels),
        claims=_distinct(claims),
        config_maps=_distinct(maps),
        client_ports=client_ports, dependants=dependants, client_names=client_names,
        published=published, index=index, default_deny=index.default_deny,
    )
