"""What the generator assumes where Compose says nothing: ``playbooks/manifests/*.yaml``."""

from __future__ import annotations

import fnmatch
import re
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from migrate_tui.manifests.model import Status
from migrate_tui.playbooks import load_playbook

_STRICT = ConfigDict(frozen=True, extra="forbid")
_QUANTITY = r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$"


class Quantities(BaseModel):
    """cpu and memory, as Kubernetes quantities."""

    model_config = _STRICT
    cpu: str | None = Field(default=None, pattern=_QUANTITY)
    memory: str | None = Field(default=None, pattern=_QUANTITY)


class ResourceDefaults(BaseModel):
    """Requests and limits for a container Compose gave none."""

    model_config = _STRICT
    requests: Quantities
    limits: Quantities


class ResourceTable(BaseModel):
    """Requests and limits per catalogue category."""

    model_config = _STRICT
    default: ResourceDefaults
    categories: dict[str, ResourceDefaults] = Field(default_factory=dict)


class StorageTable(BaseModel):
    """PVC sizes per catalogue category and software."""

    model_config = _STRICT
    default: str = Field(pattern=_QUANTITY)
    categories: dict[str, str] = Field(default_factory=dict)
    software: dict[str, str] = Field(default_factory=dict)

    @field_validator("categories", "software")
    @classmethod
    def _sizes(cls, value: dict[str, str]) -> dict[str, str]:
        for key, size in value.items():
            if not re.fullmatch(_QUANTITY, size):
                raise ValueError(f"{key}: {size!r} is not a size like 10Gi")
        return value


class JobDefaults(BaseModel):
    """The bounds of a Job."""

    model_config = _STRICT
    backoff_limit: int = Field(ge=0)
    ttl_seconds_after_finished: int = Field(ge=0)
    active_deadline_seconds: int = Field(ge=1)


class ProbeDefaults(BaseModel):
    """Compose's healthcheck defaults, and the liveness probe's extra tolerance."""

    model_config = _STRICT
    interval_seconds: int = Field(ge=1)
    timeout_seconds: int = Field(ge=1)
    retries: int = Field(ge=1)
    liveness_extra_failures: int = Field(ge=0)
    startup_seconds: int = Field(ge=10)


class ManifestDefaults(BaseModel):
    """``playbooks/manifests/defaults.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid", ignored_types=(cached_property,))
    storage: StorageTable
    resources: ResourceTable
    unprivileged_images: list[str]
    fs_groups: dict[str, int] = Field(default_factory=dict)
    steps_down_images: list[str]
    steps_down_capabilities: list[str]
    scratch_names: list[str]
    bind_variables: re.Pattern[str] | None = None
    job: JobDefaults
    probes: ProbeDefaults

    def storage_size(self, category: str | None, software: str | None) -> str:
        """The PVC size for a service of this catalogue category and software."""
        if software and software in self.storage.software:
            return self.storage.software[software]
        if category and category in self.storage.categories:
            return self.storage.categories[category]
        return self.storage.default

    def resources_for(self, category: str | None) -> ResourceDefaults:
        """Requests and limits for a service of this catalogue category."""
        return self.resources.categories.get(category or "", self.resources.default)

    def runs_unprivileged(self, repository: str) -> bool:
        """Whether the image (repository path, no registry or tag) runs as non-root."""
        return _matches(tuple(self.unprivileged_images), repository)

    def fs_group(self, repository: str) -> int | None:
        """The group a non-root image's user writes its files as (its pod's fsGroup)."""
        return next((gid for pattern, gid in sorted(self.fs_groups.items())
                     if _matches((pattern,), repository)), None)

    def steps_down(self, repository: str) -> bool:
        """Whether the image starts as root and switches user (needs a few capabilities)."""
        return _matches(tuple(self.steps_down_images), repository)


@lru_cache(maxsize=4096)
def _matches(patterns: tuple[str, ...], repository: str) -> bool:
    """Whether ``repository`` matches one of ``patterns`` (memoized: images recur)."""
    last = repository.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(repository, p) or ("/" not in p and
               fnmatch.fnmatchcase(last, p) and repository in (last, f"library/{last}"))
               for p in patterns)


class KeyRule(BaseModel):
    """The ledger's word on a key no builder handles."""

    model_config = _STRICT
    status: Status
    target: str
    why: str = Field(min_length=3)


class KeyTable(BaseModel):
    """``playbooks/manifests/keys.yaml``."""

    model_config = _STRICT
    keys: dict[str, KeyRule]


@lru_cache(maxsize=4)
def load_defaults(folder: Path | None = None) -> ManifestDefaults:
    """The generator's defaults (raises PlaybookError when the file is broken)."""
    return load_playbook("manifests/defaults.yaml", ManifestDefaults, folder)


@lru_cache(maxsize=4)
def load_key_table(folder: Path | None = None) -> KeyTable:
    """The ledger's table of keys (raises PlaybookError when the file is broken)."""
    return load_playbook("manifests/keys.yaml", KeyTable, folder)
