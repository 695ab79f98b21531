"""The lambda-fix command: options in, files through the core, a report out."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from lambda_fix import __version__
from lambda_fix.batch import default_jobs, process_all
from lambda_fix.core import Status, fix_text
from lambda_fix.discover import DEFAULT_EXCLUDES, Selection
from lambda_fix.options import DEFAULT_USER, InvalidUser, Options, validate_user
from lambda_fix.plan import Plan, display, make_plan
from lambda_fix.report import EXIT_ERROR, Report, use_color
from lambda_fix.run import FileOutcome, Mode

HELP = """\
Add a non-root USER to Dockerfiles of AWS Lambda container images.

Lambda runs every image as its own non-root user and ignores USER, but
security scanners flag images whose final user is root. lambda-fix inserts
one USER line where it cannot break the build. PATH is a file, a directory
(searched for Dockerfiles) or - for standard input.

By default it prints a unified diff and writes nothing. Exit status: 0
nothing to fix, 1 fixes needed, 2 an error in some file or bad usage.
"""

USER_HELP = (
    "User for the inserted USER line: UID[:GID] with a non-zero UID, or a "
    "name that exists in the image."
)
TARGET_HELP = "Build stage to fix, as in `docker build --target`; default: the last."
BUILD_ARG_HELP = (
    "Value for an ARG used in FROM or USER, as in `docker build --build-arg`; "
    "repeat for more."
)
WRITE_HELP = "Write fixes in place instead of printing a diff."
CHECK_HELP = "Write nothing and print no diff; list the files that would change."
COLOR_HELP = "Colour output: auto (a terminal without NO_COLOR), always or never."
EXCLUDE_HELP = (
    "Gitignore-style pattern of files and directories to skip; replaces the "
    f"defaults ({', '.join(DEFAULT_EXCLUDES)}). Repeat for more."
)
EXTEND_EXCLUDE_HELP = "Like --exclude, but adds to the default patterns."
FORCE_EXCLUDE_HELP = (
    "Apply excludes and .gitignore to paths named on the command line too, "
    "as pre-commit passes file names."
)
GITIGNORE_HELP = (
    "Skip files that git ignores (.gitignore, .git/info/exclude, the global "
    "excludes file)."
)
SHOW_FILES_HELP = "Print the files that would be processed, one per line, and exit."
JOBS_HELP = "Number of processes; 1 runs everything in this process. Default: CPUs."
CUSTOM_RUNTIMES_HELP = (
    "Also fix images on non-Lambda bases that carry a Lambda runtime "
    "interface client or the Lambda Web Adapter (finding LF009)."
)


class ColorChoice(str, enum.Enum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"lambda-fix {__version__}")
        raise typer.Exit()


def _parse_build_args(values: list[str]) -> dict[str, str]:
    build_args = {}
    for value in values:
        name, equals, setting = value.partition("=")
        if not equals or not name:
            raise typer.BadParameter(
                f"{value!r} is not NAME=VALUE; write it as --build-arg NAME=VALUE",
                param_hint="--build-arg",
            )
        build_args[name] = setting
    return build_args


def _fix_stdin(options: Options, check: bool, report: Report) -> int:
    data = sys.stdin.buffer.read()
    result = fix_text(data, options)
    outcome = FileOutcome("-", result)
    if not check:
        sys.stdout.buffer.write(result.output)
        sys.stdout.flush()
        report.mode = Mode.WRITE
    report.add(outcome)
    if result.status is Status.REFUSED:
        return EXIT_ERROR
    return report.exit_code


def command(
    paths: Annotated[
        list[Path], typer.Argument(help="Dockerfiles or directories; - is stdin.")
    ],
    write: Annotated[bool, typer.Option("--write", "-w", help=WRITE_HELP)] = False,
    check: Annotated[bool, typer.Option("--check", help=CHECK_HELP)] = False,
    user: Annotated[str, typer.Option(help=USER_HELP)] = DEFAULT_USER,
    target: Annotated[str | None, typer.Option(help=TARGET_HELP)] = None,
    build_arg: Annotated[
        list[str] | None,
        typer.Option("--build-arg", metavar="NAME=VALUE", help=BUILD_ARG_HELP),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print errors only.")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Also print skipped and unchanged files."),
    ] = False,
    color: Annotated[ColorChoice, typer.Option(help=COLOR_HELP)] = ColorChoice.AUTO,
    exclude: Annotated[
        list[str] | None,
        typer.Option(metavar="PATTERN", help=EXCLUDE_HELP),
    ] = None,
    extend_exclude: Annotated[
        list[str] | None,
        typer.Option(metavar="PATTERN", help=EXTEND_EXCLUDE_HELP),
    ] = None,
    force_exclude: Annotated[
        bool, typer.Option("--force-exclude", help=FORCE_EXCLUDE_HELP)
    ] = False,
    respect_gitignore: Annotated[
        bool,
        typer.Option("--respect-gitignore/--no-respect-gitignore", help=GITIGNORE_HELP),
    ] = True,
    show_files: Annotated[
        bool, typer.Option("--show-files", help=SHOW_FILES_HELP)
    ] = False,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help=JOBS_HELP)
    ] = None,
    include_custom_runtimes: Annotated[
        bool, typer.Option("--include-custom-runtimes", help=CUSTOM_RUNTIMES_HELP)
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    if write and check:
        raise typer.BadParameter(
            "--write and --check exclude each other; pick one", param_hint="--check"
        )
    try:
        is_name = validate_user(user)
    except InvalidUser as error:
        raise typer.BadParameter(str(error), param_hint="--user") from None
    options = Options(
        user=user,
        target=target,
        build_args=_parse_build_args(build_arg or []),
        include_custom_runtimes=include_custom_runtimes,
    )
    mode = Mode.WRITE if write else Mode.CHECK if check else Mode.DIFF
    report = Report(
        mode=mode,
        verbose=verbose,
        quiet=quiet,
        color=use_color(color.value, sys.stderr),
    )
    if is_name and not quiet:
        sys.stderr.write(
            f"warning: USER {user} names a user; it must exist in every image "
            "fixed, or the container fails to start\n"
        )
    if [str(path) for path in paths] == ["-"]:
        raise typer.Exit(_fix_stdin(options, check, report))

    excludes = tuple(DEFAULT_EXCLUDES if exclude is None else exclude)
    selection = Selection(
        excludes=excludes + tuple(extend_exclude or ()),
        respect_gitignore=respect_gitignore,
        force_exclude=force_exclude,
    )
    plan = make_plan(paths, selection, options)
    if verbose:
        _print_declarations(plan)
    if show_files:
        for _, display_name, _ in plan.jobs:
            sys.stdout.write(display_name + "\n")
        raise typer.Exit(0)
    for path in plan.missing:
        report.add(FileOutcome(path, None, error="no such file or directory"))
    workers = jobs or default_jobs()
    for outcome in process_all(plan.jobs, mode, workers):
        if outcome.diff:
            sys.stdout.buffer.write(outcome.diff)
            sys.stdout.flush()
        report.add(outcome)
    if not quiet:
        sys.stderr.write(report.summary() + "\n")
    raise typer.Exit(report.exit_code)


def _print_declarations(plan: Plan) -> None:
    """Print what infrastructure code declared and what it left unresolved."""
    declarations = plan.declarations
    for image in declarations.images:
        sys.stderr.write(
            f"{image.source}:{image.line}: {image.tool} declares a Lambda image "
            f"built from {display(image.dockerfile)}"
            + (f" (target {image.target})" if image.target else "")
            + "\n"
        )
    for note in declarations.unresolved:
        sys.stderr.write(f"{note}; its Dockerfile is not checked as declared\n")
    for note in declarations.notes:
        sys.stderr.write(f"{note}\n")


def main() -> None:
    """Run the command line; the console script's entry point."""
    app = typer.Typer(
        add_completion=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        pretty_exceptions_enable=False,
    )
    app.command(help=HELP, no_args_is_help=True)(command)
    app(prog_name="lambda-fix")
