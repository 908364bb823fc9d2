"""What a platform engineer applying the base would hit: pods that would not start, clients
that could not connect, data that would not persist (found by applying real corpus projects:
DefectDojo, supabase, airflow, netbox, awesome-compose)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate_tui.analysis.pipeline import analyze
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.manifests import Manifests, generate_manifests


def made(tmp_path: Path, compose: str) -> Manifests:
    (tmp_path / "compose.yaml").write_text(compose)
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    return generate_manifests(project, analyze(project))


def obj(manifests: Manifests, kind: str, name: str) -> dict[str, Any]:
    found = [d.body for d in manifests.documents() if d.kind == kind and d.name == name]
    assert found, f"no {kind}/{name}"
    return found[0]


def container(manifests: Manifests, kind: str, name: str) -> dict[str, Any]:
    return obj(manifests, kind, name)["spec"]["template"]["spec"]["containers"][0]  # type: ignore[no-any-return]


def test_valkey_steps_down_like_redis(tmp_path: Path) -> None:
    """The official Valkey image's entrypoint is Redis's: as root it chowns /data and
    switches to the valkey user, which fails (and the pod crash-loops) with every capability
    dropped (DefectDojo's valkey)."""
    m = made(tmp_path, "services:\n  cache:\n    image: valkey/valkey:8.0-alpine\n"
                       "    volumes: ['data:/data']\nvolumes:\n  data: {}\n")
    add = container(m, "StatefulSet", "cache")["securityContext"]["capabilities"]["add"]
    assert {"CHOWN", "SETUID", "SETGID"} <= set(add)


def test_a_user_name_leaves_the_image_user_so_a_stepping_image_keeps_its_capabilities(
        tmp_path: Path) -> None:
    """``user: postgres`` has no uid for runAsUser: the pod runs as the image's user, root,
    whose entrypoint chowns the data and switches user; with every capability dropped that
    fails (awesome-compose's nginx-golang-postgres). A numeric user needs none of them."""
    m = made(tmp_path, "services:\n"
                       "  db:\n    image: postgres:16\n    user: postgres\n"
                       "  named:\n    image: postgres:16\n    user: '999'\n")
    sc = container(m, "StatefulSet", "db")["securityContext"]
    assert {"CHOWN", "SETUID", "SETGID"} <= set(sc["capabilities"]["add"])
    entry = next(e for e in m.entries_for("db") if e.key == "user")
    assert entry.status == "decide" and "switches user" in entry.why
    numeric = container(m, "StatefulSet", "named")["securityContext"]
    assert numeric["runAsUser"] == 999 and "add" not in numeric["capabilities"]


def test_a_database_folder_bound_at_its_data_path_gets_a_claim(tmp_path: Path) -> None:
    """``./volumes/db/data:/var/lib/postgresql/data`` holds the database: dropped, the data
    lived in the container and was lost on every restart while the claim went to another
    mount (supabase's db). It gets the claim template the plan's data-copy item asks for,
    whether the folder is in the project or elsewhere on the host."""
    (tmp_path / "volumes" / "db" / "data").mkdir(parents=True)
    m = made(tmp_path, "services:\n"
                       "  db:\n    image: postgres:16\n    volumes:\n"
                       "      - ./volumes/db/data:/var/lib/postgresql/data\n"
                       "      - db-config:/etc/postgresql-custom\n"
                       "  mysql:\n    image: mysql:8.4\n"
                       "    volumes: ['/srv/mysql:/var/lib/mysql']\n"
                       "volumes:\n  db-config: {}\n")
    db = obj(m, "StatefulSet", "db")
    claims = {t["metadata"]["name"]: t["spec"]["resources"]["requests"]["storage"]
              for t in db["spec"]["volumeClaimTemplates"]}
    mounts = {v["mountPath"]: v["name"] for v in db["spec"]["template"]["spec"]["containers"][0]
              ["volumeMounts"]}
    assert claims[mounts["/var/lib/postgresql/data"]] == "10Gi"
    assert mounts["/etc/postgresql-custom"] in claims
    entry = next(e for e in m.entries_for("db") if e.key == "volumes[0]")
    assert entry.status == "approximated" and "data folder ./volumes/db/data" in entry.why
    mysql = obj(m, "StatefulSet", "mysql")
    path = {v["mountPath"] for v in mysql["spec"]["template"]["spec"]["containers"][0]
            ["volumeMounts"]}
    assert "/var/lib/mysql" in path and mysql["spec"]["volumeClaimTemplates"]


def test_a_healthcheck_calling_its_own_name_probes_localhost(tmp_path: Path) -> None:
    """supabase's studio checks ``http://studio:3000/...`` and storage
    ``http://storage:5000/status``: in a pod that name is no Service (they publish no port)
    or the Service of every replica, so the probe failed for ever and liveness restarted the
    pod. It calls localhost, as an httpGet where it is a plain curl or wget."""
    m = made(tmp_path, "services:\n"
             "  studio:\n    image: supabase/studio:1\n    healthcheck:\n"
             "      test: [CMD, node, -e, \"fetch('http://studio:3000/api').then(r => 1)\"]\n"
             "  storage:\n    image: supabase/storage-api:1\n    hostname: store\n"
             "    healthcheck:\n"
             "      test: [CMD, wget, --no-verbose, --tries=1, --spider, 'http://store:5000/status']\n"
             "  other:\n    image: curlimages/curl:8\n    healthcheck:\n"
             "      test: [CMD-SHELL, 'curl -f http://studio:3000/ || exit 1']\n")
    studio = container(m, "Deployment", "studio")["readinessProbe"]["exec"]["command"]
    assert studio[-1] == "fetch('http://localhost:3000/api').then(r => 1)"
    storage = container(m, "Deployment", "storage")["livenessProbe"]
    assert storage["httpGet"] == {"path": "/status", "port": 5000}
    other = container(m, "Deployment", "other")["readinessProbe"]["exec"]["command"]
    assert other == ["sh", "-c", "curl -f http://studio:3000/ || exit 1"]  # another service
    why = next(e.why for e in m.entries_for("studio") if e.key == "healthcheck.test")
    assert "localhost where it called itself" in why


def test_a_host_variable_takes_the_port_of_its_sibling(tmp_path: Path) -> None:
    """DefectDojo's nginx reaches ``DD_UWSGI_HOST=uwsgi`` on ``DD_UWSGI_PORT=3031``, and
    uwsgi publishes nothing: with no port known, uwsgi had no Service (nginx could not
    resolve it) and no NetworkPolicy rule (the default deny dropped it)."""
    m = made(tmp_path, "services:\n"
             "  nginx:\n    image: nginx:1.27\n    ports: ['8080:8080']\n"
             "    depends_on: [uwsgi]\n"
             "    environment: {DD_UWSGI_HOST: uwsgi, DD_UWSGI_PORT: '3031'}\n"
             "  uwsgi:\n    image: acme/django:1.0\n")
    service = obj(m, "Service", "uwsgi")
    assert [p["port"] for p in service["spec"]["ports"]] == [3031]
    [rule] = obj(m, "NetworkPolicy", "uwsgi")["spec"]["ingress"]
    assert [p["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for p in rule["from"]
            ] == ["nginx"]
    assert rule["ports"] == [{"port": 3031, "protocol": "TCP"}]


def test_depends_on_a_service_with_no_port_says_it_has_no_service(tmp_path: Path) -> None:
    """awesome-compose's proxy (nginx) depends on backend, whose port is only in the nginx
    configuration: backend gets no Service nor NetworkPolicy, and the ledger said the
    NetworkPolicy admits the proxy. It is a decision now."""
    m = made(tmp_path, "services:\n"
             "  proxy:\n    image: nginx:1.27\n    ports: ['80:80']\n    depends_on: [backend]\n"
             "  backend:\n    image: acme/backend:1.0\n")
    assert not [d for d in m.documents() if d.name == "backend" and d.kind == "Service"]
    entry = next(e for e in m.entries_for("proxy") if e.key == "depends_on.backend")
    assert entry.status == "decide" and entry.why.startswith("backend has no Service")


def test_a_password_the_project_shows_in_the_open_is_not_scrubbed_everywhere(
        tmp_path: Path) -> None:
    """airflow's password is ``airflow``, its user name too: replacing that word wherever it
    showed rewrote the init job's script (``/opt/$(PASSWORD)/dags``, ``/entrypoint
    $(PASSWORD) version``), broken once a real password is set, and moved every variable
    naming a path or URL with "airflow" in it into the Secret with no value. The password
    itself stays in the Secret; a real secret value is still scrubbed."""
    m = made(tmp_path, "services:\n"
             "  postgres:\n    image: postgres:16\n"
             "    environment: {POSTGRES_USER: airflow, POSTGRES_PASSWORD: airflow,\n"
             "                  POSTGRES_DB: airflow}\n"
             "  init:\n    image: apache/airflow:3.0.0\n    depends_on: [postgres]\n"
             "    entrypoint: /bin/bash\n"
             "    command: [-c, 'mkdir -p /opt/airflow/dags && redis-cli -a s3cr3t-Value ping']\n"
             "    environment:\n"
             "      AIRFLOW_CONFIG: /opt/airflow/config/airflow.cfg\n"
             "      REDIS_PASSWORD: s3cr3t-Value\n"
             "      SQL_CONN: postgresql://airflow:airflow@postgres/airflow\n")
    init = container(m, "Job", "init")
    assert init["args"][1].startswith("mkdir -p /opt/airflow/dags && redis-cli -a $(")
    assert "s3cr3t-Value" not in init["args"][1]
    config = obj(m, "ConfigMap", "init-env")["data"]
    assert config["AIRFLOW_CONFIG"] == "/opt/airflow/config/airflow.cfg"
    assert obj(m, "ConfigMap", "postgres-env")["data"] == {"POSTGRES_DB": "airflow",
                                                          "POSTGRES_USER": "airflow"}
    secret = {e["name"] for e in container(m, "StatefulSet", "postgres")["env"]}
    assert secret == {"POSTGRES_PASSWORD"}
    assert "SQL_CONN" in {e["name"] for e in init["env"]}  # a password in a URL: a secret


def test_the_elasticsearch_probe_counts_a_secured_node_as_up(tmp_path: Path) -> None:
    """docker-elk's Elasticsearch has a password: ``/_cluster/health`` answers 401 to an
    httpGet (which cannot authenticate, nor speak the HTTPS 8.x turns on), so the catalogue
    probe failed for ever and liveness restarted the node every minute."""
    m = made(tmp_path, "services:\n  elasticsearch:\n"
             "    image: docker.elastic.co/elasticsearch/elasticsearch:8.15.0\n"
             "    environment: {ELASTIC_PASSWORD: s3cr3t-Value}\n")
    probe = container(m, "StatefulSet", "elasticsearch")["readinessProbe"]
    assert "httpGet" not in probe
    script = probe["exec"]["command"][-1]
    assert "401" in script and "https://localhost:9200" in script


def test_the_cockroachdb_probe_passes_on_a_secure_node(tmp_path: Path) -> None:
    """Without ``--insecure`` (the default) CockroachDB serves its HTTP port with TLS only:
    the catalogue's httpGet of ``/health?ready=1`` failed for ever and liveness restarted the
    node. The probe tries plain HTTP, then HTTPS with the node's own certificate."""
    m = made(tmp_path, "services:\n  crdb:\n    image: cockroachdb/cockroach:v25.4.1\n"
             "    command: start-single-node --certs-dir=/certs\n")
    probe = container(m, "StatefulSet", "crdb")["readinessProbe"]
    assert "httpGet" not in probe
    script = probe["exec"]["command"][-1]
    assert "https://localhost:8080/health?ready=1" in script and "curl -fsk" in script


def test_a_probe_compose_never_had_lets_the_service_start(tmp_path: Path) -> None:
    """Compose checked nothing; the catalogue's probe (mysql) and the TCP one counted
    liveness from the first second: a first start longer than a minute (MySQL running its
    init scripts with networking off, a Java server) was restarted for ever, mid-init."""
    m = made(tmp_path, "services:\n"
             "  mysql:\n    image: mysql:8.4\n    environment: {MYSQL_ROOT_PASSWORD: x}\n"
             "  app:\n    image: acme/java-app:1.0\n    ports: ['8080:8080']\n")
    for kind, name in (("StatefulSet", "mysql"), ("Deployment", "app")):
        c = container(m, kind, name)
        startup = c["startupProbe"]
        assert startup["periodSeconds"] * startup["failureThreshold"] >= 300
        assert {k: v for k, v in startup.items() if k not in ("failureThreshold",)} == {
            k: v for k, v in c["readinessProbe"].items() if k not in ("failureThreshold",)}


def test_a_port_its_own_healthcheck_calls_gets_a_service(tmp_path: Path) -> None:
    """supabase's auth (``wget http://localhost:9999/health``) and storage
    (``http://storage:5000/status``) have no ports or expose: with no Service, kong could
    not reach them. The port a service's healthcheck calls on itself is a port it listens
    on: a containerPort, a ClusterIP Service, and a NetworkPolicy admitting its known
    clients (kong's depends_on); the ledger says where the port came from, and asks for a
    decision where no client is known."""
    m = made(tmp_path, "services:\n"
             "  auth:\n    image: supabase/gotrue:2\n    healthcheck:\n"
             "      test: [CMD, wget, --no-verbose, --spider, 'http://localhost:9999/health']\n"
             "  storage:\n    image: supabase/storage-api:1\n    healthcheck:\n"
             "      test: [CMD, wget, --spider, 'http://storage:5000/status']\n"
             "  api:\n    image: example/api:1\n    expose: ['8080']\n    healthcheck:\n"
             "      test: [CMD, curl, -f, 'http://localhost:8080/']\n"
             "  search:\n    image: example/search:1\n    healthcheck:\n"
             "      test: [CMD, curl, -f, 'http://localhost:9200/']\n"
             "  kong:\n    image: kong:3\n    ports: ['8000:8000']\n"
             "    depends_on: [auth]\n    environment: {SEARCH_URL: 'http://search:9200'}\n")
    assert container(m, "Deployment", "auth")["ports"] == [
        {"name": "tcp-9999", "containerPort": 9999, "protocol": "TCP"}]
    assert obj(m, "Service", "auth")["spec"]["ports"] == [
        {"name": "tcp-9999", "port": 9999, "targetPort": 9999, "protocol": "TCP"}]
    rules = obj(m, "NetworkPolicy", "auth")["spec"]["ingress"]
    assert [[p["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for p in r["from"]]
            for r in rules] == [["kong"]]
    assert rules[0]["ports"] == [{"port": 9999, "protocol": "TCP"}]
    why = {e.service: (e.status, e.why) for e in m.ledger
           if e.key in ("healthcheck.test", "callers")
           and e.target.endswith(("Service/auth", "NetworkPolicy/storage"))}
    assert why["auth"][0] == "mapped" and "the healthcheck calls port 9999" in why["auth"][1]
    assert "admits kong" in why["auth"][1]
    assert obj(m, "Service", "storage")["spec"]["ports"][0]["port"] == 5000
    assert "ingress" not in obj(m, "NetworkPolicy", "storage")["spec"]
    assert why["storage"][0] == "decide" and "no service is known to call it" in why["storage"][1]
    assert "callers" in [e.key for e in m.entries_for("storage") if e.status == "decide"]
    # a port expose or a client already names: the ledger says nothing more of it
    for named in ("api", "search"):
        assert not [e for e in m.entries_for(named) if "the healthcheck calls port" in e.why]
