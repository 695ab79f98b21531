"""Hypothesis strategies that build Lambda Dockerfiles as bytes.

The files mix what real Dockerfiles contain: several stages, heredocs,
continuations with comment and blank lines inside, comments, parser
directives, CRLF and mixed line endings, a byte order mark, keywords in
any case, Lambda and other base images, and USER lines of many shapes.
`dockerfiles()` builds only files that BuildKit's parser accepts.
"""

from __future__ import annotations

from hypothesis import strategies as st

LAMBDA_BASES = (
    "public.ecr.aws/lambda/python:3.12",
    "public.ecr.aws/lambda/nodejs:20",
    "public.ecr.aws/lambda/provided:al2023",
    "amazon/aws-lambda-java:21",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecr-public/lambda/ruby:3.3",
)
OTHER_BASES = ("python:3.12-slim", "alpine:3.20", "scratch", "node:20")
USER_VALUES = (
    "root",
    "0",
    "0:0",
    "000",
    "root:root",
    "root:1001",
    "ROOT",
    "Root:0",
    "1000",
    "1000:1000",
    "app",
    "sbx_user1051",
    "${UID}",
    "$UID:$GID",
    "${NOBODY:-root}",
    "${NOBODY:-1000}",
    "a b",
)
_WORDS = ("hello", "set -e", "x=1", "pip install -r requirements.txt", "true")
_BODY_LINES = ("echo hi", "  indented", "", "# a shell comment", "x = 1")
_COMMENTS = ("# a comment", "#", "  # indented comment", "# hadolint ignore=DL3008")


def keyword(word: str) -> st.SearchStrategy[str]:
    """Spell a keyword in upper, lower or mixed case."""
    return st.sampled_from(
        (word.upper(), word.lower(), word.capitalize(), word.swapcase())
    )


@st.composite
def _heredoc(draw: st.DrawFn, head: str) -> list[str]:
    names = draw(
        st.lists(
            st.sampled_from(("EOF", "EOT", "END_1")),
            min_size=1,
            max_size=2,
            unique=True,
        )
    )
    words: list[str] = []
    bodies: list[str] = []
    for name in names:
        chomp = draw(st.booleans())
        quoted = draw(st.sampled_from((name, f'"{name}"', f"'{name}'")))
        body = draw(st.lists(st.sampled_from(_BODY_LINES), max_size=3))
        if chomp:
            body = ["\t" + line for line in body]
            terminator = draw(st.sampled_from((name, "\t" + name)))
        else:
            terminator = name
        operator = "<<-" if chomp else "<<"
        prefix = draw(st.sampled_from(("", "", "cat ", "python3 ")))
        words.append(f"{prefix}{operator}{quoted}")
        bodies.extend([*body, terminator])
    return [f"{head} {' '.join(words)}", *bodies]


@st.composite
def _continued(draw: st.DrawFn, head: str, escape: str) -> list[str]:
    """A RUN spread over lines joined by the escape character."""
    parts = draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4))
    lines = [f"{head} {parts[0]} {escape}"]
    for part in parts[1:]:
        # Blanks after the escape character still continue the line.
        trailing = draw(st.sampled_from(("", "", " ", "\t ")))
        lines.append(f"    && {part} {escape}{trailing}")
        extra = draw(st.sampled_from(("", "comment", "blank")))
        if extra == "comment":
            # BuildKit drops comment lines inside a continuation.
            lines.append(draw(st.sampled_from(_COMMENTS)))
        elif extra == "blank":
            # and empty lines too, with a warning.
            lines.append(draw(st.sampled_from(("", "  "))))
    lines.append("    && true")
    return lines


@st.composite
def instruction(draw: st.DrawFn, escape: str) -> list[str]:
    """One instruction as its physical lines, without line endings."""
    kind = draw(
        st.sampled_from(
            (
                "run",
                "run_continued",
                "run_heredoc",
                "run_json",
                "copy",
                "copy_heredoc",
                "add",
                "env",
                "arg",
                "label",
                "workdir",
                "user",
                "cmd",
                "entrypoint",
                "healthcheck",
                "expose",
                "onbuild",
                "onbuild_heredoc",
                "shell",
                "stopsignal",
                "volume",
            )
        )
    )
    name = kind.partition("_")[0]
    head = draw(keyword(name))
    indent = draw(st.sampled_from(("", "", "", "  ", "\t")))
    if kind == "run_continued":
        lines = draw(_continued(head, escape))
    elif kind in ("run_heredoc", "copy_heredoc", "onbuild_heredoc"):
        if kind == "onbuild_heredoc":
            head += " " + draw(keyword("run"))
        lines = draw(_heredoc(head))
        if kind == "copy_heredoc":
            lines[0] += " /var/task/file.txt"
    else:
        lines = [f"{head} {draw(_arguments(kind))}"]
    return [indent + lines[0], *lines[1:]]


def _arguments(kind: str) -> st.SearchStrategy[str]:
    choices = {
        "run": ("echo hi", "pip install boto3", "yum -y install shadow-utils"),
        "run_json": ('["echo", "hi"]', '[ "/bin/sh", "-c", "true" ]'),
        "copy": (". ${LAMBDA_TASK_ROOT}", "--chown=1000:1000 app.py ./", "a b /c/"),
        "add": ("https://example.com/x.tgz /tmp/", "app.tar.gz /opt/"),
        "env": ("A=1", "PATH=/opt/bin:$PATH", "LEGACY some value", "UID=1000"),
        "arg": ("UID=1000", "GID", "NOBODY", "VERSION=1.0"),
        "label": ('maintainer="me"', "a=b c=d"),
        "workdir": ("/var/task", "${LAMBDA_TASK_ROOT}"),
        "user": USER_VALUES,
        "cmd": ('["app.handler"]', "app.handler", '["app.handler"', "[]"),
        "entrypoint": ('["/lambda-entrypoint.sh"]', "/bin/sh -c 'exec app'"),
        "healthcheck": ("NONE", "--interval=30s CMD curl -f http://localhost/"),
        "expose": ("8080", "8080/tcp 9000"),
        "onbuild": ("RUN echo built", "COPY . /app"),
        "shell": ('["/bin/bash", "-c"]',),
        "stopsignal": ("SIGTERM",),
        "volume": ("/data", '["/a", "/b"]'),
    }
    return st.sampled_from(choices[kind])


@st.composite
def _separator(draw: st.DrawFn) -> list[str]:
    return draw(
        st.lists(
            st.sampled_from(("", "", *_COMMENTS, "   ")),
            max_size=2,
        )
    )


@st.composite
def dockerfile_lines(draw: st.DrawFn) -> list[str]:
    """A whole Dockerfile as physical lines, without line endings."""
    lines: list[str] = []
    escape = "\\"
    # The `check` directive goes last: BuildKit before v0.14, as in the
    # `dockerfile` package used as the test oracle, ends the directives at
    # a name it does not know.
    directives = [
        draw(st.sampled_from(choices))
        for choices in (
            ("", "# syntax=docker/dockerfile:1"),
            ("", "# escape=`", "# escape=\\"),
            ("", "# check=skip=JSONArgsRecommended"),
        )
    ]
    directives = [directive for directive in directives if directive]
    if directives and draw(st.booleans()):
        lines.append("")
    if draw(st.booleans()):
        base = draw(st.sampled_from(LAMBDA_BASES + OTHER_BASES))
        lines.append(f"{draw(keyword('arg'))} BASE={base}")
    stage_count = draw(st.integers(min_value=1, max_value=3))
    for index in range(stage_count):
        lines.extend(draw(_stage(index, escape)))
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        # A continuation still open at the end of the file, which BuildKit
        # accepts; comment and blank lines may follow the escape character.
        head = draw(st.sampled_from(("RUN true", "CMD true", "USER 0", "LABEL a=b")))
        lines.append(f"{head} {escape}")
        lines.extend(draw(_separator()))
    return lines


@st.composite
def _stage(draw: st.DrawFn, index: int, escape: str) -> list[str]:
    choices = [*LAMBDA_BASES, *OTHER_BASES, "${BASE}"]
    if index > 0:
        choices += ["stage0"] * 3
    base = draw(st.sampled_from(choices))
    platform = draw(st.sampled_from(("", "--platform=linux/amd64 ")))
    named = draw(st.booleans()) or index == 0
    alias = f" {draw(keyword('as'))} stage{index}" if named else ""
    lines = [f"{draw(keyword('from'))} {platform}{base}{alias}"]
    body = draw(st.lists(instruction(escape), max_size=8))
    for block in body:
        lines.extend(draw(_separator()))
        lines.extend(block)
    lines.extend(draw(_separator()))
    return lines


@st.composite
def dockerfiles(draw: st.DrawFn) -> bytes:
    """A whole Dockerfile as bytes, with its line endings, BOM and all."""
    lines = draw(dockerfile_lines())
    style = draw(st.sampled_from(("lf", "lf", "crlf", "mixed")))
    if style == "mixed":
        endings = draw(
            st.lists(
                st.sampled_from(("\n", "\r\n")),
                min_size=len(lines),
                max_size=len(lines),
            )
        )
    else:
        endings = ["\r\n" if style == "crlf" else "\n"] * len(lines)
    text = "".join(line + ending for line, ending in zip(lines, endings, strict=True))
    if text and not draw(st.booleans()):
        text = text.removesuffix(endings[-1])
    data = text.encode()
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return data


@st.composite
def mutated_dockerfiles(draw: st.DrawFn) -> bytes:
    """A generated Dockerfile with a few bytes changed, cut or inserted."""
    data = bytearray(draw(dockerfiles()))
    edits = draw(st.integers(min_value=1, max_value=4))
    for _ in range(edits):
        position = draw(st.integers(min_value=0, max_value=len(data)))
        action = draw(st.sampled_from(("insert", "delete", "replace")))
        piece = draw(
            st.sampled_from(
                (b"\\", b"`", b"\n", b"\r", b"<<EOF", b"\t", b"\xff", b"#", b"\0")
            )
        )
        if action == "insert":
            data[position:position] = piece
        elif action == "delete":
            del data[position : position + len(piece)]
        else:
            data[position : position + len(piece)] = piece
    return bytes(data)
