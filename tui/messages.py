"""Messages. Workers only ever post these past-tense facts; `@on` handlers update the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.message import Message

from hrtech_etl.core.progress import ProgressEvent
from hrtech_etl.core.registry import ConnectorMeta
from hrtech_etl.core.runner import RunOutcome
from hrtech_etl.core.types import Cursor
from tui.preview_rows import PreviewData

__all__ = [
    "ConnectorsListed",
    "DraftEdited",
    "LogRecorded",
    "ParamsExplained",
    "ParamsFailed",
    "PreviewFailed",
    "PreviewLoaded",
    "ProfileSaved",
    "RunFailed",
    "RunFinished",
    "RunProgressed",
    "SaveFailed",
    "StoredCursorLoaded",
]


class ConnectorsListed(Message):
    def __init__(self, connectors: list[ConnectorMeta]) -> None:
        super().__init__()
        self.connectors = connectors


class DraftEdited(Message):
    """An editor changed the Draft (``part``: resource, origin, target, where, having, ...)."""

    def __init__(self, part: str, source: object) -> None:
        super().__init__()
        self.part = part
        self.source = source


class PreviewLoaded(Message):
    def __init__(self, data: PreviewData, version: int) -> None:
        super().__init__()
        self.data = data
        self.version = version


class PreviewFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class RunProgressed(Message):
    def __init__(self, event: ProgressEvent) -> None:
        super().__init__()
        self.event = event


class RunFinished(Message):
    def __init__(self, outcome: RunOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class RunFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class ParamsExplained(Message):
    def __init__(self, explained: dict[str, Any], version: int) -> None:
        super().__init__()
        self.explained = explained
        self.version = version


class ParamsFailed(Message):
    def __init__(self, error: str, version: int) -> None:
        super().__init__()
        self.error = error
        self.version = version


class StoredCursorLoaded(Message):
    def __init__(self, cursor: Cursor | None, error: str | None = None) -> None:
        super().__init__()
        self.cursor = cursor
        self.error = error


class ProfileSaved(Message):
    """A save finished: the file, the env vars its secrets need, the name it saved under."""

    def __init__(self, path: Path, needed: list[str], name: str, version: int) -> None:
        super().__init__()
        self.path = path
        self.needed = needed
        self.name = name
        self.version = version


class SaveFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class LogRecorded(Message):
    """A line for the Log pane (library warnings included)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
