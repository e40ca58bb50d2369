"""Connectors, one package per system. Each package exposes ``CONNECTOR`` (a ConnectorMeta)."""
