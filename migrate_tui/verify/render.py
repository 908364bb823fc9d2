"""``migrate-tui verify``'s output: text for a person, JSON for scripts, SARIF for CI.

JSON: ``{"manifests", "source", "summary", "items": [{"id", "verdict", "evidence",
"status"}], "warnings"}``, items in plan order. SARIF: one result per contradicted item,
at the manifest line its evidence names (an item ticked done is an ``error``, others a
``warning``), one rule per item kind (the id's suffix).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from migrate_tui.export.sarif import SarifResult, SarifRule, relative_uri, sarif_text
from migrate_tui.masking import mask_data
from migrate_tui.text import visible
from migrate_tui.verify.judges import PROJECT_JUDGES, SERVICE_JUDGES
from migrate_tui.verify.model import ItemVerdict, VerifyReport

MARKS = {"verified": "ok", "contradicted": "!!", "unknown": "? "}
"""The mark of each verdict in the text output."""
_WHERE = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+): ")


def to_json(report: VerifyReport) -> dict[str, Any]:
    """The report as the JSON contract (strings masked)."""
    data = {
        "manifests": report.manifests.folder,
        "source": report.manifests.source,
        "summary": {**report.counts(), "failed": [i.id for i in report.failed]},
        "items": [{"id": i.id, "verdict": i.verdict, "evidence": i.evidence,
                   "status": i.status} for i in report.items],
        "warnings": list(report.manifests.warnings),
    }
    masked: dict[str, Any] = mask_data(data)
    return masked


def render_json(report: VerifyReport) -> str:
    """:func:`to_json`, indented."""
    return json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"


def render_text(report: VerifyReport, *, all_items: bool = False) -> str:
    """The verdicts a person reads: contradicted first, then verified; ``unknown`` ones
    counted (listed with ``all_items``)."""
    counts = report.counts()
    lines = [f"Manifests {report.manifests.folder} ({report.manifests.source}): "
             f"{counts['verified']} verified, {counts['contradicted']} contradicted, "
             f"{counts['unknown']} unknown"]
    order = ["contradicted", "verified"] + (["unknown"] if all_items else [])
    for verdict in order:
        items = [i for i in report.items if i.verdict == verdict]
        if not items:
            continue
        lines += ["", f"{verdict.capitalize()} ({len(items)})"]
        width = max(len(i.id) for i in items)
        for i in items:
            ticked = " [done]" if i.status == "done" else ""
            lines.append(f"  {MARKS[verdict]} {i.id:<{width}}{ticked}  {i.evidence}")
    if report.failed:
        lines += ["", f"FAILED: {len(report.failed)} item(s) ticked done but contradicted: "
                  + ", ".join(i.id for i in report.failed)]
    for warning in report.manifests.warnings:
        lines.append(f"warning: {warning}")
    return visible("\n".join(lines) + "\n")


def _rule_of(item: ItemVerdict) -> str:
    suffix = item.id.split(".", 1)[-1]
    return f"verify.{suffix}"


def _help(suffix: str) -> str:
    judge = SERVICE_JUDGES.get(suffix) or PROJECT_JUDGES.get(suffix)
    doc = (judge.__doc__ or "").strip() if judge else ""
    return " ".join(doc.split()) or "The manifests contradict this checklist item."


def render_sarif(report: VerifyReport, root: str | None = None) -> str:
    """A SARIF 2.1.0 log of the contradicted items, at their manifest lines.

    Args:
        report: The verdicts.
        root: The project folder (the repository's root in CI): manifest paths are made
            relative to it.
    """
    rules: list[SarifRule] = []
    results: list[SarifResult] = []
    for item in report.items:
        if item.verdict != "contradicted":
            continue
        rule = _rule_of(item)
        level = "error" if item.status == "done" else "warning"
        rules.append(SarifRule(rule, f"checklist item {item.id.split('.', 1)[-1]} "
                               "contradicted by the manifests",
                               _help(item.id.split(".", 1)[-1]), "warning"))
        found = _WHERE.match(item.evidence)
        file, line = (found["file"], int(found["line"])) if found else \
            (report.manifests.folder, None)
        if not os.path.exists(file):  # (a line of the rendered kustomize stream)
            file, line = report.manifests.folder, None
        text = f"{item.id} ({item.status}): {item.evidence}"
        results.append(SarifResult(rule, level, text,
                                   relative_uri(os.path.abspath(file), root), line))
    return sarif_text(rules, results)
