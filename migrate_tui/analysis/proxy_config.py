"""The upstreams a proxy's own configuration names: edges no Compose key shows.

A gateway or web server keeps its routes in a file the project bind-mounts into it:
supabase's kong reads ``volumes/api/kong.yml`` (``url: http://auth:9999/``), a web app's
nginx ``nginx.conf`` (``upstream api { server api:8080; }``, ``proxy_pass``), Caddy its
``Caddyfile`` (``reverse_proxy app:8000``), HAProxy ``haproxy.cfg`` (``server s1
app:8000``), Traefik its file provider (``url: http://app:8000``), Envoy its clusters
(``address: app``); a scraper too, Prometheus its static targets (``targets:
["api:8080"]``). That file is the only place saying the proxy calls those services; an
edge ``proxy -> upstream`` of kind ``proxy_config`` (evidence ``kong.yml:12``) lets it
flow where edges flow: the upstream's NetworkPolicy admits the proxy, the start-up order,
the dependency lists.

Which files are read, and which syntaxes name an upstream, is knowledge:
``proxy_config`` in ``playbooks/catalogue/routing.yaml``. A file is read when it is
bind-mounted from inside the project into

- any service, when its name (in the project or in the container) is a known proxy
  configuration's (``nginx.conf``, ``kong.yml``, ``Caddyfile``...);
- a proxy (an image of the playbook's ``proxy_servers`` or ``proxy_config.images``),
  when its name looks like configuration (``*.conf``, ``*.yml``...); so are the files of
  a folder mounted where a proxy keeps configuration (``/etc/nginx/conf.d``, not the site
  in ``/srv``), the first :data:`FOLDER_FILES` of them by name, not its subfolders.

Each read is bounded (:data:`~migrate_tui.fsio.PROXY_CONFIG_LIMIT`) and follows no
symbolic link; a file that cannot be read (a link, too big, not text, a file named as a
proxy's configuration outside the project) is passed over with a warning: the project
still plans. A proxy's other host paths (the Docker socket, certificates) say nothing.
A service with no bind mount costs one look at its mounts.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from migrate_tui.analysis.catalogue import Catalogue, any_match
from migrate_tui.analysis.evidence import mask, shorten
from migrate_tui.analysis.graph import answering, hostnames, hosts_in
from migrate_tui.analysis.model import Edge, Evidence
from migrate_tui.compose.model import Mount, Service
from migrate_tui.errors import MigrateError
from migrate_tui.fsio import PROXY_CONFIG_LIMIT, read_text_bounded

FOLDER_FILES = 32
"""Files read from one mounted folder (``./nginx/conf.d:/etc/nginx/conf.d``): real ones
hold a handful; a folder of thousands is not configuration and is not walked."""

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SPLIT = re.compile(r"[\s,]+")


class ProxyConfigKnowledge(BaseModel):
    """``proxy_config`` of ``playbooks/catalogue/routing.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    images: list[re.Pattern[str]]
    """Images whose mounted configuration is read whatever the file is called."""
    files: list[re.Pattern[str]]
    """Names of files read for any service (the project's path or the container's)."""
    config_folders: list[re.Pattern[str]]
    """Where a proxy's mounted folder holds configuration (the path in the container)."""
    config_names: list[re.Pattern[str]]
    """Names of the files read in a proxy's mounted folder (or a proxy's file not named
    by :attr:`files`)."""
    upstreams: list[re.Pattern[str]]
    """One line's syntaxes naming upstreams: the group ``upstream`` holds them."""
    ports: list[re.Pattern[str]]
    """The port of a bare host written as a key of its own (group ``port``: Envoy's
    ``port_value``, a kong service's ``port``), paired by :func:`_port_beside`."""


@dataclass(frozen=True)
class ProxyUpstreams:
    """What the proxies' mounted configuration says."""

    edges: list[Edge] = field(default_factory=list)
    """One edge ``proxy -> upstream`` a pair: the first line naming it is the evidence,
    the first port named the port."""
    warnings: list[str] = field(default_factory=list)
    """A file that could not be read, each said once, sorted."""


def proxy_upstreams(services: Mapping[str, Service], root: str, catalogue: Catalogue,
                    knowledge: ProxyConfigKnowledge,
                    proxy_servers: frozenset[str]) -> ProxyUpstreams:
    """The edges of every service's mounted proxy configuration, and what was skipped.

    Args:
        services: Every service, by name.
        root: The project folder: nothing outside it is read.
        catalogue: Finds what an image runs.
        knowledge: The syntaxes and file names (the routing playbook's ``proxy_config``).
        proxy_servers: Catalogue ids of web servers whose mounted configuration is read
            whatever it is called (the routing playbook's ``proxy_servers``).
    """
    real_root = os.path.realpath(root)
    edges: list[Edge] = []
    warnings: set[str] = set()
    # (:func:`.graph.hostnames`, once a file is read)
    names: dict[str, tuple[str, ...]] | None = None
    for name in sorted(services):
        svc = services[name]
        binds = [(i, m) for i, m in enumerate(svc.volumes) if m.type == "bind" and m.source]
        if not binds:
            continue  # (most services: nothing is looked up)
        proxy = _is_proxy(svc, catalogue, knowledge, proxy_servers)
        found: dict[str, tuple[int | None, Evidence]] = {}
        for index, mount in binds:
            for path, text in _files(mount, proxy, knowledge, real_root, warnings):
                shown = os.path.relpath(path, real_root)
                if names is None:
                    names = hostnames(services)
                for line_no, host, port, said in _upstreams(text, knowledge):
                    for target in answering(host, names.get(host, ()), svc, services):
                        if target == name:
                            continue
                        seen = found.get(target)
                        if seen is None:
                            found[target] = (port, Evidence(
                                file=shown, line=line_no,
                                path=f"services.{name}.volumes[{index}]",
                                text=shorten(mask(said))))
                        elif seen[0] is None and port is not None:
                            found[target] = (port, seen[1])
        for target in sorted(found):
            port, evidence = found[target]
            edges.append(Edge(source=name, target=target, kind="proxy_config", port=port,
                              evidence=evidence))
    return ProxyUpstreams(edges, sorted(warnings))


def _is_proxy(svc: Service, catalogue: Catalogue, knowledge: ProxyConfigKnowledge,
              proxy_servers: frozenset[str]) -> bool:
    """Whether a service runs a proxy or gateway (its image), read for any config file."""
    if not svc.image:
        return False
    entry = catalogue.match_image(svc.image)
    if entry is not None and entry.id in proxy_servers:
        return True
    return any_match(knowledge.images, catalogue.repository(svc.image)) is not None


def _wanted(mount: Mount, file_name: str, proxy: bool, knowledge: ProxyConfigKnowledge) -> bool:
    """Whether a mounted file (``file_name`` in the project) is a proxy's configuration."""
    named = [file_name, mount.target]
    if any(any_match(knowledge.files, n) for n in named):
        return True
    return proxy and any(any_match(knowledge.config_names, os.path.basename(n)) for n in named)


def _files(mount: Mount, proxy: bool, knowledge: ProxyConfigKnowledge, root: str,
           warnings: set[str]) -> Iterator[tuple[str, str]]:
    """(path, text) of each configuration file a bind mount brings in; what cannot be
    read is said in ``warnings``."""
    source = os.path.normpath(mount.source or "")
    if not _inside(source, root):
        # (said only of a file named as a proxy's configuration: a proxy's other host
        # paths, the Docker socket, certificates, are no configuration to read)
        if any_match(knowledge.files, source) or any_match(knowledge.files, mount.target):
            warnings.add(f"{source}: not read for the proxy's upstreams: it is outside the "
                         f"project folder {root}")
        return
    try:
        info = os.lstat(source)
    except OSError:
        return  # (a missing source: Compose would create a folder there)
    if stat.S_ISLNK(info.st_mode):
        if proxy or _wanted(mount, source, proxy, knowledge):
            warnings.add(f"{source}: not read for the proxy's upstreams: it is a symbolic "
                         "link, and links in a project are not followed")
        return
    if stat.S_ISDIR(info.st_mode):
        if not proxy or not any_match(knowledge.config_folders, mount.target):
            return  # (a site's files, a data folder: no configuration)
        try:
            entries = sorted(os.listdir(source))
        except OSError as err:
            warnings.add(f"{source}: not read for the proxy's upstreams: "
                         f"{err.strerror or err}")
            return
        kept = [e for e in entries if any_match(knowledge.config_names, e)]
        if len(kept) > FOLDER_FILES:
            warnings.add(f"{source}: only its first {FOLDER_FILES} configuration files of "
                         f"{len(kept)} were read for the proxy's upstreams")
        for entry in kept[:FOLDER_FILES]:
            path = os.path.join(source, entry)
            try:
                if stat.S_ISDIR(os.lstat(path).st_mode):
                    continue
            except OSError:
                continue
            text = _read(path, warnings)
            if text is not None:
                yield path, text
        return
    if _wanted(mount, source, proxy, knowledge):
        text = _read(source, warnings)
        if text is not None:
            yield source, text


def _inside(path: str, root: str) -> bool:
    """Whether ``path``'s folder, links resolved, is the project folder or inside it (the
    file itself is opened without following a link)."""
    folder = os.path.realpath(os.path.dirname(path))
    return folder == root or folder.startswith(root.rstrip(os.sep) + os.sep)


def _read(path: str, warnings: set[str]) -> str | None:
    """The text of a configuration file; None (and a warning) when it cannot be read."""
    try:
        return read_text_bounded(path, PROXY_CONFIG_LIMIT, follow_links=False)
    except FileNotFoundError:
        return None
    except MigrateError as err:
        warnings.add(f"{path}: not read for the proxy's upstreams: {err.message}")
        return None


def _upstreams(text: str, knowledge: ProxyConfigKnowledge) -> Iterator[
        tuple[int, str, int | None, str]]:
    """(line, host, port, the text naming it) of each upstream a configuration names.

    A host named without a port takes the port its mapping gives (:func:`_port_beside`).
    """
    lines = [raw.split("#", 1)[0] if "#" in raw else raw for raw in text.splitlines()]
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        for pattern in knowledge.upstreams:
            for m in pattern.finditer(line):
                for token in _SPLIT.split(m["upstream"].strip()):
                    for host, port in _addresses(token.strip("\"'`;")):
                        if port is None:
                            port = _port_beside(lines, index, knowledge.ports)
                        yield index + 1, host, port, m.group().strip(" \t{;")


def _key(line: str) -> tuple[int, bool]:
    """(the column of a YAML line's key, whether the line starts a list item)."""
    stripped = line.lstrip(" ")
    item = stripped.startswith("-") and stripped[1:2] in (" ", "")
    if item:
        stripped = stripped[1:].lstrip(" ")
    return len(line) - len(stripped), item


def _port_in(line: str, ports: list[re.Pattern[str]], at: int | None = None) -> int | None:
    """The port a line gives (as its key when ``at``, its key's column, is given)."""
    for pattern in ports:
        m = pattern.search(line) if at is None else pattern.match(line, at)
        if m is not None and 0 < int(m["port"]) < 65536:
            return int(m["port"])
    return None


def _port_beside(lines: list[str], index: int, ports: list[re.Pattern[str]]) -> int | None:
    """The port written beside the host of ``lines[index]``: on its line (a flow mapping,
    ``{ address: web, port_value: 3000 }``), or as a key of the same YAML mapping on a line
    of its own (Envoy's ``socket_address``, a kong service entry). The mapping ends at a
    line less indented or at the next list item of its level, either way."""
    port = _port_in(lines[index], ports)
    if port is not None or not ports:
        return port
    column, item = _key(lines[index])
    for step in (1, -1):
        if step == -1 and item:
            break  # (the line starts its mapping: nothing above is in it)
        j = index + step
        while 0 <= j < len(lines):
            line = lines[j]
            j += step
            if not line.strip():
                continue
            at, starts = _key(line)
            if at < column or (step == 1 and at == column and starts):
                break
            if at == column:
                port = _port_in(line, ports, at)
                if port is not None:
                    return port
                if starts:
                    break
    return None


def _addresses(token: str) -> list[tuple[str, int | None]]:
    """The (host, port) an upstream address names: a URL, ``host:port`` or a bare name."""
    if not token:
        return []
    if ":" in token:
        return [(h, p if p is not None and 0 < p < 65536 else None)
                for h, p, _ in hosts_in(token)]
    if _SCHEME.match(token) or not _NAME.fullmatch(token.rstrip("/")):
        return []
    return [(token.rstrip("/"), None)]
