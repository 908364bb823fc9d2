"""Escape sequences and markup in compose values never reach a terminal or a document raw."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMPOSE = (
    "services:\n  web:\n    image: nginx:1.27\n    environment:\n"
    '      EVIL: "\\e[31mRED\\e[0m <script>alert(1)</script>"\n'
    '      API_URL: "http://localhost:8080/\\e]0;pwned\\a"\n'
    "    labels:\n"
    '      note: "\\e[2J cleared | [x](javascript:alert(1))"\n'
)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    return tmp_path


def _run(project: Path, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "migrate_tui", *args], cwd=project,
                          env={"PATH": os.environ.get("PATH", ""), "HOME": str(project),
                               "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]},
                          capture_output=True, text=True, check=True)
    return proc.stdout


@pytest.mark.parametrize("args", [("analyze",), ("analyze", "--format", "json"),
                                  ("plan",), ("plan", "--format", "json")])
def test_no_raw_escape_reaches_the_output(project: Path, args: tuple[str, ...]) -> None:
    out = _run(project, *args)
    assert "\x1b" not in out and "\x07" not in out
    assert "<script>" not in out or args[-1] == "json"


async def test_the_tui_shows_escapes_as_text(project: Path) -> None:
    from migrate_tui.compose.discover import LoadOptions
    from migrate_tui.tui.app import make_app

    app = make_app(LoadOptions(path=str(project), environ={"PATH": "/usr/bin"},
                               cwd=str(project)), watch_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if app.workspace is not None:
                break
        await pilot.press("2")
        await pilot.pause()
        detail = str(app.query_one("#svc-detail-text").render())
        assert "\x1b" not in detail and "\x07" not in detail


# ----------------------------------------------------------------------------------------
# One terminal-safety layer: every output of every command, the errors and the TUI write
# what a file says through ``migrate_tui.text.visible``.

RAW = ("\x1b", "\x07", "\x9b", "\x9d", "\u202e", "\u2066", "\x08", "\r")
"""What must never reach a terminal raw: ESC, BEL, 8-bit CSI and OSC, bidi overrides,
backspace, carriage return."""

HOSTILE_PROGRESS = (
    'schema = 1\n\n[settings]\nteam = ["al\\u001b]0;pwned\\u0007ice"]\n\n'
    '[items."web.probes"]\nstatus = "doing"\nchanged_at = 2099-01-01T00:00:00Z\n'
    'changed_by = "ev\\u001b[2Jil\\u009b31m"\nassignee = "mal\\u001b[31mlory\\u202e"\n\n'
    '[items."gone\\u001b[2J.x\\r\\u2066"]\nstatus = "done"\nassignee = "ghost\\u0008\\u0008"\n'
)


def _assert_safe(text: str) -> None:
    for raw in RAW:
        assert raw not in text, (raw, text[:2000])


def _run_all(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(project),
           "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
           "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}
    return subprocess.run([sys.executable, "-m", "migrate_tui", *args], cwd=project, env=env,
                          capture_output=True, text=True, check=False)


@pytest.fixture()
def hostile_progress(project: Path) -> Path:
    (project / "migration.toml").write_text(HOSTILE_PROGRESS)
    return project


@pytest.mark.parametrize("args", [
    ("status",), ("status", "--format", "json"),
    ("set", "web.probes", "--status", "done", "--by", "bob"),
    ("assign", "web.probes", "carol", "--by", "bob"),
    ("set", "web.x\x1b]0;t\x07", "--status", "done", "--by", "bob"),
    ("plan",), ("plan", "--format", "json"),
])
def test_progress_commands_show_escapes_from_migration_toml_as_text(
        hostile_progress: Path, args: tuple[str, ...]) -> None:
    """A committed migration.toml's assignee, changed_by, team and orphaned ids never
    reach the terminal raw (``status`` cleared the screen, ``assign`` retitled it)."""
    proc = _run_all(hostile_progress, *args)
    assert proc.returncode in (0, 2), proc.stderr
    _assert_safe(proc.stdout)
    _assert_safe(proc.stderr)
    if args == ("status",):
        assert "mal\\x1b[31mlory\\u202e" in proc.stdout  # (shown, written out)
        assert "gone\\x1b[2J.x" in proc.stdout
    if args[0] == "assign":
        assert "al\\x1b]0;pwned\\x07ice" in proc.stdout  # (the team, in the reminder)
    if args[0] == "set" and args[1] == "web.probes":
        # The committed change is dated 2099: not believed, so this change wins, and the
        # warning names the item safely.
        assert "in the future" in proc.stderr and "(by bob)" in proc.stdout


def test_error_messages_write_out_escapes_in_key_paths(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        'services:\n  web:\n    image: nginx\n    "bad\\e]0;pwned\\a\\u202e": 1\n')
    proc = _run_all(tmp_path, "analyze")
    assert proc.returncode == 2
    _assert_safe(proc.stderr)
    assert "at key: services.web.bad\\x1b]0;pwned\\x07\\u202e" in proc.stderr


def test_the_rendering_of_every_error_is_safe() -> None:
    from migrate_tui.errors import Location, MigrateError, ProblemList, ProgressError

    one = MigrateError("bad 'x\x1b[2J' and postgres://u:pw@db", location=Location(
        "co\x9bmpose.yaml", 3, 4), path="services.w\x1b]0;t\x07.ports[0]\nforged: line",
        hint="fix \u202eit")
    for error in (one, ProblemList([one, one]), ProgressError("p\x1b", also=[
            ProgressError("q\x07", path="items.\x1b")])):
        _assert_safe(error.render())
    rendered = one.render()
    assert "services.w\\x1b]0;t\\x07.ports[0]\\x0aforged: line" in rendered  # (one line)
    # Masking is the edges' (it reads a playbook, above errors.py): the CLI's and the TUI's.
    from migrate_tui.cli import _err
    from migrate_tui.tui.text import clean

    assert "postgres://u:***@db" in clean(rendered)
    import contextlib
    import io

    with contextlib.redirect_stderr(io.StringIO()) as stderr:
        _err(rendered)
    assert "postgres://u:***@db" in stderr.getvalue() and "pw@" not in stderr.getvalue()


def test_json_outputs_escape_c1_and_bidi_and_still_parse(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    environment:\n"
        '      A: "http://localhost:1/\\x9b2J\\u202e"\n')
    for args in (("analyze", "--format", "json"), ("config", "--format", "json"),
                 ("config",), ("plan", "--format", "json")):
        proc = _run_all(tmp_path, *args)
        assert proc.returncode == 0, proc.stderr
        _assert_safe(proc.stdout)
    import json

    data = json.loads(_run_all(tmp_path, "config", "--format", "json").stdout)
    assert data["services"]["web"]["environment"]["A"] == "http://localhost:1/\x9b2J\u202e"


def test_analyze_text_lets_no_colour_sequence_of_the_project_through(tmp_path: Path) -> None:
    """Our colours and the project's ESC [ 31 m look alike (here in an env file's name,
    which the report shows as evidence): with an escape in the project's text, the report
    has no colours at all rather than the project's."""
    from migrate_tui.compose.discover import LoadOptions
    from migrate_tui.compose.loader import load_project
    from migrate_tui.export.analyze import run_analyze

    (tmp_path / "compose.yaml").write_text(
        'services:\n  web:\n    image: nginx\n    env_file: ["x\\e[31m.env"]\n')
    (tmp_path / "x\x1b[31m.env").write_text("DB_PASSWORD=abc\n")
    hostile = load_project(LoadOptions(path=str(tmp_path), environ={}, cwd=str(tmp_path)))
    coloured = run_analyze(hostile, "text", True)
    _assert_safe(coloured)
    assert "x\\x1b[31m.env:1" in coloured
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    environment:\n      DB_PASSWORD: abc\n")
    clean = load_project(LoadOptions(path=str(tmp_path), environ={}, cwd=str(tmp_path)))
    assert "\x1b[1;31m" in run_analyze(clean, "text", True)  # (colours: nothing hostile)


def test_visible_is_the_one_rule_and_is_idempotent() -> None:
    from migrate_tui.text import visible, visible_json

    text = "a\x1b[31mb\x07c\x9bd\u202ee\u2066f\rg\th\ni"
    shown = visible(text)
    _assert_safe(shown)
    assert shown == "a\\x1b[31mb\\x07c\\x9bd\\u202ee\\u2066f\\x0dg\th\ni"
    assert visible(shown) == shown
    assert visible("h\ti\nj", one_line=True) == "h\\x09i\\x0aj"
    assert visible_json('"\x9b\u202e"') == '"\\u009b\\u202e"'
    assert visible("naïve café ✓ 日本") == "naïve café ✓ 日本"


async def test_the_tui_overview_and_plan_show_progress_escapes_as_text(
        hostile_progress: Path) -> None:
    from migrate_tui.compose.discover import LoadOptions
    from migrate_tui.tui.app import make_app

    app = make_app(LoadOptions(path=str(hostile_progress), environ={"PATH": "/usr/bin"},
                               cwd=str(hostile_progress)), watch_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if app.workspace is not None:
                break
        await pilot.pause()
        totals = str(app.query_one("#ov-totals").render())
        _assert_safe(totals)
        assert "gone\\x1b[2J.x" in totals
        _assert_safe(str(app.sub_title))
        _assert_safe(str(app.query_one("#summary").render()))


def test_the_tui_text_helper_writes_out_escapes_and_keeps_markup_literal() -> None:
    from migrate_tui.tui.text import clean, markup, plain

    text = "[b]bold[/b] \x1b]0;t\x07 \u202e"
    assert plain(text).plain == "[b]bold[/b] \\x1b]0;t\\x07 \\u202e"
    assert clean(text) == plain(text).plain
    assert markup(text).startswith("\\[b]bold\\[/b]")


@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_the_ledger_escapes_names_from_the_project(tmp_path: Path, fmt: str) -> None:
    """A variable's name is the project's text: the ledger names it, escaped."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    environment:\n"
        '      "A\\u009bB\\u202e": "x"\n')
    proc = _run_all(tmp_path, "ledger", "--format", fmt)
    assert proc.returncode == 0, proc.stderr
    _assert_safe(proc.stdout)
    assert "A" in proc.stdout and "B" in proc.stdout
