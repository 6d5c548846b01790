"""``python -m cspkg`` runs the CLI."""

from .cli import main

main()
