"""A table that draws only the rows on the screen: a filter over 2,000 rows keeps up.

Textual's ``DataTable`` makes a row object for each row it is given and measures every cell
of it, so showing another 2,000 rows (a keystroke in the Services filter) took 0.3 s. This
table holds the rows' keys in order and a shared map of their cells, and renders a line only
when it is on the screen (Textual's Line API: ``ScrollView`` and ``render_line``), so a new
filter costs a list of keys and the forty lines in sight.

It keeps what the Services view used of ``DataTable``: a sticky header whose click sorts, a
row cursor moved by keys and clicks, zebra stripes, and its look (the same component styles
and cell padding). Column widths come from every row it may show, so they stay put while a
filter narrows the rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

PADDING = 1
"""Blank cells either side of a cell's text, as ``DataTable``'s default."""
_NULL = Style.null()


class RowTable(ScrollView, can_focus=True):
    """Rows of cells, a header, a row cursor; only the visible lines are ever rendered."""

    COMPONENT_CLASSES = {
        "row-table--header",
        "row-table--cursor",
        "row-table--even-row",
        "row-table--odd-row",
    }
    # DataTable's look, for the classes this table uses (textual/widgets/_data_table.py).
    DEFAULT_CSS = """
    RowTable {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .row-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .row-table--header { background-tint: $foreground 5%; }
        }
        &:dark > .row-table--even-row { background: $surface-darken-1 40%; }
        & > .row-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .row-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .row-table--even-row { background: $surface-lighten-1 50%; }
        & > .row-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First row", show=False),
        Binding("end,ctrl+end", "last", "Last row", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
    ]

    _KEPT_LINES = 2000
    """Rendered lines kept across filters at most (then drawn again)."""

    cursor_row: reactive[int] = reactive(0, always_update=False, repaint=False)
    """The index of the highlighted row among those shown."""

    class RowHighlighted(Message):
        """The cursor came to another row (by a key, a click or :meth:`move_cursor`)."""

        def __init__(self, table: RowTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> RowTable:
            """The table (for ``@on(..., "#id")``)."""
            return self.table

    class HeaderSelected(Message):
        """A column's header was clicked."""

        def __init__(self, table: RowTable, column_index: int) -> None:
            super().__init__()
            self.table = table
            self.column_index = column_index

        @property
        def control(self) -> RowTable:
            """The table (for ``@on(..., "#id")``)."""
            return self.table

    def __init__(self, columns: Sequence[str], *, zebra_stripes: bool = True,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = tuple(columns)
        self.zebra_stripes = zebra_stripes
        self._keys: list[str] = []
        self._cells: Mapping[str, Sequence[Text]] = {}
        self._widths = [len(c) for c in self.columns]
        self._measured: dict[str, tuple[Sequence[Text], tuple[int, ...]]] = {}
        """Each row's cell widths, with the cells measured: a row whose cells are the same
        objects is not measured again (a re-plan changes a few rows of 2,000: measuring
        them all was 26,000 ``cell_len`` calls, 5.5 ms, twice for an override)."""
        self._lines: dict[tuple[str, bool, int], tuple[Strip, Style, Sequence[Text]]] = {}
        """Rendered rows (and the style that fills the line past the last column, and the
        cells drawn) by (key, under the cursor, stripe): a line is drawn again when its
        row's cells are other objects, and all are when the widths or the styles change."""
        self._header: tuple[Strip, Style] | None = None
        self._highlighted: str | None = None

    # -- what the owner calls ------------------------------------------------------------

    def show_rows(self, keys: Sequence[str], cells: Mapping[str, Sequence[Text]], *,
                  widths_from: Sequence[str] | None = None) -> None:
        """Show the rows ``keys`` in this order, each drawn from ``cells[key]``.

        Args:
            keys: The rows to show.
            cells: Each row's cells (one ``Text`` per column), for these keys and maybe more.
            widths_from: The rows the column widths fit; None keeps the widths as they
                are (a filter: the columns do not move as it narrows the rows).
        """
        self._keys = list(keys)
        self._cells = cells
        old_widths = self._widths
        if widths_from is not None:
            self._widths = self._fit(widths_from, cells)
        widths = self._widths
        if widths == old_widths and len(self._lines) < self._KEPT_LINES:
            self.refresh()  # (the lines drawn before whose cells did not change are right)
        else:
            self._forget()
        self.virtual_size = Size(sum(widths) + 2 * PADDING * len(widths), len(keys) + 1)
        if self.cursor_row >= len(keys):
            self.cursor_row = max(0, len(keys) - 1)
        self._highlight()

    def _fit(self, keys: Sequence[str], cells: Mapping[str, Sequence[Text]]) -> list[int]:
        """The column widths that fit the headers and the rows ``keys``."""
        measured = self._measured
        rows: list[tuple[int, ...]] = [tuple(len(c) for c in self.columns)]
        for key in keys:
            row = cells[key]
            known = measured.get(key)
            if known is None or known[0] is not row:
                known = measured[key] = (row, tuple(cell.cell_len for cell in row))
            rows.append(known[1])
        return [max(column) for column in zip(*rows, strict=True)]

    @property
    def row_count(self) -> int:
        """How many rows are shown."""
        return len(self._keys)

    @property
    def row_keys(self) -> list[str]:
        """The keys of the rows shown, in order."""
        return list(self._keys)

    @property
    def cursor_key(self) -> str | None:
        """The key of the highlighted row (None when no row is shown)."""
        return self._keys[self.cursor_row] if self._keys else None

    def get_cell(self, key: str, column: str) -> Text:
        """The cell of row ``key`` in the column labelled ``column``."""
        return self._cells[key][self.columns.index(column)]

    def move_cursor(self, *, row: int) -> None:
        """Highlight the row at ``row`` (clamped to the rows shown) and scroll to it."""
        self.cursor_row = max(0, min(row, len(self._keys) - 1))
        self._highlight()
        self._scroll_to_cursor()

    # -- keys and the mouse -------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        """Move the cursor by ``step`` rows."""
        self.move_cursor(row=self.cursor_row + step)

    def action_page(self, pages: int) -> None:
        """Move the cursor by a screenful of rows."""
        page = max(1, self.scrollable_content_region.height - 1)
        self.move_cursor(row=self.cursor_row + pages * page)

    def action_first(self) -> None:
        """To the first row."""
        self.move_cursor(row=0)

    def action_last(self) -> None:
        """To the last row."""
        self.move_cursor(row=len(self._keys) - 1)

    def on_click(self, event: events.Click) -> None:
        """A click on the header sorts by its column; on a row, moves the cursor there."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = offset.x + int(self.scroll_x)
            for index, width in enumerate(self._widths):
                x -= width + 2 * PADDING
                if x < 0:
                    self.post_message(self.HeaderSelected(self, index))
                    return
            return
        row = int(self.scroll_y) + offset.y - 1
        if row < len(self._keys):
            self.move_cursor(row=row)

    # -- drawing ----------------------------------------------------------------------------

    def watch_cursor_row(self, old: int, new: int) -> None:
        """Draw the rows the cursor left and came to again (the others are cached: their
        lines are keyed by whether the cursor is on them)."""
        self.refresh()

    def on_focus(self, event: events.Focus) -> None:
        """The cursor's colours depend on the focus: draw again."""
        self._forget()

    def on_blur(self, event: events.Blur) -> None:
        """The cursor's colours depend on the focus: draw again."""
        self._forget()

    def notify_style_update(self) -> None:
        """The theme or the CSS changed: draw everything again."""
        super().notify_style_update()
        self._forget()

    def _forget(self) -> None:
        self._lines.clear()
        self._header = None
        self.refresh()

    def _highlight(self) -> None:
        key = self.cursor_key
        if key is not None and key != self._highlighted:
            self.post_message(self.RowHighlighted(self, key))
        self._highlighted = key

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height - 1  # (below the header)
        if height <= 0:
            return
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: the header, then the rows scrolled into view."""
        width = self.scrollable_content_region.width
        left = int(self.scroll_x)
        base = self.rich_style
        if y == 0:
            if self._header is None:
                style = base + self.get_component_rich_style("row-table--header")
                self._header = (self._strip([Text(c) for c in self.columns], style,
                                            Style.null()), style)
            strip, fill = self._header
            return strip.crop_extend(left, left + width, fill)
        index = int(self.scroll_y) + y - 1
        if index >= len(self._keys):
            return Strip.blank(width, base)
        key = self._keys[index]
        cursor = index == self.cursor_row
        stripe = index % 2 if self.zebra_stripes else -1
        cells = self._cells[key]
        line = self._lines.get((key, cursor, stripe))
        if line is None or line[2] is not cells:  # (its first paint since it changed)
            row_style = (self.get_component_rich_style(
                "row-table--odd-row" if stripe else "row-table--even-row")
                if stripe >= 0 else Style.null())
            post = Style.null()
            if cursor:
                cursor_style = self.get_component_rich_style("row-table--cursor")
                row_style += cursor_style
                post = Style.from_color(color=cursor_style.color)
            style = base + row_style
            line = self._lines[(key, cursor, stripe)] = (
                self._strip(cells, style, post), style, cells)
        strip, fill, _ = line
        return strip.crop_extend(left, left + width, fill)

    def _strip(self, cells: Sequence[Text], pre: Style, post: Style) -> Strip:
        """One row: each cell padded to its column's width, over ``pre``, under ``post``."""
        segments: list[Segment] = []
        console = self.app.console
        pad = " " * PADDING
        for cell, width in zip(cells, self._widths, strict=True):
            text = cell.plain
            if cell.spans or not text.isprintable():  # (rich lays these out)
                padded = Text(pad, end="")
                padded.append_text(cell)
                padded.truncate(width + PADDING, pad=True)
                padded.append(pad)
                segments.extend(padded.render(console))
                continue
            # The segments rich makes of the padded cell, made directly: a row's first
            # paint (each row a filter brings into sight) costs a quarter of rich's layout
            # (70-95 us against 300-350 us a row of seven cells, timeit).
            length = cell_len(text)
            if length > width:
                text, length = set_cell_size(text, width), width
            fill = " " * (width - length) + pad
            if cell.style:
                segments += (Segment(pad, _NULL), Segment(text, console.get_style(cell.style)),
                             Segment(fill, _NULL))
            else:
                segments.append(Segment(pad + text + fill, _NULL))
        styled = Segment.apply_style(segments, pre, post)
        return Strip(styled, sum(self._widths) + 2 * PADDING * len(self._widths))
