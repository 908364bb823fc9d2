"""Hostile inputs for the loader: real compose files broken at random, and random YAML.

The seeds are the compose files and ``.env`` files of the corpus (``shared/corpus``, beside
the repository) and of ``sample_projects/``. A mutation deletes, duplicates or swaps lines,
re-indents them, cuts the text short, or drops YAML and interpolation syntax into them
(``:``, ``- ``, ``${``, ``&a``, ``*a``, ``<<``, tabs, tags...).
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from tests.conformance.oracle import CORPUS, SAMPLES

MAX_SEED_CHARS = 64_000
"""Larger seeds are left out: they slow each example without reaching more code."""

TOKENS = (
    ":", ": ", " :", "- ", "-", "? ", ",", "[", "]", "{", "}", "'", '"', "#", "|", ">-",
    "${", "}", "$", "$$", "${A", "${A:-", "${A-x}", "${A:?err}", "${A?}", "${A:+y}", "${{",
    "${A:-${B:-${C}}}", "$(touch pwned)", "`touch pwned`",
    "&a ", "*a", "*b", "&b ", "<<: ", "<<: *a", "<<: [*a, *b]", "!!merge ",
    "\t", " ", "  ", "\n", "\r", "\r\n", "\u2028", "\x85", "\ufeff", "\x00", "\x1b[31m",
    "!!", "!reset ", "!override ", "!!str ", "!!int ", "!!binary ", "!!set ", "!!omap ",
    "!!python/object/apply:os.system ", "!custom ", "%YAML 1.1\n", "---\n", "...\n",
    "~", "null", "true", "no", "0x1F", "0o17", "017", "1e400", ".inf", "-.nan", "08",
    "9223372036854775808", "-1", "1.5", "512m", "0.000001",
    "\\", "\\u", "é", "\U0001f600", "../", "../../etc/passwd", "/etc/passwd", "~/",
    "services", "x-", "extends", "include", "env_file", "profiles", "depends_on",
    "condition: service_healthy", "file: other.yaml", "path: other.yaml", "required: false",
)
"""Fragments dropped into a line."""


def _read(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text if len(text) <= MAX_SEED_CHARS else None


@lru_cache(maxsize=1)
def seed_documents() -> tuple[str, ...]:
    """Every compose file of the corpus and the samples, as text (sorted by path)."""
    found: list[str] = []
    for root in (SAMPLES, CORPUS):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix in (".yml", ".yaml") and path.is_file():
                text = _read(path)
                if text is not None:
                    found.append(text)
    return tuple(found) or ("services:\n  web:\n    image: nginx\n",)


@lru_cache(maxsize=1)
def seed_env_files() -> tuple[str, ...]:
    """Every ``.env`` file of the corpus and the samples, as text."""
    found = ["A=1\nB=${A}\n"]
    for root in (SAMPLES, CORPUS):
        if root.is_dir():
            for path in sorted(root.rglob(".env*")):
                if path.is_file() and (text := _read(path)) is not None:
                    found.append(text)
    return tuple(found)


_PRINTABLE = st.characters(exclude_categories=("Cs", "Cc"))
"""Characters YAML reads; the control characters it refuses come from TOKENS, rarely."""


@st.composite
def mutated(draw: st.DrawFn, seeds: tuple[str, ...]) -> str:
    """One seed text with one to eight random mutations."""
    lines = draw(st.sampled_from(seeds)).split("\n")
    for _ in range(draw(st.integers(1, 8)) if draw(st.booleans()) else 1):
        op = draw(st.sampled_from(
            ("delete", "duplicate", "swap", "insert", "insert", "insert", "indent",
             "replace", "truncate")
        ))
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        if not lines:
            lines = [""]
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            col = draw(st.integers(0, len(lines[i])))
            token = draw(st.sampled_from(TOKENS) | st.text(_PRINTABLE, max_size=4))
            lines[i] = lines[i][:col] + token + lines[i][col:]
        elif op == "indent":
            delta = draw(st.integers(-4, 4))
            stripped = lines[i].lstrip(" ")
            indent = max(0, len(lines[i]) - len(stripped) + delta)
            lines[i] = " " * indent + stripped
        elif op == "replace":
            head, sep, _ = lines[i].partition(": ")
            value = draw(st.sampled_from(SCALAR_TEXTS) | st.text(_PRINTABLE, max_size=20))
            lines[i] = head + sep + value if sep and draw(st.booleans()) else value
        elif op == "truncate":
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: draw(st.integers(0, len(lines[-1])))]
    return "\n".join(lines)


SCALAR_TEXTS = (
    "80", "80:80", "127.0.0.1:8080:80/udp", "8000-8010:80", "[::1]:80:80", "80:80:80:80",
    "${X}", "${X:-1}", "${X:-${Y:-2}}", "$${X}", "1.5", "512m", "1g", "-1",
    "0.5", "yes", "on", "service_healthy", "service_started", "service_completed_successfully",
    "./data:/data", "data:/data:ro", "data:/data:rw,z", "/a:/b:c:d", ":/x", "other.yaml",
    "../outside.yaml", "/etc/passwd", "~/x", "web", "db", "host", "none", "service:web",
    "container:x", "10s", "1m30s", "1h", "5", "CMD", "CMD-SHELL", "NONE", "tcp", "bind",
    "volume", "tmpfs", "npipe", "cluster", "always", "unless-stopped", "no", "on-failure:3",
    "A=1", "A", "=x", "nginx:1.27", "sha256:" + "0" * 64, "*", "", " ", "\x1b[2J", "<b>x</b>",
)
"""Values that mean something somewhere in a compose file."""

SERVICE_KEYS = (
    "image", "build", "command", "entrypoint", "environment", "env_file", "ports", "expose",
    "volumes", "volumes_from", "depends_on", "healthcheck", "deploy", "profiles", "networks",
    "network_mode", "extends", "restart", "labels", "secrets", "configs", "ulimits", "logging",
    "cpus", "mem_limit", "scale", "links", "external_links", "extra_hosts", "dns", "tmpfs",
    "devices", "cap_add", "sysctls", "user", "working_dir", "container_name", "hostname",
    "init", "develop", "gpus", "platform", "pull_policy", "stop_grace_period", "annotations",
    "privileged", "read_only", "shm_size", "x-migrate", "x-custom",
)
NESTED_KEYS = (
    "target", "published", "protocol", "mode", "source", "type", "read_only", "bind",
    "volume", "condition", "required", "restart", "test", "interval", "retries", "resources",
    "limits", "reservations", "memory", "cpus", "replicas", "context", "dockerfile", "args",
    "file", "service", "path", "project_directory", "env_file", "external", "name", "driver",
    "driver_opts", "ipam", "config", "subnet", "aliases", "ipv4_address", "priority",
    "host_ip", "app_protocol", "x-y", "disable", "start_period", "soft", "hard", "format",
)
NAMES = ("web", "db", "api", "other", "", "a b", "-x", "Web", "x" * 70, "é", "0")

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(_PRINTABLE, max_size=12),
    st.sampled_from(SCALAR_TEXTS), st.sampled_from(SCALAR_TEXTS),
)
keys = st.one_of(st.sampled_from(SERVICE_KEYS + NESTED_KEYS + NAMES), st.text(max_size=6))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)
names = st.sampled_from(NAMES[:4])
"""Service, volume and network names that refer to each other."""
texts = st.sampled_from(SCALAR_TEXTS)


def _list_or_dict(item: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(texts, max_size=3) | st.dictionaries(names | texts, item, max_size=3)


SERVICE_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "image": texts,
    "build": texts | st.fixed_dictionaries({}, optional={
        "context": texts, "dockerfile": texts, "args": _list_or_dict(scalars),
        "ssh": st.lists(texts, max_size=2), "secrets": st.lists(names, max_size=2)}),
    "command": texts | st.lists(texts, max_size=3),
    "environment": _list_or_dict(scalars),
    "env_file": texts | st.lists(texts | st.fixed_dictionaries(
        {"path": texts}, optional={"required": st.booleans(), "format": texts}), max_size=2),
    "ports": st.lists(texts | st.integers(-1, 70000) | st.fixed_dictionaries(
        {"target": scalars}, optional={"published": scalars, "protocol": texts,
                                       "host_ip": texts, "mode": texts}), max_size=3),
    "expose": st.lists(texts | st.integers(0, 70000), max_size=2),
    "volumes": st.lists(texts | st.fixed_dictionaries(
        {"type": texts}, optional={"source": texts, "target": texts, "read_only": scalars,
                                   "bind": values, "volume": values}), max_size=3),
    "depends_on": st.lists(names, max_size=3) | st.dictionaries(names, st.fixed_dictionaries(
        {}, optional={"condition": texts, "required": scalars, "restart": scalars}),
        max_size=3),
    "healthcheck": st.fixed_dictionaries({}, optional={
        "test": texts | st.lists(texts, max_size=3), "interval": texts, "retries": scalars,
        "disable": scalars, "start_period": texts}),
    "deploy": st.fixed_dictionaries({}, optional={
        "replicas": scalars, "mode": texts, "resources": st.fixed_dictionaries({}, optional={
            "limits": st.fixed_dictionaries({}, optional={"cpus": scalars, "memory": scalars}),
            "reservations": values})}),
    "profiles": st.lists(texts | names, max_size=2),
    "networks": st.lists(names, max_size=2) | st.dictionaries(names, values, max_size=2),
    "network_mode": texts,
    "extends": texts | st.fixed_dictionaries({"service": names}, optional={"file": texts}),
    "restart": texts,
    "labels": _list_or_dict(scalars),
    "secrets": st.lists(names | st.fixed_dictionaries({"source": names}), max_size=2),
    "configs": st.lists(names | st.fixed_dictionaries({"source": names}), max_size=2),
    "ulimits": st.dictionaries(texts, scalars | st.fixed_dictionaries(
        {"soft": scalars, "hard": scalars}), max_size=2),
    "volumes_from": st.lists(names | texts, max_size=2),
    "links": st.lists(names | texts, max_size=2),
    "x-migrate": values,
}
"""Each service field with values of about its own shape, often wrong in one place."""

service_bodies = st.fixed_dictionaries({}, optional=SERVICE_FIELDS)
top_level = st.dictionaries(names, st.none() | st.fixed_dictionaries({}, optional={
    "external": scalars, "name": texts, "driver": texts, "file": texts,
    "environment": texts, "driver_opts": values}), max_size=2)
compose_data = st.fixed_dictionaries(
    {"services": st.dictionaries(names | st.text(max_size=4),
                                 service_bodies | values, max_size=4)},
    optional={
        "name": scalars, "volumes": top_level | values, "networks": top_level | values,
        "secrets": top_level, "configs": top_level,
        "include": st.lists(texts | st.fixed_dictionaries({"path": texts | st.lists(texts)},
                            optional={"project_directory": texts, "env_file": texts})),
        "x-common": values, "version": scalars,
    },
)


@st.composite
def random_yaml(draw: st.DrawFn) -> str:
    """A compose-shaped document of random keys and values, in block or flow style."""
    data: dict[str, Any] = draw(compose_data)
    return _dump(draw, data)


def _dump(draw: st.DrawFn, data: Any) -> str:
    return yaml.safe_dump(data, default_flow_style=draw(st.sampled_from((False, True, None))),
                          allow_unicode=draw(st.booleans()), sort_keys=False)


@lru_cache(maxsize=1)
def seed_data() -> tuple[dict[str, Any], ...]:
    """The seed documents that are YAML mappings, as data."""
    found = []
    for text in seed_documents():
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            continue
        if isinstance(data, dict) and data:
            found.append(data)
    return tuple(found) or ({"services": {"web": {"image": "nginx"}}},)


@st.composite
def mutated_tree(draw: st.DrawFn) -> str:
    """A real compose file changed in its data, not its syntax: the YAML stays valid.

    One to four times, a random walk picks a place in the tree, which is then deleted,
    replaced by a random value, wrapped in a list or a mapping, turned into a string, or
    copied under another key.
    """
    data = copy.deepcopy(draw(st.sampled_from(seed_data())))
    for _ in range(draw(st.integers(1, 4))):
        parent: Any = data
        key: Any = None
        node: Any = data
        depth = 0
        # Hypothesis favours the first choices: make them the deep places and the edits
        # that keep a file loadable for longer (services.x.ports[0] replaced).
        least = draw(st.sampled_from((3, 2, 3, 1)))
        while isinstance(node, (dict, list)) and node and (
            depth < least or not draw(st.booleans())
        ):
            depth += 1
            key = draw(st.sampled_from(list(node)) if isinstance(node, dict)
                       else st.integers(0, len(node) - 1))
            parent, node = node, node[key]
        if key is None:
            continue
        op = draw(st.sampled_from(("replace", "copy", "wrap-list", "string", "wrap-map",
                                   "none", "delete")))
        if op == "delete":
            del parent[key]
        elif op == "replace":
            parent[key] = draw(values)
        elif op == "wrap-list":
            parent[key] = [node]
        elif op == "wrap-map":
            parent[key] = {draw(keys): node}
        elif op == "string":
            parent[key] = str(node)
        elif op == "none":
            parent[key] = None
        elif op == "copy" and isinstance(parent, dict):
            parent[draw(keys | names)] = copy.deepcopy(node)
    return _dump(draw, data)
