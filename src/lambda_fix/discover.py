"""Find Dockerfiles under the paths given on the command line."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterator
from pathlib import Path

DEFAULT_EXCLUDES = (
    ".git",
    "node_modules",
    ".venv",
    "venv",
    "cdk.out",
    ".aws-sam",
    ".serverless",
    ".terraform",
)

_NAME_PATTERNS = (
    "dockerfile",
    "containerfile",
    "dockerfile.*",
    "containerfile.*",
    "*.dockerfile",
    "*.containerfile",
)


def is_dockerfile_name(name: str) -> bool:
    """Whether a file name is one that lambda-fix treats as a Dockerfile."""
    lowered = name.lower()
    if lowered.endswith(".dockerignore"):
        return False
    return any(fnmatch.fnmatchcase(lowered, pattern) for pattern in _NAME_PATTERNS)


def iter_dockerfiles(
    root: Path, include: Callable[[Path], bool] | None = None
) -> Iterator[Path]:
    """Yield Dockerfiles under a directory, sorted, skipping default excludes.

    `include` accepts further files whose names are not Dockerfile names.
    """
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(
            name for name in subdirectories if name not in DEFAULT_EXCLUDES
        )
        for name in sorted(files):
            path = Path(directory, name)
            if is_dockerfile_name(name) or (include is not None and include(path)):
                yield path
