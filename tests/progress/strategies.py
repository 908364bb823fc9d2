"""Hypothesis strategies for progress changes: any change a session could make."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from migrate_tui.progress import STATUSES, SetAssignee, SetNote, SetOverride, SetSetting, SetStatus

UTC = dt.timezone.utc

# Few ids, so changes meet on the same item; odd ones to test quoting.
ITEM_IDS = [
    "project.cluster-choice", "api.probes", "db.data-backup", "api.fix-no-healthcheck",
    'weird "quoted" id', "ünïcode.item", "a.b.c", "plain",
]
SERVICES = ["api", "db", "worker.v2", "web-ui"]

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
times = st.datetimes(
    min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 12, 31),
    timezones=st.just(UTC),
)
by = st.none() | names
item_ids = st.sampled_from(ITEM_IDS)

setting_values = st.one_of(
    st.tuples(st.just("team"), st.none() | st.lists(names, max_size=4)),
    st.tuples(st.just("team_size"), st.none() | st.integers(1, 500)),
    st.tuples(st.just("focus"), st.none() | st.floats(0, 1, exclude_min=True)),
    st.tuples(st.just("start"), st.none() | st.dates()),
    st.tuples(st.just("answers.servers"), st.none() | st.integers(1, 10_000)),
    st.tuples(st.just("answers.deploys_per_week"),
              st.none() | st.floats(0, 1e6, allow_nan=False, allow_infinity=False)),
    st.tuples(st.sampled_from(["answers.autoscaling", "answers.ops_owner",
                               "answers.downtime_ok"]), st.none() | st.booleans()),
)
override_values = st.one_of(
    st.tuples(st.just("class"), st.sampled_from([None, "stateful", "stateless"])),
    st.tuples(st.just("kind"), st.sampled_from([None, "service", "job", "dev-only"])),
)

changes = st.one_of(
    st.builds(SetStatus, item_ids, st.sampled_from(STATUSES), by, times),
    st.builds(SetAssignee, item_ids, st.none() | names, by, times),
    st.builds(SetNote, item_ids, st.none() | text, by, times),
    st.builds(lambda kv, who, at: SetSetting(kv[0], kv[1], who, at), setting_values, by, times),
    st.builds(lambda svc, kv, who, at: SetOverride(svc, kv[0], kv[1], who, at),
              st.sampled_from(SERVICES), override_values, by, times),
)
