"""Rules about privileges: what the container may do to its host."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from migrate_tui.analysis.findings.base import Hit, RuleContext, rule
from migrate_tui.analysis.gpu import gpu_devices

_ROOT_USERS = {"root", "0"}


@rule("privileged")
def privileged(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """``privileged: true``."""
    for name in ctx.setting("privileged"):
        if ctx.services[name].privileged:
            yield Hit(name, ctx.locator.key(name, "privileged", text="privileged: true"))


@rule("dangerous-capabilities")
def dangerous_capabilities(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """``cap_add`` of capabilities the Pod Security Standards refuse."""
    dangerous = {c.upper() for c in params["capabilities"]}
    for name in ctx.setting("cap_add"):
        raw = ctx.services[name].get("cap_add") or []
        added = [str(c).upper().removeprefix("CAP_") for c in raw]
        bad = [c for c in added if c in dangerous]
        if bad:
            yield Hit(name, ctx.locator.item(
                name, "cap_add", _capability(bad[0]), text="cap_add: " + ", ".join(added)),
                {"caps": ", ".join(bad)})


def _capability(name: str) -> Callable[[Any], bool]:
    def match(entry: Any) -> bool:
        return str(entry).upper().removeprefix("CAP_") == name

    return match


@rule("docker-socket")
def docker_socket(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """The Docker socket mounted into the container."""
    from migrate_tui.analysis.classify import mount_role
    from migrate_tui.analysis.graph import mount_matcher

    for name in ctx.setting("volumes"):
        for i, mount in enumerate(ctx.services[name].volumes):
            # (only a bind mount is ever the socket: the type first spares the path patterns)
            if mount.type == "bind" and mount_role(mount, ctx.catalogue) == "socket":
                yield Hit(name, ctx.locator.item(
                    name, "volumes", mount_matcher(mount), index=i,
                    text=f"volumes: {mount.source}:{mount.target}"
                         f"{':ro' if mount.read_only else ''}"),
                    {"source": mount.source})


@rule("host-namespace")
def host_namespace(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """``pid: host`` and ``ipc: host``."""
    for name in sorted({*ctx.setting("pid"), *ctx.setting("ipc")}):
        for key in ("pid", "ipc"):
            if ctx.services[name].get(key) == "host":
                yield Hit(name, ctx.locator.key(name, key, text=f"{key}: host"),
                          {"key": key, "key_title": key.upper()})


@rule("runs-as-root")
def runs_as_root(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """No ``user``, or ``user: root``."""
    for name in sorted(ctx.services):
        user = ctx.services[name].user
        if user is None:
            yield Hit(name, ctx.locator.key(name, "user", text="(no user)"), {"user": ""})
        elif user.split(":", 1)[0] in _ROOT_USERS:
            yield Hit(name, ctx.locator.key(name, "user", text=f"user: {user}"), {"user": user},
                      "explicit-root")


@rule("sysctls")
def sysctls(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Kernel parameters set with ``sysctls``."""
    for name in ctx.setting("sysctls"):
        raw = ctx.services[name].get("sysctls") or {}
        names = sorted(raw) if isinstance(raw, dict) else sorted(str(s).split("=")[0] for s in raw)
        if names:
            yield Hit(name, ctx.locator.key(name, "sysctls", text="sysctls: " + ", ".join(names)),
                      {"names": ", ".join(names)})


@rule("ulimits")
def ulimits(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """``ulimits``."""
    for name in ctx.setting("ulimits"):
        raw = ctx.services[name].get("ulimits") or {}
        if raw:
            names = ", ".join(sorted(raw))
            yield Hit(name, ctx.locator.key(name, "ulimits", text=f"ulimits: {names}"),
                      {"names": names})


@rule("devices")
def devices(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Host devices mapped into the container."""
    for name in ctx.setting("devices"):
        raw = ctx.services[name].get("devices") or []
        shown = [str(d.get("source", d)) if isinstance(d, dict) else str(d).split(":")[0]
                 for d in raw]
        if shown:
            yield Hit(name, ctx.locator.key(name, "devices", text="devices: " + ", ".join(shown)),
                      {"devices": ", ".join(shown)})


@rule("gpu")
def gpu(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """GPU reservations (``deploy.resources.reservations.devices``, ``gpus``)."""
    for name in sorted(ctx.services):
        svc = ctx.services[name]
        gpus = gpu_devices(svc)
        if gpus:
            count = gpus[0].get("count", "all" if not gpus[0].get("device_ids") else None)
            what = f"{count} GPU{'s' if count not in (1, '1') else ''}" if count else "GPUs " + \
                ", ".join(map(str, gpus[0].get("device_ids") or []))
            yield Hit(name, ctx.locator.key(name, "deploy", "resources", "reservations", "devices",
                                            text=f"reservations.devices: {what}"), {"what": what})
        elif svc.get("gpus"):
            yield Hit(name, ctx.locator.key(name, "gpus", text=f"gpus: {svc.get('gpus')}"),
                      {"what": f"GPUs ({svc.get('gpus')})"})

