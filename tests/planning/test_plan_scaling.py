"""Issue 15: estimates that grow with the distinct work; items from the evidence.

Targets (issue 15): a single web service with 2 engineers at 50% plans at 0.5 to 4 weeks;
ten copies of one worker cost at most 1.4x one copy; the reference timeline of
sample_projects/webapp holds; a stateful service costs exactly twice its stateless self.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.planning.plan import (
    FindingFacts,
    LedgerFacts,
    Plan,
    PlanInput,
    ServiceFacts,
    Settings,
    build_plan,
)
from migrate_tui.planning.playbooks import load_plan_playbooks
from migrate_tui.workspace import open_workspace

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "plan"
PLAYBOOKS = load_plan_playbooks()
ENV = {"PATH": "/usr/bin", "HOME": "/root"}


def _plan(path: Path, tmp_path: Path, settings: Settings | None = None) -> Plan:
    """The plan the CLI makes (the ledger handed over by the workspace)."""
    options = LoadOptions(path=str(path), environ=ENV, cwd=str(path.parent))
    return open_workspace(options, state_file=str(tmp_path / "migration.toml"),
                          flags=settings).plan


def _ids(plan: Plan) -> set[str]:
    return {i.id for i in plan.items()}


def test_a_single_web_service_with_two_engineers_at_half_time_plans_in_weeks(
        tmp_path: Path) -> None:
    plan = _plan(FIXTURES / "single-nginx.yaml", tmp_path, Settings(team_size=2, focus=0.5))
    assert 0.5 <= plan.total_weeks <= 4
    assert plan.total_weeks_low < plan.total_weeks < plan.total_weeks_high


def test_ten_copies_of_one_worker_cost_at_most_1_4_times_one(
        tmp_path: Path) -> None:
    one = _plan(FIXTURES / "one-worker.yaml", tmp_path)
    ten = _plan(FIXTURES / "ten-workers.yaml", tmp_path)
    assert ten.total_weeks <= 1.4 * one.total_weeks
    copy = next(i for i in ten.items() if i.id == "worker-7.copy")
    assert "worker-1's manifests" in copy.text
    # the copy keeps its own specific items, not the original's generic ones
    assert "worker-7.copy" in _ids(ten) and "worker-7.staging" not in _ids(ten)
    assert "worker-1.staging" in _ids(ten)


def test_the_reference_webapp_timeline_holds_with_the_ledger(tmp_path: Path) -> None:
    plan = _plan(REPO / "sample_projects" / "webapp", tmp_path)
    ends = {p.id: p.end_week for p in plan.phases}
    assert 1.5 <= ends["denial"] <= 2.5
    assert 7.0 <= ends["pain"] <= 9.0
    assert 11.0 <= ends["acceptance"] <= 13.0


def _input(*services: ServiceFacts, findings: list[FindingFacts] | None = None,
           ledger: list[LedgerFacts] | None = None, secrets: bool = False) -> PlanInput:
    return PlanInput("demo", list(services), findings or [], [[s.name for s in services]],
                     has_secrets=secrets, ledger=ledger or [])


PROBE = LedgerFacts("api", "healthcheck", "decide", "api.yaml Deployment/api",
                    "no healthcheck: a TCP probe on port 8080 says only that it listens")


def test_a_ledger_decide_replaces_the_generic_item_it_makes_concrete() -> None:
    api = ServiceFacts("api", "stateless", "service", 0, ports=1)
    generic = _ids(build_plan(_input(api), PLAYBOOKS))
    specific = build_plan(_input(api, ledger=[PROBE]), PLAYBOOKS)
    before = next(i for i in build_plan(_input(api), PLAYBOOKS).items() if i.id == "api.probes")
    after = next(i for i in specific.items() if i.id == "api.probes")
    assert "TCP probe on port 8080" in after.text and "TCP probe" not in before.text
    assert after.text.startswith("Write probes that mean ready")
    # the concrete item keeps the generic one's id (progress files and CI gates name it)
    assert generic == _ids(specific)
    assert [i.id for i in specific.items()].count("api.probes") == 1


def test_a_finding_covered_by_a_replaced_item_lands_on_its_replacement() -> None:
    api = ServiceFacts("api", "stateless", "service", 0)
    finding = FindingFacts("no-healthcheck", "medium", "api", "no healthcheck", "write probes")
    plan = build_plan(_input(api, findings=[finding], ledger=[PROBE]), PLAYBOOKS)
    texts = {i.id: i.text for i in plan.items()}
    assert "no healthcheck" in texts["api.probes"]
    assert texts["api.probes"].startswith("Write probes that mean ready")
    assert not any(i.startswith("api.fix-no-healthcheck") for i in texts)


def test_entries_of_one_key_make_one_item_and_review_once_settings_group() -> None:
    api = ServiceFacts("api", "stateless", "service", 0, depends=True)
    web = ServiceFacts("web", "stateless", "service", 1, depends=True)
    ledger = [
        LedgerFacts("api", "depends_on.db", "approximated", "t", "retry until db answers"),
        LedgerFacts("api", "depends_on.cache", "approximated", "t", "retry until cache answers"),
        LedgerFacts("api", "restart", "approximated", "t", "A Deployment always restarts"),
        LedgerFacts("web", "restart", "approximated", "t", "A Deployment always restarts"),
    ]
    plan = build_plan(_input(api, web, ledger=ledger), PLAYBOOKS)
    texts = {i.id: i.text for i in plan.items()}
    assert "db answers" in texts["api.start-order"]
    assert "cache answers" in texts["api.start-order"]
    assert "db answers" not in texts["web.start-order"]
    assert "(api, web)" in texts["project.ledger.restart"]
    assert not any(i.endswith(".ledger.restart") and not i.startswith("project.")
                   for i in texts)


def test_the_same_fix_on_many_services_is_one_grouped_item() -> None:
    names = [f"svc{n}" for n in range(12)]
    services = [ServiceFacts(n, "stateless", "service", 0) for n in names]
    findings = [FindingFacts("plain-secret", "high", n, f"{n.upper()}_PASSWORD holds a secret",
                             "Put it in a Secret") for n in names]
    plan = build_plan(_input(*services, findings=findings, secrets=True), PLAYBOOKS)
    grouped = [i for i in plan.items() if "plain-secret" in i.id]
    assert [i.id for i in grouped] == ["project.fix-plain-secret"]
    assert grouped[0].text.startswith("Rotate these 12 credentials the compose files held")
    assert all(f"{n.upper()}_PASSWORD" in grouped[0].text for n in names)
    single = build_plan(_input(services[0], findings=findings[:1], secrets=True), PLAYBOOKS)
    one = next(i for i in single.items() if i.id == "project.fix-plain-secret")
    assert one.estimate_days < grouped[0].estimate_days < 12 * one.estimate_days
    assert one.text.startswith("Rotate this credential the compose files held in plain text: ")


def test_every_grouped_title_has_its_form_for_one() -> None:
    """Not "Make these 1 start-ups wait": each grouped rule says its one-finding title."""
    for rule, task in PLAYBOOKS.finding_tasks.items():
        if task.grouped:
            assert "{n}" in task.grouped, rule
            assert task.grouped_one and "{n}" not in task.grouped_one, rule


@pytest.mark.parametrize(("fact", "item"), [
    ("secrets", "project.secrets-setup"),
    ("stateful", "project.storage-classes"),
    ("public", "project.ingress-tls"),
    ("stateful", "project.staging-data"),
])
def test_platform_items_appear_only_when_the_project_needs_them(fact: str, item: str) -> None:
    plain = ServiceFacts("api", "stateless", "service", 0)
    needing = {"stateful": replace(plain, service_class="stateful"),
               "public": replace(plain, public_ports=True)}.get(fact, plain)
    assert item not in _ids(build_plan(_input(plain), PLAYBOOKS))
    assert item in _ids(build_plan(_input(needing, secrets=fact == "secrets"), PLAYBOOKS))


def test_platform_work_scales_with_the_distinct_services() -> None:
    est = PLAYBOOKS.estimates

    def project_days(n: int) -> float:
        services = [ServiceFacts(f"s{i}", "stateless", "service", 0, template=f"img{i}")
                    for i in range(n)]
        plan = build_plan(_input(*services), PLAYBOOKS)
        return sum(t.estimate_days for p in plan.phases for t in p.tasks if t.service is None)

    one, ref, big = project_days(1), project_days(5), project_days(40)
    assert one == pytest.approx(ref * est.project_floor.value, rel=0.02)
    assert one < ref <= big <= ref * est.project_cap.value
    assert big == pytest.approx(ref * est.project_scale(40), rel=0.02)
    assert est.project_scale(5) == 1


def test_platform_work_past_the_reference_is_capped_at_the_reference() -> None:
    """estimates.yaml's project_cap of 1: the platform items' parts that grow with the
    services are in each service's checklist already; a team may raise the cap and then
    ``project_growth`` applies."""
    est = PLAYBOOKS.estimates
    assert [est.project_scale(n) for n in (5, 6, 20, 80, 2000)] == [1, 1, 1, 1, 1]
    raised = est.model_copy(update={"project_cap": est.project_cap.model_copy(
        update={"value": 2})})
    assert raised.project_scale(80) == pytest.approx(2.0)
    assert 1 < raised.project_scale(20) < 2


@pytest.mark.parametrize(("copy", "others"), [(False, 0), (True, 0), (False, 8)])
def test_stateful_stays_exactly_twice_stateless_with_ledger_items_and_copies(
        copy: bool, others: int) -> None:
    """``others`` distinct services after it in the waves: a class-dependent numbering of
    the learning curve would move it past the reference when it turns stateful."""
    api = ServiceFacts("api", "stateless", "service", 0, ports=1, volumes=1, template="t")
    first = ServiceFacts("first", "stateless", "service", 0, template="t" if copy else None)
    more = [ServiceFacts(f"a{n}", "stateless", "service", 0, template=f"o{n}")
            for n in range(others)]
    ledger = [PROBE, LedgerFacts("api", "volumes[0]", "decide", "t", "shared with worker")]
    before = build_plan(_input(first, api, *more, ledger=ledger), PLAYBOOKS)
    after = build_plan(_input(first, replace(api, service_class="stateful"), *more,
                              ledger=ledger), PLAYBOOKS)
    for phase_before, phase_after in zip(before.phases, after.phases, strict=True):
        days = [t.estimate_days for t in phase_before.tasks if t.service == "api"]
        doubled = [t.estimate_days for t in phase_after.tasks if t.service == "api"]
        assert doubled == pytest.approx([2 * d for d in days], abs=0.011)


def test_a_sibling_shares_the_image_work_and_keeps_its_own_checklist() -> None:
    """netbox, its worker and its housekeeping: one image, three commands."""
    web = ServiceFacts("netbox", "stateless", "service", 0, template="img|web", image="img")
    worker = ServiceFacts("worker", "stateless", "service", 1, template="img|rq", image="img")
    alone = build_plan(_input(replace(worker, image="other")), PLAYBOOKS)
    both = build_plan(_input(web, worker), PLAYBOOKS)
    share = PLAYBOOKS.estimates.sibling_share.value

    def days(plan: Plan) -> list[float]:
        return [t.estimate_days for p in plan.phases for t in p.tasks if t.service == "worker"]

    assert days(both) == pytest.approx([share * d for d in days(alone)], abs=0.011)
    assert {i for i in _ids(both) if i.startswith("worker.")} == {
        i for i in _ids(alone) if i.startswith("worker.")}


def test_a_finding_covered_by_a_ledger_item_adds_detail_not_time() -> None:
    web = ServiceFacts("web", "stateless", "service", 0, ports=1, public_ports=True)
    finding = FindingFacts("privileged-port", "low", "web", "publishes host port 80",
                           "use an Ingress")
    route = LedgerFacts("web", "ports", "decide", "web.yaml Ingress/web", "no host name")
    with_ledger = build_plan(_input(web, findings=[finding], ledger=[route]), PLAYBOOKS)
    texts = {i.id: i.text for i in with_ledger.items()}
    assert "publishes host port 80" in texts["web.ledger.ports"]
    assert "web.fix-privileged-port" not in texts
    without = _ids(build_plan(_input(web, findings=[finding]), PLAYBOOKS))
    assert "web.fix-privileged-port" in without


def test_past_the_reference_each_distinct_service_costs_a_little_less() -> None:
    est = PLAYBOOKS.estimates
    ref = int(est.project_reference_services.value)
    assert [est.learning(n) for n in range(1, ref + 1)] == [1.0] * ref
    assert 1.0 > est.learning(ref + 1) > est.learning(2 * ref) == pytest.approx(
        est.learning_rate.value)
    services = [ServiceFacts(f"s{i:02}", "stateless", "service", 0, template=f"img{i}")
                for i in range(2 * ref)]
    plan = build_plan(_input(*services), PLAYBOOKS)
    pain = {t.service: t.estimate_days for t in plan.phases[1].tasks if t.service}
    assert pain["s00"] == pain[f"s{ref - 1:02}"] > pain[f"s{ref:02}"] > pain[f"s{2 * ref - 1:02}"]


def test_a_fix_that_is_both_a_finding_and_a_ledger_entry_is_one_item() -> None:
    names = ["api", "web"]
    services = [ServiceFacts(n, "stateless", "service", 0) for n in names]
    findings = [FindingFacts("container-name", "low", n, f"container_name: {n}-1", "drop it")
                for n in names]
    ledger = [LedgerFacts(n, "container_name", "dropped", "", "Pods are named by their "
                          "controller") for n in names]
    plan = build_plan(_input(*services, findings=findings, ledger=ledger), PLAYBOOKS)
    ids = _ids(plan)
    assert "project.fix-container-name" in ids
    assert "project.ledger.container_name" not in ids
    alone = _ids(build_plan(_input(*services, ledger=ledger), PLAYBOOKS))
    assert "project.ledger.container_name" in alone


def test_a_port_nobody_is_known_to_call_is_routing_work_in_the_pain_phase() -> None:
    """A Service port only the service's own healthcheck names, with no known caller
    (supabase's auth behind kong.yml), is the pain phase's work: until its NetworkPolicy
    admits the callers, the API is down. Filed under the healthcheck, it was an
    acceptance-phase probe item, ten weeks late."""
    auth = ServiceFacts("auth", "stateless", "service", 0, ports=1)
    callers = LedgerFacts("auth", "callers", "decide", "auth.yaml NetworkPolicy/auth",
                          "Service port 9999: no service is known to call it there")
    plan = build_plan(_input(auth, ledger=[callers]), PLAYBOOKS)
    phase = next(p for p in plan.phases if any(i.id == "auth.ledger.callers"
                                               for t in p.tasks for i in t.checklist))
    item = next(i for i in plan.items() if i.id == "auth.ledger.callers")
    assert phase.id == "pain" and item.text.startswith("Let its callers reach it")


def test_fixes_the_manifests_do_are_not_asked_of_the_team_again(tmp_path: Path) -> None:
    """netbox's plan asked to "turn these 6 env files into ConfigMaps and Secrets" and to
    "move these 15 credentials into Secrets", which the manifests had done; its shared
    volumes were two project items saying one thing. Now: an env file is a detail of the
    service's config review, the credentials' item asks for what is left (rotate them), a
    volume several services write is the ReadWriteMany item's detail, and an item covering
    a finding adds what is wrong, not the analysis' by-hand fix again."""
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "app.env").write_text("LOG_LEVEL=info\n")
    (folder / "compose.yaml").write_text(
        "services:\n"
        "  web:\n    image: ghcr.io/acme/web:1.2.3\n    env_file: app.env\n"
        "    environment: {DB_PASSWORD: hunter2-but-longer}\n"
        "    volumes: [media:/srv/media]\n"
        "  worker:\n    image: ghcr.io/acme/web:1.2.3\n    command: [worker]\n"
        "    volumes: [media:/srv/media]\n"
        "volumes:\n  media: {}\n")
    texts = {i.id: i.text for i in _plan(folder / "compose.yaml", tmp_path).items()}
    assert "project.fix-env-file" not in texts
    assert texts["web.config"].endswith("(environment read from app.env)")
    secret = texts["project.fix-plain-secret"]
    assert secret.startswith("Rotate this credential the compose files held in plain text: ")
    assert "secrets.env" in secret and "reference it with valueFrom" not in secret
    assert "project.fix-shared-volume" not in texts
    assert "volume media is written by web, worker" in texts["project.rwx-storage"]
    assert texts["web.resources"].endswith("(no CPU or memory limits)")  # no "Fix: ..."


def test_probes_made_from_a_healthcheck_are_to_check_not_to_write(tmp_path: Path) -> None:
    """netbox, its postgres and its redis all have a Compose healthcheck, which the
    manifests turn into probes (a ``mapped`` ledger entry, no item): the generic item still
    said "Write readiness and liveness probes". It now asks to check the ones made; a
    service without a check keeps the old wording (where the ledger makes no item)."""
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "compose.yaml").write_text(
        "services:\n"
        "  api:\n    image: ghcr.io/acme/api:1.2.3\n    expose: ['8080']\n"
        "    healthcheck: {test: [CMD, curl, -f, 'http://localhost:8080/health']}\n"
        "  off:\n    image: ghcr.io/acme/api:1.2.3\n    expose: ['8080']\n"
        "    healthcheck: {disable: true}\n")
    plan = _plan(folder / "compose.yaml", tmp_path)
    texts = {i.id: i.text for i in plan.items()}
    assert texts["api.probes"].startswith("Check the probes made from its healthcheck")
    assert not texts["off.probes"].startswith("Check the probes")
    bare = build_plan(_input(ServiceFacts("w", "stateless", "service", 0)), PLAYBOOKS)
    assert next(i.text for i in bare.items() if i.id == "w.probes").startswith(
        "Write readiness and liveness probes")


def test_an_unexposed_port_is_checked_not_declared_by_hand() -> None:
    """kafka "reached on 9092 but declares no port": the manifests already give its Service
    the port (verify's judge of the item checks it); the item asked to declare it, as if for
    kompose. It keeps its id and asks what is left."""
    kafka = ServiceFacts("kafka", "stateless", "service", 0)
    finding = FindingFacts("unexposed-port", "medium", "kafka",
                           "reached by api on port 9092, but declares no port",
                           "Declare the port in its Service")
    item = next(i for i in build_plan(_input(kafka, findings=[finding]), PLAYBOOKS).items()
                if i.id == "kafka.fix-unexposed-port")
    assert "the manifests give its Service the port" in item.text
    assert "Declare the port in its Service" not in item.text


def test_a_start_up_without_a_condition_is_its_start_order_item_not_a_second_one() -> None:
    """netbox: "Make these 3 start-ups wait for readiness" (a project item) beside netbox's
    own "Start in any order: retry until postgres answers": one fix asked twice."""
    api = ServiceFacts("api", "stateless", "service", 1, depends=True)
    finding = FindingFacts("depends-on-no-condition", "low", "api",
                           "depends_on db without a condition only orders the start",
                           "Kubernetes starts pods in any order")
    ledger = [LedgerFacts("api", "depends_on.db", "approximated", "t",
                          "Kubernetes starts pods in any order: retry until db answers")]
    texts = {i.id: i.text for i in build_plan(_input(api, findings=[finding], ledger=ledger),
                                              PLAYBOOKS).items()}
    assert not any("depends-on-no-condition" in i for i in texts)
    assert texts["api.start-order"].endswith(
        "(depends_on db without a condition only orders the start)")


def test_container_names_are_one_fix_not_one_sentence_per_service(tmp_path: Path) -> None:
    """temporal's plan said "Pods get generated names; clients must use the Service name.
    Name the Service temporal if clients use that name." five times over, once per
    container name, in one item, and asked to name Services the manifests had already
    made where a client calls one. The item now says once what is left for the team."""
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "compose.yaml").write_text(
        "services:\n"
        "  api:\n    image: ghcr.io/acme/api:1.2.3\n    container_name: acme-api\n"
        "  web:\n    image: ghcr.io/acme/web:1.2.3\n    container_name: acme-web\n")
    text = {i.id: i.text for i in _plan(folder / "compose.yaml", tmp_path).items()}[
        "project.fix-container-name"]
    assert text.count("Fix:") == 1 and "Name the Service" not in text
    assert "acme-api" in text and "acme-web" in text
