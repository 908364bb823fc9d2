"""Phase 4, canonical: every short syntax of a service rewritten to the long one.

After this phase a service's ``ports`` are mappings with ``target``/``published``/
``protocol``/``host_ip``, its ``volumes`` mappings with ``type``/``source``/``target``,
``depends_on`` a mapping of conditions, ``environment`` and ``labels`` mappings of strings,
``command`` and ``entrypoint`` lists, ``build`` a mapping with an absolute context, and
relative host paths absolute (against the directory of the file, or the project's).
The output has the keys and shapes ``docker compose config --format json`` prints.
"""

from __future__ import annotations

import functools
import ipaddress
import math
import os
import posixpath
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any, NamedTuple

from migrate_tui.compose.budget import MAX_PORTS, LoadBudget
from migrate_tui.compose.merge import enforce_unicity
from migrate_tui.compose.parse import KeyPath, ParsedFile, format_path
from migrate_tui.errors import Location, SchemaError

Problem = Callable[[str, KeyPath, str], SchemaError]

_BIND_PROPAGATION = {"rprivate", "private", "rshared", "shared", "rslave", "slave"}
_PROTOCOLS = {"tcp", "udp", "sctp"}
_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}
_NUMBER_END = frozenset("0123456789. ")


def _split_volume(spec: str) -> list[str]:
    """Split a short volume spec on colons, keeping Windows drive letters (``C:``) whole."""
    parts: list[str] = []
    buffer = ""
    for ch in spec:
        if ch == ":" and len(buffer) == 1 and buffer.isalpha():
            buffer += ch
        elif ch == ":":
            parts.append(buffer)
            buffer = ""
        else:
            buffer += ch
    parts.append(buffer)
    return parts


_SPECIAL = re.compile(r"[\\ \t\r\n`()\"';&|<>]")
"""The characters the shell-words splitter treats specially outside quotes. The text
between two of them is taken in one step, and so is the text inside quotes up to the
next character special there: the split is linear in the length of the string."""
_SPECIAL_IN_DOUBLE = re.compile(r'[\\"]')
_SPECIAL_IN_BACKTICKS = re.compile(r"[\\`()\"']")
_SPECIAL_IN_DOLLAR = re.compile(r"[\\()]")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"')
_NOT_BLANK_SPECIAL = re.compile(r"[\\`()\"';&|<>]")
_BLANKS = re.compile(r"[ \t\r\n]+")


_GROUPING = re.compile(r"[`()]")
_TOKEN = re.compile(r"""(?P<word>(?:[^ \t\r\n\\'";&|<>]+|"[^"\\]*(?:\\.[^"\\]*)*"|'[^']*'|\\.)+)"""
                    r"|(?P<blank>[ \t\r\n]+)", re.DOTALL)
_QUOTED_OR_ESCAPED = re.compile(r""""([^"\\]*(?:\\.[^"\\]*)*)"|'([^']*)'|\\(.)""",
                                re.DOTALL)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def _unquote(match: re.Match[str]) -> str:
    double, single, escaped = match.groups()
    if double is not None:
        return _ESCAPED.sub(r"\1", double) if "\\" in double else double
    return single if single is not None else escaped


def _split_plain(line: str) -> ShellWords:
    """:func:`split_shell_words` of a line without ``$(``, ``)`` or backticks, a word at a
    time: a word is text, quoted text and escaped characters up to a blank."""
    args: list[str] = []
    pos, end = 0, len(line)
    word_start, word_end, word = -1, -1, ""
    while pos < end:
        match = _TOKEN.match(line, pos)
        if match is None:  # an unquoted ;&|<>, an unclosed quote, a trailing backslash
            if line[pos] not in ";&|<>":
                raise ValueError("an unclosed quote, or a trailing backslash")
            start = pos
            if line[pos] == ">" and word_end == pos and "0" <= word[:1] <= "9":
                args.pop()  # (`2>`: go-shellwords drops a word that starts with a digit)
                start = word_start
            return ShellWords(args, line[start:])
        if match.lastgroup == "word":
            text = match.group()
            double, single, escape = '"' in text, "'" in text, "\\" in text
            if double + single + escape > 1:
                word = _QUOTED_OR_ESCAPED.sub(_unquote, text)
            elif escape:
                word = _ESCAPED.sub(r"\1", text)
            else:  # only one kind of quote, without backslashes: the quotes go
                word = text.replace('"', "") if double else text.replace("'", "") if single \
                    else text
            args.append(word)
            word_start, word_end = pos, match.end()
        pos = match.end()
    return ShellWords(args, "")


class ShellWords(NamedTuple):
    """A string split as Compose splits a ``command`` or an ``entrypoint``."""

    words: list[str]
    """The words Compose runs."""
    dropped: str
    """The text from the first unquoted ``;``, ``&``, ``|``, ``<`` or ``>`` (or the file
    descriptor number before a ``>``) to the end: Compose ignores it. Empty if none."""


def split_shell_words(line: str) -> ShellWords:
    """Split ``line`` into words exactly as Compose does (``mattn/go-shellwords`` 1.0.12,
    ``Parse`` with environment and backtick expansion off).

    Quotes and backslashes work as in a shell, a ``$(...)`` or backtick group stays one
    word with its quotes; the first unquoted ``;``, ``&``, ``|``, ``<`` or ``>`` ends the
    command, and what follows is dropped (see :attr:`ShellWords.dropped`). Linear time.

    Raises:
        ValueError: An unclosed quote, ``$(`` or backtick, a trailing backslash, or a
            ``(`` that does not follow a ``$``: Compose refuses the string.
    """
    if not _NOT_BLANK_SPECIAL.search(line):  # words and blanks only, most commands
        return ShellWords([word for word in _BLANKS.split(line) if word], "")
    if not _GROUPING.search(line):  # no $( ) or backticks: a word a step
        return _split_plain(line)
    args: list[str] = []
    buf: list[str] = []
    got = False  # a word has started (an empty quoted word counts)
    double = single = back = dollar = False
    i, end = 0, len(line)
    while i < end:
        # Text up to the next character special where we are is taken as it is.
        if single:  # only a ' ends it
            stop = line.find("'", i)
            stop = end if stop < 0 else stop
        else:
            special = (_SPECIAL_IN_DOUBLE if double else _SPECIAL_IN_DOLLAR if dollar
                       else _SPECIAL_IN_BACKTICKS if back else _SPECIAL)
            match = special.search(line, i)
            stop = match.start() if match else end
        if stop > i:
            buf.append(line[i:stop])
            got = True
            i = stop
            continue
        r = line[i]
        i += 1
        if r == "\\":
            if single:
                buf.append(r)
            elif i == end:
                raise ValueError("a backslash at the end")
            else:  # the next character, whatever it is, as written
                buf.append(line[i])
                got = True
                i += 1
            continue
        if r in " \t\r\n":  # outside quotes here: the end of a word
            if got:
                args.append("".join(buf))
                buf = []
                got = False
            continue
        if r == "`":
            if not single and not double and not dollar:
                back = not back
        elif r == ")":
            if not single and not double and not back:
                dollar = not dollar
        elif r == "(":
            if not single and not double and not back:
                if not dollar and buf and buf[-1].endswith("$"):
                    dollar = True
                    buf.append(r)
                    continue
                raise ValueError("a ( that does not open $(...)")
        elif r == '"':
            if not single and not dollar:
                quoted = None if double or back else _DOUBLE_QUOTED.match(line, i - 1)
                if quoted:  # a whole "..." without backslashes, in one step
                    buf.append(quoted.group(1))
                    got = True
                    i = quoted.end()
                    continue
                got = got or double
                double = not double
                continue
        elif r == "'":
            if not double and not dollar:
                got = got or single
                single = not single
                continue
        elif r in ";&|<>" and not (single or double or back or dollar):
            start = i - 1
            if r == ">" and buf and "0" <= buf[0][0] <= "9":  # (a word that starts with
                start -= len("".join(buf))  # a digit: go-shellwords takes it for `2>`)
                got = False
            if got:
                args.append("".join(buf))
            return ShellWords(args, line[start:])
        got = True
        buf.append(r)
    if single or double or back or dollar:
        raise ValueError("an unclosed quote, $( or backtick")
    if got:
        args.append("".join(buf))
    return ShellWords(args, "")


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


def go_file_mode(value: Any) -> Any:
    """A file mode (``0440`` read as 288, or the text ``"0440"``) as Compose prints it:
    octal text with a leading 0. Left as it is when it is not a mode."""
    if isinstance(value, str):
        try:
            value = int(value, 8)
        except ValueError:
            return value
    if isinstance(value, int) and not isinstance(value, bool):
        return f"0{value:o}"
    return value


_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h|d|w)")
_NANOSECONDS = {"ns": 1, "us": 1000, "µs": 1000, "μs": 1000, "ms": 10**6, "s": 10**9,
                "m": 60 * 10**9, "h": 3600 * 10**9, "d": 86400 * 10**9,
                "w": 7 * 86400 * 10**9}


@functools.lru_cache(maxsize=1024)
def go_duration(text: str) -> str:
    """A duration (``90s``, ``1.5h``, ``2d``) as Compose prints it, Go's
    ``time.Duration.String()``: ``1m30s``, ``1h30m0s``, ``48h0m0s``, ``100ms``.
    Text that is not a duration is returned unchanged (the schema reports it). Memoized:
    the same few durations (an anchor's healthcheck) come back in every service."""
    body = text[1:] if text[:1] in "+-" else text
    total = Fraction(0)
    pos = 0
    while pos < len(body):
        match = _DURATION_PART.match(body, pos)
        if not match or match.group(1) in ("", "."):
            return text if body != "0" else "0s"
        total += Fraction(match.group(1)) * _NANOSECONDS[match.group(2)]
        pos = match.end()
    if not body:
        return text
    nanoseconds = int(total) * (-1 if text.startswith("-") else 1)
    return _duration_string(nanoseconds)


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


def is_remote_context(context: str) -> bool:
    """Whether a build context is a URL or git reference rather than a local folder."""
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", context)) or context.startswith(
        ("git@", "github.com/")
    )


def abs_path(base_dir: str, path: str, home: str) -> str:
    """``path`` made absolute against ``base_dir``, with ``~`` as the home folder."""
    if path == "~" or path.startswith("~/"):
        path = home + path[1:]
    if posixpath.isabs(path) or _WINDOWS_ABS.match(path):
        return path  # Compose keeps an absolute path exactly as written
    return posixpath.normpath(posixpath.join(base_dir, path))


_WINDOWS_ABS = re.compile(r"^(?:[a-zA-Z]:[\\/]|\\\\)")


class Canonicalizer:
    """Rewrites the services of one file in long syntax.

    Args:
        source: The parsed file, for error locations.
        base_dir: The folder relative paths are resolved against.
        home: The home folder for ``~``.
        budget: What the load has made so far, shared by its files (port mappings here).
    """

    def __init__(self, source: ParsedFile, base_dir: str, home: str,
                 budget: LoadBudget | None = None) -> None:
        self.source = source
        self.base_dir = base_dir
        self.home = home
        self.budget = budget if budget is not None else LoadBudget()

    def error(self, message: str, kp: KeyPath, hint: str) -> SchemaError:
        """A schema error at ``kp`` in this file."""
        return SchemaError(
            message, location=self.source.locate(kp), path=format_path(kp), hint=hint
        )

    # -- the whole file -----------------------------------------------------------------

    def file(self, data: dict[str, Any]) -> dict[str, Any]:
        """The file with every service, and the top-level resources, in long syntax."""
        out = dict(data)
        services = data.get("services")
        if isinstance(services, dict):
            out["services"] = {
                name: self.service(svc, ("services", name)) if isinstance(svc, dict) else svc
                for name, svc in services.items()
            }
        for kind in ("networks", "volumes", "secrets", "configs"):
            section = data.get(kind)
            if isinstance(section, dict):
                out[kind] = {
                    name: self._resource(value, (kind, name))
                    for name, value in section.items()
                }
        return out

    def _resource(self, value: Any, kp: KeyPath) -> Any:
        """A top-level network, volume, secret or config: its file absolute, its labels a
        mapping, the device of a local bind volume (``o: bind``) absolute."""
        if not isinstance(value, dict):
            return value
        value = dict(value)
        if isinstance(value.get("file"), str):
            value["file"] = abs_path(self.base_dir, value["file"], self.home)
        if isinstance(value.get("labels"), list):
            value["labels"] = self._labels(value["labels"], (*kp, "labels"))
        opts = value.get("driver_opts")
        if (kp[0] == "volumes" and value.get("driver") in (None, "local")
                and isinstance(opts, dict) and opts.get("o") == "bind" and "device" in opts):
            value["driver_opts"] = {**opts, "device": abs_path(
                self.base_dir, go_string(opts["device"]), self.home)}
        if isinstance(opts, dict):
            value["driver_opts"] = {k: go_string(v) for k, v in value["driver_opts"].items()}
        return value

    # -- one service ----------------------------------------------------------------------

    def service(self, svc: dict[str, Any], kp: KeyPath) -> dict[str, Any]:
        """One service in long syntax."""
        out = dict(svc)
        for key, fn in self._FIELDS.items():
            if key in out and out[key] is not None:
                out[key] = fn(self, out[key], (*kp, key))
        for key in _SIZES:
            if key in out:
                out = _sized(out, key, self._size, kp)
        if isinstance(out.get("cpus"), float):
            out["cpus"] = go_float(out["cpus"])
        return enforce_unicity(out)

    def _build(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        build = {"context": value} if isinstance(value, str) else dict(value)
        context = build.get("context", ".")
        if context is None:
            context = "."
        context = str(context)
        if not is_remote_context(context):
            context = abs_path(self.base_dir, context, self.home)
        build["context"] = context
        if isinstance(build.get("args"), list):
            build["args"] = self._key_values(build["args"], (*kp, "args"), keep_none=True)
        elif isinstance(args := build.get("args"), dict):
            build["args"] = {k: None if v is None else go_string(v) for k, v in args.items()}
        if isinstance(build.get("labels"), list):
            build["labels"] = self._key_values(build["labels"], (*kp, "labels"), keep_none=False)
        if "shm_size" in build:
            build = _sized(build, "shm_size", self._size, kp)
        if isinstance(build.get("secrets"), list):
            build["secrets"] = self._mounts(build["secrets"], (*kp, "secrets"))
        if isinstance(ssh := build.get("ssh"), (list, dict)):
            build["ssh"] = self._ssh(ssh)
        dockerfile = build.get("dockerfile")
        if isinstance(dockerfile, str) and dockerfile.startswith("~"):
            build["dockerfile"] = abs_path(self.base_dir, dockerfile, self.home)
        contexts = build.get("additional_contexts")
        if isinstance(contexts, list):
            contexts = self._key_values(contexts, (*kp, "additional_contexts"), keep_none=False)
        if isinstance(contexts, dict):
            build["additional_contexts"] = {
                k: v if (not isinstance(v, str) or is_remote_context(v) or ":" in v
                         and not v.startswith((".", "/", "~")))
                else abs_path(self.base_dir, v, self.home)
                for k, v in contexts.items()
            }
        return build

    def _command(self, value: Any, kp: KeyPath) -> list[str]:
        if isinstance(value, list):
            return [go_string(v) for v in value]
        try:
            return split_shell_words(go_string(value)).words
        except ValueError as exc:
            raise self.error(
                f"{format_path(kp)}: cannot split {value!r} into words ({exc})",
                kp,
                "close the quote, or write the command as a list",
            ) from None

    def _ssh(self, value: list[Any] | dict[str, Any]) -> list[str]:
        """``build.ssh`` as Compose prints it: ``ID`` or ``ID: /absolute/path``."""
        pairs = (value.items() if isinstance(value, dict)
                 else (go_string(item).partition("=")[::2] for item in value))
        return [f"{key}: {abs_path(self.base_dir, path, self.home)}" if path else key
                for key, path in pairs]

    def _hooks(self, value: Any, kp: KeyPath) -> Any:
        """``post_start``/``pre_stop``: each hook's ``command`` as a list of words."""
        if not isinstance(value, list):
            return value
        return [{**hook, "command": self._command(hook["command"], (*kp, i, "command"))}
                if isinstance(hook, dict) and hook.get("command") is not None else hook
                for i, hook in enumerate(value)]

    def _develop(self, value: Any, kp: KeyPath) -> Any:
        """``develop.watch``: paths absolute, ``include``/``ignore`` lists, ``exec.command``
        a list of words."""
        if not isinstance(value, dict) or not isinstance(value.get("watch"), list):
            return value
        watch = []
        for i, rule in enumerate(value["watch"]):
            if isinstance(rule, dict):
                rule = dict(rule)
                if isinstance(rule.get("path"), str):
                    rule["path"] = abs_path(self.base_dir, rule["path"], self.home)
                for key in ("include", "ignore"):
                    if isinstance(rule.get(key), str):
                        rule[key] = [rule[key]]
                run = rule.get("exec")
                if isinstance(run, dict) and run.get("command") is not None:
                    rule["exec"] = {**run, "command": self._command(
                        run["command"], (*kp, "watch", i, "exec", "command"))}
            watch.append(rule)
        return {**value, "watch": watch}

    def _extra_hosts(self, value: Any, kp: KeyPath) -> list[str]:
        """``extra_hosts`` as Compose prints it: ``HOST=IP`` entries (``HOST:IP`` and a
        mapping read too, brackets around an IPv6 address dropped)."""
        pairs: list[tuple[str, str]] = []
        if isinstance(value, dict):
            for host, ips in value.items():
                pairs.extend((str(host), go_string(ip))
                             for ip in (ips if isinstance(ips, list) else [ips]))
        else:
            for item in value:
                text = go_string(item)
                host, sep, ip = text.partition("=")
                if not sep:
                    host, _, ip = text.partition(":")
                pairs.append((host, ip))
        return [f"{host}={ip[1:-1] if ip.startswith('[') and ip.endswith(']') else ip}"
                for host, ip in pairs]

    def _logging(self, value: Any, kp: KeyPath) -> Any:
        if isinstance(value, dict) and isinstance(value.get("options"), dict):
            return {**value, "options": {k: None if v is None else go_string(v)
                                         for k, v in value["options"].items()}}
        return value

    def _provider(self, value: Any, kp: KeyPath) -> Any:
        """``provider.options``: each value a list of strings."""
        if isinstance(value, dict) and isinstance(value.get("options"), dict):
            return {**value, "options": {
                k: [go_string(x) for x in v] if isinstance(v, list) else [go_string(v)]
                for k, v in value["options"].items()}}
        return value

    def _blkio(self, value: Any, kp: KeyPath) -> Any:
        """``blkio_config``: each throttle's ``rate`` in bytes (or operations), as text."""
        if not isinstance(value, dict):
            return value
        out = dict(value)
        for key in ("device_read_bps", "device_read_iops", "device_write_bps",
                    "device_write_iops"):
            if isinstance(out.get(key), list):
                out[key] = [
                    {**entry, "rate": self._size(entry["rate"], (*kp, key, i, "rate")) or "0"}
                    if isinstance(entry, dict) and entry.get("rate") is not None else entry
                    for i, entry in enumerate(out[key])]
        return out

    def _models(self, value: Any, kp: KeyPath) -> Any:
        return {str(name): None for name in value} if isinstance(value, list) else value

    def _durations(self, value: Any, kp: KeyPath, keys: tuple[str, ...]) -> Any:
        if not isinstance(value, dict):
            return value
        out = dict(value)
        for key in keys:
            if isinstance(out.get(key), str):
                out[key] = go_duration(out[key])
        return out

    def _key_values(self, value: Any, kp: KeyPath, *, keep_none: bool) -> dict[str, Any]:
        """``["A=1", "B"]`` or ``{A: 1, B: null}`` as a mapping of strings."""
        out: dict[str, Any] = {}
        if isinstance(value, dict):
            for k, v in value.items():
                # Most values are strings already: no call to make them one.
                out[k] = v if v.__class__ is str or v is None else go_string(v)
            return out
        for item in value:
            text = go_string(item)
            if "=" in text:
                key, val = text.split("=", 1)
                out[key] = val
            else:
                out[text] = None if keep_none else ""
        return out

    def _environment(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        return self._key_values(value, kp, keep_none=True)

    def _labels(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        out = self._key_values(value, kp, keep_none=False)
        return {k: "" if v is None else v for k, v in out.items()}

    def _env_file(self, value: Any, kp: KeyPath) -> list[dict[str, Any]]:
        items = value if isinstance(value, list) else [value]
        out: list[dict[str, Any]] = []
        for item in items:
            entry = {"path": item, "required": True} if isinstance(item, str) else dict(item)
            entry.setdefault("required", True)
            entry["path"] = abs_path(self.base_dir, str(entry.get("path", "")), self.home)
            out.append(entry)
        return out

    def _depends_on(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        if isinstance(value, list):
            return {
                str(name): {"condition": "service_started", "required": True} for name in value
            }
        out: dict[str, Any] = {}
        for name, dep in value.items():
            entry = dict(dep) if isinstance(dep, dict) else {}
            entry.setdefault("condition", "service_started")
            entry.setdefault("required", True)
            out[name] = entry
        return out

    def _networks(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        if isinstance(value, list):
            return {str(name): None for name in value}
        return dict(value)

    def _healthcheck(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        check: dict[str, Any] = self._durations(value, kp, _HEALTHCHECK_DURATIONS)
        if check.get("disable") is False:
            del check["disable"]  # (Compose prints it only when true)
        test = check.get("test")
        if isinstance(test, str):
            check["test"] = ["CMD-SHELL", test]
        elif isinstance(test, list):
            check["test"] = [go_string(t) for t in test]
        return check

    def _list_of_strings(self, value: Any, kp: KeyPath) -> list[str]:
        if isinstance(value, list):
            return [go_string(v) for v in value]
        return [go_string(value)]

    def _mounts(self, value: Any, kp: KeyPath) -> list[Any]:
        """``secrets``/``configs`` of a service or a build, as mappings, ``mode`` in
        octal text as Compose prints it (``"0440"``)."""
        out: list[Any] = []
        for item in value:
            if isinstance(item, str):
                item = {"source": item}
            elif isinstance(item, dict) and "mode" in item:
                item = {**item, "mode": go_file_mode(item["mode"])}
            out.append(item)
        return out

    def _extends(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        return {"service": value} if isinstance(value, str) else dict(value)

    def _deploy(self, value: Any, kp: KeyPath) -> dict[str, Any]:
        deploy = dict(value)
        for key in ("restart_policy", "update_config", "rollback_config"):
            if key in deploy:
                deploy[key] = self._durations(deploy[key], (*kp, key), _DEPLOY_DURATIONS)
        resources = deploy.get("resources")
        if isinstance(resources, dict):
            resources = dict(resources)
            for part in ("limits", "reservations"):
                section = resources.get(part)
                if isinstance(section, dict):
                    section = dict(section)
                    if "memory" in section:
                        section = _sized(section, "memory", self._size,
                                         (*kp, "resources", part))
                    if "cpus" in section and isinstance(section["cpus"], (str, float)):
                        try:
                            section["cpus"] = go_float(float(section["cpus"]))
                        except ValueError:
                            raise self.error(
                                f"invalid number of CPUs {section['cpus']!r}",
                                (*kp, "resources", part, "cpus"),
                                "write a number such as 0.5 or 2",
                            ) from None
                    if isinstance(section.get("devices"), list):
                        section["devices"] = [self._device(d) for d in section["devices"]]
                    resources[part] = section
            deploy["resources"] = resources
        return deploy

    def _size(self, value: Any, kp: KeyPath) -> str | None:
        """A size (``512m``, ``1.5g``, a number of bytes) as Compose prints it: its bytes,
        as text. None where Compose leaves the key out: 0 (unset), and a YAML float,
        which it does not take for a size."""
        if isinstance(value, float):
            return None
        size = parse_bytes(value)
        if size is None:
            raise self.error(f"invalid size {value!r}", kp,
                             "write a size such as 512m or 2g, or a number of bytes")
        return str(size) if size else None

    def _device(self, device: Any) -> Any:
        if not isinstance(device, dict) or "count" not in device:
            return device
        device = dict(device)
        count = device["count"]
        if isinstance(count, str):
            device["count"] = -1 if count.lower() == "all" else int(count)
        return device

    def _ports(self, value: Any, kp: KeyPath) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for i, item in enumerate(value):
            ikp = (*kp, i)
            if isinstance(item, dict):
                if "target" not in item:
                    raise self.error(
                        f"service ports {format_path(ikp)} is missing a target port", ikp,
                        "add `target: PORT`, the port the container listens on",
                    )
                port = dict(item)
                port.setdefault("mode", "ingress")
                port.setdefault("protocol", "tcp")
                if "published" in port and port["published"] is not None:
                    port["published"] = go_string(port["published"])
                    if port["published"] == "":
                        del port["published"]
                if isinstance(port.get("target"), str):
                    port["target"] = int(port["target"])
                self._count_ports(1, str(item.get("target")), ikp)
                out.append(port)
            else:
                out.extend(self.parse_port(go_string(item), ikp))
        return out

    def parse_port(self, spec: str, kp: KeyPath) -> list[dict[str, Any]]:
        """A short port spec (``[IP:]HOST:CONTAINER[/PROTO]``, ranges too) as long entries."""
        raw, _, proto = spec.partition("/")
        proto = proto.lower() if proto or "/" in spec else "tcp"
        if proto not in _PROTOCOLS:
            raise self.error(
                f"invalid port {spec!r}: invalid proto: {proto}",
                kp,
                "use tcp, udp or sctp after the /, e.g. 53:53/udp",
            )
        parts = raw.split(":")
        host_ip = ""
        host = ""
        if len(parts) == 1:
            container = parts[0]
        elif len(parts) == 2:
            host, container = parts
        elif len(parts) == 3:
            host_ip, host, container = parts
        else:
            host_ip = ":".join(parts[:-2])
            host, container = parts[-2], parts[-1]
        if host_ip.startswith("[") and host_ip.endswith("]"):
            host_ip = host_ip[1:-1]
        if host_ip:
            try:
                ipaddress.ip_address(host_ip)
            except ValueError:
                raise self.error(
                    f"invalid port {spec!r}: invalid IP address: {host_ip}",
                    kp,
                    "write the host IP as 127.0.0.1 or [::1]",
                ) from None
        if not container:
            raise self.error(
                f"invalid port {spec!r}: no port specified", kp,
                "write the container port, e.g. 8080:80",
            )
        start, end = self._range(container, spec, kp)
        host_start = host_end = 0
        if host:
            host_start, host_end = self._range(host, spec, kp)
            if (end - start) != (host_end - host_start) and end != start:
                raise self.error(
                    f"invalid port {spec!r}: invalid ranges specified for container and host "
                    f"ports: {container} and {host}",
                    kp,
                    "give ranges of the same length, e.g. 8000-8001:9000-9001",
                )
        self._count_ports(end - start + 1, spec, kp)
        entries: list[tuple[str, dict[str, Any]]] = []
        for offset in range(end - start + 1):
            target = start + offset
            entry: dict[str, Any] = {"mode": "ingress"}
            if host_ip:
                entry["host_ip"] = host_ip
            entry["target"] = target
            if host:
                published = str(host_start + offset)
                if start == end and host_start != host_end:
                    published = f"{host_start}-{host_end}"
                entry["published"] = published
            entry["protocol"] = proto
            entries.append((f"{target}/{proto}", entry))
        entries.sort(key=lambda e: e[0])
        return [e for _, e in entries]

    def _count_ports(self, count: int, spec: str, kp: KeyPath) -> None:
        """Count ``count`` mappings made of ``spec``; refuse the project past ``MAX_PORTS``.

        Compose prints a range as one mapping per port, and so do we; the count keeps a
        few lines of ranges (``1-65535:1-65535`` on 20 services) from taking gigabytes.
        """
        if not self.budget.add_ports(count):
            raise self.error(
                f"invalid port {spec!r}: the project's ports expand to more than "
                f"{MAX_PORTS:,} mappings (a range makes one mapping per port)",
                kp,
                "publish the ports the service listens on, not whole ranges (or use "
                "`network_mode: host`)",
            )

    def _range(self, text: str, spec: str, kp: KeyPath) -> tuple[int, int]:
        first, sep, last = text.partition("-")
        try:
            start = int(first)
            end = int(last) if sep else start
            if not (0 <= start <= 65535 and 0 <= end <= 65535) or end < start:
                raise ValueError
        except ValueError:
            raise self.error(
                f"invalid port {spec!r}: {text!r} is not a port or a range of ports",
                kp,
                "ports are numbers from 1 to 65535, ranges like 8000-8010",
            ) from None
        return start, end

    def _volumes(self, value: Any, kp: KeyPath) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for i, item in enumerate(value):
            ikp = (*kp, i)
            if isinstance(item, dict):
                vol = dict(item)
                if vol.get("read_only") is False:
                    del vol["read_only"]  # (Compose prints it only when true)
                if vol.get("source") == "":
                    del vol["source"]
                if vol.get("type") == "bind" and isinstance(vol.get("source"), str):
                    vol["source"] = abs_path(self.base_dir, vol["source"], self.home)
                tmpfs = vol.get("tmpfs")
                if isinstance(tmpfs, dict) and "size" in tmpfs:
                    vol["tmpfs"] = _sized(tmpfs, "size", self._size, (*ikp, "tmpfs"))
                out.append(vol)
            else:
                out.append(self.parse_volume(str(item), ikp))
        return out

    def parse_volume(self, spec: str, kp: KeyPath) -> dict[str, Any]:
        """A short volume spec (``SRC:DST[:OPTS]``) as a long entry, host paths resolved."""
        if not spec:
            raise self.error("invalid empty volume spec", kp, "write SOURCE:TARGET or TARGET")
        parts = _split_volume(spec)
        if any(p == "" for p in parts):
            raise self.error(
                f"invalid volume spec {spec!r}: empty section between colons",
                kp,
                "write SOURCE:TARGET[:ro]",
            )
        if len(parts) > 3:
            raise self.error(
                f"invalid volume spec {spec!r}: too many colons",
                kp,
                "write SOURCE:TARGET[:OPTIONS], options separated by commas (ro,z)",
            )
        source = parts[0] if len(parts) > 1 else ""
        target = parts[1] if len(parts) > 1 else parts[0]
        vol: dict[str, Any] = {}
        options = parts[2].split(",") if len(parts) == 3 else []
        read_only = False
        bind: dict[str, Any] = {}
        volume_opts: dict[str, Any] = {}
        for option in options:
            if option == "ro":
                read_only = True
            elif option == "rw":
                read_only = False
            elif option == "nocopy":
                volume_opts["nocopy"] = True
            elif option in _BIND_PROPAGATION:
                bind["propagation"] = option
            elif option in ("z", "Z"):
                bind["selinux"] = option
        is_path = bool(source) and (source[0] in "./~" or source.startswith("\\\\") or (
            len(source) > 1 and source[1] == ":"))
        if is_path:
            vol["type"] = "bind"
            vol["source"] = abs_path(self.base_dir, source, self.home)
        else:
            vol["type"] = "volume"
            if source:
                vol["source"] = source
        vol["target"] = target if _WINDOWS_ABS.match(target) else posixpath.normpath(target)
        if read_only:
            vol["read_only"] = True
        if is_path:
            bind["create_host_path"] = True
            vol["bind"] = bind
        else:
            if bind:  # (SELinux labels and propagation apply to a named volume too)
                vol["bind"] = bind
            vol["volume"] = volume_opts
        return vol

    _FIELDS: dict[str, Callable[[Canonicalizer, Any, KeyPath], Any]] = {
        "build": _build,
        "command": _command,
        "entrypoint": _command,
        "environment": _environment,
        "labels": _labels,
        "annotations": _labels,
        "env_file": _env_file,
        "depends_on": _depends_on,
        "networks": _networks,
        "healthcheck": _healthcheck,
        "ports": _ports,
        "volumes": _volumes,
        "secrets": _mounts,
        "configs": _mounts,
        "post_start": _hooks,
        "pre_stop": _hooks,
        "develop": _develop,
        "extra_hosts": _extra_hosts,
        "logging": _logging,
        "provider": _provider,
        "models": _models,
        "blkio_config": _blkio,
        "stop_grace_period": lambda self, v, kp: go_duration(v) if isinstance(v, str) else v,
        "extends": _extends,
        "deploy": _deploy,
        "dns": _list_of_strings,
        "dns_search": _list_of_strings,
        "tmpfs": _list_of_strings,
        "expose": _list_of_strings,
        "sysctls": lambda self, v, kp: self._key_values(v, kp, keep_none=False),
    }


_HEALTHCHECK_DURATIONS = ("interval", "timeout", "start_period", "start_interval")
_DEPLOY_DURATIONS = ("delay", "window", "monitor")
"""The keys Compose reads as durations (``time.Duration``) and prints in Go's form."""

_SIZES = ("mem_limit", "mem_reservation", "memswap_limit", "mem_swappiness", "shm_size")
"""A service's keys Compose reads as sizes, even mem_swappiness (a percentage), printing
their bytes."""


def _sized(mapping: dict[str, Any], key: str, size: Callable[[Any, KeyPath], str | None],
           kp: KeyPath) -> dict[str, Any]:
    """``mapping`` with its ``key`` as ``size`` gives it, or without it where Compose leaves
    it out (null, 0, a float)."""
    value = mapping[key]
    shown = None if value is None else size(value, (*kp, key))
    if shown is None:
        return {k: v for k, v in mapping.items() if k != key}
    return {**mapping, key: shown}


def home_dir(environ: dict[str, str]) -> str:
    """The home folder, from the environment Compose would see."""
    return environ.get("HOME") or os.path.expanduser("~")


def where(source: ParsedFile, kp: KeyPath) -> Location:
    """The location of ``kp`` in ``source``."""
    return source.locate(kp)
