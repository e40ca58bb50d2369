"""`hrtech-etl`: the command line (DESIGN §6).

This module stays light: connectors are imported only when a command needs them, and the UIs
(textual, prompt_toolkit) only for ``tui`` / ``repl``, so a cron replay starts fast. Library
errors become one line on stderr and the exit code of DESIGN §6; ``--debug`` shows the
traceback instead. Data goes to stdout, narration (progress, summaries) to stderr.

Exit codes: 0 ok · 1 run failed · 2 usage/profile error · 3 finished but some records were
rejected · 75 temporary failure · 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrtech_etl import __version__
from hrtech_etl.core.errors import ConfigError, HrtechEtlError

if TYPE_CHECKING:
    from hrtech_etl.core.progress import ProgressEvent
    from hrtech_etl.core.runner import RunOutcome
    from hrtech_etl.core.sync_profile import LoadedProfile

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(ConfigError):
    """A command line mistake (exit 2)."""


# -- output helpers -------------------------------------------------------------------------------


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Off a terminal (cron logs, pipes) rich would wrap at 80 columns: give tables room.
    width = None if stream.isatty() else 200
    return Console(stderr=stderr, highlight=False, width=width)


def _say(message: str) -> None:
    """Narration: stderr, plain text (no markup surprises)."""
    print(message, file=sys.stderr, flush=True)


# -- connectors / schema --------------------------------------------------------------------------


def cmd_connectors(args: argparse.Namespace) -> int:
    from hrtech_etl.core.registry import list_connectors

    metas = list_connectors()
    if args.json:
        _print_json([m.as_dict() for m in metas])
        return EXIT_OK
    from rich.table import Table

    table = Table(title="Connectors", title_justify="left")
    for column in ("name", "type", "resources", "description"):
        table.add_column(column)
    for meta in metas:
        info = meta.as_dict()
        table.add_row(
            info["name"], info["warehouse_type"], ", ".join(info["resources"]), info["description"]
        )
    _console().print(table)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from hrtech_etl.core.types import Resource
    from hrtech_etl.core.ui_schema import export_model_fields

    try:
        resource = Resource(args.resource)
    except ValueError:
        raise UsageError(f"unknown resource {args.resource!r}; use job or profile") from None
    pushdown = None
    if args.connector == "unified":
        from hrtech_etl.core.models import UnifiedJob, UnifiedProfile

        model: Any = UnifiedJob if resource is Resource.JOB else UnifiedProfile
    else:
        from hrtech_etl.core.registry import get_connector_class

        connector_cls = get_connector_class(args.connector)
        model = connector_cls.native_cls(resource)

        def pushdown(field: Any, op: Any) -> str:
            return connector_cls.describe_pushdown(resource, field, op)

    fields = export_model_fields(
        model, only_prefilterable=args.only_prefilterable, pushdown=pushdown
    )
    if args.json:
        _print_json({"model": model.__name__, "fields": fields})
        return EXIT_OK
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        title=f"{model.__name__} ({args.connector} {resource.value})", title_justify="left"
    )
    for column in ("field", "type", "cursor", "WHERE operators → params"):
        table.add_column(column)
    for entry in fields:
        ops = ", ".join(f"{op}→{param}" for op, param in entry["params"].items())
        table.add_row(entry["name"], escape(entry["type"]), entry["cursor"] or "", escape(ops))
    _console().print(table)
    return EXIT_OK


# -- running --------------------------------------------------------------------------------------


class _StopFlag:
    """First Ctrl-C: stop after the current batch (checkpointed). Second: stop now."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None

    def __enter__(self) -> _StopFlag:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        _say("hrtech-etl: stopping after the current batch (Ctrl-C again to stop now)")

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def __call__(self) -> bool:
        return self.requested


class _Progress:
    """Progress on stderr: a rich bar on a terminal, plain log lines otherwise."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled
        self.tty = enabled and sys.stderr.isatty() and not os.environ.get("CI")
        self._bar: Any = None
        self._task: Any = None
        self._read = 0

    def __enter__(self) -> _Progress:
        if self.tty:
            from rich.progress import (
                BarColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[status]}"),
                TimeElapsedColumn(),
                console=_console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=None, status="starting")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __call__(self, event: ProgressEvent) -> None:
        from hrtech_etl.core.progress import (
            BatchRead,
            BatchWritten,
            CheckpointSaved,
            RecordsRejected,
        )

        if not self.enabled:
            return
        if isinstance(event, BatchRead):
            self._read = event.total_read
            if self._bar is not None:
                self._bar.update(self._task, status=f"read {event.total_read}")
            return
        if isinstance(event, BatchWritten):
            verb = "would write" if event.dry_run else "written"
            text = f"batch {event.batch}: read {self._read}, {verb} {event.total_written}"
        elif isinstance(event, RecordsRejected):
            text = f"batch {event.batch}: {len(event.errors)} rejected"
        elif isinstance(event, CheckpointSaved) and not event.complete:
            text = f"checkpoint {event.cursor.end or '-'}"
        else:
            return
        if self._bar is not None:
            self._bar.update(self._task, status=text)
        else:  # one plain line per event: readable in cron logs
            _say(f"{self.label}: {text}")


def _load(name: str) -> LoadedProfile:
    from hrtech_etl.core.sync_profile import load_profile

    return load_profile(name)


def _execute(loaded: LoadedProfile, args: argparse.Namespace) -> int:
    from hrtech_etl.core.runner import run_profile

    with _StopFlag() as stop, _Progress(loaded.name, enabled=not args.quiet) as progress:
        outcome = run_profile(
            loaded,
            dry_run=args.dry_run,
            full_refresh=getattr(args, "full_refresh", False),
            until=getattr(args, "until", None),
            on_progress=progress,
            should_stop=stop,
        )
    _report(outcome, args)
    return outcome.exit_code


def _report(outcome: RunOutcome, args: argparse.Namespace) -> None:
    if args.json:
        _print_json(outcome.as_dict())
        return
    counts = outcome.counts
    if outcome.operation == "pull":
        moved = counts.get("would_write" if outcome.status == "dry_run" else "written", 0)
        verb = "would write" if outcome.status == "dry_run" else "wrote"
        line = (
            f"{outcome.profile}: read {counts.get('read', 0)}, {verb} {moved} "
            f"{outcome.key.resource}s into {outcome.key.target}"
        )
        if moved == 0 and outcome.status == "succeeded":
            line += " (0 new records)"
        filtered = counts.get("filtered_where", 0) + counts.get("filtered_having", 0)
        if filtered:
            line += f", {filtered} filtered out"
        if outcome.cursor_after is not None and outcome.cursor_after.end:
            line += f"; cursor {outcome.cursor_after.mode.value} → {outcome.cursor_after.end}"
    else:
        pushed = counts.get(
            "would_push" if outcome.status == "dry_run" else "total_resources_pushed", 0
        )
        line = (
            f"{outcome.profile}: pushed {pushed} {outcome.key.resource}s to {outcome.key.target}"
            f" (deleted {counts.get('deleted', 0)}, archived {counts.get('archived', 0)},"
            f" missing {counts.get('skipped_missing', 0)})"
        )
    if outcome.status == "dry_run":
        line += " [dry run: nothing written, state unchanged]"
    if outcome.status == "interrupted":
        line += " [interrupted: resume with the same command]"
    _say(line)
    if outcome.rejected:
        _say(f"{outcome.profile}: {outcome.rejected} records rejected → {outcome.dead_letter}")


def cmd_run(args: argparse.Namespace) -> int:
    return _execute(_load(args.profile), args)


def _truthy(text: str | None) -> bool:
    if text is None:
        return True
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "y", "on"):
        return True
    if lowered in ("0", "false", "no", "n", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, not {text!r}")


def _json_arg(name: str) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            return json.loads(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{name}: not JSON ({exc})") from None

    return parse


def _key_values(pairs: Sequence[str] | None, flag: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"{flag} {pair!r}: expected KEY=VALUE")
        try:
            options[key] = json.loads(value)
        except ValueError:
            options[key] = value
    return options


def _flags_profile(args: argparse.Namespace, operation: str) -> LoadedProfile:
    """A sync profile built from command-line flags (validated like a file)."""
    import tomli_w

    from hrtech_etl.core.sync_profile import parse_profile

    data: dict[str, Any] = {
        "name": args.name or f"{args.origin}-to-{args.target}-{args.resource}",
        "operation": operation,
        "resource": args.resource,
        "batch_size": args.batch_size,
        "origin": {
            "connector": args.origin,
            "options": _key_values(args.origin_option, "--origin-option"),
        },
        "target": {
            "connector": args.target,
            "options": _key_values(args.target_option, "--target-option"),
        },
    }
    for side in ("origin", "target"):
        auth = getattr(args, f"{side}_auth")
        if auth is not None:
            data[side]["auth"] = auth
    if operation == "pull":
        cursor = {"mode": args.cursor_mode, "sort_by": args.cursor_sort_by}
        if args.cursor_start:
            cursor["start"] = args.cursor_start
        data["cursor"] = cursor
        if args.where:
            data["where"] = _conditions(args.where, "--where")
    else:
        data["mode"] = args.mode
        data["input"] = args.input
    if args.having:
        data["having"] = _conditions(args.having, "--having")
    text = tomli_w.dumps(data)
    return parse_profile(text, path=Path("<command line>"))


def _conditions(value: Any, flag: str) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise UsageError(f"{flag}: expected a JSON list of {{field, op, value}} objects")
    return [{k: v for k, v in item.items() if v is not None} for item in value]


def cmd_pull(args: argparse.Namespace) -> int:
    return _execute(_flags_profile(args, "pull"), args)


def cmd_push(args: argparse.Namespace) -> int:
    return _execute(_flags_profile(args, "push"), args)


# -- inspecting -----------------------------------------------------------------------------------


def cmd_params(args: argparse.Namespace) -> int:
    from hrtech_etl.core.runner import explain_profile
    from hrtech_etl.core.sync_profile import PlaceholderEnv, load_profile

    # Explaining sends nothing: unset ${VAR}s (secrets on a dev machine) become placeholders.
    env = PlaceholderEnv(os.environ)
    explained = explain_profile(load_profile(args.profile, environ=env), environ=env)
    if env.missing:
        explained["unset_variables"] = env.missing
        _say(f"note: not set, shown as placeholders: {', '.join(env.missing)}")
    if args.json:
        _print_json(explained)
        return EXIT_OK
    out = _console()
    out.print(f"[bold]{explained['profile']}[/]: {explained['origin']} {explained['resource']}s")
    out.print("query params sent to the origin:")
    if explained["params"]:
        for key, value in explained["params"].items():
            out.print(f"  {key} = {json.dumps(value)}", markup=False)
    else:
        out.print("  (none)")
    out.print("where each condition runs:")
    from rich.markup import escape

    for entry in [*explained["where"], *explained["having"]]:
        out.print(f"  {escape(entry['subject'])}: {escape(entry['description'])}")
    return EXIT_OK


def cmd_state(args: argparse.Namespace) -> int:
    from hrtech_etl.core.state import StateStore

    store = StateStore()
    name = _profile_name(args.profile)
    if args.action == "show":
        states = store.state_for_profile(name)
        if args.json:
            _print_json([s.as_dict() for s in states])
            return EXIT_OK
        if not states:
            _say(f"{name}: no state yet (the next run starts from the profile's cursor)")
            return EXIT_OK
        for state in states:
            info = state.as_dict()
            cursor = info.get("cursor")
            head = f"{name} ({info['origin']} → {info['target']}, {info['resource']}): "
            if cursor is None:
                print(head + "no cursor yet (the next run starts from the profile's cursor)")
            else:
                print(
                    head + f"cursor {cursor['mode']} "
                    f"end={cursor.get('end') or cursor.get('start') or '-'} "
                    f"sort={cursor['sort_by']} "
                    f"boundary_ids={len(cursor.get('boundary_ids') or [])}"
                )
            last = info.get("last_run")
            if last:
                print(f"  last run #{last['id']}: {last['status']} at {last['started_at']}")
            if info.get("lock"):
                lock = info["lock"]
                print(f"  locked by pid {lock['pid']} on {lock['host']} since {lock['started_at']}")
        return EXIT_OK
    if args.action == "reset":
        removed = store.reset_profile(name)
        _say(f"{name}: state reset ({removed} key{'s' if removed != 1 else ''}); history kept")
        return EXIT_OK
    # unlock
    removed = sum(store.unlock(key) for key in store.keys(name))
    _say(f"{name}: {removed} lock{'s' if removed != 1 else ''} released")
    return EXIT_OK


def _profile_name(name: str) -> str:
    """A profile argument as the state key: the profile's name if it is a file we can read."""
    from hrtech_etl.core.sync_profile import load_profile

    try:
        return load_profile(name, check_connectors=False).name
    except ConfigError:
        return Path(name).stem if name.endswith(".toml") else name


def cmd_runs(args: argparse.Namespace) -> int:
    from hrtech_etl.core.state import StateStore

    profile = _profile_name(args.profile) if args.profile else None
    runs = StateStore().runs(profile, limit=args.limit)
    if args.json:
        _print_json([r.as_dict() for r in runs])
        return EXIT_OK
    from rich.table import Table

    table = Table(title="Runs", title_justify="left")
    for column in (
        "id",
        "profile",
        "started",
        "status",
        "read",
        "written",
        "rejected",
        "cursor after",
    ):
        table.add_column(column)
    for run in runs:
        info = run.as_dict()
        counts = info.get("counts") or {}
        after = (info.get("cursor_after") or {}).get("end") or ""
        table.add_row(
            str(info["id"]),
            info["profile"],
            info["started_at"],
            info["status"],
            str(counts.get("read", "")),
            str(counts.get("written", counts.get("total_resources_pushed", ""))),
            str(counts.get("rejected", "")),
            after,
        )
    _console().print(table)
    return EXIT_OK


def cmd_profiles(args: argparse.Namespace) -> int:
    from hrtech_etl.core import sync_profile

    if args.action == "schema":
        _print_json(sync_profile.profile_json_schema())
        return EXIT_OK
    if args.action == "list":
        paths = sync_profile.list_profiles()
        if args.json:
            _print_json([{"name": p.stem, "path": str(p)} for p in paths])
        else:
            for path in paths:
                print(f"{path.stem}\t{path}")
        return EXIT_OK
    if not args.names:
        raise UsageError(f"profiles {args.action}: name at least one profile")
    if args.action == "show":
        for name in args.names:
            path = sync_profile.find_profile(name)
            sys.stdout.write(path.read_text(encoding="utf-8"))
        return EXIT_OK
    failed = 0
    for name in args.names:
        try:
            loaded = sync_profile.load_profile(name)
        except ConfigError as exc:
            failed += 1
            print(f"invalid: {exc}", file=sys.stderr)
        else:
            print(f"ok: {loaded.path} ({loaded.name})")
    return EXIT_USAGE if failed else EXIT_OK


def cmd_ui(args: argparse.Namespace) -> int:
    """``tui`` / ``repl``: the only commands that import the UI packages."""
    try:
        if args.command == "tui":
            from tui.app import main as tui_main

            return int(tui_main(args.profile))
        from tui.repl import main as repl_main

        return int(repl_main(args.profile))
    except ImportError as exc:
        raise UsageError(
            f"'hrtech-etl {args.command}' is not available: {exc} "
            "(install the UI extras: pip install 'hrtech-etl[tui]')"
        ) from None


# -- parser ---------------------------------------------------------------------------------------


def _add_run_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--dry-run",
        nargs="?",
        const="true",
        default=False,
        type=_truthy,
        help="read, filter and format but write nothing and keep state",
    )
    p.add_argument("--json", action="store_true", help="print the outcome as JSON on stdout")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")


def _add_endpoint_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--resource", required=True, choices=["job", "profile"])
    p.add_argument("--origin", required=True, help="origin connector name")
    p.add_argument("--target", required=True, help="target connector name")
    p.add_argument(
        "--origin-option",
        action="append",
        metavar="KEY=VALUE",
        help="origin connector option (repeatable)",
    )
    p.add_argument(
        "--target-option",
        action="append",
        metavar="KEY=VALUE",
        help="target connector option (repeatable)",
    )
    p.add_argument(
        "--origin-auth",
        type=_json_arg("--origin-auth"),
        metavar="JSON",
        help='e.g. \'{"type": "bearer", "token": "${TOKEN}"}\'',
    )
    p.add_argument("--target-auth", type=_json_arg("--target-auth"), metavar="JSON")
    p.add_argument(
        "--having",
        type=_json_arg("--having"),
        metavar="JSON",
        help="JSON list of {field, op, value} applied in memory",
    )
    p.add_argument("--batch-size", type=int, default=500)
    p.add_argument("--name", help="state key (default: ORIGIN-to-TARGET-RESOURCE)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hrtech-etl",
        description="Move HR jobs and candidate profiles between systems, incrementally.",
    )
    parser.add_argument("--version", action="version", version=f"hrtech-etl {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and HTTP logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("run", help="run a saved sync profile")
    p.add_argument("profile", help="profile name (profiles/NAME.toml) or path")
    p.add_argument("--full-refresh", action="store_true", help="ignore stored state for this run")
    p.add_argument("--until", help="window end (ISO-8601), overrides the profile")
    _add_run_flags(p)
    p.set_defaults(func=cmd_run)

    for name in ("pull", "pull-cmd"):
        p = sub.add_parser(name, help="pull with flags instead of a profile")
        _add_endpoint_flags(p)
        p.add_argument(
            "--cursor-mode", default="updated_at", choices=["id", "uid", "created_at", "updated_at"]
        )
        p.add_argument("--cursor-start", help="first-run start (ISO-8601 or id)")
        p.add_argument("--cursor-sort-by", default="asc", choices=["asc", "desc"])
        p.add_argument(
            "--where",
            type=_json_arg("--where"),
            metavar="JSON",
            help="JSON list of {field, op, value} pushed to the origin",
        )
        _add_run_flags(p)
        p.set_defaults(func=cmd_pull)

    for name in ("push", "push-cmd"):
        p = sub.add_parser(name, help="push resources or events from a JSONL file")
        _add_endpoint_flags(p)
        p.add_argument("--mode", default="resources", choices=["resources", "events"])
        p.add_argument("--input", required=True, help="JSONL file of resources or events")
        _add_run_flags(p)
        p.set_defaults(func=cmd_push)

    p = sub.add_parser("connectors", help="list available connectors")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_connectors)

    p = sub.add_parser("schema", help="a connector's fields, cursors and WHERE operators")
    p.add_argument("connector", help="connector name, or 'unified'")
    p.add_argument("resource", help="job or profile")
    p.add_argument("--only-prefilterable", action="store_true", help="only WHERE-able fields")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("params", help="what a profile would send, and what runs in memory")
    p.add_argument("profile")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_params)

    p = sub.add_parser("state", help="show, reset or unlock a profile's sync state")
    p.add_argument("action", choices=["show", "reset", "unlock"])
    p.add_argument("profile")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_state)

    p = sub.add_parser("runs", help="run history")
    p.add_argument("profile", nargs="?")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_runs)

    p = sub.add_parser("profiles", help="list, show, validate sync profiles; their JSON Schema")
    p.add_argument("action", choices=["list", "show", "validate", "schema"])
    p.add_argument("names", nargs="*")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_profiles)

    for name, text in (("tui", "the terminal UI"), ("repl", "the interactive REPL")):
        p = sub.add_parser(name, help=text)
        p.add_argument("profile", nargs="?")
        p.set_defaults(func=cmd_ui)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_USAGE
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        code: int = args.func(args)
        return code
    except HrtechEtlError as exc:
        if args.debug:
            raise
        print(f"hrtech-etl: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("hrtech-etl: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
