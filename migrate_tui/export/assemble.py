"""One door to every export of the plan, for the CLI (``plan``) and the TUI alike.

The exports read the typed models (:class:`~migrate_tui.compose.model.Project`,
:class:`~migrate_tui.analysis.model.Analysis`, :class:`~migrate_tui.planning.plan.Plan`),
never a JSON dict of them: JSON is one rendering of the models, made here at the edge.
A new format is a function in :data:`RENDERERS` and a name in :data:`EXPORT_FORMATS`; the
command line's ``plan --format`` and the TUI's export both come through
:func:`render_export`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from migrate_tui.analysis.model import Analysis
from migrate_tui.compose.model import Project
from migrate_tui.errors import DiscoveryError
from migrate_tui.export.markdown import render_markdown
from migrate_tui.export.translation import LedgerRow
from migrate_tui.masking import mask_data
from migrate_tui.planning.plan import Plan
from migrate_tui.progress.model import ProgressState
from migrate_tui.text import visible_json


class ExportSource(Protocol):
    """What an export is made from: a project, its analysis, its plan and its ledger.

    A :class:`~migrate_tui.workspace.Workspace` is one; so is an :class:`ExportParts`.
    """

    @property
    def project(self) -> Project:
        """The loaded project."""

    @property
    def analysis(self) -> Analysis:
        """The project's analysis, with the overrides of the progress file applied."""

    @property
    def plan(self) -> Plan:
        """The plan, with the saved progress applied."""

    @property
    def state(self) -> ProgressState | None:
        """The saved progress (the days items finished, for the burn-up), if known."""

    @property
    def ledger(self) -> Sequence[LedgerRow]:
        """The translation ledger of the analysis (issue 14): the Translation section."""


@dataclass(frozen=True)
class ExportParts:
    """The parts of an export given one by one (a plan changed before it is rendered)."""

    project: Project
    """The loaded project."""
    analysis: Analysis
    """The project's analysis."""
    plan: Plan
    """The plan, with the saved progress applied."""
    state: ProgressState | None = None
    """The saved progress, if known: the burn-up's work done."""
    ledger: Sequence[LedgerRow] = ()
    """The translation ledger (none: the Translation section says no key is translated)."""


def _markdown(source: ExportSource) -> str:
    """The plan as Markdown (:func:`~migrate_tui.export.markdown.render_markdown`)."""
    return render_markdown(source.project, source.analysis, source.plan, source.state,
                           ledger=source.ledger)


def _json(source: ExportSource) -> str:
    """The plan's JSON contract, indented, its secrets masked.

    What a terminal could take for a control is written as a JSON escape, so the same
    text goes to a file and to a terminal.
    """
    text = json.dumps(mask_data(source.plan.to_contract()), indent=2, ensure_ascii=False)
    return visible_json(text) + "\n"


RENDERERS: dict[str, Callable[[ExportSource], str]] = {
    "markdown": _markdown,
    "json": _json,
}
"""Each export format's renderer, by name."""

EXPORT_FORMATS: tuple[str, ...] = tuple(RENDERERS)
"""The values of ``plan --format``, the default first."""


def render_export(source: ExportSource, fmt: str = "markdown") -> str:
    """Render an export of the plan in one format.

    Args:
        source: The project, its analysis and its plan: a workspace, or
            :class:`ExportParts`.
        fmt: One of :data:`EXPORT_FORMATS`.

    Returns:
        The export's text, ending in one newline. A Markdown export still needs
        :func:`~migrate_tui.text.visible` before it is written to a terminal.

    Raises:
        DiscoveryError: ``fmt`` is not a known format.
    """
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise DiscoveryError(f"unknown export format {fmt!r}",
                             hint="use --format " + " or --format ".join(EXPORT_FORMATS))
    return renderer(source)


__all__ = ["EXPORT_FORMATS", "RENDERERS", "ExportParts", "ExportSource",
           "render_export"]
