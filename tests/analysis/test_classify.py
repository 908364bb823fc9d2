"""Stateful or stateless, service, job or dev-only, with reasons; and the overrides."""

from __future__ import annotations

import pytest

from migrate_tui.analysis import Analysis, analyze
from migrate_tui.errors import AnalysisError
from tests.analysis.helpers import analyse, line_of, load


@pytest.fixture(scope="module")
def classified() -> Analysis:
    return analyse("classify", )


CLASSES = {
    "postgres": "stateful", "pg-no-volume": "stateful", "mysql-bitnami": "stateful",
    "cache": "stateless", "redis-volume": "stateful", "redis-aof": "stateful",
    "redis-config-only": "stateless", "nats": "stateless", "nats-js": "stateful",
    "memcached": "stateless", "minio": "stateful", "kafka": "stateful", "nginx": "stateless",
    "app-data": "stateful", "app-uploads": "stateless", "app-tmpfs": "stateless",
    "api": "stateless", "db": "stateful", "traefik": "stateless", "seed": "stateless",
    "init-topics": "stateless", "adminer": "stateless", "hinted": "stateful",
    "hinted-kind": "stateless",
}

KINDS = {
    "seed": "job", "init-topics": "job", "waited-for": "job", "optional-tool": "dev-only",
    "adminer": "dev-only", "debugger": "dev-only", "hinted-kind": "job", "postgres": "service",
    "api": "service", "needs-it": "service",
}


@pytest.mark.parametrize("name,expected", sorted(CLASSES.items()))
def test_class(classified: Analysis, name: str, expected: str) -> None:
    service = classified.services[name]
    assert service.service_class == expected, service.reasons
    assert service.reasons and 0.5 <= service.confidence <= 1.0


@pytest.mark.parametrize("name,expected", sorted(KINDS.items()))
def test_kind(classified: Analysis, name: str, expected: str) -> None:
    service = classified.services[name]
    assert service.kind == expected, service.kind_reasons
    assert bool(service.kind_reasons) == (expected != "service")


@pytest.mark.parametrize("name,words", [
    ("postgres", "PostgreSQL image (a database)"),
    ("cache", "no volume on its data path"),
    ("redis-volume", "with persistence: volume redisdata on /data"),
    ("redis-aof", "`--appendonly yes`"),
    ("nats-js", "`-js`"),
    ("memcached", "keeps no data"),
    ("app-data", "writes to volume appdata at /var/lib/app"),
    ("app-tmpfs", "no volumes and not a known data store"),
    ("db", "named 'db'"),
    ("traefik", "Docker socket"),
    ("redis-config-only", "configuration (a ConfigMap or Secret)"),
])
def test_reasons_say_why(classified: Analysis, name: str, words: str) -> None:
    assert any(words in reason for reason in classified.services[name].reasons), \
        classified.services[name].reasons


@pytest.mark.parametrize("name,words", [
    ("waited-for", "needs-it waits for it to finish (service_completed_successfully)"),
    ("seed", 'restart: "no" with a command'),
    ("init-topics", "one-shot work (kafka-topics --create)"),
    ("optional-tool", "optional for needs-it (depends_on required: false)"),
    ("adminer", "Adminer image (database admin UI)"),
    ("debugger", "only in profile debug"),
])
def test_kind_reasons_say_why(classified: Analysis, name: str, words: str) -> None:
    assert any(words in reason for reason in classified.services[name].kind_reasons), \
        classified.services[name].kind_reasons


def test_catalogue_match_is_confident(classified: Analysis) -> None:
    assert classified.services["postgres"].confidence >= 0.9
    assert classified.services["postgres"].software == "PostgreSQL"
    assert classified.services["postgres"].category == "database"
    assert classified.services["postgres"].ports == (5432,)


def test_x_migrate_overrides_the_classifier(classified: Analysis) -> None:
    hinted = classified.services["hinted"]
    assert hinted.overridden and hinted.confidence == 1.0
    assert hinted.reasons[0] == "set by x-migrate in the compose file"
    assert not classified.services["postgres"].overridden


def test_overrides_from_the_progress_file_win_over_x_migrate() -> None:
    project = load("classify")
    analysis = analyze(project, {"hinted": {"class": "stateless"},
                                 "postgres": {"kind": "dev-only"},
                                 "gone": {"class": "stateful"}})
    assert analysis.services["hinted"].service_class == "stateless"
    assert analysis.services["hinted"].reasons[0] == "set by the progress file"
    assert analysis.services["postgres"].kind == "dev-only"
    assert analysis.services["postgres"].kind_reasons == ("set by the progress file",)
    assert analysis.services["postgres"].service_class == "stateful"


def test_invalid_override_is_an_analysis_error() -> None:
    with pytest.raises(AnalysisError, match="stately"):
        analyze(load("classify"), {"postgres": {"class": "stately"}})


def _refused(name: str) -> str:
    """The rendered error analysing the test project ``name`` raises."""
    with pytest.raises(AnalysisError) as caught:
        analyse(name)
    return caught.value.render()


def test_invalid_x_migrate_names_file_line_and_key() -> None:
    text = _refused("bad_hints")
    assert "2 problems" in text
    assert f"bad_hints.yaml:{line_of('bad_hints', 'stateful:')}" in text
    assert "services.a.x-migrate.stateful" in text
    assert "services.b.x-migrate.kind" in text
    assert "sidecar" in text


def test_an_unknown_x_migrate_key_is_an_error_not_a_silent_no_op() -> None:
    """``clas: stateless`` would otherwise leave db stateful without a word."""
    text = _refused("typo_hints")
    assert "2 problems" in text
    assert f"typo_hints.yaml:{line_of('typo_hints', 'clas:')}" in text
    assert "services.db.x-migrate.clas" in text
    assert "did you mean stateful: true or false?" in text
    assert f"typo_hints.yaml:{line_of('typo_hints', 'schedul:')}" in text
    assert "did you mean schedule?" in text
    assert "keys are: kind, schedule, stateful, storage" in text
    assert "services.cache" not in text  # its keys are all known


def test_inactive_services_are_analysed_and_marked(classified: Analysis) -> None:
    assert not classified.services["debugger"].active
    assert classified.services["debugger"].profiles == ("debug",)
    assert classified.services["postgres"].active
