"""The Markdown export: golden files, Mermaid syntax, determinism, no secrets."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_projects"
GOLDEN = REPO / "tests" / "fixtures" / "golden"
ENV = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": "/root",
       "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}


def _plan_markdown(folder: Path, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "migrate_tui", "plan", "--format", "markdown", *args],
        cwd=folder, env={**ENV, "PWD": str(folder)}, capture_output=True, text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _mermaid_blocks(text: str) -> list[list[str]]:
    return [block.strip("\n").splitlines()
            for block in re.findall(r"```mermaid\n(.*?)```", text, flags=re.S)]


@pytest.mark.parametrize("name", ["webapp", "api-postgres-redis"])
def test_whole_markdown_matches_the_reviewed_golden_file(name: str) -> None:
    """Regenerate with UPDATE_GOLDEN=1 after reviewing the change on a rendered page."""
    text = _plan_markdown(SAMPLES / name, "--start", "2027-01-04")
    text = text.replace(str(REPO), "<repo>")
    golden = GOLDEN / f"{name}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


def test_same_input_same_bytes() -> None:
    assert _plan_markdown(SAMPLES / "saas") == _plan_markdown(SAMPLES / "saas")


def test_flowchart_follows_mermaid_syntax() -> None:
    text = _plan_markdown(SAMPLES / "saas")
    flow = next(b for b in _mermaid_blocks(text) if "flowchart BT" in b)
    assert flow[:7] == ["---", "config:", "  flowchart:", "    nodeSpacing: 20",
                        "    rankSpacing: 40", "    padding: 8", "---"]
    assert flow[7] == "flowchart BT"
    label = r'"(?:[^"<>]|<br>|<small>|</small>)*"'
    node = re.compile(rf"^  (s_\w+)(\[\({label}\)\]|\[{label}\]|\[/{label}/\]):::(\w+)$")
    edge = re.compile(r"^  (s_\w+) (-->|-\.->|~~~) (s_\w+)$")
    defined: set[str] = set()
    classes: set[str] = set()
    for line in flow[8:]:
        if m := node.match(line):
            assert m.group(1) not in defined
            defined.add(m.group(1))
            classes.add(m.group(3))
            assert re.search(r"<br><small>wave \d+</small>\"", line), line
        elif m := edge.match(line):
            assert m.group(1) in defined and m.group(3) in defined, line
        elif line.startswith("  classDef "):
            classes.discard(line.split()[1])
        elif not re.match(r"^  class (s_\w+,)*s_\w+ \w+$", line):
            pytest.fail(f"not flowchart syntax: {line!r}")
    assert classes == set(), f"classes used but not defined: {classes}"
    assert any(":::stateful" in line for line in flow), "stateful services are styled apart"


def test_gantt_follows_mermaid_syntax() -> None:
    text = _plan_markdown(SAMPLES / "api-postgres-redis", "--start", "2027-01-04")
    gantt = next(b for b in _mermaid_blocks(text) if b[0] == "gantt")
    assert gantt[1].startswith("  title ")
    assert "  dateFormat YYYY-MM-DD" in gantt
    sections = [line for line in gantt if line.startswith("  section ")]
    assert [s.split(" ", 3)[-1] for s in sections] == ["Denial", "Pain", "Acceptance",
                                                       "Productivity"]
    name = r"(?:[^:#;%\s]|#\d+;)(?:[^:#;%]|#\d+;)*"
    task = re.compile(rf"^  {name} :(done, )?t\d+_\w+, \d{{4}}-\d\d-\d\d, \d+d$")
    ids = set()
    assert "  weekday monday" in gantt
    for line in gantt[4:]:
        if line.startswith(("  section ", "  tickInterval ", "  weekday ")):
            continue
        assert task.match(line), f"not gantt task syntax: {line!r}"
        ident = line.rsplit(" :", 1)[1].split(",")[0].replace("done", "").strip()
        assert ident not in ids
        ids.add(ident)


def test_renders_tables_and_task_lists() -> None:
    text = _plan_markdown(SAMPLES / "api-postgres-redis")
    html = MarkdownIt("gfm-like").render(text)
    assert html.count("<table>") >= 3  # summary, cost, findings
    assert text.count("- [ ] ") > 20
    for heading in ("## Summary", "## Decision", "## Dependency graph", "## Timeline",
                    "## Denial", "## Pain", "## Acceptance", "## Productivity", "## Findings",
                    "## How the estimates were computed"):
        assert heading in text


def test_no_secret_from_the_compose_file_reaches_the_export(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  api:\n    image: acme/api:1.2\n    environment:\n"
        "      DATABASE_URL: postgres://app:hunter2pass@db:5432/app\n"
        "      STRIPE_API_KEY: sk_live_abcdef123456\n"
        "      JWT_SECRET: s3cr3t-value-42\n"
        "    depends_on: [db]\n"
        "  db:\n    image: postgres:16\n    environment:\n"
        "      POSTGRES_PASSWORD: correct-horse-battery\n"
        "    volumes: [pg:/var/lib/postgresql/data]\n"
        "volumes:\n  pg: {}\n"
    )
    text = _plan_markdown(tmp_path)
    for secret in ("hunter2pass", "sk_live_abcdef123456", "s3cr3t-value-42",
                   "correct-horse-battery"):
        assert secret not in text


def test_hostile_service_names_cannot_break_the_markdown(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n    labels:\n"
        "      note: '<script>alert(1)</script> | [x](javascript:alert(1))'\n"
        "    environment:\n      GREETING: \"\\e[31mred\\e[0m <b>hi</b>\"\n"
    )
    text = _plan_markdown(tmp_path)
    assert "<script>" not in text and "\x1b" not in text


def test_the_monthly_cost_says_what_it_compares() -> None:
    """The servers the team runs are counted, and the cluster is at least as big."""
    guessed = _plan_markdown(SAMPLES / "webapp")
    assert "1 Compose server against a 3-node managed cluster" in guessed
    assert "is a guess until you give it (`--servers N`)" in guessed
    answered = _plan_markdown(SAMPLES / "webapp", "--servers", "5")
    assert "5 Compose servers against a 5-node managed cluster" in answered
    assert "is a guess" not in answered
    # 5 hosts at 80 against 5 nodes at 140, the control plane (73) and load balancer (20).
    assert "| Infrastructure | 400 USD | 793 USD | 793 USD |" in answered


def test_a_proxy_the_ingress_replaces_brings_no_findings_into_the_plan(tmp_path: Path) -> None:
    """traefik-golang: Traefik reads the Docker socket and the backend's labels. The plan
    says it is replaced by the Ingress controller and not deployed, yet its findings table
    asked to fix its Docker socket (high), its probes, limits and user: work on a container
    that never runs. Its findings are left out of the plan, counts included."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  frontend:\n    image: traefik:2.6\n"
        "    command: --providers.docker --entrypoints.web.address=:80\n"
        "    ports: ['80:80']\n"
        "    volumes: [/var/run/docker.sock:/var/run/docker.sock]\n"
        "  backend:\n    image: ghcr.io/acme/backend:1.0.0\n"
        "    labels: ['traefik.enable=true', 'traefik.http.routers.go.rule=Path(`/`)',\n"
        "             'traefik.http.services.go.loadbalancer.server.port=80']\n")
    text = _plan_markdown(tmp_path)
    assert "replaced by the cluster's Ingress controller" in text
    assert "| frontend |" not in text.split("## Findings", 1)[1].split("## Translation")[0]
    assert "| Findings | 0 high," in text
