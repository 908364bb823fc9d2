"""The "Data and routing" section of the Markdown plan (export/evidence_section.py)."""

from __future__ import annotations

from migrate_tui.analysis import analyze
from migrate_tui.export import evidence_section as section
from tests.analysis.helpers import load


def test_tables_of_stores_routes_proxies_and_charts() -> None:
    lines = section.evidence_section(analyze(load("routing")))
    text = "\n".join(lines)
    assert lines[0] == "## Data and routing"
    assert "| api | traefik, TLS | app.example.com/api | 8000/tcp | Ingress |" in text
    assert "| game | published | - | 7777/udp (host 7777) | LoadBalancer |" in text
    assert "- traefik (traefik) is replaced by the cluster's Ingress controller" in text
    assert "**CloudNativePG**" in text
    stores = "\n".join(section.evidence_section(analyze(load("data_inventory"))))
    assert "| bind mount ./uploads | files | web, worker | proxy | ReadWriteMany | yes |" in stores
    assert "| volume cachedata | Redis | cache | - | ReadWriteOnce | no (cache) |" in stores


def test_nothing_found_no_section() -> None:
    assert section.evidence_section(analyze(load("cycle"))) == []


def test_a_big_table_says_how_many_more(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(section, "MAX_ROWS", 2)
    text = "\n".join(section.evidence_section(analyze(load("routing"))))
    assert "... and 5 more" in text
