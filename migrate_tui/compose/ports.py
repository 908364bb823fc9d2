"""Phase 4, canonical: the short port syntax (``127.0.0.1:8080-8081:80-81/udp``) in long form.

Compose prints a range as one mapping per port, and so does this module; every mapping is
counted against the load's budget so that a few ranges cannot take gigabytes.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any

from migrate_tui.compose.budget import MAX_PORTS, LoadBudget
from migrate_tui.compose.keypath import KeyPath
from migrate_tui.errors import SchemaError

Problem = Callable[[str, KeyPath, str], SchemaError]
"""Makes the error for a problem at a key path: (message, key path, hint)."""

_PROTOCOLS = {"tcp", "udp", "sctp"}


def parse_port(
    spec: str, kp: KeyPath, problem: Problem, budget: LoadBudget
) -> list[dict[str, Any]]:
    """A short port spec (``[IP:]HOST:CONTAINER[/PROTO]``, ranges too) as long entries.

    Args:
        spec: The short spec, as text.
        kp: Its key path, for messages.
        problem: Makes the error for a spec Compose refuses.
        budget: What the load has made so far; the mappings made here are counted on it.

    Returns:
        One long entry per port, sorted by target and protocol, as Compose prints them.

    Raises:
        SchemaError: The spec is not one Compose reads, or the project's ports expand to
            more than ``MAX_PORTS`` mappings.
    """
    raw, _, proto = spec.partition("/")
    proto = proto.lower() if proto or "/" in spec else "tcp"
    if proto not in _PROTOCOLS:
        raise problem(
            f"invalid port {spec!r}: invalid proto: {proto}",
            kp,
            "use tcp, udp or sctp after the /, e.g. 53:53/udp",
        )
    parts = raw.split(":")
    host_ip = ""
    host = ""
    if len(parts) == 1:
        container = parts[0]
    elif len(parts) == 2:
        host, container = parts
    elif len(parts) == 3:
        host_ip, host, container = parts
    else:
        host_ip = ":".join(parts[:-2])
        host, container = parts[-2], parts[-1]
    if host_ip.startswith("[") and host_ip.endswith("]"):
        host_ip = host_ip[1:-1]
    if host_ip:
        try:
            ipaddress.ip_address(host_ip)
        except ValueError:
            raise problem(
                f"invalid port {spec!r}: invalid IP address: {host_ip}",
                kp,
                "write the host IP as 127.0.0.1 or [::1]",
            ) from None
    if not container:
        raise problem(
            f"invalid port {spec!r}: no port specified", kp,
            "write the container port, e.g. 8080:80",
        )
    start, end = _range(container, spec, kp, problem)
    host_start = host_end = 0
    if host:
        host_start, host_end = _range(host, spec, kp, problem)
        if (end - start) != (host_end - host_start) and end != start:
            raise problem(
                f"invalid port {spec!r}: invalid ranges specified for container and host "
                f"ports: {container} and {host}",
                kp,
                "give ranges of the same length, e.g. 8000-8001:9000-9001",
            )
    count_ports(end - start + 1, spec, kp, problem, budget)
    entries: list[tuple[str, dict[str, Any]]] = []
    for offset in range(end - start + 1):
        target = start + offset
        entry: dict[str, Any] = {"mode": "ingress"}
        if host_ip:
            entry["host_ip"] = host_ip
        entry["target"] = target
        if host:
            published = str(host_start + offset)
            if start == end and host_start != host_end:
                published = f"{host_start}-{host_end}"
            entry["published"] = published
        entry["protocol"] = proto
        entries.append((f"{target}/{proto}", entry))
    entries.sort(key=lambda e: e[0])
    return [e for _, e in entries]

def count_ports(
    count: int, spec: str, kp: KeyPath, problem: Problem, budget: LoadBudget
) -> None:
    """Count ``count`` mappings made of ``spec``; refuse the project past ``MAX_PORTS``.

    Compose prints a range as one mapping per port, and so do we; the count keeps a
    few lines of ranges (``1-65535:1-65535`` on 20 services) from taking gigabytes.
    """
    if not budget.add_ports(count):
        raise problem(
            f"invalid port {spec!r}: the project's ports expand to more than "
            f"{MAX_PORTS:,} mappings (a range makes one mapping per port)",
            kp,
            "publish the ports the service listens on, not whole ranges (or use "
            "`network_mode: host`)",
        )

_DIGITS = re.compile(r"[0-9]+")


def _range(text: str, spec: str, kp: KeyPath, problem: Problem) -> tuple[int, int]:
    first, sep, last = text.partition("-")
    try:
        if not _DIGITS.fullmatch(first) or (sep and not _DIGITS.fullmatch(last)):
            raise ValueError  # (Go's ParseUint: no sign, no spaces, no _, as int allows)
        start = int(first)
        end = int(last) if sep else start
        if not (0 <= start <= 65535 and 0 <= end <= 65535) or end < start:
            raise ValueError
    except ValueError:
        raise problem(
            f"invalid port {spec!r}: {text!r} is not a port or a range of ports",
            kp,
            "ports are numbers from 1 to 65535, ranges like 8000-8010",
        ) from None
    return start, end
