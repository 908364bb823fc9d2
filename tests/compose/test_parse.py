"""Phase 1, parse: YAML 1.2 scalars, anchors and ``<<``, tags, and where every key stands."""

from __future__ import annotations

import textwrap

from migrate_tui.compose.parse import ParsedFile, parse_yaml
from migrate_tui.errors import Location
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
