"""`Prefilter(Model, "field").op(value)`: metadata-checked WHERE conditions.

The builder refuses a field the model does not have (suggesting the closest name) and an
operator the field's metadata does not allow (listing the allowed ones), and coerces the value
to the field's type, so a mistake surfaces where it is written, not mid-run.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from hrtech_etl.core.filters import coerce_value
from hrtech_etl.core.metadata import FieldMeta, model_meta
from hrtech_etl.core.types import Condition, Operator

__all__ = ["Prefilter"]


class Prefilter:
    """Builds one WHERE `Condition` on ``model.field`` with an operator its metadata allows."""

    __slots__ = ("field", "meta", "model")

    def __init__(self, model: type[BaseModel], field: str) -> None:
        self.model = model
        self.field = field
        self.meta: FieldMeta = model_meta(model).field(field)

    def __repr__(self) -> str:
        return f"Prefilter({self.model.__name__}, {self.field!r})"

    @property
    def allowed_operators(self) -> list[Operator]:
        return [op for op in Operator if op in self.meta.operators]

    def condition(self, op: Operator | str, value: Any) -> Condition:
        """The condition ``field op value``, validated and with its value coerced."""
        model_meta(self.model).check_operator(self.field, op)
        operator = Operator(op)
        coerced = coerce_value(self.model, self.field, operator, value)
        return Condition(field=self.field, op=operator, value=coerced)

    def eq(self, value: Any) -> Condition:
        return self.condition(Operator.EQ, value)

    def ne(self, value: Any) -> Condition:
        return self.condition(Operator.NE, value)

    def gt(self, value: Any) -> Condition:
        return self.condition(Operator.GT, value)

    def gte(self, value: Any) -> Condition:
        return self.condition(Operator.GTE, value)

    def lt(self, value: Any) -> Condition:
        return self.condition(Operator.LT, value)

    def lte(self, value: Any) -> Condition:
        return self.condition(Operator.LTE, value)

    def in_(self, values: Any) -> Condition:
        return self.condition(Operator.IN, values)

    def not_in(self, values: Any) -> Condition:
        return self.condition(Operator.NOT_IN, values)

    def contains(self, value: Any) -> Condition:
        return self.condition(Operator.CONTAINS, value)
