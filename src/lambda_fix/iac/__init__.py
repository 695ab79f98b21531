"""Read Lambda image declarations from infrastructure code without running it.

Each reader (cdk, sam, serverless) returns the same records: the images it
could resolve to a Dockerfile on disk, the ones it could not, and notes on
images it saw but left alone because they are not function images.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from lambda_fix.iac.cdk import PythonReader

Tool = Literal["cdk", "sam", "serverless"]

# Infrastructure files larger than this are reported as not read; real
# templates and CDK modules are far smaller.
MAX_INFRA_SIZE = 1024 * 1024


@dataclass(frozen=True)
class ImageDeclaration:
    """A Lambda function image declared in an infrastructure file."""

    dockerfile: Path
    source: Path
    line: int
    target: str | None
    build_args: Mapping[str, str]
    tool: Tool
    used_by_sam: bool = False


@dataclass(frozen=True)
class SourceNote:
    """A message about one place in an infrastructure file."""

    source: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


@dataclass
class Declarations:
    """Images, unresolved declarations and notes that the readers found."""

    images: list[ImageDeclaration] = field(default_factory=list)
    unresolved: list[SourceNote] = field(default_factory=list)
    notes: list[SourceNote] = field(default_factory=list)

    def extend(self, other: Declarations) -> None:
        self.images.extend(other.images)
        self.unresolved.extend(other.unresolved)
        self.notes.extend(other.notes)

    def by_dockerfile(self) -> dict[str, list[ImageDeclaration]]:
        """Group images by the absolute path of their Dockerfile."""
        grouped: dict[str, list[ImageDeclaration]] = {}
        for image in sorted(self.images, key=lambda i: (str(i.source), i.line)):
            grouped.setdefault(_key(image.dockerfile), []).append(image)
        return grouped


def absolute(path: str | Path) -> str:
    """Make a path absolute and normal without touching the file system.

    Symbolic links are not resolved, which keeps this cheap for thousands
    of files. So a declaration that reaches a Dockerfile through a link
    matches only if it names the same path.
    """
    return os.path.normpath(os.path.join(os.getcwd(), path))


_key = absolute


def read_declarations(
    paths: Iterable[Path], python: PythonReader | None = None
) -> Declarations:
    """Read every infrastructure file given; unknown names are ignored.

    `python` parses the Python files; by default they are parsed in this
    process.
    """
    from lambda_fix.iac import cdk, sam, serverless

    found = Declarations()
    python_files: list[Path] = []
    for path in paths:
        name = path.name
        if name in sam.TEMPLATE_NAMES:
            found.extend(sam.read_template(path))
        elif name in serverless.CONFIG_NAMES:
            found.extend(serverless.read_config(path))
        elif name.endswith(".py"):
            python_files.append(path)
    python = python or cdk.PythonReader(None)
    found.extend(python.read(python_files))
    return found
