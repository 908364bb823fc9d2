"""Migration findings: one small rule per thing that changes on the way to Kubernetes.

The rules are grouped by subject (``network``, ``security``, ``storage``, ``images``,
``lifecycle``, ``config``, ``dev``); each registers itself with :func:`~.base.rule`. Their texts
(message, fix, severity) are in ``playbooks/findings.yaml``.
"""

from __future__ import annotations

from migrate_tui.analysis.findings import (
    commands,
    config,
    dev,
    images,
    lifecycle,
    network,
    paths,
    security,
    storage,
)
from migrate_tui.analysis.findings.base import (
    RULES,
    Findings,
    FindingsPlaybook,
    Hit,
    RuleContext,
    find,
    load_findings_playbook,
    rule,
    run_rules,
)

__all__ = [
    "RULES", "Findings", "FindingsPlaybook", "Hit", "RuleContext", "commands", "config", "dev",
    "find", "images",
    "lifecycle",
    "load_findings_playbook", "network", "paths", "rule", "run_rules", "security", "storage",
]
