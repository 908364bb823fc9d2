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


def test_a_link_is_refused_and_its_target_left_alone(tmp_path: Path) -> None:
    real = tmp_path / "home" / ".bashrc"  # a committed MIGRATION_PLAN.md -> ~/.bashrc
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "MIGRATION_PLAN.md"
    link.symlink_to(real)
    with pytest.raises(MigrateError) as caught:
        write_export(link, "# new\n")
    assert "symbolic link" in caught.value.message and caught.value.hint
    assert caught.value.file == str(link)
    assert link.is_symlink() and real.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["MIGRATION_PLAN.md", "home"]


def test_a_dangling_link_creates_nothing(tmp_path: Path) -> None:
    link = tmp_path / "MIGRATION_PLAN.md"
    link.symlink_to(tmp_path / "elsewhere" / "planted.md")
    (tmp_path / "elsewhere").mkdir()
    with pytest.raises(MigrateError):
        write_export(link, "# new\n")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_dev_null_named_by_the_user_is_written_through(tmp_path: Path) -> None:
    write_export(Path(os.devnull), "# plan\n")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_file_outside_any_project_may_be_named(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "plan.md"
    target.parent.mkdir(parents=True)
    write_export(target, "# plan\n")
    assert target.read_text() == "# plan\n"


def test_the_mode_of_the_replaced_file_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    target.write_text("old\n")
    target.chmod(0o640)
    write_export(target, "# new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


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


def test_a_named_pipe_nobody_reads_is_an_error_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("migrate_tui.fsio.PIPE_READER_WAIT", 0.2)
    pipe = tmp_path / "plan.fifo"
    os.mkfifo(pipe)
    with pytest.raises(MigrateError) as caught:
        write_export(pipe, "# plan\n")
    assert "named pipe" in caught.value.message


def test_a_folder_is_refused_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(MigrateError) as caught:
        write_export(tmp_path, "# plan\n")
    assert str(tmp_path) in caught.value.render()


def test_dev_stdout_appends_to_where_the_shell_sent_the_output(tmp_path: Path) -> None:
    log = tmp_path / "log.md"
    log.write_text("# yesterday's notes\n")
    sample = Path(__file__).resolve().parents[2] / "sample_projects" / "webapp"
    env = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": str(tmp_path),
           "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}
    with log.open("ab") as out:  # migrate-tui plan -o /dev/stdout >> log.md
        done = subprocess.run(
            [sys.executable, "-m", "migrate_tui", "plan", str(sample), "-o", "/dev/stdout",
             "--state", str(tmp_path / "m.toml")],
            stdout=out, stderr=subprocess.PIPE, env=env, check=False)
    assert done.returncode == 0, done.stderr
    text = log.read_text()
    assert text.startswith("# yesterday's notes\n# Migration plan: webapp\n")
    assert not log.is_symlink() and log.stat().st_nlink == 1
