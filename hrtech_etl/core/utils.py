"""Re-exports kept for the seed's public import path (`hrtech_etl.core.utils`)."""

from hrtech_etl.core.filters import apply_postfilters
from hrtech_etl.core.params import (
    build_connector_params,
    build_cursor_query_params,
    build_eq_query_params,
    build_in_query_params,
    build_search_query_params,
)
from hrtech_etl.core.pipeline import safe_format_resources

__all__ = [
    "apply_postfilters",
    "build_connector_params",
    "build_cursor_query_params",
    "build_eq_query_params",
    "build_in_query_params",
    "build_search_query_params",
    "safe_format_resources",
]
