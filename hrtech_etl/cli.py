"""`hrtech-etl`: the command line.

This module stays light: it imports connectors only when a command needs them, and the UIs
(textual, prompt_toolkit) never, so a cron replay starts fast. Library errors become one line
on stderr and the exit code of DESIGN §6; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from hrtech_etl import __version__
from hrtech_etl.core.errors import ConfigError, HrtechEtlError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def cmd_connectors(args: argparse.Namespace) -> int:
    from hrtech_etl.core.registry import list_connectors

    metas = list_connectors()
    if args.json:
        _print_json([m.as_dict() for m in metas])
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Connectors", title_justify="left")
    for column in ("name", "type", "resources", "description"):
        table.add_column(column)
    for meta in metas:
        info = meta.as_dict()
        table.add_row(
            info["name"], info["warehouse_type"], ", ".join(info["resources"]), info["description"]
        )
    Console().print(table)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from hrtech_etl.core.types import Resource
    from hrtech_etl.core.ui_schema import export_model_fields

    try:
        resource = Resource(args.resource)
    except ValueError:
        raise ConfigError(f"unknown resource {args.resource!r}; use job or profile") from None
    if args.connector == "unified":
        from hrtech_etl.core.models import UnifiedJob, UnifiedProfile

        model: Any = UnifiedJob if resource is Resource.JOB else UnifiedProfile
    else:
        from hrtech_etl.core.registry import get_connector_class

        model = get_connector_class(args.connector).native_cls(resource)
    fields = export_model_fields(model, only_prefilterable=args.only_prefilterable)
    if args.json:
        _print_json({"model": model.__name__, "fields": fields})
        return EXIT_OK
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        title=f"{model.__name__} ({args.connector} {resource.value})", title_justify="left"
    )
    for column in ("field", "type", "cursor", "WHERE operators → params"):
        table.add_column(column)
    for field in fields:
        ops = ", ".join(f"{op}→{param}" for op, param in field["params"].items())
        table.add_row(field["name"], escape(field["type"]), field["cursor"] or "", ops)
    Console().print(table)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hrtech-etl",
        description="Move HR jobs and candidate profiles between systems, incrementally.",
    )
    parser.add_argument("--version", action="version", version=f"hrtech-etl {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("connectors", help="list available connectors")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_connectors)

    p = sub.add_parser("schema", help="show a connector's fields, cursors and WHERE operators")
    p.add_argument("connector", help="connector name, or 'unified'")
    p.add_argument("resource", help="job or profile")
    p.add_argument("--only-prefilterable", action="store_true", help="only WHERE-able fields")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
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
        return 130


if __name__ == "__main__":
    sys.exit(main())
