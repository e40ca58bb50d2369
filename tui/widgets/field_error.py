"""The one-line message next to a field: an error, or a short confirmation."""

from __future__ import annotations

from textual.widgets import Static

__all__ = ["FieldError"]


class FieldError(Static):
    """Hidden while empty. Text is shown literally (messages quote user input)."""

    DEFAULT_CSS = """
    FieldError { color: $text-error; height: auto; display: none; padding: 0 1; }
    FieldError.-shown { display: block; }
    FieldError.-info { color: $text-success; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", markup=False, id=id, classes=classes)

    def show_error(self, message: str) -> None:
        self.remove_class("-info")
        self._show(message)

    def show_info(self, message: str) -> None:
        self.add_class("-info")
        self._show(message)

    def clear(self) -> None:
        self.show_error("")

    def _show(self, message: str) -> None:
        self.update(message)
        self.set_class(bool(message), "-shown")
