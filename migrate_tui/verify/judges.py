"""The judges: one small function per kind of checklist item, in one table.

A plan item's id is ``SERVICE.SUFFIX`` or ``project.SUFFIX``; :data:`SERVICE_JUDGES` and
:data:`PROJECT_JUDGES` map the suffix to the judge that reads the manifests for it, so a new
item is judged by adding a line. An item without a judge (``api.staging``: nothing in a
manifest shows it) is ``unknown``.

Each judge answers ``verified`` only from what the manifests say, ``contradicted`` when
they say otherwise, and ``unknown`` when they cannot tell (no workload for the service: the
``workload`` item says so, and the others wait for it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from migrate_tui.manifests.sensitive import is_secret_variable
from migrate_tui.text import visible
from migrate_tui.verify.model import Judgement
from migrate_tui.verify.subject import Container, Subject

ServiceJudge = Callable[[Subject], Judgement]
ProjectJudge = Callable[[Sequence[Subject]], Judgement]

EXPECTED_KINDS: Mapping[tuple[str | None, str | None], tuple[str, ...]] = {
    ("stateful", "service"): ("StatefulSet",),
    ("stateless", "service"): ("Deployment", "DaemonSet"),
    ("stateful", "job"): ("Job", "CronJob"),
    ("stateless", "job"): ("Job", "CronJob"),
}
"""The workload kinds right for a service's class and kind (the plan's ``class``, ``kind``);
a pair not listed accepts any workload."""

_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def _v(where: str, text: str) -> Judgement:
    return Judgement("verified", f"{where}: {text}")


def _x(where: str, text: str) -> Judgement:
    return Judgement("contradicted", f"{where}: {text}")


def _unknown(text: str) -> Judgement:
    return Judgement("unknown", text)


def _no_workload(s: Subject) -> Judgement:
    return _unknown(f"no workload for {s.service} (see {s.service}.workload)")


def _needs_workload(judge: ServiceJudge) -> ServiceJudge:
    def wrapped(s: Subject) -> Judgement:
        return judge(s) if s.workload is not None else _no_workload(s)
    wrapped.__name__ = judge.__name__
    wrapped.__doc__ = judge.__doc__
    return wrapped


def _ports_of(doc_ports: Any) -> set[int]:
    out: set[int] = set()
    for p in doc_ports if isinstance(doc_ports, list) else []:
        if isinstance(p, dict):
            for key in ("port", "targetPort", "containerPort"):
                if isinstance(p.get(key), int):
                    out.add(p[key])
    return out


def judge_workload(s: Subject) -> Judgement:
    """The workload exists with the right kind, a Service exposes every client port, and
    a Service of each name clients call it by (a container name, an alias) selects its
    pods."""
    expected = EXPECTED_KINDS.get((s.service_class, s.kind))
    if s.workload is None:
        want = " or ".join(expected or ("workload",))
        return _unknown(f"no {want} named {s.service} or labelled app.kubernetes.io/name="
                        f"{s.service} in the manifests") if s.kind == "dev-only" else \
            Judgement("contradicted", f"no {want} named {s.service} or labelled "
                      f"app.kubernetes.io/name={s.service} in the manifests")
    w = s.workload
    if expected and w.kind not in expected:
        return _x(w.where("kind"), f"{w.kind} {w.name}, but {s.service} is "
                  f"{s.service_class} ({s.kind}): it belongs in a {' or '.join(expected)}")
    if w.kind in ("Job", "CronJob"):
        return _v(w.where("kind"), f"{w.kind} {w.name}")
    exposed = set().union(*(_ports_of(d.get("spec", "ports")) for d in s.services))
    missing = [p for p in s.client_ports if p not in exposed]
    if missing:
        return _x(w.where("kind"), f"{w.kind} {w.name}, but no Service exposes port "
                  f"{', '.join(map(str, missing))} that its clients use")
    named = {d.name for d in s.services}
    unnamed = [(name, client) for name, client in s.client_names if name not in named]
    if unnamed:
        name, client = unnamed[0]
        return _x(w.where("kind"), f"{w.kind} {w.name}, but no Service {visible(name)} "
                  f"selects its pods, and {visible(client)} calls it {visible(name)}")
    shown = ", ".join(f"{d.name} ({d.where('spec', 'ports')})" for d in s.services)
    return _v(w.where("kind"), f"{w.kind} {w.name}" + (f"; Service {shown}" if shown else ""))


def judge_job(s: Subject) -> Judgement:
    """A one-off service runs as a Job or CronJob."""
    if s.workload is None:
        return Judgement("contradicted", f"no Job or CronJob for {s.service} in the manifests")
    if s.workload.kind in ("Job", "CronJob"):
        return _v(s.workload.where("kind"), f"{s.workload.kind} {s.workload.name}")
    return _x(s.workload.where("kind"), f"{s.workload.kind} {s.workload.name}: a one-off "
              "task belongs in a Job or CronJob")


@_needs_workload
def judge_image(s: Subject) -> Judgement:
    """Every container's image is pinned: a version tag (not latest) or a digest."""
    for c in s.containers():
        image = c.get("image")
        where = s.workload.where(*c.path, "image") if s.workload else ""
        if not isinstance(image, str) or not image:
            return _x(where, f"container {c.get('name')} has no image")
        if _DIGEST.search(image):
            continue
        tail = image.rsplit("/", 1)[-1]
        tag = tail.split(":", 1)[1] if ":" in tail else None
        if tag in (None, "latest"):
            return _x(where, f"image {visible(image)} is not pinned (no tag, or latest)")
    main = s.main()
    if main is None:
        return _x(s.where("containers"), "no containers")
    return _v(s.where(*main.path[len(s.pod):], "image"), f"image {visible(str(main.get('image')))}")


def _container_ports(c: Container) -> tuple[set[int], set[str]]:
    numbers, names = set(), set()
    for p in c.get("ports") or []:
        if isinstance(p, dict):
            if isinstance(p.get("containerPort"), int):
                numbers.add(p["containerPort"])
            if isinstance(p.get("name"), str):
                names.add(p["name"])
    return numbers, names


@_needs_workload
def judge_probes(s: Subject) -> Judgement:
    """Readiness and liveness probes on its container, pointing at a port it declares."""
    c = s.main()
    if c is None:
        return _x(s.where("containers"), "no containers")
    assert s.workload is not None
    numbers, names = _container_ports(c)
    missing = [k for k in ("readinessProbe", "livenessProbe") if not isinstance(c.get(k), dict)]
    if missing:
        return _x(s.workload.where(*c.path), f"container {c.get('name')} has no "
                  f"{' and no '.join(missing)}")
    for kind in ("readinessProbe", "livenessProbe", "startupProbe"):
        probe = c.get(kind)
        if not isinstance(probe, dict):
            continue
        for action in ("httpGet", "tcpSocket", "grpc"):
            target = probe.get(action)
            if not isinstance(target, dict):
                continue
            port = target.get("port")
            known = port in numbers if isinstance(port, int) else port in names
            if not known:
                return _x(s.workload.where(*c.path, kind, action, "port"),
                          f"{kind} {action} port {visible(str(port))} is not a port the "
                          f"container declares ({', '.join(map(str, sorted(numbers))) or 'none'})")
    return _v(s.workload.where(*c.path, "readinessProbe"),
              "readinessProbe and livenessProbe on container " + str(c.get("name")))


@_needs_workload
def judge_resources(s: Subject) -> Judgement:
    """CPU and memory requests, and a memory limit, on every container."""
    assert s.workload is not None
    for c in s.containers():
        res = c.get("resources")
        requests = res.get("requests") if isinstance(res, dict) else None
        limits = res.get("limits") if isinstance(res, dict) else None
        lacking = []
        if not (isinstance(requests, dict) and "cpu" in requests and "memory" in requests):
            lacking.append("cpu and memory requests")
        if not (isinstance(limits, dict) and "memory" in limits):
            lacking.append("a memory limit")
        if lacking:
            return _x(s.workload.where(*c.path, "resources"),
                      f"container {c.get('name')} has no {' and no '.join(lacking)}")
    main = s.main()
    if main is None:
        return _x(s.where("containers"), "no containers")
    return _v(s.workload.where(*main.path, "resources"), "requests and limits set")


def _env_literal_secret(s: Subject) -> Judgement | None:
    """A contradiction if a container spells a secret out in ``env[].value``."""
    assert s.workload is not None
    for c in s.containers():
        for i, var in enumerate(c.get("env") or []):
            if not isinstance(var, dict) or not isinstance(var.get("name"), str):
                continue
            value = var.get("value")
            if isinstance(value, str) and value and is_secret_variable(var["name"], value):
                return _x(s.workload.where(*c.path, "env", i, "value"),
                          f"{visible(var['name'])} holds a literal value (a secret belongs in "
                          "a Secret, referenced with valueFrom.secretKeyRef)")
    for cm in s.config_maps:
        data = cm.get("data")
        for key, value in sorted(data.items()) if isinstance(data, dict) else []:
            if isinstance(value, str) and value and is_secret_variable(str(key), value):
                return _x(cm.where("data", key), f"ConfigMap {visible(cm.name)} holds "
                          f"{visible(str(key))} in plain text (a secret belongs in a Secret)")
    return None


@_needs_workload
def judge_config(s: Subject) -> Judgement:
    """Its environment comes from a ConfigMap or Secret; no secret spelled out."""
    found = _env_literal_secret(s)
    if found:
        return found
    assert s.workload is not None
    for c in s.containers():
        refs = [r for r in c.get("envFrom") or [] if isinstance(r, dict)]
        secret_refs = [v for v in c.get("env") or [] if isinstance(v, dict)
                       and isinstance(v.get("valueFrom"), dict)]
        if refs or secret_refs:
            key = "envFrom" if refs else "env"
            return _v(s.workload.where(*c.path, key),
                      f"{key} references " + ", ".join(sorted(_ref_names(refs, secret_refs))))
    return _unknown(f"{s.workload.where(*s.pod)}: no envFrom or valueFrom: nothing to judge")


def _ref_names(refs: list[dict[str, Any]], values: list[dict[str, Any]]) -> set[str]:
    names: set[str] = set()
    for r in refs:
        for key in ("configMapRef", "secretRef"):
            if isinstance(r.get(key), dict):
                names.add(f"{key[:-3]} {r[key].get('name')}")
    for v in values:
        for key in ("secretKeyRef", "configMapKeyRef"):
            ref = v["valueFrom"].get(key)
            if isinstance(ref, dict):
                names.add(f"{key[:-6]} {ref.get('name')}")
    return {visible(n) for n in names}


@_needs_workload
def judge_plain_secret(s: Subject) -> Judgement:
    """No secret spelled out in the pod spec; secrets come through Secrets."""
    found = _env_literal_secret(s)
    if found:
        return found
    assert s.workload is not None
    return _v(s.workload.where(*s.pod), "no secret-named variable holds a literal value")


@_needs_workload
def judge_non_root(s: Subject) -> Judgement:
    """``runAsNonRoot: true`` or a non-zero ``runAsUser``, on the pod or every container."""
    assert s.workload is not None
    pod = s.pod_get("securityContext")
    pod = pod if isinstance(pod, dict) else {}

    def non_root(ctx: Any) -> bool | None:
        if not isinstance(ctx, dict):
            return None
        if ctx.get("runAsUser") == 0 or ctx.get("runAsNonRoot") is False:
            return False
        if ctx.get("runAsNonRoot") is True or (isinstance(ctx.get("runAsUser"), int)
                                               and ctx["runAsUser"] > 0):
            return True
        return None

    for c in s.containers():
        said = non_root(c.get("securityContext"))
        if said is None:
            said = non_root(pod)
        if said is False:
            return _x(s.workload.where(*c.path, "securityContext"),
                      f"container {c.get('name')} runs as root (runAsUser 0)")
        if said is None:
            return _x(s.workload.where(*c.path), f"container {c.get('name')} sets neither "
                      "runAsNonRoot nor a non-zero runAsUser: it runs as the image's user, "
                      "often root")
    return _v(s.where("securityContext") if pod else s.where("containers"),
              "runs as non-root")


@_needs_workload
def judge_storage(s: Subject) -> Judgement:
    """Its data is on a claim with an access mode and a size (a StatefulSet's template or a
    PersistentVolumeClaim it mounts)."""
    w = s.workload
    assert w is not None
    templates = w.get("spec", "volumeClaimTemplates") if w.kind == "StatefulSet" else None
    claims: list[tuple[str, Any]] = [
        (w.where("spec", "volumeClaimTemplates", i), t.get("spec"))
        for i, t in enumerate(templates if isinstance(templates, list) else [])
        if isinstance(t, dict)]
    claims += [(d.where("spec"), d.get("spec")) for d in s.claims]
    if not claims:
        return _x(w.where("kind"), f"{w.kind} {w.name} mounts no PersistentVolumeClaim: "
                  "its data would not survive a restart")
    own: list[tuple[str, Any]] = []
    for where, spec in claims:
        spec = spec if isinstance(spec, dict) else {}
        modes = spec.get("accessModes")
        size = (spec.get("resources") or {}).get("requests", {}).get("storage") \
            if isinstance(spec.get("resources"), dict) else None
        if not modes or not size:
            return _x(where, "a claim without "
                      + ("an access mode" if not modes else "a storage size"))
        if "ReadWriteOnce" in modes or "ReadWriteOncePod" in modes:
            own.append((where, spec))
    # A stateful service's own data is one pod's: on ReadWriteOnce. A ReadWriteMany claim
    # next to it holds files it shares with other services (a folder several write).
    if s.service_class == "stateful" and not own:
        where, spec = claims[0]
        return _x(where, f"access mode {', '.join(map(str, spec.get('accessModes')))}: one "
                  "pod's data belongs on ReadWriteOnce")
    where, spec = (own or claims)[0]
    return _v(where, f"claim {', '.join(map(str, spec.get('accessModes')))} "
              f"{spec['resources']['requests']['storage']}")


def _replicas(s: Subject) -> int:
    value = s.workload.get("spec", "replicas") if s.workload else None
    return value if isinstance(value, int) else 1


@_needs_workload
def judge_availability(s: Subject) -> Judgement:
    """Two replicas or more, with a PodDisruptionBudget."""
    assert s.workload is not None
    replicas = _replicas(s)
    if replicas < 2:
        return _x(s.workload.where("spec", "replicas"), f"{replicas} replica")
    if not s.budgets:
        return _x(s.workload.where("spec", "replicas"), f"{replicas} replicas and no "
                  "PodDisruptionBudget selects its pods")
    return _v(s.budgets[0].where("kind"), f"{replicas} replicas; PodDisruptionBudget "
              f"{s.budgets[0].name}")


@_needs_workload
def judge_service_port(s: Subject) -> Judgement:
    """A Service exposes the ports its clients use."""
    assert s.workload is not None
    exposed = set().union(*(_ports_of(d.get("spec", "ports")) for d in s.services))
    if not s.services:
        return _x(s.workload.where("kind"), "no Service selects its pods")
    missing = [p for p in s.client_ports if p not in exposed]
    if missing:
        return _x(s.services[0].where("spec", "ports"),
                  f"port {', '.join(map(str, missing))} is not exposed by a Service")
    return _v(s.services[0].where("spec", "ports"),
              f"Service {s.services[0].name} exposes {', '.join(map(str, sorted(exposed)))}")


@_needs_workload
def judge_no_privileged_port(s: Subject) -> Judgement:
    """No host port below 1024: traffic comes through a Service or an Ingress."""
    assert s.workload is not None
    for c in s.containers():
        for i, p in enumerate(c.get("ports") or []):
            if isinstance(p, dict) and isinstance(p.get("hostPort"), int) \
                    and p["hostPort"] < 1024:
                return _x(s.workload.where(*c.path, "ports", i, "hostPort"),
                          f"hostPort {p['hostPort']}")
    return _v(s.workload.where(*s.pod), "no hostPort below 1024")


def _host_paths(s: Subject) -> list[tuple[int, str]]:
    volumes = s.pod_get("volumes")
    return [(i, str(v["hostPath"].get("path", ""))) for i, v in
            enumerate(volumes if isinstance(volumes, list) else [])
            if isinstance(v, dict) and isinstance(v.get("hostPath"), dict)]


@_needs_workload
def judge_no_docker_socket(s: Subject) -> Judgement:
    """The Docker socket is not mounted from the node."""
    for i, path in _host_paths(s):
        if path.endswith("docker.sock"):
            return _x(s.where("volumes", i, "hostPath"), f"hostPath {visible(path)}")
    return _v(s.where(), "no hostPath to the Docker socket")


@_needs_workload
def judge_no_bind_mount(s: Subject) -> Judgement:
    """No folder of the node is mounted (hostPath): files come from ConfigMaps or claims."""
    for i, path in _host_paths(s):
        return _x(s.where("volumes", i, "hostPath"), f"hostPath {visible(path)}")
    return _v(s.where(), "no hostPath volume")


@_needs_workload
def judge_grace_period(s: Subject) -> Judgement:
    """``terminationGracePeriodSeconds`` is set on the pod."""
    value = s.pod_get("terminationGracePeriodSeconds")
    if isinstance(value, int):
        return _v(s.where("terminationGracePeriodSeconds"),
                  f"terminationGracePeriodSeconds {value}")
    return _x(s.where(), "terminationGracePeriodSeconds is not set (the default 30 s)")


@_needs_workload
def judge_job_retries(s: Subject) -> Judgement:
    """A Job sets backoffLimit, activeDeadlineSeconds and ttlSecondsAfterFinished."""
    assert s.workload is not None
    spec = ("spec", "jobTemplate", "spec") if s.workload.kind == "CronJob" else ("spec",)
    if s.workload.kind not in ("Job", "CronJob"):
        return _unknown(f"{s.workload.where('kind')}: a {s.workload.kind}, not a Job")
    missing = [k for k in ("backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished")
               if s.workload.get(*spec, k) is None]
    if missing:
        return _x(s.workload.where(*spec), "no " + ", no ".join(missing))
    return _v(s.workload.where(*spec, "backoffLimit"),
              "backoffLimit, activeDeadlineSeconds, ttlSecondsAfterFinished set")


def _admitted(s: Subject) -> tuple[set[str], bool, str]:
    """The services the policies admit, whether any rule admits everyone, and where."""
    names: set[str] = set()
    everyone = False
    where = s.policies[0].where("spec", "ingress")
    for policy in s.policies:
        for i, rule in enumerate(policy.get("spec", "ingress") or []):
            if not isinstance(rule, dict):
                continue
            peers = rule.get("from")
            if not peers:
                everyone = True
                continue
            for peer in peers if isinstance(peers, list) else []:
                if isinstance(peer, dict) and peer and "podSelector" not in peer:
                    everyone = True  # namespaces or addresses: from outside the project
                    continue
                labels = peer.get("podSelector", {}).get("matchLabels") \
                    if isinstance(peer, dict) and isinstance(peer.get("podSelector"), dict) \
                    else None
                name = s.peer_name(labels) if isinstance(labels, dict) else None
                names.add(name or f"(a peer at {policy.where('spec', 'ingress', i)})")
    return names, everyone, where


def _open_to_all(s: Subject) -> set[Any] | None:
    """The ports the policies admit from outside the project's pods (a rule with no
    ``from``, or whose peers name namespaces or addresses but no pods: how a team narrows
    the base's rule to its ingress controller); None when such a rule lists no ports."""
    found: set[Any] = set()
    for policy in s.policies:
        for rule in policy.get("spec", "ingress") or []:
            if not isinstance(rule, dict):
                continue
            peers = rule.get("from")
            if peers and (not isinstance(peers, list) or any(
                    not isinstance(p, dict) or "podSelector" in p for p in peers)):
                continue
            ports = rule.get("ports")
            if not ports:
                return None
            found |= {p.get("port") for p in ports if isinstance(p, dict)}
    return found


def judge_network_policy(s: Subject) -> Judgement:
    """The NetworkPolicies on its pods admit exactly its dependants."""
    if s.workload is None:
        return _no_workload(s)
    if not s.policies and not s.dependants and s.default_deny is not None:
        return _v(s.default_deny.where("spec", "podSelector"),
                  f"NetworkPolicy {s.default_deny.name} admits nobody, and nothing needs "
                  f"{s.service}")
    if not s.policies:
        return _x(s.workload.where("kind"), f"no NetworkPolicy selects the pods of {s.service}")
    names, everyone, where = _admitted(s)
    routed = s.routed_ports()
    open_ports = _open_to_all(s)
    for port, ingress in routed:
        if open_ports is not None and port not in open_ports:
            return _x(where, f"Ingress {ingress.name} sends to port {port} of {s.service}, "
                      "but no NetworkPolicy admits it from outside its dependants: the "
                      "default deny drops every request")
    extra = sorted(names - s.dependants)
    missing = sorted(s.dependants - names)
    if everyone and not s.published and not routed:
        return _x(where, f"a rule of {s.policies[0].name} admits every pod, but only "
                  f"{', '.join(sorted(s.dependants)) or 'nobody'} needs {s.service}")
    if extra or (missing and not everyone):
        said = []
        if extra:
            said.append("admits " + ", ".join(extra) + " that do not need it")
        if missing and not everyone:
            said.append("shuts out " + ", ".join(missing) + " that need it")
        return _x(where, f"NetworkPolicy {s.policies[0].name} " + "; ".join(said))
    admitted = sorted(names) + [f"the Ingress on port {p}"
                                for p in dict.fromkeys(p for p, _ in routed)]
    return _v(where, f"NetworkPolicy {s.policies[0].name} admits "
              f"{', '.join(admitted) or 'nobody'}")


def judge_all_policies(subjects: Sequence[Subject]) -> Judgement:
    """Every service's pods have NetworkPolicies admitting exactly its dependants."""
    first: Judgement | None = None
    for s in subjects:
        if s.workload is None or s.kind in ("job", "dev-only"):
            continue
        judged = judge_network_policy(s)
        if judged.verdict == "contradicted":
            return Judgement("contradicted", f"{judged.evidence} ({s.service})")
        first = first or judged
    if first is None:
        return _unknown("no workload to judge")
    return Judgement("verified", f"every workload's NetworkPolicy admits exactly its "
                     f"dependants (e.g. {first.evidence})")


SERVICE_JUDGES: Mapping[str, ServiceJudge] = {
    "workload": judge_workload,
    "job-manifest": judge_job,
    "image": judge_image,
    "probes": judge_probes,
    "resources": judge_resources,
    "fix-no-resource-limits": judge_resources,
    "config": judge_config,
    "job-config": judge_config,
    "fix-env-file": judge_config,
    "fix-plain-secret": judge_plain_secret,
    "security-context": judge_non_root,
    "fix-runs-as-root": judge_non_root,
    "data-storage": judge_storage,
    "availability": judge_availability,
    "fix-unexposed-port": judge_service_port,
    "fix-privileged-port": judge_no_privileged_port,
    "fix-docker-socket": judge_no_docker_socket,
    "fix-bind-mount": judge_no_bind_mount,
    "fix-stop-grace-period": judge_grace_period,
    "shutdown": judge_grace_period,
    "job-retries": judge_job_retries,
    "network-policy": judge_network_policy,
}
"""A service item's id suffix -> its judge."""

PROJECT_JUDGES: Mapping[str, ProjectJudge] = {
    "network-policies": judge_all_policies,
}
"""A project item's id suffix -> its judge (over every service)."""
