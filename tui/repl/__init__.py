"""``hrtech-etl repl``: an interactive prompt for building, checking and running sync profiles.

The package is split by job: `grammar` (the commands and expression vocabulary), `parser`
(expressions read with `ast` from a whitelist), `tokens` + `completion` (classify what belongs
at the cursor, then list candidates), `catalog` (the metadata both read), `lexer`
(highlighting), `render` (rich output), `commands` (what each line does to the `Draft`) and
`session` (the prompt-toolkit session and loop).
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main(profile: str | None = None) -> int:
    """Run the REPL, optionally on a sync profile (a path or a name in ./profiles)."""
    from rich.console import Console

    from hrtech_etl.core.errors import ConfigError
    from tui.repl.commands import Repl
    from tui.repl.session import build_session, open_history, run
    from tui.session import Draft

    try:
        draft = Draft.open(profile) if profile else Draft()
    except ConfigError as exc:
        print(f"hrtech-etl: error: {exc}", file=sys.stderr)
        return exc.exit_code
    repl = Repl(draft, Console(highlight=False, markup=False))
    repl.catalog.model_classes()  # load the connectors now, not in the middle of a keystroke
    return run(repl, build_session(repl, history=open_history()))
