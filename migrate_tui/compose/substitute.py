"""Phase 2, interpolate: the ``${VAR}`` grammar, one string at a time.

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
prints it. The walk over a file, and the casts after it, are in
:mod:`~migrate_tui.compose.interpolate`; ``.env`` files use the same grammar.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from migrate_tui.errors import InterpolationError

_NAME = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*")
_OPERATORS = (":-", ":?", ":+", "-", "?", "+")


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

