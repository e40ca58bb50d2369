"""The Textual app: ``hrtech-etl tui [PROFILE]``.

A thin client of one `tui.session.Draft`: the panes edit it, and everything that touches the
disk or the network (explain, preview, run, save, open, export, the stored cursor) runs in a
thread worker that only posts past-tense messages; the ``@on`` handlers below update the
screen. The layout lives in `tui.screens.main`, the keys in `tui.keys`.
"""

from __future__ import annotations

import copy
import gc
import os
import threading
from pathlib import Path

from textual import on, work
from textual.app import App
from textual.command import CommandPalette
from textual.widgets import Button, Input
from textual.worker import get_current_worker

from hrtech_etl.core.errors import ConfigError
from hrtech_etl.core.progress import ProgressEvent
from hrtech_etl.core.sync_profile import list_profiles
from tui.commands import ActionCommands, PaneCommands
from tui.errors import one_line
from tui.export import export_records
from tui.gc_pause import collector_paused
from tui.keys import KEYS, bindings, key
from tui.log_bridge import logs_into
from tui.messages import (
    ConnectorsListed,
    DraftEdited,
    LogRecorded,
    ParamsExplained,
    ParamsFailed,
    PreviewFailed,
    PreviewLoaded,
    ProfileSaved,
    RunFailed,
    RunFinished,
    RunProgressed,
    SaveFailed,
    StoredCursorLoaded,
)
from tui.preview_rows import build_preview
from tui.run_state import RunState, outcome_text
from tui.screens.confirm import Confirm
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.path_dialog import PathDialog
from tui.session import Draft, connector_names
from tui.widgets.editors.cursor import CursorControls
from tui.widgets.editors.params_view import ParamsView
from tui.widgets.results.preview import PreviewPane
from tui.widgets.results.run import RunPanel
from tui.widgets.setup.pickers import Pickers
from tui.workspace import Workspace

__all__ = ["EtlApp", "main"]

# App keys that act on the main screen, so not while a dialog is open (help and quit always do).
MAIN_SCREEN_ACTIONS = frozenset(k.action for k in KEYS if k.scope == "app") - {
    "help",
    "quit",
    "command_palette",
}


def known_profiles() -> list[str]:
    """Profile names the Open dialog suggests (disk: called in the dialog's worker)."""
    return [path.stem for path in list_profiles()]


def shown_path(path: Path | None) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    if path is None:
        return ""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


class EtlApp(App[int]):
    """Build a sync profile, preview it, run it, save it."""

    CSS_PATH = "app.tcss"
    TITLE = "hrtech-etl"
    BINDINGS = bindings("app")
    COMMAND_PALETTE_BINDING = key("app.palette").keys
    COMMANDS = App.COMMANDS | {ActionCommands}

    def __init__(self, draft: Draft | None = None, *, preview_limit: int | None = None) -> None:
        super().__init__()
        self.workspace = Workspace(draft=draft or Draft())
        if preview_limit is not None:
            self.workspace.preview_limit = preview_limit
        self.main_screen = MainScreen(self.workspace)
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            # No sliding tab underlines or spinners: calmer over SSH, and nothing to wait for.
            self.animation_level = "none"
        self._stop = threading.Event()
        self._quit_after_run = False

    @property
    def draft(self) -> Draft:
        return self.workspace.draft

    def get_default_screen(self) -> MainScreen:
        return self.main_screen

    def on_ready(self) -> None:
        # Everything built so far lives as long as the app: keep it out of the collector's
        # full passes, which otherwise stall the screen while a worker allocates 10,000 rows.
        gc.freeze()
        # After the first compose: workers started earlier could finish before the panes exist.
        self._update_title()
        if self.draft.path is not None:
            self.note(f"opened {shown_path(self.draft.path)}")
        self._refresh_derived(stored=True)
        self._connectors_worker()

    # -- small helpers --
    def note(self, line: str) -> None:
        """A line in the Log pane."""
        self.workspace.log.append(line)
        self.main_screen.write_log(line)

    def status(self, text: str, *, error: bool = False) -> None:
        """The one-line status above the footer (and the log)."""
        self.workspace.status, self.workspace.status_error = text, error
        self.main_screen.show_status(text, error=error)
        self.note(("error: " if error else "") + text)

    def _update_title(self) -> None:
        draft = self.draft
        where = shown_path(draft.path) or "not saved"
        self.sub_title = f"{draft.name}{' (modified)' if draft.dirty else ''} · {where}"

    def _snapshot(self) -> Draft:
        """A copy for a worker thread, so edits made meanwhile never race with it."""
        return copy.deepcopy(self.draft)

    def _refresh_derived(self, *, stored: bool) -> None:
        self._explain_worker(self._snapshot(), self.workspace.version)
        if stored:
            self._stored_cursor_worker(self._snapshot())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MAIN_SCREEN_ACTIONS and len(self.screen_stack) > 1:
            return False
        if action == "cancel":
            return self.workspace.run.running
        if action == "run":
            return not self.workspace.run.running
        return True

    # -- actions: panes and help --
    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_next_pane(self) -> None:
        await self.main_screen.next_pane()

    async def action_show_pane(self, pane: str) -> None:
        await self.main_screen.show_pane(pane)

    def action_goto_pane(self) -> None:
        self.push_screen(CommandPalette(providers=[PaneCommands], placeholder="Go to pane…"))

    async def action_focus_filter(self) -> None:
        await self.main_screen.show_pane("preview", focus="preview-filter")

    async def action_suggest_mapping(self) -> None:
        try:
            pairs = self.draft.suggest_mapping()
            self.draft.set_mapping(pairs)
        except ConfigError as exc:
            self.status(f"no mapping: {exc}", error=True)
            return
        self.post_message(DraftEdited("mapping", self))
        await self.main_screen.show_pane("mapping")
        self.status(f"mapping: {len(pairs)} pairs suggested by field name")

    # -- actions: profile files --
    def action_save(self) -> None:
        if self.draft.path is None:
            self.action_save_as()
            return
        self._save_worker(self._snapshot(), self.workspace.version)

    def action_save_as(self) -> None:
        snapshot, version = self._snapshot(), self.workspace.version

        def save_as(path: str) -> ProfileSaved:
            saved, needed = snapshot.save(path)
            return ProfileSaved(saved, needed, snapshot.name, version)

        suggestion = shown_path(self.draft.path) or "profiles/my-sync.toml"
        self.push_screen(
            PathDialog(
                "Save the sync profile as",
                suggestion,
                save_as,
                hint="The profile takes the file's name (its state key). "
                "Secrets are saved as ${VAR} references, never as values.",
                ok="Save",
            ),
            self._saved_from_dialog,
        )

    def _saved_from_dialog(self, saved: ProfileSaved | None) -> None:
        if saved is not None:
            self._apply_saved(saved)

    def action_open(self) -> None:
        if self.workspace.run.running:
            self.status("a run is in progress: cancel it first (F8)", error=True)
            return
        hint = "A path, or a profile name from ./profiles or the user config dir."
        if self.draft.dirty:
            hint += f" Unsaved changes to {self.draft.name} will be lost."
        dialog = PathDialog(
            "Open a sync profile",
            "profiles/",
            Draft.open,
            hint=hint,
            ok="Open",
            known=known_profiles,
        )
        self.push_screen(dialog, self._opened)

    async def _opened(self, draft: Draft | None) -> None:
        if draft is None:
            return
        ws = self.workspace
        ws.draft, ws.version = draft, ws.version + 1
        ws.preview, ws.preview_error, ws.preview_loading = None, None, False
        ws.explained = ws.explain_error = None
        ws.stored_cursor = ws.stored_error = None
        ws.run = RunState(dry_run=ws.run.dry_run)
        await self.main_screen.rebuild()
        self._update_title()
        self.status(f"opened {shown_path(draft.path)}")
        self._refresh_derived(stored=True)

    # -- actions: preview, run, export --
    async def action_preview(self) -> None:
        ws = self.workspace
        await self.main_screen.show_pane("preview", focus="preview-table")
        pane = self.main_screen.find(PreviewPane)
        try:
            ws.preview_limit = pane.limit if pane is not None else ws.preview_limit
        except ValueError as exc:
            ws.preview_error = str(exc)
        else:
            ws.preview_loading, ws.preview_error = True, None
            self._preview_worker(self._snapshot(), ws.preview_limit, ws.version)
        self._show_preview()

    def _show_preview(self) -> None:
        if (pane := self.main_screen.find(PreviewPane)) is not None:
            pane.show_state()

    def _show_run(self) -> None:
        if (panel := self.main_screen.find(RunPanel)) is not None:
            panel.show_state()
        self.main_screen.refresh_keys()

    async def action_run(self) -> None:
        ws = self.workspace
        if ws.run.running:
            return
        preview = ws.preview
        expected = (
            preview.read
            if preview is not None and preview.complete and ws.preview_version == ws.version
            else None
        )
        self._stop = threading.Event()
        ws.run.start(expected)
        self._show_run()
        await self.main_screen.show_pane("run")
        mode = "dry run" if ws.run.dry_run else "run"
        self.note(f"{mode} of {self.draft.name} started")
        self._run_worker(self._snapshot(), ws.run.dry_run, self._stop)

    def action_cancel(self) -> None:
        if self.workspace.run.running and not self._stop.is_set():
            self._stop.set()
            self.workspace.run.cancelling()
            self._show_run()
            self.note("cancel requested: stopping after the current batch")

    def action_toggle_dry_run(self) -> None:
        run = self.workspace.run
        if not run.running:
            run.dry_run = not run.dry_run
            self._show_run()
            self.status(f"dry run {'on' if run.dry_run else 'off'}")

    def action_export(self, fmt: str = "csv") -> None:
        pane = self.main_screen.find(PreviewPane)
        if pane is None or pane.data is None:
            self.status("nothing to export yet: preview first (ctrl+r)", error=True)
            return
        data, shown = pane.data, list(pane.shown)

        def export(path: str) -> tuple[Path, int]:  # runs in the dialog's worker
            return export_records(path, data.columns, data.records(shown)), len(shown)

        self.push_screen(
            PathDialog(
                "Export the shown preview rows",
                f"preview.{fmt}",
                export,
                hint="The extension picks the format: .csv or .jsonl.",
                ok="Export",
            ),
            self._exported,
        )

    def _exported(self, result: tuple[Path, int] | None) -> None:
        if result is not None:
            path, count = result
            self.status(f"exported {count:,} records to {shown_path(path)}")

    async def action_quit(self) -> None:
        ws = self.workspace
        if ws.run.running:
            question = "A run is in progress. Stop it after the current batch, then quit?"
            self.push_screen(Confirm(question, "Stop and quit"), self._quit_during_run)
        elif self.draft.dirty:
            question = f"{self.draft.name} has unsaved changes. Quit without saving?"
            self.push_screen(Confirm(question, "Quit"), self._quit_confirmed)
        else:
            self.exit(0)

    def _quit_confirmed(self, yes: bool | None) -> None:
        if yes:
            self.exit(0)

    def _quit_during_run(self, yes: bool | None) -> None:
        if yes:
            self._quit_after_run = True
            self.action_cancel()

    # -- workers: each posts one past-tense message --
    @work(thread=True, exclusive=True, exit_on_error=False, group="registry")
    def _connectors_worker(self) -> None:
        try:
            connectors = connector_names()
        except Exception as exc:
            self.post_message(LogRecorded(f"cannot list connectors: {one_line(exc)}"))
            return
        self.post_message(ConnectorsListed(connectors))

    @work(thread=True, exclusive=True, exit_on_error=False, group="explain")
    def _explain_worker(self, draft: Draft, version: int) -> None:
        try:
            explained = draft.explain()
        except Exception as exc:
            self.post_message(ParamsFailed(one_line(exc), version))
            return
        self.post_message(ParamsExplained(explained, version))

    @work(thread=True, exclusive=True, exit_on_error=False, group="state")
    def _stored_cursor_worker(self, draft: Draft) -> None:
        try:
            cursor = draft.stored_cursor()
        except Exception as exc:
            self.post_message(StoredCursorLoaded(None, one_line(exc)))
            return
        self.post_message(StoredCursorLoaded(cursor))

    @work(thread=True, exclusive=True, exit_on_error=False, group="preview")
    def _preview_worker(self, draft: Draft, limit: int, version: int) -> None:
        try:
            with collector_paused():
                records, read = draft.preview(limit)
                data = build_preview(records, read, limit)
                del records
        except Exception as exc:
            if not get_current_worker().is_cancelled:  # a newer preview replaced this one
                self.post_message(PreviewFailed(one_line(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(PreviewLoaded(data, version))

    @work(thread=True, exclusive=True, exit_on_error=False, group="run")
    def _run_worker(self, draft: Draft, dry_run: bool, stop: threading.Event) -> None:
        def progressed(event: ProgressEvent) -> None:
            self.post_message(RunProgressed(event))

        try:
            outcome = draft.run(dry_run=dry_run, on_progress=progressed, should_stop=stop.is_set)
        except Exception as exc:
            self.post_message(RunFailed(one_line(exc)))
            return
        self.post_message(RunFinished(outcome))

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def _save_worker(self, draft: Draft, version: int) -> None:
        try:
            path, needed = draft.save()
        except Exception as exc:
            self.post_message(SaveFailed(one_line(exc)))
            return
        self.post_message(ProfileSaved(path, needed, draft.name, version))

    # -- handlers --
    @on(DraftEdited)
    def _draft_edited(self, event: DraftEdited) -> None:
        ws = self.workspace
        ws.version += 1
        for view in self.main_screen.views():
            if view is not event.source:
                view.sync_from_draft()
        self._update_title()
        if ws.preview is not None:
            self._show_preview()
        self._refresh_derived(stored=event.part in ("resource", "origin", "target"))

    @on(ParamsExplained)
    def _params_explained(self, event: ParamsExplained) -> None:
        if event.version == self.workspace.version:
            self.workspace.explained, self.workspace.explain_error = event.explained, None
            if (view := self.main_screen.find(ParamsView)) is not None:
                view.show_state()

    @on(ParamsFailed)
    def _params_failed(self, event: ParamsFailed) -> None:
        if event.version == self.workspace.version:
            self.workspace.explain_error = event.error
            if (view := self.main_screen.find(ParamsView)) is not None:
                view.show_state()

    @on(StoredCursorLoaded)
    def _stored_cursor_loaded(self, event: StoredCursorLoaded) -> None:
        self.workspace.stored_cursor, self.workspace.stored_error = event.cursor, event.error
        if (controls := self.main_screen.find(CursorControls)) is not None:
            controls.show_stored()

    @on(PreviewLoaded)
    async def _preview_loaded(self, event: PreviewLoaded) -> None:
        ws = self.workspace
        ws.preview, ws.preview_version = event.data, event.version
        ws.preview_loading, ws.preview_error = False, None
        self._show_preview()
        screen = self.main_screen
        if screen.active_pane == "preview" and not isinstance(screen.focused, Input):
            # The table could not take the focus while it was loading.
            await screen.show_pane("preview", focus="preview-table")
        data = event.data
        self.note(f"preview: {len(data):,} records of {data.read:,} read")

    @on(PreviewFailed)
    def _preview_failed(self, event: PreviewFailed) -> None:
        self.workspace.preview_loading, self.workspace.preview_error = False, event.error
        self._show_preview()
        self.note(f"preview failed: {event.error}")

    @on(RunProgressed)
    def _run_progressed(self, event: RunProgressed) -> None:
        self.workspace.run.progress(event.event)
        if (panel := self.main_screen.find(RunPanel)) is not None:
            panel.show_state()

    @on(RunFinished)
    def _run_finished(self, event: RunFinished) -> None:
        self.workspace.run.finish(event.outcome)
        self._show_run()
        self.status(outcome_text(event.outcome))
        self._run_ended()

    @on(RunFailed)
    def _run_failed(self, event: RunFailed) -> None:
        self.workspace.run.fail(event.error)
        self._show_run()
        self.status(f"run failed: {event.error}", error=True)
        self._run_ended()

    def _run_ended(self) -> None:
        self.main_screen.refresh_keys()
        self._refresh_derived(stored=True)
        if self._quit_after_run:
            self.exit(0)

    @on(ProfileSaved)
    def _profile_saved(self, event: ProfileSaved) -> None:
        self._apply_saved(event)

    def _apply_saved(self, saved: ProfileSaved) -> None:
        draft = self.draft
        # The save ran on a copy: take over its file and name (the state key follows the name).
        draft.path, draft.name = saved.path, saved.name
        if saved.version == self.workspace.version:
            draft.dirty = False
        self._update_title()
        text = f"saved {shown_path(draft.path)}"
        if saved.needed:
            text += f" · before running, set: {', '.join(saved.needed)}"
        self.status(text)
        self._refresh_derived(stored=True)

    @on(SaveFailed)
    def _save_failed(self, event: SaveFailed) -> None:
        self.status(f"not saved: {event.error}", error=True)

    @on(ConnectorsListed)
    def _connectors_listed(self, event: ConnectorsListed) -> None:
        self.workspace.connectors = event.connectors
        if (pickers := self.main_screen.find(Pickers)) is not None:
            pickers.set_connectors(event.connectors)

    @on(LogRecorded)
    def _log_recorded(self, event: LogRecorded) -> None:
        self.note(event.text)

    @on(Button.Pressed, "#run-start")
    async def _run_pressed(self) -> None:
        await self.action_run()

    @on(Button.Pressed, "#run-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


def main(profile: str | None = None) -> int:
    """``hrtech-etl tui [PROFILE]``: open the profile if given, else an empty session.

    A profile that does not load raises its one-line `ConfigError` before the screen opens.
    """
    draft = Draft.open(profile) if profile else Draft()
    app = EtlApp(draft)
    with logs_into(app):
        app.run()
    return app.return_code or 0
