"""Phase 4, canonical: every short syntax rewritten to the long one Compose prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate_tui.errors import ConsistencyError, EnvFileError, MigrateError, ProblemList
from tests.compose.conftest import HOME, LoadText, load, service, write_files


def ports_of(load_yaml: LoadText, *specs: str) -> list[dict[str, object]]:
    items = "\n".join(f"      - {spec!r}" for spec in specs)
    project = load_yaml(f"services:\n  web:\n    image: nginx\n    ports:\n{items}\n")
    ports: list[dict[str, object]] = service(project, "web")["ports"]
    return ports


def test_port_container_only(load_yaml: LoadText) -> None:
    assert ports_of(load_yaml, "3000") == [
        {"mode": "ingress", "target": 3000, "protocol": "tcp"}]


def test_port_host_and_container(load_yaml: LoadText) -> None:
    assert ports_of(load_yaml, "8080:80") == [
        {"mode": "ingress", "target": 80, "published": "8080", "protocol": "tcp"}]


def test_port_ranges_expand_one_entry_per_port(load_yaml: LoadText) -> None:
    ports = ports_of(load_yaml, "8000-8001:9000-9001")
    assert [(p["published"], p["target"]) for p in ports] == [("8000", 9000), ("8001", 9001)]


def test_port_host_range_for_one_container_port_stays_a_range(load_yaml: LoadText) -> None:
    assert [(p["published"], p["target"]) for p in ports_of(load_yaml, "8000-8010:80")] == [
        ("8000-8010", 80)]


def test_port_host_ip_ipv6_and_protocol(load_yaml: LoadText) -> None:
    ports = ports_of(load_yaml, "127.0.0.1:5000:5000", "[::1]:6000:6000/udp", "53:53/udp")
    assert [(p.get("host_ip"), p["published"], p["target"], p["protocol"]) for p in ports] == [
        ("127.0.0.1", "5000", 5000, "tcp"),
        ("::1", "6000", 6000, "udp"),
        (None, "53", 53, "udp"),
    ]


def test_volume_short_forms(load_yaml: LoadText, tmp_path: Path) -> None:
    project = load_yaml(
        """
        services:
          web:
            image: nginx
            volumes:
              - ./data:/data:ro
              - ../shared:/shared
              - cache:/cache
              - /anonymous
              - ~/config:/config
              - /etc/hosts:/etc/hosts:ro
        volumes:
          cache: {}
        """
    )
    volumes = [(v["type"], v.get("source"), v["target"], v.get("read_only", False))
               for v in service(project, "web")["volumes"]]
    assert volumes == [
        ("bind", str(tmp_path / "data"), "/data", True),
        ("bind", str(tmp_path.parent / "shared"), "/shared", False),
        ("volume", "cache", "/cache", False),
        ("volume", None, "/anonymous", False),
        ("bind", f"{HOME}/config", "/config", False),
        ("bind", "/etc/hosts", "/etc/hosts", True),
    ]


def test_relative_paths_resolve_against_the_project_directory(tmp_path: Path) -> None:
    write_files(tmp_path, {"deploy/compose.yaml": """
        services:
          web:
            build: ./app
            volumes: ["./data:/data"]
        """})
    beside_file = load(tmp_path, files=("deploy/compose.yaml",))
    from_root = load(tmp_path, files=("deploy/compose.yaml",), project_directory=".")
    assert service(beside_file, "web")["volumes"][0]["source"] == str(tmp_path / "deploy/data")
    assert service(from_root, "web")["volumes"][0]["source"] == str(tmp_path / "data")
    assert service(from_root, "web")["build"]["context"] == str(tmp_path / "app")


def test_depends_on_list_becomes_conditions(load_yaml: LoadText) -> None:
    project = load_yaml(
        """
        services:
          web:
            image: nginx
            depends_on: [db]
          api:
            image: api
            depends_on:
              db:
                condition: service_healthy
          db:
            image: postgres
        """
    )
    assert service(project, "web")["depends_on"] == {
        "db": {"condition": "service_started", "required": True}}
    assert service(project, "api")["depends_on"] == {
        "db": {"condition": "service_healthy", "required": True}}
    assert project.services["web"].depends_on["db"].condition == "service_started"


def test_environment_list_becomes_a_mapping(load_yaml: LoadText) -> None:
    project = load_yaml(
        """
        services:
          web:
            image: nginx
            environment:
              - A=1
              - B
              - C=
              - D=x=y
              - UNSET_HERE
        """,
        env={"B": "from-shell"},
    )
    # a bare name takes the value from the environment; unset, it stays without one
    assert service(project, "web")["environment"] == {
        "A": "1", "B": "from-shell", "C": "", "D": "x=y", "UNSET_HERE": None}


def test_env_file_is_merged_under_environment(load_yaml: LoadText) -> None:
    project = load_yaml(
        """
        services:
          web:
            image: nginx
            env_file:
              - path: ./optional.env
                required: false
              - ./web.env
            environment:
              A: from-compose
        """,
        files={"web.env": "A=from-file\nW=1\n# comment\nQ='quoted $x'\n"},
    )
    web = service(project, "web")
    assert web["environment"] == {"A": "from-compose", "W": "1", "Q": "quoted $$x"}
    assert "env_file" not in web


@pytest.mark.parametrize(("name", "read"), [
    ("名前", True), ("½X", True), ("Ⅻ", True), ("A٣", True), ("a.b-c[0]", True),
    ("A·B", False), ("A B", False),
])
def test_an_env_file_name_reads_as_in_compose(load_yaml: LoadText, name: str,
                                              read: bool) -> None:
    """Compose's dotenv reader takes letters and numbers of any script (``名前=v``); the
    names once limited to ASCII refused a file ``docker compose config`` reads."""
    text = "services:\n  web:\n    image: nginx\n    env_file: web.env\n"
    if read:
        web = service(load_yaml(text, files={"web.env": f"{name}=v\n"}), "web")
        assert web["environment"] == {name: "v"}
    else:
        with pytest.raises(EnvFileError):
            load_yaml(text, files={"web.env": f"{name}=v\n"})


def test_required_env_file_missing_is_an_error(load_yaml: LoadText) -> None:
    with pytest.raises(EnvFileError):
        load_yaml(
            """
            services:
              web:
                image: nginx
                env_file: ./missing.env
            """
        )


def test_build_string_becomes_context_and_dockerfile(load_yaml: LoadText, tmp_path: Path) -> None:
    project = load_yaml(
        """
        services:
          web:
            build: ./app
          api:
            build:
              context: https://github.com/acme/api.git#main
              dockerfile: build/Dockerfile
        """
    )
    assert service(project, "web")["build"] == {
        "context": str(tmp_path / "app"), "dockerfile": "Dockerfile"}
    assert project.services["api"].build is not None
    assert project.services["api"].build.context == "https://github.com/acme/api.git#main"
    assert project.services["api"].build.dockerfile == "build/Dockerfile"


def test_healthcheck_test_string_becomes_cmd_shell(load_yaml: LoadText) -> None:
    project = load_yaml(
        """
        services:
          web:
            image: nginx
            healthcheck:
              test: curl -f http://localhost || exit 1
        """
    )
    assert service(project, "web")["healthcheck"]["test"] == [
        "CMD-SHELL", "curl -f http://localhost || exit 1"]


def test_command_string_is_split_like_a_shell(load_yaml: LoadText) -> None:
    project = load_yaml(
        """
        services:
          web:
            image: nginx
            command: sh -c 'echo "hello world"'
        """
    )
    assert service(project, "web")["command"] == ["sh", "-c", 'echo "hello world"']


def test_deploy_memory_in_bytes_and_gpu_count_all(load_yaml: LoadText) -> None:
    project = load_yaml(
        """
        services:
          web:
            image: nginx
            deploy:
              resources:
                limits:
                  memory: 512M
                  cpus: "0.5"
                reservations:
                  memory: 1.5g
                  devices:
                    - driver: nvidia
                      count: all
                      capabilities: [gpu]
        """
    )
    resources = service(project, "web")["deploy"]["resources"]
    assert resources["limits"] == {"memory": str(512 * 1024**2), "cpus": 0.5}
    assert resources["reservations"]["memory"] == str(int(1.5 * 1024**3))
    assert resources["reservations"]["devices"][0]["count"] == -1
    web = project.services["web"]
    assert web.limits is not None and web.limits.memory == 512 * 1024**2



@pytest.mark.parametrize(("written", "printed"), [
    ("all", [{"count": -1}]), ("[{count: '2'}]", [{"count": 2}]),
    ("[{count: All}]", [{"count": -1}]), ("[{count: '+2'}]", [{"count": 2}]),
    ("[{count: 0}]", [{}]), ("[{driver: nvidia}]", [{"driver": "nvidia", "count": -1}]),
    ("[{device_ids: ['0', '1']}]", [{"device_ids": ["0", "1"]}]),
    ("[{options: {a: 1, b: true}}]", [{"options": {"a": "1", "b": "true"}, "count": -1}]),
])
def test_gpus_read_as_in_compose(load_yaml: LoadText, written: str,
                                 printed: list[dict[str, object]]) -> None:
    """What ``docker compose config`` printed for each: ``all`` and a request with neither
    a count nor device ids are every GPU (-1), a count is a number, 0 is left out."""
    web = service(load_yaml(f"services:\n  web:\n    image: nginx\n    gpus: {written}\n"),
                  "web")
    assert web["gpus"] == printed


@pytest.mark.parametrize(("request_", "message"), [
    ("{count: abc}", "invalid count 'abc'"), ("{count: ' 2'}", "invalid count ' 2'"),
    ("{count: 1, device_ids: ['0']}", "count and device_ids are exclusive"),
])
@pytest.mark.parametrize("where", ["gpus", "deploy"])
def test_a_device_request_compose_refuses_is_an_error_not_a_crash(
        load_yaml: LoadText, request_: str, message: str, where: str) -> None:
    """Compose refuses these; ``count: abc`` under ``deploy`` was a traceback."""
    block = (f"    gpus: [{request_}]\n" if where == "gpus" else
             "    deploy:\n      resources:\n        reservations:\n"
             f"          devices: [{request_[:-1]}, capabilities: [gpu]}}]\n")
    with pytest.raises(MigrateError, match=message):
        load_yaml(f"services:\n  web:\n    image: nginx\n{block}")


@pytest.mark.parametrize("spec", ["80 ", " 80", "8_0", "+80", "127.0.0.1:+80:80",
                                  "8000-+8001:80"])
def test_a_port_compose_refuses_is_an_error(load_yaml: LoadText, spec: str) -> None:
    """Go reads a port with ParseUint: no sign, no spaces, no ``_`` (Python's int took
    them); ``080`` it reads as 80."""
    with pytest.raises(MigrateError, match="is not a port"):
        ports_of(load_yaml, spec)
    assert ports_of(load_yaml, "080:0080") == [
        {"mode": "ingress", "target": 80, "published": "80", "protocol": "tcp"}]


def test_blkio_weights_and_pids_decode_as_in_compose(load_yaml: LoadText) -> None:
    """A weight written as text Compose cannot decode (uint16); a text ``pids`` it reads
    as Go's ParseInt does."""
    for block in ("    blkio_config: {weight: '300'}\n",
                  "    blkio_config:\n      weight_device: [{path: /dev/sda, weight: '3'}]\n"):
        with pytest.raises(MigrateError, match="invalid weight"):
            load_yaml(f"services:\n  web:\n    image: nginx\n{block}")
    deploy = "    deploy: {{resources: {{limits: {{pids: '{}'}}}}}}\n"
    web = service(load_yaml("services:\n  web:\n    image: nginx\n" + deploy.format(5)),
                  "web")
    assert web["deploy"]["resources"]["limits"]["pids"] == 5
    with pytest.raises(MigrateError, match="invalid number of processes"):
        load_yaml("services:\n  web:\n    image: nginx\n" + deploy.format("5_0"))


def test_devices_group_add_and_hooks_in_the_long_form_compose_prints(
        load_yaml: LoadText) -> None:
    """What ``docker compose config`` printed: devices as source, target and permissions,
    groups as text, a hook's ``privileged`` written as text a boolean."""
    web = service(load_yaml(
        "services:\n  web:\n    image: nginx\n"
        "    devices: ['/dev/sda:/dev/xvda:r', '/dev/sdb', '/dev/sdc::rw', {source: /dev/d, "
        "target: /dev/e}]\n"
        "    group_add: [1000, mail]\n"
        "    post_start: [{command: [a], privileged: 'TRUE'}]\n"), "web")
    assert web["devices"] == [
        {"source": "/dev/sda", "target": "/dev/xvda", "permissions": "r"},
        {"source": "/dev/sdb", "target": "/dev/sdb", "permissions": "rwm"},
        {"source": "/dev/sdc", "target": "/dev/sdc", "permissions": "rw"},
        {"source": "/dev/d", "target": "/dev/e"}]
    assert web["group_add"] == ["1000", "mail"]
    assert web["post_start"] == [{"command": ["a"], "privileged": True}]


@pytest.mark.parametrize(("block", "message"), [
    ("    devices: ['a:b:c:d']\n", "confusing device mapping"),
    ("    devices: [{source: /dev/sda}]\n", "no target"),
    ("    group_add: [1.5]\n", "invalid group"),
    ("    post_start: [{command: [a], privileged: 'maybe'}]\n", "invalid boolean"),
    ("    depends_on: {db: {condition: service_started, required: 'true'}}\n"
     "  db:\n    image: postgres\n", "required must be a boolean"),
])
def test_what_compose_refuses_in_these_keys_is_an_error(load_yaml: LoadText, block: str,
                                                        message: str) -> None:
    """Each refused by ``docker compose config`` (``required`` is no cast field there: the
    schema sees the text)."""
    with pytest.raises(MigrateError, match=message):
        load_yaml(f"services:\n  web:\n    image: nginx\n{block}")


def test_build_extra_hosts_and_switches_as_compose_prints_them(load_yaml: LoadText,
                                                               tmp_path: Path) -> None:
    """``build.extra_hosts`` like the service's (``host=ip``), and ``pull``, ``privileged``
    and ``no_cache`` written as text decoded as booleans, as ``docker compose config``."""
    build = service(load_yaml(
        "services:\n  web:\n    build:\n      context: .\n"
        "      extra_hosts: ['h:1.2.3.4']\n      pull: 'true'\n      no_cache: 'off'\n"),
        "web")["build"]
    assert build["extra_hosts"] == ["h=1.2.3.4"]
    assert build["pull"] is True and "no_cache" not in build  # (false: left out)
    with pytest.raises(MigrateError, match="invalid boolean"):
        load_yaml("services:\n  web:\n    build: {context: ., privileged: 'maybe'}\n")


def test_volume_forms_compose_decodes(load_yaml: LoadText, tmp_path: Path) -> None:
    """A spec of one or two characters (``/d``) is a target alone, with no ``volume``
    options, where ``/cache`` has them (Compose's short-syntax reader);
    ``create_host_path`` written as text is a boolean, false left out; a tmpfs mode written
    as text Compose cannot decode (a number)."""
    vols = service(load_yaml(
        "services:\n  web:\n    image: nginx\n    volumes:\n      - /d\n      - /cache\n"
        "      - {type: bind, source: ./d, target: /b, bind: {create_host_path: 'false'}}\n"),
        "web")["volumes"]
    assert vols[0] == {"type": "volume", "target": "/d"}
    assert vols[1] == {"type": "volume", "target": "/cache", "volume": {}}
    assert vols[2]["bind"] == {}
    with pytest.raises(MigrateError, match="invalid tmpfs mode"):
        load_yaml("services:\n  web:\n    image: nginx\n    volumes:\n"
                  "      - {type: tmpfs, target: /t, tmpfs: {mode: '1777'}}\n")

SIZED = """services:
  web:
    image: nginx
    build:
      context: .
      shm_size: 2g
    mem_limit: 1.5g
    memswap_limit: -1
    mem_swappiness: 60
    mem_reservation: 100
    shm_size: "64M"
    volumes:
      - type: tmpfs
        target: /tmp
        tmpfs:
          size: 10m
"""


def test_sizes_are_bytes_as_compose_prints_them(load_yaml: LoadText) -> None:
    """What ``docker compose config --format json`` printed for the same file."""
    web = service(load_yaml(SIZED), "web")
    assert {k: web[k] for k in ("mem_limit", "memswap_limit", "mem_swappiness",
                                "mem_reservation", "shm_size")} == {
        "mem_limit": "1610612736", "memswap_limit": "-1", "mem_swappiness": "60",
        "mem_reservation": "100", "shm_size": "67108864"}
    assert web["build"]["shm_size"] == "2147483648"
    assert web["volumes"][0]["tmpfs"] == {"size": "10485760"}


def test_an_unreadable_size_names_its_key_and_line(load_yaml: LoadText) -> None:
    with pytest.raises(MigrateError) as caught:
        load_yaml("services:\n  web:\n    image: nginx\n    mem_limit: lots\n")
    assert caught.value.line == 4
    assert caught.value.path == "services.web.mem_limit"
    assert "invalid size 'lots'" in caught.value.message


@pytest.mark.parametrize(("older", "deploy", "agree"), [
    ("cpus: 0.5", "limits: {memory: 1g}", False),  # the section is there, without cpus
    ("cpus: 1", "limits: {cpus: '1.0'}", True),
    ("mem_limit: 1024", "limits: {memory: 1k}", True),
    ("mem_limit: 1g", "limits: {memory: 2g}", False),
    ("mem_limit: 1g", "reservations: {cpus: '1'}", True),  # no limits section: no conflict
    ("mem_reservation: 1g", "reservations: {cpus: '1'}", False),
    ("pids_limit: 10", "limits: {cpus: 1}", False),
    ("cpus: 0", "limits: {cpus: 1}", True),  # 0 is unset
    ("cpus: 0.1", "limits: {cpus: '0.100000001'}", True),  # equal as float32, as in Compose
])
def test_older_resource_keys_must_agree_with_deploy_as_in_compose(
    load_yaml: LoadText, older: str, deploy: str, agree: bool
) -> None:
    text = (f"services:\n  web:\n    image: nginx\n    {older}\n"
            f"    deploy:\n      resources:\n        {deploy}\n")
    if agree:
        load_yaml(text)
        return
    with pytest.raises(ConsistencyError) as caught:
        load_yaml(text)
    assert caught.value.line == 4
    assert "deploy.resources." in caught.value.hint


def test_older_resource_keys_count_as_the_service_limits(load_yaml: LoadText) -> None:
    project = load_yaml("services:\n  web:\n    image: nginx\n    mem_limit: 512m\n"
                        "    cpus: '0.5'\n    mem_reservation: 256m\n  db:\n    image: pg\n")
    web = project.services["web"]
    assert web.limits is not None and web.reservations is not None
    assert (web.limits.cpus, web.limits.memory) == (0.5, 512 * 2**20)
    assert web.reservations.memory == 256 * 2**20
    assert project.services["db"].limits is None


@pytest.mark.parametrize(("written", "printed"), [
    ("1.5g", "1610612736"), ("'1e3'", "1000"), ("'1 g'", "1073741824"), ("1KiB", "1024"),
    ("'1.5'", "1"), ("'1 '", "1"), ("-1", "-1"), ("12", "12"),
    ("0", None), ("'0'", None), ("1.5", None), ("2.0", None), (".inf", None),
])
def test_a_size_reads_as_in_compose(load_yaml: LoadText, written: str, printed: str | None
                                    ) -> None:
    """What ``docker compose config`` printed: bytes as text, or no key at all for 0 and for
    a YAML float."""
    web = service(load_yaml(f"services:\n  web:\n    image: nginx\n    mem_limit: {written}\n"),
                  "web")
    assert web.get("mem_limit") == printed


@pytest.mark.parametrize("written", ["' 1g'", "'1ib'", "'-1'", "'1gg'", "'inf'", "'1e400'",
                                     f"'{'9' * 400}'"])
def test_a_size_compose_refuses_is_an_error_not_a_crash(load_yaml: LoadText, written: str
                                                         ) -> None:
    with pytest.raises(MigrateError, match="invalid size"):
        load_yaml(f"services:\n  web:\n    image: nginx\n    shm_size: {written}\n")


@pytest.mark.parametrize(("written", "printed"), [
    ("90s", "1m30s"), ("'1.5h'", "1h30m0s"), ("1d", "24h0m0s"), ("'0'", "0s"), ("'-0'", "0s"),
    ("'+3s'", "3s"), ("'-5s'", "-5s"), ("'1.s'", "1s"), ("'1h5.m'", "1h5m0s"),
    ("'2562047h'", "2562047h0m0s"), ("1µs", "1µs"),
])
def test_a_duration_reads_as_in_compose(load_yaml: LoadText, written: str, printed: str
                                        ) -> None:
    """What ``docker compose config`` printed for each."""
    web = service(load_yaml(f"services:\n  web:\n    image: nginx\n"
                            f"    healthcheck:\n      interval: {written}\n"), "web")
    assert web["healthcheck"]["interval"] == printed


DURATION_KEYS = [
    ("stop_grace_period", "    stop_grace_period: {}\n"),
    ("healthcheck.interval", "    healthcheck:\n      interval: {}\n"),
    ("healthcheck.timeout", "    healthcheck:\n      timeout: {}\n"),
    ("healthcheck.start_period", "    healthcheck:\n      start_period: {}\n"),
    ("healthcheck.start_interval", "    healthcheck:\n      start_interval: {}\n"),
    ("deploy.restart_policy.delay", "    deploy:\n      restart_policy:\n        delay: {}\n"),
    ("deploy.restart_policy.window", "    deploy:\n      restart_policy:\n        window: {}\n"),
    ("deploy.update_config.delay", "    deploy:\n      update_config:\n        delay: {}\n"),
    ("deploy.update_config.monitor", "    deploy:\n      update_config:\n        monitor: {}\n"),
    ("deploy.rollback_config.delay", "    deploy:\n      rollback_config:\n        delay: {}\n"),
    ("deploy.rollback_config.monitor",
     "    deploy:\n      rollback_config:\n        monitor: {}\n"),
]


@pytest.mark.parametrize(("written", "says"), [
    ("abc", 'invalid duration "abc"'), ("'10'", 'missing unit in duration "10"'),
    ("'1h2x'", 'unknown unit "x" in duration "1h2x"'), ("''", 'invalid duration ""'),
    ("'5 s'", 'unknown unit " s" in duration "5 s"'), ("'.'", 'invalid duration "."'),
    ("'1.5.3s'", 'missing unit in duration "1.5.3s"'), ("10S", 'unknown unit "S"'),
    ("'1h-5m'", 'unknown unit "h-"'), ("'2562048h'", 'invalid duration "2562048h"'),
])
@pytest.mark.parametrize(("key", "block"), DURATION_KEYS, ids=[k for k, _ in DURATION_KEYS])
def test_a_duration_compose_refuses_is_an_error_at_its_key(
    load_yaml: LoadText, written: str, says: str, key: str, block: str
) -> None:
    """Docker Compose refuses each of these (``time: missing unit in duration "10"``)."""
    with pytest.raises(MigrateError) as caught:
        load_yaml("services:\n  web:\n    image: nginx\n" + block.format(written))
    assert caught.value.path == f"services.web.{key}"
    assert caught.value.line == 3 + block.count("\n")
    assert says in caught.value.message
    assert caught.value.hint is not None and "30s" in caught.value.hint


def test_a_later_file_may_replace_an_unreadable_duration(load_yaml: LoadText) -> None:
    """As in Compose, which reads durations once the files are merged."""
    project = load_yaml("services:\n  web:\n    image: nginx\n    stop_grace_period: abc\n",
                        files={"compose.override.yaml":
                               "services:\n  web:\n    stop_grace_period: 5s\n"})
    assert service(project, "web")["stop_grace_period"] == "5s"


def test_durations_of_an_inactive_service_are_checked(load_yaml: LoadText) -> None:
    """As in Compose: a service whose profile is off is read all the same."""
    with pytest.raises(MigrateError, match='missing unit in duration "10"'):
        load_yaml("services:\n  web:\n    image: nginx\n    profiles: [debug]\n"
                  "    stop_grace_period: '10'\n  db:\n    image: postgres\n")


def test_every_unreadable_duration_is_reported_at_once(load_yaml: LoadText) -> None:
    with pytest.raises(ProblemList) as caught:
        load_yaml("services:\n  web:\n    image: nginx\n    stop_grace_period: '10'\n"
                  "    healthcheck:\n      interval: abc\n")
    assert [p.path for p in caught.value.problems] == [
        "services.web.stop_grace_period", "services.web.healthcheck.interval"]
