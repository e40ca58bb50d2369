"""What a run has done so far, folded from its progress events, and how to say it."""

from __future__ import annotations

from dataclasses import dataclass, field

from hrtech_etl.core.progress import (
    BatchFiltered,
    BatchRead,
    BatchWritten,
    CheckpointSaved,
    ProgressEvent,
    RecordsRejected,
)
from hrtech_etl.core.runner import RunOutcome

__all__ = ["RunCounts", "RunState", "outcome_text"]


@dataclass
class RunCounts:
    """Totals so far, folded from progress events."""

    batches: int = 0
    read: int = 0
    kept: int = 0
    written: int = 0
    rejected: int = 0
    checkpoint: str | None = None

    def add(self, event: ProgressEvent) -> None:
        if isinstance(event, BatchRead):
            self.batches = event.batch
            self.read = event.total_read
        elif isinstance(event, BatchFiltered):
            self.kept += event.kept
        elif isinstance(event, BatchWritten):
            self.written = event.total_written
        elif isinstance(event, RecordsRejected):
            self.rejected += len(event.errors)
        elif isinstance(event, CheckpointSaved):
            self.checkpoint = event.cursor.resume_value

    def text(self, dry_run: bool) -> str:
        wrote = "would write" if dry_run else "written"
        line = (
            f"batch {self.batches:,} · read {self.read:,} · kept {self.kept:,} · "
            f"{wrote} {self.written:,} · rejected {self.rejected:,}"
        )
        if self.checkpoint:
            line += f"\ncheckpoint: {self.checkpoint}"
        return line


@dataclass
class RunState:
    """What the Run pane shows; owned by the app so a relayout keeps it."""

    counts: RunCounts = field(default_factory=RunCounts)
    expected: int | None = None
    status: str = (
        "Not run yet. F6 runs with the current settings; F8 stops after the current batch "
        "and the next run resumes from the last checkpoint."
    )
    failed: bool = False
    started: bool = False
    running: bool = False
    dry_run: bool = False

    def start(self, expected: int | None) -> None:
        """``expected``: how many records the last complete preview read, when known."""
        self.counts = RunCounts()
        self.expected = expected
        self.started = self.running = True
        self.failed = False
        self.status = "Running…"

    def progress(self, event: ProgressEvent) -> None:
        self.counts.add(event)
        if self.expected is not None and self.counts.read > self.expected:
            self.expected = None  # more than the preview saw: the total is unknown

    def cancelling(self) -> None:
        self.status = "Cancelling: stopping after the current batch…"

    def finish(self, outcome: RunOutcome) -> None:
        self.running = False
        self.status = outcome_text(outcome)

    def fail(self, message: str) -> None:
        self.running = False
        self.failed = True
        self.status = f"Failed: {message}"


def outcome_text(outcome: RunOutcome) -> str:
    counts = outcome.counts
    moved = f"{outcome.moved:,} {'would be written' if outcome.status == 'dry_run' else 'written'}"
    after = outcome.cursor_after.resume_value if outcome.cursor_after else None
    if outcome.status == "interrupted":
        resume = (
            f"resumes from {after}"
            if after
            else "reads its window again (targets upsert: nothing is duplicated)"
        )
        return (
            f"Cancelled after the batch in progress: {counts.get('read', 0):,} read, {moved}. "
            f"State is checkpointed: the next run {resume}."
        )
    text = f"Done ({outcome.status}): {counts.get('read', 0):,} read, {moved}"
    if outcome.rejected:
        text += f", {outcome.rejected:,} rejected (dead letters: {outcome.dead_letter})"
    if outcome.status == "dry_run":
        return text + ". Nothing was written and the state did not move."
    return text + (f". Next run resumes from {after}." if after else ".")
