"""The schema's fast check accepts exactly what the full validator finds no problem in."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from migrate_tui.compose.json_schema import SchemaValidator
from migrate_tui.compose.parse import parse_yaml
from migrate_tui.compose.schema import compose_schema

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [
    parse_yaml(path.read_text(encoding="utf-8"), str(path)).data
    for path in sorted((ROOT / "sample_projects").rglob("*.y*ml"))
]
VALUES: list[Any] = [
    None, True, 0, -1, 1.5, 2.0, "", "x", "80:80", [], ["a", "a"], [{"a": 1}, {"a": 1}], {},
    {"x-a": 1}, {"target": 80}, 70000, "${X}",
]


def _paths(value: Any, kp: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [kp]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*kp, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*kp, i))
    return out


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_fast_check_agrees_with_the_validator(data: st.DataObject) -> None:
    document = copy.deepcopy(data.draw(st.sampled_from(DOCUMENTS)))
    for _ in range(data.draw(st.integers(0, 3))):
        paths = _paths(document)[1:]
        if not paths:
            break
        *parent_path, last = data.draw(st.sampled_from(paths))
        parent = document
        for part in parent_path:
            parent = parent[part]
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[last] = copy.deepcopy(data.draw(st.sampled_from(VALUES)))
        elif action == "delete" and isinstance(parent, dict):
            del parent[last]
        elif isinstance(parent, dict):
            key = data.draw(st.sampled_from(["zzz", "x-y", "image", "ports", "deploy"]))
            parent[key] = copy.deepcopy(data.draw(st.sampled_from(VALUES)))
    validator = SchemaValidator(compose_schema())
    fast = validator.check(compose_schema())(document)
    assert fast == (not validator.errors(document, compose_schema(), ()))
