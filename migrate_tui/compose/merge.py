"""Phase 6, merge: one file (or an extending service) laid over another.

The rules are a table keyed by path pattern, as the Compose Specification's merge section
and compose-go's ``override`` package define them. Both sides are already in long syntax
(the canonical phase runs per file first), which keeps every rule small:

- mappings merge key by key, the later file winning; ``x-`` extensions too (Compose v2
  merges them like any other mapping: ``x-a: {a: 1}`` then ``x-a: {b: 2}`` gives both);
- ``command``, ``entrypoint`` and ``healthcheck.test`` are replaced, never appended;
- sequences are appended, then made unique by the key that identifies an entry (a port by
  ip:published:target/protocol, a volume by its target, a secret by its target...), the
  later entry taking the earlier one's place;
- ``logging`` merges only when both sides use the same driver (or one names none).
"""

from __future__ import annotations

import copy
import fnmatch
import functools
from collections.abc import Callable
from typing import Any

from migrate_tui.compose.parse import KeyPath

Indexer = Callable[[Any], str]
Merger = Callable[[Any, Any, tuple[str, ...]], Any]


def _text(item: Any) -> str:
    return item if isinstance(item, str) else repr(item)


def _port_key(item: Any) -> str:
    if isinstance(item, dict):
        return "{}:{}:{}/{}".format(
            item.get("host_ip"), item.get("published"), item.get("target"), item.get("protocol")
        )
    return _text(item)


def _target_key(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("target") or item.get("source"))
    return _text(item)


def _mount_key(prefix: str) -> Indexer:
    def key(item: Any) -> str:
        if isinstance(item, dict):
            target = item.get("target")
            if target:
                return str(target)
            return f"{prefix}/{item.get('source')}" if prefix else str(item.get("source"))
        return _text(item)

    return key


def _env_file_key(item: Any) -> str:
    return str(item.get("path")) if isinstance(item, dict) else _text(item)


def _key_value_key(item: Any) -> str:
    text = _text(item)
    return text.split("=", 1)[0] if isinstance(item, str) else text


def _device_key(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("target") or item.get("source"))
    text = _text(item)
    parts = text.split(":")
    return parts[1] if len(parts) > 1 else parts[0]


UNIQUE: dict[str, Indexer] = {
    "services.*.ports": _port_key,
    "services.*.volumes": _target_key,
    "services.*.secrets": _mount_key("/run/secrets"),
    "services.*.configs": _mount_key(""),
    "services.*.env_file": _env_file_key,
    "services.*.expose": _text,
    "services.*.profiles": _text,
    "services.*.links": _text,
    "services.*.cap_add": _text,
    "services.*.cap_drop": _text,
    "services.*.dns": _text,
    "services.*.dns_opt": _text,
    "services.*.dns_search": _text,
    "services.*.tmpfs": _text,
    "services.*.devices": _device_key,
    "services.*.volumes_from": _text,
    "services.*.security_opt": _text,
    "services.*.extra_hosts": _text,  # (HOST=IP: a host may have several addresses)
    "services.*.networks.*.aliases": _text,
    "services.*.build.tags": _text,
    "services.*.build.platforms": _text,
    "services.*.build.cache_from": _text,
    "networks.*.ipam.config": lambda item: repr(item.get("subnet")) if isinstance(item, dict)
    else _text(item),
}
"""Sequences made unique after an append, with the key that identifies an entry."""


def _replace(base: Any, over: Any, path: tuple[str, ...]) -> Any:
    return copy.deepcopy(over)


def _merge_logging(base: Any, over: Any, path: tuple[str, ...]) -> Any:
    if not isinstance(base, dict) or not isinstance(over, dict):
        return copy.deepcopy(over)
    if "driver" in base and "driver" in over and base["driver"] != over["driver"]:
        return copy.deepcopy(over)
    return _merge_mappings(base, over, path)


def _merge_ulimit(base: Any, over: Any, path: tuple[str, ...]) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        return _merge_mappings(base, over, path)
    return copy.deepcopy(over)


def _merge_extra_hosts(base: Any, over: Any, path: tuple[str, ...]) -> Any:
    def as_list(value: Any) -> list[Any]:
        if isinstance(value, dict):
            out: list[Any] = []
            for host, ips in value.items():
                for ip in ips if isinstance(ips, list) else [ips]:
                    out.append(f"{host}={ip}")
            return out
        return list(value or [])

    return _unique([*as_list(base), *as_list(over)], _key_value_key)


SPECIAL: dict[str, Merger] = {
    "services.*.command": _replace,
    "services.*.entrypoint": _replace,
    "services.*.healthcheck.test": _replace,
    "services.*.logging": _merge_logging,
    "services.*.ulimits.*": _merge_ulimit,
    "services.*.extra_hosts": _merge_extra_hosts,
    "services.*.build.extra_hosts": _merge_extra_hosts,
}
"""Paths with a rule of their own; everything else merges by the type of its value."""


def _matches(path: tuple[str, ...], pattern: str) -> bool:
    parts = pattern.split(".")
    return len(parts) == len(path) and all(
        p == "*" or fnmatch.fnmatchcase(k, p) for p, k in zip(parts, path, strict=True)
    )


_FOUND: dict[tuple[int, tuple[str, ...]], Any] = {}
"""The rule of each (table, path) already looked up, the name in second place left out."""


def _rule(table: dict[str, Any], path: tuple[str, ...]) -> Any:
    # Every pattern has ``*`` second (the service's or network's name), so one lookup a
    # field serves every service.
    key = (id(table), (path[0], "*", *path[2:]) if len(path) > 1 else path)
    if key not in _FOUND:
        if len(_FOUND) > 10_000:
            _FOUND.clear()  # keys from hostile files: keep the memo small
        _FOUND[key] = next(
            (rule for pattern, rule in table.items() if _matches(path, pattern)), None)
    return _FOUND[key]


def _unique(items: list[Any], key: Indexer) -> list[Any]:
    out: list[Any] = []
    index: dict[str, int] = {}
    for item in items:
        k = key(item)
        if k in index:
            out[index[k]] = item
        else:
            index[k] = len(out)
            out.append(item)
    return out


def merge_value(base: Any, over: Any, path: tuple[str, ...]) -> Any:
    """``over`` laid over ``base`` at ``path``, by the rules above."""
    special = _rule(SPECIAL, path)
    if special is not None:
        return special(base, over, path)
    if isinstance(base, dict) and isinstance(over, dict):
        return _merge_mappings(base, over, path)
    if isinstance(base, list) and isinstance(over, list):
        merged = [*base, *copy.deepcopy(over)]
        indexer = _rule(UNIQUE, path)
        return _unique(merged, indexer) if indexer else merged
    return copy.deepcopy(over)


def _merge_mappings(base: dict[str, Any], over: dict[str, Any], path: tuple[str, ...]) -> Any:
    out = dict(base)
    for key, value in over.items():
        if key not in out or out[key] is None:
            out[key] = copy.deepcopy(value)
        elif value is None:
            continue  # an empty key in a later file keeps what the earlier one said
        else:
            out[key] = merge_value(out[key], value, (*path, key))
    return out


def enforce_unicity(service: dict[str, Any]) -> dict[str, Any]:
    """A service whose sequences hold each entry once, as after a merge."""
    out = dict(service)
    for key, value in service.items():
        if isinstance(value, list):
            indexer = _service_unique_rule(key)
            if indexer is not None:
                out[key] = _unique(value, indexer)
    return out


@functools.lru_cache(maxsize=256)
def _service_unique_rule(key: str) -> Indexer | None:
    # One call a list of every service: cheaper than building the path for ``_rule``.
    rule: Indexer | None = _rule(UNIQUE, ("services", "*", key))
    return rule


def merge_files(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge the data of a later file over the merged data of the earlier ones."""
    result: dict[str, Any] = merge_value(base, over, ())
    return result


def merge_service(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """A service that ``extends`` another: the extending service laid over its base."""
    wrapped = merge_value({"services": {"s": base}}, {"services": {"s": over}}, ())
    result: dict[str, Any] = wrapped["services"]["s"]
    return result


def drop_path(data: dict[str, Any], path: KeyPath) -> None:
    """Delete ``path`` from ``data`` if it is there (for ``!reset`` and ``!override``)."""
    node: Any = data
    for part in path[:-1]:
        # Two branches, not one `or`: mypy narrows `part` to int only in the second.
        if isinstance(node, dict) and part in node:  # noqa: SIM114
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return
    last = path[-1] if path else None
    if isinstance(node, dict) and last in node:
        del node[last]


assert all(p.split(".")[1:2] in (["*"], []) for t in (SPECIAL, UNIQUE) for p in t), (
    "_rule leaves the second part of a path out of its memo: patterns must have * there")
