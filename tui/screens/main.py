"""The main screen: every pane, laid out for the terminal's size.

Wide terminals (120x40) show the connection pickers and the schema tree in a sidebar, the
editors above and the results below. Narrow ones (80x24) collapse every pane into one row of
tabs. Crossing the breakpoint recomposes the screen from the `Workspace`. Only the panes in
view are composed for the first paint; the others mount just after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, ScrollableContainer, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Static, TabbedContent, TabPane

from tui.keys import KEYS
from tui.panes import PANES
from tui.widgets.draft_view import DraftView
from tui.widgets.editors.conditions import ConditionsEditor
from tui.widgets.editors.cursor import CursorControls
from tui.widgets.editors.mapping import MappingEditor
from tui.widgets.editors.params_view import ParamsView
from tui.widgets.key_bar import KeyBar
from tui.widgets.results.log import LogPane
from tui.widgets.results.preview import PreviewPane
from tui.widgets.results.run import RunPanel
from tui.widgets.setup.pickers import Pickers
from tui.widgets.setup.schema_tree import SchemaTree
from tui.workspace import Workspace

__all__ = ["MainScreen", "is_wide"]

W = TypeVar("W", bound=Widget)

WIDE_AT = Size(110, 32)
PANE_IDS = tuple(pane for pane, _ in PANES)
TITLES = dict(PANES)
SIDEBAR = ("connect", "schema")
EDITORS = ("filters", "cursor", "mapping", "params")
RESULTS = ("preview", "run", "log")
FIRST_NARROW = ("connect",)
FIRST_WIDE = ("connect", "schema", "filters", "preview")


def is_wide(size: Size) -> bool:
    return size.width >= WIDE_AT.width and size.height >= WIDE_AT.height


class MainScreen(Screen[None]):
    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.wide = False
        self._active = PANE_IDS[0]
        self._unfilled: set[str] = set()  # panes whose content is not mounted yet

    # -- layout --
    def compose(self) -> ComposeResult:
        self.wide = is_wide(self.app.size)
        self._unfilled.clear()
        yield Header()
        if self.wide:
            with Horizontal(id="body"):
                with Vertical(id="sidebar"):
                    for pane in SIDEBAR:
                        with Vertical(id=pane, classes="pane") as box:
                            box.border_title = TITLES[pane]
                            yield from self._pane(pane)
                with Vertical(id="main"):
                    for group, panes in (("editors", EDITORS), ("results", RESULTS)):
                        with TabbedContent(id=group):
                            for pane in panes:
                                with TabPane(TITLES[pane], id=pane, classes="pane"):
                                    yield from self._pane(pane)
        else:
            with TabbedContent(id="tabs"):
                for pane in PANE_IDS:
                    with TabPane(TITLES[pane], id=pane, classes="pane"):
                        yield from self._pane(pane)
        yield KeyBar(id="key-bar")
        yield Static("", id="status", markup=False)

    def _pane(self, pane: str) -> Iterator[Widget]:
        """A pane's content now, or (hidden at first) just after the first paint."""
        if pane in (FIRST_WIDE if self.wide else FIRST_NARROW):
            yield self._content(pane)
        else:
            self._unfilled.add(pane)

    def _content(self, pane: str) -> Widget:
        ws = self.workspace
        draft = ws.draft
        if pane == "connect":
            return Pickers(draft, ws.connectors, id="pickers")
        if pane == "schema":
            return SchemaTree(draft, id="schema-tree")
        if pane == "filters":
            return VerticalScroll(
                ConditionsEditor(draft, "where", id="where-editor"),
                ConditionsEditor(draft, "having", id="having-editor"),
                id="filters-scroll",
            )
        if pane == "cursor":
            return CursorControls(ws, id="cursor-controls")
        if pane == "mapping":
            return VerticalScroll(MappingEditor(draft, id="mapping-editor"), id="mapping-scroll")
        if pane == "params":
            return ParamsView(ws, id="params-view")
        if pane == "preview":
            return PreviewPane(ws, id="preview-pane")
        if pane == "run":
            return RunPanel(ws.run, id="run-panel")
        return LogPane(ws, id="log-view")

    def on_mount(self) -> None:
        self.restore()
        self.call_after_refresh(self.show_pane, "connect" if self.wide else PANE_IDS[0])

    async def on_resize(self, event: events.Resize) -> None:
        if is_wide(event.size) != self.wide:
            active = self.active_pane
            await self.recompose()
            self.restore()
            self.call_after_refresh(self.show_pane, active)

    async def rebuild(self) -> None:
        """Recompose from the workspace (after a profile was opened)."""
        await self.recompose()
        self.restore()
        self.call_after_refresh(self.show_pane, "connect")

    def restore(self) -> None:
        """Panes render the workspace when they mount; the status line and keys are the screen's."""
        self.show_status(self.workspace.status, error=self.workspace.status_error)
        self.refresh_keys()

    # -- panes --
    @property
    def active_pane(self) -> str:
        """The pane the user is in: the last one shown, or the one holding the focus."""
        return self._active

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for node in event.widget.ancestors_with_self:
            if node.id in PANE_IDS:
                self._active = str(node.id)
                break
        self.refresh_keys()

    def refresh_keys(self) -> None:
        """The footer: app keys the app allows now, and the focused pane's own keys."""
        scope = None
        focused = self.focused
        if focused is not None:
            for node in focused.ancestors_with_self:
                key_scope = getattr(node, "key_scope", None)
                if key_scope is not None and (scope := key_scope(focused)):
                    break
        hidden = frozenset(
            k.action for k in KEYS if k.scope == "app" and not self.app.check_action(k.action, ())
        )
        for bar in self.query("#key-bar").results(KeyBar):
            bar.show_keys(scope, hidden)

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id
        if pane in PANE_IDS:
            self._active = str(pane)
            await self._fill(str(pane))

    async def _fill(self, pane: str) -> Widget | None:
        """The pane's container, its content mounted (it renders the workspace as it mounts)."""
        try:
            target = self.query_one(f"#{pane}")
        except NoMatches:
            return None
        if pane in self._unfilled:
            self._unfilled.discard(pane)
            await target.mount(self._content(pane))
        return target

    async def show_pane(self, pane: str, focus: str | None = None) -> None:
        """Bring a pane into view and put the focus in it (on ``#focus`` when given).

        Awaited by the key actions: a pane shown for the first time mounts first, and keys
        typed meanwhile wait for it instead of going to the pane being left.
        """
        self._active = pane
        target = await self._fill(pane)
        if target is None:
            return
        for node in target.ancestors:
            if isinstance(node, TabbedContent):
                node.active = pane
        self._focus_in(target, focus)

    def _focus_in(self, target: Widget, focus: str | None) -> None:
        """Focus the pane's first field (a scrolling container only when it has none)."""
        if focus is not None:
            for widget in target.query(f"#{focus}"):
                widget.focus()
                return
        focusable = [w for w in target.query("*") if w.focusable]
        fields = [w for w in focusable if not isinstance(w, ScrollableContainer)]
        if fields or focusable:
            (fields or focusable)[0].focus()

    async def next_pane(self) -> None:
        index = PANE_IDS.index(self.active_pane)
        await self.show_pane(PANE_IDS[(index + 1) % len(PANE_IDS)])

    # -- views --
    def find(self, kind: type[W]) -> W | None:
        """A mounted pane widget, or None (not shown yet, or the screen is being torn down).

        A pane that mounts later renders the workspace then, so callers update the workspace
        first and the widget only when there is one.
        """
        for widget in self.query(kind).results(kind):
            if widget.is_mounted:
                return widget
        return None

    def views(self) -> list[DraftView]:
        """Mounted panes that render the Draft (the others read it when they mount)."""
        return [w for w in self.query("*") if isinstance(w, DraftView) and w.is_mounted]

    def show_status(self, text: str, *, error: bool = False) -> None:
        for status in self.query("#status").results(Static):
            status.update(text)
            status.set_class(error, "-error")

    def write_log(self, line: str) -> None:
        """A pane that is not mounted yet gets the line from the workspace when it mounts."""
        if (log := self.find(LogPane)) is not None:
            log.write_line(line)
