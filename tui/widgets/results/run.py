"""Run: a progress bar, live counts from the run's progress events, cancel, and dry run."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, ProgressBar, Static

from tui.run_state import RunState

__all__ = ["RunPanel"]


class RunPanel(Vertical):
    """Renders a `RunState`; the app changes the state and calls `show_state`."""

    DEFAULT_CSS = """
    RunPanel .bar { height: 1; margin-bottom: 1; }
    RunPanel .bar Checkbox { width: auto; }
    RunPanel .bar .spacer { width: 1fr; }
    RunPanel .bar Button { margin-left: 1; min-width: 0; width: auto; }
    RunPanel ProgressBar { margin-bottom: 1; display: none; }
    RunPanel.-started ProgressBar { display: block; }
    RunPanel #run-counts { height: auto; }
    RunPanel #run-status { height: auto; margin-top: 1; }
    RunPanel #run-status.-failed { color: $text-error; }
    RunPanel .hint { color: $text-muted; }
    """

    def __init__(self, state: RunState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state

    def compose(self) -> ComposeResult:
        with Horizontal(classes="bar"):
            yield Checkbox(
                "Dry run (F7)",
                value=self.state.dry_run,
                id="dry-run",
                compact=True,
            )
            yield Static(" writes nothing, keeps state", classes="spacer hint", markup=False)
            yield Button("Run F6", id="run-start", variant="primary", compact=True)
            yield Button("Cancel F8", id="run-cancel", variant="error", compact=True)
        yield ProgressBar(id="run-progress", show_eta=False)
        yield Static("", id="run-counts", markup=False)
        yield Static("", id="run-status", markup=False)

    def on_mount(self) -> None:
        self.show_state()

    @on(Checkbox.Changed, "#dry-run")
    def _dry_run_toggled(self, event: Checkbox.Changed) -> None:
        self.state.dry_run = event.value

    def show_state(self) -> None:
        state = self.state
        self.set_class(state.started, "-started")
        self.query_one("#run-start", Button).disabled = state.running
        self.query_one("#run-cancel", Button).disabled = not state.running
        dry_run = self.query_one("#dry-run", Checkbox)
        dry_run.disabled = state.running
        with dry_run.prevent(Checkbox.Changed):
            dry_run.value = state.dry_run
        bar = self.query_one("#run-progress", ProgressBar)
        if state.running:
            bar.update(total=state.expected, progress=state.counts.read)
        else:
            bar.update(total=1, progress=0 if state.failed else 1)
        counts = state.counts.text(state.dry_run) if state.started else ""
        self.query_one("#run-counts", Static).update(counts)
        status = self.query_one("#run-status", Static)
        status.update(state.status)
        status.set_class(state.failed, "-failed")
