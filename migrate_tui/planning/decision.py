"""The go / no-go decision that opens the denial phase, and the monthly cost comparison.

Seven questions: how many services, how many servers, how often they deploy, whether they
need autoscaling, whether someone owns operations, whether ~15 minutes of downtime per
incident is acceptable, whether there are stateful workloads. The project answers the first
and the last; the user the rest (flags, the TUI, the progress file). Unanswered questions
count for nothing and are listed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from migrate_tui.planning.playbooks import CostSettings, DecisionSettings
from migrate_tui.text import plural

Recommendation = Literal["stay", "stateless-first", "migrate-all"]

_FROZEN = ConfigDict(frozen=True)

TITLES: dict[str, str] = {
    "stay": "Stay on Compose for now",
    "stateless-first": "Migrate the stateless services first; keep the data stores where they are",
    "migrate-all": "Migrate everything",
}


class Answers(BaseModel):
    """The user's answers; None where not answered yet."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    servers: int | None = Field(default=None, ge=1)
    deploys_per_week: float | None = Field(default=None, ge=0)
    autoscaling: bool | None = None
    ops_owner: bool | None = None
    downtime_ok: bool | None = None


class CostComparison(BaseModel):
    """Monthly cost of staying and of moving, infrastructure and people."""

    model_config = _FROZEN
    currency: str
    compose_infra: float
    compose_people: float
    kubernetes_infra: float
    kubernetes_people_first_six_months: float
    kubernetes_people_after: float
    hourly_rate: float = 0
    compose_servers: int = 1
    """The Compose hosts counted: the team's answer, else one."""
    servers_answered: bool = False
    """Whether ``compose_servers`` is the team's answer (``--servers``), not a guess."""
    kubernetes_nodes: int = 3
    """The cluster's worker nodes: the playbook's size, or as many as the hosts it replaces."""
    compose_ops_hours: float = 0
    kubernetes_ops_hours_first_six_months: float = 0
    kubernetes_ops_hours_after: float = 0

    @property
    def compose_total(self) -> float:
        """Monthly total on Compose."""
        return self.compose_infra + self.compose_people

    @property
    def kubernetes_total_first_six_months(self) -> float:
        """Monthly total on Kubernetes in the first six months."""
        return self.kubernetes_infra + self.kubernetes_people_first_six_months

    @property
    def kubernetes_total_after(self) -> float:
        """Monthly total on Kubernetes after six months."""
        return self.kubernetes_infra + self.kubernetes_people_after


class Decision(BaseModel):
    """The recommendation, with its reasons."""

    model_config = _FROZEN
    recommendation: Recommendation
    title: str
    reasons: list[str]
    """Why, one sentence each."""
    would_change: list[str]
    """What would change the recommendation."""
    answers: dict[str, object]
    """All seven answers, None where unknown."""
    unanswered: list[str]
    """Ids of the questions not answered yet."""
    cost: CostComparison


def cost_comparison(settings: CostSettings, servers: int | None) -> CostComparison:
    """The Compose hosts the team runs (one when not answered) against a managed cluster.

    The cluster has the playbook's number of nodes, or as many as the hosts it replaces
    when there are more: the same workloads need about the same machines.
    """
    hosts = servers or 1
    nodes = max(settings.nodes, hosts)
    rate = settings.hourly_rate
    return CostComparison(
        currency=settings.currency,
        compose_infra=hosts * settings.compose_server_monthly,
        compose_people=settings.compose_ops_hours * rate,
        kubernetes_infra=nodes * settings.node_monthly
        + settings.control_plane_monthly + settings.load_balancer_monthly,
        kubernetes_people_first_six_months=settings.kubernetes_ops_hours_first_six_months * rate,
        kubernetes_people_after=settings.kubernetes_ops_hours_after * rate,
        hourly_rate=rate,
        compose_servers=hosts,
        servers_answered=servers is not None,
        kubernetes_nodes=nodes,
        compose_ops_hours=settings.compose_ops_hours,
        kubernetes_ops_hours_first_six_months=settings.kubernetes_ops_hours_first_six_months,
        kubernetes_ops_hours_after=settings.kubernetes_ops_hours_after,
    )


_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve")


def _counted(count: float, noun: str) -> str:
    """``ten services``, ``one server``, ``25 services``: a threshold as the sentences say it."""
    whole = int(count)
    said = _WORDS[whole] if whole == count and 0 <= whole < len(_WORDS) else f"{count:g}"
    return f"{said} {noun}" + ("" if count == 1 else "s")


def decide(
    services: int, stateful: int, answers: Answers, settings: DecisionSettings
) -> Decision:
    """Recommend staying, migrating the stateless part first, or migrating everything.

    Args:
        services: Services to run in the cluster (dev-only ones left out).
        stateful: How many of them are stateful.
        answers: The user's answers.
        settings: The questions, the thresholds (each with its reason, in
            ``playbooks/plan/decision.yaml``) and the cost rates.
    """
    t = settings.thresholds
    go: list[str] = []
    stay: list[str] = []
    if services > t.many_services.value:
        go.append(f"{services} services: more than a team keeps track of by hand on a host")
    elif services <= t.few_services.value:
        stay.append(f"only {plural(services, 'service')}: one Compose host runs them comfortably")
    few_servers = _counted(t.many_servers.value - 1, "server")
    if answers.servers is not None:
        if answers.servers >= t.many_servers.value:
            go.append(f"{answers.servers} servers: Kubernetes schedules across them for you")
        else:
            stay.append(f"{few_servers}: a cluster adds machines, not just software")
    if answers.deploys_per_week is not None:
        if answers.deploys_per_week >= t.frequent_deploys_per_week.value:
            go.append(f"{answers.deploys_per_week:g} deploys a week: rolling updates and "
                      "rollbacks pay off")
        elif answers.deploys_per_week < t.rare_deploys_per_week.value:
            stay.append(f"less than {_counted(t.rare_deploys_per_week.value, 'deploy')} a week: "
                        "little to gain from deploy automation")
    downtime = f"{t.downtime_minutes.value:g} minutes of downtime per incident"
    if answers.autoscaling is True:
        go.append("the load needs autoscaling, which Compose cannot do")
    elif answers.autoscaling is False:
        stay.append("no need for autoscaling")
    if answers.downtime_ok is False:
        go.append(f"{downtime} is not acceptable: Kubernetes restarts and reschedules on its "
                  "own")
    elif answers.downtime_ok is True:
        stay.append(f"{downtime} is acceptable")
    if answers.ops_owner is False:
        stay.append("nobody owns operations: a cluster needs an owner (about "
                    f"{settings.cost.kubernetes_ops_hours_first_six_months:g} h/month at first)")
    elif answers.ops_owner is True:
        go.append("someone owns operations and can run the cluster")

    would_change: list[str] = []
    if answers.ops_owner is False or not go or (len(go) < t.go_reasons_needed.value and
                                                len(stay) >= t.stay_reasons_decisive.value):
        recommendation: Recommendation = "stay"
        reasons = stay or ["nothing in the answers calls for Kubernetes yet"]
        if answers.ops_owner is not True:
            would_change.append("someone takes ownership of operations")
        would_change += [
            f"the project grows past {_counted(t.many_services.value, 'service')} or "
            f"{few_servers}",
            "the load needs autoscaling, or incidents must heal without a person",
            "the team deploys several times a day",
        ]
    elif stateful and not (answers.ops_owner is True and
                           len(go) >= t.go_reasons_with_data.value):
        recommendation = "stateless-first"
        reasons = go + ([f"{stateful} stateful services: move them last (or to managed "
                         "services), each with its own cut-over"] if stateful != 1 else
                        ["1 stateful service: move it last (or to a managed service), with "
                         "its own cut-over"])
        would_change.append("an operator or managed service is chosen for every data store, "
                            "and someone owns operations: then migrate everything")
    else:
        recommendation = "migrate-all"
        reasons = go + ([f"{stateful} stateful services, with an owner and operators or "
                         "managed services for the data"] if stateful else
                        ["no stateful services: every service can move as it is"])
        would_change.append("nobody can own operations: then stay, or use a PaaS")
    answered: dict[str, object] = {
        "services": services,
        "servers": answers.servers,
        "deploys_per_week": answers.deploys_per_week,
        "autoscaling": answers.autoscaling,
        "ops_owner": answers.ops_owner,
        "downtime_ok": answers.downtime_ok,
        "stateful": stateful,
    }
    unanswered = [q.id for q in settings.questions if answered.get(q.id) is None]
    return Decision(
        recommendation=recommendation,
        title=TITLES[recommendation],
        reasons=reasons,
        would_change=would_change,
        answers=answered,
        unanswered=unanswered,
        cost=cost_comparison(settings.cost, answers.servers),
    )
