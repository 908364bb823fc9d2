"""Dev versus production: a developer's compose file merged in, and the settings of a
service that must not reach a cluster (:mod:`migrate_tui.analysis.dev` knows them)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from migrate_tui.analysis.dev import dev_files, load_dev_settings, service_dev_settings
from migrate_tui.analysis.evidence import env_text, shorten
from migrate_tui.analysis.findings.base import Hit, RuleContext, rule
from migrate_tui.analysis.model import Evidence


@rule("dev-file")
def dev_file(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """A development compose file was read (merged over the others, or alone)."""
    settings = load_dev_settings()
    files = ctx.project.files
    for path in dev_files(ctx.project, settings):
        shown = ctx.locator.relative(path, climb=True)
        base = [ctx.locator.relative(f, climb=True) for f in files if f != path]
        others = ", ".join(b for b in base if b != shown)
        how = (f"merged over {others}" if others else "the only file read")
        if os.path.basename(path) in ("compose.override.yaml", "compose.override.yml",
                                      "docker-compose.override.yaml",
                                      "docker-compose.override.yml") and others:
            how += " (read by default)"
        parsed = next((pf for pf in ctx.project.sources.files if pf.path == path), None)
        at = parsed.positions.get(("services",)) if parsed is not None else None
        evidence = Evidence(file=shown, line=at[0] if at else 1, path="services",
                                text=f"compose file {shown}")
        yield Hit(None, evidence, {"file": shown, "how": how}, None if others else "alone")


@rule("dev-setting")
def dev_setting(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Debug modes, reloading servers, debugger ports and Compose Watch."""
    settings = load_dev_settings()
    for name in sorted(ctx.services):
        for found in service_dev_settings(ctx.services[name], settings):
            key = found.key
            if key.startswith("environment."):
                variable = key.split(".", 1)[1]
                shown = env_text(variable, ctx.services[name].environment.get(variable))
                evidence = ctx.locator.env(name, variable, text=shown)
            elif key.startswith("ports["):
                index = int(key[len("ports["):-1])
                port = ctx.services[name].ports[index]
                shown = f"ports: {port.published or ''}:{port.target}".replace(": :", ": ")

                def match(entry: Any, target: int = port.target) -> bool:
                    if isinstance(entry, dict):
                        return str(entry.get("target")) == str(target)
                    text = str(entry).split("/")[0]
                    return text.endswith(f":{target}") or text == str(target)

                evidence = ctx.locator.item(name, "ports", match, index=index, text=shown)
            else:
                shown = f"{key}: {shorten(found.shown, 60)}"
                evidence = ctx.locator.key(name, key, text=shown)
            yield Hit(name, evidence, {"setting": shorten(found.shown, 60), "what": found.what,
                                       "file": evidence.file}, found.variant)
