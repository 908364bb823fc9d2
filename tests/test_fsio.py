"""The file layer for untrusted projects: bounded reads, writes that follow no link."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate_tui.errors import MigrateError, ProgressError, UnsafeFileError
from migrate_tui.fsio import (
    OutputFolder,
    decode_text,
    open_lock_file,
    read_bytes_bounded,
    read_text_bounded,
    temp_files,
    write_bytes_safely,
    write_text_safely,
)

# ---------------------------------------------------------------------- reading


def test_a_file_of_exactly_the_limit_is_read_one_byte_more_is_not(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 10)
    assert read_bytes_bounded(path, 10) == b"x" * 10
    with pytest.raises(UnsafeFileError) as caught:
        read_bytes_bounded(path, 9)
    assert "larger than" in caught.value.message and caught.value.file == str(path)


def test_a_file_whose_size_says_zero_is_still_cut_at_the_limit() -> None:
    # /proc files report size 0 and then yield content: the limit holds while reading
    assert read_bytes_bounded("/proc/self/status", 1 << 20)
    with pytest.raises(UnsafeFileError):
        read_bytes_bounded("/proc/self/status", 16)


def test_the_error_class_is_the_callers(tmp_path: Path) -> None:
    with pytest.raises(ProgressError):
        read_bytes_bounded(tmp_path, 10, error=ProgressError)


@pytest.mark.parametrize(("make", "words"), [
    (lambda p: p.mkdir(), "a folder"),
    (lambda p: os.mkfifo(p), "a named pipe"),
    (lambda p: p.symlink_to("/dev/zero"), "a device"),
])
def test_anything_but_a_regular_file_is_refused_without_reading(
    tmp_path: Path, make: object, words: str,
) -> None:
    path = tmp_path / "thing"
    make(path)  # type: ignore[operator]
    with pytest.raises(UnsafeFileError) as caught:
        read_bytes_bounded(path, 1 << 20)
    assert words in caught.value.message


def test_a_link_is_followed_or_refused_as_the_caller_asks(tmp_path: Path) -> None:
    (tmp_path / "real").write_text("hi")
    link = tmp_path / "link"
    link.symlink_to("real")
    assert read_text_bounded(link, 10) == "hi"
    with pytest.raises(UnsafeFileError) as caught:
        read_text_bounded(link, 10, follow_links=False)
    assert "symbolic link" in caught.value.message


def test_a_dangling_link_is_missing_when_followed_and_a_link_when_not(tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to("nowhere")
    with pytest.raises(FileNotFoundError):
        read_bytes_bounded(link, 10)
    with pytest.raises(UnsafeFileError):
        read_bytes_bounded(link, 10, follow_links=False)


@pytest.mark.parametrize(("data", "line", "column"), [
    (b"\xff", 1, 1),
    (b"ab\ncaf\xc3\xa9 \xe9t\xc3\xa9\n", 2, 6),  # columns count characters, not bytes
    (b"a\nb\nc\x00", 3, 2),
    (b"\xc3", 1, 1),  # cut in the middle of a character
])
def test_bytes_that_are_not_text_are_placed_by_line_and_column(
    data: bytes, line: int, column: int,
) -> None:
    with pytest.raises(UnsafeFileError) as caught:
        decode_text(data, "f.yaml")
    assert (caught.value.location.line, caught.value.location.column) == (line, column)  # type: ignore[union-attr]
    assert caught.value.hint


@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=60), st.data())
def test_an_invalid_byte_is_placed_at_the_character_it_replaces(text: str, data: st.DataObject,
                                                                 ) -> None:
    at = data.draw(st.integers(0, len(text)))
    raw = text[:at].encode() + b"\xff" + text[at:].encode()
    with pytest.raises(UnsafeFileError) as caught:
        decode_text(raw, "f")
    before = text[:at]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    location = caught.value.location
    assert location is not None and (location.line, location.column) == (line, column)


def test_utf16_text_is_named_as_such() -> None:
    with pytest.raises(UnsafeFileError) as caught:
        decode_text("A=1\n".encode("utf-16"), ".env")
    assert "UTF-16" in caught.value.message and "utf-16" in (caught.value.hint or "")


# ---------------------------------------------------------------------- writing


def test_a_new_file_gets_the_usual_mode_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    new = tmp_path / "new"
    write_text_safely(new, "a", allowed_root=tmp_path, user_named=False)
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask
    new.chmod(0o600)
    write_text_safely(new, "b", allowed_root=tmp_path, user_named=False)
    assert stat.S_IMODE(new.stat().st_mode) == 0o600 and new.read_text() == "b"


def test_a_hard_link_elsewhere_keeps_the_old_content(tmp_path: Path) -> None:
    outside = tmp_path / "victim"
    outside.write_text("mine")
    project = tmp_path / "p"
    project.mkdir()
    os.link(outside, project / "plan.md")
    write_text_safely(project / "plan.md", "plan", allowed_root=project, user_named=False)
    assert outside.read_text() == "mine" and (project / "plan.md").read_text() == "plan"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "f"
    target.write_text("old")

    def broken(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(UnsafeFileError) as caught:
        write_text_safely(target, "new", allowed_root=tmp_path, user_named=False)
    assert "No space left" in caught.value.message
    assert target.read_text() == "old" and sorted(os.listdir(tmp_path)) == ["f"]


def test_the_project_folder_is_not_left_through_a_linked_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    (project / "docs").symlink_to(outside)
    with pytest.raises(UnsafeFileError) as caught:
        write_text_safely(project / "docs" / "plan.md", "x", allowed_root=project,
                          user_named=False)
    assert "outside the project" in caught.value.message
    assert list(outside.iterdir()) == []
    write_text_safely(project / "docs" / "plan.md", "x", allowed_root=project, user_named=True)
    assert (outside / "plan.md").read_text() == "x"


def test_a_project_reached_through_a_link_is_still_inside_itself(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "via").symlink_to("real")
    write_text_safely(tmp_path / "via" / "f", "x", allowed_root=tmp_path / "via",
                      user_named=False)
    assert (tmp_path / "real" / "f").read_text() == "x"


def test_a_path_not_named_by_the_user_needs_a_root(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_bytes_safely(tmp_path / "f", b"", allowed_root=None, user_named=False)


@pytest.mark.parametrize("user_named", [False, True])
def test_a_link_is_refused_even_where_the_user_named_it(tmp_path: Path, user_named: bool) -> None:
    victim = tmp_path / "victim"
    victim.write_text("mine")
    (tmp_path / "out.md").symlink_to(victim)
    with pytest.raises(MigrateError) as caught:
        write_text_safely(tmp_path / "out.md", "x", allowed_root=tmp_path,
                          user_named=user_named)
    assert caught.value.file == str(tmp_path / "out.md") and caught.value.hint
    assert "symbolic link" in caught.value.message
    assert victim.read_text() == "mine"


def test_a_pipe_not_named_by_the_user_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "out")
    with pytest.raises(UnsafeFileError) as caught:
        write_text_safely(tmp_path / "out", "x", allowed_root=tmp_path, user_named=False)
    assert "named pipe" in caught.value.message


def test_a_lock_file_is_created_and_a_link_or_pipe_there_refused(tmp_path: Path) -> None:
    fd = open_lock_file(tmp_path / "a.lock", allowed_root=tmp_path, user_named=False)
    os.close(fd)
    assert (tmp_path / "a.lock").is_file()
    (tmp_path / "b.lock").symlink_to(tmp_path / "planted")
    os.mkfifo(tmp_path / "c.lock")
    for name, words in (("b.lock", "symbolic link"), ("c.lock", "named pipe")):
        with pytest.raises(UnsafeFileError) as caught:
            open_lock_file(tmp_path / name, allowed_root=tmp_path, user_named=False)
        assert words in caught.value.message
    assert not (tmp_path / "planted").exists()


def test_temp_files_are_listed_but_a_folder_of_that_name_is_not(tmp_path: Path) -> None:
    (tmp_path / ".f.abc.tmp").write_text("half")
    (tmp_path / ".f.dir.tmp").mkdir()
    assert temp_files(tmp_path / "f") == [tmp_path / ".f.abc.tmp"]


# ---------------------------------------------------------------------- a folder of files


def test_output_folder_reads_writes_and_makes_subfolders(tmp_path: Path) -> None:
    with OutputFolder(tmp_path / "new" / "base") as folder:
        assert folder.read("a/b.yaml", 100) is None  # (no folder made by a read)
        assert not (tmp_path / "new" / "base" / "a").exists()
        folder.write("a/b.yaml", b"one\n", new=True)
        assert folder.read("a/b.yaml", 100) == b"one\n"
        folder.write("a/b.yaml", b"two\n")
        folder.remove("a/b.yaml")
        folder.remove("a/b.yaml")  # (absent: nothing)
        folder.write("c.txt", b"x", new=True, mode=0o600, durable=True)
        folder.sync()
    assert stat.S_IMODE((tmp_path / "new" / "base" / "c.txt").stat().st_mode) == 0o600
    assert not (tmp_path / "new" / "base" / "a" / "b.yaml").exists()
    assert os.listdir(tmp_path / "new" / "base" / "a") == []  # (no temporary left)


def test_output_folder_replaces_whole_and_new_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"old")
    elsewhere = tmp_path / "hard"
    os.link(tmp_path / "f", elsewhere)
    with OutputFolder(tmp_path) as folder:
        folder.write("f", b"new")
        with pytest.raises(UnsafeFileError, match="appeared"):
            folder.write("f", b"other", new=True)
    assert (tmp_path / "f").read_bytes() == b"new"
    assert elsewhere.read_bytes() == b"old"  # (renamed over, not written in place)
    with OutputFolder(tmp_path) as folder:  # (the folder is listed once, then...)
        assert folder.read("late", 10) is None
        (tmp_path / "late").write_bytes(b"theirs")
        with pytest.raises(UnsafeFileError, match="appeared"):
            folder.write("late", b"ours", new=True)  # (... O_EXCL meets what came since)
    assert (tmp_path / "late").read_bytes() == b"theirs"


def test_output_folder_follows_no_link_below_itself(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.yaml").write_text("precious\n")
    base = tmp_path / "base"
    base.mkdir()
    (base / "sub").symlink_to(outside)
    (base / "x.yaml").symlink_to(outside / "x.yaml")
    with OutputFolder(base, error=ProgressError) as folder:
        with pytest.raises(ProgressError, match="link"):
            folder.read("sub/x.yaml", 100)
        with pytest.raises(ProgressError, match="link"):
            folder.write("sub/y.yaml", b"y")
        with pytest.raises(ProgressError, match="link"):
            folder.read("x.yaml", 100)
        with pytest.raises(ProgressError, match="link"):
            folder.write("x.yaml", b"y", new=True)
        with pytest.raises(ProgressError, match="link"):
            folder.write("x.yaml", b"y")
        for bad in ("../outside/x.yaml", "/etc/passwd", "a//b", "./x", ""):
            with pytest.raises(ValueError):
                folder.read(bad, 100)
        folder.remove("x.yaml")  # (the link goes, not what it points at)
    assert (outside / "x.yaml").read_text() == "precious\n"
    assert sorted(os.listdir(outside)) == ["x.yaml"]


def test_output_folder_refuses_a_link_a_file_and_a_special_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("keep\n")
    (tmp_path / "link").symlink_to(tmp_path)
    for name in ("file", "link"):
        with pytest.raises(UnsafeFileError, match="not a folder"):
            OutputFolder(tmp_path / name)
    os.mkfifo(tmp_path / "pipe")
    with OutputFolder(tmp_path) as folder, pytest.raises(UnsafeFileError, match="pipe"):
        folder.read("pipe", 100)  # (O_NONBLOCK: no hang)
    (tmp_path / "big").write_bytes(b"x" * 101)
    with OutputFolder(tmp_path) as folder, pytest.raises(UnsafeFileError, match="larger"):
        folder.read("big", 100)
