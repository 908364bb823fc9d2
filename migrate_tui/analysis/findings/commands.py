"""Rules about what a service runs, as Compose reads its ``command`` and ``entrypoint``."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from migrate_tui.analysis.evidence import shorten
from migrate_tui.analysis.findings.base import Hit, RuleContext, rule
from migrate_tui.compose.shell_words import split_shell_words


@rule("command-cut-short")
def command_cut_short(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """A string ``command``/``entrypoint`` with ``&&``, ``;``, a pipe or a redirection:
    Compose splits it into words without a shell and drops everything from there on
    (``kong migrations up && kong migrations finish`` runs ``kong migrations up``)."""
    for name in sorted(ctx.services):
        for key in ("entrypoint", "command"):
            written = ctx.locator.written(name, key)
            if not isinstance(written, str):
                continue
            try:
                split = split_shell_words(written)
            except ValueError:  # (the loader refused it: no project to analyse)
                continue
            if not split.dropped:
                continue
            yield Hit(name, ctx.locator.key(name, key, text=shorten(f"{key}: {written}")), {
                "key": key,
                "written": shorten(written),
                "runs": shorten(" ".join(split.words)) or "(nothing)",
                "dropped": shorten(split.dropped.strip()),
                "fix": json.dumps(["sh", "-c", written], ensure_ascii=False),
            })
