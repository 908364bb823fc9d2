"""The line scanner finds every item's table and keys, whatever the item id."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from migrate_tui.progress import ProgressState, SetNote, apply_changes, dumps_state
from migrate_tui.progress.locate import key_lines
from tests.progress.strategies import text, times

ids = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=15)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(ids, text), max_size=8), times)
def test_every_item_table_and_key_is_found(
    pairs: list[tuple[str, str]], when: dt.datetime
) -> None:
    state = apply_changes(ProgressState(), [SetNote(i, n, "x", when) for i, n in pairs])
    written = dumps_state(state)
    lines = written.split("\n")  # TOML lines end at \n only (not at \x85 or \u2028)
    found = key_lines(written)
    for item_id in state.items:
        assert lines[found[("items", item_id)] - 1].startswith("[items.")
        assert lines[found[("items", item_id, "changed_at")] - 1].startswith("changed_at =")


def test_dotted_keys_inline_tables_and_comments() -> None:
    written = (
        "schema = 1 # the layout\n"
        "settings.answers.servers = 3\n"
        "[items]\n"
        "'a.b' = { status = 'done', note = \"x # not a comment\" }\n"
        "c.note = '''\n"
        "[items.d]\n"
        "'''\n"
        "[ items . \"e\\u0066\" ]\n"
        "status = 'done'\n"
    )
    found = key_lines(written)
    assert found[("settings", "answers", "servers")] == 2
    assert found[("items", "a.b")] == 4
    assert found[("items", "c", "note")] == 5
    assert ("items", "d") not in found
    assert found[("items", "ef", "status")] == 9
