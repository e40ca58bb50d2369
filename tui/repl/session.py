"""The prompt-toolkit session around a `Repl`: prompt, toolbar, completion, history, the loop.

Enter runs the line, except while a bracket or a string is open: then it adds a line, so a
long ``Prefilter(...)`` can be written over several lines. The bottom toolbar shows the draft
(origin, target, resource, WHERE, HAVING, cursor, formatter) and whether it has unsaved changes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.application.current import get_app
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.filters import Condition as When
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output
from prompt_toolkit.styles import Style

from hrtech_etl.core.state import default_state_dir
from tui.repl.commands import Repl
from tui.repl.completion import ReplCompleter
from tui.repl.lexer import ReplLexer
from tui.repl.tokens import needs_more_input
from tui.session import Draft

__all__ = [
    "STYLE",
    "PrivateFileHistory",
    "build_session",
    "history_path",
    "open_history",
    "redact_secrets",
    "run",
    "toolbar",
]

STYLE = Style.from_dict(
    {
        "prompt": "bold",
        "continuation": "ansibrightblack",
        "command": "bold ansiblue",
        "builder": "bold ansicyan",
        "model": "ansimagenta",
        "method": "ansiyellow",
        "keyword": "italic",
        "string": "ansigreen",
        "number": "ansiyellow",
        "constant": "ansiyellow",
        "error": "ansired",
        "bottom-toolbar.dirty": "bold",
    }
)


# `\origin x auth.api_key=s3cret`: an auth value typed literally (not a ${VAR} reference).
# Only the non-secret auth keys are kept as typed.
_LITERAL_AUTH = re.compile(
    r"""(\bauth\.(?!type=|base_url=|header_name=)[\w-]+=)(?!\$\{)("[^"]*"|'[^']*'|\S+)"""
)


def redact_secrets(line: str) -> str:
    """A ``\\origin`` / ``\\target`` line with literal auth values replaced by ``***``, so
    secrets never reach the disk."""
    if not line.lstrip().startswith(("\\origin", "\\target")):
        return line
    return _LITERAL_AUTH.sub(r"\1***", line)


class PrivateFileHistory(FileHistory):
    """File history that never stores a secret typed on the command line."""

    def append_string(self, string: str) -> None:
        super().append_string(redact_secrets(string))


def history_path() -> Path:
    return default_state_dir() / "repl-history"


def open_history() -> History:
    """The REPL's file history in the user state dir, private (0600) like the rest of it."""
    path = history_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    except OSError:
        return InMemoryHistory()  # a read-only home must not stop the REPL
    return PrivateFileHistory(str(path))


def toolbar(draft: Draft) -> StyleAndTextTuples:
    origin = draft.origin.connector if draft.origin else "-"
    target = draft.target.connector if draft.target else "-"
    cursor = f"{draft.cursor.mode.value} {draft.cursor.sort_by.value}"
    if draft.cursor.start:
        cursor += f" from {draft.cursor.start}"
    formatter = draft.formatter_callable or ("mapping" if draft.mapping else "unified")
    parts: StyleAndTextTuples = [
        (
            "",
            f" origin {origin} → target {target} · {draft.resource.value} · "
            f"WHERE {len(draft.where)} · HAVING {len(draft.having)} · cursor {cursor} · "
            f"formatter {formatter} ",
        )
    ]
    if draft.dirty:
        parts.append(("class:bottom-toolbar.dirty", "· ● unsaved "))
    return parts


def build_session(
    repl: Repl,
    *,
    input: Input | None = None,
    output: Output | None = None,
    history: History | None = None,
) -> PromptSession[str]:
    """A prompt session bound to ``repl`` (pass a pipe input and a dummy output in tests)."""

    def message() -> StyleAndTextTuples:
        return [("class:prompt", f"{repl.draft.name}> ")]

    def continuation(width: int, line_number: int, wrap_count: int) -> StyleAndTextTuples:
        return [("class:continuation", "... ".rjust(width))]

    return PromptSession(
        message,
        multiline=When(lambda: needs_more_input(get_app().current_buffer.text)),
        prompt_continuation=continuation,
        completer=ReplCompleter(repl.catalog),
        complete_while_typing=True,
        lexer=ReplLexer(lambda: repl.catalog.model_classes().keys()),
        bottom_toolbar=lambda: toolbar(repl.draft),
        history=history or InMemoryHistory(),
        auto_suggest=AutoSuggestFromHistory(),
        style=STYLE,
        input=input,
        output=output,
    )


def run(repl: Repl, session: PromptSession[str]) -> int:
    """Read, run, repeat until ``\\quit`` or Ctrl-D (asked twice when changes are unsaved)."""
    repl.greet()
    while not repl.done:
        try:
            line = session.prompt()
        except KeyboardInterrupt:
            continue  # Ctrl-C clears the line, as in a shell
        except EOFError:
            repl.execute("\\quit")
            continue
        repl.execute(line)
    return 0
