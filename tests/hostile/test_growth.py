"""Inputs of kilobytes that grow to gigabytes are refused early, with a clear error.

The YAML bomb check counts nodes; these cases grow otherwise: one long string repeated
through aliases, variables that double each other in a ``.env``, a variable used thousands
of times in a value, defaults nested thousands deep, port ranges, include graphs that fan
out, services extending a large one. Each must end in a :class:`MigrateError` that names
the file, the line and the key or variable, never in a traceback or after minutes.

Like ``test_bombs.py``, the time and memory bounds here are loose on purpose (a second of
CPU, 100 MB); ``benchmarks/hostile_growth.py`` runs the same kinds of input through the CLI
and reports time and peak memory.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.compose.model import Project
from migrate_tui.compose.parse import MAX_TEXT, parse_yaml
from migrate_tui.errors import EnvFileError, InterpolationError, MigrateError, YamlSyntaxError

CPU_SECONDS = 1.0
PEAK_BYTES = 100 * 1024 * 1024
MIB = 1024 * 1024


def bounded(call: Callable[[], Any], error: type[MigrateError]) -> tuple[MigrateError, float, int]:
    """Run ``call``, expecting ``error``: (the error, CPU seconds, peak traced bytes)."""
    start = time.process_time()
    with pytest.raises(error) as caught:
        call()
    seconds = time.process_time() - start
    tracemalloc.start()
    try:
        with pytest.raises(error):
            call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return caught.value, seconds, peak


def load_folder(folder: Path, files: dict[str, str]) -> Project:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return load_project(LoadOptions(path=str(folder), environ={"PATH": "/usr/bin",
                                                               "HOME": "/root"},
                                    cwd=str(folder)))


SERVICE = "services:\n  web:\n    image: nginx\n"


# -- YAML: one long string, many aliases ---------------------------------------------------

def test_a_4_mb_string_aliased_2000_times_is_refused_quickly() -> None:
    big = "x" * (4 * MIB)
    text = f'x-big: &big "{big}"\nx-refs: [{", ".join(["*big"] * 2000)}]\n{SERVICE}'
    error, seconds, peak = bounded(lambda: parse_yaml(text, "compose.yaml"), YamlSyntaxError)
    assert f"expands to more than {MAX_TEXT // MIB} MiB of text" in error.message
    assert "YAML bomb" in error.message
    assert error.line == 1  # the anchor of the string repeated
    assert error.path is not None and error.path.startswith("x-refs[")
    assert seconds < CPU_SECONDS
    assert peak < PEAK_BYTES + 10 * MIB  # the text itself is 4 MB, twice


@pytest.mark.parametrize("where", ["key", "mapping value", "merge", "tagged"])
def test_long_text_is_counted_wherever_an_alias_repeats_it(where: str) -> None:
    big = "y" * MIB
    refs = 100  # 100 MB of text
    if where == "key":
        # a key is at most 1,024 characters: a thousand keys of 1,000
        head = "x-m: &m\n" + "".join(f"  {i:04}{'k' * 996}: 1\n" for i in range(1000))
        body = "".join(f"x-{i}: *m\n" for i in range(refs))
    elif where == "mapping value":
        head = f"x-s: &s {big}\n"
        body = "x-l:\n" + "".join(f"  k{i}: *s\n" for i in range(refs))
    elif where == "merge":
        head = f"x-m: &m {{a: {big}}}\n"
        body = "".join(f"x-{i}: {{<<: *m}}\n" for i in range(refs))
    else:
        head = f"x-s: &s !!binary {big}\n"  # built by build(), not inline
        body = f"x-l: [{', '.join(['*s'] * refs)}]\n"
    with pytest.raises(YamlSyntaxError, match="MiB of text"):
        parse_yaml(head + body + SERVICE, "compose.yaml")


def test_long_text_used_once_each_loads() -> None:
    # 70 MB would be refused if repeated; written out once each, 2 MB is fine.
    values = "".join(f"  k{i}: {chr(97 + i % 26) * 20_000}\n" for i in range(100))
    parsed = parse_yaml("x-l:\n" + values + SERVICE, "compose.yaml")
    assert len(parsed.data["x-l"]) == 100


# -- variables: doubling in env files, products in compose files ---------------------------

DOUBLING = "A0=xx\n" + "".join(f"A{i}=${{A{i - 1}}}${{A{i - 1}}}\n" for i in range(1, 41))


@pytest.mark.parametrize("where", [".env", "env_file"])
def test_env_variables_that_double_each_other_are_refused_at_their_line(
    tmp_path: Path, where: str
) -> None:
    if where == ".env":
        files = {".env": DOUBLING, "compose.yaml": SERVICE}
    else:
        files = {"vars.env": DOUBLING, "compose.yaml": SERVICE + "    env_file: vars.env\n"}
    error, seconds, peak = bounded(lambda: load_folder(tmp_path, files), EnvFileError)
    name = ".env" if where == ".env" else "vars.env"
    assert error.file == str(tmp_path / name)
    # A25 would be 2**26 characters: the first past 64 MiB with the ones before it.
    assert error.line == 26
    assert error.path == "A25"
    assert error.message.startswith(f"A25 expands to more than {MAX_TEXT // MIB} MiB")
    assert "${A24}" in error.message
    assert error.hint and "double" in error.hint
    assert seconds < 2 * CPU_SECONDS
    assert peak < 3 * MAX_TEXT  # the values up to A24 are 64 MB; no more is made


def test_env_values_up_to_the_limit_load(tmp_path: Path) -> None:
    lines = "A0=xx\n" + "".join(f"A{i}=${{A{i - 1}}}${{A{i - 1}}}\n" for i in range(1, 20))
    project = load_folder(tmp_path, {"vars.env": lines,
                                     "compose.yaml": SERVICE + "    env_file: vars.env\n"})
    assert len(project.services["web"].environment["A19"]) == 2 ** 20


def test_a_long_variable_used_thousands_of_times_is_refused_at_its_value(
    tmp_path: Path,
) -> None:
    files = {".env": "LONG=" + "x" * MIB + "\n",
             "compose.yaml": SERVICE + "    labels:\n      ok: $LONG\n"
             f'      big: "{"${LONG}" * 2000}"\n'}
    error, seconds, peak = bounded(lambda: load_folder(tmp_path, files), InterpolationError)
    assert error.file == str(tmp_path / "compose.yaml")
    assert (error.line, error.path) == (6, "services.web.labels.big")
    assert f"longer than {MAX_TEXT // MIB} MiB" in error.message
    assert "${LONG}" in error.message
    assert seconds < CPU_SECONDS
    assert peak < PEAK_BYTES


def test_a_variable_in_an_anchor_aliased_thousands_of_times_is_refused(tmp_path: Path) -> None:
    refs = ", ".join(["*v"] * 2000)
    files = {".env": "LONG=" + "x" * (4 * MIB) + "\n",
             "compose.yaml": f'x-v: &v "prefix-${{LONG}}"\nx-refs: [{refs}]\n{SERVICE}'}
    error, seconds, peak = bounded(lambda: load_folder(tmp_path, files), InterpolationError)
    assert error.line == 1  # the anchor's line: the text every alias repeats
    assert error.path is not None and error.path.startswith("x-refs[")
    assert "${LONG}" in error.message
    assert seconds < CPU_SECONDS


def test_a_long_variable_used_a_few_times_loads(tmp_path: Path) -> None:
    files = {".env": "LONG=" + "x" * MIB + "\n",
             "compose.yaml": SERVICE + f'    labels:\n      big: "{"${LONG}" * 20}"\n'}
    project = load_folder(tmp_path, files)
    assert len(project.services["web"].labels["big"]) == 20 * MIB


def test_defaults_nested_50000_deep_load_as_compose_loads_them(tmp_path: Path) -> None:
    depth = 50_000
    value = "${A:-" * depth + "deep" + "}" * depth
    project = load_folder(tmp_path, {"compose.yaml": SERVICE
                                     + f'    environment:\n      V: "{value}"\n'})
    assert project.services["web"].environment == {"V": "deep"}
