"""Whole prompt-toolkit sessions in-process: a pipe for the keyboard, a dummy terminal."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from prompt_toolkit.formatted_text import to_plain_text
from prompt_toolkit.history import FileHistory
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from hrtech_etl.cli import main as cli_main
from tests.repl.conftest import Harness
from tui.repl import main as repl_main
from tui.repl.session import build_session, history_path, open_history, run

HEADS = 'Prefilter(LocalJob, "title").contains("Head of Data")'


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input:
        yield pipe_input


def run_session(harness: Harness, pipe: PipeInput, keys: str, *, close: bool = False) -> int:
    pipe.send_text(keys)
    if close:
        pipe.close()  # the end of input, as Ctrl-D on an empty line
    return run(harness.repl, build_session(harness.repl, input=pipe, output=DummyOutput()))


def test_a_whole_session_filters_previews_saves_and_replays_the_same_records(
    harness: Harness, pipe: PipeInput, tmp_cwd: Path
) -> None:
    keys = f"{HEADS}\r\\preview 100\r\\save profiles/heads.toml\r\\quit\r"
    assert run_session(harness, pipe, keys) == 0
    output = harness.new_output()
    assert "WHERE 1: title contains 'Head of Data'" in output
    assert "4 records (read 2000)" in output
    previewed = set(re.findall(r"│ (job-\d+) +│", output))
    assert len(previewed) == 4
    assert "saved profiles/heads.toml" in output

    assert cli_main(["run", str(tmp_cwd / "profiles" / "heads.toml"), "-q"]) == 0
    with sqlite3.connect(tmp_cwd / "hrtech-demo.db") as conn:
        moved = {row[0] for row in conn.execute("SELECT id FROM jobs")}
    assert moved == previewed


def test_enter_adds_a_line_while_a_bracket_is_open(harness: Harness, pipe: PipeInput) -> None:
    keys = 'Prefilter(\r    LocalJob,\r    "title",\r).contains(\r"Head of Data")\r\\where\r'
    run_session(harness, pipe, keys, close=True)
    assert [str(c) for c in harness.draft.where] == ["title contains 'Head of Data'"]
    assert "1 │ title contains 'Head of Data'" in harness.new_output()


def test_end_of_input_asks_once_when_changes_are_unsaved(harness: Harness, pipe: PipeInput) -> None:
    assert run_session(harness, pipe, f"{HEADS}\r", close=True) == 0
    output = harness.new_output()
    assert "unsaved changes: \\save [PATH] keeps them" in output
    assert harness.repl.done


def test_ctrl_c_clears_the_line_and_the_session_goes_on(harness: Harness, pipe: PipeInput) -> None:
    assert run_session(harness, pipe, 'Prefilter(LocalJob, "ti\x03\\quit\r') == 0
    assert harness.draft.where == [] and harness.repl.done


def test_the_sessions_toolbar_shows_the_draft(harness: Harness, pipe: PipeInput) -> None:
    session = build_session(harness.repl, input=pipe, output=DummyOutput())
    assert callable(session.bottom_toolbar)
    text = to_plain_text(session.bottom_toolbar())
    assert "origin jsonl → target sqlite · job · WHERE 0 · HAVING 0 · cursor updated_at asc" in text
    harness.do(HEADS, '\\having add Condition(field="status", op="eq", value="open")')
    text = to_plain_text(session.bottom_toolbar())
    assert "WHERE 1 · HAVING 1" in text and "formatter unified" in text and "● unsaved" in text


def test_refused_code_has_no_effect_in_a_session(
    harness: Harness, pipe: PipeInput, tmp_path: Path
) -> None:
    sentinel = tmp_path / "sentinel"
    keys = f'__import__("os").system("touch {sentinel}")\r().__class__.__bases__\r\\quit\r'
    assert run_session(harness, pipe, keys) == 0
    output = harness.new_output()
    assert output.count("error: '__") == 2 and "Traceback" not in output
    assert not sentinel.exists() and harness.draft.where == []


def test_history_lives_in_the_state_dir_and_is_private(harness: Harness, pipe: PipeInput) -> None:
    history = open_history()
    path = history_path()
    assert path.parent == Path(os.environ["HRTECH_ETL_STATE_DIR"])
    assert isinstance(history, FileHistory)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    pipe.send_text("\\where\r\\quit\r")
    run(
        harness.repl, build_session(harness.repl, input=pipe, output=DummyOutput(), history=history)
    )
    assert "\\where" in list(FileHistory(str(path)).load_history_strings())


def test_main_reports_a_bad_profile_in_one_line(
    tmp_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert repl_main("nope") == 2
    err = capsys.readouterr().err
    assert err.startswith("hrtech-etl: error: no sync profile 'nope'") and err.count("\n") == 1


# -- completion, keystroke by keystroke --------------------------------------------------------


class LiveSession:
    """A session running in a thread, typed into chunk by chunk (completion runs between)."""

    def __init__(self, harness: Harness, pipe: PipeInput) -> None:
        self.pipe = pipe
        self.session = build_session(harness.repl, input=pipe, output=DummyOutput())
        self.codes: list[int] = []
        self.thread = threading.Thread(
            target=lambda: self.codes.append(run(harness.repl, self.session)), daemon=True
        )
        self.thread.start()

    def type(self, keys: str, *, then: str) -> None:
        """Send ``keys``; wait until the input line reads ``then``."""
        self.pipe.send_text(keys)
        self.wait(lambda: self.session.default_buffer.text == then, then)

    def wait(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 10
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"waited for {what!r}; input is {self.session.default_buffer.text!r}"
                )
            time.sleep(0.01)

    def finish(self, keys: str) -> int:
        self.pipe.send_text(keys)
        self.thread.join(10)
        assert not self.thread.is_alive(), "the session did not end"
        return self.codes[0]


def test_tab_completes_model_field_and_operator(harness: Harness, pipe: PipeInput) -> None:
    live = LiveSession(harness, pipe)
    live.type("Prefilter(Loc", then="Prefilter(Loc")
    live.type("\t", then="Prefilter(LocalJob")
    live.type(', "tit', then='Prefilter(LocalJob, "tit')
    live.type("\t", then='Prefilter(LocalJob, "title"')
    live.type(").conta", then='Prefilter(LocalJob, "title").conta')
    live.type("\t", then=HEADS.removesuffix('("Head of Data")'))
    live.type('("Head of Data")\r', then="")
    live.wait(lambda: len(harness.draft.where) == 1, "the condition")
    assert live.finish("\\save profiles/heads.toml\r\\quit\r") == 0
    assert [str(c) for c in harness.draft.where] == ["title contains 'Head of Data'"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (
            "\\origin warehouse_a auth.type=api_key auth.api_key=s3cret timeout=30",
            "\\origin warehouse_a auth.type=api_key auth.api_key=*** timeout=30",
        ),
        (
            "\\target x auth.token='a b' auth.base_url=http://h",
            "\\target x auth.token=*** auth.base_url=http://h",
        ),
        ("\\origin x auth.api_key=${A_KEY}", "\\origin x auth.api_key=${A_KEY}"),
        (
            'Condition(field="title", op="eq", value="auth.x=1")',
            'Condition(field="title", op="eq", value="auth.x=1")',
        ),
    ],
)
def test_secrets_typed_on_the_command_line_never_reach_the_history_file(
    typed: str, stored: str
) -> None:
    history = open_history()
    history.append_string(typed)
    assert list(FileHistory(str(history_path())).load_history_strings()) == [stored]
