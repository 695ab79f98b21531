"""Split a Dockerfile into instructions with the line spans BuildKit uses.

The rules follow BuildKit's parser (frontend/dockerfile/parser in
moby/buildkit): parser directives only in the leading comment block, the
escape character from `# escape=`, comment and blank lines inside a
continuation belong to the instruction, and heredoc bodies of RUN, COPY and
ADD are data. The scanner never changes a byte: it reports where things are,
and the splice step inserts into the original bytes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

KNOWN_KEYWORDS = frozenset(
    {
        "add",
        "arg",
        "cmd",
        "copy",
        "entrypoint",
        "env",
        "expose",
        "from",
        "healthcheck",
        "label",
        "maintainer",
        "onbuild",
        "run",
        "shell",
        "stopsignal",
        "user",
        "volume",
        "workdir",
    }
)
HEREDOC_KEYWORDS = frozenset({"add", "copy", "run"})
ALLOWED_DIRECTIVES = frozenset({"syntax", "escape", "check"})

BOM = b"\xef\xbb\xbf"

# Go's unicode.IsSpace, which BuildKit uses to strip leading whitespace.
# Python's str.isspace() also accepts U+001C..U+001F, which Go does not.
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
_GO_SPACE += "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"

# The lazy form `(.+?)[ \t]*\Z` takes quadratic time in Python's backtracking
# engine on a value followed by many blanks. So the value is matched greedily
# and _DirectiveParser.feed strips its trailing blanks.
_DIRECTIVE = re.compile(r"#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+)\Z")
_SPLIT_KEYWORD = re.compile(r"[\t\v\f\r ]+")
_BLANKS = re.compile(r"[ \t\r\n]+")
_ESCAPES_AND_BLANKS = "\\` \t"
_HEREDOC_WORD = re.compile(r"(\d*)<<(-?)([^<]*)\Z")
# Words are split on these four characters only, so \s would be wrong here.
_HEREDOC_START = re.compile(r"(?:\A|[ \t\r\n])\d*<<[^< \t\r\n]")


class DockerfileError(Exception):
    """A problem at a 1-based line; the message states what to change."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


class ParseError(DockerfileError):
    """A Dockerfile that BuildKit itself rejects."""


@dataclass(frozen=True)
class Heredoc:
    name: str
    chomp: bool


@dataclass(frozen=True)
class Instruction:
    """One instruction and the physical lines (0-based, inclusive) it spans."""

    keyword: str
    start: int
    end: int
    text: str
    flags: tuple[str, ...]
    args: str
    heredocs: tuple[Heredoc, ...] = ()
    # For ONBUILD, the keyword of the instruction it registers.
    onbuild_keyword: str | None = None
    # Lines inside the continuation that held only whitespace.
    empty_continuation_lines: tuple[int, ...] = ()
    # The file ended while the instruction still continued, so BuildKit
    # would fold any line appended to the file into it.
    open_at_end: bool = False

    @property
    def written_keyword(self) -> str:
        """The keyword as spelled in the file, which may be lowercase."""
        return self.text.lstrip(_GO_SPACE).split(None, 1)[0] if self.text else ""


@dataclass(frozen=True)
class Dockerfile:
    lines: tuple[bytes, ...]
    escape: str
    directives: dict[str, str] = field(default_factory=dict)
    instructions: tuple[Instruction, ...] = ()
    has_bom: bool = False

    def line_text(self, index: int) -> str:
        """Decode one physical line without its line ending."""
        raw = self.lines[index]
        if index == 0 and self.has_bom:
            raw = raw[len(BOM) :]
        return _decode(raw).rstrip("\r\n")


def split_lines(data: bytes) -> tuple[bytes, ...]:
    """Split on LF only, as BuildKit does, keeping each line's ending."""
    lines = data.split(b"\n")
    result = [line + b"\n" for line in lines[:-1]]
    if lines[-1]:
        result.append(lines[-1])
    return tuple(result)


def _decode(raw: bytes) -> str:
    # surrogateescape keeps undecodable bytes distinct, and nothing decoded
    # here is ever encoded back into the file.
    return raw.decode("utf-8", "surrogateescape")


def _is_comment(text: str) -> bool:
    return text.lstrip(_GO_SPACE).startswith("#")


@functools.cache
def _continuation_pattern(escape: str) -> re.Pattern[str]:
    # BuildKit: the escape character followed only by spaces or tabs continues
    # the line, unless the escape character itself is escaped.
    e = re.escape(escape)
    return re.compile(rf"(?:([^{e}]){e}|^{e})[ \t]*\Z")


def _trim_continuation(text: str, pattern: re.Pattern[str]) -> tuple[str, bool]:
    """Strip a trailing escape character; return the text and whether it ended."""
    # Most lines end in neither an escape character nor a blank, and testing
    # that is much cheaper than the search.
    last = text[-1:]
    if last not in _ESCAPES_AND_BLANKS:
        return text, True
    match = pattern.search(text)
    if match is None:
        return text, True
    return text[: match.start()] + (match.group(1) or ""), False


class _DirectiveParser:
    def __init__(self) -> None:
        self.done = False
        self.directives: dict[str, str] = {}

    def feed(self, text: str, line: int) -> None:
        if self.done:
            return
        match = _DIRECTIVE.match(text)
        if match is None:
            self.done = True
            return
        name = match.group(1).lower()
        if name not in ALLOWED_DIRECTIVES:
            self.done = True
            return
        if name in self.directives:
            raise ParseError(
                line + 1,
                f"a second '{name}' parser directive; BuildKit allows only "
                "one, so remove this line",
            )
        # An all-blank value keeps its last character, as the lazy pattern
        # `(.+?)[ \t]*$` would.
        value = match.group(2).rstrip(" \t") or match.group(2)
        if name == "escape" and value not in ("\\", "`"):
            raise ParseError(
                line + 1, f"invalid escape character {value!r}; use '\\' or '`'"
            )
        self.directives[name] = value


def scan(data: bytes) -> Dockerfile:
    """Split Dockerfile bytes into instructions; raise ParseError as BuildKit."""
    lines = split_lines(data)
    has_bom = data.startswith(BOM)
    # One decode for the whole file: a line break is never part of a UTF-8
    # sequence, so this equals decoding line by line.
    texts = [text.rstrip("\r") for text in _decode(data).split("\n")]
    if texts[-1] == "":
        texts.pop()
    if has_bom:
        texts[0] = texts[0][1:]

    directives = _DirectiveParser()
    escape = "\\"
    continuation = _continuation_pattern(escape)
    instructions: list[Instruction] = []
    index = 0
    while index < len(texts):
        raw = texts[index]
        stripped = raw.lstrip(_GO_SPACE)
        if not directives.done:
            directives.feed(stripped, index)
        if "escape" in directives.directives:
            new_escape = directives.directives["escape"]
            if new_escape != escape:
                escape = new_escape
                continuation = _continuation_pattern(escape)
        start = index
        index += 1
        if stripped.startswith("#"):
            stripped = ""
        first, ended = _trim_continuation(stripped, continuation)
        if ended and first == "":
            continue

        # Parts are joined once at the end: `+=` in the loop takes quadratic
        # time on long continuations.
        parts = [first]
        empty_lines: list[int] = []
        while not ended and index < len(texts):
            raw = texts[index]
            if not directives.done:
                directives.feed(raw, index)
            if _is_comment(raw):
                index += 1
                continue
            if raw.lstrip(_GO_SPACE) == "":
                empty_lines.append(index)
                index += 1
                continue
            part, ended = _trim_continuation(raw, continuation)
            parts.append(part)
            index += 1

        logical = "".join(parts)
        instruction = _make_instruction(logical, start, index - 1, escape)
        heredoc_keyword = instruction.onbuild_keyword or instruction.keyword
        if heredoc_keyword in HEREDOC_KEYWORDS and "<<" in logical:
            heredocs = _heredocs_in(logical)
            for heredoc in heredocs:
                index = _skip_heredoc_body(texts, index, heredoc, start)
            instruction = replace(instruction, end=index - 1, heredocs=tuple(heredocs))
        if empty_lines or not ended:
            instruction = replace(
                instruction,
                empty_continuation_lines=tuple(empty_lines),
                open_at_end=not ended,
            )
        instructions.append(instruction)

    return Dockerfile(
        lines=lines,
        escape=escape,
        directives=dict(directives.directives),
        instructions=tuple(instructions),
        has_bom=has_bom,
    )


def _skip_heredoc_body(
    texts: list[str], index: int, heredoc: Heredoc, start: int
) -> int:
    """Return the index of the line after the heredoc's terminator."""
    while index < len(texts):
        candidate = texts[index]
        index += 1
        if heredoc.chomp:
            candidate = candidate.lstrip("\t")
        if candidate == heredoc.name:
            return index
    raise ParseError(
        start + 1,
        f"heredoc <<{heredoc.name} is never terminated; end its body with a "
        f"line that holds only {heredoc.name}",
    )


def _make_instruction(logical: str, start: int, end: int, escape: str) -> Instruction:
    parts = _SPLIT_KEYWORD.split(logical.strip(_GO_SPACE), maxsplit=1)
    keyword = parts[0].lower()
    rest = parts[1] if len(parts) == 2 else ""
    onbuild_keyword = None
    if keyword == "onbuild":
        inner = _SPLIT_KEYWORD.split(rest.strip(_GO_SPACE), maxsplit=1)
        onbuild_keyword = inner[0].lower()
    flags, args = extract_flags(rest)
    return Instruction(
        keyword=keyword,
        start=start,
        end=end,
        text=logical,
        flags=tuple(flags),
        args=args,
        onbuild_keyword=onbuild_keyword,
    )


def extract_flags(line: str) -> tuple[list[str], str]:
    """Split leading `--name=value` flags from the arguments, as BuildKit."""
    flags: list[str] = []
    position = 0
    length = len(line)
    while True:
        while position < length and line[position] in _GO_SPACE:
            position += 1
        if not line.startswith("--", position):
            return flags, line[position:]
        word: list[str] = []
        quote = ""
        while position < length:
            char = line[position]
            if quote:
                if char == quote:
                    quote = ""
                else:
                    if char == "\\" and position + 1 < length:
                        position += 1
                        char = line[position]
                    word.append(char)
            elif char in _GO_SPACE:
                break
            elif char in "'\"":
                quote = char
            else:
                if char == "\\" and position + 1 < length:
                    position += 1
                    char = line[position]
                word.append(char)
            position += 1
        flag = "".join(word)
        if flag == "--":
            return flags, line[position:].lstrip(_GO_SPACE)
        flags.append(flag)
        if position >= length:
            return flags, ""


def shell_words(line: str) -> list[str]:
    """Split a line into words, keeping quotes and escapes as written."""
    if "'" not in line and '"' not in line and "\\" not in line:
        # Without quotes and escapes, words are just what the blanks leave.
        return [word for word in _BLANKS.split(line) if word]
    return _split_quoted(line)


def _split_quoted(line: str) -> list[str]:
    words: list[str] = []
    word: list[str] = []
    in_word = False
    quote = ""
    position = 0
    while position < len(line):
        char = line[position]
        if quote:
            word.append(char)
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"' and position + 1 < len(line):
                position += 1
                word.append(line[position])
        elif char in " \t\r\n":
            if in_word:
                words.append("".join(word))
                word = []
                in_word = False
        else:
            in_word = True
            word.append(char)
            if char in "'\"":
                quote = char
            elif char == "\\" and position + 1 < len(line):
                position += 1
                word.append(line[position])
        position += 1
    if in_word:
        words.append("".join(word))
    return words


def unquote(word: str) -> str:
    """Remove shell quotes and backslash escapes from one word."""
    result: list[str] = []
    quote = ""
    position = 0
    while position < len(word):
        char = word[position]
        if quote == "'":
            if char == "'":
                quote = ""
            else:
                result.append(char)
        elif char == "\\" and position + 1 < len(word):
            position += 1
            result.append(word[position])
        elif quote == '"':
            if char == '"':
                quote = ""
            else:
                result.append(char)
        elif char in "'\"":
            quote = char
        else:
            result.append(char)
        position += 1
    return "".join(result)


def _heredocs_in(logical: str) -> list[Heredoc]:
    # Splitting into words is slow; a heredoc word needs a blank or the
    # start before `<<`, optional digits, and a character after it.
    if _HEREDOC_START.search(logical) is None:
        return []
    heredocs = []
    for word in shell_words(logical):
        match = _HEREDOC_WORD.match(word)
        if match is None or not match.group(3):
            continue
        name_words = shell_words(match.group(3))
        if len(name_words) != 1:
            continue
        name = unquote(match.group(3))
        heredocs.append(Heredoc(name=name, chomp=bool(match.group(2))))
    return heredocs


def ends_with_escape(text: str, escape: str) -> bool:
    """Check whether BuildKit would continue this line onto the next one."""
    return not _trim_continuation(text, _continuation_pattern(escape))[1]


def is_blank(text: str) -> bool:
    return text.strip(_GO_SPACE) == ""


def is_comment(text: str) -> bool:
    return _is_comment(text)


def indentation(text: str) -> str:
    """Leading whitespace of a line, as written."""
    return text[: len(text) - len(text.lstrip(_GO_SPACE))]
