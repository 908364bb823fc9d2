"""The generator: a table of builders keyed by what they build, run over every service.

:func:`generate_manifests` turns a loaded project and its analysis into
:class:`~migrate_tui.manifests.model.Manifests`: one file per deployed service, the shared
objects, the kustomization, ``secrets.env`` (keys only) and a ``.gitignore``, and the
ledger. Nothing is written here (see :mod:`.writer`).
"""

from __future__ import annotations

from collections.abc import Callable

from migrate_tui.analysis.model import Analysis
from migrate_tui.compose.model import Project
from migrate_tui.gc_pause import gc_paused
from migrate_tui.manifests.common import Obj, Part
from migrate_tui.manifests.config import (
    build_env_config,
    copied_files,
    external_secrets,
    generators,
    placeholders,
    secret_env_keys,
)
from migrate_tui.manifests.facts import Context, SecretsMode, ServiceFacts, project_facts
from migrate_tui.manifests.knowledge import load_defaults, load_key_table
from migrate_tui.manifests.ledger import complete
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
    ctx = project_facts(project, analysis, load_defaults(), load_key_table(),
                        secrets_mode=secrets_mode)
    files: list[GeneratedFile] = []
    entries: list[LedgerEntry] = []
    resources: list[str] = []
    for f in ctx.facts.values():
        if f.workload is None:
            continue
        objects: list[Obj] = []
        for build in BUILDERS.values():
            part = build(ctx, f)
            objects += part.objects
            entries += part.entries
        files.append(GeneratedFile(path=f.file, documents=_documents(objects)))
        resources.append(f.file)
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
        files.append(GeneratedFile(path=SECRETS_ENV, text="".join(f"{k}=\n" for k in keys),
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
    return Manifests(project=project.name, files=tuple(sorted(files, key=lambda g: g.path)),
                     ledger=tuple(complete(ctx, entries)), secret_keys=tuple(keys))
