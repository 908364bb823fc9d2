"""Phase 1, parse: composing a YAML document of any nesting without crashing the interpreter.

libyaml's composer recurses in C, one stack frame a level, so a document nested tens of
thousands of levels deep would overflow the stack and kill the process (no exception to
catch). This module bounds the nesting from the text, composes deep documents in a thread
with a big stack, and refuses anything nested past ``MAX_DEPTH`` from the event stream.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import NoReturn, TypeVar

import yaml

from migrate_tui.compose.yaml_scalars import YamlLoader
from migrate_tui.errors import Location, YamlSyntaxError

MAX_DEPTH = 200
"""Deepest nesting of mappings and sequences accepted."""

_DIRECT_DEPTH = 2_000
"""Nesting libyaml's composer may go through on any thread's stack. It recurses in C, one
stack frame a level: about 25,000 levels overflow an 8 MB stack and kill the interpreter."""
_THREAD_STACK_BYTES = 64 * 1024 * 1024
"""Stack of the thread that composes a document nesting deeper than ``_DIRECT_DEPTH``."""
_THREAD_DEPTH = 10_000
"""Nesting composed in that thread without a look first. Past it, the depth is measured
from the event stream, which needs no stack and stops at ``MAX_DEPTH``: libyaml's scanner
takes time quadratic in the flow nesting (10,000 levels: 0.25 s; 45,000: 5 s)."""

_T = TypeVar("_T")


def _nesting_bound(text: str) -> int:
    r"""An upper bound of how deep ``text`` nests, from its characters alone.

    A flow collection nests once per ``[`` or ``{``. A block collection needs one more
    column of indentation at least every second level, so block nesting is at most twice
    the longest line (lines split on ``\n`` only: other breaks only make them longer).
    """
    longest = max(map(len, text.split("\n")))
    return text.count("[") + text.count("{") + 2 * longest + 2


def raise_too_deep(path: str, mark: yaml.Mark | None) -> NoReturn:
    """Refuse a document that nests deeper than ``MAX_DEPTH``, at ``mark`` where known."""
    raise YamlSyntaxError(
        f"the document is nested more than {MAX_DEPTH} levels deep",
        location=Location(path, mark.line + 1, mark.column + 1) if mark else Location(path),
        hint="flatten the structure; compose files are a few levels deep",
    )


def _check_depth(text: str, path: str) -> None:
    """Refuse ``text`` if it nests deeper than ``MAX_DEPTH``, reading its event stream.

    The parser keeps its own stack on the heap; only the composer recurses in C.
    """
    depth = 0
    for event in yaml.parse(text, Loader=YamlLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH + 1:
                raise_too_deep(path, event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _with_big_stack(func: Callable[[], _T]) -> _T:
    """``func()`` run in a thread with a stack of ``_THREAD_STACK_BYTES``."""
    result: list[_T] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            result.append(func())
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller as is
            error.append(exc)

    previous = threading.stack_size(_THREAD_STACK_BYTES)
    try:
        thread = threading.Thread(target=run, name="migrate-tui-yaml", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if error:
        raise error[0]
    return result[0]


def compose_all(text: str, path: str) -> list[yaml.Node]:
    """The node graphs of the documents in ``text``, whatever its nesting, never crashing.

    Raises:
        yaml.YAMLError: The text is not YAML.
        YamlSyntaxError: The text nests deeper than ``MAX_DEPTH`` (checked here only
            when it could nest deeper than the composer's C stack allows).
    """
    bound = _nesting_bound(text)
    if bound > _THREAD_DEPTH:
        _check_depth(text, path)
        bound = MAX_DEPTH + 1
    if bound <= _DIRECT_DEPTH:
        return list(yaml.compose_all(text, Loader=YamlLoader))
    return _with_big_stack(lambda: list(yaml.compose_all(text, Loader=YamlLoader)))

