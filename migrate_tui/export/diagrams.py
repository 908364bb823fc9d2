"""The plan's two diagrams, as Mermaid where GitHub draws them, as tables where it would not.

- The dependency graph (:mod:`migrate_tui.export.graph_diagram`): a flowchart that reads in
  GitHub's 880 px column, hubs folded into a note, or a table of the waves.
- The timeline (:mod:`migrate_tui.export.timeline`): a gantt whose axis counts the weeks or
  years of the plan, or shows its dates; or a table of its bars.

Any name is safe in either (:mod:`migrate_tui.export.mermaid_text`): ids escape every
character but letters and digits, labels and gantt lines write what Mermaid's grammar would
read as syntax as entity codes. ``tests/render`` draws them with Mermaid 11 in Chromium.
"""

from __future__ import annotations

from migrate_tui.export.graph_diagram import WAVE_ROWS, dependency_graph
from migrate_tui.export.mermaid_text import MERMAID_MAX_EDGES, MERMAID_MAX_TEXT_SIZE
from migrate_tui.export.timeline import TIMELINE_ROWS, timeline

__all__ = ["MERMAID_MAX_EDGES", "MERMAID_MAX_TEXT_SIZE", "TIMELINE_ROWS", "WAVE_ROWS",
           "dependency_graph", "timeline"]
