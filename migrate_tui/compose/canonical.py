"""Phase 4, canonical: every short syntax of a service rewritten to the long one.

After this phase a service's ``ports`` are mappings with ``target``/``published``/
``protocol``/``host_ip``, its ``volumes`` mappings with ``type``/``source``/``target``,
``depends_on`` a mapping of conditions, ``environment`` and ``labels`` mappings of strings,
``command`` and ``entrypoint`` lists, ``build`` a mapping with an absolute context, and
relative host paths absolute (against the directory of the file, or the project's).
The output has the keys and shapes ``docker compose config --format json`` prints.

The service walk is here; the short syntaxes with rules of their own live beside it:
``ports`` (port specs and ranges), ``volume_spec`` (volume specs and host paths),
``shell_words`` (a ``command`` string split into words) and ``go_values`` (values printed
as Go prints them).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from migrate_tui.compose.budget import LoadBudget
from migrate_tui.compose.go_values import (
    go_bool,
    go_duration,
    go_file_mode,
    go_float,
    go_int,
    go_string,
    parse_bytes,
)
from migrate_tui.compose.merge import enforce_unicity
from migrate_tui.compose.parse import KeyPath, ParsedFile, format_path
from migrate_tui.compose.ports import count_ports, parse_port
from migrate_tui.compose.shell_words import split_shell_words
from migrate_tui.compose.volume_spec import abs_path, parse_volume
from migrate_tui.errors import Location, SchemaError


def is_remote_context(context: str) -> bool:
    """Whether a build context is a URL or git reference rather than a local folder."""
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", context)) or context.startswith(
        ("git@", "github.com/")
    )


class Canonicalizer:
    """Rewrites the services of one file in long syntax.

    Args:
        source: The parsed file, for error locations.
        base_dir: The folder relative paths are resolved against.
        home: The home folder for ``~``.
        budget: What the load has made so far, shared by its files (port mappings here).
    """

    def __init__(self, source: ParsedFile, base_dir: str, home: str,
                 budget: LoadBudget | None = None) -> None:
        self.source = source
        self.base_dir = base_dir
        self.home = home
        self.budget = budget if budget is not None else LoadBudget()

    def error(self, message: str, kp: KeyPath, hint: str) -> SchemaError:
        """A schema error at ``kp`` in this file."""
        return SchemaError(
            message, location=self.source.locate(kp), path=format_path(kp), hint=hint
        )

    # -- the whole file -----------------------------------------------------------------

    def file(self, data: dict[str, Any]) -> dict[str, Any]:
        """The file with every service, and the top-level resources, in long syntax."""
        out = dict(data)
        services = data.get("services")
        if isinstance(services, dict):
            out["services"] = {
                name: self.service(svc, ("services", name)) if isinstance(svc, dict) else svc
                for name, svc in services.items()
            }
        for kind in ("networks", "volumes", "secrets", "configs"):
            section = data.get(kind)
            if isinstance(section, dict):
                out[kind] = {
                    name: self._resource(value, (kind, name))
                    for name, value in section.items()
                }
        return out

    def _resource(self, value: Any, kp: KeyPath) -> Any:
        """A top-level network, volume, secret or config: its file absolute, its labels a
        mapping, the device of a local bind volume (``o: bind``) absolute."""
        if not isinstance(value, dict):
            return value
        value = dict(value)
        if isinstance(value.get("file"), str):
            value["file"] = abs_path(self.base_dir, value["file"], self.home)
        if isinstance(value.get("labels"), list):
            value["labels"] = self._labels(value["labels"], (*kp, "labels"))
        opts = value.get("driver_opts")
        if (kp[0] == "volumes" and value.get("driver") in (None, "local")
                and isinstance(opts, dict) and opts.get("o") == "bind" and "device" in opts):
            value["driver_opts"] = {**opts, "device": abs_path(
                self.base_dir, go_string(opts["device"]), self.home)}
        if isinstance(opts, dict):
            value["driver_opts"] = {k: go_string(v) for k, v in value["driver_opts"].items()}
        return value

    # -- one service ----------------------------------------------------------------------

    def service(self, svc: dict[str, Any], kp: KeyPath) -> dict[str, Any]:
        """One service in long syntax."""
        out = dict(svc)
        for key, fn in self._FIELDS.items():
            if key in out and out[key] is not None:
                out[key] = fn(self, out[key], (*kp, key))
        for key in _SIZES:
            if key in out:
                out = _sized(out, key, self._size, kp)
        if isinstance(out.get("cpus"), float):
            out["cpus"] = go_float(out["cpus"])
        return enforce_unicity(out)

    def _build(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        build = {"context": value} if isinstance(value, str) else dict(value)
        context = build.get("context", ".")
        if context is None:
            context = "."
        context = str(context)
        if not is_remote_context(context):
            context = abs_path(self.base_dir, context, self.home)
        build["context"] = context
        if isinstance(build.get("args"), list):
            build["args"] = self._key_values(build["args"], (*kp, "args"), keep_none=True)
        elif isinstance(args := build.get("args"), dict):
            build["args"] = {k: None if v is None else go_string(v) for k, v in args.items()}
        if isinstance(build.get("labels"), list):
            build["labels"] = self._key_values(build["labels"], (*kp, "labels"), keep_none=False)
        if "shm_size" in build:
            build = _sized(build, "shm_size", self._size, kp)
        if isinstance(build.get("secrets"), list):
            build["secrets"] = self._mounts(build["secrets"], (*kp, "secrets"))
        if isinstance(ssh := build.get("ssh"), (list, dict)):
            build["ssh"] = self._ssh(ssh)
        dockerfile = build.get("dockerfile")
        if isinstance(dockerfile, str) and dockerfile.startswith("~"):
            build["dockerfile"] = abs_path(self.base_dir, dockerfile, self.home)
        contexts = build.get("additional_contexts")
        if isinstance(contexts, list):
            contexts = self._key_values(contexts, (*kp, "additional_contexts"), keep_none=False)
        if isinstance(contexts, dict):
            build["additional_contexts"] = {
                k: v if (not isinstance(v, str) or is_remote_context(v) or ":" in v
                         and not v.startswith((".", "/", "~")))
                else abs_path(self.base_dir, v, self.home)
                for k, v in contexts.items()
            }
        if build.get("extra_hosts") is not None:
            build["extra_hosts"] = self._extra_hosts(build["extra_hosts"],
                                                     (*kp, "extra_hosts"))
        for key in ("pull", "privileged", "no_cache"):
            if isinstance(build.get(key), str):  # (as Compose decodes it: a boolean)
                try:
                    build[key] = go_bool(build[key])
                except ValueError as exc:
                    raise self.error(str(exc), (*kp, key), "write true or false") from None
        return build

    def _command(self, value: Any, kp: KeyPath) -> list[str]:
        if isinstance(value, list):
            return [go_string(v) for v in value]
        try:
            return split_shell_words(go_string(value)).words
        except ValueError as exc:
            raise self.error(
                f"{format_path(kp)}: cannot split {value!r} into words ({exc})",
                kp,
                "close the quote, or write the command as a list",
            ) from None

    def _ssh(self, value: list[Any] | dict[str, Any]) -> list[str]:
        """``build.ssh`` as Compose prints it: ``ID`` or ``ID: /absolute/path``."""
        pairs = (value.items() if isinstance(value, dict)
                 else (go_string(item).partition("=")[::2] for item in value))
        return [f"{key}: {abs_path(self.base_dir, path, self.home)}" if path else key
                for key, path in pairs]

    def _hooks(self, value: Any, kp: KeyPath) -> Any:
        """``post_start``/``pre_stop``: each hook's ``command`` as a list of words, its
        ``privileged`` written as text a boolean (as Compose decodes it)."""
        if not isinstance(value, list):
            return value
        hooks = []
        for i, hook in enumerate(value):
            if isinstance(hook, dict):
                hook = dict(hook)
                if hook.get("command") is not None:
                    hook["command"] = self._command(hook["command"], (*kp, i, "command"))
                if isinstance(hook.get("privileged"), str):
                    try:
                        hook["privileged"] = go_bool(hook["privileged"])
                    except ValueError as exc:
                        raise self.error(str(exc), (*kp, i, "privileged"),
                                         "write true or false") from None
            hooks.append(hook)
        return hooks

    def _devices(self, value: Any, kp: KeyPath) -> Any:
        """``devices`` in long syntax: ``/dev/sda:/dev/xvda:r`` is its source, target (the
        source when left out) and permissions (``rwm`` when left out)."""
        if not isinstance(value, list):
            return value
        out: list[Any] = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                parts = item.split(":")
                if len(parts) > 3:
                    raise self.error(f"confusing device mapping {item!r}", (*kp, i),
                                     "write it in the long syntax: source, target, "
                                     "permissions")
                source, target, permissions = (*parts, "", "")[:3]
                item = {k: v for k, v in (("source", source), ("target", target or source),
                                          ("permissions", permissions or "rwm")) if v}
            elif isinstance(item, dict) and not item.get("target"):
                raise self.error("the device has no target", (*kp, i),
                                 "add target: the path of the device in the container")
            out.append(item)
        return out

    def _group_add(self, value: Any, kp: KeyPath) -> Any:
        """``group_add``: each group as text (a number too), as Compose prints it."""
        if not isinstance(value, list):
            return value
        for i, group in enumerate(value):
            if isinstance(group, float):
                raise self.error(f"invalid group {group!r}", (*kp, i),
                                 "write a group name or a whole number")
        return [go_string(g) for g in value]

    def _develop(self, value: Any, kp: KeyPath) -> Any:
        """``develop.watch``: paths absolute, ``include``/``ignore`` lists, ``exec.command``
        a list of words."""
        if not isinstance(value, dict) or not isinstance(value.get("watch"), list):
            return value
        watch = []
        for i, rule in enumerate(value["watch"]):
            if isinstance(rule, dict):
                rule = dict(rule)
                if isinstance(rule.get("path"), str):
                    rule["path"] = abs_path(self.base_dir, rule["path"], self.home)
                for key in ("include", "ignore"):
                    if isinstance(rule.get(key), str):
                        rule[key] = [rule[key]]
                run = rule.get("exec")
                if isinstance(run, dict) and run.get("command") is not None:
                    rule["exec"] = {**run, "command": self._command(
                        run["command"], (*kp, "watch", i, "exec", "command"))}
            watch.append(rule)
        return {**value, "watch": watch}

    def _extra_hosts(self, value: Any, kp: KeyPath) -> list[str]:
        """``extra_hosts`` as Compose prints it: ``HOST=IP`` entries (``HOST:IP`` and a
        mapping read too, brackets around an IPv6 address dropped)."""
        pairs: list[tuple[str, str]] = []
        if isinstance(value, dict):
            for host, ips in value.items():
                pairs.extend((str(host), go_string(ip))
                             for ip in (ips if isinstance(ips, list) else [ips]))
        else:
            for item in value:
                text = go_string(item)
                host, sep, ip = text.partition("=")
                if not sep:
                    host, _, ip = text.partition(":")
                pairs.append((host, ip))
        return [f"{host}={ip[1:-1] if ip.startswith('[') and ip.endswith(']') else ip}"
                for host, ip in pairs]

    def _logging(self, value: Any, kp: KeyPath) -> Any:
        if isinstance(value, dict) and isinstance(value.get("options"), dict):
            return {**value, "options": {k: None if v is None else go_string(v)
                                         for k, v in value["options"].items()}}
        return value

    def _provider(self, value: Any, kp: KeyPath) -> Any:
        """``provider.options``: each value a list of strings."""
        if isinstance(value, dict) and isinstance(value.get("options"), dict):
            return {**value, "options": {
                k: [go_string(x) for x in v] if isinstance(v, list) else [go_string(v)]
                for k, v in value["options"].items()}}
        return value

    def _blkio(self, value: Any, kp: KeyPath) -> Any:
        """``blkio_config``: each throttle's ``rate`` in bytes (or operations), as text."""
        if not isinstance(value, dict):
            return value
        out = dict(value)
        weights = [((*kp, "weight"), out.get("weight"))]
        if isinstance(out.get("weight_device"), list):
            weights += [((*kp, "weight_device", i, "weight"), d.get("weight"))
                        for i, d in enumerate(out["weight_device"]) if isinstance(d, dict)]
        for at, weight in weights:
            if isinstance(weight, str):  # (Compose decodes it as a number, and no text)
                raise self.error(f"invalid weight {weight!r}: text, not a number", at,
                                 "write the weight as a number from 10 to 1000, unquoted")
        for key in ("device_read_bps", "device_read_iops", "device_write_bps",
                    "device_write_iops"):
            if isinstance(out.get(key), list):
                out[key] = [
                    {**entry, "rate": self._size(entry["rate"], (*kp, key, i, "rate")) or "0"}
                    if isinstance(entry, dict) and entry.get("rate") is not None else entry
                    for i, entry in enumerate(out[key])]
        return out

    def _models(self, value: Any, kp: KeyPath) -> Any:
        return {str(name): None for name in value} if isinstance(value, list) else value

    def _durations(self, value: Any, kp: KeyPath, keys: tuple[str, ...]) -> Any:
        if not isinstance(value, dict):
            return value
        out = dict(value)
        for key in keys:
            if isinstance(out.get(key), str):
                out[key] = go_duration(out[key])
        return out

    def _key_values(self, value: Any, kp: KeyPath, *, keep_none: bool) -> dict[str, Any]:
        """``["A=1", "B"]`` or ``{A: 1, B: null}`` as a mapping of strings."""
        out: dict[str, Any] = {}
        if isinstance(value, dict):
            for k, v in value.items():
                # Most values are strings already: no call to make them one.
                out[k] = v if v.__class__ is str or v is None else go_string(v)
            return out
        for item in value:
            text = go_string(item)
            if "=" in text:
                key, val = text.split("=", 1)
                out[key] = val
            else:
                out[text] = None if keep_none else ""
        return out

    def _environment(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        return self._key_values(value, kp, keep_none=True)

    def _labels(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        out = self._key_values(value, kp, keep_none=False)
        return {k: "" if v is None else v for k, v in out.items()}

    def _env_file(self, value: Any, kp: KeyPath) -> list[dict[str, Any]]:
        items = value if isinstance(value, list) else [value]
        out: list[dict[str, Any]] = []
        for item in items:
            entry = {"path": item, "required": True} if isinstance(item, str) else dict(item)
            entry.setdefault("required", True)
            entry["path"] = abs_path(self.base_dir, str(entry.get("path", "")), self.home)
            out.append(entry)
        return out

    def _depends_on(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        if isinstance(value, list):
            return {
                str(name): {"condition": "service_started", "required": True} for name in value
            }
        out: dict[str, Any] = {}
        for name, dep in value.items():
            entry = dict(dep) if isinstance(dep, dict) else {}
            entry.setdefault("condition", "service_started")
            entry.setdefault("required", True)
            out[name] = entry
        return out

    def _networks(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        if isinstance(value, list):
            return {str(name): None for name in value}
        return dict(value)

    def _healthcheck(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        check: dict[str, Any] = self._durations(value, kp, _HEALTHCHECK_DURATIONS)
        if check.get("disable") is False:
            del check["disable"]  # (Compose prints it only when true)
        test = check.get("test")
        if isinstance(test, str):
            check["test"] = ["CMD-SHELL", test]
        elif isinstance(test, list):
            check["test"] = [go_string(t) for t in test]
        return check

    def _list_of_strings(self, value: Any, kp: KeyPath) -> list[str]:
        if isinstance(value, list):
            return [go_string(v) for v in value]
        return [go_string(value)]

    def _mounts(self, value: Any, kp: KeyPath) -> list[Any]:
        """``secrets``/``configs`` of a service or a build, as mappings, ``mode`` in
        octal text as Compose prints it (``"0440"``)."""
        out: list[Any] = []
        for item in value:
            if isinstance(item, str):
                item = {"source": item}
            elif isinstance(item, dict) and "mode" in item:
                try:
                    item = {**item, "mode": go_file_mode(item["mode"])}
                except ValueError:
                    raise self.error(f"invalid file mode {item['mode']!r}",
                                     (*kp, len(out), "mode"),
                                     "write the mode in octal, such as 0440") from None
            out.append(item)
        return out

    def _extends(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        return {"service": value} if isinstance(value, str) else dict(value)

    def _deploy(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        deploy = dict(value)
        for key in ("restart_policy", "update_config", "rollback_config"):
            if key in deploy:
                deploy[key] = self._durations(deploy[key], (*kp, key), _DEPLOY_DURATIONS)
        resources = deploy.get("resources")
        if isinstance(resources, dict):
            resources = dict(resources)
            for part in ("limits", "reservations"):
                section = resources.get(part)
                if isinstance(section, dict):
                    section = dict(section)
                    if "memory" in section:
                        section = _sized(section, "memory", self._size,
                                         (*kp, "resources", part))
                    if "cpus" in section and isinstance(section["cpus"], (str, float)):
                        try:
                            section["cpus"] = go_float(float(section["cpus"]))
                        except ValueError:
                            raise self.error(
                                f"invalid number of CPUs {section['cpus']!r}",
                                (*kp, "resources", part, "cpus"),
                                "write a number such as 0.5 or 2",
                            ) from None
                    if isinstance(section.get("pids"), str):
                        try:
                            section["pids"] = go_int(section["pids"])
                        except ValueError:
                            raise self.error(
                                f"invalid number of processes {section['pids']!r}",
                                (*kp, "resources", part, "pids"),
                                "write a whole number such as 100") from None
                    if isinstance(section.get("devices"), list):
                        section["devices"] = [
                            self._device(d, (*kp, "resources", part, "devices", i))
                            for i, d in enumerate(section["devices"])]
                    resources[part] = section
            deploy["resources"] = resources
        return deploy

    def _size(self, value: Any, kp: KeyPath) -> str | None:
        """A size (``512m``, ``1.5g``, a number of bytes) as Compose prints it: its bytes,
        as text. None where Compose leaves the key out: 0 (unset), and a YAML float,
        which it does not take for a size."""
        if isinstance(value, float):
            return None
        size = parse_bytes(value)
        if size is None:
            raise self.error(f"invalid size {value!r}", kp,
                             "write a size such as 512m or 2g, or a number of bytes")
        return str(size) if size else None

    def _device(self, device: Any, kp: KeyPath) -> Any:
        """A device request as Compose reads it: ``count`` a number, ``all`` being -1 and
        the default when neither it nor ``device_ids`` is given (0 is left out, as Compose
        prints it); the values of ``options`` strings."""
        if not isinstance(device, dict):
            return device
        device = dict(device)
        if "count" in device and "device_ids" in device:
            raise self.error("count and device_ids are exclusive", kp,
                             "keep one: count for any N devices, device_ids for those ones")
        count = device.get("count", None if "device_ids" in device else -1)
        if isinstance(count, str):
            try:
                count = -1 if count.lower() == "all" else go_int(count)
            except ValueError:
                raise self.error(f"invalid count {count!r}", (*kp, "count"),
                                 "write a number of devices, or all") from None
        if count:
            device["count"] = count
        else:
            device.pop("count", None)
        if isinstance(device.get("options"), dict):
            device["options"] = {k: go_string(v) for k, v in device["options"].items()}
        return device

    def _gpus(self, value: Any, kp: KeyPath) -> Any:
        """``gpus: all`` as the one request it is; each request as :meth:`_device` reads it."""
        if value == "all":
            return [{"count": -1}]
        if isinstance(value, list):
            return [self._device(d, (*kp, i)) for i, d in enumerate(value)]
        return value

    def _ports(self, value: Any, kp: KeyPath) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for i, item in enumerate(value):
            ikp = (*kp, i)
            if isinstance(item, dict):
                if "target" not in item:
                    raise self.error(
                        f"service ports {format_path(ikp)} is missing a target port", ikp,
                        "add `target: PORT`, the port the container listens on",
                    )
                port = dict(item)
                port.setdefault("mode", "ingress")
                port.setdefault("protocol", "tcp")
                if "published" in port and port["published"] is not None:
                    port["published"] = go_string(port["published"])
                    if port["published"] == "":
                        del port["published"]
                if isinstance(port.get("target"), str):
                    port["target"] = int(port["target"])
                count_ports(1, str(item.get("target")), ikp, self.error, self.budget)
                out.append(port)
            else:
                out.extend(parse_port(go_string(item), ikp, self.error, self.budget))
        return out


    def _volumes(self, value: Any, kp: KeyPath) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for i, item in enumerate(value):
            ikp = (*kp, i)
            if isinstance(item, dict):
                vol = dict(item)
                if vol.get("read_only") is False:
                    del vol["read_only"]  # (Compose prints it only when true)
                if vol.get("source") == "":
                    del vol["source"]
                if vol.get("type") == "bind" and isinstance(vol.get("source"), str):
                    vol["source"] = abs_path(self.base_dir, vol["source"], self.home)
                tmpfs = vol.get("tmpfs")
                if isinstance(tmpfs, dict) and "size" in tmpfs:
                    vol["tmpfs"] = _sized(tmpfs, "size", self._size, (*ikp, "tmpfs"))
                if isinstance(tmpfs, dict) and isinstance(tmpfs.get("mode"), str):
                    raise self.error(  # (Compose decodes it into a number, and no text)
                        f"invalid tmpfs mode {tmpfs['mode']!r}: text, not a number",
                        (*ikp, "tmpfs", "mode"), "write the mode as a number, unquoted")
                bind = vol.get("bind")
                if isinstance(bind, dict) and isinstance(bind.get("create_host_path"), str):
                    try:
                        vol["bind"] = {**bind, "create_host_path":
                                       go_bool(bind["create_host_path"])}
                    except ValueError as exc:
                        raise self.error(str(exc), (*ikp, "bind", "create_host_path"),
                                         "write true or false") from None
                out.append(vol)
            else:
                out.append(parse_volume(str(item), ikp, self.error, self.base_dir, self.home))
        return out

    _FIELDS: dict[str, Callable[[Canonicalizer, Any, KeyPath], Any]] = {
        "build": _build,
        "command": _command,
        "entrypoint": _command,
        "environment": _environment,
        "labels": _labels,
        "annotations": _labels,
        "env_file": _env_file,
        "depends_on": _depends_on,
        "networks": _networks,
        "healthcheck": _healthcheck,
        "ports": _ports,
        "volumes": _volumes,
        "secrets": _mounts,
        "configs": _mounts,
        "post_start": _hooks,
        "pre_stop": _hooks,
        "develop": _develop,
        "extra_hosts": _extra_hosts,
        "logging": _logging,
        "provider": _provider,
        "models": _models,
        "blkio_config": _blkio,
        "stop_grace_period": lambda self, v, kp: go_duration(v) if isinstance(v, str) else v,
        "extends": _extends,
        "deploy": _deploy,
        "gpus": _gpus,
        "devices": _devices,
        "group_add": _group_add,
        "dns": _list_of_strings,
        "dns_search": _list_of_strings,
        "tmpfs": _list_of_strings,
        "expose": _list_of_strings,
        "sysctls": lambda self, v, kp: self._key_values(v, kp, keep_none=False),
    }


_HEALTHCHECK_DURATIONS = ("interval", "timeout", "start_period", "start_interval")
_DEPLOY_DURATIONS = ("delay", "window", "monitor")
"""The keys Compose reads as durations (``time.Duration``) and prints in Go's form."""

SERVICE_DURATIONS: tuple[KeyPath, ...] = (
    ("stop_grace_period",),
    *(("healthcheck", key) for key in _HEALTHCHECK_DURATIONS),
    *(("deploy", section, key) for section in ("restart_policy", "update_config",
                                               "rollback_config")
      for key in _DEPLOY_DURATIONS),
)
"""Where a service holds durations: each is checked once the files are merged."""

_SIZES = ("mem_limit", "mem_reservation", "memswap_limit", "mem_swappiness", "shm_size")
"""A service's keys Compose reads as sizes, even mem_swappiness (a percentage), printing
their bytes."""


def _sized(mapping: dict[str, Any], key: str, size: Callable[[Any, KeyPath], str | None],
           kp: KeyPath) -> dict[str, Any]:
    """``mapping`` with its ``key`` as ``size`` gives it, or without it where Compose leaves
    it out (null, 0, a float)."""
    value = mapping[key]
    shown = None if value is None else size(value, (*kp, key))
    if shown is None:
        return {k: v for k, v in mapping.items() if k != key}
    return {**mapping, key: shown}


def home_dir(environ: dict[str, str]) -> str:
    """The home folder, from the environment Compose would see."""
    return environ.get("HOME") or os.path.expanduser("~")


def where(source: ParsedFile, kp: KeyPath) -> Location:
    """The location of ``kp`` in ``source``."""
    return source.locate(kp)
