"""What every rule shares: the texts playbook, the context a rule reads, the registry.

A rule is a small function registered with :func:`rule`. It reads the project through a
:class:`RuleContext` and yields :class:`Hit` objects: the service, the evidence and the
values its texts need. The texts themselves (message, fix, severity, variants) live in
``playbooks/findings.yaml``; :func:`run_rules` puts the two together into
:class:`~migrate_tui.analysis.model.Finding` objects.
"""

from __future__ import annotations

import string
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, model_validator

from migrate_tui.analysis.catalogue import Catalogue
from migrate_tui.analysis.evidence import Locator
from migrate_tui.analysis.graph import EdgeRow
from migrate_tui.analysis.model import (
    SEVERITIES,
    Edge,
    EdgeKind,
    Evidence,
    Finding,
    ServiceKind,
    Severity,
)
from migrate_tui.analysis.recorded import Recorded, holds_in
from migrate_tui.compose.model import Project, Service
from migrate_tui.errors import Location, PlaybookError
from migrate_tui.playbooks import load_playbook, playbooks_dir
from migrate_tui.text import visible

FINDINGS_FILE = "findings.yaml"
"""The rule texts, relative to the playbooks folder."""

_STRICT = ConfigDict(frozen=True, extra="forbid")
_DEFAULT_KINDS: tuple[ServiceKind, ...] = ("service", "job", "daemon", "tool")


def _fields(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name}


class Variant(BaseModel):
    """A case of a rule with its own severity or texts."""

    model_config = _STRICT
    severity: Severity | None = None
    message: str | None = None
    fix: str | None = None


class RuleText(BaseModel):
    """The texts of one rule."""

    model_config = _STRICT
    title: str
    severity: Severity
    message: str
    fix: str
    values: list[str] = Field(default_factory=list)
    """The names the rule fills in; templates may use these and ``service``."""
    applies_to: list[ServiceKind] = Field(default_factory=lambda: list(_DEFAULT_KINDS))
    variants: dict[str, Variant] = Field(default_factory=dict)
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _templates_use_known_values(self) -> RuleText:
        known = {*self.values, "service"}
        templates = [("message", self.message), ("fix", self.fix)]
        for name, variant in self.variants.items():
            templates += [(f"variants.{name}.message", variant.message or ""),
                          (f"variants.{name}.fix", variant.fix or "")]
        for where, template in templates:
            try:
                unknown = _fields(template) - known
            except ValueError as exc:
                raise ValueError(f"{where}: bad template ({exc})") from None
            if unknown:
                raise ValueError(f"{where} uses {{{', '.join(sorted(unknown))}}}, which is not "
                                 f"in values {sorted(self.values)}")
        return self


class FindingsPlaybook(BaseModel):
    """``playbooks/findings.yaml``."""

    model_config = _STRICT
    rules: dict[str, RuleText]


@lru_cache(maxsize=4)
def load_findings_playbook(folder: Path | None = None) -> FindingsPlaybook:
    """Read and validate the rule texts.

    Raises:
        PlaybookError: The file is missing or invalid.
    """
    return load_playbook(FINDINGS_FILE, FindingsPlaybook, folder)


_NO_VALUES: Mapping[str, Any] = MappingProxyType({})


class Hit(NamedTuple):
    """What a rule found: the texts are filled in from ``values``.

    A named tuple, not a dataclass: a rule may hit thousands of times, and a tuple is made
    in half the time.
    """

    service: str | None
    evidence: Evidence
    values: Mapping[str, Any] = _NO_VALUES
    variant: str | None = None
    """A key of the rule's ``variants``, or None for the rule's own texts."""


@dataclass(frozen=True)
class RuleContext:
    """What a rule reads."""

    project: Project
    services: Mapping[str, Service]
    """Every service, active or not."""
    kinds: Mapping[str, ServiceKind]
    """The kind of each service."""
    kind_reasons: Mapping[str, tuple[str, ...]]
    """Why each service has its kind."""
    ports: Mapping[str, tuple[int, ...]]
    """The ports clients use, per service (declared, else the catalogue's)."""
    probes: Mapping[str, str | None]
    """A known readiness check per service, from the catalogue."""
    edges: tuple[Edge, ...]
    edge_rows: Sequence[EdgeRow]
    """(source, target, kind, port) of each edge, in the order of :attr:`edges`: what a
    rule that goes through every edge reads (:class:`~migrate_tui.analysis.graph.Edges`)."""
    locator: Locator
    catalogue: Catalogue
    shared: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """What is worked out once of the project alone (:meth:`setting`, :meth:`edges_of`),
    shared by the copies of the context each rule runs with (:func:`find`)."""

    def setting(self, key: str) -> list[str]:
        """The services whose definition sets ``key`` (``cap_add``, ``sysctls``), sorted.

        A rule about a key few services set reads these, not every service. Worked out per
        key asked for, with one membership test a service: cheaper than listing every key
        of every service, most of which no rule asks about.
        """
        settings: dict[str, list[str]] = self.shared.setdefault("setting", {})
        found = settings.get(key)
        if found is None:
            raw_by_name = self.shared.get("raw_by_name")
            if raw_by_name is None:  # (name, definition as written) of every service
                raw_by_name = self.shared["raw_by_name"] = [
                    (name, self.services[name].raw) for name in sorted(self.services)]
            found = settings[key] = [name for name, raw in raw_by_name if key in raw]
        return found

    def edges_of(self, kind: EdgeKind) -> list[Edge]:
        """The edges of one kind, in the order of :attr:`edges`."""
        by_kind: dict[str, list[Edge]] | None = self.shared.get("edges_by_kind")
        if by_kind is None:
            by_kind = self.shared["edges_by_kind"] = defaultdict(list)
            for edge, (_, _, kind_, _) in zip(self.edges, self.edge_rows, strict=True):
                by_kind[kind_].append(edge)
        return by_kind.get(kind, [])


RuleFunc = Callable[[RuleContext, Mapping[str, Any]], Iterable[Hit]]
RULES: dict[str, RuleFunc] = {}
"""Every rule, by id."""


def rule(rule_id: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule under its id (the key of its texts in ``findings.yaml``)."""

    def register(func: RuleFunc) -> RuleFunc:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        RULES[rule_id] = func
        return func

    return register


def _fill(template: str, values: Mapping[str, Any], rule_id: str, field_name: str) -> str:
    """``template`` filled in from ``values``, which :func:`_shown_values` made safe to show."""
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError) as exc:
        raise PlaybookError(
            f"rule {rule_id}: the {field_name} template needs {exc}, which the rule does not give",
            location=Location(str(playbooks_dir() / FINDINGS_FILE)),
            path=f"rules.{rule_id}.{field_name}",
            hint="use only the names listed in the rule's values",
        ) from None


@dataclass(frozen=True)
class _Case:
    """The texts of one case of a rule (its own, or one variant's), put together once.

    A rule may hit thousands of times (every service that runs as root); what a hit's
    finding needs from the playbook is the same for each of them.
    """

    rule_id: str
    severity: Severity
    message: str
    fix: str
    field_prefix: str
    """Where the templates are in the playbook, for a message about a bad one."""
    blanks: Mapping[str, str]
    """Every value the rule lists, empty: a hit need not give them all."""
    rank: int
    """The place of its severity in :data:`SEVERITIES`: most severe first."""
    shows: frozenset[str]
    """The values the message and the fix show (``service`` among them, if they do)."""
    texts: dict[tuple[Any, ...], tuple[str, str]] = field(default_factory=dict)
    """(message, fix) already filled in, by the values they were filled in from."""


def _case(rule_id: str, text: RuleText, variant_name: str | None) -> _Case:
    """The case of ``rule_id`` that a hit of ``variant_name`` (None: the rule's own) gets.

    Raises:
        PlaybookError: The rule has no such variant in its texts.
    """
    variant = text.variants.get(variant_name) if variant_name else None
    if variant_name and variant is None:
        raise PlaybookError(
            f"rule {rule_id} has no variant {variant_name!r} in its texts",
            location=Location(str(playbooks_dir() / FINDINGS_FILE)),
            path=f"rules.{rule_id}.variants", hint=f"add variants.{variant_name} to the rule",
        )
    severity = variant.severity if variant and variant.severity else text.severity
    message = variant.message if variant and variant.message else text.message
    fix = variant.fix if variant and variant.fix else text.fix
    return _Case(
        rule_id=rule_id,
        severity=severity,
        message=message,
        fix=fix,
        field_prefix=f"variants.{variant_name}." if variant else "",
        blanks=dict.fromkeys(text.values, ""),
        rank=SEVERITIES.index(severity),
        shows=frozenset(_fields(message) | _fields(fix)),
    )


def _shown_values(case: _Case, hit: Hit) -> dict[str, Any]:
    r"""The values a hit's texts are filled in from, control characters made visible
    (``\x1b``); a printable text, nearly every one, is shown as it is."""
    values = {**case.blanks, "service": hit.service or "", **hit.values}
    for name, value in values.items():
        if isinstance(value, str) and not value.isprintable():
            values[name] = visible(value)  # (replaces a value: the dict keeps its size)
    return values


_TEXT = frozenset({str})
"""The only type of value :func:`_texts` keeps texts by."""


def _texts(case: _Case, hit: Hit) -> tuple[str, str]:
    """The message and fix of a hit of a case, filled in.

    Kept by the values when they are all text: the hits of a case repeat theirs (every
    ``runs-as-root`` hit has the same, ``plain-secret`` the same few names). Numbers are
    not kept by, as 1 and True would be one key for two texts.
    """
    given = hit.values
    key: tuple[Any, ...] | None = None
    if not case.shows:
        key = ()  # (texts that show no value: the same for every hit)
    elif _TEXT.issuperset(map(type, given.values())):
        key = (hit.service if "service" in case.shows else None, *given.items())
    if key is not None:
        texts = case.texts.get(key)
        if texts is not None:
            return texts
    values = _shown_values(case, hit)
    texts = (_fill(case.message, values, case.rule_id, case.field_prefix + "message"),
             _fill(case.fix, values, case.rule_id, case.field_prefix + "fix"))
    if key is not None:
        case.texts[key] = texts
    return texts


def _finding(case: _Case, hit: Hit) -> Finding:
    """The finding of one hit of a case, its texts filled in."""
    message, fix = _texts(case, hit)
    return Finding(rule=case.rule_id, severity=case.severity, service=hit.service,
                       message=message, fix=fix, evidence=hit.evidence, variant=hit.variant)


def make_finding(rule_id: str, text: RuleText, hit: Hit) -> Finding:
    """The finding of one hit, its texts filled in."""
    return _finding(_case(rule_id, text, hit.variant), hit)


def finding_order(f: Finding) -> tuple[Any, ...]:
    """Most severe first, then by rule, service, file, line and key path."""
    return (SEVERITIES.index(f.severity), f.rule, f.service or "", f.evidence.file,
            f.evidence.line or 0, f.evidence.path)


def _hit_order(case: _Case, hit: Hit) -> tuple[Any, ...]:
    """:func:`finding_order` of the finding of ``hit``, read from the hit: the same key,
    without reading it back from thousands of findings."""
    evidence = hit.evidence
    return (case.rank, case.rule_id, hit.service or "", evidence.file, evidence.line or 0,
            evidence.path)


def _check_rules(playbook: FindingsPlaybook) -> None:
    """Raise when the playbook's texts and the registered rules disagree."""
    missing = sorted(set(RULES) - set(playbook.rules))
    extra = sorted(set(playbook.rules) - set(RULES))
    if missing or extra:
        detail = "; ".join(
            [f"no texts for rule {r}" for r in missing]
            + [f"texts for unknown rule {r}" for r in extra]
        )
        raise PlaybookError(
            f"findings playbook and rules disagree: {detail}",
            location=Location(str(playbooks_dir() / FINDINGS_FILE)), path="rules",
            hint="add an entry per rule of migrate_tui/analysis/findings/ (and none other)",
        )


CLASSIFICATION = ("kinds", "kind_reasons", "ports", "probes")
"""The fields of :class:`RuleContext` that the classification decides (an override changes
them); the rest is read of the project alone."""

Found = tuple[str | None, int, Finding]
"""(service, severity rank, finding) of one hit of a rule."""


@dataclass(frozen=True)
class RuleRun:
    """One rule's hits as findings, and what the rule read of the classification."""

    read: tuple[Mapping[str, Any], ...]
    """What it read of each field of :data:`CLASSIFICATION`, by service (None: absent)."""
    found: tuple[Found, ...]
    """Its findings in their order (:func:`finding_order`), a repeat replacing the first
    in its place, before the hits of services of kinds the rule does not apply to are
    left out (that is read of the kinds in :func:`find`, every time; a repeat is of the
    same service, so of the same kind)."""

    def holds_for(self, ctx: RuleContext) -> bool:
        """True when ``ctx`` (of the same project) has what the rule read."""
        return all(holds_in(read, getattr(ctx, name))
                   for name, read in zip(CLASSIFICATION, self.read, strict=True))


@dataclass(frozen=True)
class Findings:
    """The findings of every rule, and each rule's run, for a re-run to reuse."""

    findings: list[Finding]
    runs: dict[str, RuleRun]
    playbook: FindingsPlaybook


def _run_rule(ctx: RuleContext, rule_id: str, text: RuleText) -> RuleRun:
    """Run one rule, noting what it reads of the classification."""
    kinds, reasons = Recorded(ctx.kinds), Recorded(ctx.kind_reasons)
    ports, probes = Recorded(ctx.ports), Recorded(ctx.probes)
    seen = replace(ctx, kinds=kinds, kind_reasons=reasons, ports=ports, probes=probes)
    cases: dict[str | None, _Case] = {}
    # A finding whose service, key path and message repeat another's replaces it, in the
    # first one's place; each is kept with its place in the order (:func:`finding_order`).
    unique: dict[tuple[Any, ...], tuple[tuple[Any, ...], str | None, Finding]] = {}
    for hit in RULES[rule_id](seen, text.params):
        case = cases.get(hit.variant)
        if case is None:
            case = cases[hit.variant] = _case(rule_id, text, hit.variant)
        finding = _finding(case, hit)
        unique[hit.service, hit.evidence.path, finding.message] = (
            _hit_order(case, hit), hit.service, finding)
    found = tuple((service, order[0], finding)
                  for order, service, finding in sorted(unique.values(), key=itemgetter(0)))
    # (in the order of CLASSIFICATION)
    return RuleRun((kinds.read, reasons.read, ports.read, probes.read), found)


def find(ctx: RuleContext, playbook: FindingsPlaybook,
         previous: Findings | None = None) -> Findings:
    """:func:`run_rules`, keeping each rule's run for a re-run to reuse.

    Args:
        ctx: What the rules read.
        playbook: The rule texts.
        previous: An earlier run on a context of the same project (only the
            classification may differ): a rule whose reads of the classification are the
            same in ``ctx`` (:meth:`RuleRun.holds_for`) is not run again. The findings
            equal those of a run without it.

    Raises:
        PlaybookError: As :func:`run_rules`.
    """
    _check_rules(playbook)
    if previous is not None and previous.playbook is not playbook:
        previous = None
    before = previous.runs if previous is not None else {}
    # Most severe first, then by rule: each rule's findings are in order, so each severity
    # takes them rule after rule, no sort of them all needed.
    by_rank: dict[int, list[Finding]] = {}
    kinds = ctx.kinds
    runs: dict[str, RuleRun] = {}
    for rule_id in sorted(RULES):
        text = playbook.rules[rule_id]
        run = before.get(rule_id)
        if run is None or not run.holds_for(ctx):
            run = _run_rule(ctx, rule_id, text)
        runs[rule_id] = run
        applies_to = text.applies_to
        for service, rank, finding in run.found:
            kind = kinds.get(service) if service else None
            if kind is None or kind in applies_to:
                by_rank.setdefault(rank, []).append(finding)
    findings = [f for rank in sorted(by_rank) for f in by_rank[rank]]
    return Findings(findings, runs, playbook)


def run_rules(ctx: RuleContext, playbook: FindingsPlaybook) -> list[Finding]:
    """Run every registered rule; the findings, most severe first.

    Raises:
        PlaybookError: A rule has no texts in the playbook, or the playbook has texts for
            a rule that does not exist.
    """
    return find(ctx, playbook).findings
