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

from migrate_tui.compose.parse import MAX_TEXT, KeyPath, ParsedFile, format_path
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
    limit: int | None = None,
) -> str:
    """Substitute every expression in ``text`` from ``env``.

    The text is read in one pass, nested defaults on a stack of their own rather than by
    recursion: ``${A:-${A:-...}}`` 50,000 deep takes linear time, as Compose accepts it.

    Args:
        text: A string that may hold ``$`` expressions.
        env: The variables.
        on_unset: Called with the name of each unset variable used without a default.
        limit: Most characters the variables' values may add to the text, if any.

    Returns:
        The text with every expression replaced.

    Raises:
        InterpolationError: A ``${`` is malformed or a required variable is unset. The
            error has a message but no location: the caller adds it.
        SubstitutionTooLarge: The values would add more than ``limit`` characters.
    """
    if "$" not in text:
        return text
    braces = _Braces(text)
    left = limit
    stack = [_Part(0, len(text))]
    while True:
        part = stack[-1]
        end = part.end
        i = text.find("$", part.pos, end)
        if i < 0:
            part.out.append(text[part.pos : end])
            result = "".join(part.out)
            stack.pop()
            if part.required:
                raise _Unset(
                    f"required variable {part.required} is missing a value"
                    + (f": {result}" if result else ""),
                    hint=f"set {part.required} in the environment or in the project's .env "
                    "file",
                )
            if not stack:
                return result
            stack[-1].out.append(result)
            continue
        part.out.append(text[part.pos : i])
        nxt = text[i + 1] if i + 1 < end else ""
        if nxt == "{":
            close = braces.closing(i + 1, end)
            if close < 0:
                raise InterpolationError(
                    f"invalid interpolation format: {_shown(text[i:end])} has no closing brace",
                    hint="close the expression with } or write $$ for a literal $",
                )
            part.pos = close + 1
            value, default = _braced(text, i + 2, close, part, env, on_unset)
            if default is not None:
                stack.append(default)
                continue
        elif nxt and nxt != "$" and (match := _NAME.match(text, i + 1, end)):
            name = match.group(0)
            part.pos = match.end()
            value = env.get(name)
            if value is None:
                if on_unset:
                    on_unset(name)
                continue
        else:
            # ``$$`` is kept escaped, as Compose keeps it until a container runs; a lone
            # ``$`` is a literal ``$``, printed escaped as Compose prints it.
            part.out.append("$$")
            part.pos = i + 2 if nxt == "$" else i + 1
            continue
        if value:
            if left is not None:
                left -= len(value)
                if left < 0:
                    raise SubstitutionTooLarge(_variable_at(text, i), len(value), limit or 0)
            part.out.append(value)


class SubstitutionTooLarge(InterpolationError):
    """The values of the variables would make a text longer than the caller allows.

    Args:
        name: The variable whose value passed the limit.
        size: The length of its value.
        limit: The most characters the values could add.
    """

    def __init__(self, name: str, size: int, limit: int) -> None:
        super().__init__(
            f"substituting ${{{name}}} ({size:,} characters) passes the limit of {limit:,} "
            "characters that variables may add",
            hint="variables that repeat each other (B=${A}${A}) or a long value used many "
            "times grow without end: use each long value once",
        )
        self.name = name
        self.size = size
        self.limit = limit


class _Part:
    """A text being substituted: the whole, or the default of an expression inside it."""

    __slots__ = ("start", "end", "pos", "out", "required")

    def __init__(self, start: int, end: int, required: str = "") -> None:
        self.start = start
        """Where it starts in the whole text."""
        self.end = end
        """Where it stops (exclusive)."""
        self.pos = start
        """How far it is read."""
        self.out: list[str] = []
        """What it gives so far."""
        self.required = required
        """For the message of ``${NAME?message}``: the name whose value is missing."""


class _Braces:
    """Where each ``{`` of a text is closed, found in one pass when first asked.

    A brace is closed by the first ``}`` after it at which as many braces close as opened,
    within the part being read; when there is none, by the part's last ``}``, as Compose
    reads ``${A:-{}`` (default ``{``).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.closes: dict[int, int] | None = None

    def closing(self, opening: int, end: int) -> int:
        """The ``}`` that closes the ``{`` at ``opening`` before ``end``; -1 if none."""
        if self.closes is None:
            self.closes = {}
            opened: list[int] = []
            for match in _BRACE.finditer(self.text):
                if match.group() == "{":
                    opened.append(match.start())
                elif opened:
                    self.closes[opened.pop()] = match.start()
        close = self.closes.get(opening, end)
        return close if close < end else self.text.rfind("}", opening + 1, end)


_BRACE = re.compile(r"[{}]")


def _braced(
    text: str,
    start: int,
    close: int,
    part: _Part,
    env: Mapping[str, str],
    on_unset: Callable[[str], None] | None,
) -> tuple[str | None, _Part | None]:
    """``${...}`` between ``start`` and ``close``: (its value, or the part to read for it)."""
    match = _NAME.match(text, start, close)
    if not match:
        raise InterpolationError(
            f"invalid interpolation format: {_shown('${' + text[start:close] + '}')} in "
            f"{_shown(text[part.start : part.end])}",
            hint="a variable name starts with a letter or _ and holds letters, digits and _;"
            " write $$ for a literal $",
        )
    name = match.group(0)
    value = env.get(name)
    if match.end() == close:
        if value is None and on_unset:
            on_unset(name)
        return value, None
    op = next((o for o in _OPERATORS if text.startswith(o, match.end(), close)), None)
    if op is None:
        raise InterpolationError(
            f"invalid interpolation format: {_shown('${' + text[start:close] + '}')} in "
            f"{_shown(text[part.start : part.end])}",
            hint="use ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error},"
            " ${VAR:+alt} or ${VAR+alt}",
        )
    arg = match.end() + len(op)
    missing = value is None or (op.startswith(":") and value == "")
    if op in (":-", "-"):
        return (None, _Part(arg, close)) if missing else (value, None)
    if op in (":+", "+"):
        return (None, None) if missing else (None, _Part(arg, close))
    return (None, _Part(arg, close, required=name)) if missing else (value, None)


def _variable_at(text: str, dollar: int) -> str:
    """The name of the variable whose expression starts at ``dollar``."""
    match = _NAME.match(text, dollar + (2 if text.startswith("${", dollar) else 1))
    return match.group(0) if match else "?"


_SHOWN = 200
"""Characters of a text quoted in a message."""


def _shown(text: str) -> str:
    """``text`` quoted for a message, cut in the middle when long."""
    if len(text) <= _SHOWN:
        return repr(text)
    half = _SHOWN // 2
    return f"{text[:half]!r}...({len(text) - _SHOWN:,} characters)...{text[-half:]!r}"


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
    # What the values substituted may add to the file, each use counted (aliases repeat a
    # text): a 1 MB variable used 2,000 times would otherwise make 2 GB.
    growth_left = MAX_TEXT

    def string(value: str, kp: KeyPath, castable: bool) -> Any:
        """A string value substituted, then cast if ``castable`` and its field is typed."""
        nonlocal growth_left
        new = substituted.get(value)
        if new is None:
            try:
                new = substitute(value, env, on_unset=on_unset, limit=growth_left)
            except SubstitutionTooLarge as exc:
                raise _too_large(source, kp, exc.name, env) from None
            except InterpolationError as exc:
                raise InterpolationError(
                    f"error while interpolating {format_path(kp)}: {exc.message}",
                    location=source.locate(kp),
                    path=format_path(kp),
                    hint=exc.hint,
                ) from None
            substituted[value] = new
        if len(new) > len(value):
            growth_left -= len(new) - len(value)
            if growth_left < 0:
                raise _too_large(source, kp, _longest_variable(value, env), env)
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


def _too_large(
    source: ParsedFile, kp: KeyPath, name: str, env: Mapping[str, str]
) -> InterpolationError:
    """The error for a file whose substituted values pass ``MAX_TEXT`` at ``kp``."""
    size = len(env.get(name) or "")
    return InterpolationError(
        f"error while interpolating {format_path(kp)}: the variables substituted in "
        f"this file make its values longer than {MAX_TEXT // (1024 * 1024)} MiB "
        f"(here ${{{name}}}, {size:,} characters)",
        location=source.locate(kp),
        path=format_path(kp),
        hint="a long variable used many times (or in a value repeated through YAML aliases)"
        " grows without end: use it once, or pass it in a file the service reads",
    )


def _longest_variable(text: str, env: Mapping[str, str]) -> str:
    """The name of the longest variable ``text`` names, for a message."""
    names = {m.group(1) or m.group(2) for m in _REFERENCE.finditer(text)}
    return max(sorted(names), key=lambda n: len(env.get(n) or ""), default="?")


_REFERENCE = re.compile(r"\$(?:\{([_a-zA-Z][_a-zA-Z0-9]*)|([_a-zA-Z][_a-zA-Z0-9]*))")


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
