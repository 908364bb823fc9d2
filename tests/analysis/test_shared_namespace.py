"""localhost in services that share a network namespace (``network_mode: service:X``)."""

from __future__ import annotations

from tests.analysis.helpers import analyse


def test_localhost_reaches_the_pod_not_the_other_services() -> None:
    analysis = analyse("shared_namespace")
    found = {(f.service, f.evidence.text.split("=")[0], f.variant) for f in analysis.findings
             if f.rule == "localhost-reference"}
    assert found == {("app", "DATABASE_URL", "other-service"),
                     ("sidecar", "CACHE", "other-service")}
