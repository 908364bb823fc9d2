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

The parts live beside this module: ``yaml_scalars`` (YAML 1.2 scalars and tags),
``yaml_depth`` (composing deep documents safely), ``yaml_build`` (nodes to data, positions,
merge keys, bomb counting) and ``keypath`` (key paths as messages name them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from migrate_tui.compose.keypath import KeyPath, format_path
from migrate_tui.compose.yaml_build import MAX_NODES, MAX_TEXT, NodeBuilder
from migrate_tui.compose.yaml_depth import MAX_DEPTH, compose_all, raise_too_deep
from migrate_tui.compose.yaml_scalars import OVERRIDE_TAG, RESET_TAG, resolve_scalar
from migrate_tui.errors import Location, YamlSyntaxError

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_TEXT",
    "OVERRIDE_TAG",
    "RESET_TAG",
    "KeyPath",
    "ParsedFile",
    "format_path",
    "parse_yaml",
    "resolve_scalar",
    "type_name",
]
"""Names the later phases import from here: the parse phase's surface, wherever defined."""


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
    builder = NodeBuilder(path, len(text))
    data: dict[str, Any] = {}
    try:
        nodes = compose_all(text, path)
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in (exc.problem or ""):
            # libyaml from 0.2.6 (PyYAML 6.0.3's wheels on) refuses deep nesting itself,
            # before our own check: one message, whichever refuses first.
            raise_too_deep(path, exc.problem_mark)
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
    except yaml.reader.ReaderError as exc:  # (a character YAML forbids: at its line:column)
        before = text[:exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character[:1] or "\0")
        raise YamlSyntaxError(
            f"invalid YAML: the character U+{char:04X} is not allowed in YAML text",
            location=Location(path, line, column),
            hint="remove the character, or write it as an escape inside double quotes "
                 '("\\u009b")',
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
    builder = NodeBuilder("")
    try:
        for node in compose_all(head, ""):
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
