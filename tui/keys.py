"""Every key the TUI answers to, as data.

The footer (through the `Binding`s built here), the F1 help screen and the command palette all
read this one table, so a key is declared once. Defaults are F-keys and ctrl+letter combinations
that reach the app in any terminal and over SSH; none of them needs ctrl+enter or alt.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType

__all__ = ["KEYS", "SCOPES", "Key", "bindings", "key"]


@dataclass(frozen=True, slots=True)
class Key:
    """One binding: ``id`` is stable (keymaps use it), ``keys`` a comma-separated key list."""

    id: str
    keys: str
    action: str
    description: str
    help: str
    scope: str = "app"
    footer: bool = False
    # False for keys a Textual widget already binds (listed here so help shows them).
    bound_here: bool = True
    priority: bool = False
    short: str = ""  # the footer's label when the description is too long for 80 columns

    @property
    def display(self) -> str:
        """``ctrl+s, F2`` — how help and the palette show the keys."""
        return ", ".join(_pretty(k) for k in self.keys.split(","))


def _pretty(key: str) -> str:
    if key.startswith("f") and key[1:].isdigit():
        return key.upper()
    return {"delete": "Del", "backspace": "Backspace", "escape": "Esc", "enter": "Enter"}.get(
        key, key
    )


SCOPES: dict[str, str] = {
    "app": "Everywhere",
    "conditions": "WHERE / HAVING list",
    "mapping": "Mapping list",
    "preview": "Preview table",
    "dialog": "Dialogs",
}

KEYS: tuple[Key, ...] = (
    Key("app.help", "f1", "help", "Help", "Show every key", footer=True),
    Key(
        "app.palette",
        "ctrl+p",
        "command_palette",
        "Commands",
        "Search every action by name",
        bound_here=False,
    ),
    Key(
        "app.save",
        "ctrl+s,f2",
        "save",
        "Save",
        "Save the sync profile (asks for a file name the first time)",
        footer=True,
    ),
    Key("app.open", "ctrl+o,f3", "open", "Open", "Open a sync profile (TOML)"),
    Key(
        "app.save_as",
        "f4",
        "save_as",
        "Save as",
        "Save under a new file name; the profile takes the file's name",
    ),
    Key(
        "app.preview",
        "ctrl+r,f5",
        "preview",
        "Preview",
        "Read records with the current settings; writes nothing, moves no state",
        footer=True,
    ),
    Key(
        "app.run",
        "f6",
        "run",
        "Run",
        "Run the sync: checkpointed after every batch, resumable",
        footer=True,
    ),
    Key(
        "app.dry_run",
        "f7",
        "toggle_dry_run",
        "Dry run",
        "Toggle dry run: read, filter and format, but write nothing and keep state",
    ),
    Key(
        "app.cancel",
        "f8",
        "cancel",
        "Cancel",
        "Stop the run after the current batch (the next run resumes from there)",
        footer=True,
    ),
    Key("app.export", "f9", "export", "Export", "Export the preview rows to CSV or JSONL"),
    Key(
        "app.next_pane",
        "ctrl+n",
        "next_pane",
        "Next pane",
        "Go to the next pane",
        footer=True,
        short="Pane",
    ),
    Key("app.goto_pane", "ctrl+g", "goto_pane", "Go to pane", "Jump to a pane by name"),
    Key("app.filter", "ctrl+f", "focus_filter", "Filter rows", "Filter the preview rows"),
    Key(
        "app.quit",
        "ctrl+q",
        "quit",
        "Quit",
        "Quit (asks first when there are unsaved changes or a run)",
        priority=True,
    ),
    Key(
        "conditions.remove",
        "delete,backspace",
        "remove",
        "Remove",
        "Remove the highlighted condition",
        scope="conditions",
    ),
    Key(
        "mapping.remove",
        "delete,backspace",
        "remove",
        "Remove",
        "Remove the highlighted pair",
        scope="mapping",
    ),
    Key(
        "preview.sort",
        "s",
        "sort",
        "Sort",
        "Sort by the highlighted column; again to reverse",
        scope="preview",
    ),
    Key(
        "preview.detail",
        "enter",
        "select_cursor",
        "Record",
        "Show the highlighted record's full JSON",
        scope="preview",
        bound_here=False,
    ),
    Key("dialog.close", "escape", "close", "Close", "Close the dialog", scope="dialog"),
)

_BY_ID = {k.id: k for k in KEYS}


def key(key_id: str) -> Key:
    return _BY_ID[key_id]


def bindings(scope: str) -> list[BindingType]:
    """The `Binding`s of one scope, for a widget's or the app's ``BINDINGS``."""
    return [
        Binding(
            k.keys,
            k.action,
            k.description,
            show=k.footer,
            id=k.id,
            tooltip=k.help,
            priority=k.priority,
        )
        for k in KEYS
        if k.scope == scope and k.bound_here
    ]
