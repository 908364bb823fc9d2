"""Rules about configuration and secrets: environment values, env files, file secrets."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from functools import cache
from typing import Any

from migrate_tui.analysis.evidence import has_url_credentials, mask, shorten
from migrate_tui.analysis.findings.base import Hit, RuleContext, rule


@rule("plain-secret")
def plain_secret(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Secrets in plain environment values: by the variable's name or a URL's password."""
    names = re.compile(params["names"])
    ignore_names = re.compile(params["ignore_names"])
    ignore_values = re.compile(params["ignore_values"])

    @cache
    def secret_name(key: str) -> bool:
        """Kept by name: the same few names recur in every service (``DB_PASSWORD``)."""
        return bool(names.search(key)) and not ignore_names.search(key)

    @cache
    def secret(key: str, value: str) -> tuple[str, str | None] | None:
        """(evidence text, variant) of a variable that holds a secret, else None; kept by
        variable, as services built from one anchor share most of theirs."""
        if secret_name(key) and not ignore_values.search(value.strip()):
            return f"{key}=***", None
        if has_url_credentials(value):
            return shorten(f"{key}={mask(value)}"), "url-credentials"
        return None

    for name in sorted(ctx.services):
        for key, value in ctx.services[name].environment.items():
            found = secret(key, value) if value is not None else None
            if found is not None:
                text, variant = found
                yield Hit(name, ctx.locator.env(name, key, text=text), {"key": key}, variant)


@rule("env-file")
def env_file(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """``env_file``: a ConfigMap and a Secret."""
    for name in sorted(ctx.services):
        files = ctx.locator.env_files(name)
        if not files:
            continue
        shown = ", ".join(ctx.locator.relative(f) for f in reversed(files))
        evidence = ctx.locator.env_file_entry(name) or ctx.locator.key(name, "env_file")
        yield Hit(name, replace(evidence, text=f"env_file: {shown}"),
                  {"files": shown})


def _top_level(ctx: RuleContext, section: str) -> Iterator[Hit]:
    for entry_name, entry in sorted((ctx.project.compose.get(section) or {}).items()):
        if not isinstance(entry, dict) or entry.get("external"):
            continue
        if entry.get("file"):
            source = ctx.locator.relative(str(entry["file"]))
        elif entry.get("environment"):
            source = f"the variable {entry['environment']}"
        elif "content" in entry:
            source = "inline content"
        else:
            continue
        text = f"{section}.{entry_name}: {source}"
        yield Hit(None, ctx.locator.top(section, entry_name, text=text),
                  {"name": entry_name, "source": source})


@rule("compose-secret")
def compose_secret(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Top-level ``secrets`` read from files or variables."""
    yield from _top_level(ctx, "secrets")


@rule("compose-config")
def compose_config(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Top-level ``configs`` read from files, variables or inline content."""
    yield from _top_level(ctx, "configs")
