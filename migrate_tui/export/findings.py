"""The plan's findings section: a table row per finding, or a row per rule for a big project.

A 2,000-service project has some 5,600 findings: their rows alone take 720 KB, past what
GitHub renders (``GITHUB_MAX_MARKDOWN_SIZE``). Grouped by rule, the same findings take a
dozen rows, and ``migrate-tui analyze --format json`` still has every one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from migrate_tui.analysis.model import Finding, severity_rank
from migrate_tui.export.markdown_text import GITHUB_MAX_MARKDOWN_SIZE, code, md, relative

PLACES_SHOWN = 3
"""In the findings by rule, how many findings of a rule are named before "and N more"."""

FIXES_SHOWN = 2
"""In the findings by rule, how many different fixes of a rule are given in full."""


def _by_rule(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """The findings of each rule, by severity then rule; each rule's by service, line, text."""
    groups: dict[tuple[int, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((severity_rank(f.severity), f.rule), []).append(f)
    out = []
    for (_, rule), group in sorted(groups.items()):
        group.sort(key=lambda f: (f.service or "", f.evidence.line or 0, f.message))
        out.append((rule, group))
    return out


def _where(finding: Finding, root: str | None) -> str:
    """``compose.yaml:12``: the file relative to the project, and the line when known."""
    file, line = finding.evidence.file, finding.evidence.line
    where = relative(file, root) if file else ""
    if line:
        where += f":{line}"
    return where


def findings_in_full(findings: Sequence[Finding], root: str | None) -> Iterator[str]:
    """The findings section's lines: each rule's fix once, then a table row per finding.

    Lines one at a time, so the caller can stop as soon as they are too many for GitHub.

    Args:
        findings: The findings to list, in any order.
        root: The project directory: file names are shown relative to it.

    Returns:
        The section's lines, heading first.
    """
    return FindingsSection(findings, root).in_full()


def findings_by_rule(findings: Sequence[Finding], root: str | None) -> list[str]:
    """The findings section of a project with too many to list: a table row per rule.

    Each row counts the rule's findings, gives its fixes and names the first few places.

    Args:
        findings: The findings to count, in any order.
        root: The project directory: file names are shown relative to it.

    Returns:
        The section's lines, heading first.
    """
    return FindingsSection(findings, root).by_rule()


class FindingsSection:
    """The findings section in either form, the findings sorted by rule once for both.

    A big plan tries both (:func:`findings_in_full`, :func:`findings_by_rule`): sorting
    5,600 findings twice cost 10 ms of a 2,000-service plan's 0.3 s.
    """

    def __init__(self, findings: Sequence[Finding], root: str | None) -> None:
        """The section of ``findings``, in any order; file names relative to ``root``."""
        self._count = len(findings)
        self._rules = _by_rule(findings)
        self._root = root

    def in_full(self) -> Iterator[str]:
        """The lines of :func:`findings_in_full`, made as they are read."""
        yield from ["## Findings", ""]
        if not self._rules:
            yield from ["No findings.", ""]
            return
        yield from ["By severity, then rule. Each rule's fix is given once; the table lists "
                    "where it applies.", ""]
        for rule, group in self._rules:
            fixes = list(dict.fromkeys(f.fix for f in group))
            yield from [f"### {group[0].severity}: {code(rule)} ({len(group)})", ""]
            yield from [f"**Fix:** {md(fix)}" for fix in fixes[:1]] + [""]
            yield from ["| Service | Finding | Where |", "|---|---|---|"]
            for f in group:
                where = _where(f, self._root)
                yield (f"| {md(f.service or '-')} | {md(f.message)}"
                       + (f" {md(f.fix)}" if len(fixes) > 1 else "")
                       + f" | {code(where) if where else '-'} |")
            yield ""

    def by_rule(self) -> list[str]:
        """The lines of :func:`findings_by_rule`."""
        out = ["## Findings", "",
               f"The {self._count:,} findings are too many to list one by one here (GitHub "
               f"renders at most about {GITHUB_MAX_MARKDOWN_SIZE:,} bytes of Markdown), so "
               "here is a row per rule, by severity, with the first services it was found on. "
               "`migrate-tui analyze --format json` has every finding.", "",
               "| Severity | Rule | Findings | Fix | First found |", "|---|---|---:|---|---|"]
        for rule, group in self._rules:
            fixes = list(dict.fromkeys(f.fix for f in group))
            fix = " / ".join(md(f) for f in fixes[:FIXES_SHOWN])
            if len(fixes) > FIXES_SHOWN:
                fix += f" (and {len(fixes) - FIXES_SHOWN:,} other fixes)"
            places = []
            for f in group[:PLACES_SHOWN]:
                where = _where(f, self._root)
                places.append(f"{md(f.service or '-')}: {md(f.message)}"
                              + (f" ({code(where)})" if where else ""))
            shown = "; ".join(places)
            if len(group) > PLACES_SHOWN:
                shown += f"; and {len(group) - PLACES_SHOWN:,} more"
            out.append(f"| {md(group[0].severity)} | {code(rule)} | {len(group):,} | {fix} "
                       f"| {shown} |")
        return [*out, ""]
