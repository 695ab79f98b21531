"""Large generated Dockerfiles, for the linear-time test and benchmark."""

from __future__ import annotations

HEAD = b"FROM public.ecr.aws/lambda/python:3.12\n"
# One block mixes a continuation with a comment inside, a variable, ENV and
# a COPY heredoc, so every part of the scanner is exercised.
BLOCK = (
    b"# install step\n"
    b"RUN set -e \\\n"
    b"    && echo ${VERSION:-1} \\\n"
    b"# a comment inside the continuation\n"
    b"    && true\n"
    b"ENV VERSION=2 PATH=/opt/bin:$PATH\n"
    b"COPY <<EOF /var/task/config.txt\n"
    b"key=value\n"
    b"EOF\n"
    b"\n"
)
TAIL = b'CMD ["app.handler"]\n'
MEGABYTE = 1024 * 1024


def build_dockerfile(size: int) -> bytes:
    """Build a Lambda Dockerfile of about `size` bytes."""
    return HEAD + BLOCK * (size // len(BLOCK)) + TAIL
