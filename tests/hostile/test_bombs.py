"""YAML bombs and deep nesting are refused at once, with a clear error and little memory.

A billion laughs (aliases of aliases) is counted before it is built; nesting deeper than
``MAX_DEPTH`` is refused in block and flow styles alike; and libyaml's composer, which
recurses in C, never sees a document deep enough to overflow its stack (100,000 levels of
``[`` used to kill the interpreter with a segmentation fault). Long chains of ``extends``,
``include`` and ``depends_on`` end in an error or a project, never a RecursionError.

The time bound is loose on purpose (a second of CPU for what takes milliseconds): it tells
"refused up front" from "built a million values first", not fast from slow.
"""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.compose.model import Project
from migrate_tui.compose.parse import MAX_DEPTH, MAX_NODES, parse_yaml
from migrate_tui.errors import ExtendsError, IncludeError, MigrateError, YamlSyntaxError

CPU_SECONDS = 1.0
PEAK_BYTES = 100 * 1024 * 1024
BOMB = f"expands to more than {MAX_NODES:,} values"
DEEP = f"nested more than {MAX_DEPTH} levels deep"


def refused(text: str) -> tuple[YamlSyntaxError, float, int]:
    """Parse ``text``, expecting a refusal: (the error, CPU seconds, peak traced bytes)."""
    start = time.process_time()
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml(text, "compose.yaml")
    seconds = time.process_time() - start
    tracemalloc.start()
    try:
        with pytest.raises(YamlSyntaxError):
            parse_yaml(text, "compose.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return caught.value, seconds, peak


def flow_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ["x-a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"x-a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    lines += ["services:", "  web:", "    image: nginx", f"    labels: *a{levels}"]
    return "\n".join(lines) + "\n"


def block_laughs(levels: int = 9, width: int = 9) -> str:
    out = "x-a0: &a0\n" + "  - lol\n" * width
    for i in range(1, levels + 1):
        out += f"x-a{i}: &a{i}\n" + f"  - *a{i - 1}\n" * width
    return out + "services:\n  web:\n    image: nginx\n"


def merge_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ["x-m0: &m0 {a: 1, b: 2}"]
    for i in range(1, levels + 1):
        lines.append(f"x-m{i}: &m{i}\n  <<: [" + ", ".join([f"*m{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\nservices:\n  web:\n    image: nginx\n"


BOMBS: dict[str, Callable[[], str]] = {
    "flow": flow_laughs,
    "block": block_laughs,
    "merge keys": merge_laughs,
}


@pytest.mark.parametrize("style", list(BOMBS))
def test_a_billion_laughs_is_refused_before_it_is_built(style: str) -> None:
    error, seconds, peak = refused(BOMBS[style]())
    assert BOMB in error.message
    assert "YAML bomb" in error.message
    assert error.location is not None and error.location.line is not None
    assert error.hint and "alias" in error.hint
    assert seconds < CPU_SECONDS
    assert peak < PEAK_BYTES


def test_the_bomb_error_points_at_the_anchor_that_is_too_large() -> None:
    error, _, _ = refused(flow_laughs())
    # x-a6 holds 9**7 = 4.8 million values; x-a5 and below are under the limit.
    assert error.path == "x-a6"
    assert error.line == 7


def test_many_aliases_under_the_limit_are_fine() -> None:
    text = flow_laughs(levels=4)  # 9**5 = 59,049 values in x-a4
    assert parse_yaml(text, "compose.yaml").data["services"]["web"]["labels"]


NESTINGS: dict[str, str] = {
    "flow sequences": "x: " + "[" * 10_000 + "]" * 10_000,
    "flow mappings": "x: " + "{a: " * 10_000 + "}" * 10_000,
    "flow, unclosed": "x: " + "[" * 10_000,
    "flow, one per line": "x:\n" + "  [\n" * 10_000 + "  ]\n" * 10_000,
    "block sequences on one line": "- " * 10_000 + "x\n",
    "block mappings": "".join(" " * i + "k:\n" for i in range(1_000)) + " " * 1_000 + "v\n",
    "block sequences": "".join(" " * i + "-\n" for i in range(1_000)),
}


@pytest.mark.parametrize("style", list(NESTINGS))
def test_deep_nesting_is_refused_quickly(style: str) -> None:
    error, seconds, peak = refused(NESTINGS[style])
    assert DEEP in error.message or "invalid YAML" in error.message
    assert seconds < CPU_SECONDS
    assert peak < PEAK_BYTES


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH + 1])
@pytest.mark.parametrize("style", ["flow", "block"])
def test_the_depth_limit_is_the_same_in_block_and_flow(style: str, depth: int) -> None:
    if style == "flow":
        text = "x-deep: " + "[" * depth + "]" * depth + "\n"
    else:
        text = "x-deep:\n" + "".join("  " * (i + 1) + "-\n" for i in range(depth))
    text += "services:\n  web:\n    image: nginx\n"
    if depth < MAX_DEPTH:
        parse_yaml(text, "compose.yaml")
    else:
        with pytest.raises(YamlSyntaxError, match=DEEP):
            parse_yaml(text, "compose.yaml")


def test_a_hundred_thousand_levels_do_not_crash_the_interpreter() -> None:
    # In a child process: a crash in C would otherwise take pytest down with it.
    code = (
        "from migrate_tui.compose.parse import parse_yaml\n"
        "from migrate_tui.errors import YamlSyntaxError\n"
        "for n in (30_000, 100_000, 1_000_000):\n"
        "    for text in ('x: ' + '[' * n + ']' * n, 'x: ' + '[' * n, '- ' * n + 'x'):\n"
        "        try:\n"
        "            parse_yaml(text, 'compose.yaml')\n"
        "        except YamlSyntaxError as exc:\n"
        "            print(exc.message)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"the document is {DEEP}"] * 9


def load_folder(folder: Path, files: dict[str, str]) -> Project:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return load_project(LoadOptions(path=str(folder), environ={"PATH": "/usr/bin",
                                                               "HOME": "/root"},
                                    cwd=str(folder)))


def test_the_loader_refuses_a_bomb_with_its_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        load_folder(tmp_path, {"compose.yaml": block_laughs()})
    assert caught.value.file == str(tmp_path / "compose.yaml")
    assert BOMB in caught.value.render()


def test_a_long_depends_on_chain_loads(tmp_path: Path) -> None:
    n = 3_000
    services = "".join(f"  s{i}:\n    image: x\n    depends_on: [s{i + 1}]\n" for i in range(n))
    project = load_folder(tmp_path, {"compose.yaml": f"services:\n{services}  s{n}:\n"
                                                     "    image: x\n"})
    assert len(project.services) == n + 1


def test_a_long_extends_chain_is_an_error_not_a_recursion_error(tmp_path: Path) -> None:
    n = 1_500
    services = "".join(f"  s{i}:\n    extends: s{i + 1}\n" for i in range(n))
    with pytest.raises(ExtendsError, match="extends chain from service 's0' is longer"):
        load_folder(tmp_path, {"compose.yaml": f"services:\n{services}  s{n}:\n"
                                               "    image: x\n"})


def test_deeply_nested_includes_are_an_error_not_a_recursion_error(tmp_path: Path) -> None:
    n = 200
    files = {f"f{i}.yaml": f"include: [f{i + 1}.yaml]\nservices:\n  s{i}:\n    image: x\n"
             for i in range(n)}
    files[f"f{n}.yaml"] = "services:\n  last:\n    image: x\n"
    files["compose.yaml"] = "include: [f0.yaml]\nservices:\n  top:\n    image: x\n"
    with pytest.raises(IncludeError, match="nested more than"):
        load_folder(tmp_path, files)


def test_every_refusal_is_a_migrate_error() -> None:
    for make in BOMBS.values():
        with pytest.raises(MigrateError):
            parse_yaml(make(), "compose.yaml")


@pytest.mark.parametrize("text", [
    "x-a: &x [*x, *x]\n",
    "x-a: &x {a: *x}\n",
    "x-a: &x {<<: *x}\n",
    "x-a: &x\n  b:\n    c: *x\n",
])
def test_an_anchor_that_contains_itself_is_refused_at_its_line(text: str) -> None:
    error, seconds, peak = refused(text + "services:\n  web:\n    image: nginx\n")
    assert "alias refers to the anchor it is inside" in error.message
    assert error.line == 1
    assert seconds < CPU_SECONDS


def test_a_number_of_thousands_of_digits_stays_text_as_in_compose(tmp_path: Path) -> None:
    """Python refuses to read an int of over 4,300 digits; Go's YAML reads any number too
    big for a float64 as a string, so Compose passes it on as text."""
    digits = "9" * 5_000
    project = load_folder(tmp_path, {"compose.yaml": (
        "services:\n  web:\n    image: nginx\n"
        f"    environment:\n      BIG: {digits}\n      FITS: {'9' * 300}\n")})
    assert project.services["web"].environment == {"BIG": digits, "FITS": "9" * 300}
    parsed = parse_yaml(f"x-big: {digits}\nx-neg: -{digits}\nx-fits: {'9' * 300}\n", "c.yaml")
    assert parsed.data == {"x-big": digits, "x-neg": f"-{digits}", "x-fits": int("9" * 300)}


def test_a_bomb_padded_with_megabytes_of_comments_is_still_refused_early() -> None:
    """Values are built before the expansion is counted in proportion to the text, but no
    more than 100,000 of them, however long the comments."""
    error, seconds, peak = refused("#" + "x" * 4_000_000 + "\n" + flow_laughs())
    assert BOMB in error.message
    assert seconds < CPU_SECONDS
    assert peak < PEAK_BYTES


def test_a_number_that_still_fits_a_float64_stays_a_number() -> None:
    parsed = parse_yaml(f"x-a: 1{'0' * 308}\nx-b: 2{'0' * 308}\n", "c.yaml")
    assert parsed.data == {"x-a": 10 ** 308, "x-b": f"2{'0' * 308}"}


def test_a_number_field_too_big_for_a_float64_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(MigrateError, match="out of range"):
        load_folder(tmp_path, {"compose.yaml": (
            f"services:\n  web:\n    image: nginx\n    cpus: {'9' * 400}\n")})
