"""The core never imports Textual or Rich: each core module is imported in a fresh process."""

from __future__ import annotations

import pkgutil
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


@pytest.mark.parametrize("command", ["plan", "analyze", "config", "status"])
def test_a_one_shot_command_leaves_textual_and_networkx_unloaded(
    command: str, tmp_path: Path
) -> None:
    """networkx only lists cycles, Textual only draws the TUI: a command without either
    does not pay for their import."""
    sample = str(Path(__file__).resolve().parents[1] / "sample_projects" / "saas")
    code = (
        "import sys, contextlib, io\n"
        "from migrate_tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main([{command!r}, {sample!r}, '--state', {str(tmp_path / 'm.toml')!r}]"
        f" if {command!r} in ('plan', 'status') else [{command!r}, {sample!r}])\n"
        "bad = sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich', 'networkx'})\n"
        "print(code, ','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0", out.stdout + out.stderr
