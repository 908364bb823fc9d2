"""Phase 1, parse: walking composed YAML nodes into plain data, counting what they expand to.

The builder records the line and column of every key by key path, the ``!reset`` and
``!override`` tags, applies ``<<`` merge keys and refuses duplicate keys, and refuses YAML
bombs (aliases that expand past ``MAX_NODES`` values or ``MAX_TEXT`` characters) before
building them.
"""

from __future__ import annotations

from typing import Any

import yaml

from migrate_tui.compose.keypath import KeyPath, format_path
from migrate_tui.compose.yaml_depth import MAX_DEPTH
from migrate_tui.compose.yaml_scalars import (
    MERGE_TAG,
    NOT_STRING_STARTS,
    OVERRIDE_TAG,
    PLAIN_TAG,
    RESET_TAG,
    SIMPLE_TAGS,
    is_merge_key,
    resolve_plain,
    resolve_scalar,
)
from migrate_tui.errors import Location, YamlSyntaxError

MAX_NODES = 1_000_000
"""Most nodes one file may expand to, aliases counted each time they are used."""
MAX_TEXT = 64 * 1024 * 1024
"""Most characters of text (keys and values) one file may expand to, aliases counted each
time they are used: 2,000 services take about 1 MB."""
_SHORT_TEXT = 64
"""Keys and values this long or shorter are not counted against ``MAX_TEXT``: their count
is bounded by ``MAX_NODES``, so they add at most 64 MB however often they are repeated."""
_BUILT_BEFORE_COUNTING = 10_000
"""Values a document is built to before its expansion is counted (see ``NodeBuilder.root``),
plus one for every 4 bytes of the text, up to ``_MOST_BUILT_BEFORE_COUNTING``: 2,000
services (1.1 MB, 80,000 values) are never counted, and a bomb is refused after 10,000
values, or 100,000 if padded with megabytes of comments."""
_MOST_BUILT_BEFORE_COUNTING = 100_000

_ScalarNode = yaml.ScalarNode
_SequenceNode = yaml.SequenceNode
_MappingNode = yaml.MappingNode


class NodeBuilder:
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
                    if ((key_node.value == "<<" or key_node.tag == MERGE_TAG)
                            and is_merge_key(key_node)):
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
        """The plain value of ``node`` at ``kp``, counting it against the limits.

        Raises:
            YamlSyntaxError: The document nests past ``MAX_DEPTH``, expands past ``MAX_NODES``
                values or ``MAX_TEXT`` characters, or has a duplicate or non-string key.
        """
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
            if inline and item.__class__ is _ScalarNode and item.tag in SIMPLE_TAGS:
                self.count += 1
                if self.count > self.limit:
                    self._past_limit(item, ikp)
                text = item.value
                if len(text) > _SHORT_TEXT:
                    self._add_text(len(text), item, ikp)
                out.append(resolve_plain(text) if item.tag == PLAIN_TAG and not item.style
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
            if (text == "<<" or key_node.tag == MERGE_TAG) and is_merge_key(key_node):
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
            if text and text[0] not in NOT_STRING_STARTS and key_node.tag == PLAIN_TAG and (
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
            if inline and value_node.__class__ is _ScalarNode and value_node.tag in SIMPLE_TAGS:
                self.count += 1
                if self.count > self.limit:
                    self._past_limit(value_node, ckp)
                value = value_node.value
                if len(value) > _SHORT_TEXT:
                    self._add_text(len(value), value_node, ckp)
                out[key] = (resolve_plain(value) if value_node.tag == PLAIN_TAG
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
            if is_merge_key(key_node):
                sources = (value_node.value if isinstance(value_node, yaml.SequenceNode)
                           else [value_node])
                out += [(src, kp, 0) for src in sources if isinstance(src, yaml.MappingNode)]
            else:
                out.append((value_node, (*kp, str(key_node.value)), 1))
    return out

