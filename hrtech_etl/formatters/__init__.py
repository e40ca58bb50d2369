"""Formatters: Python callables or mapping specs that turn origin records into target records."""
