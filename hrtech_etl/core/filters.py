"""In-memory filters: HAVING conditions, and WHERE conditions a source cannot express.

Filters run once per record on runs of 100k+ records, so the work is split in two:

- at compile time (`compile_condition`), the dotted path is resolved against the model, the
  value is coerced to the field's type *once*, and a small closure is built for the operator;
- at run time the closure only reads the record's value and compares.

Semantics (the same for every caller: pipeline, CLI, TUI, REPL):

- ``eq`` / ``ne``: equality; a ``None`` value means "is null" / "is not null". Strings compare
  exactly (case-sensitive); enums by value. A record whose value is null is ``ne`` any non-null
  value (Python semantics, not SQL's three-valued logic).
- ``gt`` / ``gte`` / ``lt`` / ``lte``: a null record value never matches; values of another type
  than the field's never match.
- ``in`` / ``not_in``: membership in a list; the value may also be a JSON array string
  (``'["a", "b"]'``) or a comma-separated string (``"a,b"``). Use the JSON form when an item
  contains a comma. ``None`` in the list matches null.
- ``contains``: on text (``str`` and str-valued enums) a case-insensitive substring; on other
  types, equality. A list value means every item must be contained.
- Datetimes compare as aware UTC; naive record values are taken as UTC.

Paths may be dotted (``location.city``, ``salary.min``) and may pass through lists
(``skills.name``, ``experiences.location.city``, or a list field itself such as ``tags``). Then
the condition holds when *any* element matches; the negative operators ``ne`` / ``not_in`` hold
when *no* element matches the positive form (``tags ne "x"`` = "has no tag x"); ``eq None`` holds
when there is no non-null element (an empty list is "null"); and ``contains [a, b]`` holds when
each item is matched by some element.
"""

from __future__ import annotations

import dataclasses
import json
import types
from collections.abc import (
    Callable,
    Iterable,
    Mapping,
    MutableSequence,
    MutableSet,
    Sequence,
    Set,
)
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from functools import lru_cache
from typing import Annotated, Any, Literal, TypeAlias, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from hrtech_etl.core.errors import CoercionError, UnknownFieldError
from hrtech_etl.core.types import Condition, Operator, parse_timestamp

__all__ = [
    "FieldPath",
    "Predicate",
    "apply_postfilters",
    "coerce_value",
    "compile_condition",
    "compile_conditions",
    "get_path_value",
    "known_paths",
    "resolve_path",
]

Predicate: TypeAlias = Callable[[BaseModel], bool]

_LIST_ORIGINS: frozenset[Any] = frozenset(
    {list, tuple, set, frozenset, Sequence, MutableSequence, Set, MutableSet}
)
_UNION_ORIGINS: frozenset[Any] = frozenset({Union, types.UnionType})
_COLLECTIONS = (list, tuple, set, frozenset)


# --- paths ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Step:
    """One segment of a path: read ``name``, then flatten ``list_depth`` levels of lists."""

    name: str
    is_model_field: bool  # False: a key inside a dict / an attribute of an untyped value
    list_depth: int


@dataclass(frozen=True, slots=True)
class FieldPath:
    """A dotted path resolved against a model.

    ``leaf_type`` is the Python type at the end of the path with ``Optional``, ``Annotated`` and
    list wrappers removed (``object`` when untyped, e.g. inside ``extra``). ``through_list`` is
    True when any segment (or the leaf itself) is a list: conditions then match if any element
    does. ``choices`` holds the allowed values of a ``Literal`` leaf.
    """

    model_name: str
    path: str
    leaf_type: type[Any]
    through_list: bool
    nullable: bool
    choices: tuple[Any, ...] | None = None
    steps: tuple[_Step, ...] = field(default=(), repr=False)

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(step.name for step in self.steps)

    @property
    def is_text(self) -> bool:
        """True for ``str`` leaves and enums whose values are all strings."""
        return _is_text_type(self.leaf_type)


@dataclass(frozen=True, slots=True)
class _TypeShape:
    leaf: Any
    list_depth: int
    nullable: bool
    choices: tuple[Any, ...] | None


def _shape(annotation: Any) -> _TypeShape:
    """Strip Annotated / Optional / list wrappers down to the element type."""
    tp = annotation
    list_depth = 0
    nullable = False
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in _UNION_ORIGINS:
            members = [arg for arg in get_args(tp) if arg is not type(None)]
            nullable = nullable or len(members) < len(get_args(tp))
            if len(members) != 1:
                return _TypeShape(object, list_depth, nullable, None)  # ambiguous union
            tp = members[0]
        elif origin in _LIST_ORIGINS:
            args = [arg for arg in get_args(tp) if arg is not Ellipsis]
            list_depth += 1
            tp = args[0] if args else Any
        elif origin is Literal:
            choices = get_args(tp)
            kinds = {type(choice) for choice in choices}
            leaf = kinds.pop() if len(kinds) == 1 else object
            return _TypeShape(leaf, list_depth, nullable, choices)
        elif tp is Any or origin is not None or not isinstance(tp, type):
            return _TypeShape(object, list_depth, nullable, None)  # dict[...], TypeVar, ...
        else:
            return _TypeShape(tp, list_depth, nullable, None)


def _alias_map(model_cls: type[BaseModel]) -> dict[str, str]:
    return {
        info.alias: name
        for name, info in model_cls.model_fields.items()
        if info.alias and info.alias != name
    }


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _is_text_type(tp: Any) -> bool:
    if tp is str:
        return True
    if isinstance(tp, type) and issubclass(tp, Enum):
        return all(isinstance(member.value, str) for member in tp)
    return False


def _level_paths(model_cls: type[BaseModel], prefix: str) -> list[str]:
    return [f"{prefix}{name}" for name in model_cls.model_fields]


@lru_cache(maxsize=64)
def known_paths(model_cls: type[BaseModel]) -> tuple[str, ...]:
    """Every dotted path `resolve_path` accepts on ``model_cls`` (nested models included)."""
    found: list[str] = []

    def walk(cls: type[BaseModel], prefix: str, seen: tuple[type[BaseModel], ...]) -> None:
        for name, info in cls.model_fields.items():
            found.append(prefix + name)
            leaf = _shape(info.annotation).leaf
            if _is_model(leaf) and leaf not in seen:
                walk(leaf, f"{prefix}{name}.", (*seen, leaf))

    walk(model_cls, "", (model_cls,))
    return tuple(found)


@lru_cache(maxsize=1024)
def resolve_path(model_cls: type[BaseModel], path: str) -> FieldPath:
    """Resolve a dotted ``path`` on ``model_cls``.

    Walks nested models, lists of models (``skills.name``) and, past an untyped value such as a
    ``dict`` field, free keys (``extra.anything``). Field aliases are accepted.

    Raises `UnknownFieldError` listing the fields at the level that failed, with the closest
    match suggested.
    """
    model_name = model_cls.__name__
    segments = [segment.strip() for segment in path.strip().split(".")]
    if not all(segments):
        raise UnknownFieldError(model_name, path, known_paths(model_cls))

    steps: list[_Step] = []
    current: type[BaseModel] | None = model_cls
    shape = _TypeShape(model_cls, 0, False, None)
    nullable = False
    prefix = ""
    level: list[str] = []
    for index, segment in enumerate(segments):
        if current is None:
            if shape.leaf is object:  # untyped (dict, Any): free keys from here on
                steps.append(_Step(segment, False, 0))
                continue
            # A scalar has no sub-fields (``title.foo``): list the level it lives on.
            raise UnknownFieldError(model_name, path, level)
        fields = current.model_fields
        level = _level_paths(current, prefix)
        name = segment if segment in fields else _alias_map(current).get(segment)
        if name is None:
            if index < len(segments) - 1:
                # ``skils.name``: offer full paths of the same depth, so the suggestion is
                # ``skills.name`` rather than ``skills``.
                depth = len(segments) - 1
                level = [
                    known
                    for known in known_paths(model_cls)
                    if known.startswith(prefix) and known.count(".") == depth
                ] or level
            raise UnknownFieldError(model_name, path, level)
        shape = _shape(fields[name].annotation)
        nullable = nullable or shape.nullable
        steps.append(_Step(name, True, shape.list_depth))
        prefix = f"{prefix}{name}."
        current = shape.leaf if _is_model(shape.leaf) else None

    canonical = ".".join(step.name for step in steps)
    return FieldPath(
        model_name=model_name,
        path=canonical,
        leaf_type=shape.leaf,
        through_list=any(step.list_depth for step in steps),
        nullable=nullable,
        choices=shape.choices,
        steps=tuple(steps),
    )


def _read(obj: Any, step: _Step) -> Any:
    if step.is_model_field:
        return getattr(obj, step.name, None)
    if isinstance(obj, Mapping):
        return obj.get(step.name)
    return getattr(obj, step.name, None)


def _collect(obj: Any, steps: tuple[_Step, ...], index: int, out: list[Any]) -> None:
    """Append every leaf value reachable from ``obj`` through ``steps[index:]``."""
    if index == len(steps):
        out.append(obj)
        return
    if obj is None:
        out.append(None)
        return
    step = steps[index]
    items = [_read(obj, step)]
    for _ in range(step.list_depth):
        flat: list[Any] = []
        for item in items:
            if isinstance(item, _COLLECTIONS):
                flat.extend(item)
            elif item is not None:
                flat.append(item)
        items = flat
    for item in items:
        _collect(item, steps, index + 1, out)


def _getter(field_path: FieldPath) -> Callable[[Any], Any]:
    """A fast reader: the value for a plain path, an iterable of leaf values through lists."""
    steps = field_path.steps
    if field_path.through_list:
        # The two common shapes get a direct reader; others go through `_collect`.
        first = steps[0]
        if first.is_model_field and first.list_depth == 1:
            outer = first.name
            if len(steps) == 1:  # a list field: ``tags``
                return lambda record: getattr(record, outer, None) or ()
            second = steps[1]
            if len(steps) == 2 and second.is_model_field and second.list_depth == 0:
                inner = second.name  # a field of each element: ``skills.name``
                return lambda record: [
                    getattr(item, inner, None)
                    for item in getattr(record, outer, None) or ()
                    if item is not None
                ]

        def read_all(record: Any) -> list[Any]:
            out: list[Any] = []
            _collect(record, steps, 0, out)
            return out

        return read_all
    if len(steps) == 1 and steps[0].is_model_field:
        name = steps[0].name
        return lambda record: getattr(record, name, None)

    def read_one(record: Any) -> Any:
        value = record
        for step in steps:
            if value is None:
                return None
            value = _read(value, step)
        return value

    return read_one


def get_path_value(obj: Any, path: str) -> Any:
    """The value at a dotted ``path`` of a model instance (or dict).

    Through lists, the result is the flat list of values, one per element reached
    (``get_path_value(profile, "skills.name") == ["python", "sql"]``). A missing or null
    intermediate value gives ``None``. On a model, an unknown path raises `UnknownFieldError`.
    """
    if isinstance(obj, BaseModel):
        field_path = resolve_path(type(obj), path)
        value = _getter(field_path)(obj)
        return list(value) if field_path.through_list else value
    return _walk_untyped(obj, path.split("."))


def _walk_untyped(value: Any, segments: list[str]) -> Any:
    for index, segment in enumerate(segments):
        if value is None:
            return None
        if isinstance(value, _COLLECTIONS):
            flat: list[Any] = []
            for item in value:
                found = _walk_untyped(item, segments[index:])
                if isinstance(found, list):
                    flat.extend(found)
                else:
                    flat.append(found)
            return flat
        value = value.get(segment) if isinstance(value, Mapping) else getattr(value, segment, None)
    return value


# --- coercion ------------------------------------------------------------------------------------

_TRUE = frozenset({"true", "1", "yes", "y", "on", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "off", "f"})


def _type_name(tp: type[Any]) -> str:
    if tp is object:
        return "any value"
    return tp.__name__


def _coerce_scalar(field_path: FieldPath, value: Any) -> Any:
    """Coerce one non-null value to the leaf type, or raise `CoercionError`."""
    tp = field_path.leaf_type
    name = field_path.path

    def fail(hint: str = "") -> CoercionError:
        return CoercionError(name, value, _type_name(tp), hint)

    if tp is object:
        return value
    value_text = value.strip() if isinstance(value, str) else ""
    if tp is datetime:
        if isinstance(value, bool):
            raise fail()
        try:
            return parse_timestamp(value)
        except (ValueError, OverflowError, OSError):  # bad text, epoch out of range
            raise fail("ISO-8601 like 2024-01-01T00:00:00Z, or epoch seconds") from None
    if tp is date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value_text)
            except ValueError:
                pass
        try:
            return parse_timestamp(value).date()
        except (ValueError, OverflowError, OSError):
            raise fail("ISO-8601 date like 2024-01-31") from None
    if tp is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            folded = value_text.casefold()
            if folded in _TRUE:
                return True
            if folded in _FALSE:
                return False
        raise fail("true/false, yes/no or 1/0")
    if tp is int:
        if isinstance(value, bool):
            raise fail()
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value_text)
            except ValueError:
                try:
                    number = float(value_text)
                except ValueError:
                    raise fail("a whole number") from None
                if number.is_integer():
                    return int(number)
        raise fail("a whole number")
    if tp is float:
        if isinstance(value, bool):
            raise fail()
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value_text)
            except ValueError:
                pass
        raise fail("a number")
    if issubclass(tp, Enum):
        return _coerce_enum(field_path, tp, value)
    if tp is str:
        if isinstance(value, str):
            text = value
        elif isinstance(value, Enum) and isinstance(value.value, str):
            text = value.value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            text = str(value)
        else:
            raise fail()
        return _check_choice(field_path, text)
    if issubclass(tp, BaseModel):
        if isinstance(value, tp):
            return value
        sub_field = next(iter(tp.model_fields), "")
        hint = f"a JSON object, or filter a sub-field such as '{name}.{sub_field}'"
        parsed = value
        if isinstance(value, str):
            try:
                parsed = json.loads(value)
            except ValueError:
                raise fail(hint) from None
        try:
            return tp.model_validate(parsed)
        except ValidationError:
            raise fail(hint) from None
    if isinstance(value, tp):
        return _check_choice(field_path, value)
    try:
        return _check_choice(field_path, tp(value))
    except (TypeError, ValueError):
        raise fail() from None


def _check_choice(field_path: FieldPath, value: Any) -> Any:
    choices = field_path.choices
    if choices is None or value in choices:
        return value
    if isinstance(value, str):
        folded = value.casefold()
        for choice in choices:
            if isinstance(choice, str) and choice.casefold() == folded:
                return choice
    allowed = ", ".join(str(choice) for choice in choices)
    raise CoercionError(field_path.path, value, f"one of {allowed}")


def _coerce_enum(field_path: FieldPath, enum_cls: type[Enum], value: Any) -> Any:
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(value)
    except ValueError:
        pass
    text = str(value.value if isinstance(value, Enum) else value).strip().casefold()
    for member in enum_cls:
        if str(member.value).casefold() == text or member.name.casefold() == text:
            return member
    allowed = ", ".join(str(member.value) for member in enum_cls)
    raise CoercionError(field_path.path, value, enum_cls.__name__, f"one of: {allowed}")


def _as_list(field_path: FieldPath, value: Any) -> list[Any]:
    """An IN / NOT IN value as a list: a list, a JSON array string, a CSV string or one value."""
    if isinstance(value, _COLLECTIONS):
        return list(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError:
                raise CoercionError(
                    field_path.path, value, "list", 'a JSON array like ["a", "b"]'
                ) from None
            if not isinstance(parsed, list):
                raise CoercionError(field_path.path, value, "list")
            return parsed
        if not text:
            return []
        return [item.strip() for item in text.split(",") if item.strip()]
    return [value]


def coerce_value(
    model_cls: type[BaseModel],
    field_path: FieldPath | str,
    op: Operator | str,
    value: Any,
) -> Any:
    """Coerce a filter value (as typed by a user, or read from JSON/TOML) to the field's type.

    ``in`` / ``not_in`` give a list, each item coerced (``None`` items kept). ``contains`` on a
    text field gives a string, or a list of strings when given a list. ``eq`` / ``ne`` keep
    ``None`` (is null); every other operator requires a value. Datetimes come back aware UTC.

    Raises `CoercionError` naming the field, the value and the expected type.
    """
    if not isinstance(field_path, FieldPath):
        field_path = resolve_path(model_cls, field_path)
    op = Operator(op)
    if op.takes_list:
        items = _as_list(field_path, value)
        return [None if item is None else _coerce_scalar(field_path, item) for item in items]
    if value is None:
        if op in (Operator.EQ, Operator.NE):
            return None
        raise CoercionError(
            field_path.path, value, _type_name(field_path.leaf_type), f"{op.value} needs a value"
        )
    if op is Operator.CONTAINS:
        # Text is searched by substring, so an enum or Literal field takes any text here.
        if field_path.is_text:
            field_path = dataclasses.replace(field_path, leaf_type=str, choices=None)
        if isinstance(value, _COLLECTIONS):
            return [_coerce_scalar(field_path, item) for item in value]
    return _coerce_scalar(field_path, value)


# --- compiling -----------------------------------------------------------------------------------


def _normaliser(leaf_type: type[Any]) -> Callable[[Any], Any] | None:
    """How to read a record's value before comparing it (None when it is compared as is)."""
    if leaf_type is datetime:

        def as_aware(value: Any) -> Any:
            if isinstance(value, datetime):
                return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
            if value is None:
                return None
            try:
                return parse_timestamp(value)
            except ValueError:
                return value

        return as_aware
    if leaf_type is date:
        return lambda value: value.date() if isinstance(value, datetime) else value
    if isinstance(leaf_type, type) and issubclass(leaf_type, Enum):
        # Compare enums by value: robust to models that store raw values, and hashable alike.
        return lambda value: value.value if isinstance(value, Enum) else value
    return None


def _target_for(leaf_type: type[Any], target: Any) -> Any:
    if isinstance(target, Enum) and isinstance(leaf_type, type) and issubclass(leaf_type, Enum):
        return target.value
    return target


def _membership(items: list[Any]) -> Callable[[Any], bool]:
    try:
        pool: frozenset[Any] | tuple[Any, ...] = frozenset(items)
    except TypeError:  # unhashable items (models, dicts): linear scan
        pool = tuple(items)
    return pool.__contains__


def _text_contains(needle: str) -> Callable[[Any], bool]:
    folded = needle.casefold()
    return lambda value: isinstance(value, str) and folded in value.casefold()


def _dynamic_contains(needle: Any) -> Callable[[Any], bool]:
    """``contains`` on an untyped value: substring for text, element match for lists."""
    if isinstance(needle, str):
        folded = needle.casefold()

        def match_text(value: Any) -> bool:
            if isinstance(value, str):
                return folded in value.casefold()
            if isinstance(value, _COLLECTIONS):
                return any(match_text(item) for item in value)
            return bool(value == needle)

        return match_text

    def match_value(value: Any) -> bool:
        if isinstance(value, _COLLECTIONS):
            return needle in value
        return bool(value == needle)

    return match_value


def _element_test(field_path: FieldPath, op: Operator, target: Any) -> Callable[[Any], bool]:
    """A test on one (normalised) leaf value, for the positive form of ``op``."""
    leaf = field_path.leaf_type
    if op in (Operator.EQ, Operator.NE):
        expected = _target_for(leaf, target)
        if expected is None:
            return lambda value: value is None
        return lambda value: bool(value == expected)
    if op in (Operator.IN, Operator.NOT_IN):
        return _membership([_target_for(leaf, item) for item in target])
    if op is Operator.CONTAINS:
        if leaf is object:
            return _dynamic_contains(target)
        if field_path.is_text:
            return _text_contains(target)
        expected = _target_for(leaf, target)
        return lambda value: bool(value == expected)
    bound = _target_for(leaf, target)
    compare: Callable[[Any, Any], bool] = {
        Operator.GT: lambda a, b: a > b,
        Operator.GTE: lambda a, b: a >= b,
        Operator.LT: lambda a, b: a < b,
        Operator.LTE: lambda a, b: a <= b,
    }[op]

    def in_range(value: Any) -> bool:
        if value is None:
            return False
        try:
            return bool(compare(value, bound))
        except TypeError:  # a value of another type (e.g. a model built without validation)
            return False

    return in_range


def _build(field_path: FieldPath, op: Operator, target: Any) -> Callable[[Any], bool]:
    get = _getter(field_path)
    norm = _normaliser(field_path.leaf_type)
    negative = op in (Operator.NE, Operator.NOT_IN)
    positive_op = {Operator.NE: Operator.EQ, Operator.NOT_IN: Operator.IN}.get(op, op)
    multi_contains = op is Operator.CONTAINS and isinstance(target, list)

    if multi_contains:
        tests = [_element_test(field_path, op, item) for item in target]
    else:
        test = _element_test(field_path, positive_op, target)

    if not field_path.through_list:
        if multi_contains:

            def scalar_all(record: Any) -> bool:
                value = get(record)
                if norm is not None:
                    value = norm(value)
                return all(t(value) for t in tests)

            return scalar_all
        if norm is None:
            if negative:
                return lambda record: not test(get(record))
            return lambda record: test(get(record))
        if negative:
            return lambda record: not test(norm(get(record)))
        return lambda record: test(norm(get(record)))

    if positive_op is Operator.EQ and target is None:
        # Through a list, "is null" means "has no non-null element".
        if negative:
            return lambda record: any(value is not None for value in get(record))
        return lambda record: all(value is None for value in get(record))

    if multi_contains:

        def each_contained(record: Any) -> bool:
            values = list(get(record)) if norm is None else [norm(v) for v in get(record)]
            return all(any(t(value) for value in values) for t in tests)

        return each_contained

    # Plain loops rather than any(<generator>): this runs once per record.
    if norm is None:

        def any_match(record: Any) -> bool:
            for value in get(record):  # noqa: SIM110
                if test(value):
                    return True
            return False

    else:

        def any_match(record: Any) -> bool:
            for value in get(record):  # noqa: SIM110
                if test(norm(value)):
                    return True
            return False

    if negative:
        return lambda record: not any_match(record)
    return any_match


def _as_condition(condition: Condition | Mapping[str, Any]) -> Condition:
    return condition if isinstance(condition, Condition) else Condition.model_validate(condition)


def compile_condition(
    model_cls: type[BaseModel], condition: Condition | Mapping[str, Any]
) -> Predicate:
    """Compile one condition into a predicate on instances of ``model_cls``.

    The path is resolved and the value coerced here, once; errors (`UnknownFieldError`,
    `CoercionError`) surface before any record is read.
    """
    condition = _as_condition(condition)
    field_path = resolve_path(model_cls, condition.field)
    target = coerce_value(model_cls, field_path, condition.op, condition.value)
    return _build(field_path, condition.op, target)


def compile_conditions(
    model_cls: type[BaseModel],
    conditions: Iterable[Condition | Mapping[str, Any]] | None,
) -> Predicate | None:
    """The AND of all ``conditions`` as one predicate, or None when there are none."""
    predicates = [compile_condition(model_cls, condition) for condition in conditions or ()]
    if not predicates:
        return None
    if len(predicates) == 1:
        return predicates[0]
    if len(predicates) == 2:
        first, second = predicates
        return lambda record: first(record) and second(record)

    def all_match(record: BaseModel) -> bool:
        # A plain loop, not all(...): no generator object per record on the hot path.
        for predicate in predicates:  # noqa: SIM110
            if not predicate(record):
                return False
        return True

    return all_match


def apply_postfilters(
    records: Iterable[BaseModel],
    model_cls: type[BaseModel],
    conditions: Iterable[Condition | Mapping[str, Any]] | None,
) -> list[BaseModel]:
    """The records matching every condition (all of them when there are no conditions)."""
    predicate = compile_conditions(model_cls, conditions)
    if predicate is None:
        return list(records)
    return [record for record in records if predicate(record)]
