"""The collector's pause is shared by threads: it resumes when the last pause ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from migrate_tui.gc_pause import gc_pause


@pytest.fixture(autouse=True)
def collector_running() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


@pytest.mark.parametrize("first_out", ["first", "second"])
def test_overlapping_pauses_resume_the_collector_when_the_last_ends(first_out: str) -> None:
    # A load and a save in two threads: the save pauses, the load pauses, one ends...
    first, second = gc_pause(), gc_pause()
    first.__enter__()
    second.__enter__()
    (first if first_out == "first" else second).__exit__(None, None, None)
    assert not gc.isenabled()  # the other one still runs
    (second if first_out == "first" else first).__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    with gc_pause():
        assert not gc.isenabled()
    assert not gc.isenabled()
