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

from migrate_tui.compose.budget import MAX_EXTENDED, MAX_INCLUDED, MAX_PORTS
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.compose.model import Project
from migrate_tui.compose.parse import MAX_TEXT, parse_yaml
from migrate_tui.errors import (
    EnvFileError,
    ExtendsError,
    IncludeError,
    InterpolationError,
    MigrateError,
    SchemaError,
    YamlSyntaxError,
)

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
    files = {".env": "LONG=" + "x" * MIB + "\n",
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


# -- ports: a range is one mapping per port, as Compose prints it ---------------------------

def test_port_ranges_expand_as_compose_prints_them(tmp_path: Path) -> None:
    project = load_folder(tmp_path, {"compose.yaml": SERVICE
                                     + '    ports: ["8000-8002:9000-9002", "5000-5001:80"]\n'})
    ports = project.compose["services"]["web"]["ports"]
    assert [(p["target"], p.get("published")) for p in ports] == [
        (9000, "8000"), (9001, "8001"), (9002, "8002"), (80, "5000-5001")]


def test_whole_port_ranges_on_20_services_are_refused_at_the_range(tmp_path: Path) -> None:
    services = "".join(f'  s{i}:\n    image: nginx\n    ports: ["1-65535:1-65535"]\n'
                       for i in range(20))
    error, seconds, peak = bounded(
        lambda: load_folder(tmp_path, {"compose.yaml": "services:\n" + services}), SchemaError)
    # Two whole ranges fit (131,070 mappings); the third passes MAX_PORTS.
    assert (error.line, error.path) == (10, "services.s2.ports[0]")
    assert f"more than {MAX_PORTS:,} mappings" in error.message
    assert "'1-65535:1-65535'" in error.message
    assert seconds < 4 * CPU_SECONDS  # two ranges are made, as Compose would make them
    assert peak < 4 * PEAK_BYTES


def test_port_mappings_are_counted_across_files(tmp_path: Path) -> None:
    files = {"compose.yaml": "include: [other.yaml]\n" + SERVICE + '    ports: ["1-65535/udp"]\n',
             "other.yaml": 'services:\n  s:\n    image: x\n    ports: ["1-65535", "1-2/sctp"]\n'
             "  t:\n    image: x\n    ports: [{target: 80}]\n"}
    with pytest.raises(SchemaError, match="more than 131,072 mappings") as caught:
        load_folder(tmp_path, files)
    # 131,072 mappings exactly up to t's long-syntax one, in the file included last
    assert caught.value.file == str(tmp_path / "other.yaml")
    assert caught.value.path == "services.t.ports[0]"


def test_every_port_of_a_host_once_loads(tmp_path: Path) -> None:
    project = load_folder(tmp_path, {"compose.yaml": SERVICE
                                     + '    ports: ["1-65535:1-65535", "1-65535/udp", '
                                       "{target: 80, published: '8080'}]\n"})
    assert len(project.compose["services"]["web"]["ports"]) == 2 * 65_535 + 1


# -- include: a graph that fans out --------------------------------------------------------

def fanout(levels: int) -> dict[str, str]:
    files = {}
    for i in range(levels):
        for side in "ab":
            files[f"l{i}{side}.yaml"] = (f"include: [l{i + 1}a.yaml, l{i + 1}b.yaml]\n"
                                          f"services:\n  s{i}{side}:\n    image: nginx\n")
    for side in "ab":
        files[f"l{levels}{side}.yaml"] = f"services:\n  last{side}:\n    image: nginx\n"
    files["compose.yaml"] = "include: [l0a.yaml, l0b.yaml]\n" + SERVICE
    return files


@pytest.mark.parametrize("levels", [12, 30])
def test_an_include_graph_that_fans_out_loads_each_project_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, levels: int
) -> None:
    """Compose accepts a diamond (two files including the same one) and so do we; read
    again at each path, 30 levels would be 2**30 loads."""
    from migrate_tui.compose import loader

    loads: list[tuple[str, ...]] = []
    real = loader._Files.load

    def counted(self: Any, files: list[str], *args: Any) -> dict[str, Any]:
        loads.append(tuple(files))
        return real(self, files, *args)

    monkeypatch.setattr(loader._Files, "load", counted)
    start = time.process_time()
    project = load_folder(tmp_path, fanout(levels))
    assert time.process_time() - start < 2 * CPU_SECONDS
    assert len(project.services) == 2 * (levels + 1) + 1
    assert len(loads) == len(set(loads)) == 2 * (levels + 1) + 1


def test_a_diamond_include_gives_what_compose_gives(tmp_path: Path) -> None:
    project = load_folder(tmp_path, fanout(3))
    assert sorted(project.services) == ["lasta", "lastb", "s0a", "s0b", "s1a", "s1b", "s2a",
                                        "s2b", "web"]


def test_more_than_a_thousand_included_projects_are_refused(tmp_path: Path) -> None:
    names = [f"p{j}.yaml" for j in range(MAX_INCLUDED + 1)]
    files = {name: f"services:\n  s{j}:\n    image: x\n" for j, name in enumerate(names)}
    files["compose.yaml"] = "include:\n" + "".join(f"  - {n}\n" for n in names) + SERVICE
    with pytest.raises(IncludeError, match=f"more than {MAX_INCLUDED:,} projects") as caught:
        load_folder(tmp_path, files)
    assert (caught.value.line, caught.value.path) == (MAX_INCLUDED + 2, f"include[{MAX_INCLUDED}]")


# -- extends: many services copying a large one --------------------------------------------

def test_many_services_extending_a_large_one_are_refused_early(tmp_path: Path) -> None:
    labels = "".join(f"      l{i}: v\n" for i in range(100_000))
    users = "".join(f"  s{i}:\n    extends: base\n" for i in range(2000))
    text = f"services:\n  base:\n    image: nginx\n    labels:\n{labels}{users}"
    (tmp_path / "compose.yaml").write_text(text, encoding="utf-8")
    start = time.process_time()
    with pytest.raises(ExtendsError) as caught:
        load_folder(tmp_path, {})
    assert time.process_time() - start < 10 * CPU_SECONDS  # the file alone takes 2 s
    error = caught.value
    assert f"copy more than {MAX_EXTENDED:,} values" in error.message
    assert "service 's9' copies 100,00" in error.message
    assert (error.line, error.path) == (100_024, "services.s9.extends")


def test_services_extending_across_files_are_counted_too(tmp_path: Path) -> None:
    files = {"base.yaml": 'services:\n  base:\n    image: x\n    ports: ["1-60000"]\n',
             "compose.yaml": "services:\n" + "".join(
                 f"  s{i}:\n    extends: {{file: base.yaml, service: base}}\n"
                 for i in range(10))}
    with pytest.raises(ExtendsError, match="copy more than") as caught:
        load_folder(tmp_path, files)
    assert caught.value.path == "services.s4.extends"  # 240,000 values a copy


def test_env_files_are_counted_each_time_a_service_names_one(tmp_path: Path) -> None:
    """A 1 MB env file is fine once; named by 100 services, each gets a copy."""
    services = "".join(f"  s{i:03}:\n    image: x\n    env_file: vars.env\n" for i in range(100))
    files = {"vars.env": "BIG=" + "x" * MIB + "\n", "compose.yaml": "services:\n" + services}
    error, seconds, peak = bounded(lambda: load_folder(tmp_path, files), EnvFileError)
    assert f"hold more than {MAX_TEXT // MIB} MiB of variables" in error.message
    assert error.file == str(tmp_path / "compose.yaml")
    assert error.path == "services.s063.env_file[0]"  # the 64th read passes 64 MiB
    assert seconds < 2 * CPU_SECONDS
    assert peak < 2 * MAX_TEXT
    load_folder(tmp_path, {"compose.yaml": "services:\n" + services[: services.index("  s010")]})


def test_services_extending_one_of_a_large_file_do_not_copy_the_file(tmp_path: Path) -> None:
    labels = ", ".join(f"l{j}: v" for j in range(40))
    others = "".join(f"  o{i}:\n    image: x\n    labels: {{{labels}}}\n" for i in range(2000))
    users = "".join(f"  s{i}:\n    extends: {{file: big.yaml, service: base}}\n"
                    for i in range(2000))
    files = {"big.yaml": f"services:\n  base:\n    image: nginx\n    labels: {{a: '1'}}\n{others}",
             "compose.yaml": "services:\n" + users
             + "  mine:\n    extends: {file: big.yaml, service: base}\n    labels: {b: '2'}\n"}
    start = time.process_time()
    project = load_folder(tmp_path, files)
    assert time.process_time() - start < 10 * CPU_SECONDS  # a copy of big.yaml each: minutes
    services = project.compose["services"]
    assert services["mine"]["labels"] == {"a": "1", "b": "2"}
    assert services["s0"]["labels"] == services["s1999"]["labels"] == {"a": "1"}
    assert services["s0"]["labels"] is not services["s1"]["labels"]
