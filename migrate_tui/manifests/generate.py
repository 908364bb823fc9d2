"""The generator: a table of builders keyed by what they build, run over every service.

:func:`generate_manifests` turns a loaded project and its analysis into
:class:`~migrate_tui.manifests.model.Manifests`: one file per deployed service, the shared
objects, the kustomization, ``secrets.env`` (keys only) and a ``.gitignore``, and the
ledger. Nothing is written here (see :mod:`.writer`).

A re-generation after a class or kind override (:func:`run_generation` with ``previous``)
reuses what the generator read of the project alone (:class:`.facts.ProjectReading`), each
service's facts when what they are made from is unchanged (:func:`.facts.make_facts`), and
each service's objects and ledger entries when everything its builders read is unchanged:
its own facts and those of every service they looked up in ``ctx.facts``, and the proxy
routes they looked up in ``ctx.proxy_routes`` (both recorded as they are read, so the key
is what was read, not a list kept by hand). Builders read the project-wide rest of the
context (labels, secret values, defaults, key table) from the project alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from functools import cached_property

from migrate_tui.analysis.catalogue import load_catalogue
from migrate_tui.analysis.model import Analysis, Route
from migrate_tui.analysis.recorded import Recorded, same
from migrate_tui.compose.model import Project
from migrate_tui.gc_pause import gc_paused
from migrate_tui.manifests.aliases import build_aliases
from migrate_tui.manifests.common import Obj, Part
from migrate_tui.manifests.config import (
    build_env_config,
    copied_files,
    external_secrets,
    generators,
    placeholders,
    secret_env_keys,
    secrets_env_text,
)
from migrate_tui.manifests.facts import (
    Context,
    MadeFacts,
    ProjectReading,
    SecretsMode,
    ServiceFacts,
    make_facts,
    read_project,
)
from migrate_tui.manifests.knowledge import load_defaults, load_key_table
from migrate_tui.manifests.ledger import complete_service
from migrate_tui.manifests.model import Document, GeneratedFile, LedgerEntry, Manifests
from migrate_tui.manifests.network import (
    build_depends_on,
    build_disruption_budget,
    build_ingress,
    build_network_policy,
    build_services,
    default_deny,
)
from migrate_tui.manifests.storage import build_claims, shared_claims
from migrate_tui.manifests.workload import build_workload

Builder = Callable[[Context, ServiceFacts], Part]

BUILDERS: dict[str, Builder] = {
    "workload": build_workload,
    "service": build_services,
    "aliases": build_aliases,
    "ingress": build_ingress,
    "config": build_env_config,
    "claims": build_claims,
    "network-policy": build_network_policy,
    "disruption-budget": build_disruption_budget,
    "depends-on": build_depends_on,
}
"""The builders of a service's objects, in the order their objects appear in its file."""

KUSTOMIZATION = "kustomization.yaml"
SECRETS_ENV = "secrets.env"
GITIGNORE = ".gitignore"
NETWORK_POLICIES = "network-policies.yaml"
SHARED_VOLUMES = "volumes.yaml"
EXTERNAL_SECRETS = "external-secrets.yaml"


def _documents(objects: list[Obj]) -> tuple[Document, ...]:
    return tuple(Document(o) for o in objects)


@dataclass(frozen=True)
class ServiceOutput:
    """What the builders made of one service, and everything they read to make it."""

    file: GeneratedFile
    """The service's file, its objects made documents (reused with the output: making
    them again for 2,000 services took 4 ms of a re-plan)."""
    entries: dict[str, tuple[LedgerEntry, ...]]
    """The ledger entries the builders noted, by service (it and its sidecars), each in
    the order noted."""
    facts_read: tuple[tuple[str, ServiceFacts | None], ...]
    """The facts of each service read: its own and those looked up in ``ctx.facts``."""
    routes_read: tuple[tuple[str, tuple[Route, ...] | None], ...]
    """The proxy routes looked up in ``ctx.proxy_routes``."""

    def holds_for(self, ctx: Context, changed: AbstractSet[str]) -> bool:
        """True when everything read to make this is the same in ``ctx``.

        ``changed``: the services whose facts in ``ctx`` are not the objects of the
        generation this output was last used in; the facts of the others are known to be
        the same, and are not compared (a re-plan at 2,000 services compared 11,000 facts
        for 5 ms; the few outputs that read a changed one now).
        """
        if not changed.isdisjoint(self.services_read):
            facts = ctx.facts
            if not all(same(facts.get(n), f) for n, f in self.facts_read):
                return False
        return all(same(ctx.proxy_routes.get(n), r) for n, r in self.routes_read)

    @cached_property
    def services_read(self) -> frozenset[str]:
        """The services whose facts were read."""
        return frozenset(n for n, _ in self.facts_read)


@dataclass(frozen=True)
class Generation:
    """Manifests, and what a re-generation after an override may reuse of their making."""

    manifests: Manifests
    reading: ProjectReading
    secrets_mode: SecretsMode
    facts: dict[str, ServiceFacts]
    """Every service's facts."""
    made_facts: dict[str, MadeFacts]
    """What each service's facts were made from (:func:`~.facts.make_facts` reuses them)."""
    outputs: dict[str, ServiceOutput]
    """Each deployed service's builders' output, by service."""
    ledgers: dict[str, tuple[ServiceFacts, tuple[LedgerEntry, ...], list[LedgerEntry]]]
    """Each service's completed ledger, with the facts and the builders' entries it came
    from (:func:`~.ledger.complete_service` reads nothing else)."""


def _build(ctx: Context, f: ServiceFacts) -> ServiceOutput:
    """Run every builder on one service, noting what they read of the other services."""
    facts, routes = Recorded(ctx.facts), Recorded(ctx.proxy_routes)
    seen = replace(ctx, facts=facts, proxy_routes=routes)
    objects: list[Obj] = []
    entries: list[LedgerEntry] = []
    for build in BUILDERS.values():
        part = build(seen, f)
        objects += part.objects
        entries += part.entries
    by_service: dict[str, list[LedgerEntry]] = {}
    for e in entries:
        by_service.setdefault(e.service, []).append(e)
    return ServiceOutput(GeneratedFile(path=f.file, documents=_documents(objects)),
                         {name: tuple(mine) for name, mine in by_service.items()},
                         ((f.name, f), *facts.read.items()), tuple(routes.read.items()))


@gc_paused
def generate_manifests(project: Project, analysis: Analysis, *,
                       secrets_mode: SecretsMode = "generator") -> Manifests:
    """The Kustomize base and the ledger of a project.

    Args:
        project: The loaded project.
        analysis: Its analysis (with the progress file's overrides applied).
        secrets_mode: ``generator`` (a secretGenerator reading ``secrets.env``) or
            ``external-secrets`` (ExternalSecret objects).

    Returns:
        The files (sorted by path) and the ledger, deterministic for a given input.

    Raises:
        ManifestError: An ``x-migrate`` hint the generator reads is malformed.
        PlaybookError: A playbook file is missing or invalid.
    """
    return run_generation(project, analysis, secrets_mode=secrets_mode).manifests


@gc_paused
def run_generation(project: Project, analysis: Analysis, *,
                   secrets_mode: SecretsMode = "generator",
                   previous: Generation | None = None) -> Generation:
    """:func:`generate_manifests`, keeping what a re-generation may reuse.

    Args:
        project: The loaded project.
        analysis: Its analysis.
        secrets_mode: As :func:`generate_manifests`.
        previous: An earlier generation of the same project (the same object): its
            reading of the project is reused, and a service's output when everything its
            builders read is unchanged (:meth:`ServiceOutput.holds_for`). The result equals
            a generation without it.

    Raises:
        ManifestError: An ``x-migrate`` hint the generator reads is malformed.
        PlaybookError: A playbook file is missing or invalid.
    """
    catalogue = load_catalogue()
    if previous is not None and (previous.reading.project is not project
                                 or previous.reading.catalogue is not catalogue
                                 or previous.secrets_mode != secrets_mode):
        previous = None
    reading = previous.reading if previous is not None else read_project(project, catalogue)
    ctx, made_facts = make_facts(project, analysis, load_defaults(), load_key_table(),
                                 secrets_mode=secrets_mode, catalogue=catalogue,
                                 reading=reading,
                                 previous=previous.made_facts if previous is not None else None)
    if previous is not None:
        ctx = replace(ctx, facts=_kept(ctx.facts, previous.facts))
    before = previous.outputs if previous is not None else {}
    # (an output held in the previous generation read facts the same as its own)
    was = previous.facts if previous is not None else {}
    changed = {n for n, f in ctx.facts.items() if was.get(n) is not f}
    files: list[GeneratedFile] = []
    outputs: dict[str, ServiceOutput] = {}
    resources: list[str] = []
    for f in ctx.facts.values():
        if f.workload is None:
            continue
        out = before.get(f.name)
        if out is None or not out.holds_for(ctx, changed):
            out = _build(ctx, f)
        outputs[f.name] = out
        files.append(out.file)
        resources.append(f.file)
    ledger, ledgers = _ledger(ctx, outputs, previous.ledgers if previous is not None else {})
    if ctx.deployed():
        files.append(GeneratedFile(path=NETWORK_POLICIES,
                                   documents=_documents([default_deny(ctx)])))
        resources.append(NETWORK_POLICIES)
    shared = shared_claims(ctx)
    if shared:
        files.append(GeneratedFile(path=SHARED_VOLUMES, documents=_documents(shared)))
        resources.append(SHARED_VOLUMES)
    if secrets_mode == "external-secrets":
        external = external_secrets(ctx)
        if external:
            files.append(GeneratedFile(path=EXTERNAL_SECRETS, documents=_documents(external)))
            resources.append(EXTERNAL_SECRETS)
    copied = copied_files(ctx)
    for path, text in sorted(copied.items()):
        files.append(GeneratedFile(path=path, text=text))
    config_gen, secret_gen = generators(ctx, copied)
    kustomization: Obj = {"apiVersion": "kustomize.config.k8s.io/v1beta1",
                          "kind": "Kustomization", "resources": sorted(resources)}
    if config_gen:
        kustomization["configMapGenerator"] = config_gen
    if secret_gen:
        kustomization["secretGenerator"] = secret_gen
    files.append(GeneratedFile(path=KUSTOMIZATION, documents=_documents([kustomization])))
    keys = secret_env_keys(ctx)
    ignored = []
    if secrets_mode == "generator" and keys:
        files.append(GeneratedFile(path=SECRETS_ENV, text=secrets_env_text(ctx),
                                   keep_existing=True))
        ignored.append(SECRETS_ENV)
    if secrets_mode == "generator":
        for path in placeholders(ctx):
            files.append(GeneratedFile(path=path, text="", keep_existing=True))
        if placeholders(ctx):
            ignored.append("secret-files/")
    files.append(GeneratedFile(path=GITIGNORE, text=(
        "# Secret values never go in git: fill these in on the machine that applies the base.\n"
        + "".join(f"/{p}\n" for p in ignored))))
    manifests = Manifests(project=project.name, files=tuple(sorted(files, key=lambda g: g.path)),
                          ledger=ledger, secret_keys=tuple(keys),
                          names=tuple((n, f.label) for n, f in sorted(ctx.facts.items())))
    return Generation(manifests, reading, secrets_mode, dict(ctx.facts), made_facts, outputs,
                      ledgers)


def _kept(facts: Mapping[str, ServiceFacts],
          before: Mapping[str, ServiceFacts]) -> dict[str, ServiceFacts]:
    """``facts``, each equal to the one before replaced by it: what was read of the one
    before is then checked at once (:func:`~migrate_tui.analysis.recorded.same`)."""
    out = {}
    for name, f in facts.items():
        old = before.get(name)
        out[name] = old if old is not None and same(old, f) else f
    return out


def _ledger(
    ctx: Context, outputs: Mapping[str, ServiceOutput],
    before: Mapping[str, tuple[ServiceFacts, tuple[LedgerEntry, ...], list[LedgerEntry]]],
) -> tuple[tuple[LedgerEntry, ...], dict[str, tuple[ServiceFacts, tuple[LedgerEntry, ...],
                                                  list[LedgerEntry]]]]:
    """The whole ledger (:func:`~.ledger.complete`), each service's part reused when its
    facts and the builders' entries for it are unchanged."""
    by_service: dict[str, tuple[LedgerEntry, ...]] = {}
    for out in outputs.values():
        for name, entries in out.entries.items():
            # (the usual case: the service's own output alone notes its entries)
            by_service[name] = by_service[name] + entries if name in by_service else entries
    ledger: list[LedgerEntry] = []
    made = {}
    for name, f in ctx.facts.items():
        mine = by_service.get(name, ())
        done = before.get(name)
        if done is None or not same(done[0], f) or done[1] != mine:
            done = (f, mine, complete_service(ctx, f, list(mine)))
        made[name] = done
        ledger += done[2]
    return tuple(ledger), made
