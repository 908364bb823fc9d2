r"""Env files (``.env``, ``env_file:``) read as Docker Compose reads them.

The format: ``KEY=value`` lines, ``export`` allowed before the key, ``KEY: value`` too;
``#`` comments; single quotes keep the text as it is; double quotes allow escapes
(``\n``, ``\t``, ``\"``) and ``${VAR}`` expressions; unquoted values are trimmed, lose an
inline `` #`` comment and allow expressions. A line with a bare ``KEY`` takes the value
from the lookup when it has one, else it is left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

from migrate_tui.compose.budget import LoadBudget
from migrate_tui.compose.parse import MAX_TEXT
from migrate_tui.compose.substitute import SubstitutionTooLarge, substitute
from migrate_tui.errors import EnvFileError, InterpolationError, Location
from migrate_tui.fsio import ENV_FILE_LIMIT, read_text_bounded

_KEY = re.compile(r"[\w.\-\[\]]+")
"""A variable name as Compose's dotenv reader takes it: letters and numbers of any script
(Go's ``unicode.IsLetter`` and ``IsNumber``, a word character of ``re``), ``_``, ``.``,
``-``, ``[`` and ``]``."""
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "$": "$$", "'": "'"}

Lookup = Callable[[str], "str | None"]


def parse_env_text(text: str, path: str, lookup: Lookup | None = None) -> dict[str, str]:
    """Parse the text of an env file.

    Args:
        text: The file's content.
        path: The file's path, for errors.
        lookup: Where variables not defined earlier in the file are looked up.

    Returns:
        The variables in the order the file defines them.

    Raises:
        EnvFileError: A line cannot be read (an unterminated quote, no key).
    """
    out: dict[str, str] = {}
    # What the variables substituted may add to the file: values that double each other
    # (A1=${A0}${A0}, A2=${A1}${A1}...) would otherwise make 2**40 characters in 40 lines.
    growth_left = MAX_TEXT

    def expand(raw: str, line: int, key: str) -> str:
        nonlocal growth_left
        value = _expand(raw, env, path, line, key, growth_left)
        growth_left -= max(0, len(value) - len(raw))
        return value

    def resolve(name: str) -> str | None:
        if name in out:
            return out[name]
        return lookup(name) if lookup else None

    class _Env(Mapping[str, str]):
        def __getitem__(self, key: str) -> str:
            value = resolve(key)
            if value is None:
                raise KeyError(key)
            return value

        def get(self, key: str, default: object = None) -> str | None:  # type: ignore[override]
            return resolve(key)

        def __iter__(self):  # type: ignore[no-untyped-def]
            return iter(out)

        def __len__(self) -> int:
            return len(out)

    env = _Env()
    text = text.replace("\r\n", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    pos = 0
    line_no = 1
    n = len(text)
    while pos < n:
        end = text.find("\n", pos)
        if end < 0:
            end = n
        line = text[pos:end]
        stripped = line.strip()
        start_line = line_no
        if not stripped or stripped.startswith("#"):
            pos = end + 1
            line_no += 1
            continue
        body = stripped
        if body.startswith("export ") or body.startswith("export\t"):
            body = body[7:].lstrip()
        sep = _first_separator(body)
        if sep < 0:
            key = body.split("#", 1)[0].strip()
            if not _KEY.fullmatch(key):
                raise EnvFileError(
                    f"cannot read line {start_line}: {stripped!r}",
                    location=Location(path, start_line),
                    hint="write KEY=value, one variable a line",
                )
            value = lookup(key) if lookup else None
            if value is not None:
                out[key] = value
            pos = end + 1
            line_no += 1
            continue
        key = body[:sep].strip()
        if not key or not _KEY.fullmatch(key):
            raise EnvFileError(
                f"invalid variable name {key!r} on line {start_line}",
                location=Location(path, start_line),
                hint="names hold letters, digits and _ (write KEY=value)",
            )
        # the value starts after the separator, in the original text (it may span lines)
        value_start = pos + (len(line) - len(line.lstrip())) + (len(stripped) - len(body)) + sep + 1
        while value_start < n and text[value_start] in " \t":
            value_start += 1
        quote = text[value_start] if value_start < n else ""
        if quote in ("'", '"'):
            close = _closing_quote(text, value_start + 1, quote)
            if close < 0:
                raise EnvFileError(
                    f"unterminated quoted value for {key} on line {start_line}",
                    location=Location(path, start_line),
                    hint=f"close the value with {quote}",
                )
            raw = text[value_start + 1 : close]
            if quote == "'":
                value = raw.replace("$", "$$")  # literal: escaped as Compose prints it
            else:
                value = expand(_unescape(raw), start_line, key)
            line_no += raw.count("\n")
            nl = text.find("\n", close)
            pos = n if nl < 0 else nl + 1
            line_no += 1
            out[key] = value
            continue
        raw = text[value_start:end]
        comment = raw.find(" #")
        if comment >= 0:
            raw = raw[:comment]
        tab_comment = raw.find("\t#")
        if tab_comment >= 0:
            raw = raw[:tab_comment]
        raw = raw.strip()
        out[key] = expand(raw, start_line, key)
        pos = end + 1
        line_no += 1
    return out


def _first_separator(body: str) -> int:
    for i, ch in enumerate(body):
        if ch == "=":
            return i
        if ch == ":" and (i + 1 == len(body) or body[i + 1] in " \t"):
            return i
        if ch in " \t\"'":
            # `KEY value` is no assignment; let the caller report the line
            rest = body[i:].lstrip()
            if rest.startswith("=") or rest.startswith(":"):
                continue
            return -1
    return -1


def _closing_quote(text: str, start: int, quote: str) -> int:
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\" and quote == '"':
            i += 2
            continue
        if ch == quote:
            return i
        i += 1
    return -1


def _unescape(raw: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and i + 1 < len(raw) and raw[i + 1] in _ESCAPES:
            out.append(_ESCAPES[raw[i + 1]])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _expand(raw: str, env: Mapping[str, str], path: str, line: int, key: str,
            limit: int) -> str:
    try:
        return substitute(raw, env, limit=limit)
    except SubstitutionTooLarge as exc:
        raise EnvFileError(
            f"{key} expands to more than {MAX_TEXT // (1024 * 1024)} MiB with the variables "
            f"before it (here ${{{exc.name}}}, {exc.size:,} characters)",
            location=Location(path, line),
            path=key,
            hint="variables that repeat each other (B=${A}${A}, C=${B}${B}) double at each "
            "line: write the value out, or use each variable once",
        ) from None
    except InterpolationError as exc:
        raise EnvFileError(
            f"{key}: {exc.message}", location=Location(path, line), path=key, hint=exc.hint
        ) from None


def read_env_file(path: Path, lookup: Lookup | None = None, *, where: Location | None = None,
                  key_path: str | None = None,
                  budget: LoadBudget | None = None) -> dict[str, str]:
    """Read one env file.

    Args:
        path: The file.
        lookup: Where variables not defined earlier in the file are looked up.
        where: The place in a compose file that names this env file, for the error.
        key_path: The key path that names it, for the error.
        budget: What the load has read so far: the variables of every env file read are
            counted against ``MAX_TEXT`` (one file named by 2,000 services is read 2,000
            times, and its variables end up in each service).

    Raises:
        EnvFileError: The file is missing or unreadable, a line is malformed, or the env
            files of the load hold more than ``MAX_TEXT`` characters.
    """
    try:
        # bounded, and a pipe or a device (env_file: /dev/zero) is an error, not a hang
        text = read_text_bounded(path, ENV_FILE_LIMIT, error=EnvFileError)
    except FileNotFoundError:
        raise EnvFileError(
            f"env file {path} not found",
            location=where or Location(str(path)),
            path=key_path,
            hint="create the file, fix the path, or mark it `required: false`",
        ) from None
    except EnvFileError as exc:
        exc.path = exc.path or key_path
        raise
    variables = parse_env_text(text, str(path), lookup)
    if budget is not None:
        size = sum(len(k) + len(v) for k, v in variables.items())
        if not budget.add_env_text(size):
            raise EnvFileError(
                f"the env files of this project hold more than {MAX_TEXT // (1024 * 1024)} MiB "
                f"of variables, each time a service names one counted ({path}: "
                f"{size:,} characters)",
                location=where or Location(str(path)),
                path=key_path,
                hint="keep env files small (long values belong in files the service reads), "
                "or name a large one from fewer services",
            )
    return variables
