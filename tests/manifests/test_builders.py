"""Each builder on a small project with one service of each kind
(``tests/fixtures/manifests/kinds/compose.yaml``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from migrate_tui.analysis.pipeline import analyze
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.errors import ManifestError
from migrate_tui.manifests import Manifests, generate_manifests
from migrate_tui.manifests.names import dns_label, seconds, unescaped
from migrate_tui.manifests.probes import probe_action
from tests.manifests.helpers import generated_from

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "manifests" / "kinds"


@cache
def manifests() -> Manifests:
    project = load_project(LoadOptions(path=str(FIXTURE), environ={}))
    return generate_manifests(project, analyze(project))


def obj(kind: str, name: str) -> dict[str, Any]:
    found = [d.body for d in manifests().documents() if d.kind == kind and d.name == name]
    assert found, f"no {kind}/{name}"
    return found[0]


def kinds() -> dict[str, str]:
    return {d.name: d.kind for d in manifests().documents()
            if d.kind in ("Deployment", "StatefulSet", "Job", "CronJob", "DaemonSet")}


def entry(service: str, key: str) -> Any:
    return next(e for e in manifests().entries_for(service) if e.key == key)


def test_workload_by_kind_and_class() -> None:
    assert kinds() == {"shop": "Deployment", "blog": "Deployment", "mqtt": "Deployment",
                       "backup": "CronJob", "logs": "DaemonSet", "store": "StatefulSet"}
    assert "pgadmin" not in kinds() and "debug" not in kinds()  # dev-only, inactive
    assert entry("pgadmin", "image").status == "dropped"
    assert entry("debug", "profiles").status == "dropped"


def test_cronjob_and_job_bounds() -> None:
    spec = obj("CronJob", "backup")["spec"]
    assert spec["schedule"] == "0 3 * * *"
    job = spec["jobTemplate"]["spec"]
    assert job["backoffLimit"] >= 0 and job["activeDeadlineSeconds"] > 0
    assert job["ttlSecondsAfterFinished"] > 0
    assert job["template"]["spec"]["restartPolicy"] == "Never"


def test_sidecar_joins_the_pod_of_its_network_mode_service() -> None:
    pod = obj("Deployment", "shop")["spec"]["template"]["spec"]
    assert [c["name"] for c in pod["containers"]] == ["shop", "metrics"]
    assert "metrics" not in kinds()
    # the sidecar's variables: its envFrom names the ConfigMap made for it (in shop's file)
    env_from = pod["containers"][1]["envFrom"][0]["configMapRef"]["name"]
    assert obj("ConfigMap", env_from)["data"] == {"SCRAPE_INTERVAL": "15s"}
    assert entry("metrics", "environment.SCRAPE_INTERVAL").target.endswith(
        f"ConfigMap/{env_from}")


def test_hardening() -> None:
    pod = obj("Deployment", "shop")["spec"]["template"]["spec"]
    sc = pod["containers"][0]["securityContext"]
    assert sc["runAsNonRoot"] is True and sc["runAsUser"] == 1000 and sc["runAsGroup"] == 1000
    assert sc["capabilities"] == {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}
    assert sc["allowPrivilegeEscalation"] is False and sc["readOnlyRootFilesystem"] is True
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    store = obj("StatefulSet", "store")["spec"]["template"]["spec"]["containers"][0]
    assert "SETUID" in store["securityContext"]["capabilities"]["add"]  # postgres steps down
    assert entry("store", "user").status == "decide"


def test_root_in_compose_is_not_said_to_run_as_root_in_the_pod(tmp_path: Path) -> None:
    """airflow-init runs as ``user: "0:0"`` to chown the folders. The pod sets no runAsUser,
    so it runs as the image's own user (airflow) with every capability dropped: the ledger
    said "runs as root", which sent the team looking for the wrong failure."""
    made = generated_from(tmp_path, "services:\n  init:\n    image: apache/airflow:3.0.2\n"
                          "    user: '0:0'\n    command: ['bash', '-c', 'chown -R 50000 /x']\n")
    (workload,) = [d.body for d in made.documents() if d.name == "init"
                   and d.kind in ("Job", "Deployment")]
    assert "runAsUser" not in str(workload) and "capabilities" in str(workload)
    line = next(e for e in made.entries_for("init") if e.key == "user")
    assert line.status == "decide" and "runs as the image's own user" in line.why
    assert not line.why.startswith("runs as root")


NON_ROOT_WITH_CLAIMS = """\
services:
  kafka:
    image: bitnamilegacy/kafka:4.0
  search:
    image: elasticsearch:7.17.27
  ui:
    image: bitnamilegacy/nginx:1.27
  clickhouse:
    image: docker.io/clickhouse/clickhouse-server:25.12
    user: "101:101"
    volumes: ['clickhouse_data:/var/lib/clickhouse']
  minio:
    image: cgr.dev/chainguard/minio
    volumes: ['minio_data:/data']
  backend:
    image: frappe/erpnext:v16.32.3
    volumes: ['sites:/home/frappe/frappe-bench/sites']
volumes: {clickhouse_data: {}, minio_data: {}, sites: {}}
"""


def test_a_non_root_image_can_write_its_claim(tmp_path: Path) -> None:
    """thingsboard's bitnamilegacy kafka and valkey, temporal's elasticsearch run as a
    non-root user, and a new claim belongs to root: without an fsGroup the pod could not
    write its data folder and crashed (langfuse's clickhouse with its ``user: 101:101``
    and chainguard minio too). bitnamilegacy was not even known as non-root (the
    ledger asked to find its user). A pod with a claim now gets the image's group as
    fsGroup; one without a claim gets none."""
    made = generated_from(tmp_path, NON_ROOT_WITH_CLAIMS)
    pods = {d.name: d.body["spec"]["template"]["spec"] for d in made.documents()
            if d.kind in ("StatefulSet", "Deployment")}
    assert pods["kafka"]["securityContext"]["fsGroup"] == 1001
    assert pods["search"]["securityContext"]["fsGroup"] == 1000
    assert "fsGroup" not in pods["ui"]["securityContext"]
    # langfuse's clickhouse runs as 101:101, its chainguard minio as nonroot: Docker gave
    # their new named volumes the image folder's owner, a new claim is root's
    assert pods["clickhouse"]["securityContext"]["fsGroup"] == 101
    assert pods["minio"]["securityContext"]["fsGroup"] == 65532
    # frappe's image runs as its user frappe (1000): sites was not writable
    assert pods["backend"]["securityContext"]["fsGroup"] == 1000
    assert "fsGroup 101" in next(e for e in made.entries_for("clickhouse")
                                 if e.key == "user").why
    assert pods["kafka"]["containers"][0]["securityContext"]["runAsNonRoot"] is True
    line = next(e for e in made.entries_for("kafka") if e.key == "user")
    assert line.status == "approximated" and "fsGroup 1001" in line.why


def test_unpinned_image_is_a_decision() -> None:
    assert entry("blog", "image").status == "decide"
    assert entry("shop", "image").status == "mapped"


def test_resources_given_and_approximated() -> None:
    shop = obj("Deployment", "shop")["spec"]["template"]["spec"]["containers"][0]
    assert shop["resources"] == {"limits": {"cpu": "500m", "memory": "256Mi"}}
    store = obj("StatefulSet", "store")["spec"]["template"]["spec"]["containers"][0]
    assert store["resources"]["requests"]["memory"] == "512Mi"
    assert entry("store", "deploy.resources").status == "approximated"


def test_pdb_only_with_replicas() -> None:
    assert obj("PodDisruptionBudget", "shop")["spec"]["maxUnavailable"] == 1
    assert not [d for d in manifests().documents()
                if d.kind == "PodDisruptionBudget" and d.name != "shop"]


def test_storage() -> None:
    shared = obj("PersistentVolumeClaim", "shared-media")
    assert shared["spec"]["accessModes"] == ["ReadWriteMany"]
    assert entry("blog", "volumes[0]").status == "decide"
    pod = obj("Deployment", "shop")["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["shop-cache"] == {"name": "shop-cache", "emptyDir": {}}  # a cache
    assert {"medium": "Memory"} in [v.get("emptyDir") for v in volumes.values()]  # tmpfs
    claim = obj("StatefulSet", "store")["spec"]["volumeClaimTemplates"][0]
    assert claim["spec"]["resources"]["requests"]["storage"] == "50Gi"  # the x-migrate hint
    assert obj("StatefulSet", "store")["spec"]["template"]["spec"]["containers"][0][
        "volumeMounts"][0]["mountPath"] == "/var/lib/postgresql/data"
    assert "hostPath" not in str(obj("DaemonSet", "logs"))
    assert entry("logs", "volumes[0]").status == "dropped"


def test_ingress_hosts() -> None:
    shop = obj("Ingress", "shop")["spec"]["rules"]
    assert shop[0]["host"] == "shop.example.org"
    assert shop[0]["http"]["paths"][0]["backend"]["service"]["port"]["number"] == 8080
    assert obj("Ingress", "blog")["spec"]["rules"][0]["host"] == "blog.example.org"
    assert not [d for d in manifests().documents() if d.kind == "Ingress" and d.name == "mqtt"]
    assert any(e.status == "decide" and "1883" in e.why
               for e in manifests().entries_for("mqtt"))


def test_network_policy_admits_published_ports_from_anywhere() -> None:
    rules = obj("NetworkPolicy", "mqtt")["spec"]["ingress"]
    assert {"ports": [{"port": 1883, "protocol": "TCP"}]} in rules


def test_env_values_reach_the_process_unchanged() -> None:
    data = obj("ConfigMap", "shop-env")["data"]
    assert data["GREETING"] == "cost $5 $(not-a-var)"  # envFrom values are not expanded
    assert unescaped("a $$(B) $$$$ c") == "a $(B) $$ c"
    # Compose's $$ goes to the kubelet as it is: the kubelet too reads $$ as $.
    shop = obj("Deployment", "shop")["spec"]["template"]["spec"]["containers"][0]
    assert "GREETING" not in str(shop.get("env", []))


def test_every_object_names_its_compose_line() -> None:
    for doc in manifests().documents():
        if doc.kind == "Kustomization" or doc.name == "default-deny-ingress":
            continue
        where = doc.body["metadata"]["annotations"]["migrate-tui/source"]
        assert where.startswith("compose.yaml:") and where.split(":")[1].isdigit()


def test_probe_actions() -> None:
    assert probe_action(["CMD-SHELL", "curl -f http://localhost:3000/health || exit 1"]) == {
        "httpGet": {"path": "/health", "port": 3000}}
    assert probe_action(["CMD", "curl", "-f", "http://db:3000/"]) == {
        "exec": {"command": ["curl", "-f", "http://db:3000/"]}}  # not the container itself
    assert probe_action(["CMD-SHELL", "curl -X POST http://localhost/"]) == {
        "exec": {"command": ["sh", "-c", "curl -X POST http://localhost/"]}}
    assert probe_action(["NONE"]) is None


def test_names() -> None:
    assert dns_label("web") == "web"
    assert dns_label("My_Service").startswith("my-service-")
    assert dns_label("1password")[0].isalpha()
    assert len(dns_label("x" * 80)) <= 63
    assert seconds("1m30s", 5) == 90 and seconds("500ms", 5) == 1 and seconds(None, 7) == 7


def test_bad_storage_hint(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres:16\n    x-migrate:\n      storage: lots\n")
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    with pytest.raises(ManifestError) as caught:
        generate_manifests(project, analyze(project))
    assert caught.value.path == "services.db.x-migrate.storage"
    assert caught.value.line == 5


def test_catalogue_probe_where_compose_has_none() -> None:
    """store (postgres) has no healthcheck: the catalogue's pg_isready, approximated."""
    store = obj("StatefulSet", "store")["spec"]["template"]["spec"]["containers"][0]
    assert store["readinessProbe"]["exec"]["command"] == [
        "sh", "-c", "pg_isready -U $POSTGRES_USER"]
    assert entry("store", "healthcheck").status == "approximated"
    mqtt = obj("Deployment", "mqtt")["spec"]["template"]["spec"]["containers"][0]
    assert mqtt["readinessProbe"]["tcpSocket"]["port"] == 1883  # unknown image: TCP
    assert entry("mqtt", "healthcheck").status == "decide"
    from migrate_tui.manifests.probes import catalogue_probe

    class Entry:
        probe = "exec: pg_isready -U $POSTGRES_USER"

    assert catalogue_probe(Entry(), {}) is None  # the variable it needs is not set


def test_a_port_published_on_loopback_stays_inside_the_cluster(tmp_path: Path) -> None:
    """``127.0.0.1:8080:80`` is reachable from the host alone: no public Ingress, no
    any-source NetworkPolicy rule, and the analysis routes it ClusterIP, like the plan says."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  admin:\n    image: nginx:1.27\n    ports: ['127.0.0.1:8080:80']\n"
        "  site:\n    image: nginx:1.27\n    ports: ['8081:80']\n")
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    analysis = analyze(project)
    docs = generate_manifests(project, analysis).documents()
    ingresses = {d.name for d in docs if d.kind == "Ingress"}
    assert ingresses == {"site"}
    policy = next(d.body for d in docs if d.kind == "NetworkPolicy" and d.name == "admin")
    assert all("from" in rule for rule in policy["spec"].get("ingress") or [])
    route = next(r for r in analysis.routes if r.service == "admin")
    assert route.target == "ClusterIP" and "port-forward" in route.notes[0]
    site = next(r for r in analysis.routes if r.service == "site")
    assert site.target == "Ingress"


def test_a_label_driven_proxy_is_not_deployed_a_configured_one_runs_behind_an_ingress() -> None:
    """Traefik reading the Docker socket (saas) cannot run in a cluster: no workload, its
    routes are the services' own Ingresses. The nginx with its own nginx.conf (webapp) runs
    as it is behind an Ingress until its rules are carried over (the plan's items)."""
    samples = FIXTURE.parents[3] / "sample_projects"
    made = {}
    for name in ("saas", "webapp"):
        project = load_project(LoadOptions(path=str(samples / name), environ={}))
        analysis = analyze(project)
        assert [p.service for p in analysis.proxies] == ["proxy"], name
        made[name] = generate_manifests(project, analysis)
    saas, webapp = made["saas"], made["webapp"]
    assert not [d for d in saas.documents() if d.name == "proxy"]
    assert {e.status for e in saas.entries_for("proxy")} == {"dropped"}
    assert "Ingress controller" in saas.entries_for("proxy")[0].why
    assert {"api", "web", "realtime"} <= {d.name for d in saas.documents() if d.kind == "Ingress"}
    assert {(d.kind, d.name) for d in webapp.documents() if d.name == "proxy"} >= {
        ("Deployment", "proxy"), ("Ingress", "proxy")}


def test_a_service_renamed_for_kubernetes_tells_its_clients(tmp_path: Path) -> None:
    """``My_API`` cannot be a Service name: the Service is another name, and the clients
    that call it My_API must be told (a ledger decision, and so a plan item)."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  My_API:\n    image: nginx:1.27\n    expose: ['80']\n"
        "  worker:\n    image: busybox:1.36\n    environment: {API_URL: 'http://My_API/'}\n"
        "    depends_on: [My_API]\n"
        "  api:\n    image: nginx:1.27\n    expose: ['80']\n")
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    made = generate_manifests(project, analyze(project))
    service = next(d for d in made.documents() if d.kind == "Service"
                   and d.name.startswith("my-api-"))
    told = [e for e in made.entries_for("My_API") if e.key == "name"]
    assert [e.status for e in told] == ["decide"]
    assert f"worker must call it {service.name}" in told[0].why
    assert not [e for e in made.entries_for("api") if e.key == "name"]


def test_a_published_udp_port_asks_for_a_load_balancer(tmp_path: Path) -> None:
    """The analysis routes 514/udp to a LoadBalancer; the ledger says the same (an Ingress
    cannot carry it), not "through the Ingress"."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  syslog:\n    image: balabit/syslog-ng:4.8.0\n    ports: ['514:514/udp']\n")
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    analysis = analyze(project)
    assert [r.target for r in analysis.routes] == ["LoadBalancer"]
    entries = generate_manifests(project, analysis).entries_for("syslog")
    decided = [e.why for e in entries if e.key == "ports" and e.status == "decide"]
    assert decided == ["port 514/udp is published: expose it with a LoadBalancer Service "
                       "(an Ingress carries HTTP only)"]
    assert "Ingress" not in next(e.why for e in entries if e.key == "ports[0]")


def test_a_variable_naming_a_service_not_deployed_is_a_decision() -> None:
    """saas' override sends mail to mailpit, a dev-profile tool the cluster will not run:
    the base keeps the value, the ledger asks for the cluster's; the debug switch of the
    override is flagged beside its entry (the plan's dev-settings item asks for it)."""
    folder = FIXTURE.parents[3] / "sample_projects" / "saas"
    project = load_project(LoadOptions(path=str(folder), environ={}))
    made = generate_manifests(project, analyze(project))
    smtp = {s: e for s in ("api", "worker-billing") for e in made.entries_for(s)
            if e.key == "environment.SMTP_HOST"}
    assert smtp["api"].status == "decide"
    assert smtp["api"].why.startswith("SMTP_HOST names mailpit, which is not deployed")
    assert smtp["worker-billing"].status == "mapped"  # its own relay, no mailpit
    debug = next(e for e in made.entries_for("api") if e.key == "environment.DJANGO_DEBUG")
    assert debug.status == "mapped" and "debug mode" in debug.why


_DEVICES = ("    deploy:\n      resources:\n        reservations:\n          devices:\n"
            "            - driver: nvidia\n              count: {}\n"
            "              capabilities: [gpu]\n")
_VLLM = "  {}:\n    image: vllm/vllm-openai:v0.6.3\n"


@pytest.mark.parametrize(("compose", "key"), [
    ("services:\n" + _VLLM.format("infer") + _DEVICES.format(2) + _VLLM.format("pinned")
     + _DEVICES.replace("count: {}", "device_ids: ['0']") + _VLLM.format("all")
     + _DEVICES.format("all"), "deploy.resources.reservations.devices"),
    ("services:\n" + _VLLM.format("infer") + "    gpus:\n      - driver: nvidia\n"
     "        count: 2\n" + _VLLM.format("pinned") + "    gpus:\n      - device_ids: ['0']\n"
     + _VLLM.format("all") + "    gpus: all\n", "gpus"),
])
def test_gpu_requests_become_extended_resources(tmp_path: Path, compose: str,
                                                key: str) -> None:
    """``count: 2`` of NVIDIA GPUs is ``nvidia.com/gpu: 2`` (device ids count too), under
    ``deploy`` as under the service-level ``gpus``; ``all`` has no form in Kubernetes and
    stays a decision, with no limit made up."""
    made = generated_from(tmp_path, compose)

    def limits(name: str) -> dict[str, str]:
        pod = next(d.body for d in made.documents() if d.kind == "Deployment"
                   and d.name == name)["spec"]["template"]["spec"]
        return dict(pod["containers"][0]["resources"].get("limits", {}))

    def status(name: str) -> str:
        return next(e.status for e in made.entries_for(name) if e.key == key)

    assert limits("infer")["nvidia.com/gpu"] == "2" and status("infer") == "approximated"
    assert limits("pinned")["nvidia.com/gpu"] == "1" and status("pinned") == "approximated"
    assert "nvidia.com/gpu" not in limits("all") and status("all") == "decide"


@pytest.mark.parametrize("request_", [_DEVICES.format("all"), "    gpus: all\n"])
def test_a_node_agent_watching_every_gpu_runs_on_the_gpu_nodes(tmp_path: Path,
                                                               request_: str) -> None:
    """A GPU exporter (a DaemonSet) asks Compose for every GPU to watch them: in a cluster it
    belongs on each GPU node, with no ``nvidia.com/gpu`` limit that would take the GPUs from
    the workloads; before, it ran on every node, GPU or not, and the ledger left it open. A
    Deployment asking for every GPU stays a decision."""
    made = generated_from(tmp_path, "services:\n  dcgm-exporter:\n    image: "
                          "nvcr.io/nvidia/k8s/dcgm-exporter:3.3.8-3.6.0-ubuntu22.04\n"
                          + request_ + _VLLM.format("infer") + request_)
    agent = next(d.body for d in made.documents() if d.kind == "DaemonSet")
    pod = agent["spec"]["template"]["spec"]
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert "nvidia.com/gpu" not in pod["containers"][0]["resources"].get("limits", {})
    key = "gpus" if "gpus:" in request_ else "deploy.resources.reservations.devices"
    line = next(e for e in made.entries_for("dcgm-exporter") if e.key == key)
    assert line.status == "approximated" and "taking no GPU" in line.why
    infer = next(d.body for d in made.documents() if d.name == "infer" and d.kind ==
                 "Deployment")["spec"]["template"]["spec"]
    assert "nodeSelector" not in infer
    assert all(e.status == "decide" for e in made.entries_for("infer") if e.key == key)


@pytest.mark.parametrize(("labels", "env", "rule"), [
    (["traefik.enable=true", "traefik.http.routers.go.rule=Path(`/`)",
      "traefik.http.services.go.loadbalancer.server.port=8080"], {}, {"path": "/"}),
    ([], {"VIRTUAL_HOST": "erp.example.com", "VIRTUAL_PORT": "8080"},
     {"host": "erp.example.com", "path": "/"}),
])
def test_a_route_in_labels_or_variables_becomes_the_services_ingress(
        tmp_path: Path, labels: list[str], env: dict[str, str], rule: dict[str, str]) -> None:
    """The proxy reading them is not deployed, so the service's own Ingress must carry the
    route: by path alone (any host, as Traefik's Path rule), or by VIRTUAL_HOST, to the port
    the proxy sent to (never published, declared nowhere else), which its policy admits."""
    import yaml

    proxy = ({"image": "traefik:v3.1", "command": "--providers.docker"} if labels else
             {"image": "nginxproxy/nginx-proxy:1.6"})
    proxy |= {"ports": ["80:80"], "volumes": ["/var/run/docker.sock:/var/run/docker.sock:ro"]}
    (tmp_path / "compose.yaml").write_text(yaml.safe_dump({"services": {
        "proxy": proxy,
        "app": {"image": "example/app:1.0", "labels": labels, "environment": env}}}))
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    docs = generate_manifests(project, analyze(project)).documents()
    assert not [d for d in docs if d.name == "proxy"]
    ingress = next(d.body for d in docs if d.kind == "Ingress" and d.name == "app")
    (made,) = ingress["spec"]["rules"]
    assert {k: v for k, v in made.items() if k == "host"} == {
        k: v for k, v in rule.items() if k == "host"}
    path = made["http"]["paths"][0]
    assert path["path"] == rule["path"]
    assert path["backend"]["service"]["port"]["number"] == 8080
    policy = next(d.body for d in docs if d.kind == "NetworkPolicy" and d.name == "app")
    assert {"ports": [{"port": 8080, "protocol": "TCP"}]} in policy["spec"]["ingress"]


def test_proxy_routes_each_get_their_port_and_what_no_ingress_carries_is_a_decision(
        tmp_path: Path) -> None:
    """Two Traefik routers of one service to two ports; a TCP router (no Ingress, no open
    policy rule); a sidecar's labels (its pod's Ingress); a route naming no port (the pod's
    only port, or a decision when there is none to take)."""
    import yaml

    (tmp_path / "compose.yaml").write_text(yaml.safe_dump({"services": {
        "traefik": {"image": "traefik:v3.1", "command": "--providers.docker",
                    "ports": ["80:80"],
                    "volumes": ["/var/run/docker.sock:/var/run/docker.sock:ro"]},
        "minio": {"image": "minio/minio:RELEASE.2024-10-13T13-34-11Z", "labels": {
            "traefik.http.routers.s3.rule": "Host(`s3.example.org`)",
            "traefik.http.routers.s3.service": "s3",
            "traefik.http.services.s3.loadbalancer.server.port": "9000",
            "traefik.http.routers.console.rule": "Host(`console.example.org`)",
            "traefik.http.routers.console.service": "console",
            "traefik.http.services.console.loadbalancer.server.port": "9001"}},
        "db": {"image": "postgres:16", "labels": {
            "traefik.tcp.routers.pg.rule": "HostSNI(`*`)",
            "traefik.tcp.services.pg.loadbalancer.server.port": "5432"}},
        "vpn": {"image": "qmcgaw/gluetun:v3"},
        "torrent": {"image": "example/torrent:1.0", "network_mode": "service:vpn", "labels": {
            "traefik.http.routers.qb.rule": "Host(`qb.example.org`)",
            "traefik.http.services.qb.loadbalancer.server.port": "8085"}},
        "one": {"image": "example/one:1.0", "expose": ["7000"],
                "labels": {"traefik.http.routers.one.rule": "Host(`one.example.org`)"}},
        "whoami": {"image": "example/whoami:1.0",
                   "labels": {"traefik.http.routers.w.rule": "Host(`w.example.org`)"}},
    }}))
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    made = generate_manifests(project, analyze(project))
    docs = made.documents()

    def paths(name: str) -> set[tuple[str | None, str, int]]:
        ingress = next((d.body for d in docs if d.kind == "Ingress" and d.name == name), None)
        return set() if ingress is None else {
            (rule.get("host"), p["path"], p["backend"]["service"]["port"]["number"])
            for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]}

    def open_ports(name: str) -> set[int]:
        policy = next(d.body for d in docs if d.kind == "NetworkPolicy" and d.name == name)
        return {p["port"] for r in policy["spec"].get("ingress", []) if "from" not in r
                for p in r["ports"]}

    assert paths("minio") == {("s3.example.org", "/", 9000),
                              ("console.example.org", "/", 9001)}
    assert open_ports("minio") == {9000, 9001}
    assert paths("db") == set() and 5432 not in open_ports("db")
    assert [e.status for e in made.entries_for("db") if e.key == "labels"] == ["decide"]
    assert paths("vpn") == {("qb.example.org", "/", 8085)}
    assert paths("one") == {("one.example.org", "/", 7000)}
    assert paths("whoami") == set()
    told = [e.why for e in made.entries_for("whoami") if e.key == "labels"]
    assert told and "names no port" in told[0]


def test_ports_published_on_loopback_alone_ask_for_no_public_entry(tmp_path: Path) -> None:
    """No ingress controller, TLS or DNS items when nothing is published beyond the host."""
    from migrate_tui.planning.build import make_plan

    (tmp_path / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres:16\n    ports: ['127.0.0.1:5432:5432']\n")
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    ids = {i.id for i in make_plan(project, analyze(project)).items()}
    assert "project.ingress-tls" not in ids


def test_a_traefik_path_is_exact_a_prefix_a_prefix_and_a_regexp_a_decision(
        tmp_path: Path) -> None:
    """``Path`` matches one path (Ingress ``Exact``), ``PathPrefix`` a prefix; a regular
    expression has no Ingress match: no path is made for it, the ledger asks."""
    import yaml

    def labels(router: str, rule: str) -> dict[str, str]:
        return {f"traefik.http.routers.{router}.rule": rule,
                f"traefik.http.services.{router}.loadbalancer.server.port": "8080"}

    (tmp_path / "compose.yaml").write_text(yaml.safe_dump({"services": {
        "traefik": {"image": "traefik:v3.1", "command": "--providers.docker",
                    "ports": ["80:80"],
                    "volumes": ["/var/run/docker.sock:/var/run/docker.sock:ro"]},
        "health": {"image": "example/a:1.0",
                   "labels": labels("h", "Host(`a.example.org`) && Path(`/healthz`)")},
        "api": {"image": "example/b:1.0",
                "labels": labels("p", "Host(`a.example.org`) && PathPrefix(`/api`)")},
        "items": {"image": "example/c:1.0",
                  "labels": labels("r", "Host(`a.example.org`) && PathRegexp(`^/i/[0-9]+`)")},
    }}))
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    made = generate_manifests(project, analyze(project))
    docs = made.documents()

    def paths(name: str) -> list[tuple[str, str]]:
        ingress = next((d.body for d in docs if d.kind == "Ingress" and d.name == name), None)
        return [] if ingress is None else [
            (p["path"], p["pathType"])
            for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]]

    assert paths("health") == [("/healthz", "Exact")]
    assert paths("api") == [("/api", "Prefix")]
    assert paths("items") == []
    told = [e for e in made.entries_for("items") if e.key == "labels"]
    assert [e.status for e in told] == ["decide"] and "^/i/[0-9]+" in told[0].why


def test_a_traefik_route_naming_no_port_takes_the_detected_one_and_says_so(
        tmp_path: Path) -> None:
    """Traefik's port detection: the only port a container exposes (here: declared,
    published, the catalogue's for its image, or the pod's only one from a client), the
    lowest of several. The Ingress does the same, approximated; no port at all: a decision."""
    import yaml

    def rule(name: str) -> dict[str, str]:
        return {f"traefik.http.routers.{name}.rule": f"Host(`{name}.example.org`)"}

    (tmp_path / "compose.yaml").write_text(yaml.safe_dump({"services": {
        "traefik": {"image": "traefik:v3.1", "command": "--providers.docker",
                    "ports": ["80:80"],
                    "volumes": ["/var/run/docker.sock:/var/run/docker.sock:ro"]},
        "pub": {"image": "example/pub:1.0", "ports": ["8081:8080"], "labels": rule("pub")},
        "two": {"image": "example/two:1.0", "expose": ["9000", "8000"], "labels": rule("two")},
        "web": {"image": "nginx:1.27", "labels": rule("web")},
        "called": {"image": "example/called:1.0", "labels": rule("called")},
        "client": {"image": "example/client:1.0",
                   "environment": {"CALLED_URL": "http://called:3000"}},
        "none": {"image": "example/none:1.0", "labels": rule("none")},
        "named": {"image": "example/named:1.0", "expose": ["7000"], "labels": {
            **rule("named"), "traefik.http.services.named.loadbalancer.server.port": "7000"}},
    }}))
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    made = generate_manifests(project, analyze(project))
    docs = made.documents()

    def port(name: str) -> int | None:
        ingress = next((d.body for d in docs if d.kind == "Ingress" and d.name == name), None)
        return None if ingress is None else \
            ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"][
                "number"]

    def said(name: str) -> list[tuple[str, str]]:
        return [(e.status, e.why) for e in made.entries_for(name) if e.key == "labels"]

    expected = {"pub": (8080, "the only port"), "two": (8000, "the lowest"),
                "web": (80, "the catalogue"), "called": (3000, "the pod's only port")}
    for name, (number, why) in expected.items():
        assert port(name) == number, name
        ((status, text),) = said(name)
        assert status == "approximated" and why in text and f"port {number}" in text, name
    assert port("named") == 7000 and [s for s, _ in said("named")] == ["mapped"]
    assert port("none") is None and [s for s, _ in said("none")] == ["decide"]


def test_a_secret_value_that_is_also_an_options_name_leaves_the_option_alone(
        tmp_path: Path) -> None:
    """frappe's create-site runs ``bench new-site --admin-password=admin`` where the root
    password is ``admin`` too: the command became ``--$(SECRET_...)-password=$(SECRET_...)``,
    an option renamed the day the password is rotated. The option's name stays; its value
    (and a short option's glued value) is still a reference."""
    made = generated_from(tmp_path, (
        "services:\n  db:\n    image: mariadb:11.8\n"
        "    environment: {MARIADB_ROOT_PASSWORD: admin}\n"
        "  create-site:\n    image: frappe/erpnext:v16.32.3\n"
        "    environment: {MARIADB_ROOT_PASSWORD: admin}\n"
        "    entrypoint: [bash, -c]\n"
        "    command: ['bench new-site --admin-password=admin --db-root-password=admin; "
        "mysql -padmin --admin x']\n"))
    (job,) = [d.body for d in made.documents() if d.name == "create-site"]
    args = job["spec"]["template"]["spec"]["containers"][0]["args"][0]
    assert args == ("bench new-site --admin-password=$(MARIADB_ROOT_PASSWORD) "
                    "--db-root-password=$(MARIADB_ROOT_PASSWORD); "
                    "mysql -p$(MARIADB_ROOT_PASSWORD) --admin x")


def test_a_class_name_or_a_bare_url_under_a_key_name_stays_in_the_configmap(
        tmp_path: Path) -> None:
    """kafbat's kafka-connect0 has CONNECT_KEY_CONVERTER=org.apache...StringConverter and
    CONNECT_KEY_CONVERTER_SCHEMA_REGISTRY_URL=http://schemaregistry0:8085: named like keys,
    they went to the Secret, whose secrets.env starts empty, so the converter was lost.
    A Java class name and a URL of only a host and port are no secrets; a URL with a
    password still is."""
    made = generated_from(tmp_path, (
        "services:\n  connect:\n    image: confluentinc/cp-kafka-connect:7.8.0\n"
        "    environment:\n"
        "      CONNECT_KEY_CONVERTER: org.apache.kafka.connect.storage.StringConverter\n"
        "      CONNECT_KEY_CONVERTER_SCHEMA_REGISTRY_URL: http://schemaregistry0:8085\n"
        "      CONNECT_SECRET_KEY: s3cr3t-Value\n"
        "      CONNECT_KEY_URL: http://user:pa55word@registry:8085\n"))
    (config,) = [d.body for d in made.documents() if d.kind == "ConfigMap"
                 and d.name == "connect-env"]
    assert set(config["data"]) == {"CONNECT_KEY_CONVERTER",
                                   "CONNECT_KEY_CONVERTER_SCHEMA_REGISTRY_URL"}
    secret = {e.key for e in made.entries_for("connect") if "a secret" in e.why}
    assert secret == {"environment.CONNECT_SECRET_KEY", "environment.CONNECT_KEY_URL"}


def test_a_server_listening_on_its_own_name_listens_on_every_address(
        tmp_path: Path) -> None:
    """kafbat's kafka0 listens on PLAINTEXT://kafka0:29092 and its schema registry on
    http://schemaregistry0:8085: in the cluster those names are their Services' addresses,
    which a pod cannot bind, so both crashed at start. The listener's host becomes 0.0.0.0
    (the advertised one keeps the name), and the ledger asks for the controller port only
    the broker itself calls (its quorum voters name it)."""
    made = generated_from(tmp_path, (
        "services:\n  kafka0:\n    image: confluentinc/cp-kafka:7.8.0\n"
        "    hostname: kafka0\n    ports: ['9092:9092']\n    environment:\n"
        "      KAFKA_LISTENERS: 'PLAINTEXT://kafka0:29092,CONTROLLER://kafka0:29093,"
        "PLAINTEXT_HOST://0.0.0.0:9092'\n"
        "      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://kafka0:29092'\n"
        "      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka0:29093'\n"
        "  registry:\n    image: confluentinc/cp-schema-registry:7.8.0\n"
        "    environment:\n      SCHEMA_REGISTRY_LISTENERS: http://registry:8085\n"
        "      SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: PLAINTEXT://kafka0:29092\n"))
    data = {d.name: d.body["data"] for d in made.documents() if d.kind == "ConfigMap"}
    assert data["kafka0-env"]["KAFKA_LISTENERS"] == (
        "PLAINTEXT://0.0.0.0:29092,CONTROLLER://0.0.0.0:29093,PLAINTEXT_HOST://0.0.0.0:9092")
    assert data["kafka0-env"]["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://kafka0:29092"
    assert data["registry-env"]["SCHEMA_REGISTRY_LISTENERS"] == "http://0.0.0.0:8085"
    line = next(e for e in made.entries_for("kafka0")
                if e.key == "environment.KAFKA_LISTENERS")
    assert line.status == "decide" and "port 29093 is on no Service" in line.why
    # a listener port it never calls itself on is no decision (the registry's 8085)
    line = next(e for e in made.entries_for("registry")
                if e.key == "environment.SCHEMA_REGISTRY_LISTENERS")
    assert line.status == "approximated" and "0.0.0.0" in line.why
