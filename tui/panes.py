"""The panes of the app, in tab order: (id, title). The layout, ctrl+n and the palette use it."""

from __future__ import annotations

__all__ = ["PANES"]

PANES: tuple[tuple[str, str], ...] = (
    ("connect", "Connect"),
    ("schema", "Schema"),
    ("filters", "Filters"),
    ("cursor", "Cursor"),
    ("mapping", "Mapping"),
    ("params", "Params"),
    ("preview", "Preview"),
    ("run", "Run"),
    ("log", "Log"),
)
