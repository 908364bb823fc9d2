"""The plan's "Data and routing" section: the analysis' data inventory, routes, replaced
proxies and upstream charts as Markdown tables (texts through :func:`md`, so no secret and
no Markdown from the project gets through). A big project's tables stop at ``MAX_ROWS``
rows each, with a line saying how many more there are."""

from __future__ import annotations

from migrate_tui.analysis.model import Analysis
from migrate_tui.export.markdown_text import md, md_with_code

MAX_ROWS = 100
"""Rows a table shows before it says how many more there are."""


def _capped(rows: list[str]) -> list[str]:
    if len(rows) <= MAX_ROWS:
        return rows
    return [*rows[:MAX_ROWS], "", f"... and {len(rows) - MAX_ROWS} more (see `migrate-tui "
                                  "analyze --format json`)"]


def evidence_section(analysis: Analysis) -> list[str]:
    """The section's lines; none when the analysis found no data, route or chart."""
    if not (analysis.data or analysis.routes or analysis.proxies or analysis.charts):
        return []
    out = ["## Data and routing", ""]
    if analysis.data:
        out += ["Every volume and host folder the migrated services write, and how it moves.",
                "", "| Store | Holds | Written by | Read by | Access | Backup |",
                "|---|---|---|---|---|---|"]
        out += _capped([
            f"| {md(d.id)} | {md(d.software or d.data)} | {md(', '.join(d.writers))} | "
            f"{md(', '.join(d.readers)) or '-'} | {d.access_mode} | "
            f"{'yes' if d.backup else 'no (cache)'} |" for d in analysis.data])
        out.append("")
    if analysis.routes:
        out += ["How traffic gets in, and what replaces each way in.", "",
                "| Service | Read from | Host and path | Port | Becomes | Notes |",
                "|---|---|---|---|---|---|"]
        out += _capped([
            f"| {md(r.service)} | {r.source}{', TLS' if r.tls else ''}"
            f"{', WebSocket' if r.websocket else ''} | "
            f"{md(', '.join(h + (r.path or '') for h in r.hosts)) or md(r.path or '') or '-'} | "
            f"{r.port or '-'}/{r.protocol}"
            f"{f' (host {r.published})' if r.published else ''} | {r.target} | "
            f"{md('; '.join(r.notes)) or '-'} |" for r in analysis.routes])
        out.append("")
    if analysis.proxies:
        out += [f"- {md(p.service)} ({md(p.software)}) is replaced by the cluster's Ingress "
                f"controller, not migrated: it {md(p.reason)}" for p in analysis.proxies]
        out.append("")
    if analysis.charts:
        out += ["Upstream charts and operators that fit:", ""]
        out += [f"- **{md(c.name)}** ({c.kind}, {md(c.url)}) for {md(', '.join(c.services))}: "
                f"{md_with_code(c.saves)}, about {c.saves_days:g} person-days saved"
                for c in analysis.charts]
        out.append("")
    return out
