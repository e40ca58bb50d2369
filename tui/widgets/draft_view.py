"""What every editor pane shares: it shows the Draft, and re-reads it when another pane edits it."""

from __future__ import annotations

from tui.session import Draft

__all__ = ["DraftView"]


class DraftView:
    """Mixin for panes that render part of the Draft.

    A pane calls the Draft's methods on input, shows a `ConfigError` inline (`FieldError`), and
    posts `DraftEdited` on success; the app then calls `sync_from_draft` on every other pane.
    """

    draft: Draft

    def sync_from_draft(self) -> None:
        raise NotImplementedError
