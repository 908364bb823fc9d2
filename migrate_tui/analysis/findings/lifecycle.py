"""Rules about how services start, stop, run and log."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from migrate_tui.analysis.findings.base import Hit, RuleContext, rule
from migrate_tui.compose.go_values import parse_duration


def duration_seconds(text: str) -> int | None:
    """Seconds in a Compose duration (``1m30s``, ``500ms``, ``2d``), rounded up; None when
    Compose would not read it (:func:`~migrate_tui.compose.go_values.parse_duration`, the
    one reader of durations)."""
    try:
        nanoseconds = parse_duration(str(text).strip())
    except ValueError:
        return None
    return max(1, -(-nanoseconds // 1_000_000_000))


@rule("no-healthcheck")
def no_healthcheck(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Long-running services with no healthcheck: probes to write."""
    for name in sorted(ctx.services):
        check = ctx.services[name].healthcheck
        if check is not None and check.runs:
            continue
        probe = ctx.probes.get(name)
        ports = ctx.ports.get(name) or ()
        if not probe:
            probe = (f"httpGet or tcpSocket on port {ports[0]}" if ports
                     else "exec, a command that fails when the worker is stuck")
        text = "healthcheck disabled" if check is not None else "(no healthcheck)"
        yield Hit(name, ctx.locator.key(name, "healthcheck", text=text), {"probe": probe})


@rule("depends-on-no-condition")
def depends_on_no_condition(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """``depends_on`` that only orders the start (``service_started``)."""
    for edge in ctx.edges_of("depends_on"):
        if edge.condition == "service_started":
            yield Hit(edge.source, edge.evidence, {"target": edge.target})


@rule("one-shot")
def one_shot(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Jobs: a Kubernetes Job or an initContainer."""
    for name in sorted(ctx.services):
        if ctx.kinds.get(name) == "job":
            why = next(iter(ctx.kind_reasons.get(name, ())), "one-shot")
            yield Hit(name, ctx.locator.key(name, text=why), {"why": why})


@rule("dev-only")
def dev_only(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Development aids: candidates to retire."""
    for name in sorted(ctx.services):
        if ctx.kinds.get(name) == "dev-only":
            why = "; ".join(ctx.kind_reasons.get(name, ())) or "a development aid"
            yield Hit(name, ctx.locator.key(name, text=why), {"why": why})


@rule("no-resource-limits")
def no_resource_limits(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """No CPU or memory limit."""
    for name in sorted(ctx.services):
        limits = ctx.services[name].limits
        if limits is None or (limits.cpus is None and limits.memory is None):
            yield Hit(name, ctx.locator.key(name, "deploy", "resources", "limits",
                                            text="(no limits)"))


@rule("stop-grace-period")
def stop_grace_period(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """``stop_grace_period``: terminationGracePeriodSeconds."""
    for name in ctx.setting("stop_grace_period"):
        period = ctx.services[name].get("stop_grace_period")
        if period:
            seconds = duration_seconds(str(period))
            yield Hit(name, ctx.locator.key(name, "stop_grace_period",
                                            text=f"stop_grace_period: {period}"),
                      {"period": period, "seconds": seconds if seconds is not None else period})


@rule("logging-driver")
def logging_driver(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """A logging driver other than the default ones."""
    for name in ctx.setting("logging"):
        driver = (ctx.services[name].get("logging") or {}).get("driver")
        if driver and driver not in ("json-file", "local"):
            yield Hit(name, ctx.locator.key(name, "logging", "driver",
                                            text=f"logging.driver: {driver}"), {"driver": driver})


@rule("container-name")
def container_name(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """``container_name``."""
    for name in ctx.setting("container_name"):
        fixed = ctx.services[name].container_name
        if fixed:
            evidence = ctx.locator.key(name, "container_name", text=f"container_name: {fixed}")
            yield Hit(name, evidence, {"container_name": fixed})
