"""The expression interpreter: what it builds, its precise errors, and what it refuses."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

import pytest
from pydantic import BaseModel, Field

from hrtech_etl.connectors.local import LocalJob
from hrtech_etl.core.errors import ConfigError, UnknownFieldError, UnsupportedOperatorError
from hrtech_etl.core.types import CursorMode, Operator, SortOrder
from tests.repl.conftest import Harness
from tui.repl.parser import ConditionExpr, CursorExpr, ExpressionError, parse_expression

ROOT = Path(__file__).resolve().parents[2]


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class FakeJob(BaseModel):
    id: str = Field(json_schema_extra={"cursor": "id", "prefilter": {"operators": ["eq", "in"]}})
    title: str = Field(
        json_schema_extra={
            "prefilter": {"operators": ["eq", "contains"]},
            "search_binding": {"search_field": "q"},
        }
    )
    status: Status = Field(json_schema_extra={"prefilter": {"operators": ["eq", "in"]}})
    updated_at: datetime = Field(
        json_schema_extra={
            "cursor": "updated_at",
            "cursor_start_min": "since",
            "prefilter": {"operators": ["gte", "lte"]},
        }
    )
    salary: float | None = Field(None, json_schema_extra={"prefilter": {"operators": ["gt"]}})
    notes: str | None = None


MODELS: dict[str, type[BaseModel]] = {"FakeJob": FakeJob, "LocalJob": LocalJob}


def parse(text: str) -> ConditionExpr | CursorExpr:
    return parse_expression(text, MODELS)


# -- what it builds ------------------------------------------------------------------------------


def test_prefilter_builds_a_checked_condition_and_keeps_the_value_as_written() -> None:
    expr = parse('Prefilter(FakeJob, "title").contains("engineer")')
    assert isinstance(expr, ConditionExpr)
    assert (expr.field, expr.op, expr.value, expr.model) == (
        "title",
        Operator.CONTAINS,
        "engineer",
        FakeJob,
    )
    expr = parse("Prefilter(FakeJob, 'status').in_(('open', 'closed'))")
    assert isinstance(expr, ConditionExpr)
    assert expr.value == ["open", "closed"] and expr.condition.value == [Status.OPEN, Status.CLOSED]


def test_values_are_literals_numbers_dates_and_enum_members() -> None:
    expr = parse('Prefilter(FakeJob, "salary").gt(-1.5)')
    assert isinstance(expr, ConditionExpr) and expr.value == -1.5
    expr = parse('Prefilter(FakeJob, "updated_at").gte(datetime(2024, 1, 31, 12))')
    assert isinstance(expr, ConditionExpr)
    assert expr.value == datetime(2024, 1, 31, 12)
    assert expr.condition.value == datetime(2024, 1, 31, 12, tzinfo=UTC)
    expr = parse('Condition(field="notes", op=Operator.EQ, value=None)')
    assert isinstance(expr, ConditionExpr) and expr.op is Operator.EQ and expr.model is None
    expr = parse('Condition(field="location.city", op="in", value=["Paris", "Lyon"])')
    assert isinstance(expr, ConditionExpr) and expr.value == ["Paris", "Lyon"]


def test_cursor_reads_mode_start_and_order() -> None:
    assert parse(
        'Cursor(mode=CursorMode.UPDATED_AT, start="2024-01-01T00:00:00Z", sort_by="desc")'
    ) == CursorExpr(CursorMode.UPDATED_AT, "2024-01-01T00:00:00Z", SortOrder.DESC, True)
    assert parse("Cursor(mode='uid')") == CursorExpr(CursorMode.UID, None, None, False)
    assert parse("Cursor(start=date(2024, 2, 1))") == CursorExpr(None, "2024-02-01", None, True)
    assert parse("Cursor(start=None)") == CursorExpr(None, None, None, True)
    assert parse("Cursor(start=1200)") == CursorExpr(None, "1200", None, True)


# -- precise errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ('Prefilter(FakeJb, "title").eq("x")', ExpressionError, "did you mean 'FakeJob'"),
        ('Prefilter(FakeJob, "titel").eq("x")', UnknownFieldError, "did you mean 'title'"),
        (
            'Prefilter(FakeJob, "title").gt("x")',
            UnsupportedOperatorError,
            "allowed: eq, contains",
        ),
        ('Prefilter(FakeJob, "title").contain("x")', ExpressionError, "did you mean 'contains'"),
        ('Prefilter(FakeJob, "title")', ExpressionError, "needs an operator: .eq(...), .contains"),
        ('Prefilter(FakeJob, "updated_at").gte("soon")', ConfigError, "updated_at"),
        ('Prefilter(FakeJob, "title").eq()', ExpressionError, "takes one value"),
        ('Prefilter(FakeJob, "title").eq(value="x")', ExpressionError, "takes one value"),
        ('Prefilter(FakeJob).eq("x")', ExpressionError, "two arguments"),
        ('Prefilter("FakeJob", "title").eq("x")', ExpressionError, "a model name"),
        ('Prefilter(FakeJob, title).eq("x")', ExpressionError, "put text in quotes"),
        ('Condition("title", "eq", "x")', ExpressionError, "keywords only: field=, op=, value="),
        ('Condition(feild="title", op="eq")', ExpressionError, "did you mean 'field'"),
        ('Condition(field="title")', ExpressionError, "needs field= and op="),
        ('Condition(field="title", op="equals", value=1)', ExpressionError, "not one of eq"),
        ('Condition(field="title", op="eq", op="ne")', ExpressionError, "given twice"),
        ('Cursor(mode="updated")', ExpressionError, "did you mean 'updated_at'"),
        ('Cursor(sort_by="up")', ExpressionError, "not one of asc, desc"),
        ("Cursor(start=[1])", ExpressionError, "a timestamp or an id"),
        (
            'Condition(field="title", op=Operator.CONTAIN)',
            ExpressionError,
            "did you mean 'CONTAINS'",
        ),
        ('Prefilter(FakeJob, "salary").gt(datetime(2024, 13, 1))', ExpressionError, "month"),
        ('Prefilter(FakeJob, "salary").gt(datetime("2024"))', ExpressionError, "whole numbers"),
        ('Prefilter(FakeJob, "title").in_([["a"]])', ExpressionError, "cannot be nested"),
        ('Prefilter(FakeJob, "title").eq(b"x")', ExpressionError, "bytes values"),
        ('Prefilter(FakeJob, "salary").gt(1e999)', ExpressionError, "finite"),
        ('Prefilter(FakeJob, "title").eq(Tru)', ExpressionError, "did you mean 'True'"),
        ('Prefilter(FakeJob, "title").eq("x"', ExpressionError, "syntax error"),
        ("", ExpressionError, "empty expression"),
        ("x" * 5000, ExpressionError, "too long"),
        ("title", ExpressionError, "on its own does nothing"),
        ("42", ExpressionError, "expected Prefilter"),
    ],
)
def test_mistakes_get_one_precise_line(text: str, error: type[ConfigError], message: str) -> None:
    with pytest.raises(error) as caught:
        parse(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


# -- safety --------------------------------------------------------------------------------------

ATTACKS = [
    '__import__("os").system("touch {sentinel}")',
    "().__class__.__bases__[0].__subclasses__()",
    "().__class__.__bases__",
    'lambda: __import__("os").system("touch {sentinel}")',
    '[open("{sentinel}", "w") for _ in [1]]',
    '{{k: open("{sentinel}", "w") for k in [1]}}',
    '(open("{sentinel}", "w") for _ in [1])',
    "f\"{{open('{sentinel}', 'w')}}\"",
    'open("{sentinel}", "w")',
    'Prefilter(LocalJob, "title").contains(open("{sentinel}", "w").name)',
    'Prefilter(LocalJob, "title").contains(open("{sentinel}", "w"))',
    'Condition(field="title", op="eq", value=open("{sentinel}", "w"))',
    'Cursor(start=__import__("pathlib").Path("{sentinel}").touch())',
    'Prefilter(LocalJob, "title").__class__',
    'Prefilter(LocalJob, "title").condition("eq", open("{sentinel}", "w"))',
    'Prefilter(LocalJob, "title").eq.__globals__',
    "Prefilter.eq",
    "LocalJob.model_fields",
    'getattr(Prefilter, "eq")',
    "eval(\"open('{sentinel}', 'w')\")",
    "exec(\"open('{sentinel}', 'w')\")",
    "globals()",
    "breakpoint()",
    "import os",
    "from os import system",
    'x = open("{sentinel}", "w")',
    '(x := open("{sentinel}", "w"))',
    'Prefilter(LocalJob, "title").eq("a" + "b")',
    'Prefilter(LocalJob, "title").eq("x") if True else 0',
    'Condition(**{{"field": "title", "op": "eq"}})',
    'Prefilter(LocalJob, *["title"]).eq("x")',
    "[1][0]",
    "datetime.now()",
    "Operator.__class__",
    "__builtins__",
    'open("{sentinel}", "w"); 1',
    "Prefilter(LocalJob, 'title').eq((yield))",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_code_is_refused_with_a_clear_message_and_no_effect(
    attack: str, make_harness: type[Harness], demo: Path, tmp_path: Path
) -> None:
    from tui.session import Draft

    sentinel = tmp_path / "sentinel"
    text = attack.format(sentinel=sentinel)
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    message = str(caught.value)
    assert message and "\n" not in message and "Traceback" not in message
    assert not sentinel.exists()

    # Through the REPL: an error line, and the draft is untouched.
    harness = make_harness(Draft.open(str(demo)))
    output = harness.do(text, f"\\where add {text}", f"\\check {text}")
    assert output.count("error: ") == 3 and "Traceback" not in output
    assert harness.draft.where == [] and not harness.draft.dirty
    assert not sentinel.exists()


def test_the_repl_never_evaluates_code_and_the_parser_never_looks_names_up() -> None:
    offenders = []
    for path in sorted((ROOT / "tui" / "repl").glob("*.py")):
        banned = {"eval", "exec", "compile", "__import__", "breakpoint"}
        if path.name == "parser.py":
            banned |= {"getattr", "setattr", "globals", "locals", "vars"}
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in banned
            ):
                offenders.append(f"{path.name}:{node.lineno} calls {node.func.id}")
    assert offenders == []


def test_date_values_are_real_dates() -> None:
    expr = parse('Condition(field="published_at", op="gte", value=date(2024, 5, 1))')
    assert isinstance(expr, ConditionExpr) and expr.value == date(2024, 5, 1)
