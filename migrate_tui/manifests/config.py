"""Configuration and secrets: the env ConfigMaps, and the generators of the kustomization.

Secret values are never written: the env Secret is generated from ``secrets.env``, which
holds the keys with empty values; Compose secrets from placeholder files in
``secret-files/``; both are git-ignored. ``--secrets external-secrets`` gives
ExternalSecret objects instead.
"""

from __future__ import annotations

import os

from migrate_tui.manifests.common import Obj, Part, metadata
from migrate_tui.manifests.container import config_env, env_config_name
from migrate_tui.manifests.facts import Context, ServiceFacts
from migrate_tui.manifests.names import LABEL_PART_OF
from migrate_tui.manifests.references import secret_key
from migrate_tui.manifests.volumes import VolumeUse

EXTERNAL_STORE = "migrate-tui-secret-store"
"""The ClusterSecretStore an ExternalSecret reads from: a name for the team to create."""


def build_env_config(ctx: Context, f: ServiceFacts) -> Part:
    """A ConfigMap of each container's plain variables."""
    part = Part()
    if f.workload is None:
        return part
    for name in (f.name, *f.sidecars):
        svc = ctx.facts[name].svc
        data = config_env(svc, f if name == f.name else ctx.facts[name])
        if data:
            part.objects.append({"apiVersion": "v1", "kind": "ConfigMap",
                                 "metadata": metadata(ctx, f, env_config_name(f, svc)),
                                 "data": dict(sorted(data.items()))})
    return part


def secret_env_keys(ctx: Context) -> list[str]:
    """Every key the env Secret must hold, sorted."""
    return sorted(_secret_env_values(ctx))


def _secret_env_values(ctx: Context) -> dict[str, str]:
    """Every key the env Secret must hold, with the value Compose gave it ("" for none)."""
    keys: dict[str, str] = {}
    for f in ctx.deployed():
        for var in f.secret_env:
            keys[secret_key(f, var)] = f.svc.environment.get(var) or ""
    for owner, var in ctx.secret_values.values():  # (referenced from commands and probes)
        f = ctx.facts[owner]
        keys[secret_key(f, var)] = f.svc.environment.get(var) or ""
    return keys


def secrets_env_text(ctx: Context) -> str:
    """``secrets.env`` as first written: every key with no value, after a comment naming
    the keys that held one value in Compose (``netbox.DB_PASSWORD`` and
    ``postgres.POSTGRES_PASSWORD``), which must hold one value again or the client fails to
    log in. Names only: no value is ever written."""
    values = _secret_env_values(ctx)
    shared: dict[str, list[str]] = {}
    for key, value in sorted(values.items()):
        if value:
            shared.setdefault(value, []).append(key)
    groups = sorted(keys for keys in shared.values() if len(keys) > 1)
    lines = ["# KEY=value, one a line; this file is git-ignored, and the env Secret is "
             "generated from it."]
    if groups:
        lines.append("# These keys held one value in Compose: give each group one value "
                     "again.")
        lines += [f"#   {', '.join(keys)}" for keys in groups]
    lines += [f"{key}=" for key in sorted(values)]
    return "\n".join(lines) + "\n"


def file_uses(ctx: Context) -> list[VolumeUse]:
    """Every mount made from a file (config or secret), of every deployed service."""
    return [v for f in ctx.deployed() for v in f.volumes
            if v.mode in ("config-file", "secret-file") and v.generator]


def generators(ctx: Context, copied: dict[str, str]) -> tuple[list[Obj], list[Obj]]:
    """(configMapGenerator, secretGenerator) entries of the kustomization; a config file
    that could not be copied (see :func:`copied_files`) is left out."""
    config: dict[str, set[str]] = {}
    secret: dict[str, set[str]] = {}
    for v in file_uses(ctx):
        table = config if v.mode == "config-file" else secret
        if v.mode == "secret-file" and ctx.secrets_mode == "external-secrets":
            continue
        if v.mode == "config-file" and v.output_path not in copied:
            continue
        table.setdefault(v.generator or "", set()).add(f"{v.key_name}={v.output_path}")
    config_gen = [{"name": n, "files": sorted(files)} for n, files in sorted(config.items())]
    secret_gen = [{"name": n, "files": sorted(files)} for n, files in sorted(secret.items())]
    if ctx.secrets_mode == "generator" and secret_env_keys(ctx):
        secret_gen.insert(0, {"name": ctx.env_secret_name, "envs": ["secrets.env"]})
    return config_gen, secret_gen


def external_secrets(ctx: Context) -> list[Obj]:
    """ExternalSecret objects for the env Secret and every Compose secret."""
    out = []
    keys = secret_env_keys(ctx)
    meta_labels = {LABEL_PART_OF: ctx.project_label,
                   "app.kubernetes.io/managed-by": "migrate-tui"}
    store = {"name": EXTERNAL_STORE, "kind": "ClusterSecretStore"}
    if keys:
        out.append({"apiVersion": "external-secrets.io/v1beta1", "kind": "ExternalSecret",
                    "metadata": {"name": ctx.env_secret_name, "labels": meta_labels},
                    "spec": {"secretStoreRef": store, "refreshInterval": "1h",
                             "target": {"name": ctx.env_secret_name},
                             "data": [{"secretKey": k, "remoteRef": {
                                 "key": f"{ctx.project_label}/{k.split('.', 1)[0]}",
                                 "property": k.split(".", 1)[1]}} for k in keys]}})
    seen: set[str] = set()
    for v in file_uses(ctx):
        if v.mode != "secret-file" or v.generator in seen:
            continue
        seen.add(v.generator or "")
        out.append({"apiVersion": "external-secrets.io/v1beta1", "kind": "ExternalSecret",
                    "metadata": {"name": v.generator, "labels": meta_labels},
                    "spec": {"secretStoreRef": store, "refreshInterval": "1h",
                             "target": {"name": v.generator},
                             "data": [{"secretKey": v.key_name, "remoteRef": {
                                 "key": f"{ctx.project_label}/{v.generator}"}}]}})
    return out


def copied_files(ctx: Context) -> dict[str, str]:
    """The config files copied into the base (path under the output folder -> text).

    A file that cannot be read as text (or changed into a link meanwhile) is left out;
    its mount then names a key the ConfigMap lacks, and ``kubectl kustomize`` says so.
    """
    out: dict[str, str] = {}
    for v in file_uses(ctx):
        if v.mode != "config-file" or not v.output_path or v.output_path in out:
            continue
        if v.content is not None:
            out[v.output_path] = v.content
        elif v.source_file:
            text = _read_bounded(v.source_file)
            if text is not None:
                out[v.output_path] = text
    return out


def _read_bounded(path: str, limit: int = 1 << 20) -> str | None:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def placeholders(ctx: Context) -> list[str]:
    """The secret placeholder files (created empty when absent, never overwritten)."""
    if ctx.secrets_mode == "external-secrets":
        return []
    return sorted({v.output_path for v in file_uses(ctx)
                   if v.mode == "secret-file" and v.output_path})
