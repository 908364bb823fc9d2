"""The core never imports Textual or Rich: each core module is imported in a fresh process."""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import migrate_tui

CORE = sorted(
    m.name
    for m in pkgutil.walk_packages(migrate_tui.__path__, "migrate_tui.")
    if not m.name.startswith(("migrate_tui.tui", "migrate_tui.cli", "migrate_tui.__main__"))
)


def test_there_is_a_core_to_check() -> None:
    assert "migrate_tui.compose.loader" in CORE


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual_or_rich(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"


NOT_NEEDED = {
    "config": {"textual", "rich", "networkx", "migrate_tui.analysis", "migrate_tui.planning",
               "migrate_tui.progress", "migrate_tui.export", "migrate_tui.manifests",
               "migrate_tui.workspace", "migrate_tui.playbooks"},
    "analyze": {"textual", "rich", "networkx", "migrate_tui.planning", "migrate_tui.progress",
                "migrate_tui.export.markdown", "migrate_tui.manifests", "migrate_tui.workspace"},
    "plan": {"textual", "rich", "networkx", "migrate_tui.verify", "migrate_tui.tui"},
    "status": {"textual", "rich", "networkx", "migrate_tui.verify", "migrate_tui.export",
               "migrate_tui.tui"},
}
"""What each one-shot command must not import: it does not use it, so it must not pay for
it (issue 18). networkx only lists cycles, Textual only draws the TUI, ``verify`` reads a
team's manifests; ``config`` reads the project and nothing past it. (``plan`` and ``status``
do generate the manifests: their ledger makes the plan's specific items, and so its ids.)"""


@pytest.mark.parametrize("command", sorted(NOT_NEEDED))
def test_a_one_shot_command_imports_only_what_it_uses(command: str, tmp_path: Path) -> None:
    sample = str(Path(__file__).resolve().parents[1] / "sample_projects" / "saas")
    code = (
        "import sys, contextlib, io\n"
        "from migrate_tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main([{command!r}, {sample!r}, '--state', {str(tmp_path / 'm.toml')!r}]"
        f" if {command!r} in ('plan', 'status') else [{command!r}, {sample!r}])\n"
        "print(code)\n"
        "print('\\n'.join(sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    code_line, *modules = out.stdout.splitlines()
    assert code_line == "0", out.stdout[-2000:] + out.stderr[-2000:]
    assert "migrate_tui.compose.loader" in modules  # (the command did run)
    loaded = {m for m in modules for prefix in NOT_NEEDED[command]
              if m == prefix or m.startswith(prefix + ".")}
    assert not loaded, f"{command} imports {sorted(loaded)}"


ROOT = Path(__file__).resolve().parents[1]


def _lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with the contracts of ``cwd/pyproject.toml`` (no cache: a fresh read)."""
    script = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(pythonpath)} if pythonpath else None
    return subprocess.run([str(script), "--no-cache"], cwd=cwd, env=env, capture_output=True,
                          text=True)


def test_the_import_contracts_are_kept() -> None:
    """pyproject.toml's contracts: the layers, a core without Textual or Rich, networkx only
    in the graph module, no import cycles."""
    out = _lint_imports(ROOT)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "4 kept, 0 broken" in out.stdout


@pytest.mark.parametrize("module,line,broken", [
    ("compose/model.py", "import textual", "The core never imports Textual or Rich"),
    ("analysis/classify.py", "from migrate_tui.planning import plan", "Lower layers never"),
    ("export/findings.py", "import networkx", "networkx only lists cycles"),
    ("analysis/model.py", "from migrate_tui.analysis import graph", "No import cycles"),
])
def test_a_wrong_import_breaks_a_contract(tmp_path: Path, module: str, line: str,
                                          broken: str) -> None:
    """The contracts can fail: a copy of the package with one wrong import breaks one."""
    shutil.copytree(ROOT / "migrate_tui", tmp_path / "migrate_tui",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "migrate_tui" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    out = _lint_imports(tmp_path, pythonpath=tmp_path)
    assert out.returncode == 1, out.stdout[-2000:] + out.stderr[-2000:]
    assert f"{broken}" in out.stdout and "BROKEN" in out.stdout
    importer = "migrate_tui." + module.replace("/", ".").removesuffix(".py")
    assert importer in out.stdout or f".{importer.rsplit('.', 1)[1]} ->" in out.stdout
