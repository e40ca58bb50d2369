"""Command palette entries: every action in the key table, plus the ones without a key."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.keys import KEYS
from tui.panes import PANES

__all__ = ["ActionCommands", "PaneCommands", "commands"]

# Actions without a key of their own: (title, help, action).
EXTRA: tuple[tuple[str, str, str], ...] = (
    ("Export preview to CSV", "Write the shown preview rows to a .csv file", "export('csv')"),
    ("Export preview to JSONL", "Write the shown preview rows to a .jsonl file", "export('jsonl')"),
    ("Suggest a mapping", "Pair origin and target fields by name", "suggest_mapping"),
)


class _RunsActions(Protocol):
    def run_action(self, action: str) -> object: ...


def commands() -> list[tuple[str, str, str]]:
    """(title, help, action) for every palette entry, keys shown in the title."""
    keyed = [
        (f"{k.description}  ({k.display})", k.help, k.action)
        for k in KEYS
        if k.scope == "app" and k.action != "command_palette"
    ]
    return keyed + list(EXTRA)


class _Commands(Provider):
    def entries(self) -> list[tuple[str, str, str]]:
        raise NotImplementedError

    def _runner(self, action: str) -> Callable[[], object]:
        app: _RunsActions = self.app
        return partial(app.run_action, action)

    async def discover(self) -> Hits:
        for title, help_text, action in self.entries():
            yield DiscoveryHit(title, self._runner(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self.entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(action), help=help_text)


class ActionCommands(_Commands):
    """Every action of the app."""

    def entries(self) -> list[tuple[str, str, str]]:
        return commands() + [
            (f"Go to {title}", f"Show the {title} pane", f"show_pane('{pane}')")
            for pane, title in PANES
        ]


class PaneCommands(_Commands):
    """Only the panes (ctrl+g)."""

    def entries(self) -> list[tuple[str, str, str]]:
        return [(title, f"Show the {title} pane", f"show_pane('{pane}')") for pane, title in PANES]
