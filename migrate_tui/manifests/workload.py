"""The workload of a service, by kind: Deployment, StatefulSet, Job, CronJob, DaemonSet."""

from __future__ import annotations

from collections.abc import Callable

from migrate_tui.manifests.common import Obj, Part, labels, metadata, selector, target
from migrate_tui.manifests.container import container
from migrate_tui.manifests.facts import Context, ServiceFacts
from migrate_tui.manifests.names import dns_label, seconds
from migrate_tui.manifests.resources import gpu_node_selector
from migrate_tui.manifests.security import fs_group
from migrate_tui.manifests.volumes import VolumeUse

_POD_VOLUME_MODES = {"pvc", "shared-pvc", "empty-dir", "memory", "config-file", "secret-file"}


def pod_volumes(ctx: Context, f: ServiceFacts, uses: list[VolumeUse]) -> list[Obj]:
    """The pod's volumes (claim templates are the StatefulSet's, not listed here)."""
    out: dict[str, Obj] = {}
    for v in uses:
        if v.mode not in _POD_VOLUME_MODES or v.volume in out:
            continue
        if v.mode in ("pvc", "shared-pvc"):
            out[v.volume] = {"name": v.volume,
                             "persistentVolumeClaim": {"claimName": v.claim}}
        elif v.mode == "empty-dir":
            out[v.volume] = {"name": v.volume, "emptyDir": {}}
        elif v.mode == "memory":
            out[v.volume] = {"name": v.volume, "emptyDir": {"medium": "Memory"}}
        elif v.mode == "config-file":
            out[v.volume] = {"name": v.volume, "configMap": {"name": v.generator}}
        elif v.mode == "secret-file":
            out[v.volume] = {"name": v.volume, "secret": {"secretName": v.generator}}
    return list(out.values())


def mounts(uses: list[VolumeUse]) -> list[Obj]:
    """The container's volumeMounts."""
    out = []
    for v in uses:
        if v.mode in _POD_VOLUME_MODES or v.mode == "claim-template":
            m: Obj = {"name": v.volume, "mountPath": v.target}
            if v.key_name or v.sub_path:
                m["subPath"] = v.key_name or v.sub_path
            if v.read_only:
                m["readOnly"] = True
            out.append(m)
    return out


def claim_name(f: ServiceFacts, v: VolumeUse) -> str:
    """The PersistentVolumeClaim a mount's data lands on, as the cluster names it: a claim
    template's is ``TEMPLATE-STATEFULSET-0`` (its first pod's); ``""`` for no claim."""
    if v.mode == "claim-template" and v.claim:
        return f"{v.claim}-{f.label}-0"
    return v.claim or "" if v.mode in ("pvc", "shared-pvc") else ""


def _note_volumes(part: Part, f: ServiceFacts, service: str, uses: list[VolumeUse]) -> None:
    where = target(f, f.workload or "Pod", f.label)
    for v in uses:
        shown = where if v.mode not in ("dropped", "decide", "nothing") else ""
        claim = claim_name(f, v)
        part.note(service, v.key, v.status, shown, v.why, claim, v.target if claim else "")


def _pod(ctx: Context, f: ServiceFacts, part: Part) -> Obj:
    """The pod template's spec: the main container, the sidecars, volumes, hardening."""
    svc = f.svc
    sidecar_ports = {p.target for s in f.sidecars for p in ctx.facts[s].svc.ports}
    own = {p.port for p in f.ports} - sidecar_ports
    main, p = container(ctx, f, svc, f.label, own)
    part.extend(p)
    uses = list(f.volumes)
    main_mounts = mounts(uses)
    if main_mounts:
        main["volumeMounts"] = main_mounts
    _note_volumes(part, f, f.name, uses)
    containers = [main]
    for name in f.sidecars:
        side = ctx.facts[name]
        c, p = container(ctx, f, side.svc, side.label,
                         {q.target for q in side.svc.ports})
        part.extend(p)
        side_uses = list(side.volumes)
        if mounts(side_uses):
            c["volumeMounts"] = mounts(side_uses)
        uses += side_uses
        _note_volumes(part, f, name, side_uses)
        containers.append(c)
        part.note(name, "network_mode", "mapped", target(f, f.workload or "Pod", f.label),
                  f"a second container in {f.name}'s pod: they share the network")
    pod: Obj = {"automountServiceAccountToken": False,
                "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                "containers": containers}
    group = fs_group(ctx, f)
    if group is not None:
        pod["securityContext"]["fsGroup"] = group
    volumes = pod_volumes(ctx, f, uses)
    if volumes:
        pod["volumes"] = volumes
    nodes = gpu_node_selector(f)
    if nodes:
        pod["nodeSelector"] = nodes
    grace = svc.get("stop_grace_period")
    if grace:
        pod["terminationGracePeriodSeconds"] = seconds(str(grace), 30)
        part.note(f.name, "stop_grace_period", "mapped",
                  target(f, f.workload or "Pod", f.label), "terminationGracePeriodSeconds")
    return pod


def _replicas(f: ServiceFacts) -> int:
    if f.analysis.kind == "tool":
        return 0  # an interactive toolbox runs on demand (facts.py, _workload)
    deploy = f.svc.get("deploy") or {}
    value = deploy.get("replicas")
    if value is None:
        value = f.svc.get("scale")
    try:
        return max(0, int(value)) if value is not None else 1
    except (TypeError, ValueError):
        return 1


def _template(ctx: Context, f: ServiceFacts, part: Part) -> Obj:
    return {"metadata": {"labels": labels(ctx, f)}, "spec": _pod(ctx, f, part)}


def _deploy_keys(part: Part, f: ServiceFacts) -> None:
    deploy = f.svc.get("deploy") or {}
    where = target(f, f.workload or "Pod", f.label)
    words = {
        "replicas": ("mapped", "spec.replicas"),
        "mode": ("mapped", f"{f.workload}: {deploy.get('mode')}"),
        "restart_policy": ("approximated", "pods restart by the workload's policy"),
        "placement": ("decide", "constraints and preferences become nodeSelector or "
                      "affinity: write them for the cluster's node labels"),
        "update_config": ("approximated", "the rollout strategy's defaults apply"),
        "rollback_config": ("dropped", "kubectl rollout undo rolls back"),
        "labels": ("approximated", "service labels are not copied; add what you need"),
        "endpoint_mode": ("dropped", "a Service load-balances; headless for DNS round robin"),
    }
    for key in deploy:
        if key == "resources":
            continue
        status, why = words.get(key, ("decide", "no rule for this deploy key: check it"))
        part.note(f.name, f"deploy.{key}", status, where, why)  # type: ignore[arg-type]


def deployment(ctx: Context, f: ServiceFacts) -> Part:
    """A Deployment for a stateless service."""
    part = Part()
    replicas = _replicas(f)
    spec: Obj = {"replicas": replicas, "selector": {"matchLabels": selector(ctx, f)},
                 "template": _template(ctx, f, part)}
    if any(v.mode == "pvc" for v in f.volumes):
        # A ReadWriteOnce claim is one pod's: never two at once, not even in a rollout.
        spec["strategy"] = {"type": "Recreate"}
        if replicas > 1:
            spec["replicas"] = 1
            part.note(f.name, "deploy.replicas", "decide", target(f, "Deployment", f.label),
                      f"{replicas} replicas asked for, 1 given: its ReadWriteOnce claim is "
                      "one pod's; a ReadWriteMany claim (or object storage) lets it scale")
    part.objects.append({"apiVersion": "apps/v1", "kind": "Deployment",
                         "metadata": metadata(ctx, f, f.label), "spec": spec})
    return part


def statefulset(ctx: Context, f: ServiceFacts) -> Part:
    """A StatefulSet with its headless Service and claim templates."""
    part = Part()
    templates: list[Obj] = []
    for v in f.volumes:
        if v.mode == "claim-template" and v.claim not in [t["metadata"]["name"]
                                                         for t in templates]:
            templates.append({"metadata": {"name": v.claim}, "spec": {
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": v.size}}}})
    spec: Obj = {"replicas": _replicas(f), "serviceName": headless_name(f),
                 "selector": {"matchLabels": selector(ctx, f)},
                 "template": _template(ctx, f, part)}
    if templates:
        spec["volumeClaimTemplates"] = templates
    part.objects.append({"apiVersion": "apps/v1", "kind": "StatefulSet",
                         "metadata": metadata(ctx, f, f.label), "spec": spec})
    if _replicas(f) > 1:
        part.note(f.name, "deploy.replicas", "decide", target(f, "StatefulSet", f.label),
                  "several replicas of a stateful service are separate copies: set up its "
                  "replication (or an operator) before scaling")
    return part


def headless_name(f: ServiceFacts) -> str:
    """The headless Service that names a StatefulSet's pods."""
    return dns_label(f"{f.label}-headless")


def _job_spec(ctx: Context, f: ServiceFacts, part: Part) -> Obj:
    d = ctx.defaults.job
    template = _template(ctx, f, part)
    template["spec"]["restartPolicy"] = "Never"
    return {"backoffLimit": d.backoff_limit,
            "ttlSecondsAfterFinished": d.ttl_seconds_after_finished,
            "activeDeadlineSeconds": d.active_deadline_seconds, "template": template}


def job(ctx: Context, f: ServiceFacts) -> Part:
    """A Job for a one-shot service."""
    part = Part()
    part.objects.append({"apiVersion": "batch/v1", "kind": "Job",
                         "metadata": metadata(ctx, f, f.label),
                         "spec": _job_spec(ctx, f, part)})
    part.note(f.name, "restart", "approximated", target(f, "Job", f.label),
              f"a Job retries a failed run up to {ctx.defaults.job.backoff_limit} times and "
              f"is given {ctx.defaults.job.active_deadline_seconds} s; adjust both")
    return part


def cronjob(ctx: Context, f: ServiceFacts) -> Part:
    """A CronJob for a scheduled job."""
    part = Part()
    part.objects.append({"apiVersion": "batch/v1", "kind": "CronJob",
                         "metadata": metadata(ctx, f, f.label),
                         "spec": {"schedule": f.hint["schedule"], "concurrencyPolicy": "Forbid",
                                  "jobTemplate": {"spec": _job_spec(ctx, f, part)}}})
    return part


def daemonset(ctx: Context, f: ServiceFacts) -> Part:
    """A DaemonSet for a node agent."""
    part = Part()
    part.objects.append({"apiVersion": "apps/v1", "kind": "DaemonSet",
                         "metadata": metadata(ctx, f, f.label),
                         "spec": {"selector": {"matchLabels": selector(ctx, f)},
                                  "template": _template(ctx, f, part)}})
    return part


WORKLOADS: dict[str, Callable[[Context, ServiceFacts], Part]] = {
    "Deployment": deployment,
    "StatefulSet": statefulset,
    "Job": job,
    "CronJob": cronjob,
    "DaemonSet": daemonset,
}
"""The workload builder of each kind."""


def build_workload(ctx: Context, f: ServiceFacts) -> Part:
    """The service's workload, by the kind the facts decided."""
    if f.workload is None:
        return Part()
    part = WORKLOADS[f.workload](ctx, f)
    _deploy_keys(part, f)
    return part
