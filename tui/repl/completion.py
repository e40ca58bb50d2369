"""Two-stage completion: `classify` decides what belongs at the cursor, `candidates` lists it.

Both are pure. `classify` reads only the text before the cursor; `candidates` reads only a
`Catalog` (the models, fields and operators the registered connectors declare), so both are
unit-tested with fake metadata. `ReplCompleter` is the thin prompt-toolkit adapter.

What is offered where::

    \\wh|                                  commands
    \\origin |   \\load |   \\resource |     connectors, profile names, resources ...
    Pre|                                   Prefilter, Condition, Cursor
    Prefilter(|                            models (the origin's first)
    Prefilter(LocalJob, "|                 that model's prefilterable fields
    Prefilter(LocalJob, "status").|        the operators that field allows in WHERE
    Prefilter(LocalJob, "status").eq(|     the field's enum values
    Condition(|   Cursor(mode="|           keywords, then fields / operators / values / modes
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from hrtech_etl.core.types import Operator
from tui.repl.grammar import (
    BUILDER_KEYWORDS,
    BUILDERS,
    COMMANDS,
    METHOD_FOR,
    OPERATOR_METHODS,
    ArgKind,
    find_command,
)
from tui.repl.tokens import Token, scan

__all__ = [
    "Candidate",
    "Catalog",
    "Clause",
    "Context",
    "FieldInfo",
    "Kind",
    "ReplCompleter",
    "candidates",
    "classify",
]


class Kind(Enum):
    """What belongs at the cursor."""

    NONE = "none"
    COMMAND = "command"
    ACTION = "action"  # a sub-command: \where add|rm|clear
    BUILDER = "builder"  # Prefilter / Condition / Cursor
    MODEL = "model"
    FIELD = "field"
    METHOD = "method"  # .eq / .contains ... allowed on the field
    OPERATOR = "operator"  # op="..." in Condition(...)
    KEYWORD = "keyword"  # field= / op= / value= / mode= ...
    VALUE = "value"  # enum values, True / False
    CURSOR_MODE = "cursor mode"
    SORT_ORDER = "sort order"
    CONNECTOR = "connector"
    RESOURCE = "resource"
    PROFILE = "profile"
    SIDE = "side"


class Clause(Enum):
    WHERE = "where"  # fields limited to prefilterable ones, operators to the allowed ones
    HAVING = "having"  # in memory: every field, every operator


@dataclass(frozen=True)
class Context:
    """The classifier's answer. ``prefix`` is the partial word the candidates replace."""

    kind: Kind
    prefix: str = ""
    quote: str | None = None  # the cursor is inside a string opened with this quote
    quoted: bool = False  # candidates are string literals (expressions), not bare words
    model: str | None = None  # the model a Prefilter names; None means the origin's model
    field: str | None = None
    op: str | None = None
    clause: Clause = Clause.WHERE
    options: tuple[str, ...] = ()  # ACTION / KEYWORD: what may still be written


@dataclass(frozen=True)
class FieldInfo:
    """One field as the completer needs it (from the schema export)."""

    name: str
    type_name: str = ""
    operators: tuple[str, ...] = ()  # allowed in WHERE; empty = not prefilterable
    pushdown: Mapping[str, str] = field(default_factory=dict)  # op -> param or "(in memory)"
    choices: tuple[str, ...] = ()  # enum values
    cursor: str | None = None


class Catalog(Protocol):
    """The metadata completion reads. `tui.repl.catalog.DraftCatalog` is the real one."""

    def models(self) -> Sequence[tuple[str, str]]:
        """(model name, description); the origin's model first."""
        ...

    def fields(self, model: str | None) -> Sequence[FieldInfo]:
        """The fields of ``model`` (``None``: the origin's model); empty when unknown."""
        ...

    def cursor_modes(self) -> Sequence[str]: ...

    def connectors(self) -> Sequence[tuple[str, str]]: ...

    def profiles(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Candidate:
    text: str  # inserted in place of the prefix
    display: str
    meta: str = ""


# -- stage 1: classify ---------------------------------------------------------------------------


def classify(text: str, clause: Clause = Clause.WHERE) -> Context:
    """What kind of thing belongs at the end of ``text`` (the text before the cursor)."""
    stripped = text.lstrip()
    if stripped.startswith("\\"):
        return _classify_command(stripped)
    return _classify_expression(text, clause)


def _classify_command(text: str) -> Context:
    head, space, rest = text.partition(" ")
    if not space:
        if "\n" in head:
            return Context(Kind.NONE)
        return Context(Kind.COMMAND, prefix=head)
    spec = find_command(head)
    if spec is None:
        return Context(Kind.NONE)
    rest = rest.lstrip(" ")
    if spec.actions:
        action, space, after = rest.partition(" ")
        if not space:
            return Context(Kind.ACTION, prefix=action, options=tuple(spec.actions))
        kind = spec.actions.get(action)
        return _classify_argument(kind, after, []) if kind else Context(Kind.NONE)
    if not spec.args:
        return Context(Kind.NONE)
    if spec.args[0] in (ArgKind.WHERE_EXPR, ArgKind.HAVING_EXPR):
        return _classify_argument(spec.args[0], rest, [])
    words = rest.split(" ")
    done = [w for w in words[:-1] if w]
    kind = spec.args[min(len(done), len(spec.args) - 1)]
    return _classify_argument(kind, words[-1], done)


def _classify_argument(kind: ArgKind, text: str, done: list[str]) -> Context:
    if kind is ArgKind.WHERE_EXPR:
        return _classify_expression(text, Clause.WHERE)
    if kind is ArgKind.HAVING_EXPR:
        return _classify_expression(text, Clause.HAVING)
    if kind is ArgKind.CURSOR_SETTING:
        key, equals, value = text.partition("=")
        if not equals:
            used = {w.partition("=")[0] for w in done}
            free = tuple(k for k in BUILDER_KEYWORDS["Cursor"] if k not in used)
            return Context(Kind.KEYWORD, prefix=key, options=free)
        if key == "mode":
            return Context(Kind.CURSOR_MODE, prefix=value)
        if key == "sort_by":
            return Context(Kind.SORT_ORDER, prefix=value)
        return Context(Kind.NONE)
    simple = {
        ArgKind.CONNECTOR: Kind.CONNECTOR,
        ArgKind.RESOURCE: Kind.RESOURCE,
        ArgKind.PROFILE: Kind.PROFILE,
        ArgKind.SIDE: Kind.SIDE,
        ArgKind.COMMAND: Kind.COMMAND,
    }
    return Context(simple.get(kind, Kind.NONE), prefix=text)


@dataclass
class _Frame:
    """An open bracket while scanning: which call it belongs to and its arguments so far."""

    callee: str | None  # Prefilter / Condition / Cursor / a method name / "[" / None (top level)
    receiver: _Frame | None = None  # for a method: the Prefilter(...) it is called on
    parent: _Frame | None = None
    done: list[list[Token]] = field(default_factory=list)  # finished arguments
    current: list[Token] = field(default_factory=list)  # the argument being written

    def keyword_values(self) -> dict[str, str]:
        """Finished ``name=<string>`` arguments, e.g. ``{"field": "status"}``."""
        found: dict[str, str] = {}
        for arg in self.done:
            sig = _significant(arg)
            if len(sig) == 3 and sig[0].kind == "name" and sig[1].text == "=":
                found[sig[0].text] = sig[2].string_value
        return found

    def positional(self, index: int) -> list[Token]:
        return _significant(self.done[index]) if index < len(self.done) else []


def _significant(tokens: Iterable[Token]) -> list[Token]:
    return [t for t in tokens if t.kind != "ws"]


def _scan_frames(text: str) -> tuple[_Frame, _Frame | None]:
    """The innermost open frame at the end of ``text``, and the frame closed last in it."""
    root = _Frame(callee=None)
    frame = root
    last_closed: dict[int, _Frame] = {}  # id(frame) -> the frame closed most recently in it
    for token in scan(text):
        if token.kind == "op" and token.text in "([":
            sig = _significant(frame.current)
            callee: str | None = "["
            receiver = None
            if token.text == "(":
                callee = sig[-1].text if sig and sig[-1].kind == "name" else None
                if len(sig) >= 3 and sig[-2].text == "." and sig[-3].text == ")":
                    receiver = last_closed.get(id(frame))
                    callee = sig[-1].text
            frame.current.append(token)
            frame = _Frame(callee=callee, receiver=receiver, parent=frame)
        elif token.kind == "op" and token.text in ")]":
            if frame.parent is None:
                frame.current.append(token)
                continue
            closed, frame = frame, frame.parent
            last_closed[id(frame)] = closed
            frame.current.append(token)
        elif token.kind == "op" and token.text == ",":
            frame.done.append(frame.current)
            frame.current = []
        else:
            frame.current.append(token)
    return frame, last_closed.get(id(frame))


def _classify_expression(text: str, clause: Clause) -> Context:
    frame, closed = _scan_frames(text)
    tokens = frame.current
    last = tokens[-1] if tokens else None
    prefix, quote = "", None
    if last is not None and last.kind in ("name", "open_string"):
        prefix = last.string_value if last.kind == "open_string" else last.text
        quote = last.text[0] if last.kind == "open_string" else None
        before = _significant(tokens[:-1])
    else:
        before = _significant(tokens)
    in_name = last is not None and last.kind == "name"

    if frame.callee is None and frame.parent is None:  # top level
        if not before and (in_name or last is None or last.kind == "ws"):
            return Context(Kind.BUILDER, prefix=prefix)
        if (
            len(before) >= 2
            and before[-1].text == "."
            and before[-2].text == ")"
            and closed is not None
            and closed.callee == "Prefilter"
            and quote is None
        ):
            model, fld = _prefilter_target(closed)
            return Context(Kind.METHOD, prefix=prefix, model=model, field=fld, clause=clause)
        return Context(Kind.NONE)

    if frame.callee == "Prefilter" and not before:
        if len(frame.done) == 0 and quote is None:
            return Context(Kind.MODEL, prefix=prefix)
        if len(frame.done) == 1:
            model = _name_of(frame.positional(0))
            return Context(
                Kind.FIELD, prefix=prefix, quote=quote, quoted=True, model=model, clause=clause
            )
        return Context(Kind.NONE)

    value_frame = frame.parent if frame.callee == "[" and frame.parent else frame
    method = value_frame.callee
    if method is not None and method in OPERATOR_METHODS and value_frame.receiver is not None:
        if before:
            return Context(Kind.NONE)
        model, fld = _prefilter_target(value_frame.receiver)
        op = OPERATOR_METHODS[method].value
        return Context(
            Kind.VALUE, prefix=prefix, quote=quote, quoted=True, model=model, field=fld, op=op
        )

    if frame.callee is not None and frame.callee in BUILDER_KEYWORDS:
        keywords = BUILDER_KEYWORDS[frame.callee]
        given = frame.keyword_values()
        if not before and quote is None:
            used = {_name_of(_significant(arg)[:1]) for arg in frame.done}
            free = tuple(k for k in keywords if k not in used)
            return Context(Kind.KEYWORD, prefix=prefix, options=free)
        if len(before) == 2 and before[0].kind == "name" and before[1].text == "=":
            return _keyword_value(before[0].text, given, prefix, quote, clause)
    return Context(Kind.NONE)


def _keyword_value(
    keyword: str, given: dict[str, str], prefix: str, quote: str | None, clause: Clause
) -> Context:
    kinds = {
        "field": Kind.FIELD,
        "op": Kind.OPERATOR,
        "value": Kind.VALUE,
        "mode": Kind.CURSOR_MODE,
        "sort_by": Kind.SORT_ORDER,
    }
    kind = kinds.get(keyword)
    if kind is None:
        return Context(Kind.NONE)
    return Context(
        kind,
        prefix=prefix,
        quote=quote,
        quoted=True,
        field=given.get("field") if kind in (Kind.OPERATOR, Kind.VALUE) else None,
        op=given.get("op") if kind is Kind.VALUE else None,
        clause=clause,
    )


def _name_of(tokens: Sequence[Token]) -> str | None:
    return tokens[0].text if len(tokens) == 1 and tokens[0].kind == "name" else None


def _prefilter_target(frame: _Frame) -> tuple[str | None, str | None]:
    """(model, field) named in a scanned ``Prefilter(Model, "field")``."""
    args = [*frame.done, frame.current]
    model = _name_of(_significant(args[0])) if args else None
    field_tokens = _significant(args[1]) if len(args) > 1 else []
    fld = (
        field_tokens[0].string_value
        if len(field_tokens) == 1 and field_tokens[0].kind == "string"
        else None
    )
    return model, fld


# -- stage 2: candidates -------------------------------------------------------------------------

_BUILDER_HELP = {
    "Prefilter": "WHERE on a model's field, checked against its metadata",
    "Condition": "a WHERE (or \\having add) condition: field=, op=, value=",
    "Cursor": "the incremental cursor: mode=, start=, sort_by=",
}
_KEYWORD_HELP = {
    "field": "field name",
    "op": "operator",
    "value": "literal value",
    "mode": "id | created_at | updated_at",
    "start": "first-run start (timestamp or id)",
    "sort_by": "asc | desc",
}


class _Bare(str):
    """A word written as is even where candidates are string literals (``True``, ``False``)."""

    __slots__ = ()


def candidates(context: Context, catalog: Catalog) -> list[Candidate]:
    """What to offer for ``context``: words starting with the prefix, then words containing it."""
    options = list(_options(context, catalog))
    return _match(context, options)


def _options(context: Context, catalog: Catalog) -> Iterable[tuple[str, str]]:
    kind = context.kind
    if kind is Kind.COMMAND:
        for spec in COMMANDS:
            yield spec.name, spec.summary
        for spec in COMMANDS:
            for alias in spec.aliases:
                yield alias, f"= {spec.name}"
    elif kind in (Kind.ACTION, Kind.KEYWORD):
        suffix = "=" if kind is Kind.KEYWORD else ""
        for option in context.options:
            yield option + suffix, _KEYWORD_HELP.get(option, "")
    elif kind is Kind.BUILDER:
        for name in BUILDERS:
            yield name, _BUILDER_HELP[name]
    elif kind is Kind.MODEL:
        yield from catalog.models()
    elif kind is Kind.FIELD:
        for info in catalog.fields(context.model):
            if context.clause is Clause.WHERE and not info.operators:
                continue
            badge = f"  [cursor: {info.cursor}]" if info.cursor else ""
            yield info.name, f"{info.type_name}{badge}"
    elif kind in (Kind.METHOD, Kind.OPERATOR):
        yield from _operator_options(context, catalog)
    elif kind is Kind.VALUE:
        found = _field(catalog, context.model, context.field)
        if found is not None and found.choices:
            for choice in found.choices:
                yield choice, found.type_name
        elif found is not None and found.type_name.startswith("bool") and context.quote is None:
            yield _Bare("True"), "bool"
            yield _Bare("False"), "bool"
    elif kind is Kind.CURSOR_MODE:
        for mode in catalog.cursor_modes():
            yield mode, "cursor mode"
    elif kind is Kind.SORT_ORDER:
        yield "asc", "oldest first"
        yield "desc", "newest first"
    elif kind is Kind.CONNECTOR:
        yield from catalog.connectors()
    elif kind is Kind.RESOURCE:
        yield "job", "job postings"
        yield "profile", "candidate profiles"
    elif kind is Kind.PROFILE:
        for name in catalog.profiles():
            yield name, "sync profile"
    elif kind is Kind.SIDE:
        yield "origin", "where records come from"
        yield "target", "where they go"


def _operator_options(context: Context, catalog: Catalog) -> Iterable[tuple[str, str]]:
    info = _field(catalog, context.model, context.field)
    if context.clause is Clause.HAVING and context.kind is Kind.OPERATOR:
        allowed = [op.value for op in Operator]
        pushdown: Mapping[str, str] = {}
        fixed_meta = "in memory (HAVING)"
    elif info is None:
        if context.kind is Kind.METHOD or context.field:
            return  # an unknown field allows nothing; the parser will say why
        allowed, pushdown, fixed_meta = [op.value for op in Operator], {}, ""
    else:
        allowed, pushdown, fixed_meta = list(info.operators), info.pushdown, ""
    for value in allowed:
        word = METHOD_FOR[Operator(value)] if context.kind is Kind.METHOD else value
        param = pushdown.get(value, "")
        meta = fixed_meta or (
            "in memory" if not param or param.startswith("(") else f"pushed as {param}"
        )
        yield word, meta


def _field(catalog: Catalog, model: str | None, name: str | None) -> FieldInfo | None:
    if name is None:
        return None
    for info in catalog.fields(model):
        if info.name == name:
            return info
    return None


def _match(context: Context, options: list[tuple[str, str]]) -> list[Candidate]:
    prefix = context.prefix.lower()
    if context.kind is Kind.COMMAND:
        bare = not prefix.startswith("\\")
        prefix = prefix.removeprefix("\\")
    starts: list[Candidate] = []
    contains: list[Candidate] = []
    seen: set[str] = set()
    for word, meta in options:
        if word in seen:
            continue
        seen.add(word)
        key = word.lower()
        if context.kind is Kind.COMMAND:
            key = key.removeprefix("\\")
            text = word.removeprefix("\\") if bare else word
        elif isinstance(word, _Bare):
            text = word
        elif context.quote:
            text = word + context.quote
        elif context.quoted:
            text = f'"{word}"'
        else:
            text = word
        candidate = Candidate(text=str(text), display=str(word), meta=meta)
        if key.startswith(prefix):
            starts.append(candidate)
        elif prefix and prefix in key:
            contains.append(candidate)
    return starts + contains


# -- prompt-toolkit ------------------------------------------------------------------------------


class ReplCompleter(Completer):
    """Completes REPL input from a `Catalog`."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        context = classify(document.text_before_cursor)
        for candidate in candidates(context, self.catalog):
            yield Completion(
                candidate.text,
                start_position=-len(context.prefix),
                display=candidate.display,
                display_meta=candidate.meta,
            )
