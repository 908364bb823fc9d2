"""SARIF 2.1.0 for GitHub code scanning: ``analyze --format sarif`` and ``verify``'s.

One ``run`` of the tool ``migrate-tui``: one rule per finding rule (its fix as the help
text), one result per finding at its compose file and line. Paths are relative to the
project folder, as the findings record them, so code scanning places them on the file when
the workflow runs from that folder. The severity maps through :data:`LEVELS`.

The log is plain data, deterministic (rules sorted by id, results in the findings' order),
with its strings masked as every other output (:func:`~migrate_tui.masking.mask_data`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from migrate_tui import __version__
from migrate_tui.analysis.model import Analysis, Finding
from migrate_tui.masking import mask_data

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"

LEVELS: Mapping[str, str] = {"high": "error", "medium": "warning", "low": "note", "info": "note"}
"""A finding's severity -> its SARIF ``level``."""


@dataclass(frozen=True)
class SarifRule:
    """A rule of the log: what a result's ``ruleId`` names."""

    id: str
    title: str
    help: str
    level: str


@dataclass(frozen=True)
class SarifResult:
    """One result: a rule broken at a file and line."""

    rule_id: str
    level: str
    message: str
    file: str
    """Relative to the project folder (forward slashes)."""
    line: int | None


def relative_uri(file: str, root: str | None) -> str:
    """``file`` relative to ``root`` when inside it, with forward slashes (a SARIF URI)."""
    if root and os.path.isabs(file):
        rel = os.path.relpath(file, root)
        if not rel.startswith(".."):
            file = rel
    return file.replace(os.sep, "/")


def sarif_log(rules: Iterable[SarifRule], results: Sequence[SarifResult]) -> dict[str, Any]:
    """The SARIF 2.1.0 log of one run of migrate-tui, as plain data (masked)."""
    ordered = sorted({r.id: r for r in rules}.values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(ordered)}
    driver: dict[str, Any] = {
        "name": "migrate-tui",
        "version": __version__,
        "rules": [
            {"id": r.id, "name": r.id.title().replace("-", "").replace(".", ""),
             "shortDescription": {"text": r.title},
             "fullDescription": {"text": r.title},
             "help": {"text": r.help},
             "defaultConfiguration": {"level": r.level}}
            for r in ordered
        ],
    }
    out: list[dict[str, Any]] = []
    for res in results:
        region = {"startLine": res.line} if res.line is not None and res.line >= 1 else None
        physical: dict[str, Any] = {"artifactLocation": {"uri": res.file}}
        if region:
            physical["region"] = region
        out.append({"ruleId": res.rule_id, "ruleIndex": index[res.rule_id],
                    "level": res.level, "message": {"text": res.message},
                    "locations": [{"physicalLocation": physical}]})
    log = {"$schema": SCHEMA, "version": VERSION,
           "runs": [{"tool": {"driver": driver}, "results": out}]}
    masked: dict[str, Any] = mask_data(log)
    return masked


def sarif_text(rules: Iterable[SarifRule], results: Sequence[SarifResult]) -> str:
    """The log (:func:`sarif_log`) as indented JSON, ending with a newline."""
    return json.dumps(sarif_log(rules, results), indent=2, ensure_ascii=False) + "\n"


def findings_sarif(analysis: Analysis, root: str | None = None) -> str:
    """``analyze --format sarif``: a rule per finding rule, a result per finding.

    Args:
        analysis: The analysis whose findings are reported.
        root: The project folder; a finding's file outside it keeps its path as is.
    """
    rules: dict[str, SarifRule] = {}
    results: list[SarifResult] = []
    for f in analysis.findings:
        rules.setdefault(f.rule, SarifRule(f.rule, _title(f), f.fix, LEVELS[f.severity]))
        results.append(SarifResult(
            f.rule, LEVELS[f.severity], _message(f), relative_uri(f.evidence.file, root),
            f.evidence.line))
    return sarif_text(rules.values(), results)


def _title(f: Finding) -> str:
    from migrate_tui.analysis.findings import load_findings_playbook

    text = load_findings_playbook().rules.get(f.rule)
    return text.title if text is not None else f.rule


def _message(f: Finding) -> str:
    who = f"{f.service}: " if f.service else ""
    return f"{who}{f.message}. Fix: {f.fix}"
