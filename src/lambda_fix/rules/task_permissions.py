"""LF003: files under the task root that Lambda's user can't read.

Lambda runs the function as its own user (uid 993 at the time of writing),
which neither owns the image's files nor is in their group. So the "other"
permission bits decide whether the runtime can read the handler: a file
needs o+r and a directory needs o+r and o+x. This rule finds COPY and ADD
with a `--chmod` that drops them, `chmod` in RUN that drops them under the
task root, and a restrictive `umask` in a RUN that then writes there.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from lambda_fix.findings import Finding
from lambda_fix.images import is_lambda_base
from lambda_fix.options import Options
from lambda_fix.stages import Build, Stage, chain, expand, parse_assignments
from lambda_fix.syntax import Dockerfile, Instruction, shell_words, unquote

TASK_ROOT = "/var/task"

# The environment and working directory that AWS Lambda base images set.
LAMBDA_BASE_ENV = {"LAMBDA_TASK_ROOT": TASK_ROOT, "LAMBDA_RUNTIME_DIR": "/var/runtime"}

_CONSEQUENCE = (
    "Lambda runs the function as a user that is neither owner nor group "
    "member, so it fails with Permission denied"
)

_OCTAL = re.compile(r"[0-7]{1,4}\Z")
_SYMBOLIC_CLAUSE = re.compile(r"([ugoa]*)((?:[-+=](?:[ugo]|[rwxXst]*))+)\Z")
_SYMBOLIC_ACTION = re.compile(r"([-+=])([ugo]|[rwxXst]*)")
_DASH_MODE = re.compile(r"-[rwxXst]+\Z")
_SHORT_OPTIONS = re.compile(r"-[A-Za-z]+\Z")
_SHELL_OPERATOR = set("();<>|&")


@dataclass(frozen=True)
class OtherAccess:
    """The effect of a mode on the other-read and other-execute bits.

    True sets the bit, False clears it and None leaves it as it was.
    """

    read: bool | None
    execute: bool | None


def other_access(mode: str) -> OtherAccess | None:
    """Read an octal or symbolic chmod mode; return None if it isn't one."""
    if _OCTAL.match(mode):
        bits = int(mode, 8)
        return OtherAccess(read=bool(bits & 0o004), execute=bool(bits & 0o001))
    read: bool | None = None
    execute: bool | None = None
    for clause in mode.split(","):
        match = _SYMBOLIC_CLAUSE.match(clause)
        if match is None:
            return None
        who = match.group(1) or "a"
        if "o" not in who and "a" not in who:
            continue
        for operator, permissions in _SYMBOLIC_ACTION.findall(match.group(2)):
            if permissions in ("u", "g", "o"):
                # Copying another class's bits: the result depends on the file.
                read = execute = None
                continue
            has_read = "r" in permissions
            has_execute = "x" in permissions or "X" in permissions
            if operator == "=":
                read, execute = has_read, has_execute
            elif operator == "+":
                read = True if has_read else read
                execute = True if has_execute else execute
            else:
                read = False if has_read else read
                execute = False if has_execute else execute
    return OtherAccess(read=read, execute=execute)


def readable_file_mode(bits: int) -> int:
    """Add read for everyone, and execute where the owner has it."""
    return bits | 0o444 | (0o111 if bits & 0o100 else 0)


def readable_directory_mode(bits: int) -> int:
    """Add read and execute for everyone, so any user can list and enter."""
    return bits | 0o555


@dataclass
class _Context:
    """Variables and working directory in force at one instruction."""

    variables: dict[str, str]
    workdir: str

    def resolve(self, path: str, cwd: str | None = None) -> str:
        """Expand variables in a path and make it absolute."""
        expanded = expand(path, self.variables).value
        return posixpath.normpath(posixpath.join(cwd or self.workdir, expanded))

    def task_roots(self) -> set[str]:
        roots = {TASK_ROOT}
        configured = self.variables.get("LAMBDA_TASK_ROOT")
        if configured and configured.startswith("/"):
            roots.add(posixpath.normpath(configured))
        return roots

    def under_task_root(self, path: str) -> str | None:
        """Return the task root that contains an absolute path, if any."""
        for root in sorted(self.task_roots()):
            if _contains(root, path):
                return root
        return None


def check(
    dockerfile: Dockerfile, build: Build, stage: Stage, options: Options
) -> list[Finding]:
    """Find instructions that leave task files unreadable to Lambda's user."""
    findings: list[Finding] = []
    for instruction, context in _walk(build, stage, options.build_args):
        message = ""
        if instruction.keyword in ("copy", "add"):
            message = _check_copy(instruction, context)
        elif instruction.keyword == "run":
            message = _check_run(dockerfile, instruction, context)
        if message:
            line = instruction.start + 1
            findings.append(Finding("LF003", line, message))
    return findings


def _walk(
    build: Build, stage: Stage, build_args: Mapping[str, str]
) -> Iterator[tuple[Instruction, _Context]]:
    """Yield each instruction of the built stage's chain with its context."""
    # TODO: COPY --from=<stage> keeps the modes that stage gave its files,
    # but a chmod in a builder stage outside this chain is not followed.
    stages = chain(build, stage)
    lambda_root = is_lambda_base(stages[0].base)
    env = dict(LAMBDA_BASE_ENV) if lambda_root else {}
    workdir = TASK_ROOT if lambda_root else "/"
    for member in stages:
        args: dict[str, str] = {}
        for instruction in member.instructions:
            context = _Context({**args, **env}, workdir)
            keyword = instruction.keyword
            if keyword == "arg":
                for name, value in parse_assignments(instruction.args):
                    resolved = build_args.get(name)
                    if resolved is None and value is not None:
                        resolved = expand(value, context.variables).value
                    if resolved is None:
                        resolved = build.global_args.get(name)
                    if resolved is not None:
                        args[name] = resolved
            elif keyword == "env":
                for name, value in parse_assignments(instruction.args, True):
                    if value is not None:
                        env[name] = expand(value, {**args, **env}).value
            elif keyword == "workdir":
                workdir = context.resolve(unquote(instruction.args.strip()))
            yield instruction, context


def _flag_value(instruction: Instruction, name: str) -> str | None:
    prefix = f"--{name}="
    for flag in instruction.flags:
        if flag.startswith(prefix):
            return flag[len(prefix) :]
    return None


def _copy_operands(args: str) -> list[str]:
    """Return the sources and destination of COPY or ADD, JSON form included."""
    text = args.strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list) and all(isinstance(p, str) for p in parsed):
            return list(parsed)
    return [unquote(word) for word in shell_words(text)]


def _looks_like_directory(source: str) -> bool:
    """Guess from its name whether a COPY source is a directory."""
    if source.startswith("<<"):
        return False
    name = posixpath.basename(source.rstrip("/"))
    return source.endswith("/") or name in ("", ".", "..") or "." not in name


def _check_copy(instruction: Instruction, context: _Context) -> str:
    mode = _flag_value(instruction, "chmod")
    if mode is None:
        return ""
    access = other_access(mode)
    operands = _copy_operands(instruction.args)
    if access is None or len(operands) < 2:
        return ""

    sources, destination = operands[:-1], operands[-1]
    root = context.under_task_root(context.resolve(destination))
    if root is None:
        return ""
    directories = [source for source in sources if _looks_like_directory(source)]
    closes_directories = access.execute is False and bool(directories)
    if access.read is not False and not closes_directories:
        return ""

    keyword = instruction.written_keyword.upper()
    chown = _flag_value(instruction, "chown")
    return _copy_message(keyword, mode, sources, directories, root, chown)


def _copy_message(
    keyword: str,
    mode: str,
    sources: list[str],
    directories: list[str],
    root: str,
    chown: str | None,
) -> str:
    if directories:
        suggested = "755"
        if _OCTAL.match(mode):
            suggested = f"{readable_directory_mode(int(mode, 8)):o}"
        problem = (
            f"{keyword} --chmod={mode} also sets the mode of the directories "
            f"copied from {directories[0]} (if it is a directory) into {root}, "
            "and a directory needs o+r and o+x before other users can enter it"
        )
    else:
        suggested = "644"
        if _OCTAL.match(mode):
            suggested = f"{readable_file_mode(int(mode, 8)):o}"
        problem = (
            f"{keyword} --chmod={mode} makes {', '.join(sources)} in {root} "
            "unreadable to other users"
        )
    if chown is not None:
        problem += (
            f"; --chown={chown} does not help, because Lambda's user is not that owner"
        )
    return f"{problem}. {_CONSEQUENCE}; use --chmod={suggested}"


def _run_text(dockerfile: Dockerfile, instruction: Instruction) -> str:
    """Return the shell text of a RUN, heredoc bodies included."""
    if not instruction.heredocs:
        text = instruction.args.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError:
                return text
            if isinstance(parsed, list) and all(isinstance(p, str) for p in parsed):
                if parsed[:2] in (["/bin/sh", "-c"], ["sh", "-c"]):
                    return " ".join(parsed[2:])
                return shlex.join(parsed)
        return text
    lines = range(instruction.start, instruction.end + 1)
    text = "\n".join(dockerfile.line_text(index) for index in lines)
    return text.replace(dockerfile.escape + "\n", " ")


MAX_RUN_LENGTH = 64 * 1024


def _commands(text: str) -> list[list[str]]:
    """Split shell text into simple commands at operators and newlines."""
    lexer = shlex.shlex(text.replace("\n", " ; "), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    commands: list[list[str]] = [[]]
    try:
        for token in lexer:
            if token and set(token) <= _SHELL_OPERATOR:
                commands.append([])
            else:
                commands[-1].append(token)
    except ValueError:
        # An unbalanced quote: the shell would fail on it anyway.
        return []
    return [command for command in commands if command]


def _program(command: list[str]) -> tuple[str, list[str]]:
    """Return the program name and its arguments, past sudo and assignments."""
    index = 0
    while index < len(command) and (
        command[index] in ("sudo", "exec", "command")
        or re.match(r"[A-Za-z_][A-Za-z0-9_]*=", command[index])
    ):
        index += 1
    if index >= len(command):
        return "", []
    return posixpath.basename(command[index]), command[index + 1 :]


@dataclass(frozen=True)
class _Chmod:
    """A chmod command: its mode, whether it recurses, and its paths."""

    mode: str
    access: OtherAccess
    recursive: bool
    paths: tuple[str, ...]


@dataclass(frozen=True)
class _Problem:
    path: str
    message: str


def _check_run(
    dockerfile: Dockerfile, instruction: Instruction, context: _Context
) -> str:
    """Return the first problem in a RUN that a later command doesn't undo."""
    text = _run_text(dockerfile, instruction)
    # Only chmod and umask take read access away, and most RUNs use neither,
    # so skip the shell lexer for them.
    if "chmod" not in text and "umask" not in text:
        return ""
    # NOTE: shlex slows down quadratically on very long words, so a RUN
    # longer than this is not checked at all.
    if len(text) > MAX_RUN_LENGTH:
        return ""
    cwd = context.workdir
    umask = ""
    problems: list[_Problem] = []
    for command in _commands(text):
        program, args = _program(command)
        if program == "cd" and args:
            cwd = context.resolve(args[0], cwd)
            continue
        if program == "umask":
            if args and _OCTAL.match(args[-1]):
                umask = args[-1] if int(args[-1], 8) & 0o004 else ""
            continue
        chmod = _parse_chmod(args) if program == "chmod" else None
        if chmod is not None:
            problems = _after_chmod(chmod, problems, context, cwd)
        root = _written_root(args, context, cwd) if umask else None
        if root is not None:
            message = (
                f"RUN sets umask {umask} and then writes to {root}, so the "
                f"new files are unreadable to other users. {_CONSEQUENCE}; "
                f"drop the umask or end that RUN with `chmod -R o+rX {root}`"
            )
            problems.append(_Problem(root, message))
            umask = ""
    return problems[0].message if problems else ""


def _after_chmod(
    chmod: _Chmod, problems: list[_Problem], context: _Context, cwd: str
) -> list[_Problem]:
    """Drop the problems a chmod repairs and add the ones it causes."""
    result = list(problems)
    repairs = chmod.recursive and chmod.access.read and chmod.access.execute
    for path in chmod.paths:
        resolved = context.resolve(path, cwd)
        if repairs:
            result = [p for p in result if not _contains(resolved, p.path)]
        root = context.under_task_root(resolved)
        if root is None:
            continue
        directory = chmod.recursive or resolved == root or path.endswith(("/", "."))
        unreadable = chmod.access.read is False
        closed = chmod.access.execute is False and directory
        if unreadable or closed:
            message = _chmod_message(chmod.mode, chmod.recursive, path, directory)
            result.append(_Problem(resolved, message))
    return result


def _contains(directory: str, path: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def _written_root(args: list[str], context: _Context, cwd: str) -> str | None:
    """Return the task root a command may write to: its cwd or a path argument."""
    root = context.under_task_root(cwd)
    if root is not None:
        return root
    for arg in args:
        value = arg.partition("=")[2] if arg.startswith("-") else arg
        if value.startswith(("/", "$")):
            root = context.under_task_root(context.resolve(value, cwd))
            if root is not None:
                return root
    return None


def _parse_chmod(args: list[str]) -> _Chmod | None:
    """Read chmod's arguments; return None for --reference or an unknown mode."""
    recursive = False
    mode = ""
    paths: list[str] = []
    options_done = False
    for arg in args:
        if options_done:
            paths.append(arg)
        elif arg == "--":
            options_done = True
        elif arg == "--recursive" or (_SHORT_OPTIONS.match(arg) and "R" in arg):
            recursive = True
        elif arg.startswith("--reference"):
            return None
        elif not mode and (_DASH_MODE.match(arg) or not arg.startswith("-")):
            mode = arg
        elif not arg.startswith("-"):
            paths.append(arg)
    access = other_access(mode) if mode else None
    if access is None:
        return None
    return _Chmod(mode, access, recursive, tuple(paths))


def _chmod_message(mode: str, recursive: bool, path: str, directory: bool) -> str:
    flag = "-R " if recursive else ""
    written = f"`chmod {flag}{mode} {path}`"
    if not directory:
        problem = f"{written} makes {path} unreadable to other users"
    else:
        problem = (
            f"{written} leaves directories under {path} without o+r or o+x, so "
            "other users can't list or enter them"
        )
    if _OCTAL.match(mode):
        bits = int(mode, 8)
        if not recursive:
            readable = readable_directory_mode if directory else readable_file_mode
            suggested = f"{readable(bits):o}"
        elif bits & 0o100:
            suggested = f"{readable_directory_mode(bits):o}"
        else:
            suggested = "u=rwX,go=rX"
        fix = f"use `chmod {flag}{suggested} {path}`"
    else:
        fix = f"drop it or follow it with `chmod -R o+rX {path}`"
    return f"{problem}. {_CONSEQUENCE}; {fix}"
