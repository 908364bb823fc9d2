"""Messages the views send up to the app: what the user asked for, never how to do it."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class OpenService(Message):
    """Show this service in the Services view."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class OpenManifests(Message):
    """Show this service in the Manifests view."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class ItemChangeRequested(Message):
    """Change a checklist item: any of status, assignee, note (None leaves it as it is).

    ``on``: the day a ``doing`` status started or a ``done`` one finished (None: today).
    """

    def __init__(self, item_id: str, *, status: str | None = None,
                 assignee: str | None = None, note: str | None = None,
                 on: Any = None) -> None:
        super().__init__()
        self.item_id = item_id
        self.status = status
        self.assignee = assignee
        self.note = note
        self.on = on


class OverrideRequested(Message):
    """Override a service's class or kind (None returns it to the analysis' verdict)."""

    def __init__(self, service: str, field: str, value: str | None) -> None:
        super().__init__()
        self.service = service
        self.field = field
        self.value = value


class OverrideResetRequested(Message):
    """Remove a service's saved class and kind overrides: back to what the analysis detects."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service


class SettingRequested(Message):
    """Change a setting, e.g. ``answers.servers``."""

    def __init__(self, key: str, value: Any) -> None:
        super().__init__()
        self.key = key
        self.value = value


# -- from the app's workers to the app -------------------------------------------------------


class WorkspaceReady(Message):
    """A workspace was loaded, re-planned or saved."""

    def __init__(self, workspace: Any, *, saved: bool = False, reloaded: bool = False,
                 warnings: tuple[str, ...] | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.saved = saved
        """It holds a change just written to the progress file."""
        self.reloaded = reloaded
        """It replaces one read earlier: the user asked for a reload, or a file changed."""
        self.warnings = warnings
        """The loader's warnings (unset variables, ...) and the analysis' (a proxy's
        configuration it could not read), when the project was loaded."""


class WorkspaceFailed(Message):
    """The project could not be loaded."""

    def __init__(self, error: Any, *, reloaded: bool = False) -> None:
        super().__init__()
        self.error = error
        self.reloaded = reloaded


class SaveFailed(Message):
    """A save did not go through."""

    def __init__(self, error: Any) -> None:
        super().__init__()
        self.error = error


class ManifestsReady(Message):
    """The manifests of a workspace were generated."""

    def __init__(self, workspace: Any, manifests: Any) -> None:
        super().__init__()
        self.workspace = workspace
        self.manifests = manifests


class ManifestsFailed(Message):
    """The manifests could not be generated or written."""

    def __init__(self, error: Any, *, overwrite: tuple[str, Any] | None = None) -> None:
        super().__init__()
        self.error = error
        self.overwrite = overwrite
        """(folder, manifests) when ``--force`` would write them: offer to overwrite."""


class ManifestsWritten(Message):
    """The manifests were written into a folder."""

    def __init__(self, folder: str, report: Any) -> None:
        super().__init__()
        self.folder = folder
        self.report = report
