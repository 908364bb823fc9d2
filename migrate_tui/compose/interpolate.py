"""Phase 2, interpolate: ``${VAR}`` expressions in every value of a file, then casts.

Each string value is substituted by :func:`~migrate_tui.compose.substitute.substitute`
(the grammar, ``${VAR:-default}`` and the rest, is documented there); keys never are.
After substitution, the string values of typed fields (``privileged``,
``ports[].target``, ``volumes.*.external``...) are cast, as Compose casts them.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from migrate_tui.compose.go_values import go_bool, go_int
from migrate_tui.compose.parse import MAX_TEXT, KeyPath, ParsedFile, format_path
from migrate_tui.compose.substitute import SubstitutionTooLarge, substitute
from migrate_tui.errors import InterpolationError, Location

Warn = Callable[[str], None]
"""Where warnings go: a function that takes one line of text."""


# -- casts --------------------------------------------------------------------------------

def _to_int(value: str) -> int:
    try:
        return go_int(value)
    except ValueError:
        raise ValueError(f"invalid integer: {value}") from None


def _to_file_mode(value: str) -> int:
    try:  # octal, as Compose reads a mode written as text ("0440")
        return go_int(value, 8)
    except ValueError:
        raise ValueError(f"invalid file mode: {value}") from None


def _to_float(value: str) -> float:
    try:
        if value != value.strip():  # (Go's ParseFloat takes no spaces; Python's float does)
            raise ValueError(value)
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
    (*_S, "init"): go_bool,
    (*_S, "deploy", "replicas"): _to_int,
    (*_S, "deploy", "update_config", "parallelism"): _to_int,
    (*_S, "deploy", "update_config", "max_failure_ratio"): _to_float,
    (*_S, "deploy", "rollback_config", "parallelism"): _to_int,
    (*_S, "deploy", "rollback_config", "max_failure_ratio"): _to_float,
    (*_S, "deploy", "restart_policy", "max_attempts"): _to_int,
    (*_S, "deploy", "placement", "max_replicas_per_node"): _to_int,
    (*_S, "healthcheck", "retries"): _to_int,
    (*_S, "healthcheck", "disable"): go_bool,
    (*_S, "oom_kill_disable"): go_bool,
    (*_S, "oom_score_adj"): _to_int,
    (*_S, "pids_limit"): _to_int,
    (*_S, "ports", "[]", "target"): _to_int,
    (*_S, "privileged"): go_bool,
    (*_S, "read_only"): go_bool,
    (*_S, "scale"): _to_int,
    (*_S, "secrets", "[]", "mode"): _to_file_mode,
    (*_S, "stdin_open"): go_bool,
    (*_S, "tty"): go_bool,
    (*_S, "ulimits", "*"): _to_int,
    (*_S, "ulimits", "*", "hard"): _to_int,
    (*_S, "ulimits", "*", "soft"): _to_int,
    (*_S, "volumes", "[]", "read_only"): go_bool,
    (*_S, "volumes", "[]", "volume", "nocopy"): go_bool,
    (*_S, "depends_on", "*", "restart"): go_bool,
    ("networks", "*", "external"): go_bool,
    ("networks", "*", "internal"): go_bool,
    ("networks", "*", "attachable"): go_bool,
    ("networks", "*", "enable_ipv6"): go_bool,
    ("volumes", "*", "external"): go_bool,
    ("secrets", "*", "external"): go_bool,
    ("configs", "*", "external"): go_bool,
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
