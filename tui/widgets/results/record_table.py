"""A virtual table for preview rows: it renders only the lines on screen.

`DataTable` measures every cell of every row it is given, which stalls the screen for
seconds at 10,000 rows. Preview rows arrive as ready strings with column widths worked out
in the worker, so this widget keeps only an ordering of row indices and draws visible lines
on demand: showing, sorting or filtering 100,000 rows costs the same as 20.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

__all__ = ["RecordTable"]

GAP = 2  # spaces between columns


class RecordTable(ScrollView, can_focus=True):
    """Arrows move a cell cursor; Enter posts `CellChosen`; a header click `HeaderClicked`."""

    BINDINGS = [
        Binding("up", "move(-1, 0)", "Up", show=False),
        Binding("down", "move(1, 0)", "Down", show=False),
        Binding("left", "move(0, -1)", "Left", show=False),
        Binding("right", "move(0, 1)", "Right", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(-1)", "First row", show=False),
        Binding("end", "edge(1)", "Last row", show=False),
        Binding("enter", "choose", "Record", show=False),
    ]

    COMPONENT_CLASSES = {
        "record-table--header",
        "record-table--cursor",
        "record-table--cursor-row",
        "record-table--odd",
    }

    DEFAULT_CSS = """
    RecordTable { background: $surface; }
    RecordTable > .record-table--header { text-style: bold; background: $panel; }
    RecordTable > .record-table--odd { background: $surface-lighten-1; }
    RecordTable > .record-table--cursor-row { background: $boost; }
    RecordTable > .record-table--cursor { background: $block-cursor-blurred-background; }
    RecordTable:focus > .record-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    """

    cursor_row: reactive[int] = reactive(0, layout=False)
    cursor_column: reactive[int] = reactive(0, layout=False)

    class CellChosen(Message):
        def __init__(self, row: int, column: int) -> None:
            super().__init__()
            self.row = row
            self.column = column

    class HeaderClicked(Message):
        def __init__(self, column: int) -> None:
            super().__init__()
            self.column = column

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.headers: list[str] = []
        self.widths: list[int] = []
        self.rows: Sequence[tuple[str, ...]] = ()
        self.order: list[int] = []
        self._offsets: list[int] = []

    # -- data --
    @property
    def row_count(self) -> int:
        return len(self.order)

    def show(
        self,
        headers: list[str],
        widths: list[int],
        rows: Sequence[tuple[str, ...]],
        order: list[int],
    ) -> None:
        """Display ``rows[i] for i in order`` (no copy: the rows are shared)."""
        self.headers, self.widths, self.rows, self.order = headers, widths, rows, order
        self._offsets = []
        x = 0
        for width in widths:
            self._offsets.append(x)
            x += width + GAP
        self.virtual_size = Size(max(x - GAP, 0) + 2, len(order) + 1)
        self.cursor_row = min(self.cursor_row, max(len(order) - 1, 0))
        self.cursor_column = min(self.cursor_column, max(len(widths) - 1, 0))
        self.refresh()

    # -- drawing --
    def _cells(self, texts: Sequence[str], base: Style, cursor_column: int | None) -> Strip:
        cursor = self.get_component_rich_style("record-table--cursor")
        segments = [Segment(" ", base)]
        for number, (text, width) in enumerate(zip(texts, self.widths, strict=False)):
            padded = text + " " * max(width - cell_len(text), 0)
            style = base + cursor if number == cursor_column else base
            segments.append(Segment(padded, style))
            segments.append(Segment(" " * GAP, base))
        return Strip(segments)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        if y == 0:
            base = self.get_component_rich_style("record-table--header")
            strip = self._cells(self.headers, base, None)
        else:
            position = scroll_y + y - 1
            if position >= len(self.order):
                return Strip.blank(width, self.rich_style)
            base = self.rich_style
            if position % 2:
                base = base + self.get_component_rich_style("record-table--odd")
            current = position == self.cursor_row
            if current:
                base = base + self.get_component_rich_style("record-table--cursor-row")
            row = self.rows[self.order[position]]
            strip = self._cells(row, base, self.cursor_column if current else None)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    # -- cursor --
    @property
    def _page(self) -> int:
        return max(self.size.height - 2, 1)

    def watch_cursor_row(self) -> None:
        self._keep_cursor_visible()
        self.refresh()

    def watch_cursor_column(self) -> None:
        self._keep_cursor_visible()
        self.refresh()

    def _keep_cursor_visible(self) -> None:
        if not self.order or not self.widths:
            return
        # The header is line 0, so row r sits on virtual line r + 1; scroll_to_region keeps
        # the header out of the way by asking for the line above as well.
        column = min(self.cursor_column, len(self.widths) - 1)
        region = Region(self._offsets[column], self.cursor_row, self.widths[column] + 2, 2)
        self.scroll_to_region(region, animate=False, immediate=True)

    def action_move(self, rows: int, columns: int) -> None:
        if self.order:
            self.cursor_row = max(0, min(self.cursor_row + rows, len(self.order) - 1))
        if self.widths:
            self.cursor_column = max(0, min(self.cursor_column + columns, len(self.widths) - 1))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * self._page, 0)

    def action_edge(self, direction: int) -> None:
        self.action_move(direction * len(self.order), 0)

    def move_cursor(self, *, row: int | None = None, column: int | None = None) -> None:
        if row is not None:
            self.cursor_row = max(0, min(row, max(len(self.order) - 1, 0)))
        if column is not None:
            self.cursor_column = max(0, min(column, max(len(self.widths) - 1, 0)))

    def action_choose(self) -> None:
        if self.order:
            self.post_message(self.CellChosen(self.cursor_row, self.cursor_column))

    def _column_at(self, x: int) -> int | None:
        for number, (offset, width) in enumerate(zip(self._offsets, self.widths, strict=True)):
            if offset <= x < offset + width + GAP:
                return number
        return None

    def on_click(self, event: events.Click) -> None:
        column = self._column_at(event.x + self.scroll_offset.x - 1)
        if column is None:
            return
        if event.y == 0:
            self.post_message(self.HeaderClicked(column))
            return
        row = self.scroll_offset.y + event.y - 1
        if row < len(self.order):
            self.move_cursor(row=row, column=column)
            if event.chain == 2:
                self.action_choose()
