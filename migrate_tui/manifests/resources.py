"""requests and limits: from deploy.resources, mem_limit and cpus, else the catalogue's."""

from __future__ import annotations

from migrate_tui.analysis.gpu import gpu_devices, gpu_node_label, gpu_resource
from migrate_tui.compose.model import Service
from migrate_tui.manifests.common import Obj, Part, target
from migrate_tui.manifests.facts import Context, ServiceFacts
from migrate_tui.manifests.model import Status
from migrate_tui.manifests.names import cpu_quantity, memory_quantity


def resources_part(ctx: Context, f: ServiceFacts, svc: Service) -> tuple[Obj, Part]:
    """The requests and limits from deploy.resources, mem_limit and cpus; else the defaults."""
    part = Part()
    where = target(f, f.workload or "Pod", f.label)
    limits: dict[str, str] = {}
    requests: dict[str, str] = {}
    if svc.limits:
        if svc.limits.cpus:
            limits["cpu"] = cpu_quantity(svc.limits.cpus)
        if svc.limits.memory:
            limits["memory"] = memory_quantity(svc.limits.memory)
    if svc.reservations:
        if svc.reservations.cpus:
            requests["cpu"] = cpu_quantity(svc.reservations.cpus)
        if svc.reservations.memory:
            requests["memory"] = memory_quantity(svc.reservations.memory)
    resources = ((svc.get("deploy") or {}).get("resources") or {})
    for section, leaves in resources.items():
        for leaf in (leaves or {}) if isinstance(leaves, dict) else []:
            key = f"deploy.resources.{section}.{leaf}"
            if leaf == "devices":
                _, status, why = _gpu_limits(svc, f)
                part.note(svc.name, key, status, where, why)
            elif leaf == "pids":
                part.note(svc.name, key, "dropped", where, "the kubelet's podPidsLimit")
            else:
                part.note(svc.name, key, "mapped", where,
                          f"resources.{'limits' if section == 'limits' else 'requests'}")
    if svc.get("gpus"):  # (the key table's "decide" stands when no request translates)
        _, status, why = _gpu_limits(svc, f)
        if status == "approximated":
            part.note(svc.name, "gpus", status, where, why)
    for key in ("mem_limit", "mem_reservation", "cpus"):
        if svc.get(key) is not None:
            part.note(svc.name, key, "mapped", where, "container resources")
    for key, value in requests.items():  # a request above its limit does not validate
        if key in limits and _bigger(value, limits[key]):
            requests[key] = limits[key]
    if not limits and not requests:
        d = ctx.defaults.resources_for(f.analysis.category)
        requests = d.requests.model_dump(exclude_none=True)
        limits = d.limits.model_dump(exclude_none=True)
        part.note(svc.name, "deploy.resources", "approximated", where,
                  f"none set: requests and limits of the catalogue's "
                  f"{f.analysis.category or 'default'} profile; measure and adjust")
    limits.update(_gpu_limits(svc, f)[0])  # (after the defaults: a GPU is not a measured size)
    out: Obj = {}
    if requests:
        out["requests"] = requests
    if limits:
        out["limits"] = limits
    return out, part


def gpu_node_selector(f: ServiceFacts) -> dict[str, str]:
    """The nodeSelector of a node agent that asks for every GPU: the GPU nodes, none taken
    (:func:`~migrate_tui.analysis.gpu.gpu_node_label`). Empty for any other workload."""
    label = gpu_node_label(f.svc) if f.workload == "DaemonSet" else None
    return {label: "true"} if label else {}


def _gpu_limits(svc: Service, f: ServiceFacts) -> tuple[dict[str, str], Status, str]:
    """The extended-resource limits of the service's GPU requests (all or none), and the
    ledger's status and reason; a node agent watching every GPU gets a nodeSelector, and no
    limit."""
    devices = gpu_devices(svc)
    selector = gpu_node_selector(f)
    if selector:
        (label,) = selector
        return {}, "approximated", (
            f"nodeSelector {label}=true: a node agent on every GPU node, taking no GPU from "
            "the workloads; it sees them through the vendor's container runtime "
            "(runtimeClassName: nvidia where that is not the nodes' default)")
    made = [gpu_resource(d) for d in devices]
    if not devices or None in made:
        return {}, "decide", (
            "devices: Kubernetes has no form for this request (count: all, or no count, or "
            "another vendor): set the vendor's extended resource, like nvidia.com/gpu: 1, in "
            "an overlay; the nodes need its device plugin")
    limits: dict[str, int] = {}
    for name, count in (m for m in made if m is not None):
        limits[name] = limits.get(name, 0) + count
    shown = ", ".join(f"{n}: {c}" for n, c in sorted(limits.items()))
    return {n: str(c) for n, c in limits.items()}, "approximated", (
        f"resources.limits {shown}: the GPU nodes need the vendor's device plugin (NVIDIA: "
        "the GPU operator), and the capabilities and options of the request are theirs")


def _bigger(a: str, b: str) -> bool:
    return _number(a) > _number(b)


def _number(q: str) -> float:
    units = {"m": 1e-3, "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4}
    for unit, factor in units.items():
        if q.endswith(unit):
            return float(q[: -len(unit)]) * factor
    return float(q)
