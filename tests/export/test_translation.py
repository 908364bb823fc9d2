"""The plan's Translation section and the ledger command: one Markdown renderer."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.export import translation
from migrate_tui.export.assemble import ExportParts, render_export
from migrate_tui.export.markdown_text import md
from migrate_tui.export.translation import translation_section
from migrate_tui.manifests.ledger import ledger_markdown
from migrate_tui.manifests.model import STATUSES
from migrate_tui.workspace import Workspace, open_workspace

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_projects"
ENV = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": "/root"}

COMPOSE = """\
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    depends_on: [db]
    logging:
      driver: json-file
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: hunter2-secret-value
    volumes: [data:/var/lib/postgresql/data]
  debugger:
    image: busybox:1.36
    profiles: [debug]
    privileged: true
volumes:
  data: {}
"""


@dataclass(frozen=True)
class Row:
    service: str
    key: str
    status: str
    target: str
    why: str


def _workspace(folder: Path) -> Workspace:
    (folder / "compose.yaml").write_text(COMPOSE, encoding="utf-8")
    options = LoadOptions(path=str(folder), environ={**ENV, "PWD": str(folder)},
                          cwd=str(folder))
    return open_workspace(options, state_file=str(folder / "progress.toml"),
                          warn=lambda _: None)


def _section(text: str) -> str:
    return text.split("\n## Translation\n", 1)[1].split("\n## ", 1)[0]


def test_the_section_lists_what_needs_a_person_and_counts_the_mapped(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    text = render_export(ws, "markdown")
    section = _section(text)
    needs = [e for e in ws.ledger if e.service in ("web", "db") and e.status != "mapped"]
    mapped = [e for e in ws.ledger if e.service in ("web", "db") and e.status == "mapped"]
    assert needs and mapped
    for e in needs:  # every decide, approximated and dropped key is named, with its why
        row = next(line for line in section.splitlines()
                   if line.startswith("| ") and f" | {e.status} | " in line
                   and e.why.replace("_", "\\_")[:30] in line)
        assert md(e.key) in row
    assert "| mapped |" not in section  # mapped keys are counted, never listed
    web = [e for e in ws.ledger if e.service == "web"]
    counts = ", ".join(f"{sum(1 for e in web if e.status == s)} {s}" for s in STATUSES)
    assert f"### web\n\n_{counts}_" in section
    assert "debugger" not in section  # behind a profile not enabled: out, as in the plan
    assert "hunter2" not in text
    # the section sits before the method, after the findings
    assert text.index("## Findings") < text.index("## Translation") < text.index(
        "## How the estimates were computed")


def test_the_ledger_command_and_the_section_share_one_table_renderer(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    from migrate_tui.manifests import generate_manifests

    manifests = generate_manifests(ws.project, ws.analysis)
    whole = ledger_markdown(manifests)
    section = _section(render_export(ws, "markdown"))
    # each table row the plan lists is the ledger's row, byte for byte
    listed = [line for line in section.splitlines()
              if line.startswith("| ") and "| --- |" not in line and "| key |" not in line]
    assert listed
    for line in listed:
        assert line in whole.splitlines()
    assert whole.startswith("# Translation ledger: ")
    assert translation.STATUSES == STATUSES  # the ledger's statuses, counted in its order


def test_rows_that_say_the_same_share_one() -> None:
    rows = [Row("tool", k, "dropped", "", "dev-only: no workload") for k in
            ("image", "ports[0]", "command")]
    lines = list(translation.service_tables(rows, heading="###"))
    table = [line for line in lines if line.startswith("| ") and "---" not in line][1:]
    assert table == ["| image, ports\\[0\\], command | dropped |  | dev-only: no workload |"]


def _big_ledger(services: int) -> list[Row]:
    rows = []
    for i in range(services):
        name = f"svc-{i}"
        rows += [Row(name, "user", "decide", f"{name}.yaml Deployment/{name}",
                     "the image may run as root"),
                 Row(name, "restart", "approximated", "restartPolicy", "pods always restart"),
                 Row(name, "volumes[0]", "decide", "", f"shared with svc-{i + 1}"),
                 Row(name, "image", "mapped", f"{name}.yaml", "the same image")]
    return rows


def test_a_section_too_big_for_its_room_is_grouped_then_counted() -> None:
    rows = _big_ledger(2000)
    active = {r.service for r in rows}
    full = translation_section(rows, active, 10**9)
    assert "### svc-1999" in full
    grouped = translation_section(rows, active, 200_000)
    size = sum(len(line.encode()) + 1 for line in grouped)
    assert size <= 200_000 and "### svc-1" not in "\n".join(grouped)
    assert any(line.startswith("| user | decide | the image may run as root | svc-0, svc-1")
               and "and 1988 more" in line for line in grouped)
    counted = translation_section(rows, active, 5_000)
    assert "| volumes | decide | 2,000 services |" in counted or \
        "| volumes | decide | 2000 services |" in counted
    assert sum(len(line.encode()) + 1 for line in counted) < 5_000


@pytest.mark.parametrize("services", [3, 2000])
def test_the_section_renders_as_tables_on_github(services: int) -> None:
    rows = _big_ledger(services)
    lines = translation_section(rows, {r.service for r in rows}, 100_000)
    html = MarkdownIt("gfm-like").render("\n".join(lines))
    assert html.count("<table>") >= 1 and "| --- |" not in html


def test_an_export_without_a_ledger_says_no_key_is_translated(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    text = render_export(ExportParts(ws.project, ws.analysis, ws.plan), "markdown")
    assert "No service is deployed, so no key is translated." in _section(text)


def test_playbook_words_keep_their_code_spans() -> None:
    """The catalogue's "`mc mirror` copies the Compose data in" is code on GitHub, not a
    literal backquote; an unpaired one and the text around are escaped as ever."""
    from migrate_tui.export.markdown_text import md_with_code

    assert md_with_code("`mc mirror` copies *all*") == "`mc mirror` copies \\*all\\*"
    assert md_with_code("one ` left open") == md("one ` left open")
    assert md_with_code("empty `` span") == md("empty `` span")
    assert md_with_code("a `x\ny` b") == "a `x y` b"
