"""``migrate-tui analyze``: what the command prints, for ``cli.py`` to call.

The command line parses the flags and loads the project as ``config`` does, then calls
:func:`run_analyze` and writes what it returns. Errors are :class:`MigrateError`
subclasses, printed by the CLI without a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from migrate_tui.analysis.pipeline import analyze
from migrate_tui.analysis.report import render_text, to_json
from migrate_tui.compose.model import Project
from migrate_tui.errors import DiscoveryError
from migrate_tui.gc_pause import gc_paused
from migrate_tui.masking import mask_data

FORMATS = ("json", "sarif", "text")
"""The values of ``--format``."""


@gc_paused
def run_analyze(project: Project, fmt: str, color: bool,
                overrides: Mapping[str, Mapping[str, Any]] | None = None,
                warn: Callable[[str], None] | None = None) -> str:
    """Analyse a loaded project and format the result.

    Args:
        project: The loaded project.
        fmt: ``json`` (the contract, indented, keys in a stable order), ``sarif`` (SARIF
            2.1.0 for code scanning, paths relative to the project) or ``text``.
        color: ANSI colours in the text report (ignored for JSON).
        overrides: Class and kind overrides from the progress file, by service.
        warn: Receives the analysis' warnings (a proxy configuration it could not read).

    Returns:
        The output, ending with a newline.

    Raises:
        DiscoveryError: ``fmt`` is not a known format.
        AnalysisError: An ``x-migrate`` hint or an override is malformed.
        PlaybookError: A playbook file is missing or invalid.
    """
    if fmt not in FORMATS:
        raise DiscoveryError(f"unknown format {fmt!r}",
                             hint=f"use --format {' or --format '.join(FORMATS)}")
    analysis = analyze(project, overrides)
    if warn is not None:
        for message in analysis.warnings:
            warn(message)
    if fmt == "json":
        return json.dumps(mask_data(to_json(analysis)), indent=2, ensure_ascii=False) + "\n"
    if fmt == "sarif":
        from migrate_tui.export.sarif import findings_sarif

        return findings_sarif(analysis, project.working_dir)
    return render_text(analysis, color=color)
