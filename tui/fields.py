"""Field names for editors, from the schema export (`Draft.fields()`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["dotted_names"]


def dotted_names(fields: Iterable[dict[str, Any]], prefix: str = "") -> list[str]:
    """Every field, nested ones as ``location.city``, in schema order."""
    names: list[str] = []
    for field in fields:
        name = prefix + field["name"]
        names.append(name)
        names.extend(dotted_names(field.get("children", ()), prefix=name + "."))
    return names
