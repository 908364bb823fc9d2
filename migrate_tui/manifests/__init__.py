"""Kubernetes manifests from the analysis, and the ledger of every Compose key.

==========  ====================================================================
module      what it does
==========  ====================================================================
facts       each service's workload kind, names, ports, secrets, volumes, once
sensitive   which values are secrets (the env Secret, scrubbing, files not copied)
volumes     what each mount becomes (claim, emptyDir, ConfigMap or Secret file)
common      metadata, labels and selectors; a builder's result (:class:`Part`)
workload    Deployment, StatefulSet, Job, CronJob, DaemonSet (one builder each)
container   the container: image and command (args), env, ports
references  secret values in commands and probes replaced by variable references
probes      readiness, liveness and startup probes from the healthcheck
security    the securityContext: the safe defaults Compose allows
resources   requests and limits
network     Service, Ingress, NetworkPolicy, PodDisruptionBudget, depends_on
config      env ConfigMaps, Secret and ConfigMap generators, ExternalSecrets
storage     PersistentVolumeClaims
ledger      completing the ledger; its JSON, Markdown and text renderings
generate    the table of builders, run over every service: :class:`Manifests`
render      the one YAML rendering (stable bytes)
writer      the one writer (no links, edited files refused)
==========  ====================================================================
"""

from migrate_tui.manifests.generate import generate_manifests
from migrate_tui.manifests.model import GeneratedFile, LedgerEntry, Manifests
from migrate_tui.manifests.writer import write_manifests

__all__ = ["GeneratedFile", "LedgerEntry", "Manifests", "generate_manifests",
           "write_manifests"]
