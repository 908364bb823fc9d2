"""Phase 3, validate: a small JSON-schema validator, for the keywords the Compose schema uses.

``type``, ``properties``, ``patternProperties``, ``additionalProperties``, ``items``,
``oneOf``, ``enum``, ``required``, ``uniqueItems``, ``minimum``, ``maximum``, ``pattern``
and ``$ref``. A valid file, the usual case, is checked once by a compiled check; only a
file with a problem is walked again for every message and key path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from migrate_tui.compose.parse import KeyPath, type_name

Schema = dict[str, Any]
"""A JSON schema, or one node of it, as decoded from JSON."""


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _is_type(value: Any, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool) or (
            isinstance(value, float) and value.is_integer()
        )
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "null":
        return value is None
    return False


_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
}
"""JSON schema type names as YAML users call them, for messages."""


Check = Callable[[Any], bool]
"""Whether a value has no problem against one schema."""


def _type_test(name: Any) -> Check:
    """``_is_type`` for one type name, as a function of the value alone."""
    if name == "string":
        return lambda v: isinstance(v, str)
    if name == "boolean":
        return lambda v: isinstance(v, bool)
    if name == "integer":
        return lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (
            isinstance(v, float) and v.is_integer())
    if name == "number":
        return lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    if name == "object":
        return lambda v: isinstance(v, dict)
    if name == "array":
        return lambda v: isinstance(v, list)
    if name == "null":
        return lambda v: v is None
    return lambda v: False


_CLASSES_OF_TYPE: dict[str, frozenset[type]] = {
    "string": frozenset({str}),
    "boolean": frozenset({bool}),
    "object": frozenset({dict}),
    "array": frozenset({list}),
    "null": frozenset({type(None)}),
    "number": frozenset({int, float}),
    "integer": frozenset({int, float}),  # a float such as 2.0 is an integer too
}
"""The classes of the values each JSON schema type may match (``bool`` is no number)."""
_VALUE_CLASSES = frozenset().union(*_CLASSES_OF_TYPE.values())
"""Every class a YAML value has, once parsed."""


def _types_test(names: list[Any]) -> Check:
    """Whether a value has one of the JSON schema types ``names``."""
    preds = [_type_test(t) for t in names]
    if len(preds) == 1:
        return preds[0]
    # Most values are settled by their class alone; only a float, for "integer", needs
    # the tests one by one.
    sure = frozenset().union(*(_CLASSES_OF_TYPE.get(str(t), ()) for t in names)) - {float}
    if "number" in names:
        sure |= {float}

    def any_type(value: Any) -> bool:
        if value.__class__ in sure:
            return True
        for pred in preds:  # noqa: SIM110 - no generator in the hot loop
            if pred(value):
                return True
        return False

    return any_type


def _anything(value: Any) -> bool:
    """The check of a schema that accepts every value (``{}``)."""
    return True


def _nothing(value: Any) -> bool:
    """The check of a key that ``additionalProperties: false`` refuses."""
    return False


_PLANS_KEPT = 512
"""Most keys whose checks one mapping schema remembers (service names are all different:
the memory stays bounded, whatever the files)."""


class SchemaValidator:
    """Checks values against one JSON schema and its ``$ref`` targets.

    Args:
        root: The whole schema, where ``$ref`` paths (``#/definitions/...``) are looked up.
    """

    def __init__(self, root: Schema) -> None:
        self.root = root
        self.checks: dict[int, Check] = {}

    def check(self, schema: Schema) -> Check:
        """A function that tells, quickly, whether a value has no problem against ``schema``.

        It answers as ``not errors(value, schema, ())`` would, without collecting messages
        or key paths: a valid file, the usual case, is checked once, fast, and only a file
        with a problem is walked again by :meth:`errors` for the messages. Built once per
        schema node; a ``$ref`` back to a node being built goes through its cell.
        """
        schema = self.resolve(schema)
        key = id(schema)
        if key not in self.checks:
            cell: list[Check] = []
            self.checks[key] = lambda value: cell[0](value)
            cell.append(self._build_check(schema))
            self.checks[key] = cell[0]
        return self.checks[key]

    def _classes(self, schema: Schema) -> frozenset[type] | None:
        """The classes of the values ``schema`` may accept; None if its type is open."""
        types = self.resolve(schema).get("type")
        if types is None:
            return None
        names = types if isinstance(types, list) else [types]
        return frozenset().union(*(_CLASSES_OF_TYPE.get(str(t), ()) for t in names))

    def _build_check(self, schema: Schema) -> Check:
        tests: list[Check] = []
        typed: Check | None = None  # a test that also tests the schema's one type
        types = schema.get("type")
        type_ok: Check | None = None
        if types is not None:
            type_ok = _types_test(types if isinstance(types, list) else [types])
        if "enum" in schema:
            enum = schema["enum"]
            tests.append(lambda v: v in enum)
        if "pattern" in schema:
            regex = _regex(schema["pattern"])
            tests.append(lambda v: not isinstance(v, str) or bool(regex.search(v)))
        if "minimum" in schema:
            low = schema["minimum"]
            tests.append(lambda v: not isinstance(v, (int, float)) or isinstance(v, bool)
                         or not v < low)
        if "maximum" in schema:
            high = schema["maximum"]
            tests.append(lambda v: not isinstance(v, (int, float)) or isinstance(v, bool)
                         or not v > high)
        if "oneOf" in schema:
            options = [(self.check(o), self._classes(o)) for o in schema["oneOf"]]
            everything = [check for check, _ in options]
            # An option whose type a value cannot have fails at once: a value is tried only
            # against the others (a mapping of environment variables never as a list).
            by_class = {cls: [check for check, classes in options
                              if classes is None or cls in classes]
                        for cls in _VALUE_CLASSES}

            def one_of(value: Any) -> bool:
                for option in by_class.get(value.__class__, everything):  # noqa: SIM110
                    if option(value):
                        return True
                return False

            tests.append(one_of)
        props = {k: self.check(v) for k, v in schema.get("properties", {}).items()}
        patterns = [(_regex(p), self.check(v))
                    for p, v in schema.get("patternProperties", {}).items()]
        additional = schema.get("additionalProperties", True)
        more: Check | bool = self.check(additional) if isinstance(additional, dict) else (
            additional is not False)
        required = list(schema.get("required", []))
        if props or patterns or more is not True or required:

            def plan(key: str) -> tuple[Check, ...]:
                """The checks a value under ``key`` must pass (``_nothing``: not allowed)."""
                subs: list[Check] = []
                prop = props.get(key)
                if prop is not None:
                    subs.append(prop)
                for regex, sub in patterns:
                    if regex.search(key):
                        subs.append(sub)
                if not subs and more is not True:
                    subs.append(_nothing if more is False else more)
                return tuple(sub for sub in subs if sub is not _anything)

            # The same keys come back in every service: which checks apply to a key (its
            # property, the patterns it matches) is worked out once, not per mapping.
            plans: dict[str, tuple[Check, ...]] = {}
            # Of type "object", a value that is no mapping fails here: with no other test,
            # this is the whole check, one call a mapping instead of three (also arrays).
            only_mappings = types == "object"

            def object_ok(value: Any) -> bool:
                if not isinstance(value, dict):
                    return not only_mappings
                for key, item in value.items():
                    subs = plans.get(key)
                    if subs is None:
                        subs = plan(key)
                        if len(plans) < _PLANS_KEPT:
                            plans[key] = subs
                    for sub in subs:
                        if not sub(item):
                            return False
                for key in required:  # noqa: SIM110 - no generator in the hot loop
                    if key not in value:
                        return False
                return True

            tests.append(object_ok)
            if only_mappings:
                typed = object_ok
        items = schema.get("items")
        item_ok = self.check(items) if isinstance(items, dict) else None
        unique = bool(schema.get("uniqueItems"))
        if item_ok is not None or unique:
            only_lists = types == "array"

            def array_ok(value: Any) -> bool:
                if not isinstance(value, list):
                    return not only_lists
                if item_ok is not None:
                    for item in value:
                        if not item_ok(item):
                            return False
                if unique:
                    if all(item.__class__ is str for item in value):
                        return len(set(value)) == len(value)  # the usual list of names
                    seen: set[str] = set()
                    for item in value:
                        key = json.dumps(item, sort_keys=True, default=str)
                        if key in seen:
                            return False
                        seen.add(key)
                return True

            tests.append(array_ok)
            if only_lists:
                typed = array_ok

        if not tests:
            return type_ok or _anything
        if len(tests) == 1 and (type_ok is None or tests[0] is typed):
            return tests[0]

        def ok(value: Any) -> bool:
            if type_ok is not None and not type_ok(value):
                return False
            for test in tests:  # noqa: SIM110 - no generator in the hot loop
                if not test(value):
                    return False
            return True

        return ok

    def resolve(self, schema: Schema) -> Schema:
        """``schema`` with its ``$ref`` followed, until a node that is not a reference."""
        while "$ref" in schema:
            ref = schema["$ref"]
            node: Any = self.root
            for part in ref.lstrip("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def errors(self, value: Any, schema: Schema, kp: KeyPath) -> list[tuple[KeyPath, str]]:
        """Every problem of ``value`` against ``schema``, as (key path, message)."""
        schema = self.resolve(schema)
        out: list[tuple[KeyPath, str]] = []
        types = schema.get("type")
        if types is not None:
            names = types if isinstance(types, list) else [types]
            if not any(_is_type(value, t) for t in names):
                expected = " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in names)
                return [(kp, f"must be {expected}, not {type_name(value)}")]
        if "enum" in schema and value not in schema["enum"]:
            allowed = ", ".join(str(v) for v in schema["enum"])
            out.append((kp, f"must be one of: {allowed} (found {value!r})"))
        if ("pattern" in schema and isinstance(value, str)
                and not _regex(schema["pattern"]).search(value)):
            out.append((kp, f"{value!r} does not match the expected form"))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                out.append((kp, f"must be at least {schema['minimum']}"))
            if "maximum" in schema and value > schema["maximum"]:
                out.append((kp, f"must be at most {schema['maximum']}"))
        if "oneOf" in schema:
            out.extend(self._one_of(value, schema["oneOf"], kp))
        if isinstance(value, dict):
            out.extend(self._object(value, schema, kp))
        if isinstance(value, list):
            out.extend(self._array(value, schema, kp))
        return out

    def _one_of(self, value: Any, options: list[Schema], kp: KeyPath) -> list[tuple[KeyPath, str]]:
        results = []
        for option in options:
            found = self.errors(value, option, kp)
            if not found:
                return []  # Compose's validator accepts any match; so do we.
            results.append(found)
        # The option whose type matches says most about what is wrong.
        typed = [
            r for r, option in zip(results, options, strict=True)
            if not (len(r) == 1 and r[0][0] == kp and r[0][1].startswith("must be ")
                    and " not " in r[0][1])
        ]
        if typed:
            return min(typed, key=len)
        kinds: list[str] = []
        for option in options:
            resolved = self.resolve(option)
            t = resolved.get("type")
            for name in t if isinstance(t, list) else [t] if t else []:
                word = _TYPE_WORDS.get(str(name), str(name))
                if word not in kinds:
                    kinds.append(word)
        expected = " or ".join(kinds) if kinds else "a valid value"
        return [(kp, f"must be {expected}, not {type_name(value)}")]

    def _object(
        self, value: dict[str, Any], schema: Schema, kp: KeyPath
    ) -> list[tuple[KeyPath, str]]:
        out: list[tuple[KeyPath, str]] = []
        props: Schema = schema.get("properties", {})
        patterns: Schema = schema.get("patternProperties", {})
        additional = schema.get("additionalProperties", True)
        unknown: list[str] = []
        for key, item in value.items():
            matched = False
            if key in props:
                matched = True
                out.extend(self.errors(item, props[key], (*kp, key)))
            for pattern, sub in patterns.items():
                if _regex(pattern).search(key):
                    matched = True
                    out.extend(self.errors(item, sub, (*kp, key)))
            if not matched:
                if additional is False:
                    unknown.append(key)
                elif isinstance(additional, dict):
                    out.extend(self.errors(item, additional, (*kp, key)))
        for key in unknown:
            out.append(((*kp, key), f"additional property {key!r} not allowed"))
        for key in schema.get("required", []):
            if key not in value:
                out.append((kp, f"missing required property {key!r}"))
        return out

    def _array(self, value: list[Any], schema: Schema, kp: KeyPath) -> list[tuple[KeyPath, str]]:
        out: list[tuple[KeyPath, str]] = []
        items = schema.get("items")
        if isinstance(items, dict):
            for i, item in enumerate(value):
                out.extend(self.errors(item, items, (*kp, i)))
        if schema.get("uniqueItems"):
            seen: dict[str, int] = {}
            for i, item in enumerate(value):
                key = json.dumps(item, sort_keys=True, default=str)
                if key in seen:
                    out.append(((*kp, i), f"duplicates item {seen[key]} ({item!r}); "
                                "items must be unique"))
                else:
                    seen[key] = i
        return out
