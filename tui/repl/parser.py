"""REPL expressions, read with `ast` and interpreted from a whitelist — never `eval`.

Three expression forms are understood, as in the library's own API::

    Prefilter(LocalJob, "title").contains("engineer")
    Condition(field="status", op="eq", value="open")
    Cursor(mode="updated_at", start="2024-01-01T00:00:00Z", sort_by="asc")

The source is parsed into a syntax tree, which is walked node by node; only the shapes above
are accepted. Values must be literals: strings, numbers, booleans, ``None``, lists or tuples of
those, ``datetime(...)`` / ``date(...)`` with number arguments, and members of the `Operator`,
`CursorMode` and `SortOrder` enums (looked up in their member tables, not with ``getattr``).
Model names resolve through the mapping the caller passes (the registered connectors' native
models). Anything else — imports, dunders, lambdas, comprehensions, f-strings, other calls or
attribute access — is refused with an `ExpressionError` before anything is built, so a refused
expression has no effect at all.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, NoReturn, TypeVar

from pydantic import BaseModel, ValidationError

from hrtech_etl.core.errors import ConfigError, did_you_mean
from hrtech_etl.core.expressions import Prefilter
from hrtech_etl.core.types import Condition, CursorMode, Operator, SortOrder
from tui.repl.grammar import BUILDER_KEYWORDS, BUILDERS, ENUMS, OPERATOR_METHODS, VALUE_CALLS

__all__ = ["ConditionExpr", "CursorExpr", "Expr", "ExpressionError", "parse_expression"]

_E = TypeVar("_E", bound=Enum)

MAX_LENGTH = 4_000
MAX_NODES = 400


class ExpressionError(ConfigError):
    """An expression the REPL refuses; its message says what and where."""


@dataclass(frozen=True)
class ConditionExpr:
    """A filter. ``value`` is as written (saved as is); ``condition`` is validated and coerced.

    ``model`` is the model a ``Prefilter`` named (its metadata validated the condition), or
    ``None`` for a ``Condition(...)``, which the session validates against the origin.
    """

    condition: Condition
    value: Any
    model: type[BaseModel] | None

    @property
    def field(self) -> str:
        return self.condition.field

    @property
    def op(self) -> Operator:
        return self.condition.op


@dataclass(frozen=True)
class CursorExpr:
    """A cursor setting; ``None`` means "keep the current one" (``start_given``: clear it)."""

    mode: CursorMode | None
    start: str | None
    sort_by: SortOrder | None
    start_given: bool


Expr = ConditionExpr | CursorExpr

_REFUSED: dict[type[ast.AST], str] = {
    ast.Lambda: "lambdas are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.JoinedStr: "f-strings are not allowed; write a plain string",
    ast.FormattedValue: "f-strings are not allowed; write a plain string",
    ast.NamedExpr: "assignments are not allowed",
    ast.Subscript: "indexing is not allowed",
    ast.Starred: "unpacking (*args) is not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.IfExp: "conditional expressions are not allowed",
    ast.BinOp: "operators such as + or * are not allowed; write the value itself",
    ast.BoolOp: "'and' / 'or' are not allowed; add one condition at a time",
    ast.Compare: "comparisons such as == are not allowed; use .eq(...), .gt(...) and so on",
    ast.Dict: "dicts are not allowed as values",
    ast.Set: "sets are not allowed as values; use a list",
    ast.Slice: "slices are not allowed",
}
_STATEMENTS: dict[type[ast.AST], str] = {
    ast.Import: "imports are not allowed",
    ast.ImportFrom: "imports are not allowed",
    ast.Assign: "assignments are not allowed",
    ast.AugAssign: "assignments are not allowed",
    ast.AnnAssign: "assignments are not allowed",
    ast.Delete: "del is not allowed",
    ast.FunctionDef: "definitions are not allowed",
    ast.AsyncFunctionDef: "definitions are not allowed",
    ast.ClassDef: "definitions are not allowed",
}
_SCALARS = (str, int, float, bool, type(None))


def _fail(message: str, node: ast.AST | None = None) -> NoReturn:
    col = node.col_offset if isinstance(node, ast.expr | ast.keyword) else None
    where = f" (at column {col + 1})" if col is not None else ""
    raise ExpressionError(f"{message}{where}")


def parse_expression(text: str, models: Mapping[str, type[BaseModel]]) -> Expr:
    """Read one expression. Raises `ExpressionError` (or the library's `ConfigError` for a bad
    field, operator or value, with a "did you mean") and builds nothing when it does."""
    source = text.strip()
    if not source:
        _fail("empty expression")
    if len(source) > MAX_LENGTH:
        _fail(f"expression too long ({len(source)} characters; the limit is {MAX_LENGTH})")
    tree = _parse(source)
    _precheck(tree)
    return _Interpreter(models).expression(tree.body)


def _parse(source: str) -> ast.Expression:
    try:
        return ast.parse(source, mode="eval")
    except SyntaxError as exc:
        statement = _statement_kind(source)
        if statement:
            _fail(statement)
        detail = exc.msg or "invalid syntax"
        col = f" at column {exc.offset}" if exc.offset else ""
        raise ExpressionError(f"syntax error{col}: {detail}") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"cannot read this expression: {exc}") from None


def _statement_kind(source: str) -> str | None:
    """Why a statement (``import os``, ``x = 1``) is refused, for a clearer message."""
    try:
        module = ast.parse(source, mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if len(module.body) > 1:
        return "one expression at a time"
    for node in module.body:
        for kind, message in _STATEMENTS.items():
            if isinstance(node, kind):
                return message
        if not isinstance(node, ast.Expr):
            return f"{type(node).__name__.lower()} statements are not allowed"
    return None


def _precheck(tree: ast.Expression) -> None:
    """Refuse dunders and forbidden node kinds anywhere, before interpreting anything."""
    for count, node in enumerate(ast.walk(tree), start=1):
        if count > MAX_NODES:
            _fail(f"expression too large (more than {MAX_NODES} parts)")
        name = None
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.keyword):
            name = node.arg
        if name is not None and name.startswith("__"):
            _fail(
                f"{name!r} is not allowed (names with double underscores are always refused)", node
            )
        for kind, message in _REFUSED.items():
            if isinstance(node, kind):
                _fail(message, node)


class _Interpreter:
    def __init__(self, models: Mapping[str, type[BaseModel]]) -> None:
        self.models = models

    # -- expressions --
    def expression(self, node: ast.expr) -> Expr:
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and _is_call_to(func.value, "Prefilter"):
                return self.prefilter_method(func, node)
            if isinstance(func, ast.Name):
                if func.id == "Prefilter":
                    prefilter = self.prefilter(node)
                    methods = ", ".join(
                        f".{name}(...)"
                        for name, op in OPERATOR_METHODS.items()
                        if op in prefilter.allowed_operators
                    )
                    _fail(f"{prefilter!r} needs an operator: {methods or 'none allowed'}", node)
                if func.id == "Condition":
                    return self.condition(node)
                if func.id == "Cursor":
                    return self.cursor(node)
        if isinstance(node, ast.Attribute):
            _fail(_attribute_message(node), node)
        if isinstance(node, ast.Call):
            _fail(_call_message(node), node)
        if isinstance(node, ast.Name):
            _fail(
                f"{node.id!r} on its own does nothing; start with "
                + ", ".join(f"{b}(...)" for b in BUILDERS),
                node,
            )
        _fail('expected Prefilter(Model, "field").op(value), Condition(...) or Cursor(...)', node)

    def prefilter(self, node: ast.Call) -> Prefilter:
        if node.keywords or len(node.args) != 2:
            _fail('Prefilter takes two arguments: Prefilter(Model, "field")', node)
        model_node, field_node = node.args
        if not isinstance(model_node, ast.Name):
            _fail("Prefilter's first argument is a model name, such as LocalJob", model_node)
        model = self.model(model_node)
        field = self.value(field_node)
        if not isinstance(field, str):
            _fail('the second argument is a field name in quotes, e.g. "title"', field_node)
        return Prefilter(model, field)

    def prefilter_method(self, func: ast.Attribute, node: ast.Call) -> ConditionExpr:
        assert isinstance(func.value, ast.Call)
        prefilter = self.prefilter(func.value)
        op = OPERATOR_METHODS.get(func.attr)
        if op is None:
            _fail(
                f"Prefilter has no method {func.attr!r}{did_you_mean(func.attr, OPERATOR_METHODS)};"
                f" methods: {', '.join(OPERATOR_METHODS)}",
                func,
            )
        if node.keywords or len(node.args) != 1:
            _fail(f".{func.attr}() takes one value", node)
        value = self.value(node.args[0])
        condition = prefilter.condition(op, value)  # field metadata: operator allowed, type
        return ConditionExpr(condition=condition, value=value, model=prefilter.model)

    def condition(self, node: ast.Call) -> ConditionExpr:
        given = self.keywords(node, "Condition")
        if "field" not in given or "op" not in given:
            _fail("Condition needs field= and op= (and value=)", node)
        field, op, value = given["field"], given["op"], given.get("value")
        if not isinstance(field, str):
            _fail("Condition's field= is a field name in quotes", node)
        operator = _enum(Operator, op, "op")
        try:
            condition = Condition(field=field, op=operator, value=value)
        except ValidationError as exc:
            _fail(f"Condition: {_first_error(exc)}", node)
        return ConditionExpr(condition=condition, value=value, model=None)

    def cursor(self, node: ast.Call) -> CursorExpr:
        given = self.keywords(node, "Cursor")
        mode = _enum(CursorMode, given["mode"], "mode") if "mode" in given else None
        order = _enum(SortOrder, given["sort_by"], "sort_by") if "sort_by" in given else None
        start = given.get("start")
        if isinstance(start, datetime | date):
            start = start.isoformat()
        elif isinstance(start, int) and not isinstance(start, bool):
            start = str(start)
        elif start is not None and not isinstance(start, str):
            _fail("Cursor's start= is a timestamp or an id (a string, a number or datetime(...))")
        return CursorExpr(mode=mode, start=start, sort_by=order, start_given="start" in given)

    def keywords(self, node: ast.Call, builder: str) -> dict[str, Any]:
        allowed = BUILDER_KEYWORDS[builder]
        listing = ", ".join(f"{k}=" for k in allowed)
        if node.args:
            _fail(f"{builder} takes keywords only: {listing}", node.args[0])
        given: dict[str, Any] = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                _fail("unpacking (**kwargs) is not allowed", keyword.value)
            if keyword.arg not in allowed:
                _fail(
                    f"{builder} has no keyword {keyword.arg!r}"
                    f"{did_you_mean(keyword.arg, allowed)}; keywords: {listing}",
                    keyword.value,
                )
            if keyword.arg in given:
                _fail(f"{keyword.arg}= is given twice", keyword.value)
            given[keyword.arg] = self.value(keyword.value)
        return given

    def model(self, node: ast.Name) -> type[BaseModel]:
        model = self.models.get(node.id)
        if model is None:
            known = sorted(self.models)
            _fail(
                f"unknown model {node.id!r}{did_you_mean(node.id, known)}; "
                f"models: {', '.join(known) or 'none (no connector is registered)'}",
                node,
            )
        return model

    # -- values --
    def value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            if not isinstance(node.value, _SCALARS):
                _fail(f"{type(node.value).__name__} values are not allowed", node)
            if isinstance(node.value, float) and not math.isfinite(node.value):
                _fail("numbers must be finite", node)
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = node.operand
            if (
                isinstance(operand, ast.Constant)
                and isinstance(operand.value, int | float)
                and not isinstance(operand.value, bool)
            ):
                number = self.value(operand)
                return -number if isinstance(node.op, ast.USub) else number
            _fail("only numbers take a sign", node)
        if isinstance(node, ast.List | ast.Tuple):
            items = [self.value(item) for item in node.elts]
            if any(isinstance(item, list) for item in items):
                _fail("lists cannot be nested", node)
            return items
        if isinstance(node, ast.Attribute):
            return self.enum_member(node)
        if isinstance(node, ast.Call):
            return self.value_call(node)
        if isinstance(node, ast.Name):
            if node.id in self.models:
                _fail(f"a model name ({node.id}) is not a value; put text in quotes", node)
            hint = did_you_mean(node.id, ["True", "False", "None"])
            _fail(f'unknown name {node.id!r}{hint}; put text in quotes: "{node.id}"', node)
        _fail(f"{type(node).__name__} is not a value; use a literal", node)

    def enum_member(self, node: ast.Attribute) -> Enum:
        if not isinstance(node.value, ast.Name) or node.value.id not in ENUMS:
            _fail(_attribute_message(node), node)
        enum = ENUMS[node.value.id]
        member = enum.__members__.get(node.attr)
        if member is None:
            members = list(enum.__members__)
            _fail(
                f"{node.value.id} has no member {node.attr!r}{did_you_mean(node.attr, members)};"
                f" members: {', '.join(members)}",
                node,
            )
        return member

    def value_call(self, node: ast.Call) -> date:
        if not isinstance(node.func, ast.Name) or node.func.id not in VALUE_CALLS:
            _fail(_call_message(node), node)
        if node.keywords:
            _fail(f"{node.func.id}() takes numbers only, e.g. datetime(2024, 1, 31)", node)
        parts = [self.value(arg) for arg in node.args]
        if not all(isinstance(p, int) and not isinstance(p, bool) for p in parts):
            _fail(f"{node.func.id}() takes whole numbers, e.g. {node.func.id}(2024, 1, 31)", node)
        limit = 7 if node.func.id == "datetime" else 3
        if not 3 <= len(parts) <= limit:
            _fail(f"{node.func.id}() takes 3 to {limit} numbers (year, month, day, ...)", node)
        try:
            return datetime(*parts) if node.func.id == "datetime" else date(*parts)
        except (ValueError, OverflowError) as exc:
            _fail(f"{node.func.id}(): {exc}", node)


def _is_call_to(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _attribute_message(node: ast.Attribute) -> str:
    return (
        f"attribute access (.{node.attr}) is not allowed; only Prefilter(...).eq/ne/gt/gte/lt/"
        "lte/in_/not_in/contains(...) and enum members such as Operator.EQ"
    )


def _call_message(node: ast.Call) -> str:
    callee = node.func.id if isinstance(node.func, ast.Name) else None
    allowed = ", ".join((*BUILDERS, *VALUE_CALLS))
    if callee is None:
        return f"this call is not allowed; you can call {allowed}"
    hint = did_you_mean(callee, (*BUILDERS, *VALUE_CALLS))
    return f"calling {callee!r} is not allowed{hint}; you can call {allowed}"


def _enum(enum: type[_E], value: Any, keyword: str) -> _E:
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            pass
    known = [str(member.value) for member in enum]
    hint = did_you_mean(str(value), known)
    _fail(f"{keyword}={value!r} is not one of {', '.join(known)}{hint}")


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {str(error['msg']).removeprefix('Value error, ')}"
