"""What every test shares: a playbook cache of the test run's own, never the user's."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_BEFORE: dict[str, str | None] = {}


def pytest_configure(config: pytest.Config) -> None:
    """``XDG_CACHE_HOME`` in a temporary folder for the whole run, set before the test
    modules are collected: a module's clean environment for a subprocess (``{"PATH": ...,
    "HOME": project}``) forwards it, so no test writes into a developer's
    ``~/.cache/migrate-tui`` nor into a project or a fake home it inspects afterwards."""
    _BEFORE["XDG_CACHE_HOME"] = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="migrate-tui-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the run's cache folder and restore the variable."""
    shutil.rmtree(os.environ.pop("XDG_CACHE_HOME", ""), ignore_errors=True)
    if _BEFORE.get("XDG_CACHE_HOME") is not None:
        os.environ["XDG_CACHE_HOME"] = str(_BEFORE["XDG_CACHE_HOME"])

