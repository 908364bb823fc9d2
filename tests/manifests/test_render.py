"""The YAML emitter: any text, any key, read back as written; the same bytes every time."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate_tui.manifests.render import render_document

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_LEAF = st.one_of(_TEXT, st.integers(-10**6, 10**6), st.booleans())
_TREE = st.recursive(_LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_TEXT, _TREE, min_size=1, max_size=5))
def test_any_object_reads_back(obj: dict[str, object]) -> None:
    assert yaml.safe_load(render_document(obj)) == obj


@given(st.sampled_from(["yes", "no", "on", "off", "0755", "1e3", "12:30", "2024-01-01",
                        "null", "~", "- a", "a: b", "#c", "'q", '"q', "*a", "&a", "!t",
                        "@x", "`x", "{a", "[a", " lead", "trail ", "x #y", ".inf", "<<"]))
def test_tricky_texts_stay_texts(text: str) -> None:
    assert yaml.safe_load(render_document({"k": text, text: 1})) == {"k": text, text: 1}


def test_keys_are_in_a_fixed_order() -> None:
    out = render_document({"spec": {}, "zeta": 1, "apiVersion": "v1", "kind": "X",
                           "metadata": {"name": "web", "labels": {"b": "1", "a": "2"}}})
    assert out.splitlines()[:4] == ["apiVersion: v1", "kind: X", "metadata:", "  name: web"]
    assert out.index("a: ") < out.index("b: ")
