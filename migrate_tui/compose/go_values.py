"""Phase 4, canonical: values written the way Compose (a Go program) prints them.

``docker compose config --format json`` prints numbers, durations, sizes and file modes
with Go's formatting (``2`` not ``2.0``, ``1m30s``, sizes as bytes, modes in octal); the
loader's output is compared with it byte for byte, so these helpers copy Go exactly.
"""

from __future__ import annotations

import functools
import math
import re
from fractions import Fraction
from typing import Any

_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}
_NUMBER_END = frozenset("0123456789. ")


def go_string(value: Any) -> str:
    """A scalar as Go's ``fmt`` prints it, which is how Compose turns values into strings."""
    if value.__class__ is str:
        return value  # most values, and the same object ``str`` would give
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "+Inf" if value > 0 else "-Inf"
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value).replace("e-0", "e-").replace("e+0", "e+")
    return str(value)


def go_float(value: float) -> float | int:
    """A number as Go's JSON encoder prints a float: ``2``, not ``2.0``."""
    return int(value) if value.is_integer() and abs(value) < 1e21 else value


_GO_DIGITS = {10: re.compile(r"[+-]?[0-9]+"), 8: re.compile(r"[+-]?[0-7]+")}
"""A whole number as Go's ``strconv.ParseInt`` reads it in base 10 or 8: a sign, digits,
nothing else (Python's ``int`` also takes spaces around, ``_`` between digits and ``0o``)."""


def go_int(text: str, base: int = 10) -> int:
    """``text`` as Go's ``strconv.ParseInt(text, base, 64)`` reads it.

    Raises:
        ValueError: Go would refuse it.
    """
    if not _GO_DIGITS[base].fullmatch(text):
        raise ValueError(f"invalid syntax: {text!r}")
    return int(text, base)


_TRUE = frozenset({"y", "yes", "true", "on"})
_FALSE = frozenset({"n", "no", "false", "off"})


def go_bool(text: str) -> bool:
    """``text`` as Compose's ``toBoolean`` reads it: true/false, or YAML 1.1's y/yes/on and
    n/no/off, in any case.

    Raises:
        ValueError: Compose would refuse it.
    """
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"invalid boolean: {text}")


def go_file_mode(value: Any) -> Any:
    """A file mode (``0440`` read as 288, or the text ``"0440"``) as Compose prints it:
    octal text with a leading 0. Left as it is when it is no number nor text.

    Raises:
        ValueError: Text that is no octal number (Compose refuses it).
    """
    if isinstance(value, str):
        value = go_int(value, 8)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"0{value:o}"
    return value


_DURATION_PART = re.compile(r"([0-9]*)(?:\.([0-9]*))?([^0-9.]*)")
"""One part of a duration as Go reads it: whole digits, a fraction, then the unit (every
character up to the next digit or dot)."""
_NANOSECONDS = {"ns": 1, "us": 1000, "µs": 1000, "μs": 1000, "ms": 10**6, "s": 10**9,
                "m": 60 * 10**9, "h": 3600 * 10**9, "d": 86400 * 10**9,
                "w": 7 * 86400 * 10**9}
_MAX_DURATION = 2**63 - 1
"""Go's ``time.Duration`` is an int64 of nanoseconds."""


@functools.lru_cache(maxsize=1024)
def parse_duration(text: str) -> int:
    """The nanoseconds of a duration (``90s``, ``1.5h``, ``2d``, ``0``) as Compose reads it
    (Go's ``time.ParseDuration`` with days and weeks, as compose-go's str2duration).

    Raises:
        ValueError: Compose refuses it; the message is Go's reason (``missing unit``).
    """
    sign = -1 if text[:1] == "-" else 1
    body = text[1:] if text[:1] in "+-" else text
    if body == "0":
        return 0
    if not body:
        raise ValueError("invalid duration")
    total = Fraction(0)
    pos = 0
    while pos < len(body):
        match = _DURATION_PART.match(body, pos)
        assert match is not None  # every group may be empty
        whole, fraction, unit = match.groups()
        if not whole and not fraction:
            raise ValueError("invalid duration")
        if not unit:
            raise ValueError("missing unit in duration")
        if unit not in _NANOSECONDS:
            raise ValueError(f"unknown unit {_go_quote(unit)} in duration")
        total += Fraction(f"{whole or 0}.{fraction or 0}") * _NANOSECONDS[unit]
        pos = match.end()
    if int(total) > _MAX_DURATION + (sign < 0):
        raise ValueError("invalid duration")
    return int(total) * sign


@functools.lru_cache(maxsize=1024)
def go_duration(text: str) -> str:
    """A duration (``90s``, ``1.5h``, ``2d``) as Compose prints it, Go's
    ``time.Duration.String()``: ``1m30s``, ``1h30m0s``, ``48h0m0s``, ``100ms``.
    Text that is not a duration is returned unchanged (:func:`duration_problem` finds it
    after the merge, where a later file may still replace it). Memoized: the same few
    durations (an anchor's healthcheck) come back in every service."""
    try:
        return _duration_string(parse_duration(text))
    except ValueError:
        return text


def duration_problem(value: object) -> str | None:
    """Why Compose refuses ``value`` as a duration (Go's words), or None if it reads it.

    Only text is checked here: the schema has refused every other type already.
    """
    if not isinstance(value, str):
        return None
    try:
        parse_duration(value)
    except ValueError as exc:
        return f"{exc} {_go_quote(value)}"
    return None


def _go_quote(text: str) -> str:
    """Text quoted as Go's ``%q`` quotes plain text."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _duration_string(nanoseconds: int) -> str:
    sign, u = ("-" if nanoseconds < 0 else ""), abs(nanoseconds)

    def fraction(whole: int, part: int, digits: int) -> str:
        return str(whole) + (("." + f"{part:0{digits}d}".rstrip("0")) if part else "")

    if u == 0:
        return "0s"
    if u < 1000:
        return f"{sign}{u}ns"
    if u < 10**6:
        return sign + fraction(*divmod(u, 1000), 3) + "µs"
    if u < 10**9:
        return sign + fraction(*divmod(u, 10**6), 6) + "ms"
    seconds, part = divmod(u, 10**9)
    out = fraction(seconds % 60, part, 9) + "s"
    minutes = seconds // 60
    if minutes:
        out = f"{minutes % 60}m{out}"
        if minutes // 60:
            out = f"{minutes // 60}h{out}"
    return sign + out


def parse_bytes(value: Any) -> int | None:
    """``512m``, ``1g``, ``1.5GB`` or a whole number of bytes, as an integer; None if Compose
    would not read it (a bool, a float, text it refuses)."""
    if isinstance(value, (bool, float)):
        return None
    if isinstance(value, int):
        return value
    return _parse_size(str(value))


@functools.lru_cache(maxsize=1024)
def _parse_size(text: str) -> int | None:
    """A size as Compose reads it (go-units ``RAMInBytes``): a number, one optional space,
    then ``b``, or ``k``/``m``/``g``/``t``/``p`` with an optional ``b`` or ``ib``, in any case.

    Memoized: the same few sizes (an anchor's ``memory: 256M``) come back in every service.
    """
    end = len(text) - 1
    while end >= 0 and text[end] not in _NUMBER_END:
        end -= 1
    if end < 0:
        return None
    number_text, suffix = text[:end + (text[end] != " ")], text[end + 1:].lower()
    if number_text != number_text.strip():
        return None  # (Python's float() takes blanks around a number; Go's does not)
    try:
        number = float(number_text)
    except ValueError:
        return None
    if not math.isfinite(number) or number < 0:
        return None
    if suffix in ("", "b"):
        return int(number)
    if suffix[0] not in _UNITS or suffix[1:] not in ("", "b", "ib"):
        return None
    return int(number * _UNITS[suffix[0]])

