"""Phase 1, parse: YAML text to plain Python data, with the position of every key.

Compose reads YAML as the YAML 1.2 core schema does (``yes`` and ``on`` stay strings, ``08``
is a string, not sexagesimal or octal), so this module resolves plain scalars itself
instead of trusting PyYAML's YAML 1.1 resolver. It also:

- refuses duplicate keys, as Compose does (``mapping key "x" already defined at line 2``);
- applies ``<<`` merge keys (explicit keys win; earlier merged maps win over later ones);
- records ``!reset`` and ``!override`` tags for the merge phase;
- records the line and column of every mapping key and sequence item, by key path, so
  later phases and the analysis can point at the line that says a thing;
- refuses YAML bombs quickly: aliases that expand to more than ``MAX_NODES`` values, or
  repeat long text past ``MAX_TEXT`` characters, and very deep nesting.

Nothing in a document is ever executed: only the safe node types are constructed.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

import yaml

from migrate_tui.errors import Location, YamlSyntaxError

try:  # libyaml's parser where it is installed: several times faster.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _BaseLoader

KeyPath = tuple[str | int, ...]
"""A path into a document: mapping keys and sequence indexes."""

MAX_NODES = 1_000_000
"""Most nodes one file may expand to, aliases counted each time they are used."""
MAX_DEPTH = 200
"""Deepest nesting of mappings and sequences accepted."""
MAX_TEXT = 64 * 1024 * 1024
"""Most characters of text (keys and values) one file may expand to, aliases counted each
time they are used: 2,000 services take about 1 MB."""
_SHORT_TEXT = 64
"""Keys and values this long or shorter are not counted against ``MAX_TEXT``: their count
is bounded by ``MAX_NODES``, so they add at most 64 MB however often they are repeated."""
_BUILT_BEFORE_COUNTING = 10_000
"""Values a document is built to before its expansion is counted (see ``_Builder.root``),
plus one for every 4 bytes of the text, up to ``_MOST_BUILT_BEFORE_COUNTING``: 2,000
services (1.1 MB, 80,000 values) are never counted, and a bomb is refused after 10,000
values, or 100,000 if padded with megabytes of comments."""
_MOST_BUILT_BEFORE_COUNTING = 100_000

_DIRECT_DEPTH = 2_000
"""Nesting libyaml's composer may go through on any thread's stack. It recurses in C, one
stack frame a level: about 25,000 levels overflow an 8 MB stack and kill the interpreter."""
_THREAD_STACK_BYTES = 64 * 1024 * 1024
"""Stack of the thread that composes a document nesting deeper than ``_DIRECT_DEPTH``."""
_THREAD_DEPTH = 10_000
"""Nesting composed in that thread without a look first. Past it, the depth is measured
from the event stream, which needs no stack and stops at ``MAX_DEPTH``: libyaml's scanner
takes time quadratic in the flow nesting (10,000 levels: 0.25 s; 45,000: 5 s)."""

RESET_TAG = "!reset"
OVERRIDE_TAG = "!override"

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_BOOL_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT = re.compile(r"^[-+]?(?:[0-9][0-9_]*|0o[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


_PLAIN = "?plain"
_STR_TAG = "tag:yaml.org,2002:str"
_SIMPLE_TAGS = frozenset((_PLAIN, _STR_TAG))
"""Tags of the scalars `_Builder` reads without a call of `build`: plain, or a string (quoted)."""


_DEFAULT_TAGS = {
    yaml.ScalarNode: _STR_TAG,
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}
"""The tag of every untagged node that is not a plain scalar, as PyYAML's resolver gives it."""


class _Loader(_BaseLoader):  # type: ignore[misc]
    """A safe loader that tags plain scalars for us to resolve under YAML 1.2."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:  # noqa: D102
        # libyaml calls this for every node: a lookup here, not the base resolver's
        # generic walk, saves a tenth of the composing time.
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN
        return _DEFAULT_TAGS[kind]


@dataclass
class ParsedFile:
    """One compose file, parsed."""

    path: str
    """Absolute path of the file."""
    data: dict[str, Any]
    """The documents of the file, each a mapping; usually one."""
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    """Line and column (1-based) of each key path."""
    resets: list[KeyPath] = field(default_factory=list)
    """Key paths tagged ``!reset``: removed from what earlier files defined."""
    overrides: list[KeyPath] = field(default_factory=list)
    """Key paths tagged ``!override``: replace what earlier files defined, no merge."""

    def locate(self, path: KeyPath) -> Location:
        """The location of ``path`` in this file, or of its nearest recorded parent."""
        probe = path
        while probe:
            if probe in self.positions:
                line, col = self.positions[probe]
                return Location(self.path, line, col)
            probe = probe[:-1]
        return Location(self.path, None, None)


def resolve_scalar(node: yaml.ScalarNode) -> Any:
    """The Python value of a scalar node under the YAML 1.2 core schema, as Compose reads it."""
    value: str = node.value
    tag = node.tag
    if tag in (_PLAIN, OVERRIDE_TAG) and not node.style:
        return _resolve_plain(value)
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        resolved = _resolve_plain(value)
        return resolved if not isinstance(resolved, str) else value
    return value


_NOT_STRING_STARTS = frozenset("~nNtTfF+-.0123456789")
"""First characters of every plain scalar that is not a string (null, bool, number)."""


def _resolve_plain(value: str) -> Any:
    if value and value[0] not in _NOT_STRING_STARTS:
        return value  # most values (names, images, paths) are settled by one character
    if _NULL.match(value):
        return None
    if _BOOL_TRUE.match(value):
        return True
    if _BOOL_FALSE.match(value):
        return False
    if _INT.match(value):
        sign = -1 if value.startswith("-") else 1
        digits = value.lstrip("+-").replace("_", "")
        base = {"0o": 8, "0x": 16, "0b": 2}.get(digits[:2])
        if base:
            return sign * int(digits[2:], base)
        if len(digits) > 1 and digits[0] == "0" and set(digits) <= set("01234567"):
            return sign * int(digits, 8)  # a leading zero is octal, as Compose reads it
        if len(digits) > _FLOAT64_DIGITS and math.isinf(float(digits)):
            # Past a float64, Go's YAML reads the number as a string; Python's int() would
            # refuse it anyway past 4,300 digits (a guard against slow conversions).
            return value
        return sign * int(digits, 10)
    if _FLOAT.match(value):
        return float(value)
    if _INF.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if _NAN.match(value):
        return math.nan
    return value


_FLOAT64_DIGITS = 308
"""Digits of the largest float64 (1.8e308) less one: a shorter decimal always fits."""

_MERGE_TAG = "tag:yaml.org,2002:merge"
_ScalarNode = yaml.ScalarNode
_SequenceNode = yaml.SequenceNode
_MappingNode = yaml.MappingNode


def _is_merge_key(key_node: yaml.Node) -> bool:
    return key_node.tag == _MERGE_TAG or (
        key_node.value == "<<" and isinstance(key_node, yaml.ScalarNode) and not key_node.style
    )


class _Builder:
    """Walks a composed node graph into plain data, recording positions and tags."""

    def __init__(self, path: str, text_size: int = 0) -> None:
        self.path = path
        self.built_before_counting = min(_BUILT_BEFORE_COUNTING + text_size // 4,
                                         _MOST_BUILT_BEFORE_COUNTING)
        """Values one document is built to before its expansion is counted."""
        self.positions: dict[KeyPath, tuple[int, int]] = {}
        self.resets: list[KeyPath] = []
        self.overrides: list[KeyPath] = []
        self.count = 0
        self.text = 0
        """Characters of the keys and values longer than ``_SHORT_TEXT`` built so far."""
        self.limit = MAX_NODES
        """The count past which the build stops to call :meth:`_past_limit`."""
        self._not_counted: tuple[yaml.Node, int] | None = None
        """The document being built, and the count before it, until it is counted."""
        self._built_sources: dict[
            tuple[int, int],
            tuple[dict[str, Any], list[tuple[KeyPath, tuple[int, int]]], int, int],
        ] = {}
        """Merge sources built so far, by (node, depth): see :meth:`_merge_source`."""

    def _error(self, message: str, node: yaml.Node, hint: str, kp: KeyPath = ()) -> YamlSyntaxError:
        mark = node.start_mark
        return YamlSyntaxError(
            message,
            location=Location(self.path, mark.line + 1, mark.column + 1),
            path=format_path(kp) or None,
            hint=hint,
        )

    def root(self, node: yaml.Node) -> Any:
        """Build one document, refusing it quickly if its aliases expand too far.

        Counting the expansion (:meth:`_check_expansion`) walks the whole document, so it
        waits: the count is never more than what ``build`` makes, so a build that stays
        under ``built_before_counting`` values and succeeds proves it would have passed.
        A build that grows past that (a bomb does, long before a million values) or fails
        is counted then, and a count that fails is the error, as if it had come first.
        """
        self._not_counted = (node, self.count)
        self.limit = min(self.count + self.built_before_counting, MAX_NODES)
        try:
            return self.build(node, ())
        except Exception:
            self._count_expansion()  # its error, if any, would have come first
            raise
        finally:
            self._not_counted, self.limit = None, MAX_NODES

    def _count_expansion(self) -> None:
        """Run :meth:`_check_expansion` on the document being built, if not done yet."""
        if self._not_counted is not None:
            node, count = self._not_counted
            self._not_counted = None
            self._check_expansion(node, count)

    def _past_limit(self, node: yaml.Node, kp: KeyPath) -> None:
        """The build passed ``limit`` at ``node``: count the document, or refuse it."""
        self._count_expansion()
        self.limit = MAX_NODES
        if self.count > MAX_NODES:
            raise self._bomb(node, kp)

    def _check_expansion(self, root: yaml.Node, count: int) -> None:
        """Count the values ``build`` makes of ``root``, after ``count`` values before it.

        Each distinct node is counted once (aliases share their anchor's node), so a
        billion laughs is counted in milliseconds, without building anything. The count is
        the document's true expansion or less, so what is refused here ``build`` would
        refuse too (for its size, or its depth on the way), only later.
        """
        sizes: dict[int, int] = {}
        inside: set[int] = set()  # the nodes being counted, from the root down

        def below(node: yaml.Node, depth: int) -> int:
            key = id(node)
            if key in inside:
                raise self._error(
                    "an alias refers to the anchor it is inside: the value would contain "
                    "itself, without end", node,
                    "write out what the alias should repeat, or point it at another anchor",
                )
            if key in sizes:
                return sizes[key]
            if depth > MAX_DEPTH:
                return 0  # deeper than this, build refuses the nesting anyway
            inside.add(key)
            total = 0
            # Every node is a scalar, a sequence or a mapping: a class test tells a
            # collection, and a merge key is told from its text before any call (this
            # walk visits every node of the file).
            if node.__class__ is _SequenceNode:
                for item in node.value:
                    total += 1
                    if item.__class__ is not _ScalarNode:
                        total += below(item, depth + 1)
                        if total > MAX_NODES:
                            break
            else:
                for key_node, value_node in node.value:
                    if ((key_node.value == "<<" or key_node.tag == _MERGE_TAG)
                            and _is_merge_key(key_node)):
                        sources = (value_node.value if isinstance(value_node, yaml.SequenceNode)
                                   else [value_node])
                        for source in sources:
                            if isinstance(source, yaml.MappingNode):
                                total += below(source, depth + 1)
                    else:
                        total += 1
                        if value_node.__class__ is not _ScalarNode:
                            total += below(value_node, depth + 1)
                    if total > MAX_NODES:
                        break
            inside.discard(key)
            sizes[key] = total
            return total

        root_size = below(root, 0) if isinstance(root, yaml.CollectionNode) else 0
        if count + 1 + root_size <= MAX_NODES:
            return
        node: yaml.Node = root
        kp: KeyPath = ()  # the smallest node that alone is too large is the culprit
        seen = {id(root)}  # never twice the same node, whatever the aliases
        while True:
            bigger = next(((c, ckp) for c, ckp, _ in _children(node, kp)
                           if sizes.get(id(c), 0) >= MAX_NODES and id(c) not in seen), None)
            if bigger is None:
                break
            node, kp = bigger
            seen.add(id(node))
        raise self._bomb(node, kp)

    def _bomb(self, node: yaml.Node, kp: KeyPath) -> YamlSyntaxError:
        return self._error(
            f"the document expands to more than {MAX_NODES:,} values "
            "(aliases that refer to aliases: a YAML bomb?)",
            node,
            "remove the nested aliases; a real compose file is far smaller",
            kp,
        )

    def _add_text(self, size: int, node: yaml.Node, kp: KeyPath) -> None:
        """Count ``size`` characters of a long key or value; refuse past ``MAX_TEXT``.

        Aliases share their anchor's string, so building costs nothing; what would cost is
        every later phase and the output, which see the text once for each use.
        """
        self.text += size
        if self.text > MAX_TEXT:
            raise self._error(
                f"the document expands to more than {MAX_TEXT // (1024 * 1024)} MiB of text "
                "(a long value repeated through aliases: a YAML bomb?)",
                node,
                "repeat long values less often, or keep them in a file the service reads",
                kp,
            )

    def build(self, node: yaml.Node, kp: KeyPath, depth: int = 0) -> Any:
        self.count += 1
        if self.count > self.limit:
            self._past_limit(node, kp)
        if depth > MAX_DEPTH:
            raise self._error(
                f"the document is nested more than {MAX_DEPTH} levels deep",
                node,
                "flatten the structure; compose files are a few levels deep",
                kp,
            )
        if node.tag == RESET_TAG:
            self.resets.append(kp)
        elif node.tag == OVERRIDE_TAG:
            self.overrides.append(kp)
        if node.__class__ is _MappingNode:
            return self._mapping(node, kp, depth)
        if node.__class__ is _SequenceNode:
            return self._sequence(node, kp, depth)
        if node.tag == RESET_TAG:
            return None
        if len(node.value) > _SHORT_TEXT:
            self._add_text(len(node.value), node, kp)
        return resolve_scalar(node)

    def _sequence(self, node: yaml.SequenceNode, kp: KeyPath, depth: int) -> list[Any]:
        out: list[Any] = []
        positions = self.positions
        # Most items are plain or quoted scalars: built here, without a call of ``build``
        # (the same in ``_mapping``). At the deepest level ``build`` refuses them instead.
        inline = depth < MAX_DEPTH
        for i, item in enumerate(node.value):
            ikp = (*kp, i)
            mark = item.start_mark
            positions[ikp] = (mark.line + 1, mark.column + 1)
            if inline and item.__class__ is _ScalarNode and item.tag in _SIMPLE_TAGS:
                self.count += 1
                if self.count > self.limit:
                    self._past_limit(item, ikp)
                text = item.value
                if len(text) > _SHORT_TEXT:
                    self._add_text(len(text), item, ikp)
                out.append(_resolve_plain(text) if item.tag == _PLAIN and not item.style
                           else text)
            else:
                out.append(self.build(item, ikp, depth + 1))
        return out

    def _merge_source(
        self, source: yaml.MappingNode, kp: KeyPath, depth: int
    ) -> tuple[dict[str, Any], list[tuple[KeyPath, tuple[int, int]]], bool]:
        """What a merge key brings in: the mapping, its positions relative to ``kp``, shared?

        One anchor is usually merged into many services (``<<: *common`` in each of 2,000):
        it is built once, and each further use gets what was built, shared: the caller
        copies the values it takes. It is counted against ``MAX_NODES`` like a build. A
        source with ``!reset``/``!override`` tags inside is built each time, as its tags
        are recorded under each user's path.
        """
        key = (id(source), depth)
        cached = self._built_sources.get(key)
        if cached is not None:
            value, positions, count, text = cached
            self.count += count
            if self.count > self.limit:
                self._past_limit(source, kp)
            if text:
                self._add_text(text, source, kp)
            return value, positions, True
        count, text = self.count, self.text
        resets, overrides = len(self.resets), len(self.overrides)
        # The source's positions go to a scratch table: the caller keeps only some.
        outer, self.positions = self.positions, {}
        try:
            value = self._mapping(source, kp, depth)
        finally:
            scratch, self.positions = self.positions, outer
        start = len(kp)
        positions = [(path[start:], pos) for path, pos in scratch.items()]
        if len(self.resets) == resets and len(self.overrides) == overrides:
            self._built_sources[key] = (value, positions, self.count - count,
                                        self.text - text)
        return value, positions, False

    def _mapping(self, node: yaml.MappingNode, kp: KeyPath, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: list[yaml.Node] = []
        positions = self.positions
        inline = depth < MAX_DEPTH
        for key_node, value_node in node.value:
            text = key_node.value
            if (text == "<<" or key_node.tag == _MERGE_TAG) and _is_merge_key(key_node):
                merged.append(value_node)
                continue
            if key_node.__class__ is not _ScalarNode:
                raise self._error(
                    "a mapping key must be a plain value, not a mapping or a list",
                    key_node,
                    "use a string as the key",
                    kp,
                )
            if len(text) > _SHORT_TEXT:
                self._add_text(len(text), key_node, kp)
            if text and text[0] not in _NOT_STRING_STARTS and key_node.tag == _PLAIN and (
                    not key_node.style):
                key = text  # most keys: a name, settled by its first character
            else:
                key = resolve_scalar(key_node)
            if not isinstance(key, str):
                raise self._error(
                    f"non-string key {key_node.value!r} in {format_path(kp) or 'the top level'}",
                    key_node,
                    f'quote the key: "{key_node.value}"',
                    kp,
                )
            ckp = (*kp, key)
            if key in out:  # merged keys come after the loop: ``out`` holds this mapping's own
                raise self._error(
                    f'mapping key "{key}" already defined at line {positions[ckp][0]}',
                    key_node,
                    f'remove one of the two "{key}" keys (YAML does not allow the same key '
                    "twice in a mapping)",
                    ckp,
                )
            mark = key_node.start_mark
            positions[ckp] = (mark.line + 1, mark.column + 1)
            if inline and value_node.__class__ is _ScalarNode and value_node.tag in _SIMPLE_TAGS:
                self.count += 1
                if self.count > self.limit:
                    self._past_limit(value_node, ckp)
                value = value_node.value
                if len(value) > _SHORT_TEXT:
                    self._add_text(len(value), value_node, ckp)
                out[key] = (_resolve_plain(value) if value_node.tag == _PLAIN
                            and not value_node.style else value)
            else:
                out[key] = self.build(value_node, ckp, depth + 1)
        for merge_node in merged:
            sources = (merge_node.value if isinstance(merge_node, yaml.SequenceNode)
                       else [merge_node])
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise self._error(
                        "a merge key (<<) must refer to a mapping or a list of mappings",
                        source,
                        "point << at an anchor of a mapping, e.g. <<: *defaults",
                        kp,
                    )
                value, source_positions, shared = self._merge_source(source, kp, depth + 1)
                # In the source's order: a set here would order the keys by string hash,
                # which changes from one run to the next.
                added = [key for key in value if key not in out]
                for key in added:
                    out[key] = _fresh(value[key]) if shared else value[key]
                # Only the keys this merge adds keep the source's positions: an explicit
                # key keeps its own line.
                added_keys = set(added)
                for relative, pos in source_positions:
                    if relative[0] in added_keys:
                        self.positions.setdefault((*kp, *relative), pos)
        return out


def _fresh(value: Any) -> Any:
    """A copy of built data: new mappings and lists, the same (immutable) scalars."""
    if isinstance(value, dict):
        return {k: _fresh(v) if isinstance(v, (dict, list)) else v for k, v in value.items()}
    if isinstance(value, list):
        return [_fresh(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def _children(
    node: yaml.Node, kp: KeyPath = ()
) -> list[tuple[yaml.Node, KeyPath, int]]:
    """(child, its key path, values ``build`` makes for it besides its own children).

    A merge key's sources add their entries, not themselves; a mapping key makes no value.
    """
    out: list[tuple[yaml.Node, KeyPath, int]] = []
    if isinstance(node, yaml.SequenceNode):
        out = [(item, (*kp, i), 1) for i, item in enumerate(node.value)]
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if _is_merge_key(key_node):
                sources = (value_node.value if isinstance(value_node, yaml.SequenceNode)
                           else [value_node])
                out += [(src, kp, 0) for src in sources if isinstance(src, yaml.MappingNode)]
            else:
                out.append((value_node, (*kp, str(key_node.value)), 1))
    return out


_T = TypeVar("_T")


def _nesting_bound(text: str) -> int:
    """An upper bound of how deep ``text`` nests, from its characters alone.

    A flow collection nests once per ``[`` or ``{``. A block collection needs one more
    column of indentation at least every second level, so block nesting is at most twice
    the longest line (lines split on ``\n`` only: other breaks only make them longer).
    """
    longest = max(map(len, text.split("\n")))
    return text.count("[") + text.count("{") + 2 * longest + 2


def _raise_too_deep(path: str, mark: yaml.Mark | None) -> NoReturn:
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
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH + 1:
                _raise_too_deep(path, event.start_mark)
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


def _compose_all(text: str, path: str) -> list[yaml.Node]:
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
        return list(yaml.compose_all(text, Loader=_Loader))
    return _with_big_stack(lambda: list(yaml.compose_all(text, Loader=_Loader)))


def _unclosed_flow(text: str, exc: yaml.MarkedYAMLError) -> bool:
    """Whether the parser gave up on a ``[`` or ``{`` that is never closed.

    The parser then reports where it stopped: the end of the file, or the next block key
    (``image: [nginx`` followed by ``ports:``), lines below the bracket. A mistake inside a
    flow collection that goes on (a missing comma in a JSON file) is reported where it is.
    """
    opened, stopped = exc.context_mark, exc.problem_mark
    if not (exc.context or "").startswith("while parsing a flow") or not opened or not stopped:
        return False
    if stopped.line <= opened.line:
        return False
    lines = text.splitlines()
    if stopped.line >= len(lines):
        return True  # the end of the file
    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    # The line it stopped on starts no deeper than the bracket's line: a block-level key.
    return indent(lines[stopped.line]) <= indent(lines[opened.line])


def format_path(kp: KeyPath) -> str:
    """A key path as users read it: ``services.web.ports[1]``."""
    out = ""
    for part in kp:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def parse_yaml(text: str, path: str) -> ParsedFile:
    """Parse the text of one compose file.

    Args:
        text: The file's content.
        path: The file's path, for messages and positions.

    Returns:
        The merged documents with their positions and reset/override tags.

    Raises:
        YamlSyntaxError: The text is not YAML, has a duplicate key, a top level that is not
            a mapping, or expands too far.
    """
    builder = _Builder(path, len(text))
    data: dict[str, Any] = {}
    try:
        nodes = _compose_all(text, path)
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in (exc.problem or ""):
            # libyaml from 0.2.6 (PyYAML 6.0.3's wheels on) refuses deep nesting itself,
            # before our own check: one message, whichever refuses first.
            _raise_too_deep(path, exc.problem_mark)
        # A token the scanner could not finish (an unclosed quote, a key without its
        # colon) is reported where it starts; the scanner's own mark is where it gave up,
        # often lines further down.
        scanning = bool(exc.context and exc.context.startswith("while scanning"))
        unclosed = _unclosed_flow(text, exc)
        mark = ((exc.context_mark if scanning or unclosed else None) or exc.problem_mark
                or exc.context_mark)
        problem = exc.problem or exc.context or "invalid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        raise YamlSyntaxError(
            f"invalid YAML: {problem}{context}",
            location=Location(path, mark.line + 1, mark.column + 1) if mark else Location(path),
            path=(format_path(_enclosing_key(text, mark.line, mark.column)) or None) if mark
            else None,
            hint=("close the [ or { that opens here with ] or }, or quote the value if the "
                  "bracket is part of it" if unclosed else
                  "fix the YAML syntax at that line (indentation, a missing colon or quote)"),
        ) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(
            f"invalid YAML: {exc}", location=Location(path), hint="fix the YAML syntax"
        ) from None
    except RecursionError:
        raise YamlSyntaxError(
            "the document is nested too deeply to read",
            location=Location(path),
            hint="flatten the structure; compose files are a few levels deep",
        ) from None
    for node in nodes:
        if node is None:
            continue
        try:
            value = builder.root(node)
        except RecursionError:
            raise YamlSyntaxError(
                "the document is nested too deeply to read",
                location=Location(path),
                hint="flatten the structure; compose files are a few levels deep",
            ) from None
        if value is None:
            continue
        if not isinstance(value, dict):
            raise YamlSyntaxError(
                "the top level of a compose file must be a mapping "
                f"(found {type_name(value)})",
                location=Location(path, node.start_mark.line + 1, node.start_mark.column + 1),
                hint="start the file with keys such as `services:`",
            )
        data.update(value)
    return ParsedFile(path, data, builder.positions, builder.resets, builder.overrides)


def _enclosing_key(text: str, line: int, column: int) -> KeyPath:
    """The key a broken line sits under: the nearest key above it that starts left of it.

    Only the text before the broken spot is read (0-based ``line`` and ``column``); when
    it is not valid YAML on its own, or the spot is at the top level, the answer is ``()``
    (no key path rather than a wrong one).
    """
    lines = text.splitlines(keepends=True)
    head = "".join(lines[:line]) + (lines[line][:column] if line < len(lines) else "")
    builder = _Builder("")
    try:
        for node in _compose_all(head, ""):
            if node is not None:
                builder.root(node)
    except (yaml.YAMLError, YamlSyntaxError, RecursionError):
        return ()
    found: KeyPath = ()
    for kp, (_, key_column) in builder.positions.items():
        if key_column <= column:
            found = kp
    return found


def type_name(value: Any) -> str:
    """The YAML name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
