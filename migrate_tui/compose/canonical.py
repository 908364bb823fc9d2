"""Phase 4, canonical: every short syntax of a service rewritten to the long one.

After this phase a service's ``ports`` are mappings with ``target``/``published``/
``protocol``/``host_ip``, its ``volumes`` mappings with ``type``/``source``/``target``,
``depends_on`` a mapping of conditions, ``environment`` and ``labels`` mappings of strings,
``command`` and ``entrypoint`` lists, ``build`` a mapping with an absolute context, and
relative host paths absolute (against the directory of the file, or the project's).
The output has the keys and shapes ``docker compose config --format json`` prints.
"""

from __future__ import annotations

import functools
import ipaddress
import math
import os
import posixpath
import re
import shlex
from collections.abc import Callable
from typing import Any

from migrate_tui.compose.budget import MAX_PORTS, LoadBudget
from migrate_tui.compose.merge import enforce_unicity
from migrate_tui.compose.parse import KeyPath, ParsedFile, format_path
from migrate_tui.errors import Location, SchemaError

Problem = Callable[[str, KeyPath, str], SchemaError]

_BIND_PROPAGATION = {"rprivate", "private", "rshared", "shared", "rslave", "slave"}
_PROTOCOLS = {"tcp", "udp", "sctp"}
_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}
_NUMBER_END = frozenset("0123456789. ")


def _split_volume(spec: str) -> list[str]:
    """Split a short volume spec on colons, keeping Windows drive letters (``C:``) whole."""
    parts: list[str] = []
    buffer = ""
    for ch in spec:
        if ch == ":" and len(buffer) == 1 and buffer.isalpha():
            buffer += ch
        elif ch == ":":
            parts.append(buffer)
            buffer = ""
        else:
            buffer += ch
    parts.append(buffer)
    return parts


def go_string(value: Any) -> str:
    """A scalar as Go's ``fmt`` prints it, which is how Compose turns values into strings."""
    if value.__class__ is str:
        return value  # most values, and the same object ``str`` would give
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "+Inf" if value > 0 else "-Inf"
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value).replace("e-0", "e-").replace("e+0", "e+")
    return str(value)


def parse_bytes(value: Any) -> int | None:
    """``512m``, ``1g``, ``1.5GB`` or a whole number of bytes, as an integer; None if Compose
    would not read it (a bool, a float, text it refuses)."""
    if isinstance(value, (bool, float)):
        return None
    if isinstance(value, int):
        return value
    return _parse_size(str(value))


@functools.lru_cache(maxsize=1024)
def _parse_size(text: str) -> int | None:
    """A size as Compose reads it (go-units ``RAMInBytes``): a number, one optional space,
    then ``b``, or ``k``/``m``/``g``/``t``/``p`` with an optional ``b`` or ``ib``, in any case.

    Memoized: the same few sizes (an anchor's ``memory: 256M``) come back in every service.
    """
    end = len(text) - 1
    while end >= 0 and text[end] not in _NUMBER_END:
        end -= 1
    if end < 0:
        return None
    number_text, suffix = text[:end + (text[end] != " ")], text[end + 1:].lower()
    if number_text != number_text.strip():
        return None  # (Python's float() takes blanks around a number; Go's does not)
    try:
        number = float(number_text)
    except ValueError:
        return None
    if not math.isfinite(number) or number < 0:
        return None
    if suffix in ("", "b"):
        return int(number)
    if suffix[0] not in _UNITS or suffix[1:] not in ("", "b", "ib"):
        return None
    return int(number * _UNITS[suffix[0]])


def is_remote_context(context: str) -> bool:
    """Whether a build context is a URL or git reference rather than a local folder."""
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", context)) or context.startswith(
        ("git@", "github.com/")
    )


def abs_path(base_dir: str, path: str, home: str) -> str:
    """``path`` made absolute against ``base_dir``, with ``~`` as the home folder."""
    if path == "~" or path.startswith("~/"):
        path = home + path[1:]
    if posixpath.isabs(path) or _WINDOWS_ABS.match(path):
        return path  # Compose keeps an absolute path exactly as written
    return posixpath.normpath(posixpath.join(base_dir, path))


_WINDOWS_ABS = re.compile(r"^(?:[a-zA-Z]:[\\/]|\\\\)")


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
        for kind in ("secrets", "configs"):
            section = data.get(kind)
            if isinstance(section, dict):
                out[kind] = {
                    name: self._resource_file(value, (kind, name))
                    for name, value in section.items()
                }
        return out

    def _resource_file(self, value: Any, kp: KeyPath) -> Any:
        if isinstance(value, dict) and isinstance(value.get("file"), str):
            value = dict(value)
            value["file"] = abs_path(self.base_dir, value["file"], self.home)
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
        return build

    def _command(self, value: Any, kp: KeyPath) -> list[str]:
        if isinstance(value, list):
            return [go_string(v) for v in value]
        try:
            return shlex.split(str(value))
        except ValueError as exc:
            raise self.error(
                f"{format_path(kp)}: cannot split {value!r} into words ({exc})",
                kp,
                "close the quote, or write the command as a list",
            ) from None

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
        check = dict(value)
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
        return [{"source": item} if isinstance(item, str) else item for item in value]

    def _extends(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        return {"service": value} if isinstance(value, str) else dict(value)

    def _deploy(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        deploy = dict(value)
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
                    if "cpus" in section and isinstance(section["cpus"], str):
                        try:
                            section["cpus"] = float(section["cpus"])
                        except ValueError:
                            raise self.error(
                                f"invalid number of CPUs {section['cpus']!r}",
                                (*kp, "resources", part, "cpus"),
                                "write a number such as 0.5 or 2",
                            ) from None
                    if isinstance(section.get("devices"), list):
                        section["devices"] = [self._device(d) for d in section["devices"]]
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

    def _device(self, device: Any) -> Any:
        if not isinstance(device, dict) or "count" not in device:
            return device
        device = dict(device)
        count = device["count"]
        if isinstance(count, str):
            device["count"] = -1 if count.lower() == "all" else int(count)
        return device

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
                self._count_ports(1, str(item.get("target")), ikp)
                out.append(port)
            else:
                out.extend(self.parse_port(go_string(item), ikp))
        return out

    def parse_port(self, spec: str, kp: KeyPath) -> list[dict[str, Any]]:
        """A short port spec (``[IP:]HOST:CONTAINER[/PROTO]``, ranges too) as long entries."""
        raw, _, proto = spec.partition("/")
        proto = proto.lower() if proto or "/" in spec else "tcp"
        if proto not in _PROTOCOLS:
            raise self.error(
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
                raise self.error(
                    f"invalid port {spec!r}: invalid IP address: {host_ip}",
                    kp,
                    "write the host IP as 127.0.0.1 or [::1]",
                ) from None
        if not container:
            raise self.error(
                f"invalid port {spec!r}: no port specified", kp,
                "write the container port, e.g. 8080:80",
            )
        start, end = self._range(container, spec, kp)
        host_start = host_end = 0
        if host:
            host_start, host_end = self._range(host, spec, kp)
            if (end - start) != (host_end - host_start) and end != start:
                raise self.error(
                    f"invalid port {spec!r}: invalid ranges specified for container and host "
                    f"ports: {container} and {host}",
                    kp,
                    "give ranges of the same length, e.g. 8000-8001:9000-9001",
                )
        self._count_ports(end - start + 1, spec, kp)
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

    def _count_ports(self, count: int, spec: str, kp: KeyPath) -> None:
        """Count ``count`` mappings made of ``spec``; refuse the project past ``MAX_PORTS``.

        Compose prints a range as one mapping per port, and so do we; the count keeps a
        few lines of ranges (``1-65535:1-65535`` on 20 services) from taking gigabytes.
        """
        if not self.budget.add_ports(count):
            raise self.error(
                f"invalid port {spec!r}: the project's ports expand to more than "
                f"{MAX_PORTS:,} mappings (a range makes one mapping per port)",
                kp,
                "publish the ports the service listens on, not whole ranges (or use "
                "`network_mode: host`)",
            )

    def _range(self, text: str, spec: str, kp: KeyPath) -> tuple[int, int]:
        first, sep, last = text.partition("-")
        try:
            start = int(first)
            end = int(last) if sep else start
            if not (0 <= start <= 65535 and 0 <= end <= 65535) or end < start:
                raise ValueError
        except ValueError:
            raise self.error(
                f"invalid port {spec!r}: {text!r} is not a port or a range of ports",
                kp,
                "ports are numbers from 1 to 65535, ranges like 8000-8010",
            ) from None
        return start, end

    def _volumes(self, value: Any, kp: KeyPath) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for i, item in enumerate(value):
            ikp = (*kp, i)
            if isinstance(item, dict):
                vol = dict(item)
                if vol.get("type") == "bind" and isinstance(vol.get("source"), str):
                    vol["source"] = abs_path(self.base_dir, vol["source"], self.home)
                tmpfs = vol.get("tmpfs")
                if isinstance(tmpfs, dict) and "size" in tmpfs:
                    vol["tmpfs"] = _sized(tmpfs, "size", self._size, (*ikp, "tmpfs"))
                out.append(vol)
            else:
                out.append(self.parse_volume(str(item), ikp))
        return out

    def parse_volume(self, spec: str, kp: KeyPath) -> dict[str, Any]:
        """A short volume spec (``SRC:DST[:OPTS]``) as a long entry, host paths resolved."""
        if not spec:
            raise self.error("invalid empty volume spec", kp, "write SOURCE:TARGET or TARGET")
        parts = _split_volume(spec)
        if any(p == "" for p in parts):
            raise self.error(
                f"invalid volume spec {spec!r}: empty section between colons",
                kp,
                "write SOURCE:TARGET[:ro]",
            )
        if len(parts) > 3:
            raise self.error(
                f"invalid volume spec {spec!r}: too many colons",
                kp,
                "write SOURCE:TARGET[:OPTIONS], options separated by commas (ro,z)",
            )
        source = parts[0] if len(parts) > 1 else ""
        target = parts[1] if len(parts) > 1 else parts[0]
        vol: dict[str, Any] = {}
        options = parts[2].split(",") if len(parts) == 3 else []
        read_only = False
        bind: dict[str, Any] = {}
        volume_opts: dict[str, Any] = {}
        for option in options:
            if option == "ro":
                read_only = True
            elif option == "rw":
                read_only = False
            elif option == "nocopy":
                volume_opts["nocopy"] = True
            elif option in _BIND_PROPAGATION:
                bind["propagation"] = option
            elif option in ("z", "Z"):
                bind["selinux"] = option
        is_path = bool(source) and (source[0] in "./~" or source.startswith("\\\\") or (
            len(source) > 1 and source[1] == ":"))
        if is_path:
            vol["type"] = "bind"
            vol["source"] = abs_path(self.base_dir, source, self.home)
        else:
            vol["type"] = "volume"
            if source:
                vol["source"] = source
        vol["target"] = target if _WINDOWS_ABS.match(target) else posixpath.normpath(target)
        if read_only:
            vol["read_only"] = True
        if is_path:
            bind["create_host_path"] = True
            vol["bind"] = bind
        else:
            vol["volume"] = volume_opts
        return vol

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
        "extends": _extends,
        "deploy": _deploy,
        "dns": _list_of_strings,
        "dns_search": _list_of_strings,
        "tmpfs": _list_of_strings,
        "expose": _list_of_strings,
        "sysctls": lambda self, v, kp: self._key_values(v, kp, keep_none=False),
    }


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
