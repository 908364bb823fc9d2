"""The exports of the plan (Markdown, JSON) and of the analysis, read from the typed models.

:mod:`migrate_tui.export.assemble` is the one door the CLI and the TUI go through.
"""
