"""Every view usable at 80x24: the columns, the footer, the questions, whole texts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.tui.helpers import SAMPLES, app_for, loaded, screen_text, until

QUESTIONS = ("Servers running it today", "Deploys per week", "Needs autoscaling?",
             "Someone owns operations?", "~15 min downtime per incident OK?")


@pytest.fixture()
def saas(tmp_path: Path) -> Path:
    target = tmp_path / "saas"
    shutil.copytree(SAMPLES / "saas", target)
    return target


def _words_missing(text: str, screen: str) -> list[str]:
    flat = " ".join(screen.split())
    return [w for w in text.split() if w not in flat]


@pytest.mark.parametrize("key", list("123456"))
async def test_each_view_keeps_its_footer_at_80x24(saas: Path, key: str) -> None:
    app = app_for(saas)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press(key)
        await pilot.pause(0.2)
        footer = screen_text(app).splitlines()[-1]
        assert "q Quit" in footer and "r Reload" in footer and "palette" in footer, footer


async def test_services_keeps_every_column_at_80x24(saas: Path) -> None:
    app = app_for(saas)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2")
        await pilot.pause(0.2)
        screen = screen_text(app)
        header = next(line for line in screen.splitlines() if "Service" in line
                      and "Class" in line)
        for column in ("Kind", "Wave", "Days", "Findings", "Progress"):
            assert column in header, screen
        assert "Why" in screen  # the detail is still there


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (100, 30)])
async def test_overview_questions_are_whole(saas: Path, size: tuple[int, int]) -> None:
    app = app_for(saas)
    async with app.run_test(size=size) as pilot:
        await loaded(app, pilot)
        questions = app.query_one("#ov-questions")
        questions.scroll_visible(animate=False)
        await pilot.pause(0.2)
        screen = screen_text(app)
        for question in QUESTIONS:
            assert _words_missing(question, screen) == [], screen


async def test_a_long_plan_item_can_be_read_whole(saas: Path) -> None:
    app = app_for(saas)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("4")
        await pilot.pause(0.2)
        item = app.workspace.plan.phases[0].tasks[0].checklist[0]
        assert len(item.text) > 80
        assert _words_missing(item.text, screen_text(app)) == []


async def test_the_edit_dialog_shows_the_whole_item(saas: Path) -> None:
    app = app_for(saas)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("4")
        await pilot.pause(0.2)
        item = app.workspace.plan.phases[0].tasks[0].checklist[0]
        await pilot.press("s")
        await until(pilot, lambda: app.screen.id == "item-form-screen"
                    or type(app.screen).__name__ == "ItemForm", "the form")
        await pilot.pause(0.2)
        assert _words_missing(item.text, screen_text(app)) == []


async def test_a_long_finding_can_be_read_whole(saas: Path) -> None:
    app = app_for(saas)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("5")
        await pilot.pause(0.2)
        table = app.query_one("#findings-table")
        found = sorted(app.workspace.analysis.findings, key=lambda f: -len(f.message))
        longest = found[0]
        row = next(i for i, (rule, service, message) in enumerate(
            (str(table.get_row_at(i)[1]), str(table.get_row_at(i)[2]),
             str(table.get_row_at(i)[3])) for i in range(table.row_count))
            if message == longest.message and rule == longest.rule)
        table.move_cursor(row=row)
        await pilot.pause(0.2)
        screen = screen_text(app)
        assert _words_missing(longest.message, screen) == []
        assert _words_missing(longest.fix, screen) == []


async def test_the_services_footer_says_how_to_leave_the_filter(saas: Path) -> None:
    app = app_for(saas)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "slash")
        await pilot.pause(0.2)
        footer = screen_text(app).splitlines()[-1]
        assert "esc Clear filter" in footer, footer  # (q types into the filter here)


async def test_a_brings_the_questions_into_view_at_80x24(saas: Path) -> None:
    app = app_for(saas)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        assert "a Answer" in screen_text(app).splitlines()[-1]
        await pilot.press("a")
        await pilot.pause(0.3)
        assert app.query_one("#q-servers").has_focus
        assert "Servers running it today" in screen_text(app)


async def test_the_edit_dialog_keeps_its_buttons_at_80x24(saas: Path) -> None:
    from migrate_tui.tui.screens.item_form import ItemForm

    app = app_for(saas)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("4")
        await pilot.pause(0.2)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ItemForm), "the form")
        await pilot.pause(0.2)
        screen = screen_text(app)
        assert "Save" in screen and "Cancel" in screen, screen
