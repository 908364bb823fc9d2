"""Where each table and key of a TOML document stands, for error messages.

``tomllib`` returns plain dictionaries without positions, so when pydantic rejects a value
the line comes from here: a small scanner that follows table headers (``[items."a.b"]``)
and dotted keys (``answers.servers = 3``) and skips over values, multi-line strings and
arrays included. It only runs on text ``tomllib`` has already accepted.
"""

from __future__ import annotations

from collections.abc import Sequence

KeyPath = tuple[str, ...]

_BARE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class _Scanner:
    """A cursor over the text that counts lines."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos:self.pos + n]

    def advance(self, n: int = 1) -> None:
        self.line += self.text.count("\n", self.pos, self.pos + n)
        self.pos += n

    def skip_blank(self) -> None:
        while self.peek() in (" ", "\t") and self.peek():
            self.advance()

    def skip_comment(self) -> None:
        if self.peek() == "#":
            end = self.text.find("\n", self.pos)
            self.advance((len(self.text) if end < 0 else end) - self.pos)

    def skip_line(self) -> None:
        end = self.text.find("\n", self.pos)
        self.advance((len(self.text) if end < 0 else end + 1) - self.pos)

    def key(self) -> KeyPath:
        """A dotted key, quoted parts decoded."""
        parts = []
        while True:
            self.skip_blank()
            parts.append(self.key_part())
            self.skip_blank()
            if self.peek() != ".":
                return tuple(parts)
            self.advance()

    def key_part(self) -> str:
        quote = self.peek()
        if quote in ('"', "'"):
            return self.string(quote)
        start = self.pos
        while self.peek() and self.peek() in _BARE:
            self.advance()
        return self.text[start:self.pos]

    def string(self, quote: str) -> str:
        """A one-line basic or literal string at the cursor."""
        self.advance()
        out = []
        while self.peek() and self.peek() != quote:
            ch = self.peek()
            if quote == '"' and ch == "\\":
                out.append(self.escape())
            else:
                out.append(ch)
                self.advance()
        self.advance()
        return "".join(out)

    def escape(self) -> str:
        code = self.peek(2)[1:]
        if code in _ESCAPES:
            self.advance(2)
            return _ESCAPES[code]
        width = {"u": 4, "U": 8}.get(code, 0)
        digits = self.text[self.pos + 2:self.pos + 2 + width]
        self.advance(2 + width)
        try:
            return chr(int(digits, 16))
        except ValueError:
            return ""

    def skip_value(self) -> None:
        """Past a value to the end of its (last) line: strings, arrays, inline tables."""
        depth = 0
        while self.peek():
            ch = self.peek()
            if ch in ('"', "'"):
                if self.peek(3) == ch * 3:
                    end = self.text.find(ch * 3, self.pos + 3)
                    while end >= 0 and ch == '"' and _escaped(self.text, end):
                        end = self.text.find(ch * 3, end + 1)
                    end = len(self.text) if end < 0 else end + 3
                    while self.text[end:end + 1] == ch:  # up to two quotes close a string
                        end += 1
                    self.advance(end - self.pos)
                else:
                    self.string(ch)
            elif ch in "[{":
                depth += 1
                self.advance()
            elif ch in "]}":
                depth -= 1
                self.advance()
            elif ch == "#":
                self.skip_comment()
            elif ch == "\n":
                self.advance()
                if depth <= 0:
                    return
            else:
                self.advance()


def _escaped(text: str, index: int) -> bool:
    """Whether the character at ``index`` follows an odd number of backslashes."""
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def key_lines(text: str) -> dict[KeyPath, int]:
    """The 1-based line of every table header and key, by full key path.

    A key path is the tuple of keys from the document's root, quotes removed:
    ``[items."api.probes"]`` then ``status = "done"`` give ``("items", "api.probes")`` and
    ``("items", "api.probes", "status")``. The first place a path appears wins; the tables a
    dotted key implies get the key's line.
    """
    lines: dict[KeyPath, int] = {}
    scan = _Scanner(text)
    table: KeyPath = ()
    while scan.peek():
        scan.skip_blank()
        ch = scan.peek()
        if ch in ("\n", "\r", "#", ""):
            scan.skip_line()
            continue
        line = scan.line
        if ch == "[":
            scan.advance(2 if scan.peek(2) == "[[" else 1)
            table = scan.key()
            lines.setdefault(table, line)
            scan.skip_line()
            continue
        key = scan.key()
        for n in range(1, len(key) + 1):
            lines.setdefault(table + key[:n], line)
        scan.skip_blank()
        if scan.peek() == "=":
            scan.advance()
        scan.skip_value()
    return lines


def line_of(lines: dict[KeyPath, int], path: Sequence[str | int]) -> int | None:
    """The line of a key path, or of its closest enclosing table or key that has one."""
    keys = tuple(str(p) for p in path if not isinstance(p, int))
    for n in range(len(keys), 0, -1):
        if keys[:n] in lines:
            return lines[keys[:n]]
    return None
