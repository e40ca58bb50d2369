"""A forgiving scanner for what the user is typing, shared by completion and highlighting.

Unlike `tokenize`, it never fails on half-typed input: an unterminated string at the end is
one ``open_string`` token, and any other character is an ``op`` token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Token", "needs_more_input", "scan"]

_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<string>(?P<q>['"])(?:\\.|(?!(?P=q))[^\\])*(?P=q))
    | (?P<open_string>['"].*\Z)
    | (?P<command>\\[A-Za-z?!]*)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<number>[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9]+)?)
    | (?P<op>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_PAIRS = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # ws | string | open_string | command | name | number | op
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def string_value(self) -> str:
        """The text inside a (possibly unterminated) string token's quotes."""
        if self.kind == "string":
            return self.text[1:-1]
        if self.kind == "open_string":
            return self.text[1:]
        return self.text


def scan(text: str) -> list[Token]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "q" or kind is None:  # the inner quote group never ends a match
            kind = "string"
        tokens.append(Token(kind, match.group(), match.start()))
    return tokens


def needs_more_input(text: str) -> bool:
    """True while a bracket or a string is still open, so Enter should add a line instead."""
    depth = 0
    for token in scan(text):
        if token.kind == "open_string":
            return True
        if token.kind == "op":
            if token.text in "([{":
                depth += 1
            elif token.text in _PAIRS:
                depth = max(depth - 1, 0)
    return depth > 0
