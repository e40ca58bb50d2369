"""What the REPL understands, declared once: its commands and its expression vocabulary.

The parser, the completer, the highlighter and ``\\help`` all read these tables, so a command
or builder method added here is parsed, completed, coloured and documented in one step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Final

from hrtech_etl.core.types import CursorMode, Operator, SortOrder

__all__ = [
    "BUILDERS",
    "BUILDER_KEYWORDS",
    "COMMANDS",
    "ENUMS",
    "METHOD_FOR",
    "OPERATOR_METHODS",
    "VALUE_CALLS",
    "ArgKind",
    "CommandSpec",
    "find_command",
]

# `Prefilter(Model, "field").<method>(value)`: the builder methods, and the operator each is.
OPERATOR_METHODS: Final = MappingProxyType(
    {
        "eq": Operator.EQ,
        "ne": Operator.NE,
        "gt": Operator.GT,
        "gte": Operator.GTE,
        "lt": Operator.LT,
        "lte": Operator.LTE,
        "in_": Operator.IN,
        "not_in": Operator.NOT_IN,
        "contains": Operator.CONTAINS,
    }
)
METHOD_FOR: Final = MappingProxyType({op: name for name, op in OPERATOR_METHODS.items()})

# The callables an expression may start with, and the keywords of the keyword-only ones.
BUILDERS: Final = ("Prefilter", "Condition", "Cursor")
BUILDER_KEYWORDS: Final = MappingProxyType(
    {"Condition": ("field", "op", "value"), "Cursor": ("mode", "start", "sort_by")}
)
# Calls allowed inside values (they build literals), and enums whose members are literals too.
VALUE_CALLS: Final = ("datetime", "date")
ENUMS: Final = MappingProxyType(
    {"Operator": Operator, "CursorMode": CursorMode, "SortOrder": SortOrder}
)


class ArgKind(Enum):
    """What a command argument is, so the completer knows what to offer."""

    NONE = "none"
    CONNECTOR = "connector"
    RESOURCE = "resource"
    PROFILE = "profile"
    SIDE = "side"
    COMMAND = "command"
    NUMBER = "number"
    PATH = "path"
    WHERE_EXPR = "where expression"
    HAVING_EXPR = "having expression"
    CURSOR_SETTING = "cursor setting"
    OPTION = "option"


@dataclass(frozen=True)
class CommandSpec:
    """One backslash command: names, usage line, summary, and its arguments' kinds.

    ``args`` are positional kinds (the last one repeats); ``actions`` are sub-commands such as
    ``\\where add``, each with the kind of what follows it.
    """

    name: str
    usage: str
    summary: str
    aliases: tuple[str, ...] = ()
    args: tuple[ArgKind, ...] = ()
    actions: MappingProxyType[str, ArgKind] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _actions(**kinds: ArgKind) -> MappingProxyType[str, ArgKind]:
    return MappingProxyType(kinds)


COMMANDS: Final = (
    CommandSpec(
        "\\help",
        "\\help [COMMAND]",
        "commands and expression syntax",
        ("\\?", "\\h"),
        (ArgKind.COMMAND,),
    ),
    CommandSpec("\\connectors", "\\connectors", "the connectors you can pick"),
    CommandSpec(
        "\\origin",
        "\\origin NAME [KEY=VALUE ...]",
        "pick the origin (KEY=VALUE: an option; auth.KEY=VALUE: auth, ${VAR} kept as is)",
        args=(ArgKind.CONNECTOR, ArgKind.OPTION),
    ),
    CommandSpec(
        "\\target",
        "\\target NAME [KEY=VALUE ...]",
        "pick the target (same options as \\origin)",
        args=(ArgKind.CONNECTOR, ArgKind.OPTION),
    ),
    CommandSpec("\\resource", "\\resource job|profile", "what moves", args=(ArgKind.RESOURCE,)),
    CommandSpec(
        "\\where",
        "\\where [add EXPR | rm N | clear]",
        "list, add or remove WHERE conditions (pushed to the origin, or run in memory)",
        actions=_actions(add=ArgKind.WHERE_EXPR, rm=ArgKind.NUMBER, clear=ArgKind.NONE),
    ),
    CommandSpec(
        "\\having",
        "\\having [add EXPR | rm N | clear]",
        "list, add or remove HAVING conditions (in memory, on the origin's records)",
        actions=_actions(add=ArgKind.HAVING_EXPR, rm=ArgKind.NUMBER, clear=ArgKind.NONE),
    ),
    CommandSpec(
        "\\check",
        "\\check EXPR",
        "evaluate an expression without adding it: the condition and where it would run",
        args=(ArgKind.WHERE_EXPR,),
    ),
    CommandSpec(
        "\\cursor",
        "\\cursor [mode=M] [start=S|none] [sort_by=asc|desc]",
        "show the cursor (and the stored one), or set it",
        args=(ArgKind.CURSOR_SETTING,),
    ),
    CommandSpec(
        "\\schema",
        "\\schema [origin|target]",
        "the fields: cursor badges, WHERE operators and the params they become",
        args=(ArgKind.SIDE,),
    ),
    CommandSpec("\\params", "\\params", "what a run sends to the origin, and what runs in memory"),
    CommandSpec(
        "\\preview",
        "\\preview [N]",
        "the first N records a run would move (default 10)",
        args=(ArgKind.NUMBER,),
    ),
    CommandSpec("\\run", "\\run", "run the sync now (Ctrl-C stops after the current batch)"),
    CommandSpec("\\dryrun", "\\dryrun", "read, filter and format, but write nothing, keep state"),
    CommandSpec(
        "\\mapping",
        "\\mapping [show|suggest|clear]",
        "the formatter: a mapping by field names, or none (the unified models)",
        actions=_actions(show=ArgKind.NONE, suggest=ArgKind.NONE, clear=ArgKind.NONE),
    ),
    CommandSpec("\\show", "\\show", "the sync profile as \\save would write it"),
    CommandSpec(
        "\\save",
        "\\save [PATH]",
        "write the sync profile (secrets as ${VAR}); replay it with hrtech-etl run",
        args=(ArgKind.PATH,),
    ),
    CommandSpec(
        "\\load",
        "\\load NAME",
        "open a sync profile (a path, or a name in ./profiles)",
        ("\\open",),
        (ArgKind.PROFILE,),
    ),
    CommandSpec("\\profiles", "\\profiles", "the sync profiles \\load can open by name"),
    CommandSpec(
        "\\quit", "\\quit", "leave (asks again if there are unsaved changes)", ("\\q", "\\exit")
    ),
)

_BY_NAME: Final = MappingProxyType({name: spec for spec in COMMANDS for name in spec.names})


def find_command(name: str) -> CommandSpec | None:
    """The command called ``name`` (or one of its aliases); ``None`` when there is none."""
    return _BY_NAME.get(name.lower())
