"""The last step: the normalized project as ``docker compose config`` prints it.

:attr:`~migrate_tui.compose.model.Project.compose` holds the project as Compose prints it
in YAML, its default format, every ``x-*`` key included. Compose's JSON differs from its
YAML by the Go tags of its types (``compose-go`` ``types/``): it prints some fields when
empty (``command``, ``entrypoint``, a network's ``ipam``, ``deploy.resources`` and
``deploy.placement``, a watch rule's ``exec``), leaves out every ``x-*`` key but the
top-level ones and the top-level ``models``, and names the fields of ``blkio_config``
entries in Go's way (``Path``, ``Rate``, ``Weight``). :func:`json_document` makes those
changes; both formats print from one place, :func:`render_config`.
"""

from __future__ import annotations

import json
from typing import Any

_FREE_FORM = frozenset({
    "environment", "labels", "annotations", "args", "sysctls", "driver_opts", "options",
    "additional_contexts", "storage_opt", "log_opt",
})
"""Mappings whose keys the user chooses: an ``x-`` key there is data, not an extension."""

_BLKIO_LISTS = ("weight_device", "device_read_bps", "device_read_iops", "device_write_bps",
                "device_write_iops")


def _without_extensions(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: v if k in _FREE_FORM else _without_extensions(v)
                for k, v in value.items() if not (isinstance(k, str) and k.startswith("x-"))}
    if isinstance(value, list):
        return [_without_extensions(v) for v in value]
    return value


def _json_service(svc: dict[str, Any]) -> dict[str, Any]:
    out = {k: v if k in _FREE_FORM else _without_extensions(v)
           for k, v in svc.items() if not k.startswith("x-")}
    out.setdefault("command", None)
    out.setdefault("entrypoint", None)
    if isinstance(out.get("deploy"), dict):
        out["deploy"] = {"resources": {}, "placement": {}, **out["deploy"]}
    develop = out.get("develop")
    if isinstance(develop, dict) and isinstance(develop.get("watch"), list):
        out["develop"] = {**develop, "watch": [
            {**rule, "exec": {"command": None, **(rule.get("exec") or {})}}
            if isinstance(rule, dict) else rule for rule in develop["watch"]]}
    blkio = out.get("blkio_config")
    if isinstance(blkio, dict):
        out["blkio_config"] = {
            k: [{key.capitalize(): v for key, v in entry.items()} if isinstance(entry, dict)
                else entry for entry in value] if k in _BLKIO_LISTS and isinstance(value, list)
            else value
            for k, value in blkio.items()}
    return out


def json_document(compose: dict[str, Any]) -> dict[str, Any]:
    """``compose`` as ``docker compose config --format json`` prints it."""
    out: dict[str, Any] = {}
    for key, value in compose.items():
        if key == "models":
            continue
        if key == "services" and isinstance(value, dict):
            value = {name: _json_service(svc) if isinstance(svc, dict) else svc
                     for name, svc in value.items()}
        elif key == "networks" and isinstance(value, dict):
            value = {name: {**_without_extensions(net), "ipam": (net or {}).get("ipam") or {}}
                     if isinstance(net, dict) or net is None else net
                     for name, net in value.items()}
        elif key in ("volumes", "secrets", "configs") and isinstance(value, dict):
            value = _without_extensions(value)
        out[key] = value
    return out


def render_config(compose: dict[str, Any], fmt: str) -> str:
    """The text ``docker compose config --format FMT`` prints (``json`` or ``yaml``)."""
    if fmt == "json":
        return json.dumps(json_document(compose), indent=2, ensure_ascii=False) + "\n"
    import yaml

    return str(yaml.safe_dump(compose, sort_keys=False, allow_unicode=True))
