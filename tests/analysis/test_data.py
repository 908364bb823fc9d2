"""The data inventory (analysis/data.py) on a fixture with one case per rule."""

from __future__ import annotations

import pytest

from migrate_tui.analysis import Analysis
from migrate_tui.analysis.model import DataStore
from migrate_tui.analysis.report import to_json
from tests.analysis.helpers import FIXTURES, analyse


@pytest.fixture(scope="module")
def inventory() -> dict[str, DataStore]:
    return {d.id: d for d in analyse("data_inventory").data}


# id, writers, readers, data, access mode, backup
CASES = [
    ("volume pgdata", ("db",), (), "postgresql", "ReadWriteOnce", True),
    ("bind mount ./uploads", ("web", "worker"), ("proxy",), "files", "ReadWriteMany", True),
    ("volume cachedata", ("cache",), (), "cache", "ReadWriteOnce", False),
    ("bind mount ./blobs", ("store",), (), "files", "ReadWriteOnce", True),
    ("anonymous volume scratch:/var/lib/app/data", ("scratch",), (), "files", "ReadWriteOnce",
     True),
]


@pytest.mark.parametrize(("key", "writers", "readers", "data", "mode", "backup"), CASES,
                         ids=[c[0] for c in CASES])
def test_store(inventory: dict[str, DataStore], key: str, writers: tuple[str, ...],
               readers: tuple[str, ...], data: str, mode: str, backup: bool) -> None:
    store = inventory[key]
    assert (store.writers, store.readers, store.data, store.access_mode, store.backup) == (
        writers, readers, data, mode, backup)


def test_only_what_is_written_and_migrated(inventory: dict[str, DataStore]) -> None:
    # the init script is read-only configuration, /tmp is scratch, mailhog is dev-only,
    # the valkey without a volume keeps nothing
    assert set(inventory) == {c[0] for c in CASES}


def test_shared_files_say_read_write_many(inventory: dict[str, DataStore]) -> None:
    assert "never one claim per pod" in inventory["bind mount ./uploads"].reason
    text = (FIXTURES / "data_inventory.yaml").read_text().splitlines()
    first = text.index("      - ./uploads:/app/media") + 1  # web's: it comes before worker
    assert inventory["bind mount ./uploads"].evidence.line == first


def test_env_switch_makes_the_store_stateful() -> None:
    a: Analysis = analyse("data_inventory")
    assert a.services["store"].service_class == "stateful"
    assert "STORAGE_BACKEND=file" in a.services["store"].reasons[0]
    assert a.services["cache"].service_class == "stateless"
    assert "persistence off" in a.services["cache"].reasons[0]


def test_json_has_the_inventory() -> None:
    data = to_json(analyse("data_inventory"))["data"]
    assert [d["id"] for d in data] == sorted(d["id"] for d in data)
    shared = next(d for d in data if d["id"] == "bind mount ./uploads")
    assert shared["access_mode"] == "ReadWriteMany"
    assert shared["file"].endswith("data_inventory.yaml")
