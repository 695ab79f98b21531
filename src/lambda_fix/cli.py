"""The lambda-fix command: options in, files through the core, a report out."""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import os
import signal
import sys
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import Annotated, Any, NoReturn

import typer

from lambda_fix import __version__
from lambda_fix.batch import process_all
from lambda_fix.config import (
    NO_SETTINGS,
    ConfigError,
    Resolver,
    Settings,
    parse_codes,
)
from lambda_fix.core import fix_text
from lambda_fix.diff import unified_diff
from lambda_fix.discover import (
    DEFAULT_EXCLUDES,
    Selection,
    is_dockerfile_name,
    is_excluded,
)
from lambda_fix.files import MAX_SIZE, FilePolicy
from lambda_fix.options import DEFAULT_USER, InvalidUser, Options, validate_user
from lambda_fix.plan import (
    Job,
    Plan,
    display,
    file_options,
    make_plan,
    stream_plan,
)
from lambda_fix.pool import Pool, default_jobs
from lambda_fix.report import EXIT_ERROR, Report, use_color
from lambda_fix.report.destinations import Destination, parse_report
from lambda_fix.report.destinations import write as write_report
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
MAX_FILE_SIZE_HELP = (
    "Largest file to read, in bytes; larger files are reported as errors."
)
FOLLOW_HELP = (
    "Fix the target of a symbolic link when the target lies inside the tree "
    "being fixed: the directory given, or for a file given by name the "
    "current directory. Links that lead outside are always skipped."
)
COLOR_HELP = "Colour output: auto (a terminal without NO_COLOR), always or never."
OUTPUT_FORMAT_HELP = (
    "Format of standard output (or --output): text (unified diff), json, sarif, "
    "github (Actions annotations) or markdown (a pull-request body). Default: "
    "text, and nothing with --write or --check."
)
OUTPUT_HELP = "Write the --output-format output to this file instead of stdout."
REPORT_HELP = (
    "Also write FORMAT to PATH (- is stdout), such as json=report.json; "
    "repeat for more."
)
SELECT_HELP = (
    "Report and act on only these finding codes or prefixes (LF001, LF00); "
    "comma-separated or repeated."
)
IGNORE_HELP = (
    "Ignore these finding codes or prefixes; ignoring LF001 leaves files "
    "unchanged. Comma-separated or repeated."
)
FOREIGN_HELP = (
    "Fix files even where a Checkov, Trivy or hadolint ignore (comment or "
    ".trivyignore) accepts root."
)
CONFIG_HELP = (
    "Read settings from this TOML file only, instead of the nearest "
    ".lambda-fix.toml or pyproject.toml [tool.lambda-fix]."
)
ISOLATED_HELP = "Ignore all configuration files."
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


# A file to fix (None for standard input), its display name, its settings,
# what infrastructure code declares of it, and the tree that symbolic links
# must stay inside.


class OutputFormat(str, enum.Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    MARKDOWN = "markdown"


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


def _fix_stdin(options: Options) -> FileOutcome:
    data = sys.stdin.buffer.read()
    result = fix_text(data, options)
    diff = unified_diff("-", data, result.output) if result.changed else b""
    return FileOutcome("-", result, diff=diff)


def _codes(values: list[str] | None, option: str) -> tuple[str, ...] | None:
    if values is None:
        return None
    parts = [part for value in values for part in value.split(",") if part.strip()]
    try:
        return parse_codes(parts)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint=option) from None


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"lambda-fix: error: {message}\n")
    raise typer.Exit(EXIT_ERROR)


def command(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH", help="Dockerfiles or directories; - is stdin."),
    ],
    write: Annotated[bool, typer.Option("--write", "-w", help=WRITE_HELP)] = False,
    check: Annotated[bool, typer.Option("--check", help=CHECK_HELP)] = False,
    user: Annotated[
        str | None,
        typer.Option(metavar="UID[:GID]", help=USER_HELP, show_default=DEFAULT_USER),
    ] = None,
    target: Annotated[
        str | None, typer.Option(metavar="STAGE", help=TARGET_HELP)
    ] = None,
    build_arg: Annotated[
        list[str] | None,
        typer.Option("--build-arg", metavar="NAME=VALUE", help=BUILD_ARG_HELP),
    ] = None,
    output_format: Annotated[
        OutputFormat | None, typer.Option(help=OUTPUT_FORMAT_HELP)
    ] = None,
    output: Annotated[Path | None, typer.Option(help=OUTPUT_HELP)] = None,
    report_to: Annotated[
        list[str] | None,
        typer.Option("--report", metavar="FORMAT=PATH", help=REPORT_HELP),
    ] = None,
    select: Annotated[
        list[str] | None, typer.Option(metavar="CODES", help=SELECT_HELP)
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option(metavar="CODES", help=IGNORE_HELP)
    ] = None,
    no_foreign_suppressions: Annotated[
        bool, typer.Option("--no-foreign-suppressions", help=FOREIGN_HELP)
    ] = False,
    config: Annotated[Path | None, typer.Option(help=CONFIG_HELP)] = None,
    isolated: Annotated[bool, typer.Option(help=ISOLATED_HELP)] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print errors only.")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Also print skipped and unchanged files."),
    ] = False,
    max_file_size: Annotated[
        int, typer.Option(metavar="BYTES", min=1, help=MAX_FILE_SIZE_HELP)
    ] = MAX_SIZE,
    follow_internal_symlinks: Annotated[bool, typer.Option(help=FOLLOW_HELP)] = False,
    exclude: Annotated[
        list[str] | None, typer.Option(metavar="PATTERN", help=EXCLUDE_HELP)
    ] = None,
    extend_exclude: Annotated[
        list[str] | None, typer.Option(metavar="PATTERN", help=EXTEND_EXCLUDE_HELP)
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
    workers: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help=JOBS_HELP)
    ] = None,
    include_custom_runtimes: Annotated[
        bool, typer.Option("--include-custom-runtimes", help=CUSTOM_RUNTIMES_HELP)
    ] = False,
    color: Annotated[ColorChoice, typer.Option(help=COLOR_HELP)] = ColorChoice.AUTO,
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
    if config is not None and isolated:
        raise typer.BadParameter(
            "--config and --isolated exclude each other; pick one",
            param_hint="--isolated",
        )
    if user is not None:
        try:
            validate_user(user)
        except InvalidUser as error:
            raise typer.BadParameter(str(error), param_hint="--user") from None
    try:
        reports = [parse_report(value) for value in report_to or []]
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--report") from None
    command_line = Settings(
        user=user,
        target=target,
        build_args=_parse_build_args(build_arg or []),
        foreign_suppressions=False if no_foreign_suppressions else None,
        select=_codes(select, "--select"),
        ignore=_codes(ignore, "--ignore"),
        include_custom_runtimes=True if include_custom_runtimes else None,
    )
    selection = Selection(
        excludes=tuple(DEFAULT_EXCLUDES if exclude is None else exclude)
        + tuple(extend_exclude or ()),
        respect_gitignore=respect_gitignore,
        force_exclude=force_exclude,
    )
    mode = Mode.DIFF
    if write:
        mode = Mode.WRITE
    elif check:
        mode = Mode.CHECK
    report = Report(
        mode=mode,
        verbose=verbose,
        quiet=quiet,
        color=use_color(color.value, sys.stderr),
    )
    stdin = [str(path) for path in paths] == ["-"]
    if not stdin and any(str(path) == "-" for path in paths):
        raise typer.BadParameter(
            "- (standard input) can't be combined with other paths; run "
            "lambda-fix - on its own",
            param_hint="PATH",
        )
    fmt = _primary_format(output_format, mode, output, stdin)
    # Standard input in the text format prints the fixed file, which counts
    # as writing it; other formats only describe the fix.
    if stdin and fmt == "text" and mode is Mode.DIFF:
        mode = report.mode = Mode.WRITE
    # A JSON or SARIF document on stdout must be the only thing there;
    # annotations and diffs may share it, as the GitHub Action does.
    to_stdout = [report.format for report in reports if report.path is None]
    if fmt is not None and output is None:
        to_stdout.append(fmt)
    if len(to_stdout) > 1 and {"json", "sarif"} & set(to_stdout):
        raise typer.BadParameter(
            "a JSON or SARIF report on standard output can't share it with "
            f"other output ({', '.join(to_stdout)}); give one a file path, "
            "as in --report json=report.json",
            param_hint="--report",
        )
    # Diffs go out file by file; the other formats need the whole run.
    stream_diffs = fmt == "text" and output is None and not stdin
    # A report file must not be one of the inputs, which only the whole
    # list of files can tell.
    listed = output is not None or any(report.path for report in reports)
    with Pool(workers or default_jobs()) as pool:
        jobs, plan, stdin_settings = _plan(
            paths,
            stdin,
            Resolver(config, isolated),
            command_line,
            selection,
            pool,
            listed,
        )
        if isinstance(jobs, list):
            _check_destinations(jobs, output, reports)
        _print_declarations(plan, verbose and not quiet, quiet)
        if show_files:
            for _, name, _, _, _ in jobs:
                sys.stdout.write(name + "\n")
            raise typer.Exit(0)

        if not quiet:
            _warn_named_user(stdin_settings.user)
            jobs = _warning_named_users(jobs)
        outcomes = [
            FileOutcome(name, None, error="no such file or directory; check the path")
            for name in plan.missing
        ]
        outcomes += [
            FileOutcome(
                display(directory),
                None,
                error=f"cannot list directory: {reason}; its files were not "
                "checked, so fix its permissions or exclude it",
            )
            for directory, reason in plan.unreadable
        ]
        for outcome in outcomes:
            report.add(outcome)
        if stdin:
            options = file_options(stdin_settings, None)
            found: Iterable[FileOutcome] = [_fix_stdin(options)]
        else:
            policy = FilePolicy(max_file_size, follow_internal_symlinks)
            if follow_internal_symlinks:
                jobs = _once_per_file(jobs)
            # --check and --write without a report print no diff, so skip it.
            with_diff = fmt is not None or bool(reports)
            found = process_all(jobs, mode, pool, policy, with_diff)
        keep = stdin or bool(reports) or (fmt is not None and not stream_diffs)

        def handle(outcome: FileOutcome) -> None:
            # An interrupt waits until the outcome is reported in full, so
            # that a file written is never left out of the report.
            _INTERRUPTS.held = True
            try:
                if stream_diffs and outcome.diff:
                    sys.stdout.buffer.write(outcome.diff)
                    sys.stdout.flush()
                report.add(outcome)
                # Keep outcomes only for what needs the whole run, so
                # memory stays flat over a large tree.
                if keep:
                    outcomes.append(outcome)
            finally:
                _INTERRUPTS.release()

        try:
            for outcome in found:
                handle(outcome)
        except ConfigError as error:
            # The second walk of a directory reads configuration again; a
            # file edited since the first walk can turn out invalid here.
            _fail(str(error))
        except KeyboardInterrupt:
            # Report the files that workers fixed before they stopped.
            if isinstance(found, Generator):
                with contextlib.suppress(KeyboardInterrupt, StopIteration):
                    handle(found.throw(KeyboardInterrupt()))
                    for outcome in found:
                        handle(outcome)
            raise

    exit_code = report.exit_code
    if stdin and fmt == "text":
        outcome = outcomes[-1]
        assert outcome.result is not None
        text = outcome.result.output if mode is Mode.WRITE else outcome.diff
        try:
            _write_stdout(text, output)
        except OSError as error:
            _fail(f"cannot write {output}: {error.strerror}")
    elif fmt is not None and not stream_diffs:
        reports.insert(0, Destination(fmt, output))
    for destination in reports:
        problem = write_report(destination, outcomes, mode)
        if problem:
            sys.stderr.write(f"lambda-fix: error: {problem}\n")
            exit_code = EXIT_ERROR
    if not quiet and not stdin:
        sys.stderr.write(report.summary() + "\n")
    raise typer.Exit(exit_code)


def _primary_format(
    chosen: OutputFormat | None, mode: Mode, output: Path | None, stdin: bool
) -> str | None:
    """Pick the format of standard output; None leaves it empty.

    The default is text, except that --write and --check print nothing, and
    --write on standard input prints the fixed file.
    """
    if chosen is not None:
        return chosen.value
    if mode is Mode.DIFF or output is not None or (stdin and mode is Mode.WRITE):
        return "text"
    return None


def _plan(
    paths: list[Path],
    stdin: bool,
    resolver: Resolver,
    command_line: Settings,
    selection: Selection,
    pool: Pool,
    listed: bool,
) -> tuple[Iterable[Job], Plan, Settings]:
    """Plan the files with their merged settings, the missing paths, and IaC.

    One directory is walked as the files are fixed, unless `listed`
    requests the whole list first. For standard input, the settings are those
    of the current directory. Stops the run with a message for an invalid
    configuration file.
    """
    try:
        if stdin:
            return [], Plan(), command_line.over(resolver.for_directory(Path.cwd()))
        selection = dataclasses.replace(selection, settings=resolver.for_directory)
        root = paths[0] if len(paths) == 1 else None
        if not listed and root is not None and _is_walked(root, selection):
            plan = stream_plan(root, selection, command_line, pool)
        else:
            plan = make_plan(paths, selection, command_line, pool)
    except ConfigError as error:
        _fail(str(error))
    jobs, plan.jobs = plan.jobs, []
    return jobs, plan, NO_SETTINGS


def _is_walked(root: Path, selection: Selection) -> bool:
    """Tell whether a lone path is a directory that a walk goes through.

    A walk yields files sorted as found, which is the order of the paths
    shown unless the current directory lies strictly inside the root:
    then some paths are shown from the current directory, others not.
    """
    if not root.is_dir() or is_dockerfile_name(root.name):
        return False
    if os.getcwd().startswith(os.path.join(os.path.abspath(root), "")):
        return False
    return not (selection.force_exclude and is_excluded(root, selection))


def _once_per_file(jobs: Iterable[Job]) -> Iterator[Job]:
    """Pass one job per real file on: a link and its target are one file.

    This remembers every real path, so memory grows with the files here.
    """
    followed: set[str] = set()
    for job in jobs:
        real = os.path.realpath(job[0])
        if real not in followed:
            followed.add(real)
            yield job


def _check_destinations(
    jobs: list[Job], output: Path | None, reports: list[Destination]
) -> None:
    """Stop before a report or --output would overwrite a file being fixed."""
    targets = [output] if output is not None else []
    targets += [report.path for report in reports if report.path is not None]
    if not targets:
        return
    inputs = {os.path.realpath(path) for path, _, _, _, _ in jobs}
    for target in targets:
        if os.path.realpath(target) in inputs:
            _fail(
                f"{target} is one of the files being fixed, so writing a report "
                "there would replace it; choose another path"
            )


def _print_declarations(plan: Plan, verbose: bool, quiet: bool) -> None:
    """Print what infrastructure code declared and what it left unresolved.

    Unresolved declarations are printed unless --quiet, because a Dockerfile
    they declare is otherwise checked as undeclared without a word.
    """
    if not quiet:
        for note in plan.declarations.unresolved:
            first_line = str(note).splitlines()[0]
            sys.stderr.write(
                f"warning: {first_line}; its Dockerfile is not checked as declared\n"
            )
    if not verbose:
        return
    for image in plan.declarations.images:
        target = f" (target {image.target})" if image.target else ""
        sys.stderr.write(
            f"{image.source}:{image.line}: {image.tool} declares a Lambda image "
            f"built from {display(image.dockerfile)}{target}\n"
        )
    for note in plan.declarations.notes:
        sys.stderr.write(f"{note}\n")


def _write_stdout(data: bytes, output: Path | None) -> None:
    if output is not None:
        output.write_bytes(data)
        return
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _warning_named_users(jobs: Iterable[Job]) -> Iterator[Job]:
    """Pass the jobs on; warn once per user name, before its first file."""
    seen: set[str] = set()
    for job in jobs:
        user = job[2].user
        if user and user not in seen:
            seen.add(user)
            _warn_named_user(user)
        yield job


def _warn_named_user(user: str | None) -> None:
    if user and validate_user(user):
        sys.stderr.write(
            f"warning: USER {user} names a user; it must exist in every image "
            "fixed, or the container fails to start\n"
        )


class _Interrupts:
    """Ctrl-C and SIGTERM, raised as KeyboardInterrupt unless held back."""

    def __init__(self) -> None:
        self.held = False
        self.pending = False

    def interrupt(self, number: int, frame: FrameType | None) -> None:
        if self.held:
            self.pending = True
            return
        raise KeyboardInterrupt

    def release(self) -> None:
        """Stop holding interrupts back; raise the one that came meanwhile."""
        self.held = False
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt


_INTERRUPTS = _Interrupts()


def _stop_on_broken_pipe(function: Callable[..., None]) -> Callable[..., None]:
    """End the run with exit status 2 when the reader of its output goes away.

    The command-line framework would turn the broken pipe into status 1,
    which means files need fixing.
    """

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            function(*args, **kwargs)
        except BrokenPipeError:
            # Nothing more can be printed; later writes go nowhere.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(EXIT_ERROR) from None

    return run


def main() -> None:
    """Run the command line; the console script's entry point."""
    app = typer.Typer(
        add_completion=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        pretty_exceptions_enable=False,
        # Plain click messages: one line per error, no boxes drawn by rich.
        rich_markup_mode=None,
    )
    app.command(help=HELP, no_args_is_help=True)(_stop_on_broken_pipe(command))
    # SIGTERM, as sent by CI cancellation and `timeout`, stops the run as
    # Ctrl-C does: the workers finish their files, and what was written is
    # reported.
    signal.signal(signal.SIGINT, _INTERRUPTS.interrupt)
    signal.signal(signal.SIGTERM, _INTERRUPTS.interrupt)
    app(prog_name="lambda-fix")
