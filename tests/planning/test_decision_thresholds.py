"""The decision's thresholds are playbook data, each with its reason, and the code obeys them."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate_tui.errors import MigrateError
from migrate_tui.planning.decision import Answers, decide
from migrate_tui.planning.playbooks import DecisionSettings, load_plan_playbooks

OURS = load_plan_playbooks().decision


def _with(settings: DecisionSettings, **values: float) -> DecisionSettings:
    t = settings.thresholds
    changed = {name: getattr(t, name).model_copy(update={"value": v})
               for name, v in values.items()}
    return settings.model_copy(update={"thresholds": t.model_copy(update=changed)})


def test_every_threshold_says_why() -> None:
    for name, threshold in OURS.thresholds:
        assert len(threshold.why.split()) >= 8, f"{name}: {threshold.why!r}"


def test_our_thresholds_give_the_sentences_they_always_gave() -> None:
    stay = decide(3, 0, Answers(servers=1, deploys_per_week=0.5, ops_owner=False), OURS)
    assert stay.recommendation == "stay"
    assert stay.reasons == [
        "only 3 services: one Compose host runs them comfortably",
        "one server: a cluster adds machines, not just software",
        "less than one deploy a week: little to gain from deploy automation",
        "nobody owns operations: a cluster needs an owner (about 40 h/month at first)",
    ]
    assert "the project grows past ten services or one server" in stay.would_change
    go = decide(12, 0, Answers(servers=3, deploys_per_week=5, downtime_ok=False), OURS)
    assert go.recommendation == "migrate-all"
    assert go.reasons[:4] == [
        "12 services: more than a team keeps track of by hand on a host",
        "3 servers: Kubernetes schedules across them for you",
        "5 deploys a week: rolling updates and rollbacks pay off",
        "15 minutes of downtime per incident is not acceptable: Kubernetes restarts and "
        "reschedules on its own",
    ]


def test_the_thresholds_decide_not_literals() -> None:
    answers = Answers(servers=3, deploys_per_week=5)
    assert decide(12, 0, answers, OURS).recommendation == "migrate-all"
    raised = _with(OURS, many_services=20, many_servers=4, frequent_deploys_per_week=10,
                   few_services=12)
    moved = decide(12, 0, answers, raised)
    assert moved.recommendation == "stay"
    assert moved.reasons[0] == "only 12 services: one Compose host runs them comfortably"
    assert "three servers: a cluster adds machines, not just software" in moved.reasons
    assert "the project grows past 20 services or three servers" in moved.would_change


def test_data_stores_move_with_enough_reasons_and_an_owner() -> None:
    answers = Answers(servers=3, deploys_per_week=5, ops_owner=True)
    assert decide(12, 2, answers, OURS).recommendation == "migrate-all"
    assert decide(12, 2, answers, _with(OURS, go_reasons_with_data=6)).recommendation == \
        "stateless-first"


def test_a_team_replaces_one_threshold_and_keeps_the_others(tmp_path: Path) -> None:
    (tmp_path / "decision.yaml").write_text(
        "thresholds:\n  many_services:\n    value: 25\n"
        "    why: Our platform team supports a cluster only past twenty-five services.\n",
        encoding="utf-8")
    thresholds = load_plan_playbooks(tmp_path).decision.thresholds
    assert thresholds.many_services.value == 25
    assert thresholds.few_services == OURS.thresholds.few_services


@pytest.mark.parametrize("yaml,problem", [
    ("  many_services:\n    value: 10\n", "thresholds.many_services.why"),
    ("  few_services:\n    value: 12\n    why: A team of ours runs a dozen services on a host.\n",
     "few_services must be below many_services"),
    ("  many_servers:\n    value: 2.5\n    why: Two and a half servers is not a count at all.\n",
     "thresholds.many_servers.value"),
])
def test_a_bad_threshold_names_the_field(tmp_path: Path, yaml: str, problem: str) -> None:
    (tmp_path / "decision.yaml").write_text("thresholds:\n" + yaml, encoding="utf-8")
    with pytest.raises(MigrateError) as caught:
        load_plan_playbooks(tmp_path)
    assert problem in caught.value.render()

