"""The footer: the key table's footer keys, then the focused pane's own keys.

Textual's `Footer` rebuilds a widget per key on every focus change, which costs a tenth of a
second each time on a small machine; this is one line of text, rebuilt from `tui.keys`.
Keys are clickable too.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.keys import KEYS, Key, key

__all__ = ["KeyBar"]


def _short(k: Key) -> str:
    first = k.keys.split(",")[0]
    if first.startswith("ctrl+"):
        return "^" + first.removeprefix("ctrl+")
    return k.display.split(",")[0]


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom; height: 1; background: $footer-background; color: $footer-foreground;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)

    def show_keys(self, scope: str | None, hidden: frozenset[str] = frozenset()) -> None:
        """The footer keys of the app (minus ``hidden`` actions) and those of ``scope``."""
        keys = [k for k in KEYS if k.scope == scope] if scope else []
        keys += [k for k in KEYS if k.scope == "app" and k.footer and k.action not in hidden]
        keys.append(key("app.palette"))
        parts: list[Content] = []
        for k in keys:
            # App keys are clickable; a pane's keys act on its highlighted row, so they are not.
            click = f"@click=app.{k.action}" if k.scope == "app" else ""
            markup = (
                f"[{click}][bold $footer-key-foreground]$key[/] $name[/]"
                if click
                else ("[bold $footer-key-foreground]$key[/] $name")
            )
            parts.append(Content.from_markup(markup, key=_short(k), name=k.short or k.description))
        self.update(Content("  ").join(parts))
