"""Shared helpers for the progress tests."""

from __future__ import annotations

import datetime as dt

UTC = dt.timezone.utc
T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def at(minutes: int) -> dt.datetime:
    """A time ``minutes`` after 2025-03-01 09:00 UTC."""
    return T0 + dt.timedelta(minutes=minutes)
