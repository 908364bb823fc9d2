"""Dev versus production: which compose files are a developer's, and which settings of a
service are a developer's (debug modes, reloading servers, debugger ports, Compose Watch).

The knowledge is data (``playbooks/catalogue/dev_settings.yaml``). Dev-only *services*
are not decided here: :func:`~migrate_tui.analysis.classify.kind_of` decides them (the
catalogue's mail catchers and admin UIs, dev profiles, and, from here,
:func:`only_in_dev_files`: a service no production file defines).
"""

from __future__ import annotations

import os
import re
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from migrate_tui.compose.model import Project, Service
from migrate_tui.playbooks import load_playbook

DEV_SETTINGS_FILE = "catalogue/dev_settings.yaml"
_STRICT = ConfigDict(frozen=True, extra="forbid")

DevVariant = Literal["debug", "reload", "debugger-port", "watch"]


class DevEnv(BaseModel):
    """A variable that turns a development mode on."""

    model_config = _STRICT
    key: re.Pattern[str]
    value: re.Pattern[str]
    what: str
    reload: bool = False
    """It is about reloading on change (a ``reload`` setting), not a debug mode."""


class DevCommand(BaseModel):
    """A command of a development server or a file watcher."""

    model_config = _STRICT
    pattern: re.Pattern[str]
    what: str
    debugger: bool = False
    """It starts a debugger: then a debugger port counts, whatever other ports it has."""


class DevSettings(BaseModel):
    """``playbooks/catalogue/dev_settings.yaml``."""

    model_config = _STRICT
    files: list[re.Pattern[str]] = Field(min_length=1)
    env: list[DevEnv]
    commands: list[DevCommand]
    debugger_ports: dict[int, str]

    @cached_property
    def _env_by_name(self) -> dict[str, tuple[DevEnv, ...]]:
        """Answers of :meth:`env_rules` already given, by variable name."""
        return {}

    def env_rules(self, name: str) -> tuple[DevEnv, ...]:
        """The ``env`` rules whose ``key`` a variable's name matches, in their order.

        Worked out once a name: services share their variables' names (2,000 services,
        12,000 variables, a few dozen names), and searching each name with every rule took
        a fifth of the analysis's findings.
        """
        found = self._env_by_name.get(name)
        if found is None:
            found = self._env_by_name[name] = tuple(r for r in self.env if r.key.search(name))
        return found


@lru_cache(maxsize=4)
def load_dev_settings(folder: Path | None = None) -> DevSettings:
    """Read and validate the dev settings.

    Raises:
        PlaybookError: The file is missing or invalid.
    """
    return load_playbook(DEV_SETTINGS_FILE, DevSettings, folder)


class DevSetting(NamedTuple):
    """One setting of a service that must not reach a cluster."""

    variant: DevVariant
    key: str
    """``environment.DEBUG``, ``command``, ``ports[1]``, ``develop``."""
    shown: str
    """What it says (``DEBUG=1``, ``--reload``, ``5678``)."""
    what: str
    """What it is, in words."""


def is_dev_file(path: str, settings: DevSettings | None = None) -> bool:
    """Whether a compose file is a developer's, by its name."""
    name = os.path.basename(path)
    return any(p.search(name) for p in (settings or load_dev_settings()).files)


def dev_files(project: Project, settings: DevSettings | None = None) -> list[str]:
    """The project's compose files that are a developer's, in merge order."""
    return [f for f in project.files if is_dev_file(f, settings)]


def service_dev_settings(svc: Service, settings: DevSettings | None = None) -> list[DevSetting]:
    """A service's development settings, in the order: variables, command, ports, watch."""
    settings = settings or load_dev_settings()
    found: list[DevSetting] = []
    for key, value in sorted(svc.environment.items()):
        if value is None:
            continue
        for rule in settings.env_rules(key):
            if rule.value.search(value.strip()):
                found.append(DevSetting("reload" if rule.reload else "debug",
                                        f"environment.{key}", f"{key}={value}", rule.what))
                break
    debugging = False
    for field in ("entrypoint", "command"):
        line = " ".join(getattr(svc, field) or [])
        for command in settings.commands if line else ():
            hit = command.pattern.search(line)
            if hit:
                found.append(DevSetting("reload", field, hit.group().strip() or line,
                                        command.what))
                debugging = debugging or command.debugger
                break
    debuggers = settings.debugger_ports
    if any(p.target in debuggers for p in svc.ports):  # (few services: the rest skip this)
        own = {p.target for p in svc.ports} | {int(e) for e in svc.expose if str(e).isdigit()}
        other = bool(own - set(debuggers))
        for i, port in enumerate(svc.ports):
            what = debuggers.get(port.target)
            if what is not None and (debugging or other):
                found.append(DevSetting("debugger-port", f"ports[{i}]", f"port {port.target}",
                                        what))
    if svc.get("develop"):
        found.append(DevSetting("watch", "develop", "develop.watch",
                                "Compose Watch: it syncs the source into the container"))
    return found


def only_in_dev_files(project: Project, settings: DevSettings | None = None) -> dict[str, str]:
    """Services that only development files define, with the first such file: when a
    production file (one not a developer's) was read too, a service no production file
    names is a developer's addition."""
    settings = settings or load_dev_settings()
    dev = {os.path.normpath(f) for f in project.files if is_dev_file(f, settings)}
    if not dev or len(dev) == len(project.files):
        return {}
    defined: dict[str, list[str]] = {}
    for parsed in project.sources.files:
        services = parsed.data.get("services") if isinstance(parsed.data, dict) else None
        for name in services if isinstance(services, dict) else ():
            defined.setdefault(str(name), []).append(os.path.normpath(parsed.path))
    return {name: os.path.basename(files[0]) for name, files in sorted(defined.items())
            if all(f in dev for f in files)}
