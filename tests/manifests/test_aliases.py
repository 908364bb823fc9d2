"""The names clients call a service by that are not its name (``manifests/aliases.py``):
a Service of that name where one can be made, a decision where none can, and a true
ledger line on every container name, network alias and link alias."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from migrate_tui.analysis.pipeline import analyze
from migrate_tui.manifests import Manifests
from migrate_tui.manifests.model import LedgerEntry
from migrate_tui.manifests.names import service_name_problem
from tests.manifests.helpers import generated_from
from tests.manifests.schema import schema_errors

DB = "  db:\n    image: postgres:16\n    expose: ['5432', '9187']\n"


def services(made: Manifests, of: str = "db") -> dict[str, dict[str, Any]]:
    """The ClusterIP Services that select the pods of ``of``."""
    return {d.name: d.body for d in made.documents() if d.kind == "Service"
            and d.body["spec"]["selector"]["app.kubernetes.io/name"] == of
            and d.body["spec"].get("clusterIP") != "None"}


def lines(made: Manifests, service: str, key: str) -> list[LedgerEntry]:
    return [e for e in made.entries_for(service) if e.key == key]


def test_a_container_name_clients_call_gets_a_service_of_that_name(tmp_path: Path) -> None:
    made = generated_from(tmp_path, (
        "services:\n" + DB + "    container_name: app-db\n"
        "  api:\n    image: nginx:1.27\n"
        "    environment: {DATABASE_URL: 'postgres://u@app-db:5432/app'}\n"))
    found = services(made)
    assert set(found) == {"db", "app-db"}
    extra, main = found["app-db"], found["db"]
    assert extra["spec"]["selector"] == main["spec"]["selector"]
    assert [p["port"] for p in extra["spec"]["ports"]] == [5432]  # the port api uses
    assert not schema_errors(extra)
    [line] = lines(made, "db", "container_name")
    assert (line.status, line.target) == ("mapped", "db.yaml Service/app-db")
    assert "api call it app-db" in line.why
    # the extra Service selects the same pods: db's NetworkPolicy already admits api
    policy = next(d.body for d in made.documents()
                  if d.kind == "NetworkPolicy" and d.name == "db")
    peers = [p["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
             for rule in policy["spec"]["ingress"] for p in rule.get("from", [])]
    assert "api" in peers


def test_a_link_alias_gets_a_service_and_its_own_line(tmp_path: Path) -> None:
    made = generated_from(tmp_path, (
        "services:\n" + DB +
        "  api:\n    image: nginx:1.27\n    links: ['db:database']\n"))
    assert "database" in services(made)
    [alias] = lines(made, "api", "links[0]")
    assert (alias.status, alias.target) == ("mapped", "db.yaml Service/database")
    assert [e.status for e in lines(made, "api", "links")] == ["mapped"]  # the key's own


def test_a_dotted_alias_is_a_decision_naming_the_variable_and_the_fix(tmp_path: Path) -> None:
    made = generated_from(tmp_path, (
        "services:\n" + DB + "    networks: {back: {aliases: [db.internal]}}\n"
        "  api:\n    image: nginx:1.27\n    networks: [back]\n"
        "    environment: {DB_HOST: db.internal}\n"
        "networks: {back: {}}\n"))
    assert set(services(made)) == {"db"}  # nothing invented
    [client] = lines(made, "api", "environment.DB_HOST")[-1:]
    assert client.status == "decide"
    assert "db.internal" in client.why and "(dots)" in client.why
    assert "point DB_HOST at db (or the FQDN db.<namespace>.svc.cluster.local)" in client.why
    [alias] = lines(made, "db", "networks.back.aliases")
    assert alias.status == "decide"
    [callers] = lines(made, "db", "callers")
    assert callers.status == "decide" and "api call db by the name db.internal" in callers.why
    assert lines(made, "db", "networks")  # the key's own line stays


def test_a_name_another_service_has_stays_its_and_the_alias_is_a_decision(
        tmp_path: Path) -> None:
    """cache's alias db is db's name (Compose resolved db to either): the client's db is
    db's Service, and cache's alias is a decision, not a name it silently took."""
    made = generated_from(tmp_path, (
        "services:\n" + DB +
        "  cache:\n    image: redis:7\n    networks: {default: {aliases: [db]}}\n"
        "  api:\n    image: nginx:1.27\n    environment: {CACHE: 'db:6379'}\n"))
    assert set(services(made, "cache")) == {"cache"}
    assert not [e for e in made.entries_for("api") if e.key == "environment.CACHE"
                and e.status == "decide"]
    [alias] = lines(made, "cache", "networks.default.aliases")
    assert alias.status == "decide"
    assert "db is the name of the service db, which keeps it" in alias.why


def test_a_name_two_services_answer_to_is_a_decision(tmp_path: Path) -> None:
    made = generated_from(tmp_path, (
        "services:\n" + DB + "    networks: {a: {aliases: [store]}}\n"
        "  db2:\n    image: postgres:16\n    expose: ['5432']\n"
        "    networks: {b: {aliases: [store]}}\n"
        "  api:\n    image: nginx:1.27\n    networks: [a]\n"
        "    environment: {STORE: 'store:5432'}\n"
        "networks: {a: {}, b: {}}\n"))
    assert "store" not in services(made)
    [alias] = lines(made, "db", "networks.a.aliases")
    assert alias.status == "decide"
    [callers] = lines(made, "db", "callers")
    assert "db2 answers to it too" in callers.why
    # (db2 holds it on network b, where api is not: api never reaches it so)
    [unused] = lines(made, "db2", "networks.b.aliases")
    assert unused.status == "dropped"


def test_a_name_two_services_answer_on_one_network_is_a_decision_for_both(
        tmp_path: Path) -> None:
    """Docker answers store with db's and db2's containers alike: the client reaches
    either, so neither holder silently takes the name."""
    made = generated_from(tmp_path, (
        "services:\n" + DB + "    networks: {default: {aliases: [store]}}\n"
        "  db2:\n    image: postgres:16\n    expose: ['5432']\n"
        "    networks: {default: {aliases: [store]}}\n"
        "  api:\n    image: nginx:1.27\n    environment: {STORE: 'store:5432'}\n"))
    assert "store" not in services(made) and "store" not in services(made, "db2")
    for holder, other in (("db", "db2"), ("db2", "db")):
        [alias] = lines(made, holder, "networks.default.aliases")
        assert alias.status == "decide"
        [callers] = lines(made, holder, "callers")
        assert f"{other} answers to it too" in callers.why


def test_names_nobody_calls_are_dropped(tmp_path: Path) -> None:
    made = generated_from(tmp_path, (
        "services:\n" + DB + "    container_name: app-db\n"
        "    networks: {default: {aliases: [postgres]}}\n"
        "  api:\n    image: nginx:1.27\n    environment: {DB_HOST: db}\n"))
    assert set(services(made)) == {"db"}
    [alias] = lines(made, "db", "networks.default.aliases")
    assert alias.status == "dropped" and "only its Service's name, db, resolves" in alias.why
    [name] = lines(made, "db", "container_name")
    assert name.status == "dropped" and "no deployed service is known to call it" in name.why


@pytest.mark.parametrize(("name", "problem"), [
    ("xmpp.meet.jitsi", "dots"), ("flow_api", "underscores"), ("Api", "upper case"),
    ("a" * 64, "longer than 63 characters"), ("9lives", "not starting with a letter"),
    ("api-", "characters a DNS label does not allow"),
])
def test_service_name_problems(name: str, problem: str) -> None:
    assert service_name_problem(name) == problem
    assert service_name_problem("app-db") is None


def test_jitsi_prosody_alias_is_a_decision_for_its_clients_and_its_plan() -> None:
    """jitsi: prosody's alias ``${XMPP_SERVER:-xmpp.meet.jitsi}``; jicofo and jvb read
    XMPP_SERVER, unset (their images default to that name). No Service can be called so:
    each client's variable gets a decision, and prosody's pain phase an item naming it."""
    from migrate_tui.planning.build import make_plan
    from migrate_tui.workspace import ledger_facts
    from tests.analysis.test_corpus import CASES
    from tests.manifests.helpers import generate

    case = CASES.get("jitsi+docker-jitsi-meet/root")
    if case is None:
        pytest.skip("the corpus is missing")
    made = generate(case)
    assert made is not None
    manifests = made.manifests
    assert not [d for d in manifests.documents() if "xmpp" in d.name]
    for client in ("jicofo", "jvb"):
        [line] = [e for e in lines(manifests, client, "environment.XMPP_SERVER")
                  if e.status == "decide" and "xmpp.meet.jitsi" in e.why]
        assert "point XMPP_SERVER at prosody" in line.why
    [alias] = lines(manifests, "prosody", "networks.meet.jitsi.aliases")
    assert alias.status == "decide" and "jicofo, jvb call it xmpp.meet.jitsi" in alias.why
    plan = make_plan(made.project, analyze(made.project), ledger=ledger_facts(manifests))
    pain = {i.id: i.text for p in plan.phases if p.id == "pain" for t in p.tasks
            if t.service == "prosody" for i in t.checklist}
    assert "xmpp.meet.jitsi" in pain["prosody.ledger.callers"]
    assert "point XMPP_SERVER at prosody" in pain["prosody.ledger.callers"]
    assert not [e for d in manifests.documents() if d.kind == "Service"
                for e in schema_errors(d.body)]


def test_a_name_the_pod_and_its_sidecar_answer_to_makes_one_service(tmp_path: Path) -> None:
    made = generated_from(tmp_path, (
        "services:\n" + DB + "    networks: {default: {aliases: [store]}}\n"
        "  exporter:\n    image: example/exporter:1\n    network_mode: service:db\n"
        "    container_name: store\n"
        "  api:\n    image: nginx:1.27\n    environment: {A: 'store:5432'}\n"
        "  scraper:\n    image: example/scraper:1\n    links: ['exporter:store']\n"))
    assert [d.name for d in made.documents() if d.kind == "Service"].count("store") == 1
    assert lines(made, "exporter", "container_name")[0].status == "mapped"
    assert lines(made, "scraper", "links[0]")[0].target == "db.yaml Service/store"
