"""`python -m hrtech_etl` runs the CLI."""

import sys

from hrtech_etl.cli import main

sys.exit(main())
