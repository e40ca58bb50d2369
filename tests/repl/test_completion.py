"""Two-stage completion on fake metadata: the context classifier, then the candidate provider."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from tui.repl.completion import (
    Catalog,
    Clause,
    Context,
    FieldInfo,
    Kind,
    ReplCompleter,
    candidates,
    classify,
)
from tui.repl.grammar import COMMANDS

FIELDS = {
    "FakeJob": [
        FieldInfo("id", "str", ("eq", "in"), {"eq": "job_id", "in": "ids"}, cursor="id"),
        FieldInfo("title", "str", ("eq", "contains"), {"eq": "title", "contains": "q"}),
        FieldInfo("status", "Status", ("eq", "in"), {"eq": "(in memory)"}, ("open", "closed")),
        FieldInfo("remote", "bool | None", ("eq",), {"eq": "remote"}),
        FieldInfo("notes", "str | None"),  # not prefilterable
        FieldInfo("updated_at", "datetime", ("gte", "lte"), {}, cursor="updated_at"),
    ],
    "OtherJob": [FieldInfo("name", "str", ("eq",), {"eq": "name"})],
}


@dataclass
class FakeCatalog:
    origin: str = "FakeJob"

    def models(self) -> Sequence[tuple[str, str]]:
        return [("FakeJob", "the origin's model"), ("OtherJob", "other · job")]

    def fields(self, model: str | None) -> Sequence[FieldInfo]:
        return FIELDS.get(model or self.origin, [])

    def cursor_modes(self) -> Sequence[str]:
        return ["id", "updated_at"]

    def connectors(self) -> Sequence[tuple[str, str]]:
        return [("fake", "Fake ATS"), ("files", "Local files")]

    def profiles(self) -> Sequence[str]:
        return ["demo", "nightly-jobs"]


CATALOG: Catalog = FakeCatalog()


def words(text: str) -> list[str]:
    return [c.text for c in candidates(classify(text), CATALOG)]


# -- stage 1: what belongs at the cursor ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Context(Kind.BUILDER)),
        ("Pre", Context(Kind.BUILDER, prefix="Pre")),
        ("Prefilter(", Context(Kind.MODEL)),
        ("Prefilter(Fa", Context(Kind.MODEL, prefix="Fa")),
        ("Prefilter(FakeJob, ", Context(Kind.FIELD, quoted=True, model="FakeJob")),
        (
            'Prefilter(FakeJob, "ti',
            Context(Kind.FIELD, prefix="ti", quote='"', quoted=True, model="FakeJob"),
        ),
        (
            "Prefilter(FakeJob, 'ti",
            Context(Kind.FIELD, prefix="ti", quote="'", quoted=True, model="FakeJob"),
        ),
        ('Prefilter(FakeJob, "title").', Context(Kind.METHOD, model="FakeJob", field="title")),
        (
            'Prefilter(FakeJob, "title").con',
            Context(Kind.METHOD, prefix="con", model="FakeJob", field="title"),
        ),
        (
            'Prefilter(FakeJob, "status").eq(',
            Context(Kind.VALUE, quoted=True, model="FakeJob", field="status", op="eq"),
        ),
        (
            'Prefilter(FakeJob, "status").in_(["open", "c',
            Context(
                Kind.VALUE,
                prefix="c",
                quote='"',
                quoted=True,
                model="FakeJob",
                field="status",
                op="in",
            ),
        ),
        ("Condition(", Context(Kind.KEYWORD, options=("field", "op", "value"))),
        ('Condition(field="status", ', Context(Kind.KEYWORD, options=("op", "value"))),
        ('Condition(field="', Context(Kind.FIELD, quote='"', quoted=True)),
        ('Condition(field="status", op=', Context(Kind.OPERATOR, quoted=True, field="status")),
        (
            'Condition(field="status", op="eq", value="o',
            Context(Kind.VALUE, prefix="o", quote='"', quoted=True, field="status", op="eq"),
        ),
        ("Cursor(mode=", Context(Kind.CURSOR_MODE, quoted=True)),
        (
            'Cursor(mode="id", sort_by="d',
            Context(Kind.SORT_ORDER, prefix="d", quote='"', quoted=True),
        ),
        ("Cursor(start=", Context(Kind.NONE)),
        ('Prefilter(FakeJob, "title").eq("x")', Context(Kind.NONE)),
        ('Prefilter(FakeJob, "title").eq("x") ', Context(Kind.NONE)),
        ("\\", Context(Kind.COMMAND, prefix="\\")),
        ("\\wh", Context(Kind.COMMAND, prefix="\\wh")),
        ("\\where ", Context(Kind.ACTION, options=("add", "rm", "clear"))),
        ("\\where a", Context(Kind.ACTION, prefix="a", options=("add", "rm", "clear"))),
        ("\\where add Prefilter(", Context(Kind.MODEL)),
        (
            '\\having add Condition(field="',
            Context(Kind.FIELD, quote='"', quoted=True, clause=Clause.HAVING),
        ),
        ("\\check Cursor(mode=", Context(Kind.CURSOR_MODE, quoted=True)),
        ("\\origin ", Context(Kind.CONNECTOR)),
        ("\\target fi", Context(Kind.CONNECTOR, prefix="fi")),
        ("\\origin fake ", Context(Kind.NONE)),  # KEY=VALUE options: free text
        ("\\resource ", Context(Kind.RESOURCE)),
        ("\\load ni", Context(Kind.PROFILE, prefix="ni")),
        ("\\schema ", Context(Kind.SIDE)),
        ("\\help ", Context(Kind.COMMAND)),
        ("\\cursor ", Context(Kind.KEYWORD, options=("mode", "start", "sort_by"))),
        ("\\cursor mode=id ", Context(Kind.KEYWORD, options=("start", "sort_by"))),
        ("\\cursor mode=up", Context(Kind.CURSOR_MODE, prefix="up")),
        ("\\preview ", Context(Kind.NONE)),
        ("\\nope ", Context(Kind.NONE)),
    ],
)
def test_the_classifier_says_what_belongs_at_the_cursor(text: str, expected: Context) -> None:
    assert classify(text) == expected


def test_the_classifier_reads_expressions_written_over_several_lines() -> None:
    assert classify('Prefilter(\n    FakeJob,\n    "ti') == Context(
        Kind.FIELD, prefix="ti", quote='"', quoted=True, model="FakeJob"
    )


# -- stage 2: the candidates ---------------------------------------------------------------------


def test_models_come_first_for_the_origin() -> None:
    assert words("Prefilter(") == ["FakeJob", "OtherJob"]
    assert words("Prefilter(Oth") == ["OtherJob"]


def test_inside_prefilter_only_prefilterable_fields_are_offered_quoted() -> None:
    assert words("Prefilter(FakeJob, ") == [
        '"id"',
        '"title"',
        '"status"',
        '"remote"',
        '"updated_at"',
    ]
    assert words('Prefilter(FakeJob, "ti') == ['title"']  # completes inside the open string
    assert words("Prefilter(FakeJob, 'up") == ["updated_at'"]
    assert words('Prefilter(OtherJob, "') == ['name"']
    assert words('Prefilter(Unknown, "') == []


def test_after_the_dot_only_the_fields_allowed_operators_are_offered() -> None:
    assert words('Prefilter(FakeJob, "title").') == ["eq", "contains"]
    assert words('Prefilter(FakeJob, "id").') == ["eq", "in_"]
    assert words('Prefilter(FakeJob, "updated_at").') == ["gte", "lte"]
    assert words('Prefilter(FakeJob, "notes").') == []
    assert words('Prefilter(FakeJob, "nope").') == []


def test_operator_candidates_say_where_they_run() -> None:
    found = candidates(classify('Prefilter(FakeJob, "title").'), CATALOG)
    assert [(c.display, c.meta) for c in found] == [
        ("eq", "pushed as title"),
        ("contains", "pushed as q"),
    ]
    found = candidates(classify('Prefilter(FakeJob, "status").'), CATALOG)
    assert found[0].meta == "in memory"


def test_values_are_the_fields_enum_values_or_booleans() -> None:
    assert words('Prefilter(FakeJob, "status").eq(') == ['"open"', '"closed"']
    assert words('Prefilter(FakeJob, "status").eq("cl') == ['closed"']
    assert words('Prefilter(FakeJob, "status").in_(["open", ') == ['"open"', '"closed"']
    assert words('Prefilter(FakeJob, "remote").eq(') == ["True", "False"]
    assert words('Prefilter(FakeJob, "title").eq(') == []
    assert words('Condition(field="status", op="eq", value=') == ['"open"', '"closed"']


def test_condition_keywords_fields_and_operators_follow_the_clause() -> None:
    assert words("Condition(") == ["field=", "op=", "value="]
    assert words('Condition(field="title", v') == ["value="]
    assert "notes" not in " ".join(words('Condition(field="'))
    assert words('\\having add Condition(field="no') == ['notes"']
    assert words('Condition(field="status", op=') == ['"eq"', '"in"']
    having = words('\\having add Condition(field="status", op=')
    assert len(having) == 9 and '"contains"' in having


def test_cursor_settings() -> None:
    assert words("Cursor(") == ["mode=", "start=", "sort_by="]
    assert words("Cursor(mode=") == ['"id"', '"updated_at"']
    assert words('Cursor(sort_by="') == ['asc"', 'desc"']
    assert words("\\cursor mode=") == ["id", "updated_at"]
    assert words("\\cursor so") == ["sort_by="]


def test_commands_and_their_arguments() -> None:
    assert words("\\wh") == ["\\where"]
    assert words("\\q") == ["\\quit", "\\q"]  # the name, then the alias
    assert len(words("\\")) >= len(COMMANDS)
    assert words("\\help wh") == ["where"]
    assert words("\\where ") == ["add", "rm", "clear"]
    assert words("\\origin ") == ["fake", "files"]
    assert words("\\target fi") == ["files"]
    assert words("\\load ") == ["demo", "nightly-jobs"]
    assert words("\\load jobs") == ["nightly-jobs"]  # substring matches come after
    assert words("\\resource p") == ["profile"]
    assert words("\\schema t") == ["target"]
    assert words("Pre") == ["Prefilter"]
    assert words("C") == ["Condition", "Cursor"]


def test_prefix_matches_come_before_substring_matches() -> None:
    assert words('Prefilter(FakeJob, "t') == ['title"', 'status"', 'remote"', 'updated_at"']


def test_the_prompt_toolkit_completer_replaces_the_partial_word() -> None:
    completer = ReplCompleter(CATALOG)
    text = 'Prefilter(FakeJob, "title").con'
    found = list(
        completer.get_completions(Document(text), CompleteEvent(completion_requested=True))
    )
    assert [(c.text, c.start_position) for c in found] == [("contains", -3)]
    text = 'Prefilter(FakeJob, "ti'
    found = list(completer.get_completions(Document(text), CompleteEvent()))
    assert [(c.text, c.start_position) for c in found] == [('title"', -2)]
