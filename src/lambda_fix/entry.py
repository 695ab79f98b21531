"""Console script entry point that handles --version before importing typer.

Importing typer and the rest of the command line takes most of the
start-up time, so `lambda-fix --version` alone is handled here.
"""

from __future__ import annotations

import errno
import os
import sys

from lambda_fix import __version__

# The exit status for errors, as in lambda_fix.report, which this module
# does not import so that --version stays fast.
EXIT_ERROR = 2
# Errors of a full or broken standard output, such as `> /dev/full`.
_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EBADF})


def main() -> None:
    """Run the lambda-fix command line."""
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"lambda-fix {__version__}\n")
        return
    from lambda_fix.cli import main as run_cli

    try:
        run_cli()
    except BrokenPipeError:
        # The reader went away (`lambda-fix . | head`); print nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_ERROR)
    except OSError as error:
        if error.errno not in _OUTPUT_ERRORS:
            raise
        sys.stderr.write(
            f"lambda-fix: error: cannot write output: {error.strerror}; check "
            "where standard output goes\n"
        )
        sys.exit(EXIT_ERROR)
