"""The REPL's state — one `Draft` — and what each input line does to it.

A line is a backslash command (``\\where add ...``, see `tui.repl.grammar.COMMANDS`) or a bare
expression: a ``Prefilter(...)`` / ``Condition(...)`` adds a WHERE condition and prints where it
runs (pushed as which param, or in memory); a ``Cursor(...)`` sets the cursor. Every command is
a call on the `Draft`, so what the REPL shows and saves is what ``hrtech-etl run`` does.
Library errors are printed as their one-line message; nothing here prints a traceback.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import shlex
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from hrtech_etl.core.errors import ConfigError, HrtechEtlError, did_you_mean
from hrtech_etl.core.progress import ProgressEvent
from hrtech_etl.core.sync_profile import list_profiles, to_toml
from hrtech_etl.core.types import Condition, Resource
from tui.repl import render
from tui.repl.catalog import DraftCatalog
from tui.repl.grammar import BUILDER_KEYWORDS, COMMANDS, CommandSpec, find_command
from tui.repl.parser import ConditionExpr, CursorExpr, Expr, parse_expression
from tui.session import Draft

__all__ = ["HELP_EXPRESSIONS", "Repl"]

DEFAULT_PREVIEW = 10
MAX_PREVIEW = 10_000

HELP_EXPRESSIONS = """\
Expressions (type them bare; Tab completes models, fields, operators and values):
  Prefilter(LocalJob, "title").contains("engineer")   add a WHERE condition; the field's
      metadata must allow the operator (.eq .ne .gt .gte .lt .lte .in_ .not_in .contains)
  Condition(field="status", op="eq", value="open")    add a WHERE condition
  \\having add Condition(...)                          add a HAVING condition instead
  Cursor(mode="updated_at", start="2024-01-01T00:00:00Z", sort_by="asc")   set the cursor
  \\check EXPR                                         show, without adding anything
Adding a condition prints where it runs: "pushed as <param>=<value>" or "applied in memory".
Values are literals: "text", 42, 1.5, True, None, ["a", "b"], datetime(2024, 1, 31), and
Operator.EQ-style enum members. Nothing is evaluated as Python: other code is refused.
Keys: Tab completes · Enter runs (adds a line while a bracket is open) · Ctrl-R searches
history · Ctrl-C clears the line (stops a run after its batch) · Ctrl-D quits."""


class Repl:
    """One REPL session: the draft sync profile, the console it prints to, its catalog."""

    def __init__(self, draft: Draft, console: Console, catalog: DraftCatalog | None = None) -> None:
        self.draft = draft
        self.console = console
        self.catalog = catalog or DraftCatalog(lambda: self.draft)
        self.done = False
        self._awaiting_confirmation: str | None = None
        self._handlers: dict[str, Callable[[str], None]] = {
            "\\help": self._help,
            "\\connectors": self._connectors,
            "\\origin": lambda rest: self._endpoint("origin", rest),
            "\\target": lambda rest: self._endpoint("target", rest),
            "\\resource": self._resource,
            "\\where": lambda rest: self._conditions("where", rest),
            "\\having": lambda rest: self._conditions("having", rest),
            "\\check": self._check,
            "\\cursor": self._cursor,
            "\\schema": self._schema,
            "\\params": self._params,
            "\\preview": self._preview,
            "\\run": lambda rest: self._run(rest, dry_run=False),
            "\\dryrun": lambda rest: self._run(rest, dry_run=True),
            "\\mapping": self._mapping,
            "\\show": self._show,
            "\\save": self._save,
            "\\load": self._load,
            "\\profiles": self._profiles,
            "\\quit": self._quit,
        }

    # -- output --
    def say(self, message: str, style: str | None = None) -> None:
        self.console.print(Text(message, style=style or ""))

    def error(self, message: str) -> None:
        self.console.print(Text(f"error: {message}", style="bold red"))

    def greet(self) -> None:
        self.say("hrtech-etl repl · \\help for commands and expressions · Ctrl-D quits", "dim")
        if self.draft.origin is not None:
            self.say(f"opened {self.draft.path or self.draft.name}: {self._summary()}")

    # -- the loop's entry point --
    def execute(self, line: str) -> None:
        """Run one line of input. Errors are printed as one line, never raised."""
        text = line.strip()
        if not text or text.startswith("#"):
            return
        pending, self._awaiting_confirmation = self._awaiting_confirmation, None
        try:
            if text.startswith("\\"):
                self._command(text, pending)
            else:
                self._apply(self._parse(text), "where")
        except HrtechEtlError as exc:  # ConfigError and the rest: one line, "did you mean" included
            self.error(str(exc))
        except OSError as exc:
            self.error(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
        except KeyboardInterrupt:
            self.error("interrupted")
        except Exception as exc:  # a bug: still one line, the session goes on
            self.error(f"unexpected {type(exc).__name__}: {exc}")

    def _command(self, text: str, pending: str | None) -> None:
        head, _, rest = text.partition(" ")
        if "\n" in head:
            head, _, more = head.partition("\n")
            rest = f"{more}\n{rest}" if rest else more
        spec = find_command(head)
        if spec is None:
            names = [name for s in COMMANDS for name in s.names]
            close = difflib.get_close_matches(head, names, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ConfigError(f"unknown command {head}{hint}; \\help lists them")
        if spec.name in ("\\quit", "\\load") and self.draft.dirty and pending != spec.name:
            self._awaiting_confirmation = spec.name
            again = "\\quit or Ctrl-D" if spec.name == "\\quit" else spec.name
            self.say(
                f"unsaved changes: \\save [PATH] keeps them; {again} again discards them", "yellow"
            )
            return
        self._handlers[spec.name](rest.strip())

    def _parse(self, text: str) -> Expr:
        return parse_expression(text, self.catalog.model_classes())

    # -- expressions --
    def _apply(self, expr: Expr, clause: str) -> None:
        if isinstance(expr, CursorExpr):
            if clause != "where":
                raise ConfigError("a Cursor(...) is not a condition; type it bare to set it")
            self.draft.set_cursor(
                expr.mode, expr.start, expr.sort_by, clear_start=expr.start_given and not expr.start
            )
            self.say(render.cursor_line(self.draft))
            return
        self._check_model(expr)
        if clause == "where":
            checked = self.draft.add_where(expr.field, expr.op, expr.value)
            number = len(self.draft.where)
            self._say_condition(f"WHERE {number}", checked, self._where_placement(checked))
        else:
            checked = self.draft.add_having(expr.field, expr.op, expr.value)
            number = len(self.draft.having)
            self._say_condition(
                f"HAVING {number}", checked, "applied in memory, on the origin's records"
            )

    def _say_condition(self, label: str, condition: Condition, placement: str) -> None:
        line = Text(f"{label}: ", style="bold")
        line.append(str(condition))
        style = "green" if placement.startswith("pushed") else "yellow"
        line.append(f"  → {placement}", style=style)
        self.console.print(line)

    def _check_model(self, expr: ConditionExpr) -> None:
        """A Prefilter must name the origin's model: that is the model WHERE runs on."""
        if expr.model is None:
            return
        origin = self.catalog.origin_model()
        if origin is None:
            owners = " or ".join(self.catalog.owner_names(expr.model.__name__)) or "NAME"
            raise ConfigError(f"pick an origin first: \\origin {owners}")
        if expr.model is not origin:
            raise ConfigError(
                f"the origin ({self._origin_name()}) reads {origin.__name__}, not "
                f"{expr.model.__name__}: write Prefilter({origin.__name__}, ...) or pick "
                f"another origin with \\origin"
            )

    def _where_placement(self, checked: Condition, draft: Draft | None = None) -> str:
        """Where a WHERE condition runs, from the draft's explain; from the schema if the
        explain cannot be built yet (no target, an unset ${VAR})."""
        draft = draft or self.draft
        try:
            entries = draft.explain()["where"]
        except HrtechEtlError:
            entries = []
        for entry in reversed(entries):
            if entry["subject"] == str(checked):
                return str(entry["description"])
        return self._schema_placement(checked) + " (per the schema; \\params shows the query)"

    def _schema_placement(self, condition: Condition, model: str | None = None) -> str:
        for info in self.catalog.fields(model):
            if info.name == condition.field:
                param = info.pushdown.get(condition.op.value, "")
                if not param or param.startswith("("):
                    return "applied in memory"
                return f"pushed as {param}"
        return "applied in memory"

    def _check(self, rest: str) -> None:
        if not rest:
            raise ConfigError('usage: \\check EXPR, e.g. \\check Prefilter(Model, "field").eq(1)')
        expr = self._parse(rest)
        trial = dataclasses.replace(
            self.draft, where=list(self.draft.where), having=list(self.draft.having)
        )
        if isinstance(expr, CursorExpr):
            trial.set_cursor(
                expr.mode, expr.start, expr.sort_by, clear_start=expr.start_given and not expr.start
            )
            self.say(f"would set {render.cursor_line(trial)} (not applied)")
            return
        origin = self.catalog.origin_model()
        if expr.model is not None and expr.model is not origin:
            name = expr.model.__name__
            placement = self._schema_placement(expr.condition, name)
            owners = ", ".join(self.catalog.owner_names(name))
            self._say_condition(f"valid on {name}", expr.condition, f"{placement} by {owners}")
            return
        checked = trial.add_where(expr.field, expr.op, expr.value)
        self._say_condition("would add WHERE", checked, self._where_placement(checked, trial))
        self.say("(not added: type it bare, or \\where add, to add it)", "dim")

    # -- commands --
    def _help(self, rest: str) -> None:
        if rest:
            spec = find_command(rest if rest.startswith("\\") else "\\" + rest)
            if spec is None:
                raise ConfigError(f"no command {rest!r}; \\help lists them")
            self._help_one(spec)
            return
        table = Table(show_header=False, show_edge=False, pad_edge=False, box=None)
        table.add_column(style="bold")
        table.add_column()
        for spec in COMMANDS:
            aliases = f" ({', '.join(spec.aliases)})" if spec.aliases else ""
            table.add_row(Text(spec.usage + aliases), Text(spec.summary))
        self.console.print(table)
        self.console.print(Text(HELP_EXPRESSIONS))

    def _help_one(self, spec: CommandSpec) -> None:
        self.say(spec.usage, "bold")
        self.say(f"  {spec.summary}")
        if spec.aliases:
            self.say(f"  also: {', '.join(spec.aliases)}")

    def _connectors(self, rest: str) -> None:
        from tui.session import connector_names

        table = Table(title="connectors", title_justify="left")
        for column in ("name", "kind", "resources", "description"):
            table.add_column(column)
        for meta in connector_names():
            info = meta.as_dict()
            table.add_row(
                *(
                    Text(cell)
                    for cell in (
                        info["name"],
                        info["warehouse_type"],
                        ", ".join(info["resources"]),
                        info["description"],
                    )
                )
            )
        self.console.print(table)

    def _endpoint(self, side: str, rest: str) -> None:
        words = _words(rest)
        if not words:
            endpoint = getattr(self.draft, side)
            self.say(f"{side}: {endpoint.connector if endpoint else 'none'}")
            return
        options: dict[str, Any] = {}
        auth: dict[str, Any] = {}
        for word in words[1:]:
            key, equals, value = word.partition("=")
            if not equals or not key:
                raise ConfigError(f"{word!r}: expected KEY=VALUE (or auth.KEY=VALUE)")
            if key.startswith("auth."):
                auth[key.removeprefix("auth.")] = _option_value(value)
            else:
                options[key] = _option_value(value)
        before = len(self.draft.where)
        self.draft.set_connector(side, words[0], options or None, auth or None)
        model = self.draft.origin_model() if side == "origin" else self.draft.target_model()
        self.say(f"{side}: {words[0]} ({model.__name__})")
        dropped = before - len(self.draft.where)
        if dropped:
            self.say(f"dropped {dropped} WHERE condition(s) {words[0]} cannot filter on", "yellow")

    def _resource(self, rest: str) -> None:
        if not rest:
            self.say(f"resource: {self.draft.resource.value}")
            return
        try:
            resource = Resource(rest)
        except ValueError:
            raise ConfigError(f"resource must be job or profile, not {rest!r}") from None
        before = len(self.draft.where)
        self.draft.set_resource(resource)
        self.say(f"resource: {resource.value} · {self._summary()}")
        dropped = before - len(self.draft.where)
        if dropped:
            self.say(f"dropped {dropped} WHERE condition(s) the {resource.value}s lack", "yellow")

    def _conditions(self, clause: str, rest: str) -> None:
        action, _, argument = rest.partition(" ")
        argument = argument.strip()
        conditions = self.draft.where if clause == "where" else self.draft.having
        if not action:
            self.console.print(render.conditions_table(clause.upper(), conditions))
            return
        if action == "add":
            if not argument:
                raise ConfigError(f"usage: \\{clause} add EXPR")
            expr = self._parse(argument)
            if isinstance(expr, CursorExpr):
                raise ConfigError("a Cursor(...) is not a condition; type it bare to set it")
            self._apply(expr, clause)
        elif action in ("rm", "remove"):
            index = _index(argument, len(conditions), clause)
            removed = (
                self.draft.remove_where(index)
                if clause == "where"
                else self.draft.remove_having(index)
            )
            self.say(f"removed {clause.upper()} {index + 1}: {removed}")
        elif action == "clear":
            for _ in range(len(conditions)):
                if clause == "where":
                    self.draft.remove_where(0)
                else:
                    self.draft.remove_having(0)
            self.say(f"{clause.upper()}: none")
        else:
            raise ConfigError(
                f"unknown action {action!r}{did_you_mean(action, ['add', 'rm', 'clear'])}; "
                f"usage: \\{clause} [add EXPR | rm N | clear]"
            )

    def _cursor(self, rest: str) -> None:
        if not rest:
            self.say(render.cursor_line(self.draft))
            stored = self.draft.stored_cursor()
            if stored is not None and stored.resume_value:
                self.say(f"stored state: the next run resumes from {stored.resume_value}")
            return
        settings: dict[str, str] = {}
        allowed = BUILDER_KEYWORDS["Cursor"]
        for word in _words(rest):
            key, equals, value = word.partition("=")
            if not equals or key not in allowed:
                raise ConfigError(
                    f"{word!r}: expected one of {', '.join(k + '=' for k in allowed)}"
                    f"{did_you_mean(key, allowed)}"
                )
            settings[key] = value
        start = settings.get("start")
        clear = start is not None and start.lower() in ("", "none")
        self.draft.set_cursor(
            settings.get("mode"),
            None if clear else start,
            settings.get("sort_by"),
            clear_start=clear,
        )
        self.say(render.cursor_line(self.draft))

    def _schema(self, rest: str) -> None:
        side = rest or "origin"
        if side not in ("origin", "target"):
            raise ConfigError(f"\\schema takes origin or target, not {side!r}")
        endpoint = getattr(self.draft, side)
        fields = self.draft.fields(side)
        model = self.draft.origin_model() if side == "origin" else self.draft.target_model()
        title = f"{model.__name__} ({endpoint.connector}, {side})"
        self.console.print(render.schema_tree(title, fields))

    def _params(self, rest: str) -> None:
        self.console.print(render.explain_view(self.draft.explain()))

    def _preview(self, rest: str) -> None:
        limit = DEFAULT_PREVIEW
        if rest:
            try:
                limit = int(rest)
            except ValueError:
                raise ConfigError(f"\\preview takes a number of records, not {rest!r}") from None
            if not 1 <= limit <= MAX_PREVIEW:
                raise ConfigError(f"\\preview takes 1 to {MAX_PREVIEW} records")
        records, read = self.draft.preview(limit=limit)
        columns = render.preview_columns(self.draft.origin_model(), self.draft)
        self.console.print(render.preview_table(records, columns, read))

    def _run(self, rest: str, *, dry_run: bool) -> None:
        if rest:
            raise ConfigError("\\run and \\dryrun take no arguments")
        with _stop_on_ctrl_c(self) as stop, self._progress() as on_progress:
            outcome = self.draft.run(dry_run=dry_run, on_progress=on_progress, should_stop=stop)
        self.say(render.outcome_line(outcome), "bold")

    @contextmanager
    def _progress(self) -> Iterator[Callable[[ProgressEvent], None]]:
        status = self.console.status("running…") if self.console.is_terminal else None
        total_read = 0

        def on_progress(event: ProgressEvent) -> None:
            nonlocal total_read
            total_read = getattr(event, "total_read", total_read)
            if status is not None:
                status.update(f"running… read {total_read}")
            line = render.progress_line(event)
            if line:
                self.say(line, "dim")

        if status is None:
            yield on_progress
            return
        with status:
            yield on_progress

    def _mapping(self, rest: str) -> None:
        if rest == "suggest":
            self.draft.set_mapping(self.draft.suggest_mapping())
        elif rest == "clear":
            self.draft.set_mapping(None)
        elif rest not in ("", "show"):
            raise ConfigError("usage: \\mapping [show|suggest|clear]")
        if self.draft.formatter_callable:
            self.say(f"formatter: {self.draft.formatter_callable}")
        elif self.draft.mapping:
            table = Table(title="mapping", title_justify="left", show_edge=False)
            table.add_column("from")
            table.add_column("to")
            for entry in self.draft.mapping:
                source = entry.get("from", json.dumps(entry.get("value")))
                table.add_row(Text(str(source)), Text(str(entry.get("to"))))
            self.console.print(table)
        else:
            self.say("formatter: none (records go through the unified models)")

    def _show(self, rest: str) -> None:
        text, needed = to_toml(self.draft.to_profile())
        self.console.print(Text(text.rstrip()))
        if needed:
            self.say(f"needs: {', '.join(needed)}", "yellow")

    def _save(self, rest: str) -> None:
        words = _words(rest)
        if len(words) > 1:
            raise ConfigError("usage: \\save [PATH]")
        path, needed = self.draft.save(words[0] if words else None)
        self.say(f"saved {path} (profile {self.draft.name}); replay: hrtech-etl run {path}")
        if needed:
            self.say(
                "set these environment variables before running it: " + ", ".join(needed),
                "yellow",
            )

    def _load(self, rest: str) -> None:
        words = _words(rest)
        if len(words) != 1:
            raise ConfigError("usage: \\load NAME (a path, or a name in ./profiles)")
        self.draft = Draft.open(words[0])
        self.say(f"opened {self.draft.path}: {self._summary()}")

    def _profiles(self, rest: str) -> None:
        paths = list_profiles()
        if not paths:
            self.say("no sync profiles in ./profiles or the user config dir")
        for path in paths:
            self.say(f"{path.stem}\t{path}")

    def _quit(self, rest: str) -> None:
        self.done = True

    # -- helpers --
    def _origin_name(self) -> str:
        return self.draft.origin.connector if self.draft.origin else "none"

    def _summary(self) -> str:
        draft = self.draft
        target = draft.target.connector if draft.target else "none"
        return (
            f"{draft.resource.value}s from {self._origin_name()} to {target}, "
            f"{len(draft.where)} WHERE, {len(draft.having)} HAVING"
        )


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise ConfigError(f"cannot read the arguments: {exc}") from None


def _option_value(text: str) -> Any:
    """``30`` → 30, ``true`` → True, ``${VAR}`` and other text stay text (as the CLI does)."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _index(text: str, count: int, clause: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise ConfigError(f"\\{clause} rm takes a number (\\{clause} lists them)") from None
    if not 1 <= number <= count:
        raise ConfigError(f"no {clause.upper()} {number}: there are {count}")
    return number - 1


@contextmanager
def _stop_on_ctrl_c(repl: Repl) -> Iterator[Callable[[], bool]]:
    """First Ctrl-C: stop after the current batch (checkpointed). Second: stop now."""
    requested = False

    def handle(signum: int, frame: Any) -> None:
        nonlocal requested
        if requested:
            raise KeyboardInterrupt
        requested = True
        repl.say("stopping after the current batch (Ctrl-C again to stop now)", "yellow")

    previous: Any = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, handle)
    try:
        yield lambda: requested
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
