"""RowTable on its own: the rows it is given, the cursor by key and by click, the header's
click, and that it renders only the rows in sight."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult

from migrate_tui.tui.widgets.row_table import RowTable

KEYS = [f"svc-{i:04d}" for i in range(500)]
CELLS = {k: (Text(k), Text("stateless" if i % 3 else "stateful"), Text(str(i)))
         for i, k in enumerate(KEYS)}


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[str] = []
        self.sorted_by: list[int] = []

    def compose(self) -> ComposeResult:
        yield RowTable(("Service", "Class", "Wave"), id="t")

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        table.show_rows(KEYS, CELLS, widths_from=KEYS)
        table.focus()

    @on(RowTable.RowHighlighted, "#t")
    def _row(self, event: RowTable.RowHighlighted) -> None:
        self.highlighted.append(event.key)

    @on(RowTable.HeaderSelected, "#t")
    def _header(self, event: RowTable.HeaderSelected) -> None:
        self.sorted_by.append(event.column_index)


async def test_keys_move_the_cursor_and_keep_it_in_sight() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(RowTable)
        await pilot.pause()
        assert table.cursor_key == "svc-0000" and app.highlighted == ["svc-0000"]
        await pilot.press("down", "down")
        assert table.cursor_key == "svc-0002"
        await pilot.press("pagedown")
        assert table.cursor_row > 2 + 5
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_key == "svc-0499"
        assert table.scroll_y >= 499 - table.scrollable_content_region.height + 1
        await pilot.press("up")
        assert table.cursor_key == "svc-0498"
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_key == "svc-0000" and table.scroll_y == 0
        assert app.highlighted[-1] == "svc-0000"


async def test_a_click_on_a_row_selects_it_and_on_the_header_sorts() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(RowTable)
        await pilot.click(RowTable, offset=(2, 3))  # (the header is line 0: row 2)
        assert table.cursor_key == "svc-0002"
        # Service is 8 + 2 cells wide, Class 9 + 2: x = 19 is the Class column's last cell
        await pilot.click(RowTable, offset=(19, 0))
        await pilot.pause()
        assert app.sorted_by == [1]


async def test_a_narrower_filter_keeps_the_columns_and_the_cursor_in_range() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(RowTable)
        await pilot.press("end")
        widths = list(table._widths)
        table.show_rows(["svc-0001", "svc-0002"], CELLS)
        await pilot.pause()
        assert table.row_keys == ["svc-0001", "svc-0002"] and table.row_count == 2
        assert table.cursor_key == "svc-0002"
        assert table._widths == widths
        assert str(table.get_cell("svc-0002", "Class")) == "stateless"


async def test_only_the_rows_in_sight_are_rendered() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(RowTable)
        await pilot.pause()
        rendered = {key for key, _, _ in table._lines}
        assert rendered and len(rendered) <= 12
        assert rendered <= set(KEYS[:12])


async def test_a_row_is_drawn_as_rich_draws_its_padded_cells() -> None:
    """The cells' segments are made without rich's layout: the same segments, and the
    same line, as rich makes of each cell padded to its column (cut where too wide)."""
    from rich.segment import Segment
    from rich.style import Style

    from migrate_tui.tui.widgets.row_table import PADDING

    app = TableApp()
    async with app.run_test(size=(60, 10)):
        table = app.query_one(RowTable)
        table._widths = [6, 9, 3]
        pre, post = Style(bgcolor="blue"), Style(color="red")
        rows = [(Text("svc"), Text("stateful", style="magenta"), Text("12")),
                (Text("a-very-long"), Text("日本語のサービス", style="bold"), Text("")),
                (Text("web", style="bold"), Text("x", style="dim"), Text("1234")),
                (Text("tab\there"), Text("spans").append("!", style="red"), Text("9"))]
        for cells in rows:
            expected: list[Segment] = []
            for cell, width in zip(cells, table._widths, strict=True):
                text = Text(" " * PADDING, end="")
                text.append_text(cell)
                text.truncate(width + PADDING, pad=True)
                text.append(" " * PADDING)
                expected.extend(text.render(app.console))
            want = list(Segment.simplify(Segment.apply_style(expected, pre, post)))
            got = list(Segment.simplify(table._strip(cells, pre, post)))
            assert got == want, cells


async def test_new_cells_redraw_only_their_rows_and_refit_the_columns() -> None:
    """Rows given the same cell objects keep their drawn lines (a re-plan changes a few
    rows of 2,000); a row given new cells is drawn again and measured again."""
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(RowTable)
        await pilot.pause()
        drawn = {key: line[0] for key, line in table._lines.items()}
        cells = dict(CELLS)
        cells["svc-0002"] = (Text("svc-0002"), Text("stateful*"), Text("2"))
        table.show_rows(KEYS, cells, widths_from=KEYS)
        await pilot.pause()
        assert table._widths == [8, 9, 4]
        again = {key: line[0] for key, line in table._lines.items()}
        assert [k for k in drawn if again[k] is not drawn[k]] == [("svc-0002", False, 0)]
        assert "stateful*" in again[("svc-0002", False, 0)].text
        cells["svc-0003"] = (Text("svc-0003"), Text("a much wider class"), Text("3"))
        table.show_rows(KEYS, cells, widths_from=KEYS)
        assert table._widths == [8, 18, 4]
