"""Generate a synthetic Compose project of N services, shaped like the ones users bring.

The project is one ``compose.yaml`` with what real monorepo files have: ``x-`` anchors merged
into services with ``<<:``, environments that name other services in URLs
(``postgres://app:${DB_PASSWORD:-pw}@db-3:5432/app``, ``http://api-7:8080``), ``depends_on``
with conditions, named volumes on the databases, healthchecks, ``deploy`` resource limits,
a few services behind profiles, two networks, and about 15% stateful images (PostgreSQL,
Redis, Kafka, ...) among web, API and worker images.

The output is deterministic for a given N and seed, and Docker Compose accepts it::

    python benchmarks/generate.py 2000 /tmp/bench-2000
    cd /tmp/bench-2000 && docker-compose config --format json >/dev/null
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path

STATEFUL_SHARE = 0.15
"""Share of services that run a stateful image."""


@dataclass(frozen=True)
class StatefulImage:
    """A database, cache or broker image and what a service of it needs."""

    kind: str
    """Role prefix of the service name (``db``, ``cache``, ``kafka``...)."""
    image: str
    port: int
    data_dir: str
    healthcheck: tuple[str, ...]
    environment: tuple[tuple[str, str], ...] = ()
    url: str = "{kind}://{name}:{port}"
    """How a client names it: formatted with ``name`` and ``port``."""
    weight: int = 1


STATEFUL = (
    StatefulImage(
        "db", "postgres:16.4-alpine", 5432, "/var/lib/postgresql/data",
        ("CMD-SHELL", "pg_isready -U app -d app"),
        (("POSTGRES_USER", "app"), ("POSTGRES_DB", "app"),
         ("POSTGRES_PASSWORD", "${DB_PASSWORD:-pw}"),
         ("PGDATA", "/var/lib/postgresql/data/pgdata")),
        "postgres://app:${{DB_PASSWORD:-pw}}@{name}:{port}/app", weight=4,
    ),
    StatefulImage(
        "cache", "redis:7.4.1-alpine", 6379, "/data", ("CMD", "redis-cli", "ping"),
        url="redis://{name}:{port}/0", weight=4,
    ),
    StatefulImage(
        "mysql", "mysql:8.4", 3306, "/var/lib/mysql",
        ("CMD", "mysqladmin", "ping", "-h", "127.0.0.1"),
        (("MYSQL_DATABASE", "app"), ("MYSQL_USER", "app"),
         ("MYSQL_PASSWORD", "${MYSQL_PASSWORD:-pw}"),
         ("MYSQL_RANDOM_ROOT_PASSWORD", "yes")),
        "mysql://app:${{MYSQL_PASSWORD:-pw}}@{name}:{port}/app",
    ),
    StatefulImage(
        "mongo", "mongo:7.0", 27017, "/data/db",
        ("CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping')"),
        url="mongodb://{name}:{port}/app",
    ),
    StatefulImage(
        "kafka", "bitnami/kafka:3.7", 9092, "/bitnami/kafka",
        ("CMD-SHELL", "kafka-topics.sh --bootstrap-server localhost:9092 --list"),
        (("KAFKA_CFG_NODE_ID", "0"), ("KAFKA_CFG_PROCESS_ROLES", "controller,broker"),
         ("KAFKA_CFG_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093"),
         ("KAFKA_CFG_CONTROLLER_LISTENER_NAMES", "CONTROLLER")),
        "{name}:{port}", weight=2,
    ),
    StatefulImage(
        "rabbitmq", "rabbitmq:3.13-management", 5672, "/var/lib/rabbitmq",
        ("CMD", "rabbitmq-diagnostics", "-q", "ping"),
        (("RABBITMQ_DEFAULT_USER", "app"), ("RABBITMQ_DEFAULT_PASS", "${MQ_PASSWORD:-pw}"),),
        "amqp://app:${{MQ_PASSWORD:-pw}}@{name}:{port}/",
    ),
    StatefulImage(
        "search", "elasticsearch:8.15.0", 9200, "/usr/share/elasticsearch/data",
        ("CMD-SHELL", "curl -fsS http://localhost:9200/_cluster/health"),
        (("discovery.type", "single-node"), ("xpack.security.enabled", "false"),
         ("ES_JAVA_OPTS", "-Xms512m -Xmx512m")),
        "http://{name}:{port}",
    ),
)

STATELESS_ROLES = (
    # role, weight, image template, port
    ("api", 30, "ghcr.io/acme/{team}-api:{tag}", 8080),
    ("worker", 24, "ghcr.io/acme/{team}-worker:{tag}", None),
    ("web", 14, "ghcr.io/acme/{team}-web:{tag}", 3000),
    ("migrate", 5, "ghcr.io/acme/{team}-api:{tag}", None),
    ("gateway", 4, "nginx:1.27-alpine", 80),
    ("cron", 4, "ghcr.io/acme/{team}-cron:{tag}", None),
    ("tools", 4, "adminer:4.8.1", 8080),
)
"""Stateless roles, in the order they may depend on each other (each on earlier ones)."""

TEAMS = ("billing", "orders", "search", "users", "catalog", "payments", "notify", "ledger",
         "auth", "media", "reports", "inventory")


@dataclass
class Service:
    """One service as it will be written."""

    name: str
    role: str
    stateful: StatefulImage | None = None
    lines: list[str] = field(default_factory=list)


def _pick_roles(n: int, rng: random.Random) -> list[tuple[str, StatefulImage | None]]:
    n_stateful = max(1, round(n * STATEFUL_SHARE)) if n >= 3 else 1
    weights = [s.weight for s in STATEFUL]
    roles: list[tuple[str, StatefulImage | None]] = []
    # At least one database and one cache whenever there is room, so URLs have targets.
    for i in range(n_stateful):
        image = STATEFUL[i] if i < 2 else rng.choices(STATEFUL, weights)[0]
        roles.append((image.kind, image))
    names = [r[0] for r in STATELESS_ROLES]
    role_weights = [r[1] for r in STATELESS_ROLES]
    for _ in range(n - n_stateful):
        roles.append((rng.choices(names, role_weights)[0], None))
    rng.shuffle(roles)  # databases sit among the apps, as in a real file
    return roles


def _yaml_str(value: str) -> str:
    """A double-quoted YAML scalar."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(n: int, seed: int = 7) -> str:
    """The text of a compose file with ``n`` services.

    Args:
        n: Number of services (at least 1).
        seed: Seed of the random choices; the same ``n`` and seed give the same text.

    Returns:
        The YAML text of ``compose.yaml``.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = random.Random(seed)
    services: list[Service] = []
    for index, (role, image) in enumerate(_pick_roles(n, rng)):
        services.append(Service(f"{role}-{index}", role, image))
    # Services a service of each role may depend on or name in a URL.
    by_role: dict[str, list[Service]] = {}
    for svc in services:
        by_role.setdefault(svc.role, []).append(svc)
    stateful = [s for s in services if s.stateful]
    dbs = [s for s in stateful if s.role in ("db", "mysql", "mongo")]
    caches = [s for s in stateful if s.role == "cache"]
    brokers = [s for s in stateful if s.role in ("kafka", "rabbitmq")]

    out: list[str] = [
        f"# Synthetic Compose project: {n} services (seed {seed}), made by",
        "# benchmarks/generate.py to measure migrate-tui against docker compose.",
        f"name: synthetic-{n}",
        "",
        "x-common: &common",
        "  restart: unless-stopped",
        "  logging:",
        "    driver: json-file",
        "    options:",
        '      max-size: "10m"',
        '      max-file: "3"',
        "  labels:",
        "    com.acme.owner: platform",
        "    com.acme.tier: ${TIER:-staging}",
        "",
        "x-small: &small",
        "  resources:",
        "    limits:",
        '      cpus: "0.50"',
        "      memory: 256M",
        "    reservations:",
        "      memory: 64M",
        "",
        "x-large: &large",
        "  resources:",
        "    limits:",
        '      cpus: "2.0"',
        "      memory: 2G",
        "    reservations:",
        '      cpus: "0.50"',
        "      memory: 512M",
        "",
        "x-app-env: &app-env",
        "  LOG_LEVEL: ${LOG_LEVEL:-info}",
        "  OTEL_EXPORTER_OTLP_ENDPOINT: http://${OTEL_HOST:-otel}:4317",
        "  TZ: UTC",
        "",
        "services:",
    ]
    volumes: list[str] = []
    port = 10000
    for svc in services:
        team = rng.choice(TEAMS)
        tag = f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
        lines = [f"  {svc.name}:", "    <<: *common"]
        image = svc.stateful
        if image is not None:
            lines.append(f"    image: {image.image}")
            if image.environment:
                lines.append("    environment:")
                lines += [f"      {k}: {_yaml_str(v)}" for k, v in image.environment]
            if image.kind == "cache":
                lines.append('    command: ["redis-server", "--appendonly", "yes"]')
            volume = f"{svc.name}-data"
            volumes.append(volume)
            lines += ["    volumes:", f"      - {volume}:{image.data_dir}"]
            lines += [
                "    healthcheck:",
                "      test: [" + ", ".join(_yaml_str(t) for t in image.healthcheck) + "]",
                f"      interval: {rng.choice((5, 10, 15))}s",
                "      timeout: 3s",
                f"      retries: {rng.choice((5, 10))}",
                "      start_period: 20s",
                "    networks: [backend]",
                "    deploy:",
                "      <<: *large",
            ]
            svc.lines = lines
            out += lines
            continue

        template, app_port = next((r[2], r[3]) for r in STATELESS_ROLES if r[0] == svc.role)
        lines.append(f"    image: {template.format(team=team, tag=tag)}")
        deps: list[tuple[Service, str]] = []
        env: list[tuple[str, str]] = []
        if svc.role in ("api", "worker", "migrate", "cron"):
            db = rng.choice(dbs) if dbs else None
            if db is not None and db.stateful is not None:
                env.append(("DATABASE_URL", db.stateful.url.format(
                    name=db.name, port=db.stateful.port)))
                deps.append((db, "service_healthy"))
            if caches and svc.role != "migrate":
                cache = rng.choice(caches)
                assert cache.stateful is not None
                env.append(("REDIS_URL", cache.stateful.url.format(
                    name=cache.name, port=cache.stateful.port)))
                deps.append((cache, "service_started"))
            if brokers and svc.role in ("worker", "api") and rng.random() < 0.4:
                broker = rng.choice(brokers)
                assert broker.stateful is not None
                env.append(("BROKER_URL", broker.stateful.url.format(
                    name=broker.name, port=broker.stateful.port)))
                deps.append((broker, "service_healthy"))
        upstream = {"web": "api", "gateway": "web", "worker": "api", "tools": "api"}.get(
            svc.role)
        if upstream and by_role.get(upstream):
            # Roles depend only on roles listed before theirs: the graph stays acyclic.
            target = rng.choice(by_role[upstream])
            target_port = next(r[3] for r in STATELESS_ROLES if r[0] == upstream) or 80
            env.append((f"{upstream.upper()}_URL", f"http://{target.name}:{target_port}"))
            if svc.role != "worker":
                deps.append((target, "service_started"))
        if svc.role == "api" and by_role.get("migrate") and rng.random() < 0.5:
            deps.append((rng.choice(by_role["migrate"]), "service_completed_successfully"))
        if svc.role == "api" and rng.random() < 0.3 and by_role.get("api"):
            peer = rng.choice(by_role["api"])
            if peer is not svc:
                env.append(("PEER_URL", f"http://{peer.name}:8080"))
        if svc.role in ("migrate", "cron"):
            lines.append('    restart: "no"')
            cmd = "manage.py migrate --noinput" if svc.role == "migrate" else "run-jobs --once"
            lines.append(f"    command: {cmd}")
        if env or svc.role != "tools":
            lines.append("    environment:")
            lines.append("      <<: *app-env")
            lines += [f"      {k}: {v}" for k, v in env]
            lines.append(f"      SERVICE_NAME: {svc.name}")
        if deps:
            lines.append("    depends_on:")
            seen: set[str] = set()
            for dep, condition in deps:
                if dep.name in seen or dep is svc:
                    continue
                seen.add(dep.name)
                lines += [f"      {dep.name}:", f"        condition: {condition}"]
                if rng.random() < 0.2:
                    lines.append("        restart: true")
        if app_port:
            if svc.role in ("web", "gateway", "tools"):
                port += 1
                var = svc.name.upper().replace("-", "_") + "_PORT"
                lines += ["    ports:", f'      - "${{{var}:-{port}}}:{app_port}"']
            else:
                lines += ["    expose:", f'      - "{app_port}"']
            lines += [
                "    healthcheck:",
                f'      test: ["CMD", "curl", "-fsS", "http://127.0.0.1:{app_port}/healthz"]',
                "      interval: 10s",
                "      timeout: 3s",
                "      retries: 5",
            ]
        networks = {"web": "[frontend, backend]", "gateway": "[frontend]",
                    "tools": "[backend]"}.get(svc.role, "[backend]")
        lines.append(f"    networks: {networks}")
        if svc.role == "tools":
            lines.append("    profiles: [tools]")
        elif svc.role == "cron" and rng.random() < 0.5:
            lines.append("    profiles: [jobs]")
        if svc.role == "worker" and rng.random() < 0.5:
            lines += ["    deploy:", f"      replicas: {rng.randint(1, 4)}", "      <<: *large"]
        else:
            lines += ["    deploy:", "      <<: *small"]
        svc.lines = lines
        out += lines

    out += ["", "networks:", "  frontend:", "  backend:"]
    if volumes:
        out += ["", "volumes:"] + [f"  {v}:" for v in volumes]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python benchmarks/generate.py N OUTDIR [--seed S]``: write OUTDIR/compose.yaml."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of services")
    parser.add_argument("outdir", type=Path, help="folder to write compose.yaml into")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default: 7)")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    target = args.outdir / "compose.yaml"
    target.write_text(generate(args.n, args.seed), encoding="utf-8")
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
