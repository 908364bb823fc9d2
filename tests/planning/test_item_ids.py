"""Every checklist item has its own id: progress files, verdicts and CI gates name items by it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.workspace import open_workspace

SAMPLES = Path(__file__).resolve().parents[2] / "sample_projects"


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()))
def test_no_two_items_share_an_id(name: str, tmp_path: Path) -> None:
    ws = open_workspace(LoadOptions(path=str(SAMPLES / name), profiles=("*",),
                                    environ={"PATH": "/usr/bin", "HOME": "/root"}),
                        state_file=str(tmp_path / "migration.toml"))
    assert ws.ledger  # the plan's ledger items are in
    counts = Counter(i.id for i in ws.plan.items())
    assert [i for i, n in counts.items() if n > 1] == []


def test_a_playbook_with_two_items_of_one_id_is_refused_at_the_second(tmp_path: Path) -> None:
    from migrate_tui.errors import MigrateError
    from migrate_tui.planning.playbooks import load_plan_playbooks

    (tmp_path / "project.yaml").write_text(
        "items:\n"
        "  - id: drill\n    phase: acceptance\n    text: one\n    estimate_days: 1\n"
        "  - id: drill\n    phase: productivity\n    text: two\n    estimate_days: 1\n")
    with pytest.raises(MigrateError) as caught:
        load_plan_playbooks(tmp_path)
    shown = caught.value.render()
    assert "a second item with the id 'drill'" in shown
    assert f"{tmp_path / 'project.yaml'}:6" in shown  # the second one's line
