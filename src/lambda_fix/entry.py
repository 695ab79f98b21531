"""Console script entry point that answers --version before importing typer.

Importing typer and the rest of the command line takes most of the
start-up time, so `lambda-fix --version` alone is answered from here.
"""

from __future__ import annotations

import sys

from lambda_fix import __version__


def main() -> None:
    """Run the lambda-fix command line."""
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"lambda-fix {__version__}\n")
        return
    from lambda_fix.cli import main as run_cli

    run_cli()
