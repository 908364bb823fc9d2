"""The command palette's entries: every action, and one entry per service."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from migrate_tui.tui.messages import OpenService

if TYPE_CHECKING:
    from migrate_tui.tui.app import MigrateApp

VIEWS = (("overview", "Overview"), ("services", "Services"), ("graph", "Graph"),
         ("plan", "Plan"), ("findings", "Findings"), ("manifests", "Manifests"))


def system_commands(app: MigrateApp) -> Iterable[SystemCommand]:
    """The app's own entries for the palette (after Textual's)."""
    for key, title in VIEWS:
        yield SystemCommand(f"Go to {title}", f"Show the {title} view",
                            lambda key=key: app.action_show_tab(key))
    yield SystemCommand("Export", "Write the plan as Markdown, or the Kubernetes manifests",
                        app.action_export)
    yield SystemCommand("Reload", "Read the compose and progress files again",
                        app.action_reload)
    yield SystemCommand("Help", "The keys", app.action_help)
    for action, title in (("toggle_done", "Tick the selected plan item (done / todo)"),
                          ("edit('status')", "Set the selected plan item's status"),
                          ("edit('assignee')", "Assign the selected plan item"),
                          ("edit('note')", "Note on the selected plan item")):
        yield SystemCommand(title, "In the Plan view",
                            lambda action=action: app.plan_action(action))
    for action, title in (("toggle_class", "Flip the selected service stateful/stateless"),
                          ("cycle_kind", "Change the selected service's kind"),
                          ("reset_override", "Reset the selected service to the detected "
                           "class and kind")):
        yield SystemCommand(title, "In the Services view",
                            lambda action=action: app.services_action(action))
    if app.workspace is not None:
        for name in app.workspace.project.services:
            yield SystemCommand(f"Open service {name}", "Show it in the Services view",
                                lambda name=name: app.post_message(OpenService(name)))
