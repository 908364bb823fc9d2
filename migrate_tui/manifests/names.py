"""Kubernetes names and small conversions shared by every builder."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache

from migrate_tui.compose.go_values import parse_duration

_NOT_DNS = re.compile(r"[^a-z0-9-]+")
MAX_NAME = 63

ANNOTATION_SOURCE = "migrate-tui/source"
"""The annotation naming the Compose file and line an object came from."""
LABEL_NAME = "app.kubernetes.io/name"
LABEL_PART_OF = "app.kubernetes.io/part-of"
LABEL_COMPONENT = "app.kubernetes.io/component"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"


def dns_label(text: str, limit: int = MAX_NAME) -> str:
    """``text`` as a DNS-1035 label (what a Service name must be, and so valid for every
    object): lowercase ``[a-z0-9-]``, a letter first, at most ``limit`` characters.

    A name that had to change gets a short hash of the original, so two Compose names
    never meet in one Kubernetes name.
    """
    clean = _NOT_DNS.sub("-", text.lower()).strip("-")
    if clean == text and len(clean) <= limit and clean[:1].isalpha():
        return clean
    if not clean[:1].isalpha():
        clean = f"s-{clean}".rstrip("-")
    digest = hashlib.sha256(text.encode()).hexdigest()[:6]
    head = clean[: limit - 7].rstrip("-")
    return f"{head}-{digest}"


_DNS_1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")


def service_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a Service's name (a DNS-1035 label: lowercase alphanumerics
    and ``-``, a letter first, an alphanumeric last, at most 63 characters), in words;
    None when it can."""
    if len(name) <= MAX_NAME and _DNS_1035.fullmatch(name):
        return None
    found = [word for word, bad in (
        ("dots", "." in name), ("underscores", "_" in name),
        ("upper case", name != name.lower()),
        (f"longer than {MAX_NAME} characters", len(name) > MAX_NAME),
        ("not starting with a letter", not name[:1].isalpha()),
    ) if bad]
    return ", ".join(found) or "characters a DNS label does not allow"


def unique_labels(names: Iterable[str]) -> dict[str, str]:
    """A DNS-1123 label for each name, distinct from each other."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(names):
        label = dns_label(name)
        if label in taken:
            digest = hashlib.sha256(name.encode()).hexdigest()[:6]
            label = f"{label[: MAX_NAME - 7].rstrip('-')}-{digest}"
        taken.add(label)
        out[name] = label
    return out


@lru_cache(maxsize=4096)
def seconds(duration: str | None, default: int) -> int:
    """A Go duration (``1m30s``, ``500ms``) in whole seconds, at least 1; ``default`` when
    there is none, or none Compose reads (``parse_duration``: the one reader)."""
    if not duration:
        return default
    try:
        total = parse_duration(str(duration)) / 1e9
    except ValueError:
        return default
    if total <= 0:
        return default
    return max(1, round(total))


def unescaped(text: str) -> str:
    """What a process sees of a Compose value: the loader keeps each literal ``$`` as
    ``$$``, as ``docker compose config`` prints it, until a container runs.

    Kubernetes reads ``$$`` as ``$`` in command, args and env values too, so those take
    the Compose text as it is; a ConfigMap's data, a probe's command or a working folder
    are not expanded, and take this.
    """
    return text.replace("$$", "$") if "$" in text else text


def cpu_quantity(cpus: float) -> str:
    """Fractional CPUs as a Kubernetes quantity (``0.5`` -> ``500m``)."""
    milli = round(cpus * 1000)
    return f"{milli // 1000}" if milli % 1000 == 0 else f"{max(milli, 1)}m"


def memory_quantity(size: int) -> str:
    """Bytes as a Kubernetes quantity (``536870912`` -> ``512Mi``)."""
    for unit, factor in (("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)
