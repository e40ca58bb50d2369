"""The engine: types, models, metadata, filters, pipeline, registry and HTTP policy."""
