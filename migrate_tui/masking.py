"""The one rule that keeps secret values out of every output.

Every output but ``config`` (the analysis as JSON and text, the plan as Markdown and JSON,
``status``, the TUI, and whatever comes next: manifests, SARIF) shows text from the project
through :func:`mask_secrets`. It masks, with :data:`MASK`:

- the password of a URL, ``postgres://app:***@db/app``, even one holding ``/`` or ``@``
  (written unencoded, as people do: the password runs to the last ``@`` before a space);
- the value of a secret-named key in ``KEY=value`` (``DB_PASSWORD=***``), a query string
  (``?access_token=***&x=1``, ``jdbc:...?user=app&password=***``), a JDBC property list
  (``;password=***;``) or a flag (``--api-key=***``);
- the value of a quoted secret-named key, as JSON writes it (``"password": "***"``);
- the credentials after ``Authorization:`` (``Authorization: Bearer ***``).

Ordinary prose is left as it is: a word followed by a colon (``auth: run it in the
cluster``) is not a key. Which names are secret is knowledge, kept in
``playbooks/secrets.yaml``. :func:`mask_assignment` masks a variable's whole value when its
name says it is a secret (the evidence of an ``environment`` entry).

Every pass is linear in the text: positions are found with ``str.find`` and regular
expressions that cannot backtrack, each part of the text is looked at a bounded number of
times (``benchmarks/hostile_text.py`` measures 1 MB inputs).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from migrate_tui.secret_names import SecretNames

MASK = "***"
"""What a secret value is replaced with."""
MAX_KEY = 128
"""Longest key looked at before an ``=`` or ``:``: a longer run of name characters is no key."""


@lru_cache(maxsize=1)
def secret_names() -> SecretNames:
    """The shipped ``playbooks/secrets.yaml`` (never a project's or a user's: masking is not
    something a cloned repository can turn off)."""
    from migrate_tui.playbooks import load_playbook
    from migrate_tui.secret_names import SecretNames

    return load_playbook("secrets.yaml", SecretNames)


@lru_cache(maxsize=1)
def _rules() -> tuple[frozenset[str], re.Pattern[str], tuple[str, ...]]:
    names = secret_names()
    anywhere = re.compile("|".join(re.escape(w.lower()) for w in names.anywhere) or "(?!)")
    return (frozenset(w.lower() for w in names.words), anywhere, tuple(names.shown_values))


_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
"""The words of a name: ``clientSecret`` -> client, Secret; ``API_KEY`` -> API, KEY."""


@lru_cache(maxsize=8192)
def is_secret_name(name: str) -> bool:
    """Whether a name says its value is a secret (``DB_PASSWORD``, ``apiKey``, ``--token``).

    See ``playbooks/secrets.yaml``.
    """
    words, anywhere, _ = _rules()
    if len(name) > MAX_KEY:
        return False
    if any(w.lower() in words for w in _WORD.findall(name)):
        return True
    return anywhere.search(name.lower()) is not None


_MASKED = (MASK, "\\*\\*\\*")
"""A value already masked: :data:`MASK`, or as Markdown escapes it."""


def _shown(value: str) -> bool:
    """Whether a secret-named value is to be shown: empty, only a reference to a secret
    (``/run/secrets/db``), or already masked (then followed maybe by the punctuation of the
    text around it: ``password=***: in a pod``)."""
    if not value or value.startswith(_rules()[2]):
        return True
    return value.startswith(_MASKED) and not value.lstrip("*\\").strip(":.,;)]}")


def mask_assignment(key: str, value: str) -> str:
    """``KEY=value`` with the whole value masked when ``key`` names a secret, else with the
    secrets in the value masked (:func:`mask_secrets`)."""
    if is_secret_name(key) and not _shown(value):
        return f"{key}={MASK}"
    return f"{key}={mask_secrets(value)}"


def mask_secrets(text: str) -> str:
    """``text`` with every secret value in it masked (see the module's description).

    Idempotent, and the identity on a text without ``=``, ``:`` (most texts). A mask can
    join what a space parted (``pw=" "`` masked to ``pw="***"``) and so make a match for a
    pass before it (a URL's password then runs to a later ``@``): the passes run again
    until the text stays the same, a few times at most (a text that still changed then is
    returned as it is, never a loop on a hostile one).
    """
    masked = _mask_once(text)
    for _ in range(_MAX_PASSES):
        if masked == text:
            break
        text, masked = masked, _mask_once(masked)
    return masked


_MAX_PASSES = 4
"""Passes of :func:`mask_secrets` after the first (one is what any text seen needed)."""


def _mask_once(text: str) -> str:
    """One pass of each kind of mask over ``text``."""
    if "@" in text and "://" in text:
        text = _mask_url_passwords(text)
    if "uthorization" in text or "UTHORIZATION" in text:
        text = _AUTHORIZATION.sub(lambda m: m.group(1) + MASK, text)
    if "=" in text:
        text = _mask_assignments(text)
    if ":" in text and ('"' in text or "'" in text):
        text = _mask_quoted_keys(text)
    return text


def mask_data(data: Any) -> Any:
    """``data`` (what ``json.loads`` gives) with :func:`mask_secrets` applied to every string
    in it, keys too: a rendering (JSON, later SARIF) masks its data before it is written."""
    if isinstance(data, str):
        return mask_secrets(data)
    if isinstance(data, dict):
        return {mask_secrets(k) if isinstance(k, str) else k: mask_data(v)
                for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [mask_data(v) for v in data]
    return data


def has_url_credentials(value: str) -> bool:
    """Whether a value holds a URL with a password (``postgres://u:pw@db/app``)."""
    return "://" in value and "@" in value and _mask_url_passwords(value) != value


# ---------------------------------------------------------------------- the passes

_SPACE = re.compile(r"\s")
_USER = re.compile(r"[^:@/?#\s]*")
"""The user of a URL's ``user:password@``: up to the colon."""


def _mask_url_passwords(text: str) -> str:
    """``scheme://user:***@host``: the password runs to the last ``@`` of the word.

    Each word (a run without spaces) is searched for its end and its last ``@`` once,
    however many ``://`` it holds.
    """
    out: list[str] = []
    last = 0  # text before this is in ``out``
    word_end = -1
    word_at = -1  # the last "@" of the word that ends at word_end
    found = text.find("://")
    while found != -1:
        start = found + 3
        if start > word_end:
            space = _SPACE.search(text, start)
            word_end = space.start() if space else len(text)
            word_at = text.rfind("@", start, word_end)
        user = _USER.match(text, start)
        colon = user.end() if user else start
        if word_at > colon + 1 and colon < word_end and text[colon] == ":":  # (not "u:@")
            if text[colon + 1:word_at] != MASK:
                out.append(text[last:colon + 1])
                out.append(MASK)
                last = word_at
            found = text.find("://", word_at)
        else:
            found = text.find("://", start)
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


_VALUE_END = re.compile(r"""[\s\x00-\x1f\x7f"'`<>|]""")
"""Where an unquoted value in ``KEY=value`` ends: a space, a quote, a code span or a table
cell's edge."""
_PARAMETER_END = re.compile(r"""[\s\x00-\x1f\x7f&;"'`<>|]""")
"""Where the value of a query parameter or a JDBC property ends: also at the next one."""
_ASSIGNMENT = re.compile(rf"(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{{1,{MAX_KEY}}})=")
"""``KEY=``: a whole run of name characters (a run is looked at from its start only, and
at most :data:`MAX_KEY` characters of it, so the search is linear)."""


class _Masked:
    """A text being masked left to right: each secret value found is replaced by MASK."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._parts: list[str] = []
        self._last = 0

    def mask(self, start: int, end: int) -> int:
        """Mask ``text[start:end]`` unless it is shown as it is (:func:`_shown`).

        Returns:
            Where the text masked so far ends (a later value starting before it overlaps).
        """
        if not _shown(self._text[start:end]):
            self._parts += (self._text[self._last:start], MASK)
            self._last = end
        return self._last

    def text(self) -> str:
        """The text with every value masked so far replaced."""
        if not self._parts:
            return self._text
        return "".join(self._parts) + self._text[self._last:]


def _mask_assignments(text: str) -> str:
    """``KEY=***`` for every secret-named ``KEY=value`` (query strings, flags, env lines)."""
    if not _may_name_a_secret(text):
        return text
    masked = _Masked(text)
    last = 0
    for found in _ASSIGNMENT.finditer(text):
        if found.start() < last or not is_secret_name(found.group(1)):
            continue
        in_query = found.start() > 0 and text[found.start() - 1] in "?&;"
        value_start, value_end = _value_span(text, found.end(), in_query)
        last = masked.mask(value_start, value_end)
    return masked.text()


@lru_cache(maxsize=1)
def _secret_words() -> tuple[str, ...]:
    names = secret_names()
    return tuple(sorted({w.lower() for w in (*names.words, *names.anywhere)}))


def _may_name_a_secret(text: str) -> bool:
    """False when no name in ``text`` can be a secret's: it holds none of the words.

    A search for each word in the lower-cased text: several times faster than one regular
    expression of them all, which has no literal to look for first.
    """
    lower = text.lower()
    return any(word in lower for word in _secret_words())


def _value_span(text: str, start: int, in_query: bool = False) -> tuple[int, int]:
    """Where the value that starts at ``start`` is: inside its quotes when it is quoted (to
    the end of the text when the quote is never closed), else up to :data:`_VALUE_END`, or
    :data:`_PARAMETER_END` for a key after ``?``, ``&`` or ``;`` (``in_query``): elsewhere
    a value runs on over ``&`` (``DSN=mysql://...?a=1&b=2`` is all secret)."""
    if start < len(text) and text[start] in "\"'":
        close = text.find(text[start], start + 1)
        return start + 1, (close if close != -1 else len(text))
    end = (_PARAMETER_END if in_query else _VALUE_END).search(text, start)
    return start, (end.start() if end else len(text))


_QUOTED_KEY_END = re.compile(r"""["']\s*:""")
_JSON_VALUE_END = re.compile(r"""[\s,}\]]""")
_QUOTED_NAME = re.compile(r"[\w.\-]+")
"""What a quoted key is: a name (``"DB_PASSWORD"``), never a span of prose between two quotes
(``"a":*** Bearer "`` holds the word *bearer*, but is no key)."""


def _mask_quoted_keys(text: str) -> str:
    """``"password": "***"``: a quoted secret-named key and a colon, as in JSON."""
    masked = _Masked(text)
    last = 0
    for found in _QUOTED_KEY_END.finditer(text):
        quote_at = found.start()
        if quote_at < last:
            continue
        opening = text.rfind(text[quote_at], max(last, quote_at - MAX_KEY), quote_at)
        if opening == -1:
            continue
        key = text[opening + 1:quote_at]  # (at most MAX_KEY long: the search above is bounded)
        if not _QUOTED_NAME.fullmatch(key) or not is_secret_name(key):
            continue
        start = found.end()
        while start < len(text) and text[start] in " \t":
            start += 1
        if start < len(text) and text[start] in "\"'":
            value_start, value_end = _value_span(text, start)
        else:
            end = _JSON_VALUE_END.search(text, start)
            value_start, value_end = start, (end.start() if end else len(text))
        last = masked.mask(value_start, value_end)
    return masked.text()


_AUTHORIZATION = re.compile(
    r"""(?i)(authorization["']?[ \t]{0,8}[:=][ \t]{0,8}["']?"""
    r"""(?:(?:bearer|basic|token|digest)[ \t]{1,8})?)"""
    r"""(?!\*\*\*)(?!(?:bearer|basic|token|digest)\b)[^\s"'`]+""")
"""``Authorization: Bearer <token>``: the credentials of an HTTP header."""
