"""Maintainer tooling (YAML, JSON Schema, importers, site helpers).

May import third-party packages; the engine core never imports this package.
"""
