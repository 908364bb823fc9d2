"""Messages the views send up to the app: what the user asked for, never how to do it."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class OpenService(Message):
    """Show this service in the Services view."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class ItemChangeRequested(Message):
    """Change a checklist item: any of status, assignee, note (None leaves it as it is)."""

    def __init__(self, item_id: str, *, status: str | None = None,
                 assignee: str | None = None, note: str | None = None) -> None:
        super().__init__()
        self.item_id = item_id
        self.status = status
        self.assignee = assignee
        self.note = note


class OverrideRequested(Message):
    """Override a service's class or kind (None returns it to the analysis' verdict)."""

    def __init__(self, service: str, field: str, value: str | None) -> None:
        super().__init__()
        self.service = service
        self.field = field
        self.value = value


class SettingRequested(Message):
    """Change a setting, e.g. ``answers.servers``."""

    def __init__(self, key: str, value: Any) -> None:
        super().__init__()
        self.key = key
        self.value = value
