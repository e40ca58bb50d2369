"""Preview: the first N records the current settings would move, in a sortable, filterable
table that draws only the rows on screen, so 10,000 of them never freeze it."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from tui.keys import bindings
from tui.preview_rows import PreviewData, view
from tui.screens.record_detail import RecordDetail
from tui.widgets.field_error import FieldError
from tui.widgets.results.record_table import RecordTable
from tui.workspace import Workspace

__all__ = ["PreviewPane"]

MAX_LIMIT = 100_000


class PreviewPane(Vertical):
    BINDINGS = bindings("preview")

    DEFAULT_CSS = """
    PreviewPane .toolbar { height: 1; }
    PreviewPane .toolbar Label { width: auto; padding: 0 1 0 0; }
    PreviewPane #preview-limit { width: 8; margin-right: 1; }
    PreviewPane #preview-filter { width: 1fr; margin-right: 1; }
    PreviewPane #preview-counts { width: auto; color: $text-muted; }
    PreviewPane RecordTable { height: 1fr; }
    """

    def __init__(self, workspace: Workspace, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.data: PreviewData | None = None  # what the table holds
        self.shown: list[int] = []
        self.sort: tuple[int, bool] | None = None
        self._filter_timer: Timer | None = None

    def key_scope(self, focused: Widget) -> str | None:
        """The footer shows the table's keys while the table has the focus."""
        return "preview" if focused.id == "preview-table" else None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="toolbar"):
            yield Label("Limit")
            yield Input(
                str(self.workspace.preview_limit), type="integer", id="preview-limit", compact=True
            )
            yield Input(placeholder="filter rows (ctrl+f)", id="preview-filter", compact=True)
            yield Static("", id="preview-counts", markup=False)
        yield FieldError(id="preview-error")
        yield RecordTable(id="preview-table")

    def on_mount(self) -> None:
        self.show_state()

    @property
    def limit(self) -> int:
        """The limit typed in the toolbar (raises ValueError with a message when wrong)."""
        text = self.query_one("#preview-limit", Input).value.strip()
        if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
            raise ValueError(f"limit: a whole number from 1 to {MAX_LIMIT:,}")
        return int(text)

    def show_state(self) -> None:
        """Render the workspace's preview: loading, failed, or its records (new ones refill)."""
        ws = self.workspace
        self.query_one(RecordTable).loading = ws.preview_loading
        error = self.query_one("#preview-error", FieldError)
        if ws.preview_error:
            error.show_error(ws.preview_error)
        else:
            error.clear()
        if ws.preview is not self.data:
            self.data = ws.preview
            self.sort = None
            self._refill()
        else:
            self._update_counts()

    @property
    def visible_records(self) -> list[dict[str, Any]]:
        """The shown records, parsed (for tests and small exports; the app exports in a worker)."""
        return self.data.records(self.shown) if self.data is not None else []

    # -- table --
    def _update_counts(self) -> None:
        data = self.data
        counts = self.query_one("#preview-counts", Static)
        if self.workspace.preview_loading:
            counts.update("reading…")
            return
        if data is None:
            counts.update("not previewed yet: ctrl+r")
            return
        text = f"{len(self.shown):,} shown of {data.read:,} read"
        if not len(data) and data.read:
            text += " (filters or the stored cursor exclude them)"
        if not data.complete:
            text += f" (limit {data.limit:,} reached)"
        if self.workspace.preview_stale:
            text += " · settings changed: ctrl+r"
        counts.update(text)

    def _refill(self) -> None:
        data = self.data
        needle = self.query_one("#preview-filter", Input).value
        self.shown = view(data, needle, self.sort) if data is not None else []
        self._update_counts()
        table = self.query_one(RecordTable)
        if data is None:
            table.show([], [], [], [])
            return
        headers = list(data.columns)
        if self.sort is not None:
            column, reverse = self.sort
            headers[column] += " ▼" if reverse else " ▲"
        table.show(headers, data.widths, data.rows, self.shown)

    def action_sort(self) -> None:
        if self.data is not None and self.data.columns:
            self._sort_by(self.query_one(RecordTable).cursor_column)

    def _sort_by(self, column: int) -> None:
        reverse = self.sort is not None and self.sort[0] == column and not self.sort[1]
        self.sort = (column, reverse)
        self._refill()
        self.query_one(RecordTable).move_cursor(row=0, column=column)

    @on(RecordTable.HeaderClicked)
    def _header_clicked(self, event: RecordTable.HeaderClicked) -> None:
        self._sort_by(event.column)

    @on(Input.Changed, "#preview-filter")
    def _filter_typed(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(0.15, self._refill)

    @on(Input.Submitted, "#preview-filter")
    def _filter_entered(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._refill()
        self.query_one(RecordTable).focus()

    @on(RecordTable.CellChosen)
    def _cell_chosen(self, event: RecordTable.CellChosen) -> None:
        row = event.row
        if self.data is None or row >= len(self.shown):
            return
        record = self.data.record(self.shown[row])
        title = f"record {row + 1:,} of {len(self.shown):,}"
        if "id" in record:
            title += f" · {record['id']}"
        self.app.push_screen(RecordDetail(title, record))
