"""The dependency graph: which service needs which, why, and in what order they start.

An edge ``A -> B`` means A needs B. Every edge has a kind and the evidence that shows it:

==============  ===================================================================
kind            read from
==============  ===================================================================
depends_on      ``depends_on`` (with its condition and ``required``)
links           ``links`` (legacy)
network_mode    ``network_mode: service:B`` (or ``container:`` B's container name)
volumes_from    ``volumes_from``
ipc, pid        ``ipc: service:B``, ``pid: service:B``
shared_volume   A and B mount the same named volume (no order: kept out of the waves)
inferred        B's name, container name or network alias used as a host in A's
                environment, command or entrypoint: a URL (``postgres://u:p@db/app``),
                ``host:port`` (``db:5432``), or the whole value of a variable whose
                name says host (``REDIS_HOST=cache``), or such a variable left unset
                when B's alias is written as it with a default
                (``${XMPP_SERVER:-xmpp.meet.jitsi}``); dropped when the declared edges
                already make B wait for A (shared configuration, not a need); a
                service's name is its own (:func:`hostnames`), an alias several
                services hold gives an edge to each
proxy_config    B named as an upstream in a proxy configuration file A mounts
                (``kong.yml``, ``nginx.conf``): :mod:`.proxy_config`, given to
                :func:`build_edges` by the pipeline
==============  ===================================================================

An edge keeps the name A called B by when it is not B's service name (:attr:`Edge.name`:
a container name, a network alias, a link alias): only the Service's name resolves in a
cluster, and the manifests make a Service of that name or ask for a decision.

Cycles (possible once inferred edges exist) never stop anything: the waves are the
topological generations of the graph's condensation, each cycle in one wave. The order is
worked out on plain adjacency lists (:mod:`.ordering`), the one graph implementation the
analysis, the exports and the tests share.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from functools import lru_cache, partial
from itertools import combinations
from typing import Any, NamedTuple

from migrate_tui.analysis.catalogue import Catalogue
from migrate_tui.analysis.evidence import Locator, env_text, mask, shorten, text_has, text_is
from migrate_tui.analysis.model import INFERRED_KINDS, ORDERING_KINDS, Edge, EdgeKind, Evidence
from migrate_tui.analysis.ordering import (
    Succ,
    adjacency,
    bits_of,
    components,
    cycles,
    reaches,
    waves,
)
from migrate_tui.compose.model import Mount, Service

_URL = re.compile(
    r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)://(?:[^@/\s'\"]*@)?"
    r"(?P<hosts>[^/\s?#'\"\\;,]+(?:,(?![^,/\s]*://)[^/\s?#'\"\\;,]+)*)"
)
"""A URL; its hosts may be a list (``mongodb://a:27017,b:27017/db``)."""
_HOST_PORT = re.compile(
    r"(?<![\w.\-/\\$])(?P<host>[A-Za-z0-9][A-Za-z0-9_.-]*):(?P<port>[0-9]{1,5})(?![\w.])"
)
_TOKEN = re.compile(r"[\s,;]+")
_NAMESPACE_KEYS = frozenset({"links", "network_mode", "ipc", "pid", "volumes_from"})
"""The keys :func:`_shared_namespaces` reads."""


def hostnames(services: Mapping[str, Service]) -> dict[str, tuple[str, ...]]:
    """The host names services answer to on their networks: name -> the services, sorted.

    A service answers to its name, its ``container_name`` and its network aliases. Docker's
    DNS answers a name with every container registered under it, and Compose registers
    each service's name as an alias of its containers: a name two services claim answers
    with both, alternately (moby/moby#43016). A service's own name is kept for it alone
    (another service's alias or container name of that name is that service's mistake: in
    a cluster the name is the first one's Service); a container name or alias several
    others claim answers with each of them, and the manifests ask which
    (:mod:`migrate_tui.manifests.aliases`).
    """
    claimed: dict[str, set[str]] = {}
    for name, svc in services.items():
        if svc.container_name and svc.container_name not in services:
            claimed.setdefault(svc.container_name, set()).add(name)
        for config in svc.networks.values():
            for alias in (config or {}).get("aliases") or []:
                if isinstance(alias, str) and alias not in services:
                    claimed.setdefault(alias, set()).add(name)
    names: dict[str, tuple[str, ...]] = {name: (name,) for name in services}
    names.update((alias, tuple(sorted(owners))) for alias, owners in claimed.items())
    return dict(sorted(names.items()))


def answering(host: str, targets: tuple[str, ...], client: Service,
              services: Mapping[str, Service]) -> tuple[str, ...]:
    """Of the services a name answers with (:func:`hostnames`), those that answer the
    client: a network alias answers on its own network only, so where several services
    hold the name, those on none of the client's networks are left out (all of them
    when that leaves none: the project's networks say nothing then)."""
    if len(targets) < 2:
        return targets
    mine = set(client.networks)

    def on(svc: Service) -> set[str]:
        if svc.container_name == host:
            return set(svc.networks)
        return {network for network, config in svc.networks.items()
                if host in ((config or {}).get("aliases") or [])}

    kept = tuple(t for t in targets if on(services[t]) & mine)
    return kept or targets


LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "[::1]")
"""The addresses a container calls itself by, whatever its name (IPv6 in a URL's brackets)."""


def own_names(svc: Service) -> list[str]:
    """The names a container reaches itself by in Compose: its service's name, its
    container name, hostname and network aliases."""
    names = [svc.name, svc.container_name, svc.get("hostname")]
    names += [a for config in svc.networks.values() for a in (config or {}).get("aliases") or []]
    return sorted({n for n in names if isinstance(n, str) and n})


_AFTER_SCHEME = re.compile(r"(?<=://)[^:/?#'\"\s\\]+")
"""The host of a URL, or what stands where it would (``user`` of ``user:pw@host``)."""


def to_localhost(test: list[str], names: list[str]) -> list[str]:
    """A healthcheck whose URLs call the container by its own name (:func:`own_names`,
    any case), calling localhost: in a pod that name is a Service (of every replica) or
    nothing at all. The one reading of a healthcheck calling "itself"."""
    own = {n.lower() for n in names}
    if not own:
        return test

    def local(m: re.Match[str]) -> str:
        return "localhost" if m[0].lower() in own else m[0]

    # (one pattern for every service, its names a set: compiling a pattern of each
    # service's names took 0.2 s of the manifests' 0.8 s CPU at 2,000 services,
    # benchmarks/run.py --stages; the analysis now reads them too)
    return [_AFTER_SCHEME.sub(local, word) if "://" in word else word for word in test]


def healthcheck_ports(svc: Service) -> tuple[int, ...]:
    """The ports a service's own healthcheck calls on itself, sorted: a URL of one of its
    own names (:func:`to_localhost`) or a URL or ``host:port`` of a loopback address
    (:data:`LOCAL_HOSTS`): ``wget http://localhost:9999/health``, ``curl
    http://storage:5000/status`` in storage. The container listens there, though no
    ``ports`` or ``expose`` may say so.

    Only a port written in the URL counts: ``http://localhost/`` names none.
    """
    health = svc.healthcheck
    if health is None or not health.runs:
        return ()
    found = {port for word in to_localhost(list(health.test or ()), own_names(svc))
             for host, port, _ in hosts_in(word)
             if port is not None and 0 < port < 65536 and host.lower() in LOCAL_HOSTS}
    return tuple(sorted(found))


_ONE_VARIABLE = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*):?-([^}$]+)\}$")
"""A value written as one variable with a default (``${XMPP_SERVER:-xmpp.meet.jitsi}``)."""


def _written_names(services: Mapping[str, Service], names: Mapping[str, tuple[str, ...]],
                   locator: Locator) -> dict[str, tuple[str, str]]:
    """Variable -> (name, service) of each container name or network alias written as one
    variable with a default that the service answers to: ``aliases:
    [${XMPP_SERVER:-xmpp.meet.jitsi}]`` gives XMPP_SERVER. A client that reads the same
    variable, unset, calls the service by that default (as its image's own default)."""
    found: dict[str, tuple[str, str]] = {}
    for name in sorted(services):
        svc = services[name]
        written: list[Any] = []
        if svc.container_name and svc.container_name != name:
            written.append(locator.written(name, "container_name"))
        if any((config or {}).get("aliases") for config in svc.networks.values()):
            raw = locator.written(name, "networks")
            written += [a for config in (raw.values() if isinstance(raw, dict) else ())
                        if isinstance(config, dict) for a in config.get("aliases") or []]
        for text in written:
            m = _ONE_VARIABLE.match(text) if isinstance(text, str) else None
            if m and m[2] != name and name in names.get(m[2], ()):
                found.setdefault(m[1], (m[2], name))
    return found


def _link_aliases(svc: Service) -> dict[str, str]:
    """The names ``links: [db:database]`` adds for this service only."""
    out = {}
    for link in svc.get("links") or []:
        target, _, alias = str(link).partition(":")
        if alias:
            out[alias] = target
    return out


def hosts_in(value: str) -> Iterator[tuple[str, int | None, str]]:
    """(host, port, matched text) of each URL and ``host:port`` in a value."""
    if ":" not in value:
        return iter(())  # both forms need one (most values: a word, a number, a path)
    return iter(_hosts(value))


@lru_cache(maxsize=8192)
def _hosts(value: str) -> tuple[tuple[str, int | None, str], ...]:
    """:func:`hosts_in`, kept: services built from one anchor share their values."""
    found: list[tuple[str, int | None, str]] = []
    if "://" in value:
        for m in _URL.finditer(value):
            for part in m["hosts"].split(","):
                if part.startswith("["):  # an IPv6 address: [::1]:4000
                    host, _, port = part.partition("]")
                    host, port = host + "]", port.removeprefix(":")
                else:
                    host, _, port = part.partition(":")
                digits = re.match(r"[0-9]+", port)
                found.append((host, int(digits.group()) if digits else None, m.group()))
    for m in _HOST_PORT.finditer(value):
        found.append((m["host"], int(m["port"]), m.group()))
    return tuple(found)


@lru_cache(maxsize=4096)
def _key_parts(key: str) -> frozenset[str]:
    """The words of a variable's name, upper case: ``redis_host`` gives REDIS and HOST."""
    return frozenset(re.split(r"[_.-]", key.upper()))


EdgeRow = tuple[str, str, EdgeKind, int | None]
"""(source, target, kind, port) of an edge, as plain values."""


class Edges(NamedTuple):
    """The edges of a project, each also as an :data:`EdgeRow`.

    The passes over every edge (the start-up order, rules about edges) read the rows,
    taken as the edges were made: read back later from thousands of models, each field
    comes from memory again.
    """

    edges: list[Edge]
    """Sorted by source, target, kind."""
    rows: list[EdgeRow]
    """The row of each edge, in the same order."""
    warnings: tuple[str, ...] = ()
    """Files read for edges that could not be read (:mod:`.proxy_config`)."""


class _EdgeSet:
    """Collects edges, one per (source, target, kind): the first evidence wins."""

    def __init__(self) -> None:
        self.edges: dict[tuple[str, str, EdgeKind], Edge] = {}
        self.ports: dict[tuple[str, str, EdgeKind], int | None] = {}

    def add(self, edge: Edge) -> None:
        key = (edge.source, edge.target, edge.kind)
        old = self.edges.get(key)
        if old is None:
            self.edges[key] = edge
            self.ports[key] = edge.port
        elif old.port is None and edge.port is not None and edge.kind == "inferred":
            self.edges[key] = replace(old, port=edge.port)
            self.ports[key] = edge.port


def build_edges(services: Mapping[str, Service], locator: Locator,
                catalogue: Catalogue, extra: Iterable[Edge] = (),
                warnings: Iterable[str] = ()) -> Edges:
    """Every edge between the given services, sorted by source, target, kind; with rows.

    ``extra``: edges read elsewhere (a proxy's mounted configuration), with the
    ``warnings`` of that reading, kept in :attr:`Edges.warnings`.
    """
    found = _EdgeSet()
    for edge in extra:
        found.add(edge)
    names = hostnames(services)
    host_parts = frozenset(catalogue.heuristics.host_key_parts)
    mentions = _Mentions(names, host_parts)
    containers = {s.container_name: n for n, s in services.items() if s.container_name}
    written = _written_names(services, names, locator)
    for name in sorted(services):
        svc = services[name]
        for edge in _declared(name, svc, services, containers, locator):
            found.add(edge)
        aliases = _link_aliases(svc)  # rare: copying every name for each service is O(n²)
        for edge in _inferred(name, svc, mentions.with_aliases(aliases) if aliases else mentions,
                              services, locator, written):
            found.add(edge)
    for edge in _shared_volumes(services, locator):
        found.add(edge)
    keys = _drop_contradicted(sorted(found.edges))
    return Edges([found.edges[k] for k in keys],
                 [(source, target, kind, found.ports[source, target, kind])
                  for source, target, kind in keys], tuple(warnings))


def _drop_contradicted(keys: list[tuple[str, str, EdgeKind]]) -> list[
        tuple[str, str, EdgeKind]]:
    """The (source, target, kind) of the edges, sorted, without the inferred edges A -> B
    where the declared edges already make B wait for A.

    Such an edge comes from configuration both services share (an anchor, an env file: the
    init job that carries the API's URL), not from A needing B; kept, it would make a cycle
    out of a declared order.

    Only a target that itself needs something can wait for its source, so only what those
    targets reach is worked out.
    """
    succ = adjacency((), ((source, target) for source, target, kind in keys
                          if kind in ORDERING_KINDS and kind not in INFERRED_KINDS))
    suspects = [(source, target) for source, target, kind in keys
                if kind == "inferred" and succ.get(target)]
    if suspects:
        reached = _reachable({target for _, target in suspects}, succ)
        reach = reaches(reached, succ)
        bits = bits_of(reached)
        dropped = {(source, target, "inferred") for source, target in suspects
                   if reach[target] & bits.get(source, 0)}
        if dropped:
            return [k for k in keys if k not in dropped]
    return keys


def _reachable(starts: Iterable[str], succ: Succ) -> list[str]:
    """The nodes reached from ``starts`` (themselves included), sorted."""
    seen = set(starts)
    todo = list(seen)
    while todo:
        for nxt in succ.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return sorted(seen)


def _declared(name: str, svc: Service, services: Mapping[str, Service],
              containers: Mapping[str, str], locator: Locator) -> Iterator[Edge]:
    others = ([] if _NAMESPACE_KEYS.isdisjoint(svc.raw) else  # (most services)
              list(_shared_namespaces(name, svc, services, containers, locator)))
    implied = {edge.target for edge in others}
    for target, dep in svc.depends_on.items():
        if target not in services or target == name:
            continue
        note = dep.condition + ("" if dep.required else ", required: false")
        evidence = locator.find_written(name, "depends_on", target,
                                        text=f"depends_on: {target} ({note})")
        if evidence is None and target in implied:
            continue  # Compose adds it for links, volumes_from and service: namespaces
        yield Edge(
            source=name, target=target, kind="depends_on",
            condition=dep.condition, required=dep.required,
            evidence=evidence or locator.key(name, "depends_on",
                                             text=f"depends_on: {target} ({note})"),
        )
    yield from others


def _shared_namespaces(name: str, svc: Service, services: Mapping[str, Service],
                       containers: Mapping[str, str], locator: Locator) -> Iterator[Edge]:
    """Edges of links, network_mode, ipc, pid and volumes_from."""
    for i, link in enumerate(svc.get("links") or []):
        target, _, alias = str(link).partition(":")
        if target in services and target != name:
            yield Edge(source=name, target=target, kind="links",
                       evidence=locator.item(name, "links", text_is(str(link)), index=i,
                                             text=f"links: {link}"),
                       name=alias if alias and alias != target else None)
    namespaces: tuple[EdgeKind, ...] = ("network_mode", "ipc", "pid")
    for kind in namespaces:
        value = svc.get(kind)
        ref = _service_ref(value, containers)
        if ref is not None and ref in services and ref != name:
            yield Edge(source=name, target=ref, kind=kind,
                           evidence=locator.key(name, kind, text=f"{kind}: {value}"))
    for i, entry in enumerate(svc.get("volumes_from") or []):
        text = str(entry)
        source = (_service_ref(text.rsplit(":", 1)[0] if text.count(":") == 2 else text,
                               containers)
                  if text.startswith("container:") else text.split(":", 1)[0])
        if source is not None and source in services and source != name:
            yield Edge(source=name, target=source, kind="volumes_from",
                           evidence=locator.item(name, "volumes_from", text_is(text), index=i,
                                                 text=f"volumes_from: {text}"))


def _service_ref(value: Any, containers: Mapping[str, str]) -> str | None:
    """``service:B`` gives B; ``container:C`` gives the service whose container is C."""
    if not isinstance(value, str):
        return None
    if value.startswith("service:"):
        return value[len("service:"):]
    if value.startswith("container:"):
        return containers.get(value[len("container:"):].split(":", 1)[0])
    return None


class _Mentions:
    """The services a variable names, by (name, value): worked out once a pair.

    Services built from one anchor share most of their variables (``LOG_LEVEL=info``,
    ``DATABASE_URL=postgres://…@db:5432/app``): at 2,000 services, ten thousand variables
    hold a few thousand distinct pairs, most of which name no service at all.

    Args:
        names: The host names services answer to (:func:`hostnames`), with the link
            aliases of the service asking, if it has any.
        host_parts: The words of a variable's name that say its whole value is a host.
    """

    def __init__(self, names: Mapping[str, tuple[str, ...]],
                 host_parts: frozenset[str]) -> None:
        self.names = names
        self.host_parts = host_parts
        self._found: dict[tuple[str, str], list[tuple[str, int | None, str]]] = {}

    def with_aliases(self, aliases: Mapping[str, str]) -> _Mentions:
        """The mentions for a service whose ``links`` add names of its own (rare)."""
        # (a link alias is in the container's /etc/hosts, read before Docker's DNS)
        return _Mentions({**self.names, **{a: (t,) for a, t in aliases.items()}},
                         self.host_parts)

    def says_host(self, key: str) -> bool:
        """Whether a variable's name says its whole value is a host (``REDIS_HOST``)."""
        return not self.host_parts.isdisjoint(_key_parts(key))

    def in_variable(self, key: str, value: str) -> list[tuple[str, int | None, str]]:
        """(service, port, the name used) of each mention in a variable: in a URL or
        ``host:port``, or, when the variable's name says host (``REDIS_HOST``), as a word
        of its value."""
        pair = (key, value)
        found = self._found.get(pair)
        if found is None:
            names = self.names
            found = [(t, p, h) for h, p, _ in hosts_in(value) if h in names
                     for t in names[h]]
            if self.says_host(key):
                found += [(t, None, w) for w in _TOKEN.split(value.strip())
                          if w in names for t in names[w]]
            self._found[pair] = found
        return found


_HOST_SUFFIX = re.compile(r"(?i)(HOST|HOSTNAME|SERVER|ADDR|ADDRESS)$")


def _sibling_port(key: str, environment: Mapping[str, str | None]) -> int | None:
    """The port beside a host variable: ``DD_UWSGI_PORT=3031`` for ``DD_UWSGI_HOST``."""
    sibling = _HOST_SUFFIX.sub(lambda m: "PORT" if m[0].isupper() else "port", key)
    value = (environment.get(sibling) or "").strip() if sibling != key else ""
    return int(value) if value.isdigit() and 0 < int(value) < 65536 else None


def _inferred(name: str, svc: Service, mentions: _Mentions, services: Mapping[str, Service],
              locator: Locator, written: Mapping[str, tuple[str, str]]) -> Iterator[Edge]:
    """The inferred edges of a service: one per service its values name.

    The first mention is the evidence and the first port given is the port: what
    :class:`_EdgeSet` would keep of an edge per mention, without making (and locating) the
    edges it would drop. The name used is the first that is not the target's own
    (``database`` of ``links: [db:database]``): the service's name resolves in a cluster.

    ``written``: the names written as one variable (:func:`_written_names`); a variable of
    that name the service reads, unset, calls the target by the name's default.
    """
    # By service named: the first port given, what locates the first mention (called
    # when the edge is made), and the first name used other than the service's.
    found: dict[str, tuple[int | None, Callable[[], Evidence], str | None]] = {}
    names = mentions.names
    heard: dict[str, tuple[str, ...]] = {}  # (a name several services hold: who answers)

    def named(target: str, port: int | None, evidence: Callable[[], Evidence],
              host: str) -> None:
        if target == name or target not in services:
            return
        holders = names.get(host, ())
        if len(holders) > 1:
            if host not in heard:
                heard[host] = answering(host, holders, svc, services)
            if target not in heard[host]:
                return
        alias = None if host == target else host
        seen = found.get(target)
        if seen is None:
            found[target] = (port, evidence, alias)
        elif (seen[0] is None and port is not None) or (seen[2] is None and alias):
            found[target] = (port if seen[0] is None else seen[0], seen[1], seen[2] or alias)

    for key, value in svc.environment.items():
        targets = mentions.in_variable(key, value) if value else None
        if targets:
            text = env_text(key, value)
            for target, port, host in targets:
                if port is None:
                    port = _sibling_port(key, svc.environment)
                named(target, port, partial(locator.env, name, key, text=text), host)
        elif key in written and mentions.says_host(key):
            default, target = written[key]
            named(target, _sibling_port(key, svc.environment),
                  partial(locator.env, name, key,
                          text=f"{env_text(key, value)}, which names {target} as "
                               f"${{{key}:-{default}}} does"), default)
    for field in ("command", "entrypoint"):
        for i, item in enumerate(getattr(svc, field) or []):
            for host, port, matched in hosts_in(item):
                if host in names:
                    text = shorten(f"{field}: …{mask(matched)}…")
                    for target in names[host]:
                        named(target, port, partial(locator.item, name, field,
                                                    text_has(matched), index=i, text=text),
                              host)
    for target, (port, evidence, alias) in found.items():
        yield Edge(source=name, target=target, kind="inferred", port=port,
                   evidence=evidence(), name=alias)


def _named_mounts(svc: Service) -> Iterator[tuple[int, Mount]]:
    for i, mount in enumerate(svc.volumes):
        if mount.type == "volume" and mount.source:
            yield i, mount


def _shared_volumes(services: Mapping[str, Service], locator: Locator) -> Iterator[Edge]:
    users: dict[str, list[tuple[str, int, Mount]]] = {}
    for name in sorted(services):
        for i, mount in _named_mounts(services[name]):
            users.setdefault(mount.source or "", []).append((name, i, mount))
    for volume in sorted(users):
        sharing: dict[str, tuple[int, Mount]] = {}
        for name, i, mount in users[volume]:
            sharing.setdefault(name, (i, mount))
        for a, b in combinations(sorted(sharing), 2):
            ia, ma = sharing[a]
            mb = sharing[b][1]
            text = (f"volume {volume}: {a} at {ma.target}{' (ro)' if ma.read_only else ''}, "
                    f"{b} at {mb.target}{' (ro)' if mb.read_only else ''}")
            yield Edge(source=a, target=b, kind="shared_volume",
                           evidence=locator.item(a, "volumes", mount_matcher(ma), index=ia,
                                                 text=text))


def mount_matcher(mount: Mount) -> Any:
    """Picks a ``volumes`` entry as written (short or long syntax) that is this mount."""

    def match(entry: Any) -> bool:
        if isinstance(entry, dict):
            return str(entry.get("target", "")).rstrip("/") == mount.target.rstrip("/")
        if isinstance(entry, str):
            parts = entry.split(":")
            target = parts[1] if len(parts) > 1 else parts[0]
            return target.rstrip("/") == mount.target.rstrip("/")
        return False

    return match



# ---------------------------------------------------------------------- the order


def start_order(services: Iterable[str], rows: Iterable[EdgeRow]) -> tuple[
        list[list[str]], list[tuple[str, ...]]]:
    """(waves, cycles) of the services, from the edges that order start-up.

    Args:
        services: Every service's name.
        rows: The edges as rows (:attr:`Edges.rows`); shared volumes do not order start-up.

    Returns:
        The waves (:func:`~.ordering.waves`) and the cycles (:func:`~.ordering.cycles`).
    """
    nodes = sorted(services)
    succ = adjacency(nodes, [(source, target) for source, target, kind, _ in rows
                             if kind in ORDERING_KINDS])
    found = components(nodes, succ)  # once, for both
    return waves(nodes, succ, found), cycles(nodes, succ, found)
