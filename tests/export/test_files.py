"""Where an export lands: files are replaced whole, links and devices stay what they are."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from migrate_tui.errors import MigrateError
from migrate_tui.export.files import write_export


def test_a_file_is_replaced_with_the_new_text(tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    target.write_text("old\n")
    write_export(target, "# new\n")
    assert target.read_text() == "# new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.md"]  # no temporary file left


def test_a_link_to_a_file_stays_a_link_and_its_file_gets_the_text(tmp_path: Path) -> None:
    real = tmp_path / "docs" / "plan.md"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "PLAN.md"
    link.symlink_to(real)
    write_export(link, "# new\n")
    assert link.is_symlink()
    assert real.read_text() == "# new\n"


def test_a_link_to_dev_null_stays_a_link_to_the_device(tmp_path: Path) -> None:
    link = tmp_path / "discard.md"
    link.symlink_to(os.devnull)
    write_export(link, "# plan\n")
    assert link.is_symlink()
    assert stat.S_ISCHR(os.stat(link).st_mode)


def test_a_named_pipe_gets_the_text_and_stays_a_pipe(tmp_path: Path) -> None:
    pipe = tmp_path / "plan.fifo"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    write_export(pipe, "# plan\n")
    reader.join(timeout=10)
    assert received == [b"# plan\n"]
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_a_folder_is_refused_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(MigrateError) as caught:
        write_export(tmp_path, "# plan\n")
    assert str(tmp_path) in caught.value.render()


def test_dev_stdout_appends_to_where_the_shell_sent_the_output(tmp_path: Path) -> None:
    log = tmp_path / "log.md"
    log.write_text("# yesterday's notes\n")
    sample = Path(__file__).resolve().parents[2] / "sample_projects" / "webapp"
    env = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": str(tmp_path)}
    with log.open("ab") as out:  # migrate-tui plan -o /dev/stdout >> log.md
        done = subprocess.run(
            [sys.executable, "-m", "migrate_tui", "plan", str(sample), "-o", "/dev/stdout",
             "--state", str(tmp_path / "m.toml")],
            stdout=out, stderr=subprocess.PIPE, env=env, check=False)
    assert done.returncode == 0, done.stderr
    text = log.read_text()
    assert text.startswith("# yesterday's notes\n# Migration plan: webapp\n")
    assert not log.is_symlink() and log.stat().st_nlink == 1
