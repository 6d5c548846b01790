"""How a command fails: one table from the project's exceptions to exit codes.

A command raises the project's exception and ``CspkgGroup`` prints ``Error: message``
(plus the command's note on what the failure left unchanged, ``ctx.meta[AFTER_FAILURE]``)
and exits with the code ``EXIT_CODES`` gives.  0 success, 1 data problems found, 2 usage
or input error.
"""

from __future__ import annotations

import click

from ..errors import CspkgError, ValidationFailed

EXIT_OK = 0
EXIT_DATA_PROBLEMS = 1
EXIT_USAGE_OR_INPUT = 2

EXIT_CODES: tuple[tuple[type[CspkgError], int], ...] = (
    (ValidationFailed, EXIT_DATA_PROBLEMS),  # the data broke the shapes
    (CspkgError, EXIT_USAGE_OR_INPUT),  # bad arguments, unreadable input, unusable store
)
"""Exception type -> exit code, first match wins; the message is the exception's own."""

AFTER_FAILURE = "cspkg.after_failure"
"""``ctx.meta`` key: a line a command wants printed after its error (what is unchanged)."""


def exit_code(exc: CspkgError) -> int:
    """The exit code ``EXIT_CODES`` gives an exception."""
    return next(code for kind, code in EXIT_CODES if isinstance(exc, kind))


class CspkgGroup(click.Group):
    """Runs a subcommand and turns the project's exceptions into a message and exit code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CspkgError as exc:
            click.echo(f"Error: {exc}", err=True)
            if ctx.meta.get(AFTER_FAILURE):
                click.echo(ctx.meta[AFTER_FAILURE], err=True)
            ctx.exit(exit_code(exc))
