"""The one GPU detector: which services ask for a GPU, read once for the finding and the plan.

A service asks for a GPU with a device request under ``deploy.resources.reservations.devices``
(the only place the Compose specification allows ``devices`` requests) whose capabilities
name ``gpu`` or whose driver is a GPU vendor's, or with the service-level ``gpus`` key
(Compose 2.30). The ``gpu`` finding and the plan's ``gpu-nodes`` item both read
:func:`needs_gpu`, so a request one of them sees the other cannot miss.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from migrate_tui.compose.model import Service

GPU_DRIVERS = frozenset({"nvidia", "amd"})
"""Drivers of device requests that are GPUs whatever capabilities they list."""


def is_gpu_device(device: Mapping[str, Any]) -> bool:
    """Whether one device request asks for a GPU.

    Args:
        device: An entry of ``deploy.resources.reservations.devices``, as written.

    Returns:
        True when its capabilities name ``gpu`` or its driver is a GPU vendor's.
    """
    capabilities = device.get("capabilities") or []
    names = [str(c) for group in capabilities
             for c in (group if isinstance(group, list) else [group])]
    return "gpu" in names or str(device.get("driver", "")).lower() in GPU_DRIVERS


def gpu_devices(svc: Service) -> list[Mapping[str, Any]]:
    """The device requests of a service that ask for a GPU, in the order written: those of
    ``deploy`` that name a GPU, then every request of the ``gpus`` key (a GPU request
    whatever it lists; ``gpus: all`` reads as one request of every GPU)."""
    requests = svc.reservations.devices if svc.reservations else None
    found: list[Mapping[str, Any]] = [d for d in requests or () if is_gpu_device(d)]
    gpus = svc.get("gpus")
    if isinstance(gpus, list):
        found += [d for d in gpus if isinstance(d, Mapping)]
    return found


def needs_gpu(svc: Service) -> bool:
    """Whether a service asks for a GPU: a GPU device request, or the ``gpus`` key."""
    return bool(gpu_devices(svc)) or bool(svc.get("gpus"))


GPU_RESOURCES = {"nvidia": "nvidia.com/gpu", "amd": "amd.com/gpu"}
"""The extended resource each vendor's device plugin offers, by Compose driver."""

GPU_NODE_LABELS = {"nvidia": "nvidia.com/gpu.present"}
"""The label each vendor's discovery puts on a node with GPUs, by Compose driver (NVIDIA's
GPU feature discovery, part of its GPU operator, sets ``nvidia.com/gpu.present=true``)."""


def gpu_node_label(svc: Service) -> str | None:
    """The node label of the GPUs a service asks for all of, one vendor's; else None.

    A node agent asking for every GPU (a GPU exporter) watches the GPUs of its node rather
    than computing on them: it belongs on the nodes that have them, without taking them from
    the workloads that do. A request with a count, or of a vendor with no known label, has
    no such reading.
    """
    devices = gpu_devices(svc)
    vendors = {str(d.get("driver") or "nvidia").lower() for d in devices}
    if not devices or len(vendors) != 1 or any(gpu_resource(d) for d in devices):
        return None
    return GPU_NODE_LABELS.get(vendors.pop())


def gpu_resource(device: Mapping[str, Any]) -> tuple[str, int] | None:
    """The extended resource and count a GPU device request becomes in Kubernetes.

    ``count: 2`` or two ``device_ids`` are a count; the driver names the vendor (none: the
    Docker default, NVIDIA's). None when Kubernetes has no form for it: ``count: all`` (or
    no count, which Docker reads as all), or another vendor.
    """
    driver = str(device.get("driver") or "nvidia").lower()
    name = GPU_RESOURCES.get(driver)
    count = device.get("count")
    ids = device.get("device_ids")
    if isinstance(ids, list) and ids and count is None:
        count = len(ids)
    if name is None or isinstance(count, bool) or not isinstance(count, int) or count < 1:
        return None
    return name, count
