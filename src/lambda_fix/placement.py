"""Choose the line where the new USER instruction goes in the built stage.

The line goes above the first CMD, ENTRYPOINT or HEALTHCHECK that follows
the stage's last RUN, USER or WORKDIR, so Semgrep finds a USER above them;
otherwise right after that last RUN, USER or WORKDIR, or at the end of the
stage. It never goes above a RUN, which would then run as the new user and
could fail, and never above a WORKDIR, which BuildKit creates as the current
user.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from lambda_fix.stages import Stage
from lambda_fix.syntax import (
    KNOWN_KEYWORDS,
    Dockerfile,
    DockerfileError,
    Instruction,
    ends_with_escape,
    indentation,
    is_blank,
    is_comment,
    shell_words,
)

ANCHORS = frozenset({"run", "user", "workdir"})
TARGETS = frozenset({"cmd", "entrypoint", "healthcheck"})

_SPACED_HEREDOC = re.compile(r"\d*<<-?\Z")


class Ambiguous(DockerfileError):
    """BuildKit reads the file differently from how it looks."""


@dataclass(frozen=True)
class Placement:
    """An insertion point: the new line goes before physical line `line` (0-based)."""

    line: int
    indent: bytes
    eol: bytes
    blank_before: bool
    blank_after: bool
    # The file's last line has no line ending and the new line goes after it.
    terminate_last_line: bool
    description: str


def check_spaced_heredocs(dockerfile: Dockerfile) -> None:
    """Raise Ambiguous for `<< EOF`, which BuildKit versions read differently.

    Current BuildKit takes no heredoc there, so the body lines become
    instructions and usually make the file invalid. This check runs before
    the keyword check, so the message names the cause.
    """
    for instruction in dockerfile.instructions:
        _check_spaced_heredoc(instruction)


def check_swallowed_lines(dockerfile: Dockerfile) -> None:
    """Raise Ambiguous where an empty continuation line hides an instruction."""
    for instruction in dockerfile.instructions:
        _check_swallowed_lines(dockerfile, instruction)


def _check_swallowed_lines(dockerfile: Dockerfile, instruction: Instruction) -> None:
    if not instruction.empty_continuation_lines:
        return
    first_empty = instruction.empty_continuation_lines[0]
    body_end = instruction.end
    for index in range(first_empty + 1, body_end + 1):
        text = dockerfile.line_text(index)
        words = text.split(None, 1)
        if is_comment(text) or not words:
            continue
        if words[0].lower() in KNOWN_KEYWORDS:
            raise Ambiguous(
                index + 1,
                f"this looks like a {words[0].upper()} instruction, "
                f"but the empty line {first_empty + 1} inside the continuation "
                f"of line {instruction.start + 1} makes BuildKit fold it into "
                f"that {instruction.keyword.upper()}; remove the trailing "
                "escape character or the empty line",
            )
        if not ends_with_escape(text, dockerfile.escape):
            return


def _check_spaced_heredoc(instruction: Instruction) -> None:
    keyword = instruction.onbuild_keyword or instruction.keyword
    if keyword not in ("run", "copy", "add") or "<<" not in instruction.text:
        return
    words = shell_words(instruction.text)
    for word, following in itertools.pairwise(words):
        if _SPACED_HEREDOC.match(word) and following[:1] not in ("", "<", ">"):
            raise Ambiguous(
                instruction.start + 1,
                f"'{word} {following}' is not a heredoc to current BuildKit; "
                "BuildKit versions disagree on whether a space may follow "
                f"'<<', so write '{word}{following}' without the space",
            )


def place(dockerfile: Dockerfile, stage: Stage) -> Placement:
    """Find the insertion point in the built stage; raise Ambiguous if none."""
    instructions = stage.instructions
    last_anchor = -1
    for position, instruction in enumerate(instructions):
        if instruction.keyword in ANCHORS:
            last_anchor = position
    for instruction in instructions[last_anchor + 1 :]:
        if instruction.keyword in TARGETS:
            return _place_above(dockerfile, instruction)
    if last_anchor >= 0:
        return _place_below(dockerfile, instructions[last_anchor])
    return _place_below(dockerfile, (stage.from_instruction, *instructions)[-1])


def _place_above(dockerfile: Dockerfile, target: Instruction) -> Placement:
    line = target.start
    floor = max(
        (i.end + 1 for i in dockerfile.instructions if i.end < target.start),
        default=0,
    )
    # Comments glued to the instruction (a `# hadolint ignore=` pragma, say)
    # are about it, so they stay directly above it.
    while line > floor and is_comment(dockerfile.line_text(line - 1)):
        line -= 1
    previous_blank = line > 0 and is_blank(dockerfile.line_text(line - 1))
    spaced = _separates_with_blank_lines(dockerfile)
    return Placement(
        line=line,
        indent=_indent_bytes(dockerfile, target.start),
        eol=_line_ending(dockerfile, target.start),
        blank_before=_ends_with_escaped_escape(dockerfile, line - 1)
        or _ends_heredoc(dockerfile, line - 1),
        blank_after=spaced and previous_blank,
        terminate_last_line=False,
        description=f"above {target.keyword.upper()} on line {target.start + 1}",
    )


def _place_below(dockerfile: Dockerfile, anchor: Instruction) -> Placement:
    if anchor.open_at_end:
        raise Ambiguous(
            anchor.start + 1,
            f"this {anchor.keyword.upper()} continues to the end of the file "
            f"(a line ends with the escape character {dockerfile.escape!r}), so "
            "BuildKit would fold an appended line into it; remove the trailing "
            "escape character",
        )

    line = anchor.end + 1
    total = len(dockerfile.lines)
    spaced = _separates_with_blank_lines(dockerfile)
    next_blank = line < total and is_blank(dockerfile.line_text(line))
    blank_before = False
    if next_blank and (spaced or anchor.heredocs):
        # Go past the blank line so it keeps separating the instructions;
        # hadolint also cannot parse a line glued to a heredoc terminator.
        line += 1
    elif spaced or anchor.heredocs:
        blank_before = True
    else:
        blank_before = _ends_with_escaped_escape(dockerfile, anchor.end)
    following_text = line < total and not is_blank(dockerfile.line_text(line))
    last_line = dockerfile.lines[-1]
    return Placement(
        line=line,
        indent=_indent_bytes(dockerfile, anchor.start),
        eol=_line_ending(dockerfile, anchor.end),
        blank_before=blank_before,
        blank_after=spaced and next_blank and following_text,
        terminate_last_line=line >= total and not last_line.endswith(b"\n"),
        description=f"after {anchor.keyword.upper()} on line {anchor.start + 1}",
    )


def _ends_heredoc(dockerfile: Dockerfile, index: int) -> bool:
    """Check whether a line is the terminator of an instruction's heredoc.

    hadolint cannot parse an instruction glued to a terminator.
    """
    return any(
        instruction.end == index and instruction.heredocs
        for instruction in dockerfile.instructions
    )


def _ends_with_escaped_escape(dockerfile: Dockerfile, index: int) -> bool:
    """Check whether a line that BuildKit ends still ends with the escape character.

    BuildKit ends `RUN echo \\\\` there, but dockerfile-parse, which Checkov
    uses, reads on into the next line; a blank line keeps the two apart.
    """
    if index < 0:
        return False
    text = dockerfile.line_text(index)
    if is_comment(text):
        return False
    return text.rstrip(" \t").endswith(dockerfile.escape)


def _indent_bytes(dockerfile: Dockerfile, index: int) -> bytes:
    # Only spaces and tabs are copied. A leading CR or form feed is whitespace
    # to BuildKit too, but copied into the new line it would confuse editors
    # and other parsers.
    indent = indentation(dockerfile.line_text(index))
    copied = indent[: len(indent) - len(indent.lstrip(" \t"))]
    return copied.encode()


def _line_ending(dockerfile: Dockerfile, index: int) -> bytes:
    raw = dockerfile.lines[index]
    if raw.endswith(b"\r\n"):
        return b"\r\n"
    if raw.endswith(b"\n"):
        return b"\n"
    crlf = sum(1 for line in dockerfile.lines if line.endswith(b"\r\n"))
    return b"\r\n" if crlf * 2 > len(dockerfile.lines) - 1 else b"\n"


def _separates_with_blank_lines(dockerfile: Dockerfile) -> bool:
    """Check whether most neighbouring instructions have a blank line between them."""
    spaced = glued = 0
    instructions = dockerfile.instructions
    for previous, current in itertools.pairwise(instructions):
        if current.keyword == "from":
            continue
        gap = range(previous.end + 1, current.start)
        if any(is_blank(dockerfile.line_text(index)) for index in gap):
            spaced += 1
        else:
            glued += 1
    return spaced > glued
