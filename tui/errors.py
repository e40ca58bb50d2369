"""Exceptions as the one line the UI shows next to a field (never a traceback)."""

from __future__ import annotations

from hrtech_etl.core.errors import HrtechEtlError

__all__ = ["one_line"]


def one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    first = text.splitlines()[0] if text else ""
    if isinstance(exc, HrtechEtlError):
        return first or type(exc).__name__
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__
