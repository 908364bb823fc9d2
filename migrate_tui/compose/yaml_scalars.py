"""Phase 1, parse: how a YAML scalar reads under the YAML 1.2 core schema, as Compose reads it.

PyYAML resolves plain scalars under YAML 1.1 (``yes`` is true, ``08`` sexagesimal); Compose
reads YAML 1.2 (``yes`` and ``on`` stay strings, ``08`` is a string). The loader here tags
every plain scalar ``PLAIN_TAG`` instead, and ``resolve_scalar`` gives its value.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

try:  # libyaml's parser where it is installed: several times faster.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _BaseLoader

RESET_TAG = "!reset"
"""Tag of a value that removes what earlier files defined at its key path."""
OVERRIDE_TAG = "!override"
"""Tag of a value that replaces what earlier files defined at its key path, no merge."""

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_BOOL_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT = re.compile(r"^[-+]?(?:[0-9][0-9_]*|0o[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


PLAIN_TAG = "?plain"
"""The tag ``YamlLoader`` gives every plain scalar without one, for ``resolve_plain``."""
STR_TAG = "tag:yaml.org,2002:str"
SIMPLE_TAGS = frozenset((PLAIN_TAG, STR_TAG))
"""Tags of the scalars `NodeBuilder` reads without a call of `build`: plain, or quoted."""


_DEFAULT_TAGS = {
    yaml.ScalarNode: STR_TAG,
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}
"""The tag of every untagged node that is not a plain scalar, as PyYAML's resolver gives it."""


class YamlLoader(_BaseLoader):  # type: ignore[misc]
    """A safe loader that tags plain scalars for us to resolve under YAML 1.2."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:  # noqa: D102
        # libyaml calls this for every node: a lookup here, not the base resolver's
        # generic walk, saves a tenth of the composing time.
        if kind is yaml.ScalarNode and implicit[0]:
            return PLAIN_TAG
        return _DEFAULT_TAGS[kind]


def resolve_scalar(node: yaml.ScalarNode) -> Any:
    """The Python value of a scalar node under the YAML 1.2 core schema, as Compose reads it."""
    value: str = node.value
    tag = node.tag
    if tag in (PLAIN_TAG, OVERRIDE_TAG) and not node.style:
        return resolve_plain(value)
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        resolved = resolve_plain(value)
        return resolved if not isinstance(resolved, str) else value
    return value


NOT_STRING_STARTS = frozenset("~nNtTfF+-.0123456789")
"""First characters of every plain scalar that is not a string (null, bool, number)."""


def resolve_plain(value: str) -> Any:
    """The value of an untagged plain scalar's text: null, a bool, a number or the text."""
    if value and value[0] not in NOT_STRING_STARTS:
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

MERGE_TAG = "tag:yaml.org,2002:merge"
"""Tag of an explicit ``<<`` merge key."""


def is_merge_key(key_node: yaml.Node) -> bool:
    """Whether a mapping key is ``<<``, whose value's entries merge into the mapping."""
    return key_node.tag == MERGE_TAG or (
        key_node.value == "<<" and isinstance(key_node, yaml.ScalarNode) and not key_node.style
    )
