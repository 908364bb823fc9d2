"""Phase 4, canonical: a ``command`` or ``entrypoint`` string split into words as Compose does.

Compose splits the short form of ``command: ./run --port 80`` with go-shellwords: quotes,
backslashes, ``$(...)`` and backticks group words, and an operator (``;``, ``&``, ``|``,
``<``, ``>``) ends the command. The analysis reads the same words, so both use this module.
"""

from __future__ import annotations

import re
from typing import NamedTuple

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

