"""Phase 2, interpolate: every ``${VAR}`` form, as ``docker compose config`` resolves it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate_tui.compose.substitute import substitute
from migrate_tui.errors import InterpolationError, MigrateError
from tests.compose.conftest import LoadText, service

ENV = {"SET": "value", "EMPTY": ""}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("$SET", "value"),
        ("${SET}", "value"),
        ("pre-${SET}-post", "pre-value-post"),
        ("$SET.x", "value.x"),
        # :- default when unset or empty; - only when unset
        ("${UNSET:-d}", "d"),
        ("${EMPTY:-d}", "d"),
        ("${SET:-d}", "value"),
        ("${UNSET-d}", "d"),
        ("${EMPTY-d}", ""),
        ("${UNSET:-a b}", "a b"),
        # ? only fails when unset, :? also when empty (the failures are in test_errors)
        ("${EMPTY?msg}", ""),
        ("${SET?msg}", "value"),
        ("${SET:?msg}", "value"),
        # :+ alternative when set and not empty; + when set
        ("${SET:+alt}", "alt"),
        ("${EMPTY:+alt}", ""),
        ("${EMPTY+alt}", "alt"),
        ("${UNSET+alt}", ""),
        ("${SET:+[${SET}]}", "[value]"),
        # nested defaults
        ("${UNSET:-${UNSET2:-x}}", "x"),
        ("${UNSET:-${SET:-x}}", "value"),
        ("${SET:-${UNSET2:-x}}", "value"),
        # braces in a default nest; unbalanced, the last one closes
        ('${UNSET:-{"a": 1}}', '{"a": 1}'),
        ("${UNSET:-{}", "{"),
        ("${UNSET:-a}b}", "ab}"),
    ],
)
def test_each_form_resolves_as_compose_does(
    load_yaml: LoadText, expression: str, expected: str
) -> None:
    project = load_yaml(
        f"""
        services:
          web:
            image: nginx
            environment:
              V: '{expression}'
        """,
        env=ENV,
    )
    assert service(project, "web")["environment"]["V"] == expected


def test_double_dollar_is_kept_escaped_as_compose_prints_it(load_yaml: LoadText) -> None:
    project = load_yaml(
        """
        services:
          web:
            image: nginx
            command: ["sh", "-c", "echo $$HOME $$SET"]
            environment:
              PRICE: "$$5"
        """,
        env=ENV,
    )
    web = service(project, "web")
    assert web["command"] == ["sh", "-c", "echo $$HOME $$SET"]
    assert web["environment"]["PRICE"] == "$$5"


def test_lone_dollar_is_a_literal_printed_escaped(load_yaml: LoadText) -> None:
    # docker compose config prints every literal $ as $$, also one that starts no variable.
    project = load_yaml(
        """
        services:
          web:
            image: nginx
            command: sh -c 'kill $(cat pid) $1'
            labels:
              cost: "5 $"
        """,
    )
    web = service(project, "web")
    assert web["command"] == ["sh", "-c", "kill $$(cat pid) $$1"]
    assert web["labels"]["cost"] == "5 $$"


def test_dollar_in_a_variable_value_is_printed_escaped(load_yaml: LoadText) -> None:
    project = load_yaml(
        """
        services:
          web:
            image: nginx
            environment:
              PASSWORD: ${PASSWORD}
              FROM_DOTENV: ${DOTENV_PASSWORD}
        """,
        files={".env": "DOTENV_PASSWORD=a$$b\n"},
        env={"PASSWORD": "p$ss"},
    )
    env = service(project, "web")["environment"]
    assert env == {"PASSWORD": "p$$ss", "FROM_DOTENV": "a$$b"}


def test_unset_variable_becomes_empty_with_one_warning(load_yaml: LoadText) -> None:
    warnings: list[str] = []
    project = load_yaml(
        """
        services:
          web:
            image: "nginx:${TAG}"
            environment:
              A: ${TAG}
              B: $TAG
        """,
        warnings=warnings,
    )
    web = service(project, "web")
    assert web["image"] == "nginx:"
    assert web["environment"] == {"A": "", "B": ""}
    unset = [w for w in warnings if "TAG" in w]
    assert unset == ['The "TAG" variable is not set. Defaulting to a blank string.']


def test_keys_are_not_interpolated(load_yaml: LoadText) -> None:
    project = load_yaml(
        """
        services:
          web:
            image: nginx
            labels:
              "${SET}": "${SET}"
        """,
        env=ENV,
    )
    assert service(project, "web")["labels"] == {"${SET}": "value"}


def test_typed_fields_are_cast_after_substitution(load_yaml: LoadText) -> None:
    project = load_yaml(
        """
        services:
          web:
            image: nginx
            privileged: ${PRIVILEGED}
            ports:
              - target: ${PORT}
                published: "8080"
        """,
        env={"PRIVILEGED": "yes", "PORT": "80"},
    )
    web = service(project, "web")
    assert web["privileged"] is True
    assert web["ports"][0]["target"] == 80


def test_cast_failure_names_the_key(load_yaml: LoadText) -> None:
    with pytest.raises(InterpolationError) as caught:
        load_yaml(
            """
            services:
              web:
                image: nginx
                privileged: ${PRIVILEGED}
            """,
            env={"PRIVILEGED": "maybe"},
        )
    assert caught.value.path == "services.web.privileged"
    assert caught.value.line == 4


@pytest.mark.parametrize(("key", "written", "read"), [
    ("cpu_count", "+2", 2), ("cpu_percent", "5_0", 50.0), ("cpu_percent", "5e1", 50.0),
    ("cpu_count", " 2", None), ("cpu_count", "2_0", None), ("cpu_percent", " 50", None),
])
def test_numbers_cast_as_go_parses_them(load_yaml: LoadText, key: str, written: str,
                                        read: float | None) -> None:
    """What ``docker compose config`` read, or refused (None): Go's ParseInt takes a sign
    but no spaces and no ``_``; its ParseFloat takes ``_`` but no spaces. Python's own
    ``int`` and ``float`` took all of them."""
    text = f"services:\n  web:\n    image: nginx\n    {key}: {written!r}\n"
    if read is None:
        with pytest.raises(InterpolationError, match="failed to cast"):
            load_yaml(text)
    else:
        assert service(load_yaml(text), "web")[key] == read


@pytest.mark.parametrize(("written", "printed"), [
    ("'0440'", "0440"), ("'+0440'", "0440"), ("'440'", "0440"), ("288", "0440"),
    ("' 0440'", None), ("'0_440'", None), ("'0o440'", None), ("'abc'", None),
])
def test_a_file_mode_reads_as_in_compose(load_yaml: LoadText, written: str,
                                         printed: str | None) -> None:
    """Octal text as Go reads it in base 8, printed with its leading 0; Compose refuses the
    rest (None), which Python's ``int(text, 8)`` took or left as it was."""
    text = ("services:\n  web:\n    image: nginx\n    configs:\n      - source: c\n"
            f"        mode: {written}\nconfigs:\n  c:\n    environment: HOME\n")
    if printed is None:
        with pytest.raises(MigrateError, match="file mode"):
            load_yaml(text)
    else:
        assert service(load_yaml(text), "web")["configs"][0]["mode"] == printed


# -- properties ---------------------------------------------------------------------------

_NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True)
_NO_DOLLAR = st.text(st.characters(blacklist_characters="$", blacklist_categories=("Cs",)))
# Text around an expression must not extend the name ($NAMEx) or look like an operator.
_SAFE_TEXT = st.text(alphabet=st.sampled_from(list(" -./:@#=abc{}")), max_size=10).filter(
    lambda s: not s.startswith("{")
)


@given(_NO_DOLLAR)
def test_text_without_dollar_is_unchanged(text: str) -> None:
    assert substitute(text, {"A": "x"}) == text


@given(_NO_DOLLAR)
def test_double_dollars_round_trip(text: str) -> None:
    escaped = text.replace("$", "$$")
    doubled = "$$".join([escaped, escaped])
    assert substitute(doubled, {}) == doubled


@given(_NAMES, st.text(st.characters(blacklist_categories=("Cs",))), _SAFE_TEXT, _SAFE_TEXT)
def test_a_defined_braced_name_is_replaced_by_its_value(
    name: str, value: str, before: str, after: str
) -> None:
    assert substitute(f"{before}${{{name}}}{after}", {name: value}) == before + value + after


@given(_NAMES, _SAFE_TEXT)
def test_a_default_applies_exactly_when_the_name_is_unset(name: str, default: str) -> None:
    default = default.replace("}", "")
    assert substitute(f"${{{name}:-{default}}}", {}) == default
    assert substitute(f"${{{name}:-{default}}}", {name: "set"}) == "set"


@given(_NAMES)
def test_an_unclosed_brace_is_always_an_error(name: str) -> None:
    with pytest.raises(InterpolationError, match=re.escape("${" + name)):
        substitute("${" + name, {name: "x"})


# -- the one-pass reader agrees with the recursive one it replaced -------------------------


def _reference(text: str, env: dict[str, str]) -> str:
    """The recursive reader ``substitute`` was until it had to take 50,000 nested defaults:
    obviously right on shallow input, quadratic in time and recursive in depth."""
    if "$" not in text:
        return text
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i] != "$":
            out.append(text[i])
            i += 1
        elif i + 1 >= n or text[i + 1] == "$":
            out.append("$$")
            i += 2
        elif text[i + 1] == "{":
            depth, end = 1, -1
            for j in range(i + 2, n):
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                if depth == 0:
                    end = j
                    break
            if end < 0:
                end = text.rfind("}", i + 2)
            if end < 0:
                raise InterpolationError("no closing brace")
            inner = text[i + 2 : end]
            match = re.match(r"[_a-zA-Z][_a-zA-Z0-9]*", inner)
            if not match:
                raise InterpolationError("invalid")
            name, rest = match.group(0), inner[match.end() :]
            value = env.get(name)
            op = next((o for o in (":-", ":?", ":+", "-", "?", "+") if rest.startswith(o)), "")
            if rest and not op:
                raise InterpolationError("invalid")
            missing = value is None or (op.startswith(":") and value == "")
            arg = rest[len(op) :]
            if not rest:
                out.append(value or "")
            elif op in (":-", "-"):
                out.append(_reference(arg, env) if missing else str(value))
            elif op in (":+", "+"):
                out.append("" if missing else _reference(arg, env))
            elif missing:
                raise InterpolationError(f"required: {_reference(arg, env)}")
            else:
                out.append(str(value))
            i = end + 1
        else:
            match = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*").match(text, i + 1)
            if match:
                out.append(env.get(match.group(0)) or "")
                i = match.end()
            else:
                out.append("$$")
                i += 1
    return "".join(out)


_PIECES = st.sampled_from(["$", "{", "}", "${", "A", "B", "_", ":-", "-", ":+", "+", ":?", "?",
                           "$$", "x", " ", "1", "${A", "${B:-", "${C:+", "}}"])


@given(st.lists(_PIECES, max_size=25).map("".join),
       st.dictionaries(st.sampled_from(["A", "B", "C"]), st.sampled_from(["", "v", "$A", "}"])))
def test_the_one_pass_reader_agrees_with_the_recursive_one(text: str, env: dict[str, str]) -> None:
    try:
        expected: str | None = _reference(text, env)
    except InterpolationError:
        expected = None
    if expected is None:
        with pytest.raises(InterpolationError):
            substitute(text, env)
    else:
        assert substitute(text, env) == expected


def test_defaults_nested_50000_deep_resolve_in_linear_time() -> None:
    depth = 50_000
    assert substitute("${A:-" * depth + "x" + "}" * depth, {}) == "x"
    assert substitute("${A:-" * depth + "x" + "}" * depth, {"A": "set"}) == "set"
    assert substitute("${A:+" * depth + "${B}" + "}" * depth, {"A": "1", "B": "b"}) == "b"
    with pytest.raises(InterpolationError, match="required variable B is missing a value: m"):
        substitute("${A:-" * depth + "${B?m}" + "}" * depth, {})


def test_a_long_text_in_a_message_is_cut_in_the_middle() -> None:
    with pytest.raises(InterpolationError) as caught:
        substitute("${1}" + "x" * 10_000, {})
    assert len(caught.value.message) < 400
    assert "characters)" in caught.value.message
