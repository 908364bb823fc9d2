"""A service's checklist in one phase: from its evidence first, the playbook's templates
where nothing more specific is known.

The order of the sources, for one service and one phase:

1. the generic items of its kind and class (``services.yaml``), those whose ``when`` holds;
2. its translation-ledger entries (``ledger.yaml``): an entry of a key whose rule
   ``replaces`` a generic item takes that item's place and id (the ledger's probe
   ``decide`` becomes ``api.probes``, with the ledger's reason instead of "Write readiness
   and liveness probes"); others are added as ``api.ledger.KEY``;
3. its findings (``findings.yaml``): added, or folded into the item that covers them;
   its evidence items (routes, data copies, charts) follow, and a ledger entry that an
   evidence item supersedes (``ports`` by a route) makes no item of its own;
4. for a stateful service, its engine's data sub-plan (the doubled half of its work).

Fixes that are the same on several services (a rule or key marked ``grouped``) are not
here: :func:`grouped_items` makes one project item of each, listing the services.

A *copy* (a service with the same template and kind as one before it) keeps only its
specific items (ledger, findings, data) and a ``copy`` item; its work is ``copy_share`` of
what it would cost alone. A *sibling* (same image and kind, another command) keeps its
checklist; its work is ``sibling_share`` of what it would cost alone. Another module's
items (data, routing, charts) come from :mod:`migrate_tui.planning.evidence_items`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from migrate_tui.planning import evidence_items
from migrate_tui.planning.facts import FindingFacts, LedgerFacts, ServiceFacts
from migrate_tui.planning.playbooks import (
    Condition,
    FindingTask,
    LedgerRule,
    PhaseId,
    PlanPlaybooks,
)

ItemSpec = tuple[str, str, float]
"""A checklist item before it becomes a ``PlanItem``: id, text, estimate in days."""

Resolved = tuple[str, LedgerRule, LedgerFacts]
"""A ledger entry with the root key and the rule it falls under."""

GenericItem = tuple[str, str, float, "Condition | None", "Mapping[Condition, str]"]
"""A playbook's service item: id, text, estimate, ``when``, ``text_if``."""


@dataclass(frozen=True)
class PhasePlaybook:
    """The playbooks' part in one phase, sorted out once for all services.

    Which items a stateless service has in the pain phase, which finding rules are fixed
    there: the answers depend on the phase and the kind of service only, and a plan of
    2,000 services would otherwise ask the playbooks 8,000 times.
    """

    phase: PhaseId
    checklists: dict[tuple[str, bool], list[GenericItem]]
    """By kind (stateless, job, dev-only) and whether the stateful wording applies: id,
    text, estimate, ``when`` and ``text_if`` of the playbook's items (ids without the
    service name)."""
    fixes: dict[str, FindingTask]
    """The finding rules whose fix is done in this phase."""

    @classmethod
    def of(cls, playbooks: PlanPlaybooks, phase: PhaseId) -> PhasePlaybook:
        """The part of ``playbooks`` in ``phase``."""
        checklists: dict[tuple[str, bool], list[GenericItem]] = {}
        for kind, items in playbooks.service_items.items():
            here = [i for i in items if i.phase == phase]
            checklists[(kind, False)] = [(i.id, i.text, i.estimate_days, i.when, i.text_if)
                                         for i in here]
            checklists[(kind, True)] = [
                (i.id, playbooks.stateful_texts.get(i.id, i.text), i.estimate_days, i.when,
                 i.text_if)
                for i in here
            ]
        fixes = {rule: t for rule, t in playbooks.finding_tasks.items() if t.phase == phase}
        return cls(phase, checklists, fixes)


def ledger_root(key: str, rules: dict[str, LedgerRule]) -> str:
    """The ledger rule a key falls under: the longest listed prefix of it (``depends_on``
    for ``depends_on.api``, ``deploy.resources`` for itself), else its first part."""
    cut = len(key)
    while cut > 0:
        head = key[:cut]
        if head in rules:
            return head
        cut = max(head.rfind("."), head.rfind("["))
    first = key.replace("[", ".").split(".", 1)[0]
    return first or "default"


def ledger_rule(root: str, rules: dict[str, LedgerRule]) -> LedgerRule | None:
    """The rule of a root key, or the ``default`` rule."""
    return rules.get(root) or rules.get("default")


def service_task(
    s: ServiceFacts,
    here: PhasePlaybook,
    playbooks: PlanPlaybooks,
    findings: list[FindingFacts],
    ledger: list[Resolved],
    copy_of: tuple[str, float] | None = None,
) -> tuple[list[ItemSpec], float] | None:
    """The checklist and estimate of one service in one phase; None if it has nothing.

    Args:
        s: The service.
        here: The playbooks' part in this phase.
        playbooks: All the playbooks (estimates, engines, ledger rules).
        findings: The service's findings.
        ledger: The service's ledger entries (not ``mapped``), from :func:`resolve_ledger`.
        copy_of: The service it is a copy or a sibling of, and the share of its work it
            costs (``copy_share`` or ``sibling_share``), if any.
    """
    est = playbooks.estimates
    phase = here.phase
    base_key = s.checklist or (s.kind if s.kind in ("job", "dev-only") else "stateless")
    stateful = s.service_class == "stateful" and s.kind != "dev-only"
    prefix = f"{s.name}."
    conditions = ({"has_dependencies"} if s.depends else set()) | (
        {"has_config"} if s.config else set()) | (
        {"has_traffic"} if s.traffic else {"no_traffic"}) | (
        {"has_healthcheck"} if s.healthcheck else {"no_healthcheck"})
    generic: list[ItemSpec] = [
        (prefix + item_id, _worded(text, text_if, conditions), days)
        for item_id, text, days, when, text_if in here.checklists.get(
            (base_key, stateful and base_key == "stateless"), [])
        if when is None or when in conditions
    ]
    if stateful and s.engine in playbooks.engines:
        texts = _engine_texts(s, playbooks)
        if texts:
            generic = [(i, texts.get(i.removeprefix(prefix), text), d) for i, text, d in generic]
    specific: list[ItemSpec] = []
    replaced: dict[str, str] = {}
    """Generic item id -> the id of the item that took its place."""
    claims = {entry.path: entry.claim for _, _, entry in ledger if entry.claim}
    evidence = evidence_items.service_items(s, phase, claims)
    if s.kind != "dev-only":
        _ledger_items(s, phase, ledger, generic, specific, replaced, evidence)
    items = generic
    by_rule: dict[str, list[FindingFacts]] = {}
    if s.kind != "dev-only":
        for f in findings:
            task = here.fixes.get(f.rule)
            if task is not None and not task.grouped:
                by_rule.setdefault(f.rule, []).append(f)
    for rule in sorted(by_rule):
        task = here.fixes[rule]
        detail = finding_text(by_rule[rule], None)  # (the item covering it is the fix)
        covered = prefix + task.covered_by if task.covered_by else None
        covered = replaced.get(covered or "", covered)
        n = next((n for n, i in enumerate(items) if i[0] == covered), None)
        if n is not None:
            item_id, text, days = items[n]
            items[n] = (item_id, f"{text} ({detail})", days)
            continue
        found = False
        for where in (specific, evidence):
            n = next((n for n, i in enumerate(where) if i[0] == covered), None)
            if n is not None:
                item_id, text, days = where[n]
                where[n] = (item_id, f"{text} ({detail})", days)
                found = True
                break
        if not found:
            specific.append((f"{prefix}fix-{rule}", finding_text(by_rule[rule], task),
                             task.estimate_days))
    items = items + specific + evidence
    if not items:
        return None
    work = sum(e for _, _, e in items)
    if phase == "pain" and s.kind != "dev-only":
        work += est.per_port * s.ports + est.per_volume * s.volumes
        work += est.per_build if s.builds else 0
    if stateful:
        extra_work = (est.stateful_multiplier - 1) * work
        if phase == "pain":
            items += _data_items(s, playbooks, extra_work)
        work *= est.stateful_multiplier
    if copy_of is not None:
        original, share = copy_of
        if share == est.copy_share.value:  # a copy: the original's checklist, its own items
            keep = [i for i in items if i not in generic]
            items = [(f"{prefix}copy",
                      f"Apply {original}'s manifests and checklist to it (same image and "
                      "command, other values): review only what differs", 0.0), *keep]
        work *= share
    return items, work


def resolve_ledger(
    ledger: list[LedgerFacts], rules: dict[str, LedgerRule]
) -> dict[str, list[Resolved]]:
    """Each service's ledger entries with their root key and rule, looked up once (a
    2,000-service project has 14,000 entries, and four phases ask for them)."""
    roots: dict[str, tuple[str, LedgerRule | None]] = {}
    out: dict[str, list[Resolved]] = {}
    for entry in ledger:
        found = roots.get(entry.key)
        if found is None:
            root = ledger_root(entry.key, rules)
            found = roots[entry.key] = (root, ledger_rule(root, rules))
        if found[1] is not None:
            out.setdefault(entry.service, []).append((found[0], found[1], entry))
    return out


def _ledger_items(
    s: ServiceFacts, phase: PhaseId, ledger: list[Resolved],
    generic: list[ItemSpec], specific: list[ItemSpec], replaced: dict[str, str],
    evidence: Sequence[ItemSpec] = (),
) -> None:
    """Turn the service's ledger entries of this phase into items, in place.

    An entry whose rule is ``superseded_by`` a kind of evidence item the service has
    (``route``) makes none: its item id points at the first such item instead.
    """
    whys: dict[str, list[str]] = {}
    rule_of: dict[str, LedgerRule] = {}
    for root, rule, entry in ledger:
        if rule.phase != phase:
            continue
        if rule.superseded_by:
            first = f"{s.name}.{rule.superseded_by}-"
            better = next((i[0] for i in evidence if i[0].startswith(first)), None)
            if better is not None:
                replaced[f"{s.name}.ledger.{root}"] = better
                continue
        if rule.grouped:  # one project item; the generic one it replaces goes here
            if rule.replaces:
                replaced[f"{s.name}.{rule.replaces}"] = f"project.ledger.{root}"
            continue
        rule_of[root] = rule
        whys.setdefault(root, [])
        if entry.why not in whys[root]:
            whys[root].append(entry.why)
    for root in sorted(whys):
        rule = rule_of[root]
        # The generic item made concrete keeps its id: saved progress and CI gates name it.
        item_id = f"{s.name}.{rule.replaces}" if rule.replaces else f"{s.name}.ledger.{root}"
        item = (item_id, f"{rule.title}: {'; '.join(whys[root])}", rule.estimate_days)
        if rule.replaces:
            replaced[f"{s.name}.{rule.replaces}"] = item[0]
        specific.append(item)
    generic[:] = [i for i in generic if i[0] not in replaced]


def _volatile(s: ServiceFacts) -> bool:
    """Whether Compose keeps the engine's data in no volume (no store of its engine)."""
    return not any(store.data == s.engine for store in s.stores)


def _engine_texts(s: ServiceFacts, playbooks: PlanPlaybooks) -> dict[str, str]:
    """The engine's wording of the service's checklist items (``cutover``), by id."""
    engine = playbooks.engines[s.engine or ""]
    if engine.without_volume is not None and _volatile(s):
        return {**engine.texts, **engine.without_volume.texts}
    return engine.texts


def _data_items(s: ServiceFacts, playbooks: PlanPlaybooks, extra: float) -> list[ItemSpec]:
    """The engine's data sub-plan: the doubled half of a stateful service's pain work.

    An engine's ``without_volume`` items take the place of those of the same id when
    Compose keeps its data in no volume (nothing durable to copy).
    """
    engine = playbooks.engines.get(s.engine or "", playbooks.default_engine)
    data_items = [*engine.items]
    if engine.without_volume is not None and _volatile(s):
        swap = {i.id: i for i in engine.without_volume.items}
        drops = set(engine.without_volume.drops)
        data_items = [swap.pop(i.id, i) for i in data_items if i.id not in drops]
        data_items += swap.values()
    known = {i.id for i in data_items}
    data_items += [i for i in playbooks.default_engine.items if i.id not in known]
    weight = sum(i.estimate_days for i in data_items)
    return [
        (f"{s.name}.data-{i.id}",
         f"Decide where its data lives: {engine.strategy}" if i.id == "placement" else i.text,
         extra * i.estimate_days / weight)
        for i in data_items
    ]


def _worded(text: str, text_if: Mapping[Condition, str], conditions: set[str]) -> str:
    """An item's wording for a service: the first of ``text_if`` whose condition it has."""
    return next((t for c, t in text_if.items() if c in conditions), text) if text_if else text


def finding_text(found: Sequence[FindingFacts], task: FindingTask | None) -> str:
    """One item for the findings of one rule on one service (or the project): what is
    wrong, then the fix, the plan's wording of it where the rule has one; without ``task``,
    what is wrong alone (the detail of the item that does the fix)."""
    what = "; ".join(dict.fromkeys(f.message for f in found if f.message))
    if task is None:
        return what or " ".join(dict.fromkeys(f.fix for f in found))
    how = task.plan_fix or " ".join(dict.fromkeys(f.fix for f in found))
    return f"{what}. Fix: {how}" if what else how


def grouped_items(
    services: list[ServiceFacts],
    findings_of: dict[str | None, list[FindingFacts]],
    ledger_of: dict[str, list[Resolved]],
    playbooks: PlanPlaybooks,
) -> dict[PhaseId, list[ItemSpec]]:
    """The project items of each phase that group one fix over several services.

    A finding rule with a ``grouped`` title, or a ledger key whose rule is ``grouped``,
    makes one item listing every service (and finding) it concerns, in the phase of its
    fix; its estimate is the rule's plus ``group_share`` of it for each one after the
    first. One pass over the services for every phase (at 2,000 services, one pass each
    took 13 ms of a re-plan's 105, this one 6).
    """
    share = playbooks.estimates.group_share.value
    out: dict[PhaseId, list[ItemSpec]] = {}
    fixes = {r: t for r, t in playbooks.finding_tasks.items() if t.grouped}
    migrating = [s for s in services if s.kind != "dev-only"]
    by_rule: dict[str, list[tuple[str, FindingFacts]]] = {}
    for s in migrating:  # one pass over the findings, not one per rule
        for f in findings_of.get(s.name, []):
            if f.rule in fixes:
                by_rule.setdefault(f.rule, []).append((s.name, f))
    made: dict[PhaseId, set[str]] = {}
    for rule_id in sorted(by_rule):
        task = fixes[rule_id]
        found = by_rule[rule_id]
        listed = "; ".join(f"{name}: {f.message}" if f.message else name for name, f in found)
        how = task.plan_fix or " ".join(dict.fromkeys(f.fix for _, f in found))
        grouped = (task.grouped_one if len(found) == 1 else None) or task.grouped
        title = grouped.format(n=len(found)) if grouped else rule_id
        out.setdefault(task.phase, []).append(
            (f"project.fix-{rule_id}", f"{title}: {listed}. Fix: {how}",
             task.estimate_days * (1 + share * (len(found) - 1))))
        made.setdefault(task.phase, set()).add(rule_id)
    # phase -> root -> why -> names, in order
    groups: dict[PhaseId, dict[str, dict[str, dict[str, None]]]] = {}
    rule_of: dict[str, LedgerRule] = {}
    for s in migrating:
        for root, rule, entry in ledger_of.get(s.name, ()):
            if not rule.grouped or rule.finding in made.get(rule.phase, ()):
                continue
            rule_of[root] = rule
            groups.setdefault(rule.phase, {}).setdefault(root, {}).setdefault(
                entry.why, {})[s.name] = None
    for phase, roots in groups.items():
        for root in sorted(roots):
            rule = rule_of[root]
            by_why = roots[root]
            count = len({n for names in by_why.values() for n in names})
            listed = " / ".join(f"{why} ({', '.join(names)})" for why, names in by_why.items())
            out.setdefault(phase, []).append(
                (f"project.ledger.{root}", f"{rule.title}: {listed}",
                 rule.estimate_days * (1 + share * (count - 1))))
    return out
