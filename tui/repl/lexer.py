"""Syntax highlighting for REPL input, on prompt-toolkit's lexer API (no Pygments).

Colours commands, builders, model names, operator methods, keywords, strings and numbers,
with the same forgiving scanner the completer uses.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.lexers import Lexer

from tui.repl.grammar import BUILDERS, ENUMS, OPERATOR_METHODS, VALUE_CALLS, find_command
from tui.repl.tokens import scan

__all__ = ["ReplLexer"]

_CONSTANTS = frozenset({"True", "False", "None"})


class ReplLexer(Lexer):
    """``model_names`` is called on each render, so models of a new origin colour at once."""

    def __init__(self, model_names: Callable[[], Collection[str]]) -> None:
        self.model_names = model_names

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        lines = [self.lex_line(line) for line in document.lines]

        def get_line(number: int) -> StyleAndTextTuples:
            return lines[number] if 0 <= number < len(lines) else []

        return get_line

    def lex_line(self, line: str) -> StyleAndTextTuples:
        models = self.model_names()
        tokens = scan(line)
        styled: StyleAndTextTuples = []
        for index, token in enumerate(tokens):
            following = tokens[index + 1].text if index + 1 < len(tokens) else ""
            previous = tokens[index - 1].text if index else ""
            style = ""
            if token.kind == "command":
                style = "class:command" if find_command(token.text) else "class:error"
            elif token.kind in ("string", "open_string"):
                style = "class:string"
            elif token.kind == "number":
                style = "class:number"
            elif token.kind == "name":
                if token.text in BUILDERS:
                    style = "class:builder"
                elif token.text in models:
                    style = "class:model"
                elif previous == "." and token.text in OPERATOR_METHODS:
                    style = "class:method"
                elif following == "=":
                    style = "class:keyword"
                elif token.text in _CONSTANTS or token.text in ENUMS or token.text in VALUE_CALLS:
                    style = "class:constant"
            styled.append((style, token.text))
        return styled
