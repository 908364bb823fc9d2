"""Verify a plan against the team's Kubernetes manifests (``migrate-tui verify``)."""

from migrate_tui.verify.engine import verify_plan
from migrate_tui.verify.model import ItemVerdict, Manifests, VerifyReport
from migrate_tui.verify.read import read_manifests

__all__ = ["ItemVerdict", "Manifests", "VerifyReport", "read_manifests", "verify_plan"]
