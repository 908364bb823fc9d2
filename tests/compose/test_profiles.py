"""Phase 7, profiles: which services are active."""

from __future__ import annotations

import pytest

from migrate_tui.errors import ConsistencyError
from tests.compose.conftest import LoadText

PROJECT = """
services:
  web:
    image: nginx
  cache:
    image: redis
    profiles: [cache]
  debug:
    image: busybox
    profiles: [debug, tools]
"""


def test_profiled_services_are_inactive_unless_enabled(load_yaml: LoadText) -> None:
    project = load_yaml(PROJECT)
    assert list(project.services) == ["web"]
    assert list(project.inactive_services) == ["cache", "debug"]
    assert list(project.compose["services"]) == ["web"]


def test_a_profile_flag_enables_its_services(load_yaml: LoadText) -> None:
    project = load_yaml(PROJECT, profiles=("tools",))
    assert list(project.services) == ["debug", "web"]
    assert list(project.inactive_services) == ["cache"]


def test_star_enables_every_profile(load_yaml: LoadText) -> None:
    assert list(load_yaml(PROJECT, profiles=("*",)).services) == ["cache", "debug", "web"]


def test_compose_profiles_variable_enables_profiles(load_yaml: LoadText) -> None:
    project = load_yaml(PROJECT, env={"COMPOSE_PROFILES": "cache, debug"})
    assert list(project.services) == ["cache", "debug", "web"]
    assert project.profiles == ["cache", "debug"]


def test_profile_flag_wins_over_compose_profiles(load_yaml: LoadText) -> None:
    project = load_yaml(PROJECT, profiles=("cache",), env={"COMPOSE_PROFILES": "debug"})
    assert list(project.services) == ["cache", "web"]


def test_depending_on_an_inactive_service_is_an_error(load_yaml: LoadText) -> None:
    with pytest.raises(ConsistencyError) as caught:
        load_yaml(PROJECT + "    depends_on: [web]\n" + """
  app:
    image: app
    depends_on: [cache]
""")
    assert "depends on service 'cache', which is not active" in caught.value.message
    assert caught.value.path == "services.app.depends_on.cache"


def test_an_optional_dependency_on_an_inactive_service_is_tolerated(load_yaml: LoadText) -> None:
    project = load_yaml(PROJECT + """
  app:
    image: app
    depends_on:
      cache:
        condition: service_started
        required: false
""")
    assert "cache" not in project.services
    assert project.services["app"].depends_on["cache"].required is False
