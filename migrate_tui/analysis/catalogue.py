"""The catalogue of known images and the heuristics, read from ``playbooks/catalogue/``.

Four files, each validated by its model: ``stateful_images.yaml`` (databases, queues,
search engines, object stores, caches and web servers, with their data paths and ports),
``dev_only_images.yaml`` (admin UIs, fake mail servers, emulators), ``heuristics.yaml``
(which mount paths hold data, which names and commands are one-shot work, which variable
names hold host names) and ``weights.yaml`` (how much each signal of the classifier counts,
and why). A mistake in a file is reported with the file, the line, the item
and the field.
"""

from __future__ import annotations

import re
from fnmatch import translate
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from migrate_tui.playbooks import Reasoned, load_playbook

_STRICT = ConfigDict(frozen=True, extra="forbid")

State = Literal["stateful", "when-persisted", "stateless"]
Category = Literal[
    "database", "cache", "queue", "search", "object-store", "coordination", "secrets",
    "vector-db", "observability", "directory", "web-server",
]


class ImageEntry(BaseModel):
    """One piece of software the classifier knows by its image."""

    model_config = _STRICT
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    """What the software is to the code (``postgresql``): lowercase letters, digits and
    dashes, the key of its data sub-plan in ``plan/engines.yaml``. Unlike the name, it never
    changes."""
    name: str
    """What the software is, as people call it (``PostgreSQL``): shown, never looked up."""
    category: Category
    """What it does."""
    state: State
    """Whether it keeps data: always, only with persistence on, or never."""
    images: list[str] = Field(min_length=1)
    """Patterns on the image's repository path or its last part."""
    names: list[str] = Field(default_factory=list)
    """Service names that suggest it when the image does not say."""
    data_paths: list[str] = Field(default_factory=list)
    """Where it keeps its data in the container."""
    empty_data_dirs: list[str] = Field(default_factory=list)
    """Data directories its first start wants empty (initdb): a claim mounted there gets a
    folder of its own (``subPath``), away from a new volume's ``lost+found``."""
    data_path_variables: list[str] = Field(default_factory=list)
    """Environment variables that move the data directory (``PGDATA``, ``KAFKA_LOG_DIRS``):
    an absolute value (the first of a comma list) is where the data is."""
    ports: list[int] = Field(default_factory=list)
    """The ports its clients use."""
    persistence_flags: list[re.Pattern[str]] = Field(default_factory=list)
    """Command-line patterns that turn persistence on (``when-persisted`` only)."""
    no_persistence_flags: list[re.Pattern[str]] = Field(default_factory=list)
    """Command-line patterns that turn persistence off (Redis ``--save ""``): with one and
    none of ``persistence_flags``, a volume on the data path holds nothing to keep."""
    probe: str | None = None
    """A readiness check known to work for it."""

    @field_validator("data_paths")
    @classmethod
    def _absolute(cls, paths: list[str]) -> list[str]:
        for path in paths:
            if not path.startswith("/"):
                raise ValueError(f"data path {path!r} must be absolute (start with /)")
        return paths

    @field_validator("ports")
    @classmethod
    def _port_range(cls, ports: list[int]) -> list[int]:
        for port in ports:
            if not 0 < port < 65536:
                raise ValueError(f"port {port} is not between 1 and 65535")
        return ports

    @model_validator(mode="after")
    def _persistence_needs_a_signal(self) -> ImageEntry:
        if self.state == "when-persisted" and not (self.data_paths or self.persistence_flags):
            raise ValueError("state when-persisted needs data_paths or persistence_flags")
        if self.state != "when-persisted" and (self.persistence_flags or
                                               self.no_persistence_flags):
            raise ValueError("persistence_flags and no_persistence_flags only apply to state "
                             "when-persisted")
        return self


class DevOnlyEntry(BaseModel):
    """A tool for laptops, not clusters."""

    model_config = _STRICT
    name: str
    purpose: str
    """What it is for, shown in the reasons."""
    images: list[str] = Field(min_length=1)


class Heuristics(BaseModel):
    """Patterns for what the image catalogue does not cover (see ``heuristics.yaml``)."""

    model_config = _STRICT
    data_paths: list[re.Pattern[str]]
    file_paths: list[re.Pattern[str]]
    config_paths: list[re.Pattern[str]]
    scratch_paths: list[re.Pattern[str]]
    source_paths: list[re.Pattern[str]]
    host_paths: list[re.Pattern[str]]
    docker_sockets: list[re.Pattern[str]]
    database_names: list[str]
    job_names: list[re.Pattern[str]]
    job_commands: list[re.Pattern[str]]
    long_running_commands: list[re.Pattern[str]]
    daemon_images: list[re.Pattern[str]]
    daemon_host_paths: list[re.Pattern[str]]
    proxy_images: list[re.Pattern[str]]
    tool_commands: list[re.Pattern[str]]
    tool_names: list[re.Pattern[str]]
    storage_switch_keys: list[re.Pattern[str]]
    storage_switch_values: list[re.Pattern[str]]
    dev_profiles: list[str]
    host_key_parts: list[str]


class WeightFor(Reasoned):
    """A signal that the service keeps data: 0 to 1 (1 decides on its own)."""

    value: float = Field(ge=0, le=1)


class WeightAgainst(Reasoned):
    """A signal that the service keeps none: -1 to 0."""

    value: float = Field(ge=-1, le=0)


class Factor(Reasoned):
    """A scale on another weight: above 0, up to 1."""

    value: float = Field(gt=0, le=1)


class MountWeights(BaseModel):
    """What a mount says, by its role (see :func:`~.classify.mount_role`)."""

    model_config = _STRICT
    docker_socket: WeightAgainst
    tmpfs: WeightAgainst
    config: WeightAgainst
    scratch: WeightAgainst
    source_code: WeightAgainst
    host_path: WeightFor
    shared: WeightFor
    files: WeightFor
    data_named_volume: WeightFor
    data_bind_mount: WeightFor
    data_anonymous_volume: WeightFor
    named_volume: WeightFor
    file_storage_switch: WeightFor


class CatalogueWeights(BaseModel):
    """What the catalogue says: the image, or the service's name when the image says nothing."""

    model_config = _STRICT
    known_image: WeightFor
    known_image_in_job: WeightFor
    named_like_known: Factor
    database_name: WeightFor
    persisted: Factor
    not_persisted: Factor
    dev_only_image: WeightAgainst


class KindWeights(BaseModel):
    """What the service's kind says."""

    model_config = _STRICT
    job: WeightAgainst
    dev_only: WeightAgainst
    daemon: WeightAgainst
    tool: WeightAgainst


class UnknownWeights(BaseModel):
    """A service the catalogue does not know, with or without a data volume."""

    model_config = _STRICT
    with_data: WeightAgainst
    without_data: WeightAgainst


class ConfidenceScale(BaseModel):
    """Confidence from the size of the sum: ``floor + min(|sum|, 1) * span``."""

    model_config = _STRICT
    floor: Factor
    span: Factor

    @model_validator(mode="after")
    def _below_certain(self) -> ConfidenceScale:
        if self.floor.value + self.span.value >= 1:
            raise ValueError("floor + span must stay below 1: only the user's word is certain")
        return self


class Weights(BaseModel):
    """The classifier's weights, from ``weights.yaml``."""

    model_config = _STRICT
    mounts: MountWeights
    catalogue: CatalogueWeights
    kinds: KindWeights
    unknown: UnknownWeights
    confidence: ConfidenceScale


class _ImagesFile(BaseModel):
    model_config = _STRICT
    images: list[ImageEntry]

    @model_validator(mode="after")
    def _unique_ids(self) -> _ImagesFile:
        seen: set[str] = set()
        for entry in self.images:
            if entry.id in seen:
                raise ValueError(f"two entries have the id {entry.id!r}: give each its own")
            seen.add(entry.id)
        return self


class _DevOnlyFile(BaseModel):
    model_config = _STRICT
    images: list[DevOnlyEntry]


def any_match(patterns: list[re.Pattern[str]], text: str) -> re.Pattern[str] | None:
    """The first pattern found in ``text``, or None."""
    for pattern in patterns:
        if pattern.search(text):
            return pattern
    return None


def image_repository(ref: str) -> str:
    """The repository path of an image reference, without registry, tag or digest.

    ``docker.io/library/postgres:16`` gives ``postgres``; ``ghcr.io/acme/web:1.2`` gives
    ``acme/web``; ``mcr.microsoft.com/mssql/server:2022-latest`` gives ``mssql/server``.
    """
    ref = ref.split("@", 1)[0]
    head, _, last = ref.rpartition("/")
    if ":" in last:
        last = last.rsplit(":", 1)[0]
    parts = [p for p in (head.split("/") if head else []) if p] + [last]
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] == "library":
        parts = parts[1:]
    return "/".join(parts).lower()


def image_tag(ref: str) -> str | None:
    """The tag of an image reference (``16.4``), ``@sha256:...`` for a digest, None if none."""
    if "@" in ref:
        return "@" + ref.split("@", 1)[1]
    last = ref.rsplit("/", 1)[-1]
    return last.rsplit(":", 1)[1] if ":" in last else None


class _PatternIndex:
    """Lists of shell patterns, looked up in order: which list is the first that matches.

    A pattern without a wildcard (182 of the catalogue's 185) matches only its own text:
    those are a table, the first list naming each text. The others are two regexes, one
    alternative a list, in order: a regex tries its alternatives left to right, so the one
    that matches tells the first list that does. Compiling every pattern into the regexes
    took 12 ms of each run (CPU), the table takes well under one.
    """

    def __init__(self, pattern_lists: list[list[str]]) -> None:
        self.literal: dict[tuple[bool, str], int] = {}
        """The first list of each pattern without a wildcard, by (has a ``/``, text)."""

        def one(on_path: bool) -> re.Pattern[str] | None:
            groups = []
            for i, patterns in enumerate(pattern_lists):
                chosen = []
                for p in patterns:
                    if ("/" in p) != on_path:
                        continue
                    if _WILDCARDS.isdisjoint(p):
                        self.literal.setdefault((on_path, p.lower()), i)
                    else:
                        chosen.append(translate(p.lower()))
                if chosen:
                    groups.append(f"(?P<_list{i}>{'|'.join(chosen)})")
            return re.compile("|".join(groups)) if groups else None

        self.on_path = one(True)
        self.on_last = one(False)

    def first(self, repository: str) -> int | None:
        """The index of the first list that matches (by path or by last part), or None."""
        last = repository.rsplit("/", 1)[-1]
        found = [i for i in (self.literal.get((True, repository)),
                             self.literal.get((False, last))) if i is not None]
        if self.on_path is not None:
            m = self.on_path.match(repository)
            if m:
                found.append(int(str(m.lastgroup)[len("_list"):]))
        if self.on_last is not None:
            m = self.on_last.match(last)
            if m:
                found.append(int(str(m.lastgroup)[len("_list"):]))
        return min(found) if found else None


_WILDCARDS = frozenset("*?[")
"""The characters that make a shell pattern more than its own text (``fnmatch``)."""


_TRAILING_NUMBER = re.compile(r"[-_]?[0-9]+$")


@lru_cache(maxsize=8192)
def _base_name(service: str) -> str:
    """A service name without a trailing number: ``postgres-1`` gives ``postgres``.

    Kept by name: a service unknown by its image is looked up by its name, then as a
    database name, and each time the name would be cut again.
    """
    return _TRAILING_NUMBER.sub("", service.lower()) or service.lower()


class Catalogue(BaseModel):
    """All the catalogue files, validated."""

    model_config = ConfigDict(frozen=True)
    images: list[ImageEntry]
    dev_only: list[DevOnlyEntry]
    heuristics: Heuristics
    weights: Weights

    @cached_property
    def _found(self) -> dict[tuple[bool, str], ImageEntry | DevOnlyEntry | None]:
        """Answers already given, by (dev-only?, repository): a project runs the same few
        repositories many times over, at many tags, and each is looked up for its kind and
        for its class.

        A cached property, not a private attribute: pydantic reads those through
        ``__getattr__``, ten times slower, and this is read for every lookup.
        """
        return {}

    @cached_property
    def _repositories(self) -> dict[str, str]:
        """:func:`image_repository` of each image reference already looked up: both
        lookups of a service read it."""
        return {}

    @cached_property
    def _indexes(self) -> dict[bool, _PatternIndex]:
        """The patterns of the dev-only entries (True) and of the others, compiled."""
        return {}

    def _index(self, dev_only: bool) -> _PatternIndex:
        if dev_only not in self._indexes:
            entries: list[ImageEntry] | list[DevOnlyEntry] = (
                self.dev_only if dev_only else self.images)
            self._indexes[dev_only] = _PatternIndex([e.images for e in entries])
        return self._indexes[dev_only]

    def _lookup(self, ref: str, dev_only: bool) -> ImageEntry | DevOnlyEntry | None:
        """The entry of the dev-only list (or of the others) that an image reference
        matches, worked out once a repository."""
        repository = self._repositories.get(ref)
        if repository is None:
            repository = self._repositories[ref] = image_repository(ref)
        key = (dev_only, repository)
        if key not in self._found:
            index = self._index(dev_only).first(repository)
            entries: list[ImageEntry] | list[DevOnlyEntry] = (
                self.dev_only if dev_only else self.images)
            self._found[key] = None if index is None else entries[index]
        return self._found[key]

    def match_image(self, ref: str | None) -> ImageEntry | None:
        """The entry for an image reference, or None."""
        return self._lookup(ref, False) if ref else None  # type: ignore[return-value]

    def match_dev_only(self, ref: str | None) -> DevOnlyEntry | None:
        """The dev-only entry for an image reference, or None."""
        return self._lookup(ref, True) if ref else None  # type: ignore[return-value]

    @cached_property
    def _by_name(self) -> dict[str, ImageEntry]:
        """The entry of each service name the entries list, the first entry that lists it."""
        by_name: dict[str, ImageEntry] = {}
        for entry in self.images:
            for name in entry.names:
                by_name.setdefault(name, entry)
        return by_name

    @cached_property
    def by_id(self) -> dict[str, ImageEntry]:
        """Every entry by its id."""
        return {entry.id: entry for entry in self.images}

    def match_name(self, service: str) -> ImageEntry | None:
        """The entry a service's name suggests (``postgres``, ``redis-2``), or None."""
        return self._by_name.get(_base_name(service))

    @cached_property
    def _one_shot(self) -> dict[str, str | None]:
        """Answers of :meth:`one_shot_work` already given, by command line."""
        return {}

    def one_shot_work(self, line: str) -> str | None:
        """The one-shot work a command line does (``manage.py migrate``), as it is written
        there; None when it does none, or when it goes on to run something long-running.

        Kept by line: most services of a project share theirs (often none at all), and each
        line is tried against a score of patterns.
        """
        if line not in self._one_shot:
            h = self.heuristics
            hint = any_match(h.job_commands, line)
            found = hint.search(line) if hint else None
            self._one_shot[line] = (found.group() if found and
                                    not any_match(h.long_running_commands, line) else None)
        return self._one_shot[line]

    def repository(self, ref: str) -> str:
        """:func:`image_repository` of an image reference, worked out once a reference."""
        repository = self._repositories.get(ref)
        if repository is None:
            repository = self._repositories[ref] = image_repository(ref)
        return repository

    def is_proxy_image(self, ref: str | None) -> bool:
        """Whether an image is a reverse proxy that reads the Docker socket for its routes
        (Traefik, nginx-proxy, caddy-docker-proxy): replaced by an Ingress."""
        return bool(ref) and any_match(self.heuristics.proxy_images,
                                       self.repository(ref or "")) is not None

    def is_database_name(self, service: str) -> bool:
        """Whether the service's name is a generic database name (``db``, ``database``)."""
        return _base_name(service) in self.heuristics.database_names


CATALOGUE_FILES = {
    "images": "catalogue/stateful_images.yaml",
    "dev_only": "catalogue/dev_only_images.yaml",
    "heuristics": "catalogue/heuristics.yaml",
    "weights": "catalogue/weights.yaml",
}
"""The files of the catalogue, relative to the playbooks folder."""


@lru_cache(maxsize=4)
def load_catalogue(folder: Path | None = None) -> Catalogue:
    """Read and validate the catalogue.

    Args:
        folder: The playbooks folder; the installed one when None.

    Raises:
        PlaybookError: A file is missing or invalid.
    """
    images = load_playbook(CATALOGUE_FILES["images"], _ImagesFile, folder)
    dev_only = load_playbook(CATALOGUE_FILES["dev_only"], _DevOnlyFile, folder)
    heuristics = load_playbook(CATALOGUE_FILES["heuristics"], Heuristics, folder)
    weights = load_playbook(CATALOGUE_FILES["weights"], Weights, folder)
    return Catalogue(images=images.images, dev_only=dev_only.images, heuristics=heuristics,
                     weights=weights)
