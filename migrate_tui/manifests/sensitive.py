"""Which values are secrets: one rule for the env Secret, the scrubbing of commands and
probes, and the config files never copied."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

from migrate_tui.analysis.evidence import has_url_credentials, is_secret_name
from migrate_tui.analysis.findings import load_findings_playbook
from migrate_tui.compose.model import Service

MAX_READ = 1 << 20
"""Most of a file read to look for secret values."""


def _secret_rule() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    params = load_findings_playbook().rules["plain-secret"].params
    return (re.compile(params["names"]), re.compile(params["ignore_names"]),
            re.compile(params["ignore_values"]))


@cache
def _secret_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return _secret_rule()


_INLINE_PASSWORD = re.compile(r"(?i)(^|[;&?\s])(password|passwd|pwd)=[^;&\s]+")
URL_PASSWORD = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^:@/\s]*:([^@/\s]+)@")


@lru_cache(maxsize=8192)
def is_secret_variable(key: str, value: str | None) -> bool:
    """Whether a variable goes in the Secret: the analysis's plain-secret rule (its name
    and value), any name that says secret, a URL with a password inside, or a connection
    string with ``Password=``.

    Kept by variable: services built from one anchor share most of theirs (2,000 services:
    10,821 variables, 2,536 distinct; 21 ms of CPU asked one by one).
    """
    if value is None:
        return False
    names, ignore_names, ignore_values = _secret_patterns()
    if has_url_credentials(value) or _INLINE_PASSWORD.search(value):
        return True
    if ignore_values.search(value.strip()):
        return False
    return bool(names.search(key) and not ignore_names.search(key)) or is_secret_name(key)


def holds_secret(path: str, pattern: re.Pattern[str] | None) -> bool:
    """Whether a file holds one of the project's secret values (then it is not copied)."""
    if pattern is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return True
    with os.fdopen(fd, "rb") as fh:
        text = fh.read(MAX_READ).decode("utf-8", "replace")
    return pattern.search(text) is not None


MIN_SCRUBBED = 4
"""Shortest secret value replaced where it shows (shorter ones are words: ``root``...)."""


def secret_values_of(services: Mapping[str, Service],
                   secret_env: Mapping[str, frozenset[str]]) -> dict[str, tuple[str, str]]:
    """Every secret value of the deployed services, each with who holds it first.

    Args:
        services: The services by name.
        secret_env: The environment variables of each service that hold secrets.

    Returns:
        Value -> (service, variable) for values of ``MIN_SCRUBBED`` characters or more,
        for the writer to scrub wherever one would show outside a Secret.
    """
    out: dict[str, tuple[str, str]] = {}
    shown = open_values(services, secret_env)
    for name, svc in services.items():
        for var in sorted(secret_env[name]):
            value = svc.environment.get(var)
            if value and len(value) >= MIN_SCRUBBED and value not in out and value not in shown:
                out[value] = (name, var)
    return out


def open_values(services: Mapping[str, Service],
                secret_env: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The whole values of the variables that hold no secret: a password equal to one
    (``POSTGRES_USER=airflow``) is a word of the project, shown in the open anyway, and
    replacing it wherever it shows would rewrite paths and commands (``/opt/airflow``)."""
    return frozenset(v for name, svc in services.items()
                     for k, v in svc.environment.items() if v and k not in secret_env[name])


def secret_regex(values: Mapping[str, Any]) -> re.Pattern[str] | None:
    """One pattern finding any of the values, longest first."""
    if not values:
        return None
    return re.compile("|".join(re.escape(v) for v in sorted(values, key=lambda v: (-len(v), v))))
