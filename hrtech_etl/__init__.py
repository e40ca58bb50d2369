"""hrtech-etl: move HR jobs and candidate profiles between systems, incrementally."""

__version__ = "0.1.0.dev0"
