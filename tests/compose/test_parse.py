"""Phase 1, parse: YAML 1.2 scalars, anchors and ``<<``, tags, and where every key stands."""

from __future__ import annotations

import textwrap

import pytest

from migrate_tui.compose.parse import ParsedFile, parse_yaml
from migrate_tui.errors import Location, YamlSyntaxError
from tests.compose.conftest import LoadText, service


def parse(text: str) -> ParsedFile:
    return parse_yaml(textwrap.dedent(text).lstrip("\n"), "/p/compose.yaml")


def test_yes_no_on_off_stay_strings_under_yaml_1_2() -> None:
    data = parse(
        """
        x-flags:
          a: yes
          b: no
          c: on
          d: off
          e: true
          f: False
          g: ~
        """
    ).data["x-flags"]
    assert data == {"a": "yes", "b": "no", "c": "on", "d": "off", "e": True, "f": False,
                    "g": None}


def test_numbers_read_as_compose_reads_them() -> None:
    data = parse(
        """
        x-n:
          octal: 0777
          octal_o: 0o17
          hex: 0x1F
          eight: 08
          float: 1.50
          text: 1.2.3
        """
    ).data["x-n"]
    assert data == {"octal": 0o777, "octal_o": 15, "hex": 31, "eight": 8, "float": 1.5,
                    "text": "1.2.3"}


def test_octal_mode_reaches_the_service(load_yaml: LoadText) -> None:
    project = load_yaml(
        """
        services:
          web:
            image: nginx
            cpu_shares: 0777
            environment:
              FLAG: yes
        """
    )
    web = service(project, "web")
    assert web["cpu_shares"] == 511
    assert web["environment"]["FLAG"] == "yes"


def test_merge_key_explicit_keys_win_and_earlier_sources_win() -> None:
    data = parse(
        """
        x-a: &a
          image: from-a
          restart: always
          labels: {from: a}
        x-b: &b
          image: from-b
          user: b
        services:
          web:
            <<: [*a, *b]
            labels: {explicit: "yes"}
        """
    ).data
    assert data["services"]["web"] == {
        "image": "from-a",  # *a comes before *b
        "restart": "always",
        "user": "b",
        "labels": {"explicit": "yes"},  # an explicit key replaces, it does not merge
    }


def test_anchor_and_alias_copy_a_value() -> None:
    data = parse(
        """
        x-env: &env
          LOG_LEVEL: info
        services:
          a:
            environment: *env
          b:
            environment:
              <<: *env
              EXTRA: "1"
        """
    ).data
    assert data["services"]["a"]["environment"] == {"LOG_LEVEL": "info"}
    assert data["services"]["b"]["environment"] == {"LOG_LEVEL": "info", "EXTRA": "1"}


def test_an_anchor_merged_into_many_services_gives_each_its_own_copy() -> None:
    parsed = parse(
        """
        x-common: &common
          restart: always
          logging:
            options: {max-size: 10m}
          volumes: [data:/data]
        services:
          a:
            <<: *common
            image: a
          b:
            <<: *common
            restart: "no"
        """
    )
    a, b = parsed.data["services"]["a"], parsed.data["services"]["b"]
    assert a["logging"] == b["logging"] == {"options": {"max-size": "10m"}}
    a["logging"]["options"]["max-size"] = "1g"  # a later phase may change one service
    a["volumes"].append("more:/more")
    assert b["logging"] == {"options": {"max-size": "10m"}}
    assert b["volumes"] == ["data:/data"]
    # Merged keys point at the anchor's lines; an explicit key keeps its own.
    assert parsed.positions[("services", "b", "logging", "options", "max-size")] == (4, 15)
    assert parsed.positions[("services", "a", "volumes", 0)] == (5, 13)
    assert parsed.positions[("services", "b", "restart")] == (12, 5)
    assert parsed.positions[("services", "a", "restart")] == (2, 3)


def test_a_reset_inside_a_merged_anchor_is_recorded_for_each_service() -> None:
    parsed = parse(
        """
        x-common: &common
          ports: !reset []
        services:
          a:
            <<: *common
          b:
            <<: *common
        """
    )
    assert ("services", "a", "ports") in parsed.resets
    assert ("services", "b", "ports") in parsed.resets


def test_reset_and_override_tags_are_recorded_by_key_path() -> None:
    parsed = parse(
        """
        services:
          web:
            ports: !reset []
            environment: !override
              A: "1"
        """
    )
    assert parsed.resets == [("services", "web", "ports")]
    assert parsed.overrides == [("services", "web", "environment")]


def test_every_key_and_item_has_its_line_and_column() -> None:
    parsed = parse(
        """
        services:
          web:
            image: nginx
            ports:
              - "80:80"
              - "443:443"
        """
    )
    assert parsed.positions[("services",)] == (1, 1)
    assert parsed.positions[("services", "web")] == (2, 3)
    assert parsed.positions[("services", "web", "image")] == (3, 5)
    assert parsed.positions[("services", "web", "ports", 1)] == (6, 9)
    assert parsed.locate(("services", "web", "ports", 1)) == Location(
        "/p/compose.yaml", 6, 9)
    # a key the file does not have is located at its nearest parent
    assert parsed.locate(("services", "web", "command")).line == 2


def test_positions_follow_the_override_file(load_yaml: LoadText) -> None:
    project = load_yaml(
        """
        services:
          web:
            image: nginx
        """,
        files={"compose.override.yaml": "services:\n  web:\n\n    image: httpd\n"},
    )
    where = project.sources.locate(("services", "web", "image"))
    assert where is not None
    assert (where.file.endswith("compose.override.yaml"), where.line) == (True, 4)


def _laughs(levels: int = 9) -> str:
    lines = ["x-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"x-a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]"
              for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_the_expansion_is_reported_before_a_mistake_the_build_meets_first() -> None:
    # The count of aliases runs only when the build grows large or fails; its error still
    # wins, as when it ran before the build.
    text = "x-dup: {a: 1, a: 2}\n" + _laughs()
    with pytest.raises(YamlSyntaxError, match="expands to more than") as caught:
        parse_yaml(text, "/p/compose.yaml")
    assert caught.value.path == "x-a6"
    with pytest.raises(YamlSyntaxError, match="alias refers to the anchor it is inside"):
        parse_yaml("x-dup: {a: 1, a: 2}\nx-loop: &loop [1, *loop]\n", "/p/compose.yaml")
    with pytest.raises(YamlSyntaxError, match='mapping key "a" already defined at line 1'):
        parse_yaml("x-dup: {a: 1, a: 2}\n" + _laughs(3), "/p/compose.yaml")


def test_a_bomb_in_a_large_file_is_refused_as_in_a_small_one() -> None:
    services = "".join(f"  s{i}:\n    image: nginx\n    labels: {{a: b, c: d}}\n"
                       for i in range(3_000))
    text = f"services:\n{services}" + _laughs()
    with pytest.raises(YamlSyntaxError, match="expands to more than") as caught:
        parse_yaml(text, "/p/compose.yaml")
    assert caught.value.path == "x-a6"
