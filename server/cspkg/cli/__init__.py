"""The ``cspkg`` command line: the group and its entry point (``group.py``), one module
per family of commands, the exit-code table (``failures.py``) and the options commands
share (``options.py``)."""

from .failures import (
    AFTER_FAILURE,
    EXIT_CODES,
    EXIT_DATA_PROBLEMS,
    EXIT_OK,
    EXIT_USAGE_OR_INPUT,
    CspkgGroup,
    exit_code,
)
from .group import cli, main
from .options import store_options, with_store

__all__ = [
    "AFTER_FAILURE",
    "EXIT_CODES",
    "EXIT_DATA_PROBLEMS",
    "EXIT_OK",
    "EXIT_USAGE_OR_INPUT",
    "CspkgGroup",
    "cli",
    "exit_code",
    "main",
    "store_options",
    "with_store",
]
