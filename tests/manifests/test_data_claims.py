"""A host folder the analysis counts as where a service keeps its data gets a claim template
of its StatefulSet (:mod:`migrate_tui.manifests.volumes`): dropped as a host path, the data
stayed behind and every restart lost it, while the kind said persistence (Mailu's imap
and smtp, jitsi's prosody and web; walk2's L1). A Deployment's data folder gets a PVC: one
pod at a time on a ReadWriteOnce claim, or the ReadWriteMany claim every writer of a shared
folder mounts (Mailu's antispam and antivirus; walk3).

The analysis' data inventory (:mod:`migrate_tui.analysis.data`) decides what is data; the
manifests do not guess again.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from migrate_tui.analysis.pipeline import analyze
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.manifests import Manifests, generate_manifests
from migrate_tui.manifests.generate import run_generation
from migrate_tui.manifests.knowledge import load_defaults

# Mailu's docs compose and jitsi's root compose, cut down to their mounts.
MAIL_AND_MEET = """\
services:
  imap:
    image: mailu/dovecot:2024.06
    volumes:
      - /mailu/mail:/mail
      - /mailu/overrides/dovecot:/overrides:ro
      - /mailu/config:/config
      - ./dovecot.conf:/var/lib/dovecot/extra.conf
      - ./src:/app
      - /dev/shm:/dev/shm
  smtp:
    image: mailu/postfix:2024.06
    volumes: ['/mailu/mailqueue:/queue', '/mailu/overrides/postfix:/overrides:ro']
  admin:
    image: mailu/admin:2024.06
    volumes: ['/mailu/data:/data', '/mailu/dkim:/dkim']
  antispam:
    image: mailu/rspamd:2024.06
    volumes: ['/mailu/filter:/var/lib/rspamd', '/mailu/dkim:/dkim:ro']
  antivirus:
    image: mailu/clamav:2024.06
    volumes: ['/mailu/filter:/data']
  web:
    image: jitsi/web:stable
    volumes: ['/srv/jitsi/web:/config', '/srv/jitsi/storage/web:/storage',
              '/srv/jitsi/shared:/shared']
  prosody:
    image: jitsi/prosody:stable
    volumes: ['/srv/jitsi/storage/prosody:/var/lib/prosody', '/srv/jitsi/shared:/shared',
              '/srv/jitsi/storage/prosody:/seen:ro']
  files:
    image: mailu/webdav:2024.06
    volumes: ['./app.db:/data/app.db', '/srv/files:/data/files',
              './keys/serverkeystore:/data/keystore']
  db:
    image: postgres:16
    volumes: ['./pgdata:/var/lib/postgresql/data']
"""


def _project(tmp_path: Path) -> Any:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("print('hi')\n")
    (tmp_path / "dovecot.conf").write_text("mail_plugins = quota\n")
    (tmp_path / "app.db").write_text("rows\n")
    (tmp_path / "compose.yaml").write_text(MAIL_AND_MEET)
    return load_project(LoadOptions(path=str(tmp_path), environ={}))


def _workload(m: Manifests, name: str) -> dict[str, Any]:
    found = [d.body for d in m.documents() if d.name == name
             and d.kind in ("StatefulSet", "Deployment")]
    assert found, f"no workload {name}"
    return found[0]


def _claims_by_path(workload: dict[str, Any]) -> dict[str, str]:
    """Mount path -> size of each claim template the workload mounts."""
    spec = workload["spec"]
    sizes = {t["metadata"]["name"]: t["spec"]["resources"]["requests"]["storage"]
             for t in spec.get("volumeClaimTemplates", [])}
    return {v["mountPath"]: sizes[v["name"]]
            for c in spec["template"]["spec"]["containers"]
            for v in c.get("volumeMounts", []) if v["name"] in sizes}


def _entry(m: Manifests, service: str, key: str) -> Any:
    return next(e for e in m.entries_for(service) if e.key == key)


def test_a_host_folder_a_stateful_service_keeps_its_data_in_gets_a_claim(
        tmp_path: Path) -> None:
    project = _project(tmp_path)
    m = generate_manifests(project, analyze(project))
    defaults = load_defaults()
    size = defaults.storage.default  # sized as a named volume of theirs would be
    for name, path, expected in (
            ("imap", "/mail", size), ("smtp", "/queue", size), ("admin", "/data", size),
            ("web", "/storage", size), ("prosody", "/var/lib/prosody", size),
            ("files", "/data/files", size),
            ("db", "/var/lib/postgresql/data", defaults.storage_size("database", "PostgreSQL"))):
        workload = _workload(m, name)
        assert workload["kind"] == "StatefulSet", name
        assert _claims_by_path(workload).get(path) == expected, (name, path)
    mail = _entry(m, "imap", "volumes[0]")
    assert mail.status == "approximated"
    assert "data folder /mailu/mail on the host" in mail.why and "copy the data in" in mail.why
    # admin writes the DKIM keys antispam reads: the claim is admin's, and the ledger says
    # antispam cannot mount it
    assert "/dkim" in _claims_by_path(_workload(m, "admin"))
    assert "read-only mount of antispam" in _entry(m, "admin", "volumes[1]").why


def test_what_is_not_a_services_own_data_stays_as_it_was(tmp_path: Path) -> None:
    """Read-only folders (even one the service writes at another path), a config folder,
    a file (even a missing one), source code, the node's /dev, and a folder two services
    write (never one claim per pod) get no claim."""
    project = _project(tmp_path)
    m = generate_manifests(project, analyze(project))
    assert set(_claims_by_path(_workload(m, "imap"))) == {"/mail"}
    assert [_entry(m, "imap", f"volumes[{i}]").status for i in range(1, 6)] == \
        ["dropped", "dropped", "mapped", "decide", "dropped"]
    assert set(_claims_by_path(_workload(m, "web"))) == {"/storage"}
    shared = _entry(m, "web", "volumes[2]")  # the ledger says who else writes it
    assert shared.status == "decide" and "written by 2 services (prosody, web)" in shared.why
    assert set(_claims_by_path(_workload(m, "prosody"))) == {"/var/lib/prosody"}
    # a file: a ConfigMap, as before; a missing file of the project (a keystore the
    # engineer generates) is not taken for a folder, as a missing database folder is
    assert set(_claims_by_path(_workload(m, "files"))) == {"/data/files"}
    assert _entry(m, "files", "volumes[0]").status == "mapped"
    assert _entry(m, "files", "volumes[2]").status == "dropped"
    for name in ("antispam", "antivirus"):  # stateless: Deployments, no template
        assert "volumeClaimTemplates" not in _workload(m, name)["spec"]


def test_a_regeneration_sees_a_store_change_hands(tmp_path: Path) -> None:
    """Whether a folder is one service's data depends on the others (a second writer
    makes it shared): a re-generation after an override must not reuse the facts made
    when it was shared."""
    project = _project(tmp_path)
    shared = run_generation(project, analyze(project))
    assert "/shared" not in _claims_by_path(_workload(shared.manifests, "web"))
    alone = analyze(project, {"prosody": {"kind": "dev-only"}})
    again = run_generation(project, alone, previous=shared)
    assert "/shared" in _claims_by_path(_workload(again.manifests, "web"))
    assert again.manifests == generate_manifests(project, alone)


def _mounted_claims(workload: dict[str, Any]) -> dict[str, str]:
    """Mount path -> PVC name of each claim the workload's pod mounts (not templates)."""
    pod = workload["spec"]["template"]["spec"]
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"]
              for v in pod.get("volumes", []) if "persistentVolumeClaim" in v}
    return {v["mountPath"]: claims[v["name"]] for c in pod["containers"]
            for v in c.get("volumeMounts", []) if v["name"] in claims}


def _claim(m: Manifests, name: str) -> dict[str, Any]:
    return next(d.body for d in m.documents()
                if d.kind == "PersistentVolumeClaim" and d.name == name)


def test_a_data_folder_several_deployments_write_is_one_shared_claim(tmp_path: Path) -> None:
    """Mailu's antispam and antivirus (stateless: they share /mailu/filter) kept rspamd's
    learned data in no volume at all: lost at every restart. Now both mount one
    ReadWriteMany claim, and the ledger names it and says what it needs."""
    project = _project(tmp_path)
    m = generate_manifests(project, analyze(project))
    spam, virus = _workload(m, "antispam"), _workload(m, "antivirus")
    assert spam["kind"] == virus["kind"] == "Deployment"
    claim = _mounted_claims(spam).get("/var/lib/rspamd")
    assert claim is not None and claim == _mounted_claims(virus).get("/data")
    assert _claim(m, claim)["spec"]["accessModes"] == ["ReadWriteMany"]
    for service in ("antispam", "antivirus"):
        entry = _entry(m, service, "volumes[0]")
        assert entry.status == "decide"
        assert f"the ReadWriteMany PVC {claim} of" in entry.why
        assert "written by 2 services (antispam, antivirus)" in entry.why


ONE_WRITER = """\
services:
  site:
    image: nginx:1.27
    deploy: {replicas: 3}
    volumes: ['/srv/site-data:/var/lib/site', './html:/usr/share/nginx/html:ro']
"""


def test_a_data_folder_of_one_deployment_is_its_own_claim_one_pod_at_a_time(
        tmp_path: Path) -> None:
    """A stateless service (an nginx image) that writes a data folder stays a Deployment,
    as the analysis classed it, with a ReadWriteOnce PVC: one replica, strategy Recreate
    (two pods never hold it), and the ledger says why the three replicas became one."""
    (tmp_path / "html").mkdir()
    (tmp_path / "compose.yaml").write_text(ONE_WRITER)
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    analysis = analyze(project)
    assert analysis.services["site"].service_class == "stateless"
    m = generate_manifests(project, analysis)
    site = _workload(m, "site")
    assert site["kind"] == "Deployment"
    assert site["spec"]["replicas"] == 1 and site["spec"]["strategy"] == {"type": "Recreate"}
    claim = _mounted_claims(site).get("/var/lib/site")
    assert claim is not None
    spec = _claim(m, claim)["spec"]
    assert spec["accessModes"] == ["ReadWriteOnce"]
    assert spec["resources"]["requests"]["storage"] == load_defaults().storage.default
    entry = _entry(m, "site", "volumes[0]")
    assert entry.status == "approximated"
    assert "data folder /srv/site-data on the host" in entry.why and "Recreate" in entry.why
    replicas = [e for e in m.entries_for("site") if e.key == "deploy.replicas"]
    assert any(e.status == "decide" and "3 replicas asked for, 1 given" in e.why
               for e in replicas)


TWO_VOLUMES = """\
services:
  db:
    image: postgres:16
    volumes: ['pgdata:/var/lib/postgresql/data', 'backups:/backups', './dumps:/dumps']
  clickhouse:
    image: clickhouse/clickhouse-server:24.3
    volumes: ['chdata:/var/lib/clickhouse', 'chlogs:/var/log/clickhouse-server']
  moved:
    image: postgres:16
    environment: {PGDATA: /pgdata}
    volumes: ['moved:/pgdata', 'moved-wal:/wal']
  hinted:
    image: postgres:16
    x-migrate: {storage: 50Gi}
    volumes: ['hinted:/var/lib/postgresql/data', 'hinted-backups:/backups']
volumes: {pgdata: {}, backups: {}, chdata: {}, chlogs: {}, moved: {}, moved-wal: {},
          hinted: {}, hinted-backups: {}}
"""


def test_only_the_engines_data_directory_gets_the_engines_size(tmp_path: Path) -> None:
    """A database's backups or an engine's logs (langfuse's ClickHouse logs, supabase's
    db-config) got the data directory's size (20Gi, 10Gi): only the volume on a data path
    of the catalogue does; the others get the default, and the ledger says why."""
    (tmp_path / "dumps").mkdir()
    (tmp_path / "compose.yaml").write_text(TWO_VOLUMES)
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    m = generate_manifests(project, analyze(project))
    d = load_defaults()
    small = d.storage.default
    assert _claims_by_path(_workload(m, "db")) == {
        "/var/lib/postgresql/data": d.storage_size("database", "PostgreSQL"),
        "/backups": small, "/dumps": small}
    assert _claims_by_path(_workload(m, "clickhouse")) == {
        "/var/lib/clickhouse": d.storage_size("database", "ClickHouse"),
        "/var/log/clickhouse-server": small}
    backups = _entry(m, "db", "volumes[1]").why
    assert f"a claim template of {small} (the default size: /backups is not PostgreSQL's " \
        "data directory" in backups
    assert "the catalogue's default for PostgreSQL" in _entry(m, "db", "volumes[0]").why
    # PGDATA moves the data directory: the mount there is the data, the other one is not;
    # a hint sizes every claim of the service
    assert _claims_by_path(_workload(m, "moved")) == {
        "/pgdata": d.storage_size("database", "PostgreSQL"), "/wal": small}
    assert set(_claims_by_path(_workload(m, "hinted")).values()) == {"50Gi"}


CODE_AND_DATA = """\
services:
  prosody:
    image: jitsi/prosody:stable
    volumes: ['/srv/jitsi/prosody/prosody-plugins-custom:/prosody-plugins-custom',
              '/srv/jitsi/storage/prosody:/var/lib/prosody']
  web:
    image: jitsi/web:stable
    volumes: ['/srv/jitsi/tmp/web-load-test:/usr/share/jitsi-meet/load-test',
              '/srv/jitsi/storage/web:/storage', '/srv/site/media:/usr/share/nginx/html/media']
  imap:
    image: mailu/dovecot:2024.06
    volumes: ['/mailu/mail:/mail', '/mailu/overrides:/overrides']
  es:
    image: elasticsearch:8.15.0
    volumes: ['/srv/es:/usr/share/elasticsearch/data']
  grafana:
    image: grafana/grafana:11.2.0
    volumes: ['/srv/grafana:/var/lib/grafana', '/srv/grafana-plugins:/var/lib/grafana/plugins']
"""


def test_folders_of_code_or_configuration_are_not_data(tmp_path: Path) -> None:
    """jitsi's custom prosody plugins and web load-test scripts, Mailu's config overrides
    got 1Gi claims: their mount paths matched no rule, and a writable mount nobody names is
    kept as data. The heuristics now name them (code, configuration); the data next to them
    (and below /usr/share, and a data path above a plugins folder) keeps its claim."""
    (tmp_path / "compose.yaml").write_text(CODE_AND_DATA)
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    analysis = analyze(project)
    assert {s.id for s in analysis.data} == {
        "bind mount /srv/jitsi/storage/prosody", "bind mount /srv/jitsi/storage/web",
        "bind mount /srv/site/media", "bind mount /mailu/mail", "bind mount /srv/es",
        "bind mount /srv/grafana", "bind mount /srv/grafana-plugins"}
    m = generate_manifests(project, analysis)
    assert set(_claims_by_path(_workload(m, "prosody"))) == {"/var/lib/prosody"}
    assert set(_claims_by_path(_workload(m, "web"))) == {"/storage",
                                                          "/usr/share/nginx/html/media"}
    assert set(_claims_by_path(_workload(m, "imap"))) == {"/mail"}


def test_the_plan_names_each_claim_as_the_manifests_do(tmp_path: Path) -> None:
    """The plan said "mounts PVC mailu-mail" (its own slug of the host folder) where the
    manifests name the claim template ``mail`` of StatefulSet ``imap``, whose pod gets
    ``mail-imap-0``: a team ticking items by the names in their manifests found none. The
    plan now takes the names from the manifests' ledger, the one source."""
    from migrate_tui.planning.build import make_plan
    from migrate_tui.workspace import ledger_facts

    project = _project(tmp_path)
    analysis = analyze(project)
    m = generate_manifests(project, analysis)
    named = {d.name for d in m.documents() if d.kind == "PersistentVolumeClaim"}
    for d in m.documents():
        if d.kind == "StatefulSet":
            named |= {f"{t['metadata']['name']}-{d.name}-0"
                      for t in d.body["spec"].get("volumeClaimTemplates", [])}
    plan = make_plan(project, analysis, ledger=ledger_facts(m))
    texts = {i.id: i.text for i in plan.items()}
    assert "mounts PVC mail-imap-0 at /data" in texts["imap.data-copy-bind-mount-mailu-mail"]
    # ... which exists only once the StatefulSet made its first pod: the step says so first
    assert texts["imap.data-copy-bind-mount-mailu-mail"].index(
        "`kubectl scale --replicas=0 statefulset/imap`") < texts[
        "imap.data-copy-bind-mount-mailu-mail"].index("start a helper pod")
    shared = _mounted_claims(_workload(m, "antispam"))["/var/lib/rspamd"]
    assert f"the manifests' PVC {shared}" in \
        texts["antispam.data-shared-bind-mount-mailu-filter"]
    said = [(i, name) for i, text in texts.items() if ".data-" in i
            for name in re.findall(r"PVC ([a-z0-9][-a-z0-9]*)", text)]
    assert len(said) >= 8
    assert [(i, name) for i, name in said if name not in named] == []
    # without the manifests (a plan made alone), a placeholder, not a name of its own
    alone = {i.id: i.text for i in make_plan(project, analysis).items()}
    assert "mounts PVC <the claim of imap's /mail> at /data" in \
        alone["imap.data-copy-bind-mount-mailu-mail"]


ODD_NAMES = """\
services:
  my_db:
    image: redis:7
    command: ["redis-server", "--appendonly", "yes"]
    volumes: ['cache_data:/data']
  Web_App:
    image: nginx:1.27
    ports: ['8080:80']
    volumes: ['/srv/app/uploads:/usr/share/nginx/html/uploads', '/srv/shared:/shared']
  worker:
    image: busybox:1.36
    volumes: ['/srv/shared:/shared']
volumes: {cache_data: {}}
"""


def test_the_plan_names_pods_and_services_as_the_manifests_do(tmp_path: Path) -> None:
    """A service whose name is no DNS label (``my_db``) is ``my-db-<hash>`` in the
    manifests: the plan's runbooks said ``kubectl cp ... my-db-0:/data`` and its routes
    ``Service web-app:80``, names of its own slug that no object has."""
    from migrate_tui.compose.discover import LoadOptions as Options
    from migrate_tui.workspace import open_workspace

    (tmp_path / "compose.yaml").write_text(ODD_NAMES)
    ws = open_workspace(Options(path=str(tmp_path)), state_file=None)
    assert ws.manifests is not None
    names = dict(ws.manifests.names)
    db, web = names["my_db"], names["Web_App"]
    assert db != "my-db" and web != "web-app"  # (the manifests' own names)
    objects = {d.name for d in ws.manifests.documents()}
    assert db in objects and web in objects
    texts = {i.id: i.text for i in ws.plan.items()}
    assert f"kubectl cp ./dump.rdb {db}-0:/data/dump.rdb" in \
        texts["my_db.data-copy-volume-cache-data"]
    assert f"Service {web}:80" in texts["Web_App.route-1"]
    copy = texts["Web_App.data-copy-bind-mount-srv-app-uploads"]
    claim = _mounted_claims(_workload(ws.manifests, web))["/usr/share/nginx/html/uploads"]
    assert f"mounts PVC {claim} at /data" in copy and claim in objects


ANONYMOUS_DATA = """\
services:
  postgresql:
    image: postgres:16
    volumes: ['/var/lib/postgresql/data']
  search:
    image: elasticsearch:7.17.27
    volumes: ['/var/lib/elasticsearch/data']
"""


def test_an_anonymous_volume_on_the_engines_data_directory_is_a_claim(
        tmp_path: Path) -> None:
    """temporal's postgresql keeps its data in an anonymous volume on its data directory:
    the StatefulSet mounted an emptyDir there and the ledger said ``mapped``, so every
    reschedule lost the database. It is now the claim template; an anonymous volume off
    the data path stays an emptyDir."""
    (tmp_path / "compose.yaml").write_text(ANONYMOUS_DATA)
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    m = generate_manifests(project, analyze(project))
    d = load_defaults()
    assert _claims_by_path(_workload(m, "postgresql")) == {
        "/var/lib/postgresql/data": d.storage_size("database", "PostgreSQL")}
    entry = _entry(m, "postgresql", "volumes[0]")
    assert entry.status == "approximated" and "claim template" in entry.why
    search = _workload(m, "search")["spec"]
    assert set(_claims_by_path(_workload(m, "search"))) == {"/usr/share/elasticsearch/data"}
    assert [v["name"] for v in search["template"]["spec"]["volumes"]] == ["scratch-0"]


def test_a_store_without_a_volume_gets_its_claim_where_its_image_keeps_the_data(
        tmp_path: Path) -> None:
    """thingsboard's bitnamilegacy/kafka keeps its data in no volume: its claim template
    went on /var/lib/kafka/data, the catalogue's first path, where a Bitnami image writes
    nothing (its data is under /bitnami/kafka): the claim stayed empty and the data was
    lost. The claim now goes on the data path of the image's publisher."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  kafka:\n    image: bitnamilegacy/kafka:4.0\n"
        "  broker:\n    image: confluentinc/cp-kafka:7.6.0\n")
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    m = generate_manifests(project, analyze(project))
    assert set(_claims_by_path(_workload(m, "kafka"))) == {"/bitnami/kafka"}
    assert set(_claims_by_path(_workload(m, "broker"))) == {"/var/lib/kafka/data"}


def test_a_data_directory_moved_by_the_environment_gets_the_claim(tmp_path: Path) -> None:
    """kafbat's kafka0 sets KAFKA_LOG_DIRS=/tmp/kraft-combined-logs: its claim template went
    on /var/lib/kafka/data, which Kafka never writes, and the logs stayed on the container's
    disk. The claim now goes where the environment moves the data (PGDATA too)."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  kafka0:\n    image: confluentinc/cp-kafka:7.8.0\n"
        "    environment: {KAFKA_LOG_DIRS: '/tmp/kraft-combined-logs'}\n"
        "  db:\n    image: postgres:16\n"
        "    environment: {PGDATA: /srv/pg/data}\n")
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    m = generate_manifests(project, analyze(project))
    assert set(_claims_by_path(_workload(m, "kafka0"))) == {"/tmp/kraft-combined-logs"}
    assert set(_claims_by_path(_workload(m, "db"))) == {"/srv/pg/data"}
    assert "the data directory its environment sets" in _entry(m, "kafka0", "volumes").why


def test_a_database_that_wants_an_empty_data_directory_mounts_a_folder_of_its_claim(
        tmp_path: Path) -> None:
    """temporal's, thingsboard's and langfuse's postgres got their claim on
    /var/lib/postgresql/data itself: on an ext4 volume its lost+found makes initdb stop
    ("exists but is not empty") and the pod crash-loops. The claim is mounted from its
    folder ``data`` (subPath) there and on MySQL's /var/lib/mysql; elsewhere as it was."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  pg:\n    image: postgres:16\n"
        "    volumes: ['pgdata:/var/lib/postgresql/data']\n"
        "  my:\n    image: mysql:8.4\n    volumes: ['mydata:/var/lib/mysql']\n"
        "  redis:\n    image: redis:7\n    volumes: ['redisdata:/data']\n"
        "volumes: {pgdata: {}, mydata: {}, redisdata: {}}\n")
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    m = generate_manifests(project, analyze(project))

    def sub_paths(name: str) -> dict[str, str | None]:
        c = _workload(m, name)["spec"]["template"]["spec"]["containers"][0]
        return {v["mountPath"]: v.get("subPath") for v in c["volumeMounts"]}

    assert sub_paths("pg") == {"/var/lib/postgresql/data": "data"}
    assert sub_paths("my") == {"/var/lib/mysql": "data"}
    assert sub_paths("redis") == {"/data": None}
    assert "lost+found" in _entry(m, "pg", "volumes[0]").why
