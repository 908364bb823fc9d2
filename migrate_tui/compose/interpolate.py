"""Phase 2, interpolate: ``${VAR}`` expressions in values, then casts to typed fields.

Every form of the Compose Specification is handled, as Docker Compose v2 does:

============== ====================================================================
``$$``         a literal ``$`` (kept as ``$$`` in the output, as Compose does)
``$VAR``       the value of VAR, or an empty string (and a warning) when unset
``${VAR}``     the same
``${VAR:-d}``  d when VAR is unset or empty
``${VAR-d}``   d when VAR is unset
``${VAR:?m}``  an error with message m when VAR is unset or empty
``${VAR?m}``   an error with message m when VAR is unset
``${VAR:+a}``  a when VAR is set and not empty, else empty
``${VAR+a}``   a when VAR is set, else empty
============== ====================================================================

Defaults and alternatives may themselves hold expressions (``${A:-${B:-x}}``). Only
values are interpolated, never keys. A ``$`` not followed by a name or a brace is a
literal ``$``: like every literal ``$``, it is printed ``$$``, as ``docker compose config``
prints it. After substitution, the string values of typed fields (``privileged``,
``ports[].target``, ``volumes.*.external``...) are cast, as Compose casts them.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from migrate_tui.compose.parse import KeyPath, ParsedFile, format_path
from migrate_tui.errors import InterpolationError, Location

_NAME = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*")
_OPERATORS = (":-", ":?", ":+", "-", "?", "+")

Warn = Callable[[str], None]
"""Where warnings go: a function that takes one line of text."""


class _Unset(InterpolationError):
    """Internal: a required variable is unset; carries the bare message."""


def substitute(
    text: str,
    env: Mapping[str, str],
    *,
    on_unset: Callable[[str], None] | None = None,
) -> str:
    """Substitute every expression in ``text`` from ``env``.

    Args:
        text: A string that may hold ``$`` expressions.
        env: The variables.
        on_unset: Called with the name of each unset variable used without a default.

    Returns:
        The text with every expression replaced.

    Raises:
        InterpolationError: A ``${`` is malformed or a required variable is unset. The
            error has a message but no location: the caller adds it.
    """
    if "$" not in text:
        return text
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch != "$":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= n:
            out.append("$$")  # a lone $ is a literal $, printed escaped as Compose prints it
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "$":
            out.append("$$")  # kept escaped, as Compose keeps it until a container runs
            i += 2
            continue
        if nxt == "{":
            end = _closing_brace(text, i + 2)
            if end < 0:
                raise InterpolationError(
                    f"invalid interpolation format: {text[i:]!r} has no closing brace",
                    hint="close the expression with } or write $$ for a literal $",
                )
            out.append(_braced(text[i + 2 : end], text, env, on_unset))
            i = end + 1
            continue
        match = _NAME.match(text, i + 1)
        if match:
            name = match.group(0)
            value = env.get(name)
            if value is None:
                if on_unset:
                    on_unset(name)
                value = ""
            out.append(value)
            i = match.end()
            continue
        out.append("$$")  # a lone $ is a literal $, printed escaped as Compose prints it
        i += 1
    return "".join(out)


def _closing_brace(text: str, start: int) -> int:
    """The brace that closes ``${`` opened before ``start``; -1 if there is none.

    Braces nest (``${A:-{"k": 1}}``). When they do not balance, the last ``}`` closes,
    as Compose reads ``${A:-{}`` (default ``{``).
    """
    depth = 1
    i = start
    while i < len(text):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return text.rfind("}", start)


def _braced(
    inner: str, whole: str, env: Mapping[str, str], on_unset: Callable[[str], None] | None
) -> str:
    match = _NAME.match(inner)
    if not match:
        raise InterpolationError(
            f"invalid interpolation format: ${{{inner}}} in {whole!r}",
            hint="a variable name starts with a letter or _ and holds letters, digits and _;"
            " write $$ for a literal $",
        )
    name = match.group(0)
    rest = inner[match.end() :]
    value = env.get(name)
    if not rest:
        if value is None:
            if on_unset:
                on_unset(name)
            return ""
        return value
    op = next((o for o in _OPERATORS if rest.startswith(o)), None)
    if op is None:
        raise InterpolationError(
            f"invalid interpolation format: ${{{inner}}} in {whole!r}",
            hint="use ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error},"
            " ${VAR:+alt} or ${VAR+alt}",
        )
    arg = rest[len(op) :]
    empty_counts = op.startswith(":")
    missing = value is None or (empty_counts and value == "")
    if op in (":-", "-"):
        return substitute(arg, env, on_unset=on_unset) if missing else str(value)
    if op in (":+", "+"):
        return "" if missing else substitute(arg, env, on_unset=on_unset)
    if missing:
        message = substitute(arg, env, on_unset=on_unset)
        raise _Unset(
            f"required variable {name} is missing a value"
            + (f": {message}" if message else ""),
            hint=f"set {name} in the environment or in the project's .env file",
        )
    return str(value)


# -- casts --------------------------------------------------------------------------------

_TRUE = {"y", "yes", "true", "on"}
_FALSE = {"n", "no", "false", "off"}


def _to_bool(value: str) -> bool:
    low = value.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"invalid boolean: {value}")


def _to_int(value: str) -> int:
    try:
        return int(value, 10)
    except ValueError:
        raise ValueError(f"invalid integer: {value}") from None


def _to_file_mode(value: str) -> int:
    try:  # octal, as Compose reads a mode written as text ("0440")
        return int(value, 8)
    except ValueError:
        raise ValueError(f"invalid file mode: {value}") from None


def _to_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"invalid number: {value}") from None
    if math.isinf(number) and "inf" not in value.lower():  # as Go's ParseFloat: 1e400
        raise ValueError(f"number out of range: {value}")
    return number


def _keep(value: str) -> str:
    return value


_S = ("services", "*")
_CASTS: dict[tuple[str, ...], Callable[[str], Any]] = {
    (*_S, "configs", "[]", "mode"): _to_file_mode,
    (*_S, "cpu_count"): _to_int,
    (*_S, "cpu_percent"): _to_float,
    (*_S, "cpu_period"): _to_int,
    (*_S, "cpu_quota"): _to_int,
    (*_S, "cpu_rt_period"): _to_int,
    (*_S, "cpu_rt_runtime"): _to_int,
    (*_S, "cpus"): _to_float,
    (*_S, "cpu_shares"): _to_int,
    (*_S, "init"): _to_bool,
    (*_S, "deploy", "replicas"): _to_int,
    (*_S, "deploy", "update_config", "parallelism"): _to_int,
    (*_S, "deploy", "update_config", "max_failure_ratio"): _to_float,
    (*_S, "deploy", "rollback_config", "parallelism"): _to_int,
    (*_S, "deploy", "rollback_config", "max_failure_ratio"): _to_float,
    (*_S, "deploy", "restart_policy", "max_attempts"): _to_int,
    (*_S, "deploy", "placement", "max_replicas_per_node"): _to_int,
    (*_S, "healthcheck", "retries"): _to_int,
    (*_S, "healthcheck", "disable"): _to_bool,
    (*_S, "oom_kill_disable"): _to_bool,
    (*_S, "oom_score_adj"): _to_int,
    (*_S, "pids_limit"): _to_int,
    (*_S, "ports", "[]", "target"): _to_int,
    (*_S, "privileged"): _to_bool,
    (*_S, "read_only"): _to_bool,
    (*_S, "scale"): _to_int,
    (*_S, "secrets", "[]", "mode"): _to_file_mode,
    (*_S, "stdin_open"): _to_bool,
    (*_S, "tty"): _to_bool,
    (*_S, "ulimits", "*"): _to_int,
    (*_S, "ulimits", "*", "hard"): _to_int,
    (*_S, "ulimits", "*", "soft"): _to_int,
    (*_S, "volumes", "[]", "read_only"): _to_bool,
    (*_S, "volumes", "[]", "volume", "nocopy"): _to_bool,
    (*_S, "depends_on", "*", "required"): _to_bool,
    (*_S, "depends_on", "*", "restart"): _to_bool,
    ("networks", "*", "external"): _to_bool,
    ("networks", "*", "internal"): _to_bool,
    ("networks", "*", "attachable"): _to_bool,
    ("networks", "*", "enable_ipv6"): _to_bool,
    ("volumes", "*", "external"): _to_bool,
    ("secrets", "*", "external"): _to_bool,
    ("configs", "*", "external"): _to_bool,
}
"""Fields whose string values are cast after interpolation, by path pattern.

``*`` matches any mapping key, ``[]`` any list index."""


def _cast_for(kp: KeyPath) -> Callable[[str], Any] | None:
    if len(kp) < 2:
        return None
    # Every pattern has ``*`` second (the service, network... name), so the name is left
    # out of the memo's key: one lookup per distinct field, not per field of each service.
    return _cast_for_pattern(
        (kp[0], "*", *("[]" if isinstance(p, int) else p for p in kp[2:]))
    )


@functools.lru_cache(maxsize=4096)
def _cast_for_pattern(pattern: tuple[str, ...]) -> Callable[[str], Any] | None:
    if pattern in _CASTS:
        return _CASTS[pattern]
    for key, cast in _CASTS.items():
        if len(key) == len(pattern) and all(
            k in ("*", p) for k, p in zip(key, pattern, strict=True)
        ):
            return cast
    return None


def interpolate(
    data: dict[str, Any],
    env: Mapping[str, str],
    source: ParsedFile,
    warn: Warn,
) -> dict[str, Any]:
    """Interpolate every string value of a parsed file, then cast typed fields.

    Args:
        data: The parsed file's data (not modified).
        env: The variables: the process environment over the project's ``.env``.
        source: The parsed file, for locations in errors.
        warn: Receives one warning per unset variable.

    Returns:
        A new tree with the values substituted.

    Raises:
        InterpolationError: With the file, line and key path of the bad value.
    """
    warned: set[str] = set()

    def on_unset(name: str) -> None:
        if name not in warned:
            warned.add(name)
            warn(f'The "{name}" variable is not set. Defaulting to a blank string.')

    # The same text (an anchor's ``${TIER:-staging}``) gives the same result: the variables
    # do not change, and an unset one is warned about once anyway.
    substituted: dict[str, str] = {}

    def string(value: str, kp: KeyPath, castable: bool) -> Any:
        """A string value substituted, then cast if ``castable`` and its field is typed."""
        new = substituted.get(value)
        if new is None:
            try:
                new = substitute(value, env, on_unset=on_unset)
            except InterpolationError as exc:
                raise InterpolationError(
                    f"error while interpolating {format_path(kp)}: {exc.message}",
                    location=source.locate(kp),
                    path=format_path(kp),
                    hint=exc.hint,
                ) from None
            substituted[value] = new
        cast = _cast_for(kp) if castable and kp and kp[0] in _CAST_ROOTS else None
        if cast is None:
            return new
        try:
            return cast(new)
        except ValueError as exc:
            raise InterpolationError(
                f"error while interpolating {format_path(kp)}: "
                f"failed to cast to expected type: {exc}",
                location=source.locate(kp),
                path=format_path(kp),
                hint="give this field a value of the right type (true/false, a number)",
            ) from None

    def walk(value: Any, kp: KeyPath) -> Any:
        # A mapping or list is copied whole (in C), then only the children that change are
        # replaced: containers, and strings with a ``$`` or under a key a cast pattern
        # names. Most children (plain scalars, strings with neither) need no call at all.
        if isinstance(value, dict):
            star_parent = bool(kp) and kp[-1] in _CAST_STAR_PARENTS
            out = dict(value)
            for k, v in value.items():
                if isinstance(v, str):
                    castable = star_parent or k in _CAST_LAST_KEYS
                    if castable or "$" in v:
                        out[k] = string(v, (*kp, k), castable)
                elif isinstance(v, (dict, list)):
                    out[k] = walk(v, (*kp, k))
            return out
        if isinstance(value, list):
            star_parent = bool(kp) and kp[-1] in _CAST_STAR_PARENTS
            items = list(value)
            for i, v in enumerate(value):
                if isinstance(v, str):
                    if star_parent or "$" in v:
                        items[i] = string(v, (*kp, i), star_parent)
                elif isinstance(v, (dict, list)):
                    items[i] = walk(v, (*kp, i))
            return items
        if isinstance(value, str):
            return string(value, kp, True)
        return value

    result: dict[str, Any] = walk(data, ())
    return result


_CAST_ROOTS = {"services", "networks", "volumes", "secrets", "configs"}


_CAST_LAST_KEYS = frozenset(p[-1] for p in _CASTS if p[-1] != "*")
"""The last part of every cast pattern that names its field: a string under any other key
is never cast (``*``-ended patterns are told by their parent, below)."""
_CAST_STAR_PARENTS = frozenset(p[-2] for p in _CASTS if p[-1] == "*")
"""The part before a pattern's final ``*`` (``ulimits``): every child of it may be cast."""
assert "[]" not in _CAST_LAST_KEYS and not _CAST_STAR_PARENTS & {"*", "[]"}, (
    "the shortcut in interpolate() assumes no pattern ends with [], */* or []/*")


def location_of(source: ParsedFile, kp: KeyPath) -> Location:
    """The location of a key path in a parsed file (re-exported for other phases)."""
    return source.locate(kp)
