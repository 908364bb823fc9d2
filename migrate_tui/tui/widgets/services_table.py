"""The table of services: name, image or build, ports, volumes."""

from __future__ import annotations

import os

from textual.reactive import reactive
from textual.widgets import DataTable

from migrate_tui.compose.model import Project, Service
from migrate_tui.tui.text import plain


def _source(service: Service) -> str:
    if service.image:
        return service.image
    if service.build:
        return f"build: {service.build.context.rsplit('/', 1)[-1] or '.'}"
    return "-"


def _ports(service: Service) -> str:
    out = []
    for port in service.ports:
        text = f"{port.published}:{port.target}" if port.published else str(port.target)
        if port.protocol != "tcp":
            text += f"/{port.protocol}"
        out.append(text)
    return ", ".join(out) or "-"


def _volumes(service: Service, project_dir: str) -> str:
    out = []
    for mount in service.volumes:
        if mount.type == "bind":
            source = mount.source or ""
            if source == project_dir or source.startswith(project_dir.rstrip("/") + "/"):
                source = "./" + os.path.relpath(source, project_dir)
        else:
            source = mount.source or "(anonymous)"
        out.append(f"{source}:{mount.target}" + (":ro" if mount.read_only else ""))
    return ", ".join(out) or "-"


class ServicesTable(DataTable[str]):
    """Every active service of the project, one row each."""

    project: reactive[Project | None] = reactive(None, always_update=True)

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True

    def watch_project(self, project: Project | None) -> None:
        self.clear(columns=True)
        if project is None:
            return
        self.add_columns("Service", "Image / build", "Ports", "Volumes")
        for name, service in project.services.items():
            self.add_row(
                plain(name), plain(_source(service)), plain(_ports(service)),
                plain(_volumes(service, project.working_dir)), key=name,
            )
