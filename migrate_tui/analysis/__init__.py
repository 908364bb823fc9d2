"""Analysis: what a loaded Compose project means for a move to Kubernetes.

:func:`analyze` takes the :class:`~migrate_tui.compose.model.Project` the loader gives and
returns an :class:`~migrate_tui.analysis.model.Analysis`: a typed dependency graph with
evidence (:mod:`.graph`), each service's class and kind with reasons (:mod:`.classify`),
start-up waves and cycles, and migration findings (:mod:`.findings`). :mod:`.report`
turns it into the JSON contract and the text report.
"""

from __future__ import annotations

from migrate_tui.analysis.model import Analysis, Edge, Evidence, Finding, ServiceAnalysis
from migrate_tui.analysis.pipeline import analyze

__all__ = ["Analysis", "Edge", "Evidence", "Finding", "ServiceAnalysis", "analyze"]
