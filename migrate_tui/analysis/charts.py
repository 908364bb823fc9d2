"""Upstream Helm charts and operators that fit: engines and whole applications.

The catalogue is ``playbooks/catalogue/charts.yaml``: a chart or operator per engine
(CloudNativePG for PostgreSQL, Strimzi for Kafka...), matched by the catalogue id of a
long-running service that keeps data, and charts for whole applications (Airflow, Temporal,
NetBox, Supabase, the OpenTelemetry demo...), matched when enough services run the
application's images. Each match says what adopting it saves; the plan proposes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from migrate_tui.analysis.catalogue import Catalogue
from migrate_tui.analysis.model import ChartMatch, ServiceAnalysis
from migrate_tui.playbooks import load_playbook

CHARTS_FILE = "catalogue/charts.yaml"
_STRICT = ConfigDict(frozen=True, extra="forbid")


class _Chart(BaseModel):
    model_config = _STRICT
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    url: str = Field(pattern=r"^https://")
    saves: str
    saves_days: float = Field(gt=0, le=30)


class EngineChart(_Chart):
    """A chart or operator for one or more engines."""

    kind: Literal["operator", "chart"]
    engines: list[str] = Field(min_length=1)
    """Catalogue ids (``stateful_images.yaml``) it runs."""


class AppChart(_Chart):
    """A chart for a whole application."""

    images: list[str] = Field(min_length=1)
    """Shell patterns on an image's repository path (with a ``/``) or its last part."""
    min: int = Field(ge=1)
    """How many services must run one of ``images`` for the chart to fit."""


class ChartCatalogue(BaseModel):
    """``charts.yaml``, validated."""

    model_config = _STRICT
    engines: list[EngineChart]
    apps: list[AppChart]

    @model_validator(mode="after")
    def _unique_ids(self) -> ChartCatalogue:
        ids = [c.id for c in [*self.engines, *self.apps]]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"ids used twice: {', '.join(twice)}")
        return self


@lru_cache(maxsize=4)
def load_charts(folder: Path | None = None) -> ChartCatalogue:
    """Read and validate the chart catalogue.

    Raises:
        PlaybookError: The file is missing or invalid.
    """
    return load_playbook(CHARTS_FILE, ChartCatalogue, folder)


def _runs(repository: str, patterns: list[str]) -> bool:
    last = repository.rsplit("/", 1)[-1]
    return any(fnmatchcase(repository if "/" in p else last, p) for p in patterns)


def matching_charts(analysed: Mapping[str, ServiceAnalysis], catalogue: Catalogue,
                    charts: ChartCatalogue | None = None) -> list[ChartMatch]:
    """The charts and operators that fit the project's active, migrated services.

    Args:
        analysed: Every service's analysis (kind, class, engine, image).
        catalogue: The image catalogue (image repositories).
        charts: The chart catalogue; the installed one when None.

    Returns:
        Whole-application charts first, then engine charts, each in the catalogue's order.
    """
    charts = charts or load_charts()
    live = [s for _, s in sorted(analysed.items()) if s.active and s.kind != "dev-only"]
    # A project runs the same few repositories many times: each is matched once, and each
    # app's and engine's services are gathered in one pass.
    apps_of: dict[str, list[str]] = {}
    app_users: dict[str, list[str]] = {}
    engine_users: dict[str, list[ServiceAnalysis]] = {}
    for s in live:
        if s.image:
            repository = catalogue.repository(s.image)
            if repository not in apps_of:
                apps_of[repository] = [a.id for a in charts.apps
                                       if _runs(repository, a.images)]
            for app_id in apps_of[repository]:
                app_users.setdefault(app_id, []).append(s.name)
        if s.kind == "service" and s.service_class == "stateful" and s.engine:
            engine_users.setdefault(s.engine, []).append(s)
    out: list[ChartMatch] = []
    for app in charts.apps:
        users = tuple(app_users.get(app.id, ()))
        if len(users) >= app.min:
            out.append(ChartMatch(
                id=app.id, name=app.name, kind="chart", scope="project", services=users,
                url=app.url, saves=app.saves, saves_days=app.saves_days,
                reason=f"{len(users)} services run its images"))
    for chart in charts.engines:
        found = sorted((s for e in chart.engines for s in engine_users.get(e, ())),
                       key=lambda s: s.name)
        if found:
            users = tuple(s.name for s in found)
            software = sorted({s.software or "" for s in found})
            out.append(ChartMatch(
                id=chart.id, name=chart.name, kind=chart.kind, scope="service",
                services=users, url=chart.url, saves=chart.saves,
                saves_days=chart.saves_days,
                reason=f"{', '.join(users)} run{'s' if len(users) == 1 else ''} "
                       f"{', '.join(software)} and keep data"))
    return out
