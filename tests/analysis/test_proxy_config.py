"""A proxy's mounted configuration (analysis/proxy_config.py): its upstreams are edges."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from migrate_tui.analysis import Analysis, analyze
from migrate_tui.analysis.model import Edge
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.fsio import PROXY_CONFIG_LIMIT
from migrate_tui.manifests import generate_manifests

APPS = {"api": {"image": "example/api:1.0"}, "web": {"image": "example/web:1.0"}}


def _project(folder: Path, proxy: dict[str, object], files: dict[str, str]) -> Analysis:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    (folder / "compose.yaml").write_text(yaml.safe_dump(
        {"services": {"proxy": proxy, **APPS}}))
    return analyze(load_project(LoadOptions(path=str(folder), environ={})))


def _upstreams(a: Analysis) -> dict[str, Edge]:
    return {e.target: e for e in a.edges if e.kind == "proxy_config"}


# image, file in the project, where it is mounted, its text
SYNTAXES = {
    "nginx": ("nginx:1.27", "nginx.conf", "/etc/nginx/nginx.conf",
              "http {\n  upstream backend { server api:8080; }\n  server {\n    listen 80;\n"
              "    location / { proxy_pass http://web; }\n  }\n}\n"),
    "nginx-conf.d": ("nginx:1.27", "conf.d/default.conf", "/etc/nginx/conf.d/default.conf",
                     "server {\n  location /api/ {\n    proxy_pass http://api:8080/;\n  }\n"
                     "  location / {\n    proxy_pass http://web:3000;\n  }\n}\n"),
    "kong": ("kong:3.6", "kong.yml", "/home/kong/temp.yml",
             "_format_version: '2.1'\nservices:\n  - name: api\n    url: http://api:8080/\n"
             "  - name: web\n    host: web\n    port: 3000\n"),
    "caddy": ("caddy:2.8", "Caddyfile", "/etc/caddy/Caddyfile",
              "example.com {\n\treverse_proxy /api/* api:8080\n\treverse_proxy web:3000 {\n"
              "\t\thealth_uri /health\n\t}\n}\n"),
    "haproxy": ("haproxy:2.9", "haproxy.cfg", "/usr/local/etc/haproxy/haproxy.cfg",
                "backend apis\n    balance roundrobin\n    server s1 api:8080 check\n"
                "backend webs\n    server w1 web:3000\n"),
    "traefik-file": ("traefik:v3.1", "dynamic.yml", "/etc/traefik/dynamic.yml",
                     "http:\n  services:\n    api:\n      loadBalancer:\n        servers:\n"
                     "          - url: \"http://api:8080\"\n    web:\n      loadBalancer:\n"
                     "        servers:\n          - url: http://web:3000/\n"),
    "envoy": ("envoyproxy/envoy:v1.30", "envoy.yaml", "/etc/envoy/envoy.yaml",
              "static_resources:\n  clusters:\n  - name: api\n    load_assignment:\n"
              "      endpoints:\n      - lb_endpoints:\n        - endpoint:\n"
              "            address:\n              socket_address:\n"
              "                address: api\n                port_value: 8080\n"
              "  - name: web\n    load_assignment:\n      endpoints:\n      - lb_endpoints:\n"
              "        - endpoint:\n            address:\n              socket_address: "
              "{ address: web, port_value: 3000 }\n"),
}
# the port each syntax names for api and web (None: the file gives the host alone)
PORTS = {"nginx": (8080, None), "nginx-conf.d": (8080, 3000), "kong": (8080, 3000),
         "caddy": (8080, 3000), "haproxy": (8080, 3000), "traefik-file": (8080, 3000),
         "envoy": (8080, 3000)}


@pytest.mark.parametrize("syntax", sorted(SYNTAXES))
def test_each_syntax_names_its_upstreams_with_file_and_line(tmp_path: Path,
                                                            syntax: str) -> None:
    image, file, target, text = SYNTAXES[syntax]
    a = _project(tmp_path, {"image": image, "volumes": [f"./{file}:{target}:ro"]},
                 {file: text})
    found = _upstreams(a)
    assert sorted(found) == ["api", "web"]
    for service, port in zip(("api", "web"), PORTS[syntax], strict=True):
        edge = found[service]
        assert edge.source == "proxy"
        assert edge.port == port
        assert edge.evidence.file == file
        line = text.splitlines()[edge.evidence.line - 1]  # type: ignore[operator]
        assert service in line
    assert not a.warnings


def test_a_folder_mounted_into_a_proxy_is_read_file_by_file(tmp_path: Path) -> None:
    a = _project(tmp_path, {"image": "nginx:1.27", "volumes": ["./conf:/etc/nginx/conf.d:ro"]},
                 {"conf/a.conf": "server { location / { proxy_pass http://web:3000; } }\n",
                  "conf/b.conf": "# proxy_pass http://api:8080;\n",
                  "conf/index.html": "<a href='http://api:8080'>api</a>\n"})
    assert sorted(_upstreams(a)) == ["web"]  # (a comment and the site's pages say nothing)
    assert _upstreams(a)["web"].evidence.where == "conf/a.conf:1"
    assert _upstreams(a)["web"].evidence.text == "proxy_pass http://web:3000"


def test_a_file_named_as_config_is_read_for_any_image_and_others_are_not(
        tmp_path: Path) -> None:
    files = {"gateway/kong.yml": "services:\n  - url: http://api:8080/\n",
             "settings.yml": "upstream: http://web:3000\nurl: http://web:3000\n"}
    a = _project(tmp_path, {"image": "example/gateway:1.0",
                            "volumes": ["./gateway/kong.yml:/srv/routes.yml:ro",
                                        "./settings.yml:/srv/settings.yml:ro"]}, files)
    assert sorted(_upstreams(a)) == ["api"]


def test_aliases_and_container_names_count_and_unknown_hosts_do_not(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(yaml.safe_dump({"services": {
        "proxy": {"image": "nginx:1.27", "volumes": ["./nginx.conf:/etc/nginx/nginx.conf"]},
        "api": {"image": "example/api:1.0", "container_name": "acme-api"},
        "web": {"image": "example/web:1.0",
                "networks": {"default": {"aliases": ["frontend.internal"]}}}}}))
    (tmp_path / "nginx.conf").write_text(
        "upstream a { server acme-api:8080; }\nupstream b { server frontend.internal:3000; }\n"
        "upstream c { server example.com:443; }\nserver { proxy_pass http://$host; }\n")
    a = analyze(load_project(LoadOptions(path=str(tmp_path), environ={})))
    assert {t: e.port for t, e in _upstreams(a).items()} == {"api": 8080, "web": 3000}


def test_a_symlink_out_of_the_project_is_skipped_with_a_warning(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "nginx.conf").write_text("upstream a { server api:8080; }\n")
    project = tmp_path / "project"
    project.mkdir()
    os.symlink(outside / "nginx.conf", project / "nginx.conf")
    a = _project(project, {"image": "nginx:1.27",
                           "volumes": ["./nginx.conf:/etc/nginx/nginx.conf:ro"]}, {})
    assert not _upstreams(a)
    (warning,) = a.warnings
    assert "nginx.conf" in warning and "link" in warning


def test_a_linked_folder_out_of_the_project_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "default.conf").write_text("upstream a { server api:8080; }\n")
    project = tmp_path / "project"
    project.mkdir()
    os.symlink(outside, project / "conf")
    a = _project(project, {"image": "nginx:1.27",
                           "volumes": ["./conf:/etc/nginx/conf.d:ro"]}, {})
    assert not _upstreams(a)
    (warning,) = a.warnings
    assert "conf" in warning and "link" in warning


def test_a_huge_or_binary_config_is_skipped_with_a_warning(tmp_path: Path) -> None:
    big = "upstream a { server api:8080; }\n" + "#" * PROXY_CONFIG_LIMIT
    a = _project(tmp_path, {"image": "nginx:1.27",
                            "volumes": ["./nginx.conf:/etc/nginx/nginx.conf:ro",
                                        "./haproxy.cfg:/etc/haproxy/haproxy.cfg:ro"]},
                 {"nginx.conf": big})
    (tmp_path / "haproxy.cfg").write_bytes(b"server s1 web:3000\n\x00\xff")
    a = analyze(load_project(LoadOptions(path=str(tmp_path), environ={})))
    assert not _upstreams(a)
    assert len(a.warnings) == 2
    assert any("haproxy.cfg" in w for w in a.warnings)
    assert any("nginx.conf" in w for w in a.warnings)


def test_the_cli_warns_and_still_plans(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from migrate_tui.cli import main

    (tmp_path / "nginx.conf").write_bytes(b"\x00")
    (tmp_path / "compose.yaml").write_text(yaml.safe_dump({"services": {
        "proxy": {"image": "nginx:1.27", "volumes": ["./nginx.conf:/etc/nginx/nginx.conf"]},
        **APPS}}))
    assert main(["analyze", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "nginx.conf" in err and "Traceback" not in err


def test_a_service_without_bind_mounts_reads_nothing(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import migrate_tui.analysis.proxy_config as module

    def refuse(*_a: object, **_k: object) -> str:
        raise AssertionError("read")

    monkeypatch.setattr(module, "read_text_bounded", refuse)
    a = _project(tmp_path, {"image": "nginx:1.27", "tmpfs": ["/var/cache/nginx"],
                            "volumes": [{"type": "volume", "target": "/data"}]}, {})
    assert not _upstreams(a) and not a.warnings


def test_the_upstream_admits_the_proxy_in_its_network_policy(tmp_path: Path) -> None:
    """supabase's shape: kong's routes only in kong.yml; auth listens on a port only its
    healthcheck names. Its NetworkPolicy admits kong there and no "callers" decision is left;
    kong need not wait for auth to start (a route answers 502 until its upstream is ready)."""
    (tmp_path / "volumes" / "api").mkdir(parents=True)
    (tmp_path / "volumes" / "api" / "kong.yml").write_text(
        "_format_version: '2.1'\nservices:\n  - name: auth-v1\n"
        "    url: http://auth:9999/\n    routes:\n      - paths: [/auth/v1/]\n")
    (tmp_path / "compose.yaml").write_text(yaml.safe_dump({"name": "supa", "services": {
        "kong": {"image": "kong:2.8.1", "ports": ["8000:8000"],
                 "volumes": ["./volumes/api/kong.yml:/home/kong/temp.yml:ro,z"]},
        "auth": {"image": "supabase/gotrue:v2.186.0", "container_name": "supabase-auth",
                 "healthcheck": {"test": ["CMD", "wget", "--spider",
                                          "http://localhost:9999/health"]}}}}))
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    analysis = analyze(project)
    (edge,) = _upstreams(analysis).values()
    assert (edge.source, edge.target, edge.port) == ("kong", "auth", 9999)
    assert edge.evidence.where == "volumes/api/kong.yml:4"
    assert edge.evidence.text == "url: http://auth:9999/"
    assert analysis.services["kong"].wave == analysis.services["auth"].wave == 0
    manifests = generate_manifests(project, analysis)
    policy = next(d.body for d in manifests.documents()
                  if d.kind == "NetworkPolicy" and d.name == "auth")
    assert {"from": [{"podSelector": {"matchLabels": {
        "app.kubernetes.io/name": "kong", "app.kubernetes.io/part-of": "supa"}}}],
        "ports": [{"port": 9999, "protocol": "TCP"}]} in policy["spec"]["ingress"]
    assert not [e for e in manifests.ledger if e.status == "decide" and e.service == "auth"
                and e.key == "callers"]


def test_a_client_of_the_proxy_it_routes_to_keeps_its_own_edge(tmp_path: Path) -> None:
    """studio calls kong (SUPABASE_URL) and kong routes to studio: both are calls, the
    kong.yml edge is no declared order that makes studio's look like shared configuration.
    Only studio's orders start-up: a proxy starts without its upstreams (their Services
    resolve from the first apply) and answers 502 until they are ready."""
    (tmp_path / "kong.yml").write_text("services:\n  - url: http://studio:3000/\n")
    (tmp_path / "compose.yaml").write_text(yaml.safe_dump({"services": {
        "kong": {"image": "kong:2.8.1", "volumes": ["./kong.yml:/home/kong/kong.yml"]},
        "studio": {"image": "supabase/studio:1", "environment": {
            "SUPABASE_URL": "http://kong:8000"}}}}))
    a = analyze(load_project(LoadOptions(path=str(tmp_path), environ={})))
    assert {(e.source, e.target, e.kind) for e in a.edges} == {
        ("kong", "studio", "proxy_config"), ("studio", "kong", "inferred")}
    # ... but kong does not wait for studio to start: no start-up cycle, studio after kong
    assert a.cycles == () and a.waves == (("kong",), ("studio",))


def test_only_a_named_config_outside_the_project_is_worth_a_warning(tmp_path: Path) -> None:
    """The Docker socket, certificates, data folders mounted into a proxy are no
    configuration: nothing to say. A Caddyfile outside the project is: its routes are not
    read."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "Caddyfile").write_text("reverse_proxy api:8080\n")
    project = tmp_path / "project"
    project.mkdir()
    a = _project(project, {"image": "caddy:2.8", "volumes": [
        "/var/run/docker.sock:/var/run/docker.sock:ro", f"{outside}:/certs:ro",
        f"{outside / 'Caddyfile'}:/etc/caddy/Caddyfile:ro"]}, {})
    assert not _upstreams(a)
    (warning,) = a.warnings
    assert "Caddyfile" in warning and "outside the project" in warning


def test_a_site_folder_mounted_into_a_proxy_is_not_read(tmp_path: Path) -> None:
    """/srv is what Caddy serves, not its configuration: a compose file or JSON there is
    no route."""
    a = _project(tmp_path, {"image": "caddy:2.8", "volumes": ["./site:/srv:ro"]},
                 {"site/config.yml": "url: http://api:8080\n",
                  "site/data.json": "{\"host\": \"web\"}\n"})
    assert not _upstreams(a) and not a.warnings


def test_an_upstream_named_as_a_service_is_that_service_whatever_claims_it(
        tmp_path: Path) -> None:
    """cache's alias web does not take web's name; a name two others hold is both."""
    (tmp_path / "compose.yaml").write_text(yaml.safe_dump({"services": {
        "proxy": {"image": "nginx:1.27", "volumes": ["./nginx.conf:/etc/nginx/nginx.conf"]},
        "api": {"image": "example/api:1.0", "container_name": "pool"},
        "cache": {"image": "redis:7", "networks": {"default": {"aliases": ["web", "pool"]}}},
        "web": {"image": "example/web:1.0"}}}))
    (tmp_path / "nginx.conf").write_text(
        "upstream a { server web:8080; }\nupstream b { server pool:3000; }\n")
    a = analyze(load_project(LoadOptions(path=str(tmp_path), environ={})))
    assert {t: e.port for t, e in _upstreams(a).items()} == {
        "api": 3000, "cache": 3000, "web": 8080}


def test_analyze_json_has_the_warnings(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON of ``analyze`` carries what the CLI says on stderr, from one list."""
    import json

    from migrate_tui.cli import main

    (tmp_path / "nginx.conf").write_bytes(b"\x00")
    (tmp_path / "compose.yaml").write_text(yaml.safe_dump({"services": {
        "proxy": {"image": "nginx:1.27", "volumes": ["./nginx.conf:/etc/nginx/nginx.conf"]},
        **APPS}}))
    assert main(["analyze", "--format", "json", str(tmp_path)]) == 0
    out = capsys.readouterr()
    [warning] = json.loads(out.out)["warnings"]
    assert warning.startswith(f"{tmp_path / 'nginx.conf'}: not read for the proxy's upstreams")
    assert f"warning: {warning}" in out.err


# a port written as a key of its own goes with the host of its mapping, not another's
OWN_LINE_PORTS = {
    "kong, port after host": ("kong:3.6", "kong.yml", "/home/kong/temp.yml",
                              "services:\n  - name: api\n    host: api\n"
                              "  - name: web\n    host: web\n    protocol: http\n"
                              "    port: 3000\n", (None, 3000)),
    "kong, port before host": ("kong:3.6", "kong.yml", "/home/kong/temp.yml",
                               "services:\n- port: 8080\n  host: api\n  routes:\n"
                               "  - paths: [/api]\n- host: web\n  routes:\n"
                               "  - {paths: [/], port: 9}\n", (8080, None)),
    "envoy, own lines": ("envoyproxy/envoy:v1.30", "envoy.yaml", "/etc/envoy/envoy.yaml",
                         "clusters:\n- name: api\n  load_assignment:\n    endpoints:\n"
                         "    - lb_endpoints:\n      - endpoint:\n          address:\n"
                         "            socket_address:\n              address: api\n"
                         "          health_check_config:\n            port_value: 9901\n"
                         "- name: web\n  load_assignment:\n    endpoints:\n"
                         "    - lb_endpoints:\n      - endpoint:\n          address:\n"
                         "            socket_address:\n              port_value: 3000\n"
                         "              address: web\n", (None, 3000)),
    "envoy, flow mapping": ("envoyproxy/envoy:v1.30", "envoy.yaml", "/etc/envoy/envoy.yaml",
                            "clusters:\n- name: api\n  load_assignment:\n    endpoints:\n"
                            "    - lb_endpoints:\n      - endpoint: {address: {socket_address:"
                            " {address: api, port_value: 8080}}}\n      - endpoint:\n"
                            "          address:\n            socket_address: "
                            "{ port_value: 3000, address: web }\n", (8080, 3000)),
}


@pytest.mark.parametrize("case", sorted(OWN_LINE_PORTS))
def test_a_port_written_on_its_own_line_goes_with_its_host(tmp_path: Path, case: str) -> None:
    """Envoy's port_value and a kong service's port were not paired with their host: the
    edge had no port and the NetworkPolicy admitted the proxy on every port."""
    image, file, target, text, ports = OWN_LINE_PORTS[case]
    a = _project(tmp_path, {"image": image, "volumes": [f"./{file}:{target}:ro"]},
                 {file: text})
    found = _upstreams(a)
    assert (found["api"].port, found["web"].port) == ports


def test_an_envoy_port_value_narrows_the_upstream_network_policy(tmp_path: Path) -> None:
    """The port Envoy's cluster gives is the one port the upstream admits the proxy on."""
    (tmp_path / "envoy.yaml").write_text(
        "clusters:\n- name: api\n  load_assignment:\n    endpoints:\n    - lb_endpoints:\n"
        "      - endpoint:\n          address:\n            socket_address:\n"
        "              address: api\n              port_value: 8080\n")
    (tmp_path / "compose.yaml").write_text(yaml.safe_dump({"name": "shop", "services": {
        "proxy": {"image": "envoyproxy/envoy:v1.30", "ports": ["10000:10000"],
                  "volumes": ["./envoy.yaml:/etc/envoy/envoy.yaml:ro"]},
        "api": {"image": "example/api:1.0", "expose": ["8080", "9090"]}}}))
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    manifests = generate_manifests(project, analyze(project))
    policy = next(d.body for d in manifests.documents()
                  if d.kind == "NetworkPolicy" and d.name == "api")
    [rule] = [r for r in policy["spec"]["ingress"] if r["from"] == [{"podSelector": {
        "matchLabels": {"app.kubernetes.io/name": "proxy", "app.kubernetes.io/part-of": "shop"}}}]]
    assert rule["ports"] == [{"port": 8080, "protocol": "TCP"}]
