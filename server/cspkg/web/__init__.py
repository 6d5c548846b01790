"""The HTTP face: ``create_app()`` wires blueprints, error handlers and services."""

from .app import create_app

__all__ = ["create_app"]
