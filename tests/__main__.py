"""`python -m tests`: the whole check — lint, format, types, then the test suite.

Extra arguments go to pytest (`python -m tests -k pipeline -x`). Exits non-zero on the first
failing step, so CI and contributors run exactly the same thing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    python = sys.executable
    steps: list[tuple[str, list[str]]] = [
        ("ruff lint", [python, "-m", "ruff", "check", "."]),
        ("ruff format", [python, "-m", "ruff", "format", "--check", "."]),
        ("mypy", [python, "-m", "mypy"]),
        ("pytest", [python, "-m", "pytest", *argv]),
    ]
    for name, command in steps:
        print(f"==> {name}", flush=True)
        code = subprocess.call(command, cwd=ROOT)
        if code != 0:
            print(f"==> {name} failed (exit {code})", file=sys.stderr, flush=True)
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
