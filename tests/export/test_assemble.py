"""The one door to the exports: typed models in, the same bytes for the CLI and the TUI."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrate_tui.analysis.model import Analysis, Evidence, Finding, ServiceAnalysis
from migrate_tui.analysis.report import to_json
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.errors import MigrateError
from migrate_tui.export.assemble import EXPORT_FORMATS, ExportParts, render_export
from migrate_tui.export.findings import findings_by_rule, findings_in_full
from migrate_tui.export.graph_diagram import _waves_table
from migrate_tui.export.markdown import render_markdown
from migrate_tui.workspace import Workspace, open_workspace

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "migrate_tui"
SAMPLES = REPO / "sample_projects"
ENV = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": "/root",
       "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}

PROFILED = """\
services:
  web:
    image: nginx:1.27
    depends_on: [db]
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: hunter2
  debugger:
    image: busybox:1.36
    profiles: [debug]
    depends_on: [web]
    privileged: true
"""


def _workspace(folder: Path) -> Workspace:
    env = {**ENV, "PWD": str(folder)}
    options = LoadOptions(path=str(folder), environ=env, cwd=str(folder))
    return open_workspace(options, state_file=str(folder / "progress.toml"),
                          warn=lambda _: None)


def _cli(folder: Path, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "migrate_tui", "plan", *args,
                           "--state", str(folder / "progress.toml")],
                          cwd=folder, env={**ENV, "PWD": str(folder)}, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture()
def profiled(tmp_path: Path) -> Path:
    (tmp_path / "compose.yaml").write_text(PROFILED, encoding="utf-8")
    return tmp_path


def test_the_cli_the_tui_and_render_export_write_the_same_bytes(profiled: Path) -> None:
    from migrate_tui.tui.screens.export_dialog import write_plan

    ws = _workspace(profiled)
    markdown = render_export(ws, "markdown")
    assert _cli(profiled, "-o", "cli.md") == ""
    assert (profiled / "cli.md").read_text(encoding="utf-8") == markdown
    write_plan(ws, "tui.md")
    assert (profiled / "tui.md").read_text(encoding="utf-8") == markdown
    assert _cli(profiled, "--format", "json") == render_export(ws, "json")
    assert json.loads(render_export(ws, "json")) == json.loads(
        json.dumps(ws.plan.to_contract()))


def test_services_behind_profiles_not_enabled_stay_out_of_the_markdown(profiled: Path) -> None:
    ws = _workspace(profiled)
    assert not ws.analysis.services["debugger"].active
    assert any(f.service == "debugger" for f in ws.analysis.findings)
    text = render_export(ws, "markdown")
    assert "debugger" not in text
    assert "| Services | 2: 1 stateless, 1 stateful," in text
    assert "s_web --> s_db" in text


def test_every_format_is_rendered_by_render_export_and_is_a_plan_format() -> None:
    from migrate_tui.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    plan = sub.choices["plan"]  # type: ignore[index]
    formats = next(a for a in plan._actions if a.dest == "format")
    assert tuple(formats.choices) == EXPORT_FORMATS  # (a new format: add it in assemble.py)
    assert formats.default == EXPORT_FORMATS[0]


def test_an_unknown_format_is_a_clear_error(profiled: Path) -> None:
    with pytest.raises(MigrateError, match="unknown export format 'sarif'") as caught:
        render_export(_workspace(profiled), "sarif")
    assert "--format markdown or --format json" in str(caught.value.hint)


def test_an_export_handed_the_analysis_as_a_dict_fails(profiled: Path) -> None:
    """The typed models are the seam: the JSON contract is a rendering, never an input."""
    ws = _workspace(profiled)
    as_dict = to_json(ws.analysis)
    with pytest.raises(AttributeError):
        render_markdown(ws.project, as_dict, ws.plan)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        render_export(ExportParts(ws.project, as_dict, ws.plan))  # type: ignore[arg-type]


def _export_modules() -> list[Path]:
    return sorted((PACKAGE / "export").glob("*.py"))


def test_no_export_function_takes_a_dict_or_any() -> None:
    """Every export reads models: a ``dict[str, Any]`` or ``Any`` parameter is a JSON seam.

    (mypy --strict checks that every caller passes what the annotation says.)
    """
    allowed = {("analyze.py", "run_analyze", "overrides")}  # the progress file's overrides
    found = []
    for path in _export_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            for arg in arguments:
                if arg.arg in ("self", "cls"):
                    continue
                annotation = ast.unparse(arg.annotation) if arg.annotation else "missing"
                loose = "Any" in annotation or annotation in ("missing", "dict", "Mapping")
                if loose and (path.name, node.name, arg.arg) not in allowed:
                    found.append(f"{path.name}: {node.name}({arg.arg}: {annotation})")
    assert found == []


def _imports(path: Path) -> set[str]:
    """Every ``module`` and ``module.name`` that a file imports (at any depth)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_assembler_is_the_only_door_to_the_renderers() -> None:
    """The CLI and the TUI call render_export; only it calls render_markdown."""
    fronts = [PACKAGE / "cli.py", *sorted((PACKAGE / "tui").rglob("*.py"))]
    for path in fronts:
        imported = _imports(path)
        assert "migrate_tui.export.markdown" not in imported, path
        assert not any(name.startswith("migrate_tui.export.markdown.") for name in imported)
        assert "render_markdown" not in path.read_text(encoding="utf-8"), path
    callers = [path.name for path in PACKAGE.rglob("*.py")
               if "migrate_tui.export.markdown.render_markdown" in _imports(path)]
    assert callers == ["assemble.py"]
    uses = {path.relative_to(PACKAGE).as_posix() for path in fronts
            if "migrate_tui.export.assemble.render_export" in _imports(path)}
    assert uses == {"cli.py", "tui/screens/export_dialog.py"}


def _finding(rule: str, service: str | None, line: int | None, message: str,
             severity: str = "medium") -> Finding:
    return Finding(rule=rule, severity=severity, service=service, message=message,  # type: ignore[arg-type]
                   fix=f"Fix {rule}.", evidence=Evidence(file="compose.yaml", line=line))


def test_findings_are_listed_by_severity_rule_service_then_line() -> None:
    findings = [_finding("b-rule", "web", 9, "a first by text, second by line"),
                _finding("b-rule", "web", 3, "z"),
                _finding("a-rule", "web", 1, "low", severity="low"),
                _finding("b-rule", "api", 20, "api")]
    text = "\n".join(findings_in_full(findings, None))
    assert text.index("### medium: `b-rule` (3)") < text.index("### low: `a-rule` (1)")
    rows = [line for line in text.splitlines() if line.startswith("| api") or
            line.startswith("| web")]
    assert [row.split(" | ")[-1] for row in rows] == [
        "`compose.yaml:20` |", "`compose.yaml:3` |", "`compose.yaml:9` |",
        "`compose.yaml:1` |"]
    by_rule = "\n".join(findings_by_rule(findings, None))
    assert ("| medium | `b-rule` | 3 | Fix b-rule. | api: api (`compose.yaml:20`); web: z "
            "(`compose.yaml:3`); web: a first by text") in by_rule


def test_the_waves_table_names_stateful_services_apart_and_counts_jobs() -> None:
    def service(name: str, cls: str, kind: str = "service") -> ServiceAnalysis:
        return ServiceAnalysis(name=name, service_class=cls, kind=kind,  # type: ignore[arg-type]
                               reasons=(), confidence=1.0)

    services = {s.name: s for s in (service("db", "stateful"), service("web", "stateless"),
                                    service("migrate", "stateless", "job"))}
    analysis = Analysis(project="p", services=services, edges=(), cycles=(), findings=(),
                        waves=(("db", "web", "migrate"),))
    rows = [line for line in _waves_table(analysis) if line.startswith("| 0")]
    assert rows == ["| 0 | 3 (1 job) | db | web, migrate |"]
