"""Every TUI worker names itself, so Textual never describes it from its arguments.

Without a ``description``, Textual's ``@work`` builds one from ``repr()`` of every argument,
on the interface thread, each time the worker starts. A worker handed the workspace reprs the
whole analysis, manifests and plan: at 2,000 services that was half a second of a frozen
screen after each class or kind override.
"""

from __future__ import annotations

import ast
from pathlib import Path

import migrate_tui.tui

TUI = Path(migrate_tui.tui.__file__).resolve().parent


def _work_decorators() -> list[tuple[str, int, ast.Call]]:
    found = []
    for path in sorted(TUI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for deco in node.decorator_list:
                    target = deco.func if isinstance(deco, ast.Call) else deco
                    if isinstance(target, ast.Name) and target.id == "work" or \
                            isinstance(target, ast.Attribute) and target.attr == "work":
                        call = deco if isinstance(deco, ast.Call) else ast.Call(target, [], [])
                        found.append((f"{path.relative_to(TUI)}:{node.name}", node.lineno, call))
    return found


def test_the_scan_finds_the_workers() -> None:
    names = {where for where, _, _ in _work_decorators()}
    assert "app.py:load_workspace" in names
    assert "widgets/services_view.py:_find_detected" in names


def test_every_worker_has_a_description() -> None:
    missing = [f"{where} (line {line})" for where, line, call in _work_decorators()
               if not any(k.arg == "description" for k in call.keywords)]
    assert not missing, "give these @work a description= (else Textual reprs the arguments): " \
        + ", ".join(missing)
