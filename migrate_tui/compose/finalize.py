"""Phases 7 to 10, on the merged project: profiles, normalize, consistency, environment.

- **profiles**: a service with ``profiles`` is active only when one of them is enabled
  (``*`` enables all); inactive services are set aside, not lost.
- **normalize**: the implicit ``default`` network, implicit dependencies (``links``,
  ``network_mode: service:x``, ``volumes_from``, ``ipc``/``pid``), the default Dockerfile,
  resource names (``project_volume``).
- **durations**: every duration of every service, active or not, reads as one (a later
  file may have replaced an unreadable one, so this waits for the merge).
- **consistency**: every reference names something that exists and is active; no
  ``depends_on`` cycle. All problems are collected and reported together.
- **environment**: ``env_file`` contents merged under ``environment``, unset entries taken
  from the project's variables.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from migrate_tui.compose.budget import LoadBudget
from migrate_tui.compose.canonical import SERVICE_DURATIONS
from migrate_tui.compose.dotenv import read_env_file
from migrate_tui.compose.go_values import duration_problem
from migrate_tui.compose.parse import KeyPath, format_path
from migrate_tui.compose.sources import SourceIndex
from migrate_tui.errors import ConsistencyError, MigrateError, ProblemList, SchemaError

SERVICE_PREFIX = "service:"
CONTAINER_PREFIX = "container:"


def select_profiles(
    services: dict[str, Any], profiles: list[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split services into (active, inactive) for the enabled profiles."""
    active: dict[str, Any] = {}
    inactive: dict[str, Any] = {}
    for name, svc in services.items():
        own = svc.get("profiles") or [] if isinstance(svc, dict) else []
        if not own or "*" in profiles or any(p in profiles for p in own):
            active[name] = svc
        else:
            inactive[name] = svc
    return active, inactive


def _implicit_refs(svc: dict[str, Any]) -> list[tuple[str, KeyPath]]:
    """(service, key path in the service) pairs it needs without a depends_on entry."""
    refs: list[tuple[str, KeyPath]] = []
    for key in ("network_mode", "ipc", "pid", "uts", "cgroup"):
        value = svc.get(key)
        if isinstance(value, str) and value.startswith(SERVICE_PREFIX):
            refs.append((value[len(SERVICE_PREFIX):], (key,)))
    for i, link in enumerate(svc.get("links") or []):
        refs.append((str(link).split(":", 1)[0], ("links", i)))
    for i, vol in enumerate(svc.get("volumes_from") or []):
        text = str(vol)
        if not text.startswith(CONTAINER_PREFIX):
            refs.append((text.split(":", 1)[0], ("volumes_from", i)))
    return refs


def normalize(project: dict[str, Any], name: str) -> dict[str, Any]:
    """Add what Compose adds implicitly. Modifies and returns ``project``."""
    services: dict[str, Any] = project.get("services") or {}
    uses_default = False
    for svc in services.values():
        if not svc.get("networks") and not svc.get("network_mode") and not svc.get("provider"):
            svc["networks"] = {"default": None}
        if "default" in (svc.get("networks") or {}):
            uses_default = True
        for ref, key in _implicit_refs(svc):
            deps = svc.setdefault("depends_on", {})
            if ref not in deps:
                deps[ref] = {"condition": "service_started", "required": True}
                if key[0] != "volumes_from":
                    deps[ref]["restart"] = True
        build = svc.get("build")
        if isinstance(build, dict) and not build.get("dockerfile") and not build.get(
            "dockerfile_inline"
        ):
            build["dockerfile"] = "Dockerfile"
        if svc.get("pull_policy") == "if_not_present":
            svc["pull_policy"] = "missing"
        for secret in svc.get("secrets") or []:
            if isinstance(secret, dict) and not secret.get("target"):
                secret["target"] = f"/run/secrets/{secret.get('source')}"
        if isinstance(svc.get("extra_hosts"), list):
            svc["extra_hosts"] = sorted(svc["extra_hosts"])
    networks = project.get("networks")
    networks = dict(networks) if isinstance(networks, dict) else {}
    if uses_default and "default" not in networks:
        networks["default"] = {}
    for kind in ("networks", "volumes", "secrets", "configs"):
        section = networks if kind == "networks" else project.get(kind)
        if not isinstance(section, dict):
            continue
        named: dict[str, Any] = {}
        for key, value in section.items():
            value = dict(value) if isinstance(value, dict) else {}
            external = value.get("external")
            if isinstance(external, dict):  # the older form names the resource there
                if not value.get("name"):
                    value["name"] = external.get("name") or ""
                value["external"] = True
                if not value["name"]:
                    del value["name"]  # (Compose prints none for a name left empty)
            elif not value.get("name"):
                value["name"] = key if value.get("external") else f"{name}_{key}"
            if kind == "networks" and value.get("ipam") == {}:
                del value["ipam"]  # (empty: the JSON rendering prints it, the YAML one not)
            named[key] = value
        project[kind] = named
    _drop_unused_resources(project)
    for svc in services.values():
        _drop_empty(svc)
    return project


def _drop_unused_resources(project: dict[str, Any]) -> None:
    """Keep the networks, volumes, secrets, configs and models an active service uses, as
    Compose does (``WithoutUnnecessaryResources``); a section left empty goes too."""
    used: dict[str, set[str]] = {k: set() for k in
                                 ("networks", "volumes", "secrets", "configs", "models")}
    for svc in (project.get("services") or {}).values():
        used["networks"].update(svc.get("networks") or {})
        used["volumes"].update(v["source"] for v in svc.get("volumes") or []
                               if isinstance(v, dict) and v.get("type") == "volume"
                               and v.get("source"))
        build = svc.get("build")
        for kind, refs in (("secrets", svc.get("secrets")), ("configs", svc.get("configs")),
                           ("secrets", build.get("secrets") if isinstance(build, dict)
                            else None)):
            used[kind].update(str(r.get("source") if isinstance(r, dict) else r)
                              for r in refs or [])
        used["models"].update(svc.get("models") or {})
    for kind, names in used.items():
        section = project.get(kind)
        if not isinstance(section, dict):
            continue
        kept = {k: v for k, v in section.items() if k in names}
        if kept:
            project[kind] = kept
        else:
            del project[kind]


_FALSE_OMITTED = ("privileged", "read_only", "stdin_open", "tty", "oom_kill_disable",
                  "use_api_socket")
_ZERO_OMITTED = ("cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period",
                 "cpu_rt_runtime", "cpu_shares", "cpus", "oom_score_adj", "pids_limit")
"""A service's keys Compose leaves out when false or zero (Go's ``omitempty`` on a value
that is not a pointer); so are ``build``'s ``pull``, ``no_cache`` and ``privileged``, and
a hook's ``privileged`` and a bind mount's ``create_host_path``, when false."""


def _drop_empty(svc: dict[str, Any]) -> None:
    """Leave out what Compose leaves out: empty text, lists and mappings, and false or zero
    in the keys above (``init: false`` and ``scale: 0`` stay: Compose keeps them)."""
    for key in [k for k, v in svc.items() if v in ("", [], {})
                and k not in ("command", "entrypoint") and not k.startswith("x-")]:
        del svc[key]
    for key in _FALSE_OMITTED:
        if svc.get(key) is False:
            del svc[key]
    for key in _ZERO_OMITTED:
        if key in svc and not isinstance(svc[key], bool) and svc[key] == 0:
            del svc[key]
    build = svc.get("build")
    if isinstance(build, dict):
        for key in ("pull", "no_cache", "privileged"):
            if build.get(key) is False:
                del build[key]
    for hook in (h for key in ("post_start", "pre_stop") for h in svc.get(key) or ()):
        if isinstance(hook, dict) and hook.get("privileged") is False:
            del hook["privileged"]
    for volume in svc.get("volumes") or ():
        bind = volume.get("bind") if isinstance(volume, dict) else None
        if isinstance(bind, dict) and bind.get("create_host_path") is False:
            del bind["create_host_path"]


def check_durations(services: dict[str, Any], sources: SourceIndex) -> None:
    """Every duration reads as Compose reads it (``10`` without a unit does not).

    Raises:
        SchemaError: One problem.
        ProblemList: Several.
    """
    problems: list[MigrateError] = []
    for name, svc in services.items():
        for key in SERVICE_DURATIONS:
            node: Any = svc
            for part in key:
                node = node.get(part) if isinstance(node, dict) else None
            reason = duration_problem(node)
            if reason is not None:
                kp = ("services", name, *key)
                problems.append(SchemaError(
                    reason, location=sources.locate(kp), path=format_path(kp),
                    hint="write a number with a unit, such as 30s, 1m30s or 500ms "
                         "(units: ns, us, ms, s, m, h, d, w)"))
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ProblemList(problems)


def check_consistency(
    project: dict[str, Any], inactive: dict[str, Any], sources: SourceIndex
) -> None:
    """Every reference resolves; no dependency cycle.

    Raises:
        ConsistencyError: One problem.
        ProblemList: Several.
    """
    services: dict[str, Any] = project.get("services") or {}
    problems: list[MigrateError] = []

    def problem(service: str, key: KeyPath, message: str, hint: str) -> None:
        kp = ("services", service, *key)
        named = len(kp) > 3 and isinstance(kp[-1], str)  # a name under depends_on, networks
        problems.append(
            ConsistencyError(
                message,
                location=sources.locate_entry(kp[:-1], str(kp[-1])) if named
                else sources.locate(kp),
                path=format_path(kp),
                hint=hint,
            )
        )

    declared = {k: set((project.get(k) or {}).keys()) for k in
                ("networks", "volumes", "secrets", "configs", "models")}
    for name, svc in services.items():
        if svc.get("image") == "":
            del svc["image"]
        if not svc.get("image") and not svc.get("build") and not svc.get("provider"):
            problem(name, (), f"service {name!r} has neither an image nor a build context "
                    "specified", "add `image: NAME:TAG`, or `build: ./folder` to build it")
        mode = svc.get("network_mode")
        if mode and svc.get("networks") and not (
            isinstance(mode, str) and mode.startswith(SERVICE_PREFIX) and False
        ):
            problem(name, ("network_mode",), f"service {name!r} declares mutually exclusive "
                    "`network_mode` and `networks`", "keep one of the two")
        for net in svc.get("networks") or {}:
            if net not in declared["networks"] and net != "default":
                problem(name, ("networks", net), f"service {name!r} refers to undefined "
                        f"network {net!r}", f"declare it under the top-level `networks:` "
                        f"({net}: {{}})")
        for i, vol in enumerate(svc.get("volumes") or []):
            if (isinstance(vol, dict) and vol.get("type") == "volume" and vol.get("source")
                    and vol["source"] not in declared["volumes"]):
                problem(name, ("volumes", i), f"service {name!r} refers to undefined "
                        f"volume {vol['source']!r}", "declare it under the top-level "
                        f"`volumes:` ({vol['source']}: {{}}), or write ./{vol['source']} "
                        "for a folder on the host")
        for kind in ("secrets", "configs"):
            for i, ref in enumerate(svc.get(kind) or []):
                source = ref.get("source") if isinstance(ref, dict) else ref
                if source not in declared[kind]:
                    problem(name, (kind, i), f"service {name!r} refers to undefined "
                            f"{kind[:-1]} {source!r}", f"declare it under the top-level "
                            f"`{kind}:`")
        for older, part, field in _DEPLOY_TWINS:
            resources = (svc.get("deploy") or {}).get("resources") or {}
            section = resources.get(part) if isinstance(resources, dict) else None
            value, twin_value = _number(svc.get(older)), _number(section.get(field)
                                                                 if isinstance(section, dict)
                                                                 else None)
            if field == "cpus":  # Compose compares CPUs as float32: 0.1 is 0.100000001
                value, twin_value = _float32(value), _float32(twin_value)
            if value and isinstance(section, dict) and value != twin_value:
                twin = f"deploy.resources.{part}.{field}"
                if section.get(field) is None:
                    problem(name, (older,), f"service {name!r} sets `{older}` ({svc[older]}) and "
                            f"`deploy.resources.{part}` without `{field}`: Compose takes that "
                            f"as two different {field} values", f"move it there: "
                            f"`{twin}: {svc[older]}`, and remove `{older}`")
                else:
                    problem(name, (older,), f"service {name!r} sets different values for "
                            f"`{older}` ({svc[older]}) and `{twin}` ({section[field]})",
                            f"keep one of the two, better `{twin}`: Compose refuses both "
                            "unless they are equal")
        models = svc.get("models")
        for model in (models if isinstance(models, (list, dict)) else []):
            if model not in declared["models"]:
                problem(name, ("models", model), f"service {name!r} refers to undefined "
                        f"model {model!r}", "declare it under the top-level `models:`")
        # A dependency that normalize added for network_mode, links or volumes_from is
        # reported at the key that names it, not at a depends_on the user never wrote.
        implicit: dict[str, KeyPath] = {}
        for ref, key in _implicit_refs(svc):
            implicit.setdefault(ref, key)
        for dep, cond in (svc.get("depends_on") or {}).items():
            if dep in services:
                continue
            required = cond.get("required", True) if isinstance(cond, dict) else True
            if dep in inactive and not required:
                continue
            key = implicit.get(dep, ("depends_on", dep))
            via = f" (named in {format_path(key)})" if dep in implicit else ""
            if dep in inactive:
                problem(name, key, f"service {name!r} depends on service "
                        f"{dep!r}, which is not active (profiles: "
                        f"{', '.join(inactive[dep].get('profiles') or [])}){via}",
                        "enable its profile with --profile, or mark the dependency "
                        "`required: false`")
            else:
                problem(name, key, f"service {name!r} depends on undefined "
                        f"service {dep!r}{via}", "fix the name or define that service")
    if not problems:
        cycle = find_cycle(services)
        if cycle:
            problems.append(ConsistencyError(
                "dependency cycle detected: " + " -> ".join(cycle),
                location=sources.locate(("services", cycle[0], "depends_on")),
                path=f"services.{cycle[0]}.depends_on",
                hint="remove one of these depends_on entries: Compose cannot start a cycle",
            ))
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ProblemList(problems)


_DEPLOY_TWINS = (
    ("cpus", "limits", "cpus"),
    ("mem_limit", "limits", "memory"),
    ("pids_limit", "limits", "pids"),
    ("mem_reservation", "reservations", "memory"),
)
"""A service's older resource keys and the ``deploy.resources`` field each stands for:
with both written, Compose wants them equal (an unset field counts as 0)."""


def _number(value: Any) -> float:
    """A canonical resource value (sizes are text of bytes by now) as a number; 0 if unset."""
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def _float32(value: float) -> float:
    """``value`` rounded to the nearest float32, as Go's ``float32(value)``."""
    return float(struct.unpack("f", struct.pack("f", value))[0])


def find_cycle(services: dict[str, Any]) -> list[str] | None:
    """The first depends_on cycle, services visited in sorted order; None if there is none."""
    state: dict[str, int] = {}  # 1: on the path being followed, 2: done

    def deps(name: str) -> Iterator[str]:
        return iter(sorted((services[name].get("depends_on") or {}).keys()))

    for root in sorted(services):
        if root in state:
            continue
        # Depth first without recursion: a chain of thousands of services is no problem.
        stack, pending = [root], [deps(root)]
        state[root] = 1
        while stack:
            dep = next(pending[-1], None)
            if dep is None:
                state[stack.pop()] = 2
                pending.pop()
            elif dep not in services:
                continue
            elif state.get(dep) == 1:
                return [*stack[stack.index(dep):], dep]
            elif dep not in state:
                state[dep] = 1
                stack.append(dep)
                pending.append(deps(dep))
    return None


def resolve_environment(
    project: dict[str, Any], environment: dict[str, str], sources: SourceIndex,
    budget: LoadBudget | None = None,
) -> None:
    """Merge each active service's env files into its ``environment``; drop ``env_file``.

    ``budget`` counts what the env files hold, across the services that name them.
    """
    for name, svc in (project.get("services") or {}).items():
        merged: dict[str, Any] = {}

        def lookup(key: str, merged: dict[str, Any] = merged) -> str | None:
            value = merged.get(key)
            if value is not None:
                return str(value)
            return environment.get(key)

        for i, env_file in enumerate(svc.pop("env_file", None) or []):
            path = Path(env_file["path"])
            if not path.is_file() and not env_file.get("required", True):
                continue
            kp = ("services", name, "env_file", i)
            merged.update(read_env_file(
                path, lookup, where=sources.locate(kp),
                key_path=f"services.{name}.env_file[{i}]", budget=budget,
            ))
        own = svc.get("environment") or {}
        for key, value in own.items():
            merged[key] = environment.get(key) if value is None else value
        if merged:
            svc["environment"] = merged
        else:
            svc.pop("environment", None)
        build = svc.get("build")
        if isinstance(build, dict) and isinstance(build.get("args"), dict):
            # An argument without a value takes the variable's, or is left out.
            build["args"] = {k: environment[k] if v is None else v
                             for k, v in build["args"].items()
                             if v is not None or k in environment}
